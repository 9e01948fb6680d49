"""The admin's match-weights page (issue 14): learned against current, adopt on evidence with who
and why, go back to any version; MATCH_WEIGHTS in the environment still wins; the IPS hard rules
hold whatever the weights."""

import re

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, MatchShown, User, WeightsFit, WeightsVersion
from matcher import Weights
from matcher.learning import compare
from tests.matcher.test_learning import synthetic_lists

URL = "/admin/vaegte"


@pytest.fixture
def admin(browser, make_user):
    email = make_user("admin")
    browser.login(email)
    return email


@pytest.fixture
def suggesting_fit(app):
    """A stored fit whose learned weights beat the defaults with confidence (synthetic outcomes)."""
    overall = compare(synthetic_lists(borgere=60), Weights(), resamples=200).as_dict()
    assert overall["suggest"]
    with app.app_context():
        fit = WeightsFit(report={"weights_version": "standard", "since": None, "all": overall, "programmes": []})
        db.session.add(fit)
        db.session.commit()
        return fit.id


def _post(browser, url, data=None):
    return browser.post_form(url, data or {}, form_page=URL, follow_redirects=True).get_data(as_text=True)


def test_the_page_says_which_weights_are_in_force_and_that_nothing_is_computed_yet(browser, admin):
    html = browser.get(URL).get_data(as_text=True)
    assert "Matchlisterne rangeres med <strong>standardvægtene</strong>" in html
    assert "Ingen beregning endnu" in html


def _fit(browser, run_jobs):
    """Ask for a fit (a job, never inside the request), run the queued job as the worker would, and
    open the job's page, which leads back to the weights page once it is done."""
    response = browser.post_form(f"{URL}/beregn", {}, form_page=URL)
    assert response.status_code == 302 and "/koersel/" in response.headers["Location"]
    queued = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Beregning af matchvægte" in queued
    assert len(run_jobs()) == 1
    return browser.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)


def test_asking_twice_while_a_fit_waits_queues_one_job(app, browser, admin, run_jobs):
    from crm.models import Job

    browser.post_form(f"{URL}/beregn", {}, form_page=URL)
    html = _post(browser, f"{URL}/beregn")
    assert "En beregning er allerede i gang" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WeightsFit)) == 0  # not in the request


def test_computing_on_too_few_outcomes_refuses_and_offers_nothing_to_adopt(app, browser, admin, run_jobs):
    html = _fit(browser, run_jobs)
    assert "Beregningen er lavet." in html and "For få data" in html
    assert "Tag de lærte vægte i brug" not in html
    with app.app_context():
        fit_id = db.session.scalar(sa.select(WeightsFit.id))
    html = _post(browser, f"{URL}/brug", {"target_id": fit_id, "reason": "Prøver"})
    assert "Beregningen foreslår ikke nye vægte" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WeightsVersion)) == 0


def test_adopting_learned_weights_makes_a_version_audited_with_who_and_why(app, browser, admin, suggesting_fit,
                                                                           user_id):
    page = browser.get(URL).get_data(as_text=True)
    assert "De lærte vægte rangerer bedre" in page and "Tag de lærte vægte i brug" in page
    html = _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "Bedre på et halvt års udfald"})
    with app.app_context():
        version = db.session.scalar(sa.select(WeightsVersion))
        assert f"taget i brug som version {version.id}" in html
        assert f"Matchlisterne rangeres med <strong>version {version.id}</strong> (v{version.id})" in html
        assert version.weights["hours"] > version.weights["wishes"]
        assert (version.adopted_by_id, version.reason, version.fit_id) == (
            user_id(admin), "Bedre på et halvt års udfald", suggesting_fit)
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "weights.adopt"))
        assert event.actor_id == user_id(admin) and event.details["reason"] == "Bedre på et halvt års udfald"


def test_adopting_without_a_reason_is_refused(app, browser, admin, suggesting_fit):
    html = _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "  "})
    assert "Skriv hvorfor." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WeightsVersion)) == 0


def test_adopting_an_older_fit_than_the_newest_is_refused(app, browser, admin, suggesting_fit, run_jobs):
    _fit(browser, run_jobs)
    html = _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "Gammel beregning"})
    assert "Der er lavet en nyere beregning" in html


def test_going_back_to_an_earlier_version_or_the_defaults(app, browser, admin, suggesting_fit):
    _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "Lært"})
    with app.app_context():
        first = db.session.scalar(sa.select(WeightsVersion.id))
    html = _post(browser, f"{URL}/tilbage", {"reason": "Vejlederne savner ønskerne først"})
    assert f"ny version {first + 1}" in html
    html = _post(browser, f"{URL}/tilbage", {"target_id": first, "reason": "Alligevel de lærte"})
    assert f"ny version {first + 2}" in html and f"(som v{first})" in html
    with app.app_context():
        v1, v2, v3 = db.session.scalars(sa.select(WeightsVersion).order_by(WeightsVersion.id)).all()
        assert v2.weights == Weights().as_dict() and v3.weights == v1.weights and v3.based_on_id == v1.id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "weights.restore")) == 2


def test_going_back_to_an_unknown_version_is_refused(app, browser, admin):
    assert "Ukendt version." in _post(browser, f"{URL}/tilbage", {"target_id": 999, "reason": "x"})


def test_the_match_page_records_and_shows_the_adopted_version(app, browser, admin, suggesting_fit, make_user,
                                                              make_borger, make_partner):
    _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "Lært"})
    browser.logout()
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder)
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(vejleder)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    with app.app_context():
        version = db.session.scalar(sa.select(WeightsVersion.id))
        assert f'data-weights-version="v{version}"' in html and f"Rangeret med version {version}" in html
        assert set(db.session.scalars(sa.select(MatchShown.weights_version))) == {f"v{version}"}


def test_match_weights_in_the_environment_win_and_the_pages_say_so(make_app, make_user, make_borger,
                                                                   make_partner, suggesting_fit):
    from tests.conftest import Browser

    app = make_app(MATCH_WEIGHTS={"travel": 0.9})
    browser = Browser(app.test_client())
    browser.login(make_user("admin"))
    _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "Lært"})
    html = browser.get(URL).get_data(as_text=True)
    assert "MATCH_WEIGHTS er sat i miljøet og går forud for databasen" in html
    browser.logout()
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder)
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    browser.login(vejleder)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Rangeret med MATCH_WEIGHTS i miljøet" in html
    with app.app_context():
        assert set(db.session.scalars(sa.select(MatchShown.weights_version))) == {"miljø"}


def test_the_ips_hard_rules_hold_whatever_weights_are_adopted(app, browser, make_user, make_borger, make_partner):
    """Weights only reorder what passes the filters: an excluded company and one beyond the travel
    limit stay out even when all weight is put on the employer (which favours both)."""
    excluded = make_partner("Fravalgt Lager ApS", industry_text="Lager")
    make_partner("Holstebro Lager", postcode="7500", industry_text="Lager")
    make_partner("Jyllands Lager ApS", industry_text="Lager")
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder, transport="bike", max_travel_minutes=20)
    with app.app_context():
        from crm.models import Borger
        from crm.services.borgere import exclude_company

        exclude_company(db.session.get(Borger, borger_id), excluded, actor=None)
        db.session.add(WeightsVersion(weights=Weights(**{name: 0.0 for name in Weights().as_dict()} | {
            "employer": 1.0}).as_dict(), source="learned", reason="Ekstrem prøve",
            adopted_by_id=db.session.scalar(sa.select(User.id))))
        db.session.commit()
    browser.login(vejleder)
    html = browser.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert "Rangeret med version" in html
    assert "Jyllands Lager ApS" in html
    assert "Fravalgt Lager ApS" not in html and "Holstebro Lager" not in html


def test_every_component_has_a_danish_label():
    from crm.services.match_weights import COMPONENT_LABELS
    from matcher.scoring import COMPONENTS

    assert set(COMPONENT_LABELS) == set(COMPONENTS)


def test_every_verdict_reads_as_danish_text_with_danish_numbers():
    from crm.services.match_weights import verdict_text
    from matcher.learning import Verdict

    base = {"borgere": 12, "outcomes": 40, "min_borgere": 10, "min_outcomes": 30, "missing_borgere": 0,
            "learned_ndcg": 0.9531, "current_ndcg": 0.8479, "gain_ci": [0.031, 0.182], "more_outcomes_needed": 1200}
    texts = {verdict: verdict_text({**base, "verdict": verdict.value}) for verdict in Verdict}
    assert "nDCG@10 0,953 mod 0,848 (forskel +0,031 til +0,182)" in texts[Verdict.BETTER]
    assert "cirka 1.200 udfald mere" in texts[Verdict.UNCERTAIN]
    assert texts[Verdict.TOO_FEW].startswith("For få data: 12 borgere og 40 udfald")
    assert "behold de nuværende" in texts[Verdict.NOT_BETTER]
    assert all(text and not re.search(r"\d\.\d{3}(?!\d)", text.replace("1.200", "")) for text in texts.values())
    # A fit saved before verdicts existed shows the message it was saved with.
    assert verdict_text({"message": "Gammel vurdering."}) == "Gammel vurdering."


def test_the_page_and_its_flash_read_in_english_for_an_english_reader(browser, admin, suggesting_fit):
    from tests.crm.i18n.danish import danish_words

    browser.client.set_cookie("sprog", "en")
    html = browser.get(URL).get_data(as_text=True)
    assert "The match lists are ranked by <strong>the default weights</strong>" in html
    assert "The learned weights rank better than the current ones" in html
    assert "Adopt the learned weights" in html and "Not a fit" in html
    main = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    # "match" (Match weights) and "start" (Can start soon, the code start) are English words too.
    assert not set(danish_words(main)) - {"match", "start"}, danish_words(main)
    html = _post(browser, f"{URL}/brug", {"target_id": suggesting_fit, "reason": "Better lists"})
    assert re.search(r"The learned weights have been adopted as version \d+\.", html)
    assert "Go back to the default" in html


def test_every_verdict_reads_in_english_with_english_numbers(app):
    from crm.i18n import in_language
    from crm.services.match_weights import verdict_text
    from matcher.learning import Verdict

    base = {"borgere": 12, "outcomes": 40, "min_borgere": 10, "min_outcomes": 30, "missing_borgere": 1,
            "learned_ndcg": 0.9531, "current_ndcg": 0.8479, "gain_ci": [0.031, 0.182], "more_outcomes_needed": 1200}
    with app.app_context(), in_language("en"):
        texts = {verdict: verdict_text({**base, "verdict": verdict.value}) for verdict in Verdict}
    assert "nDCG@10 0.953 versus 0.848 (difference +0.031 to +0.182)" in texts[Verdict.BETTER]
    assert "About 1,200 more outcomes are needed." in texts[Verdict.UNCERTAIN]
    assert texts[Verdict.TOO_FEW] == ("Too little data: 12 borgere and 40 outcomes (at least 10 borgere and 30 "
                                      "outcomes are needed); at least 1 more borger.")
