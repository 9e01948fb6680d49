"""The account page (digest kinds on and off, the calendar link made, shown once, renewed and
revoked), the unsubscribe link without login, and the calendar feed: valid ICS for the token's
owner, 404 for any other token, borgere by reference only."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from crm.extensions import db
from crm.models import Borger, CalendarFeed, Company, DigestKind, DigestOptOut, User
from crm.services.contacts import create_task, log_contact
from crm.services.digest import unsubscribe_token
from crm.services.placements import advance
from crm.timeutil import today
from tests.conftest import csrf_token_from
from tests.html_checks import duplicate_ids, labels_pointing_at_nothing_visible

FEED_RE = re.compile(r'id="feed-url"[^>]*value="([^"]+)"')


def _user(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _off(app, email) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(DigestOptOut.kind).where(DigestOptOut.user_id == _user(email).id)))


@pytest.fixture
def vejleder(browser, make_user):
    email = make_user("vejleder")
    browser.login(email)
    return email


def _make_feed(browser) -> str:
    response = browser.post_form("/konto/kalender", {}, form_page="/konto", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Kopiér det nu" in html
    assert duplicate_ids(html) == [] and labels_pointing_at_nothing_visible(html) == []
    return FEED_RE.search(html).group(1)


def test_the_account_page_lists_each_kind_as_on(browser, vejleder):
    html = browser.get("/konto").get_data(as_text=True)
    for kind in DigestKind:
        assert kind.label in html
    assert html.count(">Slå fra<") == len(DigestKind)
    assert "Du har intet kalenderlink." in html
    assert duplicate_ids(html) == []


def test_a_kind_is_turned_off_and_on_again_with_one_click(app, browser, vejleder):
    response = browser.post_form("/konto/overblik", {"kind": "eftervaern", "enabled": "0"}, form_page="/konto",
                                 follow_redirects=True)
    assert "er slået fra i dit daglige overblik" in response.get_data(as_text=True)
    assert _off(app, vejleder) == {"eftervaern"}
    row = re.search(r'data-kind="eftervaern".*?</tr>', response.get_data(as_text=True), re.S).group(0)
    assert "Fra" in row and "Slå til" in row
    browser.post_form("/konto/overblik", {"kind": "eftervaern", "enabled": "1"}, form_page="/konto")
    assert _off(app, vejleder) == set()


@pytest.mark.parametrize("data", [{"kind": "alt", "enabled": "0"}, {"kind": "svar", "enabled": "ja"}, {}])
def test_a_tampered_toggle_is_refused_in_danish(app, browser, vejleder, data):
    response = browser.post_form("/konto/overblik", data, form_page="/konto", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ukendt slags påmindelse." in html or "Vælg" in html
    assert _off(app, vejleder) == set()


def test_employers_have_no_account_page(browser, employer):
    email, _ = employer
    browser.login(email)
    assert browser.get("/konto").status_code == 403


def test_the_calendar_link_is_shown_once_and_works_without_a_session(app, browser, vejleder):
    url = _make_feed(browser)
    assert url.startswith("http://localhost/kalender/") and url.endswith(".ics")
    again = browser.get("/konto").get_data(as_text=True)
    assert 'id="feed-url"' not in again and "Du har et kalenderlink" in again
    with app.app_context():
        feed = db.session.scalar(sa.select(CalendarFeed))
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        assert token not in feed.token_hash and len(feed.token_hash) == 64  # kept hashed only
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert Calendar.from_ical(response.data).get("version") == "2.0"


def test_a_new_link_replaces_the_old_and_revoking_ends_it(app, browser, vejleder):
    anonymous = app.test_client()
    old = _make_feed(browser)
    new = _make_feed(browser)
    assert old != new
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    response = browser.post_form("/konto/kalender/tilbagekald", {}, form_page="/konto", follow_redirects=True)
    assert "Kalenderlinket virker ikke længere." in response.get_data(as_text=True)
    assert anonymous.get(new).status_code == 404
    assert "Du har intet kalenderlink." in browser.get("/konto").get_data(as_text=True)


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 5000, "%00", "..%2F..%2Fetc"])
def test_a_wrong_token_is_404(client, token):
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_the_feed_of_a_deactivated_user_is_404(app, browser, vejleder):
    url = _make_feed(browser)
    with app.app_context():
        _user(vejleder).active = False
        db.session.commit()
    assert app.test_client().get(url).status_code == 404


def test_the_feed_holds_tasks_efterværn_and_meetings_as_a_calendar_reads_them(
        app, browser, vejleder, make_borger, make_partner, propose):
    borger_id = make_borger(vejleder, first_name="Mette")
    company_id = make_partner("Lager A/S", address="Havnegade 1")
    placement_id = propose(borger_id, company_id)
    with app.app_context():
        user = _user(vejleder)
        company = db.session.get(Company, company_id)
        create_task(title="Ring til lageret", due=today() + timedelta(days=2), assignee_id=user.id, company=company,
                    actor=None)
        log_contact(company, {"kind": "meeting", "summary": "Talte om Mette og hendes behov"}, actor=user)
        log_contact(company, {"kind": "phone", "summary": "Ringede"}, actor=user)
        from crm.models import Placement
        advance(db.session.get(Placement, placement_id), "job", on_date=today(), actor=user, hours_per_week=10)
        db.session.commit()
        reference = db.session.get(Borger, borger_id).reference
    url = _make_feed(browser)
    data = app.test_client().get(url).data
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert prop in event, (prop, event)
    assert len({str(e["UID"]) for e in events}) == len(events)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    task = by_summary["Ring til lageret (Lager A/S)"]
    assert task.decoded("DTSTART") == today() + timedelta(days=2)  # a DATE: all day
    assert task["DTSTART"].params.get("VALUE") == "DATE"
    meeting = by_summary["Møde på virksomheden: Lager A/S"]
    assert meeting.decoded("DTSTART").tzinfo is not None  # a time in UTC
    assert "Telefon: Lager A/S" not in by_summary  # only face-to-face meetings
    eftervaern = [s for s in by_summary if s.startswith("Efterværn")]
    assert eftervaern and all(s == f"Efterværn: opfølgning med borger {reference}" for s in eftervaern)
    text = data.decode("utf-8")
    assert "Mette" not in text and "hendes behov" not in text
    assert calendar["PRODID"] and calendar["VERSION"] == "2.0"


def test_the_unsubscribe_link_works_without_login_after_one_click(app, make_user):
    email = make_user("vejleder")
    with app.app_context():
        token = unsubscribe_token(_user(email), DigestKind.ANSWERS)
    client = app.test_client()
    url = f"/overblik/afmeld/{token}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and DigestKind.ANSWERS.label in html
    assert _off(app, email) == set()  # opening the link (a mail scanner does) changes nothing
    done = client.post(url, data={"csrf_token": csrf_token_from(html)}, follow_redirects=True)
    assert "Du får ikke længere" in done.get_data(as_text=True)
    assert _off(app, email) == {"svar"}


def test_the_unsubscribe_link_speaks_its_users_language(app, make_user):
    email = make_user("vejleder")
    with app.app_context():
        _user(email).language = "en"
        db.session.commit()
        token = unsubscribe_token(_user(email), DigestKind.ANSWERS)
    client = app.test_client()
    url = f"/overblik/afmeld/{token}"
    html = client.get(url, headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Do you want to stop getting “Employers’ answers to proposals”" in html
    done = client.post(url, data={"csrf_token": csrf_token_from(html)}, follow_redirects=True)
    assert "You no longer get “Employers’ answers to proposals” in your daily overview." in done.get_data(as_text=True)


def test_a_tampered_unsubscribe_link_is_404_in_danish(client):
    response = client.get("/overblik/afmeld/eyJ1IjoxLCJrIjoic3ZhciJ9.bad.sig")
    assert response.status_code == 404
    assert "Linket virker ikke" in response.get_data(as_text=True)


def test_the_feed_is_rate_limited_like_the_other_anonymous_doors(make_app):
    limited = make_app(LOGIN_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    answers = [client.get("/kalender/" + "a" * 43 + ".ics").status_code for _ in range(3)]
    assert answers == [404, 404, 429]


def test_the_account_page_and_its_flash_are_english_for_an_english_reader(app, browser, vejleder):
    browser.client.set_cookie("sprog", "en")
    page = browser.get("/konto").get_data(as_text=True)
    assert "<h1>My account</h1>" in page and "Tasks due today or overdue" in page
    response = browser.post_form("/konto/overblik", {"kind": DigestKind.TASKS.value, "enabled": "0"},
                                 form_page="/konto", follow_redirects=True)
    assert "“Tasks due today or overdue” is turned off in your daily overview." in response.get_data(as_text=True)


def test_the_calendar_feed_is_in_its_owners_language_whoever_fetches_it(app, browser, vejleder):
    url = _make_feed(browser)
    with app.app_context():
        user = _user(vejleder)
        user.language = "en"
        create_task(title="Ring til lageret", due=today(), assignee_id=user.id, actor=None)
        db.session.commit()
    data = app.test_client().get(url, headers={"Accept-Language": "da"}).data
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ring til lageret"  # the title as typed
    assert event["CATEGORIES"].cats == ["Task"]
    assert str(event["DESCRIPTION"]).startswith("See the task in Fodfæste: ")
