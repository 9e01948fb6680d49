"""Security headers on every response and Danish error pages with no stack traces."""

from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from crm.extensions import db
from crm.formatting import danish_number
from crm.services import NotAuthorized
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
    if current_user.is_authenticated and request.endpoint != "static":
        # Pages with personal data must not stay in shared browser caches.
        headers["Cache-Control"] = "no-store"
    return response


ERROR_PAGES = {
    400: ("Ugyldig forespørgsel", "Forespørgslen kunne ikke behandles."),
    403: ("Ingen adgang", "Du har ikke adgang til denne side."),
    404: ("Siden findes ikke", "Siden eller posten findes ikke, eller du har ikke adgang til den."),
    405: ("Metoden er ikke tilladt", "Siden kan ikke bruges på den måde."),
    413: ("Filen er for stor", "Filen er større end det tilladte."),
    429: ("For mange forsøg", "Du har sendt for mange forespørgsler. Vent lidt, og prøv igen."),
    500: ("Der opstod en fejl", "Der opstod en uventet fejl, og intet er gemt. Prøv igen, eller kontakt support."),
}


def render_error(code: int, message: str | None = None):
    discard_flashes()  # an error page never says "saved": the request's writes are rolled back
    title, default_message = ERROR_PAGES[code]
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default_message), code


def register_error_handlers(app: Flask) -> None:
    for code in ERROR_PAGES:
        if code in (413, 500):
            continue
        app.register_error_handler(code, lambda exc, code=code: render_error(code))

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
        return render_error(413, f"Filen er større end det tilladte (højst {danish_number(round(limit, 1))} MB).")

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, "Formularen var udløbet eller ugyldig. Genindlæs siden, og prøv igen.")

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)
