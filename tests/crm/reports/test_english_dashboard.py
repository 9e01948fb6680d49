"""The dashboard and its exports in English: English headings, English numbers and percentages,
and an XLSX that still stores the numbers as numbers."""

import csv
import io
import re

import openpyxl
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Programme
from crm.models.programme import OutcomeKind as K
from tests.crm.reports.report_tables import page_tables, row_by_label


def _english_admin(browser, make_user):
    browser.login(make_user("admin"))
    browser.client.set_cookie("sprog", "en")


def _programme(make_user, make_borger, make_programme, add_outcome) -> int:
    pid = make_programme(targets=[("job_or_education", "share", 60), ("praktik", "count", 25)])
    vejleder = make_user("vejleder")
    borgere = [make_borger(vejleder, programme_id=pid, first_name=f"Borger{i}") for i in range(3)]
    add_outcome(borgere[0], pid, K.ORDINARY_JOB_START)
    add_outcome(borgere[0], pid, K.FIRST_EMPLOYER_CONTACT, days_ago=20)
    return pid


def test_dashboard_in_english_has_english_headings_numbers_and_percentages(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid = _programme(make_user, make_borger, make_programme, add_outcome)
    _english_admin(browser, make_user)
    html = browser.get(f"/indsatser/{pid}").get_data(as_text=True)
    tables = page_tables(html)
    assert row_by_label(tables["overblik"], "Enrolled borgere")[1] == "3"
    assert tables["maal"][0] == ["Target", "Result", "Borgere", "Goal", "Expected by now", "Status"]
    # The target's own label is data (typed in Danish); its figures are written the English way.
    assert row_by_label(tables["maal"], "Mål job_or_education")[1:4] == ["33.3%", "1", "≥ 60%"]
    fidelity = tables["fidelity"]
    assert row_by_label(fidelity, "Competitive jobs among job starts")[1] == "100%"
    assert row_by_label(fidelity, "Competitive jobs among job starts")[4] == "≥ 95%"
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", row[0]) for row in tables["udvikling"][1:])
    assert "Download as Excel (XLSX)" in html and "Opfyldt" not in html


def test_dashboard_xlsx_in_english_has_english_headers_and_numbers_as_numbers(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid = _programme(make_user, make_borger, make_programme, add_outcome)
    _english_admin(browser, make_user)
    workbook = openpyxl.load_workbook(io.BytesIO(browser.get(f"/indsatser/{pid}/eksport.xlsx").data))
    assert workbook.sheetnames[:3] == ["Overview", "Targets", "Results per month"]
    targets = list(workbook["Targets"].iter_rows(values_only=True))
    assert targets[0] == ("Target", "Result", "Borgere", "Goal", "Expected by now", "Status")
    share = next(row for row in targets if row[0] == "Mål job_or_education")
    assert share[1] == 0.333 and share[2] == 1  # "33.3%" and "1" stored as numbers
    cell = next(c for c in workbook["Targets"]["B"] if c.value == 0.333)
    assert cell.number_format == "0.0%"


def test_dashboard_csv_in_english_has_english_headers_and_commas(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid = _programme(make_user, make_borger, make_programme, add_outcome)
    _english_admin(browser, make_user)
    text = browser.get(f"/indsatser/{pid}/eksport.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Overview", "Figure", "Number of borgere"]
    assert ["Targets", "Mål job_or_education", "33.3%", "1", "≥ 60%"] == rows[next(
        i for i, row in enumerate(rows) if row[:2] == ["Targets", "Mål job_or_education"])][:5]


def test_programme_form_in_english_says_so_in_english_and_stores_the_target_label_in_danish(
    app, browser, make_user
):
    from tests.crm.reports.test_programmes_admin import FORM

    _english_admin(browser, make_user)
    refused = browser.post_form("/indsatser/ny", {**FORM, "ends_on": "2024-01-01"}).get_data(as_text=True)
    assert "The end date must be after the start date." in refused
    done = browser.post_form("/indsatser/ny", FORM, follow_redirects=True).get_data(as_text=True)
    assert "The programme Ny vej is created." in done
    with app.app_context():
        programme = db.session.scalar(sa.select(Programme))
        # A target without a wording of its own is named by its outcome: stored data, so in Danish.
        assert [t.label for t in programme.targets] == ["Job eller uddannelse", "Praktik"]
