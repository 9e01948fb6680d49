"""Contact persons, the contact log, follow-up tasks, "Mine opgaver" and "Kontakt snart"."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Company, ContactLogEntry, ContactPerson, Task, User
from crm.services import ValidationError
from crm.services.companies import change_status, create_company
from crm.services.contacts import (
    add_contact_person,
    create_task,
    log_contact,
    renewal_state,
    set_task_done,
    stale_partners,
    staleness,
    tasks_for,
    update_contact_person,
)
from crm.timeutil import DANISH_TZ, today, utcnow


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def _user(role="konsulent", email=None) -> User:
    from crm.services.users import create_user

    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    return create_user(email=email or f"{role}{count}@service.test.fodfaeste.dk",
                       name=f"{role.title()} {count}", role=role, password="korrekt-hest-batteri-9")


def _company(name="Testfirma ApS", *, status="emne", konsulent=None) -> Company:
    company = create_company({"name": name, "postcode": "8000", "status": status,
                              "konsulent_id": konsulent.id if konsulent else None})
    db.session.flush()
    return company


def _log(company, *, days_ago=0, kind="phone", actor=None, follow_up=None, **extra):
    at = (datetime.now(DANISH_TZ) - timedelta(days=days_ago)).replace(tzinfo=None)
    return log_contact(company, {"kind": kind, "at": at, "summary": "Snak om praktik", **extra},
                       actor=actor, follow_up=follow_up)


# --- contact persons ---

def test_a_new_primary_contact_replaces_the_old_primary(ctx):
    company = _company()
    first = add_contact_person(company, {"name": "Anna", "primary": True})
    second = add_contact_person(company, {"name": "Bo", "primary": True})
    assert (first.primary, second.primary) == (False, True)


def test_editing_a_contact_to_primary_unsets_the_others(ctx):
    company = _company()
    first = add_contact_person(company, {"name": "Anna", "primary": True})
    second = add_contact_person(company, {"name": "Bo"})
    update_contact_person(second, {"name": "Bo", "primary": True})
    assert [p.name for p in company.contacts if p.primary] == ["Bo"]
    assert first.primary is False


def test_contact_person_needs_a_name(ctx):
    with pytest.raises(ValidationError) as error:
        add_contact_person(_company(), {"name": "  "})
    assert error.value.field == "name"


def test_konsulent_adds_edits_and_deletes_a_contact_person_on_the_page(app, browser, make_user, make_company):
    company_id = make_company()
    browser.login(make_user("konsulent"))
    base = f"/virksomheder/{company_id}/kontaktpersoner"
    assert browser.post_form(f"{base}/ny", {"name": "Lone Lund", "role": "Butikschef",
                                            "primary": "y"}).status_code == 302
    with app.app_context():
        person_id = db.session.scalar(sa.select(ContactPerson.id))
    edited = browser.post_form(f"{base}/{person_id}", {"name": "Lone Lund", "role": "Souschef"})
    assert edited.status_code == 302
    page = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert "Souschef" in page
    browser.post_form(f"{base}/{person_id}/slet", {}, form_page=f"/virksomheder/{company_id}")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactPerson)) == 0
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.action.like("contact.%")).order_by(AuditEvent.id)).all()
    assert actions == ["contact.create", "contact.update", "contact.delete"]


def test_vejleder_cannot_add_a_contact_person(browser, make_user, make_company):
    company_id = make_company()
    browser.login(make_user("vejleder"))
    assert browser.get(f"/virksomheder/{company_id}/kontaktpersoner/ny").status_code == 403


# --- the contact log ---

def test_a_meeting_is_face_to_face_and_a_phone_call_is_not(ctx):
    company = _company()
    assert _log(company, kind="meeting").face_to_face is True
    assert _log(company, kind="phone").face_to_face is False


def test_logging_sets_last_contact_to_the_newest_entry(ctx):
    company = _company()
    newer = _log(company, days_ago=2)
    _log(company, days_ago=10)
    assert company.last_contact_at == newer.at
    db.session.expire_all()
    assert db.session.get(Company, company.id).last_contact_at == newer.at


def test_logging_a_contact_does_not_bump_the_company_version(ctx):
    company = _company()
    db.session.commit()
    version = company.version
    _log(company)
    db.session.commit()
    assert db.session.get(Company, company.id).version == version


def test_logging_a_contact_leaves_the_profile_updated_stamp_alone(ctx):
    company = _company()
    company.updated_at = utcnow() - timedelta(days=3)
    db.session.commit()
    stamp = company.updated_at
    _log(company)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Company, company.id).updated_at == stamp


def test_a_contact_in_the_future_is_refused(ctx):
    with pytest.raises(ValidationError) as error:
        _log(_company(), days_ago=-1)
    assert error.value.field == "at"


def test_a_contact_person_from_another_company_is_refused(ctx):
    other = add_contact_person(_company("Andet firma"), {"name": "Ole"})
    with pytest.raises(ValidationError) as error:
        _log(_company(), contact_person_id=other.id)
    assert error.value.field == "contact_person_id"


def test_with_whom_defaults_to_the_chosen_contact_person(ctx):
    company = _company()
    person = add_contact_person(company, {"name": "Ole Olsen"})
    assert _log(company, contact_person_id=person.id).with_whom == "Ole Olsen"


def test_a_follow_up_task_is_created_from_a_log_entry(ctx):
    user = _user()
    company = _company()
    entry = _log(company, kind="meeting", actor=user,
                 follow_up={"title": "Send praktikaftale", "due": today() + timedelta(days=3),
                            "assignee_id": user.id})
    task = db.session.scalar(sa.select(Task))
    assert (task.title, task.log_entry_id, task.company_id, task.assignee_id) == \
        ("Send praktikaftale", entry.id, company.id, user.id)


def test_log_form_creates_the_entry_and_its_follow_up_task(app, browser, make_user, make_company):
    company_id = make_company()
    email = make_user("vejleder")
    browser.login(email)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    now = datetime.now(DANISH_TZ).strftime("%Y-%m-%dT%H:%M")
    response = browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny", {
        "kind": "meeting", "at": now, "summary": "Rundvisning i lageret", "follow_up": "y",
        "task_title": "Ring om opstart", "task_due": (today() + timedelta(days=7)).isoformat(),
        "task_assignee_id": str(user_id)})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(sa.select(ContactLogEntry))
        task = db.session.scalar(sa.select(Task))
        assert (entry.face_to_face, entry.user_id) == (True, user_id)
        assert task.log_entry_id == entry.id
    assert "Ring om opstart" in browser.get("/opgaver/").get_data(as_text=True)


def test_log_form_with_follow_up_but_no_task_title_keeps_the_input(app, browser, make_user, make_company):
    company_id = make_company()
    browser.login(make_user("konsulent"))
    now = datetime.now(DANISH_TZ).strftime("%Y-%m-%dT%H:%M")
    response = browser.post_form(f"/virksomheder/{company_id}/kontaktlog/ny", {
        "kind": "phone", "at": now, "summary": "Kort opringning", "follow_up": "y", "task_title": ""})
    html = response.get_data(as_text=True)
    assert "Angiv en titel på opfølgningsopgaven." in html
    assert "Kort opringning</textarea>" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactLogEntry)) == 0


def test_company_page_lists_the_log_newest_first(app, browser, make_user):
    browser.login(make_user("konsulent"))
    with app.app_context():
        company = _company()
        _log(company, days_ago=5, summary="Ældste samtale")
        _log(company, days_ago=1, summary="Nyeste samtale")
        db.session.commit()
        company_id = company.id
    html = browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)
    assert html.index("Nyeste samtale") < html.index("Ældste samtale")


# --- tasks ---

def test_task_needs_a_staff_assignee(ctx):
    with pytest.raises(ValidationError) as error:
        create_task(title="X", due=today(), assignee_id=999, company=_company())
    assert error.value.field == "assignee_id"


def test_konsulents_task_list_puts_overdue_first_then_later_then_done(ctx):
    user = _user()
    company = _company()

    def task(title, days):
        return create_task(title=title, due=today() + timedelta(days=days), assignee_id=user.id,
                           company=company)

    later = task("Om en uge", 7)
    done = task("Allerede gjort", -20)
    task("Forfalden i går", -1)
    task("Forfalden for længe siden", -10)
    task("I dag", 0)
    set_task_done(done, True)
    titles = [t.title for t in tasks_for(user)]
    assert titles == ["Forfalden for længe siden", "Forfalden i går", "I dag", "Om en uge", "Allerede gjort"]
    assert later.done is False


def test_another_users_tasks_are_not_in_my_list(ctx):
    me, other = _user(), _user()
    create_task(title="Andens", due=today(), assignee_id=other.id)
    assert tasks_for(me) == []


def test_mine_opgaver_page_shows_overdue_first_and_flags_it(app, browser, make_user):
    email = make_user("konsulent")
    browser.login(email)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        create_task(title="Kommende opgave", due=today() + timedelta(days=3), assignee_id=user.id)
        create_task(title="Forfalden opgave", due=today() - timedelta(days=3), assignee_id=user.id)
        db.session.commit()
    html = browser.get("/opgaver/").get_data(as_text=True)
    assert html.index("Forfalden opgave") < html.index("Kommende opgave")
    assert "Overskredet" in html


def test_done_and_undone_buttons_toggle_a_task_and_audit_it(app, browser, make_user):
    email = make_user("vejleder")
    browser.login(email)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        task_id = create_task(title="Ring", due=today(), assignee_id=user.id).id
        db.session.commit()
    url = f"/opgaver/{task_id}/udfoert"
    assert browser.post_form(url, {"done": "1"}, form_page="/opgaver/").status_code == 302
    with app.app_context():
        assert db.session.get(Task, task_id).done is True
    browser.post_form(url, {"done": "0"}, form_page="/opgaver/")
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.done, task.done_at) == (False, None)
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "task").order_by(AuditEvent.id)).all()
    assert actions == ["task.create", "task.done", "task.undone"]


def test_a_vejleder_cannot_tick_off_someone_elses_task(app, browser, make_user):
    browser.login(make_user("vejleder"))
    with app.app_context():
        other = _user("konsulent")
        task_id = create_task(title="Andens", due=today(), assignee_id=other.id).id
        db.session.commit()
    response = browser.post_form(f"/opgaver/{task_id}/udfoert", {"done": "1"}, form_page="/opgaver/")
    assert response.status_code == 403


def test_task_form_creates_a_task_for_the_company(app, browser, make_user, make_company):
    company_id = make_company()
    email = make_user("konsulent")
    browser.login(email)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    response = browser.post_form(f"/virksomheder/{company_id}/opgaver/ny", {
        "title": "Send materiale", "due": today().isoformat(), "assignee_id": str(user_id)})
    assert response.status_code == 302
    assert "Send materiale" in browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)


def test_task_form_without_a_due_date_shows_a_danish_error(browser, make_user, make_company):
    company_id = make_company()
    browser.login(make_user("konsulent"))
    html = browser.post_form(f"/virksomheder/{company_id}/opgaver/ny", {"title": "Uden frist", "due": ""}
                             ).get_data(as_text=True)
    assert "Angiv en dato" in html
    assert 'value="Uden frist"' in html


# --- relationships going stale ---

def _partner(name="Partner A/S", konsulent=None, *, days_ago=None):
    company = _company(name, status="dialog", konsulent=konsulent)
    change_status(company, "partner")
    if days_ago is not None:
        _log(company, days_ago=days_ago)
    return company


@pytest.mark.parametrize(("days_ago", "band"),
                         [(29, None), (30, 30), (59, 30), (64, 60), (90, 90), (200, 90)])
def test_a_partner_is_flagged_stale_in_30_60_90_day_bands(ctx, days_ago, band):
    flag = staleness(_partner(days_ago=days_ago))
    assert (flag.band if flag else None) == band


def test_stale_flag_says_how_many_days(ctx):
    assert staleness(_partner(days_ago=64)).label == "Ingen kontakt i 64 dage"


def test_a_partner_never_contacted_is_flagged(ctx):
    assert staleness(_partner()).label == "Ingen kontakt registreret"


def test_a_company_that_is_not_a_partner_is_never_flagged_stale(ctx):
    company = _company(status="dialog")
    _log(company, days_ago=120)
    assert staleness(company) is None


def test_company_page_shows_the_stale_flag(app, browser, make_user):
    browser.login(make_user("konsulent"))
    with app.app_context():
        company_id = _partner(days_ago=64).id
        db.session.commit()
    assert "Ingen kontakt i 64 dage" in browser.get(f"/virksomheder/{company_id}").get_data(as_text=True)


def test_stale_list_orders_by_how_long_it_has_been_and_leaves_out_recent_ones(ctx):
    _partner("Nylig", days_ago=5)
    _partner("Halvgammel", days_ago=45)
    _partner("Gammel", days_ago=100)
    _partner("Aldrig")
    assert [c.name for c, _ in stale_partners()] == ["Aldrig", "Gammel", "Halvgammel"]


def test_stale_list_can_be_limited_to_one_konsulent(ctx):
    mine, other = _user(), _user()
    _partner("Min", mine, days_ago=40)
    _partner("Andens", other, days_ago=40)
    assert [c.name for c, _ in stale_partners(konsulent_id=mine.id)] == ["Min"]


def test_kontakt_snart_page_shows_the_konsulents_own_partners_by_default(app, browser, make_user):
    email = make_user("konsulent")
    browser.login(email)
    with app.app_context():
        me = db.session.scalar(sa.select(User).where(User.email == email))
        _partner("Min partner", me, days_ago=70)
        _partner("Andens partner", _user(), days_ago=70)
        db.session.commit()
    html = browser.get("/virksomheder/kontakt-snart").get_data(as_text=True)
    assert "Min partner" in html and "70 dage" in html
    assert "Andens partner" not in html
    everyone = browser.get("/virksomheder/kontakt-snart?konsulent=alle").get_data(as_text=True)
    assert "Andens partner" in everyone


# --- the agreement ---

def test_renewal_in_the_past_is_flagged_overdue(ctx):
    company = _company()
    company.agreement_renewal = today() - timedelta(days=3)
    assert renewal_state(company).label == "Fornyelsen er overskredet med 3 dage"


def test_renewal_far_ahead_is_not_flagged(ctx):
    company = _company()
    company.agreement_renewal = today() + timedelta(days=200)
    assert renewal_state(company) is None


def test_last_contact_uses_utc_storage(ctx):
    company = _company()
    entry = _log(company)
    assert abs((entry.at - utcnow()).total_seconds()) < 120


# --- demo data ---

def test_demo_data_shows_stale_partners_and_overdue_tasks(ctx):
    from crm.demo import load_demo_data

    created = load_demo_data()
    konsulent = db.session.scalar(sa.select(User).where(User.email == "konsulent@demo.fodfaeste.dk"))
    assert len(created["companies"]) == 150
    assert stale_partners(konsulent_id=konsulent.id)
    assert any(not t.done and t.due < today() for t in tasks_for(konsulent))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactLogEntry)) > 300
