"""Company import: upload → preview → confirm (all or nothing), undo as a whole."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Company, ContactPerson, ImportBatch, User
from crm.services import company_import
from crm.services.companies import create_company, update_company
from crm.services.company_import import parse_upload, run_import

UPLOAD_URL = "/virksomheder/import"
PREVIEW_URL = "/virksomheder/import/forhaandsvisning"
CONFIRM_URL = "/virksomheder/import/bekraeft"
HEADER = ["navn", "cvr", "postnummer", "adresse", "telefon", "tilbud", "tags", "status"]
# Valid CVR-numre (modulus 11).
CVR_A, CVR_B, CVR_C = "10283981", "10333369", "10407451"
TOKEN_RE = re.compile(r'name="token"[^>]*value="([^"]+)"')


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TWO_COMPANIES = [
    ["Bageriet Aps", CVR_A, "8000", "Søndergade 1", "86 12 34 56", "mentor|fleksible_timer", "CSR", "emne"],
    ["Holstebro Maskinfabrik A/S", CVR_B, "7500", "", "", "", "", "dialog"],
]


@pytest.fixture
def konsulent(browser, make_user, run_jobs):
    email = make_user("konsulent")
    browser.login(email)
    browser.run_jobs = run_jobs  # the preview and the import are jobs; the helpers run them
    return email


def upload(browser, data: bytes, filename="virksomheder.csv"):
    return browser.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), filename)})


def preview(browser) -> str:
    """The preview page (after its job has run) with whitespace folded, as a reader sees the text."""
    browser.run_jobs()
    return " ".join(browser.get(PREVIEW_URL).get_data(as_text=True).split())


def post_confirm(browser, token: str):
    """Confirm, run the import job, and return the job page's answer (a redirect when it is done)."""
    response = browser.post_form(CONFIRM_URL, {"token": token}, form_page=UPLOAD_URL)
    assert response.status_code == 302
    if "/koersel/" not in response.headers["Location"]:
        return response
    browser.run_jobs()
    return browser.get(response.headers["Location"])


def confirm(browser):
    page = preview(browser)
    match = TOKEN_RE.search(page)
    assert match, "no confirm form on the preview"
    return post_confirm(browser, match.group(1))


def import_file(browser, data: bytes, filename="virksomheder.csv"):
    assert upload(browser, data, filename).status_code == 302
    return confirm(browser)


def companies(app) -> dict[str, Company]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Company)).all()
        for company in rows:
            company.offer_codes  # noqa: B018 (load before the session closes)
        return {c.name: c for c in rows}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def offer_codes(app) -> list[str]:
    with app.app_context():
        from crm.models import OfferTag
        return list(db.session.scalars(sa.select(OfferTag.code).order_by(OfferTag.position)))


@pytest.fixture(autouse=True)
def _known_offer_codes(app):
    """The tests write two real offer codes from the seeded vocabulary into their files."""
    codes = offer_codes(app)
    for row in TWO_COMPANIES:
        if row[5]:
            row[5] = "|".join(codes[:2])


def add_company(app, **data):
    with app.app_context():
        company = create_company({"name": "Testfirma ApS", "postcode": "8000", **data})
        db.session.commit()
        return company.id


# --- the happy path ---------------------------------------------------------------------------

def test_preview_shows_what_will_be_created_and_writes_nothing(app, browser, konsulent):
    assert upload(browser, csv_bytes(TWO_COMPANIES)).status_code == 302
    page = preview(browser)
    assert "2 oprettes" in page
    assert "Bageriet Aps" in page and "Oprettes" in page
    assert count(app, Company) == 0


def test_confirmed_csv_import_creates_the_companies(app, browser, konsulent):
    response = import_file(browser, csv_bytes(TWO_COMPANIES))
    assert response.status_code == 302
    found = companies(app)
    assert set(found) == {"Bageriet Aps", "Holstebro Maskinfabrik A/S"}
    bageriet = found["Bageriet Aps"]
    assert (bageriet.cvr, bageriet.address, bageriet.phone, bageriet.tags) == (
        CVR_A, "Søndergade 1", "86 12 34 56", ["CSR"])
    assert bageriet.offer_codes == set(offer_codes(app)[:2])
    assert found["Holstebro Maskinfabrik A/S"].status == "dialog"
    assert count(app, ImportBatch) == 1


def test_second_import_of_the_same_file_updates_by_cvr_instead_of_duplicating(app, browser, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    changed = [row[:] for row in TWO_COMPANIES]
    changed[0][4] = "70 70 70 70"
    upload(browser, csv_bytes(changed))
    page = preview(browser)
    assert "0 oprettes, 1 opdateres, 1 er uændrede" in page
    confirm(browser)
    found = companies(app)
    assert len(found) == 2
    assert found["Bageriet Aps"].phone == "70 70 70 70"


def test_row_without_cvr_updates_the_company_with_the_same_name_and_postcode(app, browser, konsulent):
    company_id = add_company(app, name="Netto Holstebro ApS", postcode="7500")
    import_file(browser, csv_bytes([["Netto  Holstebro", "", "7500", "Nørregade 3", "", "", "", ""]]))
    [company] = companies(app).values()
    assert (company.id, company.address) == (company_id, "Nørregade 3")


def test_empty_cells_leave_existing_values_alone(app, browser, konsulent):
    add_company(app, name="Bageriet Aps", cvr=CVR_A, phone="11 11 11 11")
    import_file(browser, csv_bytes([["Bageriet Aps", CVR_A, "8000", "Søndergade 1", "", "", "", ""]]))
    assert companies(app)["Bageriet Aps"].phone == "11 11 11 11"


def test_xlsx_import_creates_the_companies(app, browser, konsulent):
    rows = [["Kantinen I/S", int(CVR_C), 800, "", "", "", "", ""]]  # numbers, as a spreadsheet stores them
    import_file(browser, xlsx_bytes(rows), "virksomheder.xlsx")
    kantinen = companies(app)["Kantinen I/S"]
    assert (kantinen.cvr, kantinen.postcode) == (CVR_C, "0800")


def test_semicolon_separated_csv_is_read(browser, konsulent):
    upload(browser, csv_bytes(TWO_COMPANIES, delimiter=";"))
    assert "2 oprettes" in preview(browser)


def test_comma_separated_csv_is_read(app, browser, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES, delimiter=",", encoding="utf-8"))
    assert companies(app)["Bageriet Aps"].address == "Søndergade 1"


def test_csv_that_is_not_utf8_is_read_as_windows_charset_with_a_notice(app, browser, konsulent):
    data = csv_bytes([["Århus Tømrerfirma", "", "8000", "Æblevej 2", "", "", "", ""]], encoding="cp1252")
    upload(browser, data)
    assert "Windows-tegnsæt" in preview(browser)
    confirm(browser)
    assert companies(app)["Århus Tømrerfirma"].address == "Æblevej 2"


def test_values_neutralised_against_formulas_are_restored(app, browser, konsulent):
    import_file(browser, csv_bytes([["'=Lige Linjen", "", "8000", "", "'+45 86 12 34 56", "", "", ""]]))
    company = companies(app)["=Lige Linjen"]
    assert company.phone == "+45 86 12 34 56"


# --- bad files and bad rows -------------------------------------------------------------------

def test_file_with_one_bad_row_imports_nothing_and_names_the_row_and_the_reason(app, browser, konsulent):
    rows = [*TWO_COMPANIES, ["Fejlfirma", "12345678", "8000", "", "", "", "", ""]]
    upload(browser, csv_bytes(rows))
    page = preview(browser)
    assert "Række 4: CVR-nummeret er ikke gyldigt" in page
    assert "Intet importeres" in page
    assert 'name="token"' not in page  # no confirm button
    assert count(app, Company) == 0


def test_confirming_a_file_with_a_bad_row_anyway_imports_nothing(app, browser, konsulent):
    upload(browser, csv_bytes(TWO_COMPANIES))
    seen = preview(browser)  # the preview the user confirms from
    token = TOKEN_RE.search(seen).group(1)
    add_company(app, name="Nogen andens", cvr=CVR_B, postcode="7500")  # row 3 now updates, status invalid
    with app.app_context():
        other = db.session.scalar(sa.select(Company).where(Company.cvr == CVR_B))
        update_company(other, {"name": "Nogen andens", "postcode": "7500", "cvr": CVR_B, "status": "dialog"},
                       expected_version=other.version)
        update_company(other, {"name": "Nogen andens", "postcode": "7500", "cvr": CVR_B,
                               "status": "partner"}, expected_version=other.version)
        db.session.commit()
    page = post_confirm(browser, token).get_data(as_text=True)
    assert "Intet er importeret" in page
    assert "Række 3: Status kan ikke gå fra partner til dialog" in page
    assert "registret er ændret siden forhåndsvisningen" in page
    assert set(companies(app)) == {"Nogen andens"}
    assert count(app, ImportBatch) == 0


def test_forcing_the_confirm_of_a_file_with_a_bad_row_blames_the_file_not_the_register(app, browser, konsulent):
    rows = [*TWO_COMPANIES, ["Fejlfirma", "12345678", "8000", "", "", "", "", ""]]
    upload(browser, csv_bytes(rows))
    preview(browser)
    with browser.client.session_transaction() as session:
        token = session["company_import"]["token"]  # the preview offers no button; the POST is forced
    page = post_confirm(browser, token).get_data(as_text=True)
    assert "Intet er importeret: filen har rækker, der ikke kan importeres." in page
    assert "registret er ændret" not in page
    assert count(app, Company) == 0


def test_run_import_rolls_back_every_row_when_one_is_rejected(app):
    data = csv_bytes([*TWO_COMPANIES, ["", "", "8000", "", "", "", "", ""]])
    with app.app_context():
        report = run_import(parse_upload("f.csv", data), filename="f.csv")
        db.session.commit()
        assert report.batch is None
        assert report.errors == ["Række 4: Angiv virksomhedens navn. Kolonne: navn."]
    assert count(app, Company) == 0
    assert count(app, ImportBatch) == 0


def test_same_cvr_twice_in_the_file_is_rejected(browser, konsulent):
    rows = [TWO_COMPANIES[0], ["Bageriet igen", CVR_A, "8000", "", "", "", "", ""]]
    upload(browser, csv_bytes(rows))
    assert f"Række 3: CVR-nummeret {CVR_A} står også i række 2." in preview(browser)


def test_unknown_konsulent_email_rejects_the_row(browser, konsulent):
    upload(browser, csv_bytes([["Firma", "", "8000", "nogen@andet.dk"]],
                              header=["navn", "cvr", "postnummer", "konsulent_email"]))
    page = preview(browser)
    assert "Række 2: Der er ingen bruger med e-mailen nogen@andet.dk." in page


def test_likely_duplicate_is_shown_as_a_warning_on_a_create_row(app, browser, konsulent):
    add_company(app, name="Netto  Holstebro ApS", postcode="7500", cvr=CVR_C)
    upload(browser, csv_bytes([["Netto Holstebro", CVR_A, "7500", "", "", "", "", ""]]))
    page = preview(browser)
    assert "Mulig dublet: Ligner Netto Holstebro ApS (7500)" in page
    assert "1 oprettes" in page


def test_unknown_columns_are_reported_and_ignored(app, browser, konsulent):
    data = csv_bytes([["Firma", "8000", "x"]], header=["Navn ", "POSTNUMMER", "Farve"])
    upload(browser, data)
    page = preview(browser)
    assert "kendes ikke og er ignoreret: <code>farve</code>" in page
    confirm(browser)
    assert "Firma" in companies(app)


def test_file_without_a_required_column_is_refused(browser, konsulent):
    response = upload(browser, csv_bytes([["Firma"]], header=["navn"]))
    assert response.status_code == 200
    assert "Filen mangler kolonnen postnummer" in response.get_data(as_text=True)


def test_fake_xlsx_is_refused_with_a_danish_message(app, browser, konsulent):
    response = upload(browser, csv_bytes(TWO_COMPANIES), "virksomheder.xlsx")
    assert response.status_code == 200
    assert "Filen er ikke en gyldig XLSX-fil" in response.get_data(as_text=True)


def test_other_file_types_are_refused(browser, konsulent):
    response = upload(browser, b"hej", "virksomheder.txt")
    assert "Filen skal være en CSV- eller XLSX-fil." in response.get_data(as_text=True)


def test_binary_file_named_csv_is_refused(browser, konsulent):
    response = upload(browser, xlsx_bytes(TWO_COMPANIES), "virksomheder.csv")
    assert "Filen er ikke en CSV-fil" in response.get_data(as_text=True)


def test_too_many_rows_are_refused(browser, konsulent, monkeypatch):
    monkeypatch.setattr(company_import, "MAX_ROWS", 1)
    response = upload(browser, xlsx_bytes(TWO_COMPANIES), "virksomheder.xlsx")
    assert "Filen har mere end 1 rækker" in response.get_data(as_text=True)


def test_confirm_with_a_token_that_is_not_the_sessions_imports_nothing(app, browser, konsulent):
    upload(browser, csv_bytes(TWO_COMPANIES))
    response = browser.post_form(CONFIRM_URL, {"token": "A" * 43}, form_page=UPLOAD_URL)
    assert response.status_code == 302
    assert count(app, Company) == 0


def test_confirmed_upload_is_removed_from_the_instance_folder(app, browser, konsulent):
    upload(browser, csv_bytes(TWO_COMPANIES))
    with browser.client.session_transaction() as session:
        pending = session["company_import"]
    stored = Path(app.instance_path) / "imports" / f"{pending['token']}.{pending['extension']}"
    assert stored.is_file()
    confirm(browser)
    assert not stored.exists()


def test_import_is_audited(app, browser, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "company.import" in actions
    assert actions.count("company.create") == 2


# --- access -----------------------------------------------------------------------------------

def test_vejleder_gets_403_on_import(browser, make_user):
    browser.login(make_user("vejleder"))
    for url in (UPLOAD_URL, PREVIEW_URL, "/virksomheder/import/historik"):
        assert browser.get(url).status_code == 403, url


# --- undo -------------------------------------------------------------------------------------

def _batch_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(ImportBatch.id).order_by(ImportBatch.id.desc()))


def undo(browser, batch_id):
    return browser.post_form(f"/virksomheder/import/{batch_id}/fortryd", {},
                             form_page=f"/virksomheder/import/{batch_id}")


def test_undo_removes_created_and_restores_updated_companies(app, browser, konsulent):
    existing = add_company(app, name="Bageriet Aps", cvr=CVR_A, phone="11 11 11 11")
    import_file(browser, csv_bytes(TWO_COMPANIES))
    assert companies(app)["Bageriet Aps"].phone == "86 12 34 56"
    response = undo(browser, _batch_id(app))
    assert response.status_code == 302
    found = companies(app)
    assert list(found) == ["Bageriet Aps"]
    bageriet = found["Bageriet Aps"]
    assert (bageriet.id, bageriet.phone, bageriet.address, bageriet.offer_codes, bageriet.tags) == (
        existing, "11 11 11 11", "", set(), [])
    with app.app_context():
        assert db.session.get(ImportBatch, _batch_id(app)).undone_at is not None


def test_undo_restores_a_status_the_pipeline_would_not_allow_back(app, browser, konsulent):
    add_company(app, name="Holstebro Maskinfabrik A/S", cvr=CVR_B, postcode="7500", status="emne")
    import_file(browser, csv_bytes([TWO_COMPANIES[1]]))
    assert companies(app)["Holstebro Maskinfabrik A/S"].status == "dialog"
    undo(browser, _batch_id(app))
    assert companies(app)["Holstebro Maskinfabrik A/S"].status == "emne"


def test_undo_is_refused_after_someone_edited_an_imported_company(app, browser, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    with app.app_context():
        company = db.session.scalar(sa.select(Company).where(Company.cvr == CVR_B))
        update_company(company, {"name": company.name, "postcode": "7500", "cvr": CVR_B, "phone": "12"},
                       expected_version=company.version)
        db.session.commit()
    response = undo(browser, _batch_id(app))
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Importen kan ikke fortrydes" in page and "Holstebro Maskinfabrik A/S" in page
    assert len(companies(app)) == 2
    with app.app_context():
        assert db.session.get(ImportBatch, _batch_id(app)).undone_at is None


def test_undo_is_refused_when_a_created_company_got_a_contact_person(app, browser, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    with app.app_context():
        company_id = db.session.scalar(sa.select(Company.id).where(Company.cvr == CVR_A))
        db.session.add(ContactPerson(company_id=company_id, name="Jens"))
        db.session.commit()
    undo(browser, _batch_id(app))
    assert len(companies(app)) == 2


def test_undo_is_refused_after_an_imported_company_was_merged_away(app, browser, konsulent):
    from crm.services.company_merge import merge_companies

    keep = add_company(app, name="Bageriet", postcode="8000")
    import_file(browser, csv_bytes(TWO_COMPANIES))
    with app.app_context():
        duplicate = db.session.scalar(sa.select(Company).where(Company.cvr == CVR_A))
        merge_companies(db.session.get(Company, keep), duplicate, actor=None)
        db.session.commit()
    response = undo(browser, _batch_id(app))
    page = " ".join(browser.get(response.headers["Location"]).get_data(as_text=True).split())
    assert "1 af virksomhederne er slettet eller flettet siden" in page
    assert len(companies(app)) == 2


def test_konsulent_cannot_undo_another_konsulents_import(app, browser, make_user, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    batch_id = _batch_id(app)
    browser.logout()
    browser.login(make_user("konsulent"))
    response = browser.post_form(f"/virksomheder/import/{batch_id}/fortryd", {},
                                 form_page="/virksomheder/import/historik")
    assert response.status_code == 403
    assert len(companies(app)) == 2


def test_admin_can_undo_a_konsulents_import(app, browser, make_user, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    browser.logout()
    browser.login(make_user("admin"))
    undo(browser, _batch_id(app))
    assert companies(app) == {}


def test_history_lists_recent_imports(app, browser, konsulent):
    import_file(browser, csv_bytes(TWO_COMPANIES))
    page = browser.get("/virksomheder/import/historik").get_data(as_text=True)
    assert "virksomheder.csv" in page and "Kan fortrydes" in page


# --- the format -------------------------------------------------------------------------------

def test_every_export_column_is_read_by_the_import():
    from crm.services.company_export import EXPORT_COLUMNS

    assert set(company_import.COLUMN_FIELDS) == set(EXPORT_COLUMNS)


# --- round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_file_reimports_to_the_same_companies(app, browser, make_user, konsulent, fmt):
    from crm.services.company_export import export_csv, export_xlsx

    codes = offer_codes(app)
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.email == konsulent))
        create_company({
            "name": "=Formelfirma A/S", "cvr": CVR_A, "pnummer": "1234567890", "address": "Vestergade 7",
            "postcode": "7500", "city": "Holstebro", "industry_code": "C", "industry_text": "Metal",
            "size_band": "10-49", "website": "https://formel.dk", "phone": "+45 97 00 00 00",
            "email": "post@formel.dk", "description": "Laver; alt \"muligt\"\nogså linjeskift",
            "status": "partner", "offers": codes[:3], "tags": ["CSR", "-minus"], "konsulent_id": owner.id,
        })
        create_company({"name": "Lille Café", "postcode": "8000"})
        db.session.commit()
        originals = db.session.scalars(sa.select(Company).order_by(Company.name)).all()
        data = export_csv(originals) if fmt == "csv" else export_xlsx(originals)
        fields = ("name", "cvr", "pnummer", "address", "postcode", "city", "industry_code",
                  "industry_text", "size_band", "website", "phone", "email", "description", "status",
                  "tags", "konsulent_id")
        before = [tuple(getattr(c, f) for f in fields) + (c.offer_codes,) for c in originals]
        for company in originals:
            db.session.delete(company)
        db.session.commit()

    import_file(browser, data, f"eksport.{fmt}")
    with app.app_context():
        again = db.session.scalars(sa.select(Company).order_by(Company.name)).all()
        after = [tuple(getattr(c, f) for f in fields) + (c.offer_codes,) for c in again]
    assert after == before


# --- scale ------------------------------------------------------------------------------------

def _numbered_companies(count: int) -> bytes:
    return csv_bytes([[f"Firma {index} ApS", "", "8000", "", "", "", "", "emne"] for index in range(count)])


def _statements_for_import(app, count_queries, data: bytes) -> int:
    with app.app_context():
        parsed = parse_upload("virksomheder.csv", data)
        with count_queries() as counted:
            report = run_import(parsed, filename="f.csv")
            assert report.batch is not None
            db.session.commit()
        return counted["n"]


def test_statements_of_an_import_do_not_grow_with_its_rows(app, count_queries):
    few = _statements_for_import(app, count_queries, _numbered_companies(5))
    many = _statements_for_import(app, count_queries, csv_bytes(
        [[f"Andet {index} A/S", "", "8000", "", "", "", "", "emne"] for index in range(200)]))
    assert many == few


def test_statements_of_an_import_grow_by_a_constant_per_batch(app, count_queries, monkeypatch):
    monkeypatch.setattr(company_import, "BATCH_SIZE", 50)
    one_batch = _statements_for_import(app, count_queries, _numbered_companies(50))
    four_batches = _statements_for_import(app, count_queries, csv_bytes(
        [[f"Andet {index} A/S", "", "8000", "", "", "", "", "emne"] for index in range(200)]))
    assert four_batches - one_batch <= 3 * 6


def test_status_changed_by_an_import_is_kept_in_the_status_history(app, browser, konsulent):
    from crm.models import CompanyStatusChange

    company_id = add_company(app, name="Bageriet Aps", cvr=CVR_A)
    import_file(browser, csv_bytes([["Bageriet Aps", CVR_A, "8000", "", "", "", "", "dialog"]]))
    with app.app_context():
        moves = db.session.execute(sa.select(CompanyStatusChange.from_status, CompanyStatusChange.to_status)
                                   .where(CompanyStatusChange.company_id == company_id)
                                   .order_by(CompanyStatusChange.id)).all()
    assert [tuple(move) for move in moves] == [(None, "emne"), ("emne", "dialog")]


def test_an_import_that_updates_many_companies_writes_each_changed_value_and_only_those(app, make_user):
    """Rows that change different columns are written by column group (several rows per group, as
    PostgreSQL writes them in one UPDATE … FROM VALUES): every change lands, nothing else moves."""
    konsulent = make_user("konsulent")
    header = ["navn", "postnummer", "telefon", "tags", "branchekode", "stoerrelse", "status", "konsulent_email"]
    first = [[f"Firma {i} ApS", "8000", "11 11 11 11", "gammel", "C" if i % 2 else "", "10-49", "emne", ""]
             for i in range(6)]
    with app.app_context():
        assert run_import(parse_upload("a.csv", csv_bytes(first, header=header)), filename="a.csv").batch
        db.session.commit()
    second = [list(row) for row in first]
    for i in (0, 1, 2):
        second[i][2] = f"22 22 22 2{i}"  # the phone only
    for i in (3, 4):
        second[i][3:8] = ["ny|tag", "C", "50-249", "dialog", konsulent]  # tags, size, status, konsulent
    with app.app_context():
        report = run_import(parse_upload("b.csv", csv_bytes(second, header=header)), filename="b.csv")
        assert report.batch is not None and report.batch.updated_count == 5, report.errors
        db.session.commit()
        rows = {c.name: c for c in db.session.scalars(sa.select(Company))}
        assert [rows[f"Firma {i} ApS"].phone for i in range(3)] == ["22 22 22 20", "22 22 22 21", "22 22 22 22"]
        for i in (3, 4):
            company = rows[f"Firma {i} ApS"]
            assert (company.tags, company.industry_code, company.size_band, company.status,
                    company.konsulent.email) == (["ny", "tag"], "C", "50-249", "dialog", konsulent)
            assert company.phone == "11 11 11 11" and company.version == 2
        assert [rows[f"Firma {i} ApS"].industry_code for i in range(3)] == [None, "C", None]
        untouched = rows["Firma 5 ApS"]
        assert (untouched.version, untouched.tags, untouched.industry_code) == (1, ["gammel"], "C")


def test_an_import_changes_a_company_exactly_as_the_company_form_does(app):
    """The import checks an update on plain values (plan_update) and writes it in bulk; the form
    sets the same plan on the object. A rename, a move, new offers and a status move give the same
    columns either way (name key, sort key, place, offers, status history)."""
    from crm.models import CompanyStatusChange
    from crm.services.companies import company_profile

    codes = offer_codes(app)
    with app.app_context():
        first = {"name": "Bageriet ApS", "postcode": "8000", "address": "Søndergade 1", "offers": [codes[0]]}
        by_form = create_company({**first, "cvr": CVR_A})
        by_import = create_company({**first, "cvr": CVR_B})
        db.session.commit()
        ids = by_form.id, by_import.id
        changes = {"name": "Bagerhuset Århus ApS", "postcode": "8200", "address": "Ny Vej 2",
                   "offers": [codes[1]], "status": "dialog", "tags": ["ny"]}
        update_company(by_form, {**company_profile(by_form), **changes}, expected_version=1)
        db.session.commit()
        row = ["Bagerhuset Århus ApS", CVR_B, "8200", "Ny Vej 2", "", codes[1], "ny", "dialog"]
        report = run_import(parse_upload("f.csv", csv_bytes([row])), filename="f.csv")
        assert report.batch is not None and report.batch.updated_count == 1, report.errors
        db.session.commit()
        db.session.expunge_all()
        columns = ("name", "name_key", "sort_key", "postcode", "city", "address", "lat", "lon", "geo_precision",
                   "status", "tags", "version")
        form, imported = (db.session.get(Company, company_id) for company_id in ids)
        assert [getattr(imported, c) for c in columns] == [getattr(form, c) for c in columns]
        assert imported.name_key == "bagerhuset aarhus" and imported.version == 2
        assert imported.offer_codes == form.offer_codes == {codes[1]}
        moves = [db.session.execute(sa.select(CompanyStatusChange.from_status, CompanyStatusChange.to_status)
                                    .where(CompanyStatusChange.company_id == company_id)
                                    .order_by(CompanyStatusChange.id)).all() for company_id in ids]
        assert moves[0] == moves[1] == [(None, "emne"), ("emne", "dialog")]
        event = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "company.update", AuditEvent.object_id == str(ids[1]))).one()
        assert {"name", "postcode", "address", "offers", "status", "tags"} <= event.details.keys()


def test_a_company_saved_between_the_check_and_the_write_stops_the_import(app):
    """The write checks the version each company was read at; a save in between (here: while the
    import reports its progress after the check) is a conflict, and nothing of the file is kept."""
    import gc

    from crm.services import ConflictError

    with app.app_context():
        company_id = create_company({"name": "Bageriet ApS", "postcode": "8000", "cvr": CVR_A,
                                     "phone": "11 11 11 11"}).id
        db.session.commit()

    def progress(percent, _text):
        if percent == 70:  # checked, not yet written: someone else saves the company now
            db.session.execute(sa.update(Company.__table__).where(Company.__table__.c.id == company_id)
                               .values(version=Company.__table__.c.version + 1))

    rows = [["Bageriet ApS", CVR_A, "8000", "", "22 22 22 22", "", "", ""],
            ["Nyt Firma ApS", CVR_B, "8000", "", "", "", "", ""]]
    with app.app_context():
        with pytest.raises(ConflictError):
            run_import(parse_upload("f.csv", csv_bytes(rows)), filename="f.csv", progress=progress)
        assert gc.isenabled()  # the collector held during the check and write runs again
        db.session.commit()
        assert db.session.get(Company, company_id).phone == "11 11 11 11"
    assert count(app, Company) == 1
    assert count(app, ImportBatch) == 0


def test_the_garbage_collector_is_held_only_while_a_file_is_checked(app):
    import gc

    paused = []
    data = csv_bytes(TWO_COMPANIES)
    with app.app_context():
        company_import.preview_import(parse_upload("f.csv", data),
                                      progress=lambda *_args: paused.append(not gc.isenabled()))
        assert gc.isenabled()
        bad = run_import(parse_upload("f.csv", csv_bytes([["", "", "8000", "", "", "", "", ""]])), filename="f.csv")
        assert bad.batch is None and gc.isenabled()
        gc.disable()
        try:
            run_import(parse_upload("f.csv", data), filename="f.csv")
            assert not gc.isenabled()  # left as the caller had it
        finally:
            gc.enable()
        db.session.rollback()
    assert paused and all(paused)
