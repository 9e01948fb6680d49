"""API errors as RFC 9457 problem details (``application/problem+json``) whose ``detail`` is in the
request's language (``crm.i18n``: the token user's choice, then Accept-Language; Danish by default)."""

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from crm.api.schemas import PROBLEM_CONTENT_TYPE

# marshmallow's messages (webargs' 422), in our words (Danish and English); a message not listed here
# gets the fallback.
FIELD_MESSAGES = {
    "Missing data for required field.": _l("Feltet skal udfyldes."),
    "Field may not be null.": _l("Feltet må ikke være null."),
    "Unknown field.": _l("Ukendt felt."),
    "Not a valid string.": _l("Skal være tekst."),
    "Not a valid integer.": _l("Skal være et helt tal."),
    "Not a valid number.": _l("Skal være et tal."),
    "Not a valid boolean.": _l("Skal være true eller false."),
    "Not a valid date.": _l("Skal være en dato (ÅÅÅÅ-MM-DD)."),
    "Not a valid datetime.": _l("Skal være et tidspunkt (ISO 8601)."),
    "Not a valid list.": _l("Skal være en liste."),
    "Invalid input type.": _l("Forkert type."),
    "Invalid value.": _l("Ugyldig værdi."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Skal være et endeligt tal."),
    "Invalid JSON body.": _l("Indholdet er ikke gyldig JSON."),
    "String does not match expected pattern.": _l("Har ikke det forventede format."),
}
FIELD_MESSAGE_PREFIXES = {
    "Must be one of": _l("Ukendt værdi."),
    "Must be greater": _l("Uden for det tilladte interval."),
    "Must be less": _l("Uden for det tilladte interval."),
    "Longer than maximum length": _l("For lang."),
    "Shorter than minimum length": _l("For kort."),
    "Length must be": _l("Forkert længde."),
    "Number too large": _l("Tallet er for stort."),
}
FALLBACK_FIELD_MESSAGE = _l("Ugyldig værdi.")


def field_message(message: str) -> str:
    """marshmallow's (English) ``message`` in our words, in the request's language."""
    if message in FIELD_MESSAGES:
        return str(FIELD_MESSAGES[message])
    for prefix, ours in FIELD_MESSAGE_PREFIXES.items():
        if message.startswith(prefix):
            return str(ours)
    return str(FALLBACK_FIELD_MESSAGE)


def _flatten(messages, path=()) -> list[dict]:
    """webargs' nested ``{location: {field: [messages]}}`` as a flat list of field errors."""
    if isinstance(messages, dict):
        return [error for key, value in messages.items() for error in _flatten(value, (*path, str(key)))]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        location, *field = path or ("body",)
        return [{"location": location, "field": ".".join(field), "detail": field_message(m)}
                for m in messages]
    if isinstance(messages, list):
        return [error for i, value in enumerate(messages) for error in _flatten(value, (*path, str(i)))]
    return [{"location": path[0] if path else "body", "field": ".".join(path[1:]),
             "detail": field_message(str(messages))}]


def field_errors(exc: HTTPException | None) -> list[dict]:
    data = getattr(exc, "data", None) or {}
    return _flatten(data.get("messages")) if data.get("messages") else []


def problem(status: int, title: str, detail: str, *, errors: list[dict] | None = None, headers=None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_CONTENT_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
