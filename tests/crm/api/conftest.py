"""Fixtures for the API: tokens made through the service, and a client that sends them."""

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import User
from crm.permissions import scopes_for


@pytest.fixture
def make_token(app):
    """A personal access token for the user with ``email`` (default: every scope the role may
    hold); returns the secret for ``Authorization: Bearer``."""
    from crm.services.api_tokens import create_token

    def _make(email, scopes=None, days=30):
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            made = create_token(user, name="Test", scopes=scopes or scopes_for(user), days=days, actor=None)
            db.session.commit()
            return made.secret

    return _make


class ApiClient:
    """The test client with a bearer token on every request."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, url, *, headers=None, **kwargs):
        return self.client.get(url, headers=self._headers(headers), **kwargs)

    def post(self, url, *, headers=None, **kwargs):
        return self.client.post(url, headers=self._headers(headers), **kwargs)

    def patch(self, url, *, headers=None, **kwargs):
        return self.client.patch(url, headers=self._headers(headers), **kwargs)

    def delete(self, url, *, headers=None, **kwargs):
        return self.client.delete(url, headers=self._headers(headers), **kwargs)


@pytest.fixture
def api_as(app, make_user, make_token):
    """``api_as("konsulent")`` → an ApiClient for a new user of that role (or ``email=``)."""

    def _as(role=None, *, email=None, scopes=None, **user_fields):
        email = email or make_user(role, **user_fields)
        return ApiClient(app.test_client(), make_token(email, scopes))

    return _as


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with this status, a title and a detail."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body
