"""The match page, the shortlist/proposal actions, the placement pipeline and reverse matches."""

from datetime import timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Opening, Placement, Task
from crm.timeutil import today


def test_match_page_ranks_fitting_companies_with_reasons(browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagerarbejde"])
    make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    make_partner("Aarhus Frisørsalon", industry_text="Frisør")
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert html.index("Jyllands Lager ApS") < html.index("Aarhus Frisørsalon")
    assert "min på cykel" in html  # a travel reason


def test_wish_in_everyday_words_meets_a_company_by_what_it_employs(browser, make_user, make_borger,
                                                                  make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["pædagogmedhjælper"])
    make_partner("Børnehuset Solsikken", industry_text="Daginstitution")
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Ønsker pædagogmedhjælper → Daginstitution – ansætter pædagogmedhjælpere" in html


def test_opening_matches_a_wish_through_its_companys_trade(app, browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["vil gerne arbejde med dyr"])
    pets = make_partner("Zoo-butikken", industry_text="Dyrehandel")
    office = make_partner("Kontorhuset", industry_text="Kontor")
    with app.app_context():
        for company_id, title in ((office, "Kontorassistent"), (pets, "Butiksassistent")):
            db.session.add(Opening(company_id=company_id, title=title, kind="job",
                                   hours_min=10, hours_max=20, status="aaben"))
        db.session.commit()
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert html.index("Butiksassistent") < html.index("Kontorassistent")


def test_companies_beyond_travel_time_are_not_shown(browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, transport="bike", max_travel_minutes=20)
    make_partner("Holstebro Lager", postcode="7500", industry_text="Lager")
    browser.login(email)
    assert "Holstebro Lager" not in browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)


def test_an_open_opening_is_matched_and_ranks_above_its_company(app, browser, make_user, make_borger,
                                                                  make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, wishes=["lagermedarbejder"])
    company_id = make_partner("Nordlager A/S", industry_text="Lager")
    with app.app_context():
        db.session.add(Opening(company_id=company_id, title="Lagermedarbejder", kind="job",
                               hours_min=10, hours_max=20, status="aaben"))
        db.session.commit()
    browser.login(email)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Lagermedarbejder" in html and "Ordinært job" in html
    assert html.index("Ordinært job") < html.index("Virksomhed (jobudvikling)")


def test_shortlisting_saves_the_match_score_and_reasons(app, browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(email)
    browser.post_form(f"/borgere/{borger_id}/kortliste", {"target": f"company:{company_id}"},
                      form_page=f"/borgere/{borger_id}/match")
    with app.app_context():
        placement = db.session.scalar(sa.select(Placement))
        assert placement.stage == "kortliste" and placement.company_id == company_id
        assert 0 < placement.score <= 1 and placement.reasons and placement.components
        assert db.session.get(Borger, borger_id).phase == "virksomhedsmatch"


def test_proposing_needs_the_borgers_consent(app, browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email, consent_to_propose=False)
    company_id = make_partner("Jyllands Lager ApS")
    browser.login(email)
    response = browser.post_form(f"/borgere/{borger_id}/foreslaa",
                                 {"target": f"company:{company_id}", "confirmed": "ja"},
                                 form_page=f"/borgere/{borger_id}/match", follow_redirects=True)
    assert "ikke givet samtykke" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Placement.stage)) in (None, "kortliste")


def test_proposing_with_consent_moves_the_placement_to_foreslaaet(app, browser, make_user, make_borger,
                                                                  make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    browser.login(email)
    browser.post_form(f"/borgere/{borger_id}/foreslaa", {"target": f"company:{company_id}", "confirmed": "ja"},
                      form_page=f"/borgere/{borger_id}/match")
    with app.app_context():
        placement = db.session.scalar(sa.select(Placement))
        assert placement.stage == "foreslaaet" and placement.proposed_at is not None


def test_excluded_company_is_never_shown_again(browser, make_user, make_borger, make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    browser.login(email)
    browser.post_form(f"/borgere/{borger_id}/udeluk", {"company_id": str(company_id)},
                      form_page=f"/borgere/{borger_id}/match")
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Jyllands Lager ApS" not in html.split('class="match-list"')[1]


def _placement_at_stage(app, borger_id, company_id, actor_email):
    from crm.models import Company, User
    from crm.services.placements import shortlist

    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        actor = db.session.scalar(sa.select(User).where(User.email == actor_email))
        placement = shortlist(borger, company=db.session.get(Company, company_id), opening=None,
                              score=0.8, components={}, reasons=["Ønsker lagerarbejde"], actor=actor)
        db.session.commit()
        return placement.id


def test_starting_a_job_moves_to_eftervaern_and_plans_follow_along(app, browser, make_user, make_borger,
                                                                   make_partner):
    email = make_user("vejleder")
    borger_id = make_borger(email)
    company_id = make_partner("Jyllands Lager ApS")
    placement_id = _placement_at_stage(app, borger_id, company_id, email)
    start = today() - timedelta(days=1)
    browser.login(email)
    response = browser.post_form(f"/borgere/{borger_id}/forloeb/{placement_id}", {
        "stage": "job", "on_date": start.isoformat(), "hours_per_week": "15", "end_reason": "",
        "note": "Første dag", "log_contact": "meeting"}, form_page=f"/borgere/{borger_id}")
    assert response.status_code == 302
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        assert borger.phase == "eftervaern"
        dues = sorted(db.session.scalars(sa.select(Task.due).where(Task.borger_id == borger_id)))
        # within 3 days, weekly for the first month, then monthly for a year
        assert dues[0] == start + timedelta(days=3)
        assert dues[1:5] == [start + timedelta(days=d) for d in (7, 14, 21, 28)]
        assert len(dues) == 1 + 4 + 11 + 2  # and the 13- and 26-week retention questions
        marked = db.session.scalars(sa.select(Task.eftervaern).where(Task.borger_id == borger_id)).all()
        assert all(marked)  # each counts in the efterværn cadence figure
        assert dues[-1].year == start.year + 1


def test_a_job_that_ends_creates_a_contact_task_within_3_days(app, browser, make_user, make_borger,
                                                            make_partner):
    from crm.models import User
    from crm.services.placements import advance

    email = make_user("vejleder")
    borger_id = make_borger(email)
    placement_id = _placement_at_stage(app, borger_id, make_partner("Jyllands Lager ApS"), email)
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        placement = db.session.get(Placement, placement_id)
        advance(placement, "job", on_date=today() - timedelta(days=20), actor=actor, hours_per_week=12)
        advance(placement, "afsluttet", on_date=today(), actor=actor, end_reason="Stoppede selv")
        db.session.commit()
        titles = db.session.scalars(sa.select(Task.title).where(Task.due == today() + timedelta(days=3))).all()
    assert any("stoppet" in t for t in titles)


def test_ending_needs_a_reason(app, make_user, make_borger, make_partner):
    import pytest

    from crm.models import User
    from crm.services import ValidationError
    from crm.services.placements import advance

    email = make_user("vejleder")
    borger_id = make_borger(email)
    placement_id = _placement_at_stage(app, borger_id, make_partner("Jyllands Lager ApS"), email)
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        with pytest.raises(ValidationError, match="hvorfor"):
            advance(db.session.get(Placement, placement_id), "afsluttet", on_date=today(), actor=actor)


def test_reverse_match_shows_konsulent_only_references(app, browser, make_user, make_borger, make_partner):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, first_name="Mette", wishes=["lager"])
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(make_user("konsulent"))
    html = browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    with app.app_context():
        reference = db.session.get(Borger, borger_id).reference
    assert reference in html and "Mette" not in html
    browser.logout()
    browser.login(vejleder)
    html = browser.get(f"/borgere/til-virksomhed/{company_id}").get_data(as_text=True)
    assert "Mette" in html


def test_the_index_is_reused_until_the_register_changes(app, make_partner):
    from crm.services.matching import current_index

    make_partner("Første ApS")
    with app.app_context():
        first = current_index()
        assert current_index() is first
    make_partner("Anden ApS")
    with app.app_context():
        second = current_index()
        assert second is not first and len(second) == 2


def test_match_weights_take_effect_when_an_index_is_already_cached(make_app, make_partner):
    from crm.services.matching import current_index
    from matcher import Weights

    make_partner("Første ApS")
    default_app = make_app(MATCH_WEIGHTS=None)
    with default_app.app_context():
        assert current_index().weights == Weights()
    travel_first = make_app(MATCH_WEIGHTS={"travel": 0.9})
    with travel_first.app_context():
        assert current_index().weights == Weights.from_mapping({"travel": 0.9})


def test_a_changed_offer_label_shows_in_the_index_at_once(app, make_partner, full_builds):
    from crm.models import OfferTag
    from crm.services.matching import current_index

    make_partner("Første ApS")
    with app.app_context():
        first = current_index()
        builds_before = full_builds["n"]
        tag = db.session.scalars(sa.select(OfferTag).order_by(OfferTag.code)).first()
        tag.label = "Nyt navn for tilbuddet"
        db.session.commit()
        assert current_index() is not first
        assert current_index().tag_labels[tag.code] == "Nyt navn for tilbuddet"
    assert full_builds["n"] == builds_before  # labels only go into reasons: no rebuild


def test_reverse_match_for_an_opening(app, browser, make_user, make_borger, make_partner, make_opening):
    vejleder = make_user("vejleder")
    make_borger(vejleder, first_name="Mette", wishes=["lagermedarbejder"])
    make_borger(vejleder, first_name="Ole", wishes=["frisør"], transport="walk", max_travel_minutes=10,
                postcode="7500")
    opening_id = make_opening(make_partner("Jyllands Lager ApS"), title="Lagermedarbejder")
    browser.login(vejleder)
    html = browser.get(f"/borgere/til-stilling/{opening_id}").get_data(as_text=True)
    assert "Lagermedarbejder hos Jyllands Lager ApS" in html
    assert "Mette" in html and "Ole" not in html


def test_a_change_on_a_large_register_is_served_at_once_without_a_rebuild(app, make_partner, monkeypatch,
                                                                          full_builds):
    """Issue 12: a change is ranked from the base plus a delta at once; the next build folds it in."""
    from crm.services import matching

    builds = full_builds
    monkeypatch.setattr(matching, "BUILD_ON_REQUEST_MAX", 0)  # "large": no request may build
    make_partner("Første ApS")
    with app.app_context():
        matching.build_index()
        first = matching.current_index()
    make_partner("Anden ApS")
    with app.app_context():
        served = matching.current_index()
        assert served is not first and len(served) == 2
    assert builds["n"] == 1  # only the explicit build
    with app.app_context():
        matching.build_index()  # the periodic fold
        latest = matching.current_index()
    assert latest is not served and len(latest.base) == 2 and builds["n"] == 2
