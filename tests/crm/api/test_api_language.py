"""The API answers in the language asked for: the token user's own choice, else Accept-Language,
else Danish (crm/i18n.py), for the problem's title and detail and every field message."""

import sqlalchemy as sa

from crm.extensions import db
from crm.models import User
from tests.crm.api.conftest import assert_problem

ENGLISH = {"Accept-Language": "en-GB,en;q=0.8"}


def _set_language(app, email, language):
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).language = language
        db.session.commit()


def test_a_request_without_a_token_is_refused_in_english_when_asked(client):
    body = assert_problem(client.get("/api/v1/companies", headers=ENGLISH), 401)
    assert body["title"] == "Sign in"
    assert body["detail"].startswith("Send a valid access key: Authorization: Bearer <key>.")


def test_field_messages_are_in_english_with_accept_language_en(api_as):
    api = api_as("konsulent")
    body = assert_problem(api.get("/api/v1/companies?per_page=1000&status=ukendt", headers=ENGLISH), 422)
    assert body["title"] == "Invalid values"
    assert body["detail"].startswith("The request contains invalid values: ")
    assert {error["detail"] for error in body["errors"]} <= {"Outside the allowed range.", "Unknown value."}


def test_without_accept_language_the_api_answers_in_danish(api_as):
    body = assert_problem(api_as("konsulent").get("/api/v1/companies?per_page=1000"), 422)
    assert body["detail"].startswith("Forespørgslen indeholder ugyldige værdier")


def test_a_scope_the_token_lacks_is_named_in_english(api_as):
    api = api_as("konsulent", scopes=["openings:read"])
    body = assert_problem(api.get("/api/v1/companies", headers=ENGLISH), 403)
    assert body["detail"] == "The key has no access to the scope companies:read."


def test_the_token_users_own_choice_comes_before_accept_language(app, api_as, make_user):
    email = make_user("konsulent")
    api = api_as(email=email)
    _set_language(app, email, "en")
    assert assert_problem(api.get("/api/v1/companies?per_page=1000"), 422)["title"] == "Invalid values"
    _set_language(app, email, "da")
    assert assert_problem(api.get("/api/v1/companies?per_page=1000", headers=ENGLISH), 422)["title"] == \
        "Ugyldige værdier"
