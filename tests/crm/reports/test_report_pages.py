"""The dashboard, drill-downs, exports and printable page: same numbers everywhere, masked for non-admins."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, User
from crm.models.programme import OutcomeKind as K
from crm.services import reports
from crm.services.reports import full_weeks_window
from crm.timeutil import today
from tests.crm.reports.report_tables import page_tables, row_by_label


def _setup(make_user, make_borger, make_programme, add_outcome, *, n=3, label_outcome="job_or_education"):
    pid = make_programme(targets=[(label_outcome, "share", 60), ("praktik", "count", 25)])
    vejleder = make_user("vejleder")
    borgere = [make_borger(vejleder, programme_id=pid, first_name=f"Borger{i}") for i in range(n)]
    add_outcome(borgere[0], pid, K.ORDINARY_JOB_START)
    add_outcome(borgere[0], pid, K.FIRST_EMPLOYER_CONTACT, days_ago=20)
    return pid, vejleder, borgere


def _tables(browser, url):
    response = browser.get(url)
    assert response.status_code == 200
    return page_tables(response.get_data(as_text=True))


def test_admin_sees_exact_small_counts(browser, make_user, make_borger, make_programme, add_outcome):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("admin"))
    tables = _tables(browser, f"/indsatser/{pid}")
    assert row_by_label(tables["overblik"], "Indskrevne borgere")[1] == "3"
    assert row_by_label(tables["maal"], "Mål job_or_education")[1:3] == ["33,3 %", "1"]


def test_konsulent_sees_small_counts_masked(browser, make_user, make_borger, make_programme, add_outcome):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("konsulent"))
    tables = _tables(browser, f"/indsatser/{pid}")
    assert row_by_label(tables["overblik"], "Indskrevne borgere")[1] == "<5"
    assert row_by_label(tables["overblik"], "Fase: Udvikling")[1] == "0"
    assert row_by_label(tables["maal"], "Mål job_or_education")[1:3] == ["–", "<5"]
    assert row_by_label(tables["maal"], "Mål job_or_education")[-1] == "–"


def test_vejleder_sees_masked_aggregates_on_the_dashboard_too(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, vejleder, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(vejleder)
    tables = _tables(browser, f"/indsatser/{pid}")
    assert row_by_label(tables["overblik"], "Indskrevne borgere")[1] == "<5"


def test_counts_of_five_or_more_are_shown_to_everyone(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome, n=6)
    browser.login(make_user("konsulent"))
    tables = _tables(browser, f"/indsatser/{pid}")
    assert row_by_label(tables["overblik"], "Indskrevne borgere")[1] == "6"


def test_dashboard_shows_fidelity_figures_and_a_chart_with_its_table(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("admin"))
    response = browser.get(f"/indsatser/{pid}")
    html = response.get_data(as_text=True)
    tables = page_tables(html)
    assert (
        row_by_label(tables["fidelity"], "Dage fra indskrivning til første arbejdsgiverkontakt (median)")[1]
        == "40"
    )
    assert row_by_label(tables["fidelity"], "Konkurrenceudsatte job blandt jobstarter")[1] == "100 %"
    assert "<svg" in html and 'role="img"' in html and "style=" not in html
    assert len(tables["udvikling"]) == 13  # header + 12 months


def test_drill_down_names_only_the_viewers_own_borgere(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, vejleder, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    other = make_user("vejleder")
    make_borger(other, programme_id=pid, first_name="Fremmed")
    browser.login(vejleder)
    html = browser.get(f"/indsatser/{pid}/figur/enrolled").get_data(as_text=True)
    assert "Borger0" in html and "Fremmed" not in html
    assert "Andre borgere: &lt;5" in html


def test_konsulent_drill_down_shows_only_a_masked_count(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("konsulent"))
    html = browser.get(f"/indsatser/{pid}/figur/enrolled").get_data(as_text=True)
    assert "Borger0" not in html
    assert '<strong class="figure-total">&lt;5</strong>' in html


def test_the_teamleder_drill_down_names_the_programmes_borgere(app, browser, make_user, make_borger,
                                                               make_programme, add_outcome):
    from crm.services.users import set_led_programmes

    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    teamleder = make_user("teamleder")
    with app.app_context():
        set_led_programmes(db.session.scalar(sa.select(User).where(User.email == teamleder)), [pid])
        db.session.commit()
    browser.login(teamleder)
    html = browser.get(f"/indsatser/{pid}/figur/no_contact").get_data(as_text=True)
    assert "Borger1" in html and "Borger2" in html and "Borger0" not in html


def test_the_admin_drill_down_counts_but_names_no_borger(browser, make_user, make_borger, make_programme,
                                                         add_outcome):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("admin"))
    html = browser.get(f"/indsatser/{pid}/figur/no_contact").get_data(as_text=True)
    assert "Borger1" not in html and "Borger2" not in html
    assert '<strong class="figure-total">2</strong>' in html  # full figures, no names


def test_a_teamleder_sees_full_figures_only_for_the_programmes_they_lead(app, browser, make_user, make_borger,
                                                                        make_programme, make_teamleder):
    led_pid = make_programme("Din vej i job")
    other_pid = make_programme("Futurum")
    for pid in (led_pid, other_pid):
        make_borger(make_user("vejleder"), programme_id=pid)
    teamleder, _ = make_teamleder(programme="Din vej i job")
    browser.login(teamleder)
    assert '<strong class="figure-total">1</strong>' in browser.get(
        f"/indsatser/{led_pid}/figur/enrolled").get_data(as_text=True)
    assert '<strong class="figure-total">&lt;5</strong>' in browser.get(
        f"/indsatser/{other_pid}/figur/enrolled").get_data(as_text=True)


def test_unknown_figure_is_404(browser, make_user, make_programme):
    pid = make_programme()
    browser.login(make_user("admin"))
    assert browser.get(f"/indsatser/{pid}/figur/whatever").status_code == 404
    assert browser.get("/indsatser/999").status_code == 404


@pytest.mark.parametrize("key", ["enrolled:1", "phase:nonsense", "target:99999", "contacts:1", "retained_14"])
def test_a_figure_key_that_names_nothing_is_404(browser, make_user, make_programme, key):
    pid = make_programme(targets=[("praktik", "count", 25)])
    browser.login(make_user("admin"))
    assert browser.get(f"/indsatser/{pid}/figur/{key}").status_code == 404


def test_every_drill_down_link_on_the_dashboard_opens(browser, make_user, make_borger, make_programme, add_outcome):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("admin"))
    html = browser.get(f"/indsatser/{pid}").get_data(as_text=True)
    links = set(re.findall(rf'href="(/indsatser/{pid}/(?:figur|kontakter)/[^"]+)"', html))
    kinds = {link.rsplit("/", 1)[1].split(":")[0] for link in links if "/figur/" in link}
    assert kinds == set(reports.Drill) - {reports.Drill.CONTACTS}
    assert any("/kontakter/" in link for link in links)
    for link in links:
        assert browser.get(link).status_code == 200, link


def test_xlsx_export_opens_with_openpyxl_and_holds_the_same_numbers_as_the_page(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("admin"))
    page = _tables(browser, f"/indsatser/{pid}")
    response = browser.get(f"/indsatser/{pid}/eksport.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    sheets = {
        ws.title: [[_as_read(c) for c in row] for row in ws.iter_rows(values_only=True)]
        for ws in workbook.worksheets
    }
    workbook.close()
    assert sheets["Overblik"] == _as_stored(page["overblik"])
    assert sheets["Mål"] == _as_stored(page["maal"])
    assert sheets["IPS-fidelity"] == _as_stored(page["fidelity"])
    assert sheets["Resultater pr. måned"] == _as_stored(page["udvikling"])


def _rounded(value):
    return round(value, 9) if isinstance(value, float) else value


def _as_read(value):
    """A cell as the page's table reads (its whitespace, the no-break space in "45 %" too, as one space)."""
    if value is None:
        return ""
    return " ".join(value.split()) if isinstance(value, str) else _rounded(value)


def _as_stored(rows):
    """The page's cells as the XLSX stores them: "20" → 20, "6,5" → 6.5, "45 %" → 0.45, text as text."""
    def stored(text):
        found = re.fullmatch(r"(\d+)(?:,(\d+))?( %)?", text)
        if found is None:
            return text
        value = float(f"{found[1]}.{found[2]}") if found[2] else int(found[1])
        return _rounded(value / 100) if found[3] else value

    header, *body = rows
    return [header, *([row[0], *map(stored, row[1:])] for row in body)]


def test_xlsx_export_stores_numbers_as_numbers(browser, make_user, make_borger, make_programme, add_outcome):
    """Issue 16: the dashboard XLSX stored "20" and "45 %" as text; a spreadsheet could not add them up."""
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("admin"))
    workbook = openpyxl.load_workbook(io.BytesIO(browser.get(f"/indsatser/{pid}/eksport.xlsx").data))
    cells = [cell for ws in workbook.worksheets for row in ws.iter_rows(min_row=2) for cell in row[1:]]
    numbers = [cell for cell in cells if isinstance(cell.value, int | float)]
    assert numbers and all(cell.data_type == "n" for cell in numbers)
    assert not any(isinstance(cell.value, str) and re.fullmatch(r"\d+(,\d+)?([ \N{NO-BREAK SPACE}]%)?", cell.value)
                   for cell in cells)
    percents = [cell for cell in numbers if cell.number_format == "0.0%"]
    assert percents and all(0 <= cell.value <= 1 for cell in percents)


def test_csv_export_is_semicolon_utf8_with_bom_and_holds_the_same_numbers(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("konsulent"))
    page = _tables(browser, f"/indsatser/{pid}")
    response = browser.get(f"/indsatser/{pid}/eksport.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    overview = [r[1:] for r in rows if r[0] == "Overblik"]
    assert overview == page["overblik"]
    assert ["Indskrevne borgere", "<5"] in overview


def test_export_is_audited(app, browser, make_user, make_programme):
    pid = make_programme()
    browser.login(make_user("admin"))
    browser.get(f"/indsatser/{pid}/eksport.csv")
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "programme.export"))
        assert event.details == {"format": "csv", "masked": False}


def test_export_neutralises_formula_cells(app, browser, make_user, make_programme):
    pid = make_programme(targets=[("praktik", "count", 5)])
    with app.app_context():
        from crm.models import Programme

        db.session.get(Programme, pid).targets[0].label = '=HYPERLINK("http://x")'
        db.session.commit()
    browser.login(make_user("admin"))
    data = browser.get(f"/indsatser/{pid}/eksport.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    workbook = openpyxl.load_workbook(io.BytesIO(browser.get(f"/indsatser/{pid}/eksport.xlsx").data))
    assert workbook["Mål"]["A2"].value.startswith("'=")


def test_unknown_export_format_is_404(browser, make_user, make_programme):
    pid = make_programme()
    browser.login(make_user("admin"))
    assert browser.get(f"/indsatser/{pid}/eksport.pdf").status_code == 404


def test_print_page_uses_the_print_stylesheet_and_masks_like_the_page(
    browser, make_user, make_borger, make_programme, add_outcome
):
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    browser.login(make_user("konsulent"))
    html = browser.get(f"/indsatser/{pid}/print").get_data(as_text=True)
    assert "css/print.css" in html
    assert row_by_label(page_tables(html)["overblik"], "Indskrevne borgere")[1] == "<5"
    with browser.get("/static/css/print.css") as response:
        assert b"@media print" in response.data


def test_programme_list_shows_masked_enrolment_to_non_admins(browser, make_user, make_borger, make_programme):
    pid = make_programme("Futurum")
    make_borger(make_user("vejleder"), programme_id=pid)
    browser.login(make_user("konsulent"))
    html = browser.get("/indsatser").get_data(as_text=True)
    assert "Futurum" in html and "&lt;5" in html


def test_contacts_drill_down_lists_entries_only_for_admin_and_the_vejleder(
    browser, make_user, make_borger, make_programme, make_company, add_contact, user_id
):
    from crm.services.reports import full_weeks_window

    pid = make_programme()
    vejleder = make_user("vejleder")
    make_borger(vejleder, programme_id=pid)
    first, _ = full_weeks_window(today(), 4)
    add_contact(user_id(vejleder), make_company("Bageriet ApS"), first + timedelta(days=2))
    url = f"/indsatser/{pid}/kontakter/{user_id(vejleder)}"
    browser.login(vejleder)
    assert "Bageriet ApS" in browser.get(url).get_data(as_text=True)
    browser.logout()
    browser.login(make_user("konsulent"))
    html = browser.get(url).get_data(as_text=True)
    assert "Bageriet ApS" not in html and "<strong>1</strong>" in html
    browser.logout()
    browser.login(make_user("teamleder"))  # leads no programme
    assert "Bageriet ApS" not in browser.get(url).get_data(as_text=True)


def test_dashboard_runs_as_many_queries_for_eight_vejledere_as_for_two(
    browser, make_user, make_borger, make_programme, make_company, add_contact, user_id, count_queries
):
    pid = make_programme()
    company = make_company()
    admin = make_user("admin")
    browser.login(admin)

    def add_vejleder():
        vejleder = make_user("vejleder")
        make_borger(vejleder, programme_id=pid)
        add_contact(user_id(vejleder), company, today() - timedelta(days=8))

    def queries():
        with count_queries() as counted:
            assert browser.get(f"/indsatser/{pid}").status_code == 200
        return counted["n"]

    for _ in range(2):
        add_vejleder()
    two = queries()
    for _ in range(6):
        add_vejleder()
    assert queries() == two


def test_dashboard_lists_the_first_vejledere_below_the_goal_first_and_the_export_lists_all(
    browser, make_user, make_borger, make_programme, make_company, add_contact, user_id, monkeypatch
):
    monkeypatch.setattr("crm.services.reports.DASHBOARD_VEJLEDER_ROWS", 2)
    pid = make_programme()
    company = make_company()
    first, _ = full_weeks_window(today(), 4)
    for name, contacts in (("Anna", 24), ("Bo", 24), ("Cai", 0), ("Dea", 30)):
        vejleder = make_user("vejleder", name=name)
        make_borger(vejleder, programme_id=pid)
        for i in range(contacts):
            add_contact(user_id(vejleder), company, first + timedelta(days=i % 28))
    browser.login(make_user("admin"))
    html = browser.get(f"/indsatser/{pid}").get_data(as_text=True)
    page = page_tables(html)
    assert [row[0] for row in page["kontakter"][1:]] == ["Cai", "Anna"]  # below the goal first, then by name
    assert "Viser 2 af 4 vejledere" in html
    exported = browser.get(f"/indsatser/{pid}/eksport.csv").get_data(as_text=True)
    assert all(name in exported for name in ("Anna", "Bo", "Cai", "Dea"))


def test_export_of_a_big_programme_is_a_job_and_the_file_is_kept_from_one_who_lost_the_exact_counts(
    app, browser, make_user, make_borger, make_programme, add_outcome, monkeypatch, run_jobs
):
    monkeypatch.setattr("crm.reports.routes.REPORT_EXPORT_INLINE_BORGERE", 2)
    pid, _, _ = _setup(make_user, make_borger, make_programme, add_outcome)
    admin = make_user("admin")
    browser.login(admin)
    page = _tables(browser, f"/indsatser/{pid}")
    response = browser.get(f"/indsatser/{pid}/eksport.csv")
    assert response.status_code == 302
    job_page = response.headers["Location"]
    run_jobs()
    assert "er klar" in browser.get(job_page).get_data(as_text=True)
    data = browser.get(f"{job_page}/fil").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert [r[1:] for r in rows if r[0] == "Overblik"] == page["overblik"]
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == admin).values(role="konsulent"))
        db.session.commit()
    assert browser.get(f"{job_page}/fil").status_code == 403  # the file has counts a konsulent may not see
