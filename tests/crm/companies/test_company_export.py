"""Export of the filtered company list to CSV and XLSX in the columns the import reads back."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm.extensions import db
from crm.models import AuditEvent
from crm.services.companies import create_company
from crm.services.company_export import EXPORT_COLUMNS, neutralize

HEADERS = ["navn", "cvr", "pnummer", "adresse", "postnummer", "by", "branchekode", "branche", "stoerrelse",
           "hjemmeside", "telefon", "email", "beskrivelse", "status", "tilbud", "tags", "konsulent_email"]


@pytest.fixture
def konsulent(browser, make_user):
    email = make_user("konsulent")
    browser.login(email)
    browser.email = email
    return browser


@pytest.fixture
def companies(app, konsulent):
    from crm.models import User

    with app.app_context():
        konsulent_id = db.session.scalar(sa.select(User.id).where(User.email == konsulent.email))
        create_company({"name": "Hansens Bageri", "postcode": "8000", "cvr": "12345674", "status": "partner",
                        "address": "Søndergade 1", "industry_code": "C", "offers": ["mentor", "flexjob"],
                        "tags": ["CSR-pris 2024", "Morgenhold"], "konsulent_id": konsulent_id,
                        "phone": "+45 12 34 56 78", "description": "=HYPERLINK(\"http://x\")"})
        create_company({"name": "Netto Holstebro", "postcode": "7500"})
        db.session.commit()


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Danish Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_export_columns_are_the_agreed_headers():
    assert list(EXPORT_COLUMNS) == HEADERS


def test_csv_export_has_headers_and_only_the_filtered_companies(konsulent, companies):
    response = konsulent.get("/virksomheder/eksport.csv?status=partner")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == ["Hansens Bageri"]


def test_csv_export_holds_the_company_fields(konsulent, companies):
    row = dict(zip(HEADERS, read_csv(konsulent.get("/virksomheder/eksport.csv?status=partner"))[1],
                   strict=True))
    assert row["cvr"] == "12345674" and row["postnummer"] == "8000" and row["by"] == "Aarhus C"
    assert row["status"] == "Partner" and row["branchekode"] == "C"
    assert row["tilbud"] == "Mentor på arbejdspladsen|Fleksjob muligt"
    assert row["tags"] == "CSR-pris 2024|Morgenhold"
    assert row["konsulent_email"] == konsulent.email


def test_csv_export_neutralises_formula_cells(konsulent, companies):
    row = dict(zip(HEADERS, read_csv(konsulent.get("/virksomheder/eksport.csv?status=partner"))[1],
                   strict=True))
    assert row["beskrivelse"] == "'=HYPERLINK(\"http://x\")"
    assert row["telefon"] == "'+45 12 34 56 78"


def test_xlsx_export_has_headers_filtered_companies_and_neutralised_cells(konsulent, companies):
    response = konsulent.get("/virksomheder/eksport.xlsx?q=hasnens+bageri")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = read_xlsx(response)
    assert list(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == ["Hansens Bageri"]
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["beskrivelse"] == "'=HYPERLINK(\"http://x\")"
    assert row["tilbud"] == "Mentor på arbejdspladsen|Fleksjob muligt"


def test_export_without_filters_holds_every_company(konsulent, companies):
    assert len(read_csv(konsulent.get("/virksomheder/eksport.csv"))) == 3


def test_export_is_audited(app, konsulent, companies):
    konsulent.get("/virksomheder/eksport.csv?status=partner")
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "company.export"))
        assert event.details["count"] == 1 and event.details["format"] == "csv"


def test_export_with_bad_filters_is_refused(konsulent):
    response = konsulent.get("/virksomheder/eksport.csv?radius=5")
    assert response.status_code == 400
    assert "Angiv et postnummer" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["=1+1", "+45", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_neutralize_prefixes_formula_starts(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["Hansens Bageri", "", "12345674", "a=b"])
def test_neutralize_keeps_plain_text(value):
    assert neutralize(value) == value
