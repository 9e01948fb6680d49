"""API errors as RFC 9457 problem details (``application/problem+json``) with a Danish ``detail``."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from crm.api.schemas import PROBLEM_CONTENT_TYPE

# marshmallow's messages (webargs' 422), in Danish; a message not listed here gets the fallback.
FIELD_MESSAGES = {
    "Missing data for required field.": "Feltet skal udfyldes.",
    "Field may not be null.": "Feltet må ikke være null.",
    "Unknown field.": "Ukendt felt.",
    "Not a valid string.": "Skal være tekst.",
    "Not a valid integer.": "Skal være et helt tal.",
    "Not a valid number.": "Skal være et tal.",
    "Not a valid boolean.": "Skal være true eller false.",
    "Not a valid date.": "Skal være en dato (ÅÅÅÅ-MM-DD).",
    "Not a valid datetime.": "Skal være et tidspunkt (ISO 8601).",
    "Not a valid list.": "Skal være en liste.",
    "Invalid input type.": "Forkert type.",
    "Invalid value.": "Ugyldig værdi.",
    "Special numeric values (nan or infinity) are not permitted.": "Skal være et endeligt tal.",
    "Invalid JSON body.": "Indholdet er ikke gyldig JSON.",
    "String does not match expected pattern.": "Har ikke det forventede format.",
}
FIELD_MESSAGE_PREFIXES = {
    "Must be one of": "Ukendt værdi.",
    "Must be greater": "Uden for det tilladte interval.",
    "Must be less": "Uden for det tilladte interval.",
    "Longer than maximum length": "For lang.",
    "Shorter than minimum length": "For kort.",
    "Length must be": "Forkert længde.",
    "Number too large": "Tallet er for stort.",
}
FALLBACK_FIELD_MESSAGE = "Ugyldig værdi."


def danish_field_message(message: str) -> str:
    if message in FIELD_MESSAGES:
        return FIELD_MESSAGES[message]
    for prefix, danish in FIELD_MESSAGE_PREFIXES.items():
        if message.startswith(prefix):
            return danish
    return FALLBACK_FIELD_MESSAGE


def _flatten(messages, path=()) -> list[dict]:
    """webargs' nested ``{location: {field: [messages]}}`` as a flat list of field errors."""
    if isinstance(messages, dict):
        return [error for key, value in messages.items() for error in _flatten(value, (*path, str(key)))]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        location, *field = path or ("body",)
        return [{"location": location, "field": ".".join(field), "detail": danish_field_message(m)}
                for m in messages]
    if isinstance(messages, list):
        return [error for i, value in enumerate(messages) for error in _flatten(value, (*path, str(i)))]
    return [{"location": path[0] if path else "body", "field": ".".join(path[1:]),
             "detail": danish_field_message(str(messages))}]


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
