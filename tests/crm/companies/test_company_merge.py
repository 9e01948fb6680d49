"""Merging a duplicate company into the one that is kept."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import (
    AuditEvent,
    Company,
    CompanyStatusChange,
    ContactLogEntry,
    ContactPerson,
    ImportBatch,
    ImportChange,
    OfferTag,
    Task,
    User,
)
from crm.services import ValidationError
from crm.services.companies import ConflictError, change_status, create_company, update_company
from crm.services.company_merge import merge_companies

CVR_A = "10283981"


@pytest.fixture
def admin(browser, make_user):
    email = make_user("admin")
    browser.login(email)
    return email


def add_company(app, **data) -> int:
    with app.app_context():
        company = create_company({"name": "Testfirma ApS", "postcode": "8000", **data})
        db.session.commit()
        return company.id


def add_activity(app, company_id: int) -> None:
    """A contact person, a log entry and a task on the company."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id))
        db.session.add(ContactPerson(company_id=company_id, name="Jens Jensen"))
        entry = ContactLogEntry(company_id=company_id, kind="meeting", face_to_face=True, user_id=user_id,
                                summary="Møde om praktik")
        db.session.add(entry)
        db.session.flush()
        db.session.add(Task(title="Ring tilbage", due=date(2030, 1, 1), assignee_id=user_id,
                            company_id=company_id, log_entry_id=entry.id))
        db.session.commit()


def merge(app, keep_id: int, duplicate_id: int, **kwargs) -> None:
    with app.app_context():
        merge_companies(db.session.get(Company, keep_id), db.session.get(Company, duplicate_id),
                        actor=None, **kwargs)
        db.session.commit()


def get(app, company_id: int) -> Company | None:
    with app.app_context():
        company = db.session.get(Company, company_id)
        if company is not None:
            company.offer_codes  # noqa: B018 (load before the session closes)
        return company


def count_for(app, model, company_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                 .where(model.company_id == company_id))


def test_merge_page_moves_contacts_log_and_tasks_and_deletes_the_duplicate(app, browser, admin):
    keep = add_company(app, name="Netto Holstebro ApS", postcode="7500")
    duplicate = add_company(app, name="Netto  Holstebro", postcode="7500")
    add_activity(app, duplicate)
    page = browser.get(f"/virksomheder/{keep}/flet?andet={duplicate}").get_data(as_text=True)
    assert "Beholdes: Netto Holstebro ApS" in page and "Slettes: Netto  Holstebro" in page
    response = browser.post_form(f"/virksomheder/{keep}/flet",
                                 {"duplicate_id": duplicate, "keep_version": 1, "duplicate_version": 1},
                                 form_page=f"/virksomheder/{keep}/flet?andet={duplicate}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/virksomheder/{keep}"
    assert get(app, duplicate) is None
    assert [count_for(app, m, keep) for m in (ContactPerson, ContactLogEntry, Task)] == [1, 1, 1]


def test_merge_page_lists_likely_duplicates(app, browser, admin):
    keep = add_company(app, name="Netto Holstebro ApS", postcode="7500")
    duplicate = add_company(app, name="Netto  Holstebro", postcode="7500")
    page = browser.get(f"/virksomheder/{keep}/flet").get_data(as_text=True)
    assert f"/virksomheder/{keep}/flet?andet={duplicate}" in page


def test_merge_fills_empty_fields_and_unites_offers_and_tags(app):
    codes = [t.code for t in get_offer_tags(app)][:3]
    keep = add_company(app, name="Bageriet", phone="11 11 11 11", offers=codes[:1], tags=["CSR"])
    duplicate = add_company(app, name="Bageriet ApS", phone="22 22 22 22", cvr=CVR_A, website="bageriet.dk",
                            offers=codes[1:3], tags=["Frivillig"])
    merge(app, keep, duplicate)
    company = get(app, keep)
    assert (company.phone, company.cvr, company.website) == ("11 11 11 11", CVR_A, "https://bageriet.dk")
    assert company.offer_codes == set(codes)
    assert company.tags == ["CSR", "Frivillig"]


def get_offer_tags(app):
    with app.app_context():
        return db.session.scalars(sa.select(OfferTag).order_by(OfferTag.position)).all()


def test_merge_moves_employer_users_and_status_history(app, make_user):
    keep = add_company(app, name="Bageriet")
    duplicate = add_company(app, name="Bageriet ApS", status="dialog")
    with app.app_context():
        change_status(db.session.get(Company, duplicate), "partner", actor=None)
        db.session.commit()
    email = make_user("employer", company_id=duplicate)
    merge(app, keep, duplicate)
    with app.app_context():
        assert db.session.scalar(sa.select(User.company_id).where(User.email == email)) == keep
        statuses = db.session.scalars(sa.select(CompanyStatusChange.to_status)
                                      .where(CompanyStatusChange.company_id == keep)).all()
    assert sorted(statuses) == ["emne", "partner"]  # the duplicate's creation row is not moved


def test_merge_keeps_the_latest_contact_time(app):
    keep = add_company(app, name="Bageriet")
    duplicate = add_company(app, name="Bageriet ApS")
    with app.app_context():
        db.session.get(Company, keep).last_contact_at = datetime(2024, 1, 1)
        db.session.get(Company, duplicate).last_contact_at = datetime(2025, 6, 1)
        db.session.commit()
    merge(app, keep, duplicate)
    assert get(app, keep).last_contact_at == datetime(2025, 6, 1)


def test_merge_cuts_import_records_of_the_duplicate_loose(app):
    keep = add_company(app, name="Bageriet")
    duplicate = add_company(app, name="Bageriet ApS")
    with app.app_context():
        batch = ImportBatch(filename="f.csv", created_count=1)
        batch.changes.append(ImportChange(company_id=duplicate, action="created", version_after=1))
        db.session.add(batch)
        db.session.commit()
    merge(app, keep, duplicate)
    with app.app_context():
        assert db.session.scalars(sa.select(ImportChange.company_id)).all() == [None]


def test_merge_refuses_when_a_company_changed_since_the_page_was_shown(app):
    keep = add_company(app, name="Bageriet")
    duplicate = add_company(app, name="Bageriet ApS")
    with app.app_context():
        company = db.session.get(Company, duplicate)
        update_company(company, {"name": "Bageriet ApS", "postcode": "8000", "phone": "12"},
                       expected_version=1)
        db.session.commit()
    with pytest.raises(ConflictError):
        merge(app, keep, duplicate, keep_version=1, duplicate_version=1)


def test_merge_refuses_to_merge_a_company_with_itself(app):
    keep = add_company(app, name="Bageriet")
    with pytest.raises(ValidationError):
        merge(app, keep, keep)


def test_merge_bumps_the_kept_companys_version_and_is_audited(app):
    keep = add_company(app, name="Bageriet")
    duplicate = add_company(app, name="Bageriet ApS")
    merge(app, keep, duplicate)
    assert get(app, keep).version == 2
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "company.merge"))
    assert (event.details["kept_id"], event.details["duplicate_id"]) == (keep, duplicate)


def test_vejleder_gets_403_on_merge(app, browser, make_user):
    keep = add_company(app, name="Bageriet")
    browser.login(make_user("vejleder"))
    assert browser.get(f"/virksomheder/{keep}/flet").status_code == 403


def test_a_konsulent_warned_of_a_duplicate_merges_it(app, browser, make_user):
    keep = add_company(app, name="Bageriet")
    duplicate = add_company(app, name="Bageriet ApS")
    browser.login(make_user("konsulent"))
    assert "Flet dublet" in browser.get(f"/virksomheder/{keep}").get_data(as_text=True)
    response = browser.post_form(f"/virksomheder/{keep}/flet",
                                 {"duplicate_id": duplicate, "keep_version": 1, "duplicate_version": 1},
                                 form_page=f"/virksomheder/{keep}/flet?andet={duplicate}")
    assert response.status_code == 302
    assert get(app, duplicate) is None



# --- issue 16: different CVR numbers, and one creation row ---

CVR_B = "10150817"


def test_merging_two_different_cvr_numbers_needs_the_explicit_confirmation(app, browser, admin):
    keep = add_company(app, name="Bageriet", cvr=CVR_A)
    duplicate = add_company(app, name="Bageriet ApS", cvr=CVR_B)
    page = browser.get(f"/virksomheder/{keep}/flet?andet={duplicate}").get_data(as_text=True)
    assert "Forskellige CVR-numre" in page and 'name="different_cvr_confirmed"' in page
    form = {"duplicate_id": duplicate, "keep_version": 1, "duplicate_version": 1}
    refused = browser.post_form(f"/virksomheder/{keep}/flet", form,
                                form_page=f"/virksomheder/{keep}/flet?andet={duplicate}", follow_redirects=True)
    assert "sandsynligvis to forskellige virksomheder" in refused.get_data(as_text=True)
    assert get(app, duplicate) is not None
    browser.post_form(f"/virksomheder/{keep}/flet", {**form, "different_cvr_confirmed": "y"},
                      form_page=f"/virksomheder/{keep}/flet?andet={duplicate}")
    assert get(app, duplicate) is None
    assert get(app, keep).cvr == CVR_A


def test_the_same_or_a_missing_cvr_asks_for_no_extra_confirmation(app):
    keep = add_company(app, name="Bageriet", cvr=CVR_A)
    duplicate = add_company(app, name="Bageriet ApS")
    merge(app, keep, duplicate)
    assert get(app, duplicate) is None


def test_the_merged_status_history_has_one_creation_row(app):
    keep = add_company(app, name="Bageriet", status="emne")
    duplicate = add_company(app, name="Bageriet ApS", status="emne")
    with app.app_context():
        change_status(db.session.get(Company, duplicate), "dialog", actor=None)
        db.session.commit()
    merge(app, keep, duplicate)
    with app.app_context():
        rows = db.session.execute(sa.select(CompanyStatusChange.from_status, CompanyStatusChange.to_status)
                                  .where(CompanyStatusChange.company_id == keep)
                                  .order_by(CompanyStatusChange.id)).all()
    assert [tuple(r) for r in rows] == [(None, "emne"), ("emne", "dialog")]
