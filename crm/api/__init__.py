"""The JSON API, ``/api/v1``, described by OpenAPI 3.1 at ``/api/v1/openapi.json``.

Built with flask-smorest: it sits on a plain Flask app and blueprint (the app keeps its own class,
request handling and error pages), and the marshmallow schemas that validate every request and
shape every answer are the ones the spec is generated from, so the two cannot drift apart.

The API is as safe as the pages: each view declares its permission and token scope
(``@allow("company.read", scope="companies:read")``, checked in ``crm.access``), loads objects
through the same access-checking helpers and calls the same services, which check, write and
audit. A request authenticates only with ``Authorization: Bearer <token>`` (``crm.api.auth``):
a session cookie is never read here, so there is nothing to forge across sites and no CSRF token.
"""

from http import HTTPStatus

from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app
from flask_smorest import Api, Blueprint

from crm.extensions import limiter

API_PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=API_PREFIX,
               description="Virksomheder, stillinger og borgere i Fodfæste.")
# The spec and its documentation page: open to all, described nowhere, never rate limited.
docs_bp = FlaskBlueprint("api_docs", __name__, url_prefix=API_PREFIX)


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _rate_limit_key() -> str:
    from crm.api.auth import rate_limit_key

    return rate_limit_key()


# Once per process: the limiter keeps a blueprint's limits by name, for every app it serves.
limiter.limit(_api_rate_limit, key_func=_rate_limit_key)(bp)


class _Api(Api):
    """flask-smorest's Api, answering errors as RFC 9457 problems (documented as each operation's
    ``default`` response) through the app's own error handlers."""

    def _register_error_handlers(self):
        """The app's own handlers answer API errors as problem+json (``crm.security``)."""

    def _register_responses(self):
        from flask_smorest.utils import prepare_response

        from crm.api.schemas import PROBLEM_CONTENT_TYPE, ProblemSchema

        for status in (*HTTPStatus, None):
            if status is not None and (status < 400 or status > 599):
                continue
            response = {"description": status.phrase if status else
                        "Fejl (RFC 9457 problem details; `detail` på dansk, eller engelsk efter Accept-Language)",
                        "schema": ProblemSchema}
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name if status else self.DEFAULT_ERROR_RESPONSE_NAME, response,
                                          lazy=True)


def api_of(app: Flask) -> Api:
    return app.extensions["fodfaeste_api"]


def init_api(app: Flask) -> None:
    from crm.api import auth, borgere, companies, contacts, docs, matches, openings, programmes  # noqa: F401
    from crm.extensions import csrf

    app.config.update(
        API_TITLE="Fodfæste API", API_VERSION="1", OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=None,  # served by crm.api.docs, with the app's access rules
        API_SPEC_OPTIONS={
            "info": {"description": "JSON-API til Fodfæste. Log ind med en personlig adgangsnøgle: "
                                    "`Authorization: Bearer ff_…` (lav den under *Konto → API-nøgler*)."},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = _Api(app)
    app.extensions["fodfaeste_api"] = api
    api.register_blueprint(bp)
    app.register_blueprint(docs_bp)
    csrf.exempt(bp)
    csrf.exempt(docs_bp)
