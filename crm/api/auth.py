"""Who is asking the API: the ``Authorization: Bearer`` token, and nothing else.

``authenticate_api_request`` runs before everything else on an API path and decides the request's
user: the live token's user, or anonymous. The session cookie is never consulted there (so a
page's login cannot reach the API from another site, and the API needs no CSRF token), and
nothing is written into the session. ``crm.access.enforce_access`` then asks the route's
permission and the token's scope.
"""

from flask import g, request
from flask_limiter.util import get_remote_address

from crm.api import API_PREFIX
from crm.extensions import login_manager
from crm.services.api_tokens import authenticate


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def current_token():
    """The token of this API request (None: not an API request, or no valid token)."""
    return g.get("api_token")


def authenticate_api_request():
    """before_request hook (the first): an API request's user comes from its bearer token only."""
    if not is_api_request():
        return None
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request user: no cookie
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        token = authenticate(secret.strip())
        if token is not None:
            g.api_token = token
            g._login_user = token.user
    return None


def rate_limit_key() -> str:
    """Requests are counted per token (per address before a token is known). The key holds the
    token's shown prefix too: a shared limiter store (Redis) never mixes up two databases' token 1."""
    token = current_token()
    if token is None:
        return f"api-address:{get_remote_address()}"
    return f"api-token:{token.id}:{token.prefix}"
