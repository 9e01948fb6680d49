"""Security headers on every response and error pages (in the reader's language) with no stack traces."""

from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm.access import FILE_ENDPOINTS
from crm.api.auth import is_api_request
from crm.api.problems import field_errors, problem
from crm.extensions import db
from crm.formatting import format_number
from crm.services import ConflictError, NotAuthorized, ServiceError
from crm.unit_of_work import discard_flashes


def _content_security_policy() -> str:
    img_sources = ["'self'", "data:"]
    tile_url = current_app.config.get("MAP_TILE_URL") or ""
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme and parts.netloc:
            img_sources.append(f"{parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(img_sources)}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def add_security_headers(response):
    """after_request hook: the same protective headers on every response."""
    headers = response.headers
    headers["Content-Security-Policy"] = _content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint not in FILE_ENDPOINTS and current_user.is_authenticated:
        # Pages with personal data must not stay in shared browser caches.
        headers["Cache-Control"] = "no-store"
    return response


ERROR_PAGES = {
    400: (_l("Ugyldig forespørgsel"), _l("Forespørgslen kunne ikke behandles.")),
    401: (_l("Log ind"), _l("Angiv en gyldig adgangsnøgle: Authorization: Bearer <nøgle>. Nøglen kan være udløbet, "
                        "tilbagekaldt, eller brugeren deaktiveret.")),
    403: (_l("Ingen adgang"), _l("Du har ikke adgang til denne side.")),
    404: (_l("Siden findes ikke"), _l("Siden eller posten findes ikke, eller du har ikke adgang til den.")),
    405: (_l("Metoden er ikke tilladt"), _l("Siden kan ikke bruges på den måde.")),
    406: (_l("Formatet kan ikke leveres"), _l("Svaret findes kun som JSON.")),
    409: (_l("Konflikt"), _l("Forespørgslen strider mod en tidligere med samme nøgle.")),
    412: (_l("Forudsætning ikke opfyldt"), _l("Posten er ændret siden, du hentede den (If-Match passer ikke). "
                                             "Hent den igen, og prøv igen.")),
    413: (_l("Filen er for stor"), _l("Filen er større end det tilladte.")),
    415: (_l("Forkert indholdstype"), _l("Send indholdet som application/json.")),
    422: (_l("Ugyldige værdier"), _l("Forespørgslen indeholder ugyldige værdier.")),
    428: (_l("Forudsætning mangler"), _l("Send If-Match med postens ETag, når du ændrer den.")),
    429: (_l("For mange forsøg"), _l("Du har sendt for mange forespørgsler. Vent lidt, og prøv igen.")),
    500: (_l("Der opstod en fejl"),
          _l("Der opstod en uventet fejl, og intet er gemt. Prøv igen, eller kontakt support.")),
}


def render_error(code: int, message: str | None = None, exc: HTTPException | None = None):
    """The error page, or for an API request the problem details (``crm.api.problems``)."""
    discard_flashes()  # an error page never says "saved": the request's writes are rolled back
    title, default_message = (str(text) for text in ERROR_PAGES[code])
    if is_api_request():
        return _api_problem(code, title, message or default_message, exc)
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default_message), code


def _api_problem(code: int, title: str, detail: str, exc: HTTPException | None):
    # A description given with abort() is ours (in the reader's language); werkzeug's own defaults are English, and
    # Flask-Limiter's 429 names the limit in English.
    if code != 429 and exc is not None and exc.description and exc.description != type(exc).description:
        detail = exc.description
    headers = {}
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="fodfaeste"'
    if code == 405 and exc is not None:
        headers.update({k: v for k, v in exc.get_headers() if k == "Allow"})
    if code == 429 and exc is not None and getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)
    errors = field_errors(exc)
    if errors and detail == str(ERROR_PAGES[code][1]):
        names = ", ".join(dict.fromkeys(e["field"] or e["location"] for e in errors))
        detail = f"{detail.rstrip('.')}: {names}."
    return problem(code, title, detail, errors=errors, headers=headers)


def register_error_handlers(app: Flask) -> None:
    for code in ERROR_PAGES:
        if code in (413, 500):
            continue
        app.register_error_handler(code, lambda exc, code=code: render_error(code, exc=exc))

    @app.errorhandler(NotAuthorized)
    def not_authorized(exc):
        # A service refused the acting user (crm/permissions.py): nothing of the request is kept.
        db.session.rollback()
        return render_error(403, exc.message)

    @app.errorhandler(413)
    def too_large(exc):
        # The body is refused before it is read (MAX_CONTENT_LENGTH): an attachment upload goes back
        # to its page with the cap in words, any other upload gets the page with the limit.
        from crm.attachments.routes import too_large_answer

        answer = too_large_answer()
        if answer is not None:
            return answer
        limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
        return render_error(413, _("Filen er større end det tilladte (højst %(limit)s MB).",
                                     limit=format_number(round(limit, 1))))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("Formularen var udløbet eller ugyldig. Genindlæs siden, og prøv igen."))

    @app.errorhandler(ServiceError)
    def service_error(exc):
        # Only the API lets a service's refusal reach here (the pages catch it in crm.forms.submit).
        db.session.rollback()
        if not is_api_request():
            raise exc
        if isinstance(exc, ConflictError):
            return render_error(412, exc.message)
        errors = [{"location": "json", "field": exc.field, "detail": exc.message}] if exc.field else None
        discard_flashes()
        return problem(422, str(ERROR_PAGES[422][0]), exc.message, errors=errors)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)
