"""The company pages, the import's messages and the export in English (the ``sprog`` cookie), and an
English export that imports back like a Danish one."""

import csv
import io

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company
from crm.services.companies import create_company
from crm.services.company_import import parse_upload

# Valid CVR-numre (modulus 11).
CVR_A, CVR_B = "10283981", "10333369"
ENGLISH_HEADERS = ["name", "cvr", "p_number", "address", "postcode", "city", "industry_code", "industry", "size",
                   "website", "phone", "email", "description", "status", "offers", "tags", "konsulent_email"]


@pytest.fixture
def konsulent(browser, make_user, run_jobs):
    browser.login(make_user("konsulent"))
    browser.client.set_cookie("sprog", "en")
    browser.run_jobs = run_jobs
    return browser


@pytest.fixture
def register(app):
    with app.app_context():
        create_company({"name": "Hansens Bageri", "postcode": "8000", "cvr": CVR_A, "status": "partner"})
        create_company({"name": "Netto Holstebro", "postcode": "7500"})
        db.session.commit()


def text_of(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_company_list_is_in_english(konsulent, register):
    page = text_of(konsulent.get("/virksomheder/"))
    assert "<h1>Companies</h1>" in page
    assert "New company" in page and "Show on map" in page
    assert "2 companies" in page
    assert "Days since contact" in page and "Never" in page
    assert "Ny virksomhed" not in page and "Aldrig" not in page


def test_status_labels_follow_the_language(konsulent, register):
    page = text_of(konsulent.get("/virksomheder/?status=emne"))
    assert "1 company" in page
    assert ">Lead<" in page and ">Emne<" not in page


def test_import_row_error_is_in_english(konsulent):
    rows = [["name", "cvr", "postcode"], ["Good Company", CVR_B, "8000"], ["Bad Company", "12345678", "8000"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    upload = konsulent.post_form("/virksomheder/import", {"file": (io.BytesIO(buffer.getvalue().encode()), "x.csv")})
    assert upload.status_code == 302
    konsulent.run_jobs()  # the preview is a job: it answers in the language of the request that queued it
    page = text_of(konsulent.get("/virksomheder/import/forhaandsvisning"))
    assert "Row 3: The CVR number is not valid (8 digits with a correct check digit). Column: cvr." in page
    assert "Nothing is imported until every row is in order." in page
    assert "Række" not in page


def test_unreadable_import_file_is_refused_in_english(konsulent):
    response = konsulent.post_form("/virksomheder/import", {"file": (io.BytesIO(b"PK\x03\x04 binary"), "x.csv")})
    assert "The file is not a CSV file (it contains binary data)." in text_of(response)


def test_csv_export_header_row_is_in_english(konsulent, register):
    response = konsulent.get("/virksomheder/eksport.csv")
    rows = csv_rows(response.get_data())
    assert rows[0] == ENGLISH_HEADERS
    statuses = {row[0]: row[13] for row in rows[1:]}
    assert statuses == {"Hansens Bageri": "Partner", "Netto Holstebro": "Lead"}


def test_export_run_as_a_job_keeps_the_language_of_the_request(konsulent, register, monkeypatch):
    monkeypatch.setattr("crm.companies.listing.COMPANY_EXPORT_INLINE_ROWS", 1)
    response = konsulent.get("/virksomheder/eksport.csv")
    assert response.status_code == 302 and "/koersel/" in response.headers["Location"]
    job_page = response.headers["Location"]
    konsulent.run_jobs()
    rows = csv_rows(konsulent.get(f"{job_page}/fil").get_data())
    assert rows[0] == ENGLISH_HEADERS


def test_english_export_imports_back_without_unknown_columns(app, konsulent, register):
    data = konsulent.get("/virksomheder/eksport.csv").get_data()
    konsulent.client.set_cookie("sprog", "da")  # a Danish reader imports the English file
    with app.app_context():
        parsed = parse_upload("export.csv", data)
        names = db.session.scalars(sa.select(Company.name).order_by(Company.name)).all()
    assert parsed.unknown_columns == []
    by_name = {values["navn"]: values for _, values in parsed.rows}
    assert sorted(by_name) == names
    assert by_name["Netto Holstebro"]["status"] == "Lead"
    konsulent.post_form("/virksomheder/import", {"file": (io.BytesIO(data), "export.csv")})
    konsulent.run_jobs()
    page = text_of(konsulent.get("/virksomheder/import/forhaandsvisning"))
    assert "0 oprettes, 0 opdateres, 2 er uændrede og 0 afvises." in page
