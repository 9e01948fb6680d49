"""The employer's optional reason with "ikke lige nu" (issue 14): kept with the answer, dropped with
"interesseret", and an unknown reason is refused in Danish without saving the answer."""

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Placement, ProposalReason


@pytest.fixture
def proposed(employer, make_user, make_borger, make_opening, propose):
    email, company_id = employer
    borger_id = make_borger(make_user("vejleder"), shared_fields=["first_name"])
    placement_id = propose(borger_id, company_id, make_opening(company_id, title="Lagermedarbejder"))
    return {"email": email, "placement_id": placement_id}


def _answer(browser, proposed, answer, reason=""):
    url = f"/portal/forslag/{proposed['placement_id']}"
    return browser.post_form(f"{url}/svar", {"answer": answer, "reason": reason}, form_page=url,
                             follow_redirects=True)


def _reasons(app):
    with app.app_context():
        return [(r.placement_id, r.reason) for r in db.session.scalars(sa.select(ProposalReason))]


def test_the_proposal_page_offers_the_reasons(browser, proposed):
    browser.login(proposed["email"])
    html = browser.get(f"/portal/forslag/{proposed['placement_id']}").get_data(as_text=True)
    assert "Hvis ikke lige nu: hvorfor? (valgfrit)" in html and "Vi har ikke plads lige nu" in html


def test_not_now_with_a_reason_keeps_the_reason(app, browser, proposed):
    browser.login(proposed["email"])
    assert "Tak for svaret" in _answer(browser, proposed, "ikke_nu", "timer").get_data(as_text=True)
    assert _reasons(app) == [(proposed["placement_id"], "timer")]


def test_not_now_without_a_reason_is_still_an_answer(app, browser, proposed):
    browser.login(proposed["email"])
    _answer(browser, proposed, "ikke_nu")
    assert _reasons(app) == []
    with app.app_context():
        assert db.session.get(Placement, proposed["placement_id"]).employer_answer == "ikke_nu"


def test_changing_the_answer_to_interested_drops_the_reason(app, browser, proposed):
    browser.login(proposed["email"])
    _answer(browser, proposed, "ikke_nu", "opgaver")
    _answer(browser, proposed, "interesseret", "opgaver")
    assert _reasons(app) == []


def test_an_unknown_reason_is_refused_and_the_answer_not_saved(app, browser, proposed):
    browser.login(proposed["email"])
    html = _answer(browser, proposed, "ikke_nu", "hemmelig").get_data(as_text=True)
    assert "Ukendt begrundelse." in html
    assert _reasons(app) == []
    with app.app_context():
        assert db.session.get(Placement, proposed["placement_id"]).employer_answer is None
