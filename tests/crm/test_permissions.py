"""Who may do what lives in crm/permissions.py alone: the menu shows exactly what each role's
permissions open, no role group is spelled out anywhere else, and services refuse what the pages
refuse (NotAuthorized), so a command or an API gets the same checks."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from crm.access import allowed_roles, endpoint_permission
from crm.extensions import db
from crm.models import Borger, Role, User
from crm.permissions import GRANTS, can
from crm.services import NotAuthorized
from crm.templating import NAVIGATION, navigation_for

ROOT = Path(__file__).resolve().parents[2]


def _user(app, email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_navigation_entry_is_shown_exactly_when_its_endpoint_lets_the_role_in(app, browser, make_user,
                                                                                    role):
    email = make_user(role)
    browser.login(email)
    with app.test_request_context():
        shown = {entry["endpoint"] for entry in navigation_for(_user(app, email))}
        urls = {endpoint: url_for(endpoint) for endpoint, _label in NAVIGATION}
        allowed = {endpoint for endpoint in urls if role in allowed_roles(endpoint)}
    assert shown == allowed
    for endpoint, url in urls.items():
        status = browser.get(url).status_code
        assert (status != 403) == (endpoint in shown), f"{role} {url}: {status}, shown={endpoint in shown}"


def test_every_navigation_entry_names_a_declared_permission(app):
    with app.app_context():
        assert [endpoint for endpoint, _ in NAVIGATION if endpoint_permission(endpoint) is None] == []


def _python_and_templates():
    for path in [*(ROOT / "crm").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if path.name != "permissions.py" and "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


ROLE_WORDS = "admin|teamleder|vejleder|konsulent|employer"
ROLE_GROUP = re.compile(rf"Role\.[A-Z]+\s*,\s*Role\.[A-Z]+|['\"]({ROLE_WORDS})['\"]\s*,\s*['\"]({ROLE_WORDS})['\"]")
ROLE_TEST_IN_TEMPLATE = re.compile(r"current_user\.role\s*(==|!=|in)")


def test_role_groups_are_defined_only_in_the_permissions_module():
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path, text in _python_and_templates()
             for match in ROLE_GROUP.finditer(text)]
    assert found == []


def test_templates_ask_can_instead_of_testing_roles():
    found = [str(path.relative_to(ROOT)) for path, text in _python_and_templates()
             if path.suffix == ".html" and ROLE_TEST_IN_TEMPLATE.search(text)]
    assert found == []


def test_every_permission_is_asked_somewhere():
    sources = "\n".join(text for _path, text in _python_and_templates())
    assert [name for name in GRANTS if f'"{name}"' not in sources and f"'{name}'" not in sources] == []


# --- the object rules and the services ---------------------------------------------------------

def test_a_teamleder_reads_only_the_borgere_of_the_programmes_they_lead(app, make_user, make_borger,
                                                                       make_teamleder):
    teamleder, programme_id = make_teamleder()
    other_teamleder, other_programme_id = make_teamleder(programme="Anden indsats")
    vejleder = make_user("vejleder")
    led = make_borger(vejleder, programme_id=programme_id)
    not_led = make_borger(vejleder, programme_id=other_programme_id)
    without = make_borger(vejleder)
    with app.app_context():
        lead = _user(app, teamleder)
        assert can(lead, "borger.read", db.session.get(Borger, led))
        assert not can(lead, "borger.read", db.session.get(Borger, not_led))
        assert not can(lead, "borger.read", db.session.get(Borger, without))
        assert not can(lead, "borger.edit", db.session.get(Borger, led))  # reads, does not work the case
        assert not can(_user(app, make_user("admin")), "borger.read", db.session.get(Borger, led))


def test_services_refuse_a_user_the_pages_refuse(app, make_user, make_borger, make_teamleder):
    from crm.services.borger_rights import erase_borger, export_borger_data
    from crm.services.borgere import reassign_borger
    from crm.services.outcomes import end_course

    _teamleder, programme_id = make_teamleder()
    owner = make_user("vejleder")
    borger_id = make_borger(owner, programme_id=programme_id)
    other = make_user("vejleder")
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        intruder, admin = _user(app, other), _user(app, make_user("admin"))
        with pytest.raises(NotAuthorized):
            end_course(borger, on_date=borger.enrolled_on, reason="Job", actor=intruder)
        with pytest.raises(NotAuthorized):
            export_borger_data(borger, actor=admin)
        with pytest.raises(NotAuthorized):
            erase_borger(borger, actor=_user(app, owner), reason="request")
        with pytest.raises(NotAuthorized):
            reassign_borger(borger, intruder.id, actor=_user(app, owner))
        db.session.rollback()
        assert db.session.get(Borger, borger_id).phase != "afsluttet"


def test_a_refusal_inside_a_request_answers_403_in_danish_and_keeps_nothing(app):
    with app.test_request_context("/"):
        response = app.make_response(app.handle_user_exception(NotAuthorized()))
    assert response.status_code == 403
    assert "Du har ikke adgang til at gøre dette." in response.get_data(as_text=True)
