"""Who may open which view: deny by default.

Every view declares the permission it needs with ``@allow("borger.read")``; the roles holding it
come from ``crm.permissions`` (the one table of who may do what). A view with no declaration is
refused for everyone, so a forgotten check fails closed. Object rules (own caseload, led
programme, own company) are asked of the same module by the views' loading helpers, services
and templates.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from crm.api.auth import current_token, is_api_request
from crm.permissions import roles_with, scope_roles

# Endpoints anyone may open without logging in.
PUBLIC_ENDPOINTS = frozenset({
    "auth.login", "auth.second_factor_verify", "auth.second_factor_setup", "static",
    "portal.accept_invitation", "main.favicon", "main.set_language",
    # The token in the URL is the key: the digest's signed unsubscribe link, the calendar feed.
    "account.unsubscribe", "account.calendar_feed",
})
#: Requests for files: they neither read nor refresh the session, nor load the user.
FILE_ENDPOINTS = frozenset({"static", "main.favicon"})
PERMISSION_ATTR = "_permission"
SCOPE_ATTR = "_scope"
#: API endpoints anyone may open: the spec and its documentation page.
PUBLIC_API_ENDPOINTS = frozenset({"api_docs.openapi_json", "api_docs.docs"})


def allow(permission: str, *, scope: str | None = None) -> Callable:
    """Declare the permission a view needs (checked in ``enforce_access`` before each request);
    an API view also names the token scope it needs (``crm.permissions.SCOPES``)."""
    roles_with(permission)  # an unknown name fails at import, not at the first request
    if scope is not None:
        scope_roles(scope)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTR, permission)
        setattr(wrapped, SCOPE_ATTR, scope)
        return wrapped

    return decorator


def endpoint_permission(endpoint: str) -> str | None:
    """The permission the view of ``endpoint`` declares (None: undeclared, refused for everyone)."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, PERMISSION_ATTR, None)


def allowed_roles(endpoint: str) -> frozenset[str]:
    permission = endpoint_permission(endpoint)
    return frozenset(str(role) for role in roles_with(permission)) if permission else frozenset()


def enforce_access():
    """before_request hook: anonymous users go to the login page, others need an allowed role.
    An API request needs a bearer token (401), a role holding the permission and a token holding
    the scope (403)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None  # 404s and static files
    if is_api_request():
        return _enforce_api_access(endpoint)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.role not in allowed_roles(endpoint):
        abort(403)
    return None


def _enforce_api_access(endpoint: str):
    if endpoint in PUBLIC_API_ENDPOINTS:
        return None
    token = current_token()
    if token is None:
        abort(401)
    if current_user.role not in allowed_roles(endpoint):
        abort(403)
    scope = getattr(current_app.view_functions.get(endpoint), SCOPE_ATTR, None)
    if scope is None or scope not in token.scopes:
        abort(403, description=_("Nøglen har ikke adgang til området %(scope)s.", scope=scope) if scope
              else _("Nøglen har ikke adgang til dette område."))
    return None


def is_safe_next(target: str | None) -> bool:
    """Return whether ``target`` is a path on this site, safe to redirect to after login."""
    if not target:
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )


def may_open(user, target: str) -> bool:
    """Return whether ``user``'s role may open the page at the site path ``target`` (GET).

    Only the role check of ``@allow``: a page behind an object check (another caseload) still
    answers 403 or 404 itself. An unknown or redirecting path counts as not openable.
    """
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(target).path, method="GET")
    except (HTTPException, RequestRedirect):
        return False
    return endpoint in PUBLIC_ENDPOINTS or user.role in allowed_roles(endpoint)


def home_endpoint_for(user) -> str:
    return "portal.index" if user.role == "employer" else "main.index"
