"""The revision log an admin uses (issue 16, capability 7): filters by user, borger, company, action
and period; Danish labels for every action; details as text; export as XLSX or CSV (a job when big);
borgere only by reference."""

import ast
import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm.extensions import db
from crm.models import AuditEvent, Borger, User
from crm.services.audit import ACTION_LABELS, record_event
from crm.services.borger_rights import erase_borger
from crm.services.companies import create_company
from crm.services.contacts import create_task
from crm.timeutil import local_to_utc, today, utcnow

ROOT = Path(__file__).resolve().parents[3]
LOG = "/admin/revisionslog"


# --- one mapping of labels ----------------------------------------------------------------------

def _action_codes_in_the_code() -> dict[str, str]:
    """Every action code passed to record_event anywhere in crm/ → where (a non-literal action fails)."""
    codes = {}
    for path in sorted((ROOT / "crm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
                    == "record_event"):
                continue
            action = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "action")
            options = [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for option in options:
                assert isinstance(option, ast.Constant) and isinstance(option.value, str), (
                    f"{where}: the action must be a literal, so the label test can see it")
                codes[option.value] = where
    return codes


def test_every_audit_action_in_the_code_has_a_danish_label():
    codes = _action_codes_in_the_code()
    assert len(codes) > 50
    missing = {code: where for code, where in codes.items() if code not in ACTION_LABELS}
    assert not missing, f"actions without a Danish label in crm/services/audit.py ACTION_LABELS: {missing}"


def test_no_label_is_kept_for_an_action_nothing_records():
    assert set(ACTION_LABELS) - set(_action_codes_in_the_code()) == set()


def test_every_borger_page_in_the_code_has_a_danish_label():
    """The page a borger was read or changed on (``page="match"`` in an audit call) is shown in words."""
    from crm.services.audit_log import PAGE_LABELS

    pages = set()
    for path in sorted((ROOT / "crm").rglob("*.py")):
        pages |= set(re.findall(r"""(?:\bpage=|["']page["']: )["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert {"match", "match_print", "attachment"} <= pages
    assert pages - set(PAGE_LABELS) == set()


def test_the_labels_read_as_the_issue_asks():
    assert ACTION_LABELS["login.success"] == "Login"
    assert ACTION_LABELS["company.merge"] == "Virksomheder flettet"


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def admin(browser, make_user):
    email = make_user("admin", name="Anna Admin")
    browser.login(email)
    return browser


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture
def history(app, make_user, make_borger):
    """A konsulent who made two companies, a vejleder with a borger, and a task about the borger."""
    konsulent_email = make_user("konsulent", name="Karl Konsulent")
    vejleder_email = make_user("vejleder", name="Vera Vejleder")
    borger_id = make_borger(vejleder_email, first_name="Mette")
    with app.app_context():
        konsulent = _user(konsulent_email)
        bageri = create_company({"name": "Hansens Bageri ApS", "postcode": "8000", "cvr": "10000009"},
                                actor=konsulent)
        create_company({"name": "Smedien A/S", "postcode": "7500"}, actor=konsulent)
        vejleder = _user(vejleder_email)
        create_task(title="Ring til Mette om praktikken", due=today() + timedelta(days=3), assignee_id=vejleder.id,
                    actor=vejleder)
        db.session.commit()
        reference = db.session.get(Borger, borger_id).reference
        return {"konsulent": konsulent.id, "vejleder": vejleder.id, "borger_id": borger_id,
                "reference": reference, "bageri": bageri.id}


def _rows(html: str) -> list[str]:
    body = html.split('<table class="table audit-log">', 1)
    if len(body) == 1:
        return []
    return [row.split("</tr>")[0] for row in body[1].split("<tbody>")[1].split("<tr")[1:]]


def _actions(html: str) -> list[str]:
    return [row.split('data-action="')[1].split('"')[0] for row in _rows(html)]


# --- the page ---------------------------------------------------------------------------------------

def test_the_log_shows_danish_labels_and_details_as_text(admin, history):
    html = admin.get(LOG).get_data(as_text=True)
    assert "Login" in html and "Virksomheden oprettet" in html and "Borger oprettet" in html
    assert "Virksomhed: Hansens Bageri ApS" in html and "CVR: 10000009" in html
    assert "Vejleder: Vera Vejleder" in html  # an id in the details is a name
    assert "Karl Konsulent" in html and "(Virksomhedskonsulent)" in html
    shown = " ".join(re.sub(r"<[^>]+>", " ", "<tr" + row) for row in _rows(html))  # the cells' text
    assert "Login" in shown
    for code_or_dict in ("{", "[", "':", "company.create", "login.success", "True", "None", "_id"):
        assert code_or_dict not in shown


def test_a_borger_is_shown_by_reference_only_and_a_task_title_never(admin, history):
    html = admin.get(LOG).get_data(as_text=True)
    assert f"Borger {history['reference']}" in html
    assert "Mette" not in html  # neither the name nor the task's title that names her


def test_an_erased_borger_shows_as_erased(app, admin, history):
    with app.app_context():
        erase_borger(db.session.get(Borger, history["borger_id"]), actor=None, reason="request")
        db.session.commit()
    html = admin.get(LOG).get_data(as_text=True)
    assert "Slettet borger" in html and "Årsag: Borgerens anmodning" in html
    assert history["reference"] not in html


def test_filter_by_user(admin, history):
    html = admin.get(f"{LOG}?user={history['konsulent']}").get_data(as_text=True)
    assert _actions(html) == ["company.create", "company.create"]


def test_filter_by_borger_reference_in_any_case(admin, history):
    html = admin.get(f"{LOG}?borger={history['reference'].lower()}").get_data(as_text=True)
    assert _actions(html) == ["borger.create"]


@pytest.mark.parametrize("company", ["Hansens Bageri ApS", "hansens bageri aps", "10000009"])
def test_filter_by_company_name_or_cvr(admin, history, company):
    html = admin.get(LOG, query_string={"company": company}).get_data(as_text=True)
    assert _actions(html) == ["company.create"]
    assert "Hansens Bageri ApS" in html and "Smedien" not in html


def test_filter_by_action(admin, history):
    html = admin.get(f"{LOG}?action=task.create").get_data(as_text=True)
    assert _actions(html) == ["task.create"]
    assert "Opgave oprettet" in html


def test_filter_by_period_in_danish_days(app, admin, history):
    # 23:30 UTC on 9 March is 00:30 on 10 March in Denmark: it belongs to the 10th. (Years before the
    # suite's clock, so the fixture's own events never fall in the period.)
    past = [(datetime(2020, 3, 9, 23, 30), "weights.fit"), (datetime(2020, 3, 8, 12, 0), "weights.adopt")]
    with app.app_context():
        for at, action in past:
            event = record_event(action, "match_weights", None)
            event.at = at
        db.session.commit()
    html = admin.get(f"{LOG}?since=2020-03-10&until=2020-03-10").get_data(as_text=True)
    assert _actions(html) == ["weights.fit"]
    html = admin.get(f"{LOG}?since=2020-03-08&until=2020-03-09").get_data(as_text=True)
    assert _actions(html) == ["weights.adopt"]
    html = admin.get(f"{LOG}?until=2020-12-31").get_data(as_text=True)
    assert _actions(html) == ["weights.fit", "weights.adopt"]


@pytest.mark.parametrize(("query", "message"), [
    ("user=abc", "Ugyldigt valg."),
    ("user=999999", "Ugyldigt valg."),
    ("action=drop.table", "Ugyldigt valg."),
    ("borger=B-NOPE", "Ingen borger har referencen «B-NOPE»."),
    ("company=Findes+ikke", "Ingen virksomhed hedder «Findes ikke» eller har det CVR-nummer."),
    ("since=2026-13-01", "Angiv en gyldig dato."),
    ("since=0001-01-01", "Angiv en dato mellem"),
    ("since=2026-03-10&until=2026-03-01", "Til-datoen skal være samme dag som fra-datoen eller senere."),
])
def test_bad_filters_get_a_danish_message_not_a_server_error(admin, history, query, message):
    response = admin.get(f"{LOG}?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "Ret filtrene ovenfor" in html


def test_the_pages_keep_the_filters(app, admin, history):
    with app.app_context():
        for _ in range(55):
            record_event("weights.fit", "match_weights", None, details={"suggest": False, "outcomes": 3})
        db.session.commit()
    html = admin.get(f"{LOG}?action=weights.fit").get_data(as_text=True)
    assert "55 hændelser" in html and "Side 1 af 2" in html
    assert "page=2&amp;action=weights.fit" in html or "action=weights.fit&amp;page=2" in html
    second = admin.get(f"{LOG}?action=weights.fit&page=2").get_data(as_text=True)
    assert _actions(second) == ["weights.fit"] * 5
    assert "Forslag: nej" in second and "Udfald: 3" in second


def test_only_an_admin_reads_the_log(browser, make_user):
    browser.login(make_user("teamleder"))
    assert browser.get(LOG).status_code == 403
    assert browser.get(f"{LOG}/eksport.xlsx").status_code == 403


# --- export -----------------------------------------------------------------------------------------

def test_the_xlsx_export_has_dates_as_dates_and_numbers_as_numbers(app, admin, history):
    response = admin.get(f"{LOG}/eksport.xlsx?user={history['konsulent']}")
    assert response.status_code == 200 and "revisionslog-" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Tidspunkt", "Bruger", "Rolle", "Handling")
    assert len(rows) == 3
    first = rows[1]
    assert isinstance(first[0], datetime)
    assert abs(local_to_utc(first[0]) - utcnow()) < timedelta(hours=1)
    assert first[1] == "Karl Konsulent" and first[3] == "Virksomheden oprettet" and first[4] == "company.create"
    assert isinstance(first[6], int)
    assert "Navn: Smedien A/S" in first[7] or "Navn: Hansens Bageri ApS" in first[7]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export"))
        assert event.details == {"format": "xlsx", "count": 2, "criteria": {"user": str(history["konsulent"])}}


def test_the_csv_export_is_danish_excel_csv_with_formulas_neutralised(app, admin, history, make_user):
    with app.app_context():
        create_company({"name": "=HYPERLINK(\"x\")", "postcode": "8000"}, actor=_user(make_user("konsulent")))
        db.session.commit()
    response = admin.get(f"{LOG}/eksport.csv?action=company.create")
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Tidspunkt" and len(rows) == 4
    assert any("Navn: =HYPERLINK" in row[7] for row in rows[1:])  # inside the text, not at its start
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_bad_filters_refuse_the_export_in_danish(admin, history):
    response = admin.get(f"{LOG}/eksport.csv?since=igår")
    assert response.status_code == 400 and "Angiv en gyldig dato." in response.get_data(as_text=True)


def test_a_big_export_runs_as_a_job_for_the_admin_who_asked(app, admin, history, monkeypatch, run_jobs):
    monkeypatch.setattr("crm.admin.routes.AUDIT_EXPORT_INLINE_ROWS", 1)
    response = admin.get(f"{LOG}/eksport.xlsx?user={history['konsulent']}")
    assert response.status_code == 302 and "/koersel/" in response.headers["Location"]
    job_url = response.headers["Location"]
    run_jobs()
    page = admin.get(job_url).get_data(as_text=True)
    assert "Eksport af revisionsloggen" in page and "Eksporten af revisionsloggen er klar." in page
    download = admin.get(f"{job_url}/fil")
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert [row[4] for row in rows[1:]] == ["company.create", "company.create"]


def test_a_big_export_of_a_period_keeps_the_period(app, admin, history, monkeypatch, run_jobs):
    monkeypatch.setattr("crm.admin.routes.AUDIT_EXPORT_INLINE_ROWS", 0)
    day = today().isoformat()
    response = admin.get(f"{LOG}/eksport.csv?since={day}&until={day}&company=10000009")
    run_jobs()
    download = admin.get(f"{response.headers['Location']}/fil")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig")), delimiter=";"))
    assert [row[4] for row in rows[1:]] == ["company.create"]


def test_the_export_file_is_gone_for_an_admin_who_lost_the_role(app, admin, history, monkeypatch, run_jobs):
    monkeypatch.setattr("crm.admin.routes.AUDIT_EXPORT_INLINE_ROWS", 0)
    job_url = admin.get(f"{LOG}/eksport.csv").headers["Location"]
    run_jobs()
    with app.app_context():
        db.session.execute(sa.update(User).where(User.name == "Anna Admin").values(role="vejleder"))
        db.session.commit()
    assert admin.get(f"{job_url}/fil").status_code == 403


def test_details_of_merges_statuses_contacts_and_exports_read_as_danish(app, history):
    from crm.services.audit_log import describe

    with app.app_context():
        events = [
            record_event("company.merge", "company", history["bageri"], details={
                "kept_id": history["bageri"], "duplicate_id": 99999, "duplicate_name": "Hansen Bageri",
                "moved": {"openings": 2, "contact_log": 1}}),
            record_event("company.status", "company", history["bageri"], details={"from": "dialog", "to": "partner"}),
            record_event("contact_log.create", "company", history["bageri"], details={
                "log_entry_id": 7, "kind": "meeting", "at": "2026-03-10T09:00:00", "face_to_face": True}),
            record_event("company.export", "company", None, details={
                "format": "xlsx", "count": 1234, "criteria": {"konsulent": str(history["konsulent"]),
                                                              "status": ["partner", "dialog"]}}),
            record_event("audit.export", "audit", None, details={"format": "csv", "count": 2,
                                                                 "criteria": {"action": "login.success"}}),
        ]
        db.session.flush()
        merge, status, contact, export, audit_export = (row.details_text for row in describe(events))
    assert merge == ("Beholdt: Hansens Bageri ApS; Dublet: virksomhed nr. 99999 (findes ikke længere); "
                     "Dublettens navn: Hansen Bageri; Flyttet: stillinger 2, kontakter 1")
    assert status == "Fra: Dialog; Til: Partner"
    assert contact == "Kontakt nr.: 7; Type: Møde på virksomheden; Tidspunkt: 10.03.2026 10:00; Ansigt til ansigt: ja"
    assert export == "Format: XLSX; Antal: 1.234; Filtre: konsulent Karl Konsulent, status Partner, Dialog"
    assert audit_export == "Format: CSV; Antal: 2; Filtre: handling Login"


def test_an_export_by_borger_is_audited_by_id_so_the_reference_goes_with_an_erasure(app, admin, history):
    assert admin.get(f"{LOG}/eksport.csv?borger={history['reference']}").status_code == 200
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export"))
        assert event.details["criteria"] == {"borger": history["borger_id"]}
    assert f"Filtre: borger {history['reference']}" in admin.get(f"{LOG}?action=audit.export").get_data(as_text=True)
    with app.app_context():
        erase_borger(db.session.get(Borger, history["borger_id"]), actor=None, reason="request")
        db.session.commit()
    html = admin.get(f"{LOG}?action=audit.export").get_data(as_text=True)
    assert "Filtre: borger slettet borger" in html and history["reference"] not in html


def test_filter_by_a_company_name_with_danish_capitals(app, admin, history):
    with app.app_context():
        create_company({"name": "Ærø Kro", "postcode": "8000"})
        db.session.commit()
    html = admin.get(LOG, query_string={"company": "Ærø Kro"}).get_data(as_text=True)
    assert _actions(html) == ["company.create"] and "Virksomhed: Ærø Kro" in html


# --- in English ---------------------------------------------------------------------------------------

@pytest.fixture
def english(admin):
    admin.client.set_cookie("sprog", "en")
    yield admin
    admin.client.delete_cookie("sprog")


def test_the_log_reads_in_english_for_an_english_reader(english, history):
    html = english.get(LOG).get_data(as_text=True)
    assert "<h1>Audit log</h1>" in html and ">Time</th>" in html and ">Details</th>" in html
    assert "Company created" in html and "Borger created" in html and "Virksomheden oprettet" not in html
    assert "Company: Hansens Bageri ApS" in html and "Vejleder: Vera Vejleder" in html
    assert "(Company consultant)" in html
    assert re.search(r"\d+ events, newest first", html)
    # The filter's actions are in English, in order.
    options = re.findall(r'<option value="([a-z_.]+)">([^<]+)</option>', html)
    assert ("company.create", "Company created") in options
    labels = [label for _code, label in options]
    assert labels == sorted(labels, key=str.casefold)


def test_a_bad_filter_gets_an_english_message(english, history):
    response = english.get(f"{LOG}?borger=X-0000")
    assert response.status_code == 400
    assert "No borger has the reference “X-0000”." in response.get_data(as_text=True)


def test_the_csv_export_has_english_headers_and_labels_for_an_english_reader(english, history):
    rows = list(csv.reader(io.StringIO(english.get(f"{LOG}/eksport.csv?action=company.create")
                                       .data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Time", "User", "Role", "Action", "Action code", "Object", "Object no.", "Details",
                       "IP address"]
    assert {row[3] for row in rows[1:]} == {"Company created"} and {row[4] for row in rows[1:]} == {"company.create"}
    assert all("Name: " in row[7] for row in rows[1:])
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2}", rows[1][0])


def test_the_xlsx_export_has_english_headers_for_an_english_reader(english, history):
    workbook = load_workbook(io.BytesIO(english.get(f"{LOG}/eksport.xlsx?user={history['konsulent']}").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert workbook.active.title == "Audit log"
    assert rows[0][:5] == ("Time", "User", "Role", "Action", "Action code")
    assert rows[1][3] == "Company created" and isinstance(rows[1][0], datetime)


def test_a_big_export_job_writes_the_language_of_the_request_that_asked(english, history, monkeypatch, run_jobs):
    monkeypatch.setattr("crm.admin.routes.AUDIT_EXPORT_INLINE_ROWS", 0)
    job_url = english.get(f"{LOG}/eksport.csv?action=company.create").headers["Location"]
    run_jobs()
    rows = list(csv.reader(io.StringIO(english.get(f"{job_url}/fil").data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Time", "User", "Role", "Action"] and rows[1][3] == "Company created"


def test_the_log_and_its_export_stay_danish_by_default(admin, history):
    html = admin.get(LOG).get_data(as_text=True)
    assert "<h1>Revisionslog</h1>" in html and "Virksomheden oprettet" in html and "Company created" not in html
    rows = list(csv.reader(io.StringIO(admin.get(f"{LOG}/eksport.csv?action=company.create")
                                       .data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Tidspunkt", "Bruger", "Rolle", "Handling", "Handlingskode"]
    assert rows[1][3] == "Virksomheden oprettet"
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}", rows[1][0])


# --- every detail in Danish words (audit of issue 16: an edit's fields showed as "Address", "hours min") ---

# Columns the services set themselves and never name in an edit's details.
INTERNAL_COLUMNS = {"id", "name_key", "sort_key", "lat", "lon", "geo_precision", "status_changed_at",
                    "last_contact_at", "version", "created_at", "updated_at", "confirmed_at", "reminded_at"}


def _detail_keys_in_the_code() -> dict[str, str]:
    """Every literal key of a details dict passed to record_event or audit_view in crm/ → where."""
    keys = {}
    for path in sorted((ROOT / "crm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            if not (isinstance(node, ast.Call) and getattr(name, "id", getattr(name, "attr", None))
                    in ("record_event", "audit_view", "audit_shown_by_name")):
                continue
            for value in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(value, ast.Dict):
                    for key in value.keys:
                        if isinstance(key, ast.Constant):
                            keys[key.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return keys


def test_every_detail_key_and_every_edited_field_has_a_danish_label():
    from crm.models import Company, ContactPerson, Opening, Programme
    from crm.services.audit_log import DETAIL_LABELS, HIDDEN_KEYS

    keys = _detail_keys_in_the_code()
    assert len(keys) > 50
    # An edit's details name the changed columns (company, opening, contact) or list them ("fields").
    for model in (Company, Opening, ContactPerson, Borger, Programme):
        keys |= {column.key: model.__name__ for column in model.__table__.columns
                 if column.key not in INTERNAL_COLUMNS}
    missing = {key: where for key, where in keys.items() if key not in DETAIL_LABELS and key not in HIDDEN_KEYS}
    assert not missing, f"detail keys without a Danish label in crm/services/audit_log.py DETAIL_LABELS: {missing}"


def test_an_edit_of_a_company_and_a_borger_names_the_fields_and_offers_in_danish(app, history):
    from crm.services.audit_log import describe
    from crm.services.companies import update_company

    with app.app_context():
        from crm.models import Company

        company = db.session.get(Company, history["bageri"])
        update_company(company, {"name": company.name, "postcode": "8000", "cvr": company.cvr,
                                 "address": "Havnegade 2", "website": "https://bageri.example.dk",
                                 "offers": ["mentor", "flexjob"]},
                       expected_version=company.version, actor=None)
        db.session.flush()
        edit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "company.update"))
        borger_edit = record_event("borger.update", "borger", history["borger_id"],
                                   details={"fields": ["hours_min", "wishes"]})
        # What a placement's step and a verified result record: outcome codes.
        step = record_event("placement.stage", "borger", history["borger_id"],
                            details={"stage": "job", "outcomes": ["ordinary_job_start"]})
        verified = record_event("contract.verify", "borger", history["borger_id"],
                                details={"evidence_kind": "education_start", "achieved_on": "2026-03-02"})
        db.session.flush()
        company_text, borger_text, step_text, verified_text = (
            row.details_text for row in describe([edit, borger_edit, step, verified]))
    assert "Adresse: Havnegade 2" in company_text and "Hjemmeside: https://bageri.example.dk" in company_text
    assert "Kan tilbyde: Fleksjob muligt, Mentor på arbejdspladsen" in company_text  # labels, not codes
    assert borger_text == "Felter: Timer om ugen, fra, Jobønsker"
    assert "_start" not in step_text + verified_text and "Opnået: 02.03.2026" in verified_text
    for english in ("Address", "Website", "hours min", "wishes", "mentor", "flexjob"):
        assert english not in company_text + borger_text


def test_a_dashboard_figure_a_borger_was_shown_under_reads_as_its_heading(app, history):
    from crm.models.borger import Phase
    from crm.services.audit_log import describe
    from crm.services.programmes import create_programme

    with app.app_context():
        pid = create_programme({"name": "Din vej i job", "municipality": "Aarhus"}, actor=None).id
        events = [record_event("borger.view", "borger", history["borger_id"],
                               details={"page": "report_figure", "programme_id": pid, "figure": figure})
                  for figure in ("enrolled", f"phase:{Phase.JOB_UDDANNELSE}", "nothing:at-all")]
        db.session.flush()
        enrolled, phase, unknown = (row.details_text for row in describe(events))
    assert enrolled.endswith("Opgørelse: Indskrevne borgere")
    assert "Opgørelse: Borgere i fasen" in phase and "job_uddannelse" not in phase
    assert unknown.endswith("Opgørelse: nothing:at-all")  # a key no page knows is shown as stored
