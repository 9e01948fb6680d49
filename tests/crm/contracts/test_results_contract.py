"""Issue 17 acceptance: a results contract with two payment rules, outcomes and verifications across
months; every figure of the contract page and of the investor export, which names no borger."""

import io
import re
from datetime import UTC, date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Borger, Programme, User
from crm.models.contract import ResultVerification
from crm.models.programme import OutcomeKind as K
from crm.services.contracts import contract_for, save_contract
from crm.services.outcomes import record_outcome
from tests.crm.reports.report_tables import page_tables, row_by_label

NAMES = ("Anna", "Bo", "Carl", "Dorte", "Emil", "Frida")


def _at(day: date, clock) -> None:
    """Stop the clock at noon, Danish winter/summer time alike, on ``day``."""
    clock.move_to(datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def world(app, make_user, make_borger, make_teamleder, clock):
    _at(date(2025, 12, 1), clock)
    with app.app_context():
        programme = Programme(name="Kontraktindsats", municipality="Aarhus", starts_on=date(2026, 1, 1),
                              ends_on=date(2026, 12, 31))
        db.session.add(programme)
        db.session.commit()
        pid = programme.id
    admin, vejleder = make_user("admin"), make_user("vejleder")
    teamleder, _ = make_teamleder(programme="Kontraktindsats")
    ids = {name: make_borger(vejleder, programme_id=pid, first_name=name, enrolled_on=date(2025, 12, 1))
           for name in NAMES}
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == admin))
        programme = db.session.get(Programme, pid)
        save_contract(programme, {
            "municipality": "Aarhus Kommune", "investor": "Rådet for Sociale Investeringer",
            "operator": "IPSCenter Danmark", "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31),
            "investment": 1_000_000,
            "rules": [
                {"label": "Job eller uddannelse", "amount": 50_000, "cap": 10, "deadline": None,
                 "evidence": [K.ORDINARY_JOB_START, K.EDUCATION_START], "verifier": "Aarhus Kommune"},
                {"label": "Fastholdt 3 måneder", "amount": 30_000, "cap": 2, "deadline": date(2026, 6, 30),
                 "evidence": [K.RETAINED_13W], "verifier": "Aarhus Kommune"},
            ],
        }, actor=actor)
        db.session.commit()
        contract = contract_for(programme)
        rules = [r.id for r in contract.rules]
        invoice_prefix = f"K{contract.id}-"
    return {"pid": pid, "admin": admin, "vejleder": vejleder, "teamleder": teamleder, "ids": ids, "rules": rules,
            "invoice": invoice_prefix}


def _outcome(app, borger_id, kind, on_date):
    with app.app_context():
        borger = db.session.get(Borger, borger_id)
        record_outcome(borger, kind, on_date=on_date, actor=borger.vejleder)
        db.session.commit()


def _login(browser, email):
    """Log in afresh (the clock moved past the session's idle timeout)."""
    if browser.get("/").status_code == 200:
        browser.logout()
    assert browser.login(email).status_code == 302


def _verify(browser, w, name, rule_index, *, note=""):
    url = f"/indsatser/{w['pid']}/kontrakt/verificer"
    return browser.post_form(url, {"rule_id": w["rules"][rule_index], "borger_id": w["ids"][name], "note": note},
                             form_page=f"/indsatser/{w['pid']}/kontrakt/verificering", follow_redirects=True)


def _post(browser, w, action, data=None):
    return browser.post_form(f"/indsatser/{w['pid']}/kontrakt/{action}", data or {},
                             form_page=f"/indsatser/{w['pid']}/kontrakt", follow_redirects=True)


def _run_the_months(app, browser, clock, w):
    """January to April 2026: outcomes, verifications (some refused), two invoices, one payment."""
    _at(date(2026, 1, 31), clock)
    _outcome(app, w["ids"]["Anna"], K.ORDINARY_JOB_START, date(2026, 1, 5))
    _outcome(app, w["ids"]["Bo"], K.EDUCATION_START, date(2026, 1, 20))
    _outcome(app, w["ids"]["Carl"], K.PRAKTIK_START, date(2026, 1, 10))  # not evidence
    _login(browser, w["admin"])
    assert "Resultatet er verificeret." in _verify(browser, w, "Anna", 0, note="Lønseddel jan.").get_data(as_text=True)

    _at(date(2026, 2, 20), clock)
    _outcome(app, w["ids"]["Carl"], K.ORDINARY_JOB_START, date(2026, 2, 3))
    _outcome(app, w["ids"]["Dorte"], K.FLEXJOB_START, date(2026, 2, 10))  # not evidence for either rule
    _outcome(app, w["ids"]["Anna"], K.EDUCATION_START, date(2026, 2, 15))  # a second event: still one result
    _login(browser, w["admin"])
    _verify(browser, w, "Bo", 0)
    _verify(browser, w, "Carl", 0)
    assert "Fakturaen er registreret." in _post(browser, w, "fakturer").get_data(as_text=True)

    _at(date(2026, 3, 15), clock)
    for name, day in (("Anna", 10), ("Bo", 12), ("Carl", 14)):
        _outcome(app, w["ids"][name], K.RETAINED_13W, date(2026, 3, day))
    _login(browser, w["admin"])
    with app.app_context():
        first_invoice = db.session.scalar(sa.text("select id from result_invoices"))
    assert "Betalingen er registreret." in _post(browser, w, "betaling", {"invoice_id": first_invoice}).get_data(
        as_text=True)
    _verify(browser, w, "Anna", 1)
    _verify(browser, w, "Bo", 1)
    assert "Loftet for reglen er nået (2 resultater)." in _verify(browser, w, "Carl", 1).get_data(as_text=True)
    assert "Borgeren har ikke et resultat" in _verify(browser, w, "Dorte", 0).get_data(as_text=True)
    assert "Resultatet er allerede verificeret." in _verify(browser, w, "Anna", 0).get_data(as_text=True)
    assert "er allerede betalt" in _post(browser, w, "betaling", {"invoice_id": first_invoice}).get_data(as_text=True)

    _at(date(2026, 4, 10), clock)
    _outcome(app, w["ids"]["Emil"], K.EDUCATION_START, date(2026, 4, 2))
    _outcome(app, w["ids"]["Frida"], K.ORDINARY_JOB_START, date(2026, 4, 5))
    _login(browser, w["admin"])
    _post(browser, w, "fakturer")
    assert "Der er ingen verificerede resultater at fakturere." in _post(browser, w, "fakturer").get_data(
        as_text=True)


def test_contract_page_shows_every_figure_per_rule_and_month(app, browser, clock, world):
    _run_the_months(app, browser, clock, world)
    _login(browser, world["teamleder"])  # the programme's teamleder sees the contract with its full figures
    page = browser.get(f"/indsatser/{world['pid']}/kontrakt")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    facts = dict(re.findall(r'<dd id="(\w+)">([^<]+)</dd>', html))
    assert facts == {"optjent": "210.000 kr.", "betalt": "150.000 kr.", "udestaaende": "60.000 kr.",
                     "venter": "100.000 kr.", "prognose": "560.000 kr. (56,0\N{NO-BREAK SPACE}% af investeringen)"}
    tables = page_tables(html)
    assert row_by_label(tables["regler"], "Job eller uddannelse")[1:] == [
        "50.000 kr.", "10", "31.12.2026", "Start i ordinært job, Start på uddannelse", "Aarhus Kommune",
        "5 (250.000 kr.)", "3 (150.000 kr.)", "150.000 kr.", "150.000 kr.", "0 kr.", "10 (500.000 kr.)"]
    assert row_by_label(tables["regler"], "Fastholdt 3 måneder")[1:] == [
        "30.000 kr.", "2", "30.06.2026", "Stadig i job efter 13 uger", "Aarhus Kommune",
        "3 (60.000 kr.)", "2 (60.000 kr.)", "60.000 kr.", "0 kr.", "60.000 kr.", "2 (60.000 kr.)"]
    rule_a, rule_b = world["rules"]
    assert tables[f"maaned-{rule_a}"][1:] == [
        ["01.2026", "2", "100.000 kr.", "1", "50.000 kr.", "0 kr.", "0 kr.", "50.000 kr."],
        ["02.2026", "1", "50.000 kr.", "2", "100.000 kr.", "150.000 kr.", "0 kr.", "150.000 kr."],
        ["03.2026", "0", "0 kr.", "0", "0 kr.", "0 kr.", "150.000 kr.", "0 kr."],
        ["04.2026", "2", "100.000 kr.", "0", "0 kr.", "0 kr.", "0 kr.", "0 kr."],
    ]
    assert tables[f"maaned-{rule_b}"][1:] == [
        ["01.2026", "0", "0 kr.", "0", "0 kr.", "0 kr.", "0 kr.", "0 kr."],
        ["02.2026", "0", "0 kr.", "0", "0 kr.", "0 kr.", "0 kr.", "0 kr."],
        ["03.2026", "3", "60.000 kr.", "2", "60.000 kr.", "0 kr.", "0 kr.", "60.000 kr."],
        ["04.2026", "0", "0 kr.", "0", "0 kr.", "60.000 kr.", "0 kr.", "60.000 kr."],
    ]
    assert [row[:4] for row in tables["fakturaer"][1:]] == [
        [world["invoice"] + "001", "20.02.2026", "3", "150.000 kr."],
        [world["invoice"] + "002", "10.04.2026", "2", "60.000 kr."]]
    assert [row[4] for row in tables["fakturaer"][1:]] == ["15.03.2026", "Ikke betalt"]
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", html)


def _workbook(response) -> dict[str, list[list]]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_investor_export_has_counts_amounts_and_pseudonyms_only(app, browser, clock, world):
    _run_the_months(app, browser, clock, world)
    _login(browser, world["teamleder"])
    sheets = _workbook(browser.get(f"/indsatser/{world['pid']}/kontrakt/investor.xlsx"))
    assert list(sheets) == ["Kontrakt", "Resultater pr. regel", "Pr. måned", "Verificerede resultater"]
    assert dict(sheets["Kontrakt"][1:]) == {
        "Indsats": "Kontraktindsats", "Myndighed": "Aarhus Kommune", "Investor": "Rådet for Sociale Investeringer",
        "Leverandør": "IPSCenter Danmark", "Periode": "01.01.2026 – 31.12.2026", "Investering (kr.)": 1_000_000,
        "Optjent i alt (kr.)": 210_000, "Betalt i alt (kr.)": 150_000, "Udestående i alt (kr.)": 60_000,
        "Prognose i alt ved nuværende tempo (kr.)": 560_000, "Opgjort": "10.04.2026"}
    # Numbers are stored as numbers; counts of 1–4 are masked as on the dashboards.
    assert sheets["Resultater pr. regel"][1:] == [
        ["Job eller uddannelse", 50_000, 10, 5, "<5", 150_000, 150_000, 150_000, 0, 500_000],
        ["Fastholdt 3 måneder", 30_000, 2, "<5", "<5", 60_000, 60_000, 0, 60_000, 60_000],
    ]
    assert sheets["Pr. måned"][1:] == [
        ["01.2026", "Job eller uddannelse", "<5", "<5", 50_000, 0, 0, 50_000],
        ["02.2026", "Job eller uddannelse", "<5", "<5", 100_000, 150_000, 0, 150_000],
        ["03.2026", "Job eller uddannelse", 0, 0, 0, 0, 150_000, 0],
        ["04.2026", "Job eller uddannelse", "<5", 0, 0, 0, 0, 0],
        ["01.2026", "Fastholdt 3 måneder", 0, 0, 0, 0, 0, 0],
        ["02.2026", "Fastholdt 3 måneder", 0, 0, 0, 0, 0, 0],
        ["03.2026", "Fastholdt 3 måneder", "<5", "<5", 60_000, 0, 0, 60_000],
        ["04.2026", "Fastholdt 3 måneder", 0, 0, 0, 60_000, 0, 60_000],
    ]
    listing = sheets["Verificerede resultater"][1:]
    with app.app_context():
        pseudonyms = set(db.session.scalars(sa.select(ResultVerification.reference)))
        own_references = set(db.session.scalars(sa.select(Borger.reference)))
    assert {row[0] for row in listing} == pseudonyms and len(pseudonyms) == 5
    assert sorted((row[1], row[2], row[3], row[4]) for row in listing) == sorted(
        [("Job eller uddannelse", 50_000, "Betalt", world["invoice"] + "001")] * 3
        + [("Fastholdt 3 måneder", 30_000, "Faktureret", world["invoice"] + "002")] * 2)
    cells = [str(c) for rows in sheets.values() for row in rows for c in row if c is not None]
    for name in NAMES:
        assert not any(re.search(rf"\b{name}\b", cell) for cell in cells), name
    assert not own_references & set(cells)
    printable = browser.get(f"/indsatser/{world['pid']}/kontrakt/investor").get_data(as_text=True)
    assert "560.000 kr." in printable and all(p in printable for p in pseudonyms)
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", printable)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "contract.investor_export")) == 1


def test_a_verification_is_recorded_and_audited_with_its_evidence(app, browser, clock, world):
    _at(date(2026, 1, 31), clock)
    _outcome(app, world["ids"]["Anna"], K.ORDINARY_JOB_START, date(2026, 1, 5))
    _login(browser, world["admin"])
    _verify(browser, world, "Anna", 0, note="Ansættelseskontrakt set")
    with app.app_context():
        v = db.session.scalar(sa.select(ResultVerification))
        assert (v.borger_id, v.evidence_kind, v.achieved_on, v.amount, v.note, v.verified_by.email) == (
            world["ids"]["Anna"], "ordinary_job_start", date(2026, 1, 5), 50_000, "Ansættelseskontrakt set",
            world["admin"])
        audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contract.verify"))
        assert audit.object_id == str(world["ids"]["Anna"])
        assert audit.details["outcome_event_id"] == v.outcome_event_id
        assert audit.details["result_reference"] == v.reference


def test_only_those_with_full_figures_see_the_contract_and_only_admins_invoice(app, browser, clock, world,
                                                                                 make_teamleder):
    _at(date(2026, 1, 31), clock)
    _outcome(app, world["ids"]["Anna"], K.ORDINARY_JOB_START, date(2026, 1, 5))
    other_lead, _ = make_teamleder(programme="En anden indsats", name="Otto Andenleder")
    for outsider in (world["vejleder"], other_lead):  # exact figures: not a vejleder, not another lead
        _login(browser, outsider)
        for page in ("kontrakt", "kontrakt/verificering", "kontrakt/rediger", "kontrakt/investor"):
            assert browser.get(f"/indsatser/{world['pid']}/{page}").status_code == 403, (outsider, page)
        dashboard = browser.get(f"/indsatser/{world['pid']}").get_data(as_text=True)
        assert "Resultatkontrakt" not in dashboard  # no button to a page that refuses them
    _login(browser, world["teamleder"])  # the programme's lead verifies, but neither invoices nor edits
    assert "Resultatkontrakt" in browser.get(f"/indsatser/{world['pid']}").get_data(as_text=True)
    assert browser.get(f"/indsatser/{world['pid']}/kontrakt/verificering").status_code == 200
    assert browser.get(f"/indsatser/{world['pid']}/kontrakt/rediger").status_code == 403
    page = browser.get(f"/indsatser/{world['pid']}/kontrakt").get_data(as_text=True)
    assert "Redigér kontrakten" not in page and "Registrér betaling" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ResultVerification)) == 0


def test_erasing_a_borger_keeps_the_verified_result_under_its_pseudonym(app, browser, clock, world):
    from crm.services.borger_rights import erase_borger, export_borger_data

    _at(date(2026, 1, 31), clock)
    _outcome(app, world["ids"]["Anna"], K.ORDINARY_JOB_START, date(2026, 1, 5))
    _login(browser, world["admin"])
    _verify(browser, world, "Anna", 0)
    with app.app_context():
        borger = db.session.get(Borger, world["ids"]["Anna"])
        actor = db.session.scalar(sa.select(User).where(User.email == world["teamleder"]))
        exported = export_borger_data(borger, actor=actor)["verified_results"]
        assert [row["result"] for row in exported] == ["Job eller uddannelse"]
        erase_borger(borger, actor=actor, reason="request")
        db.session.commit()
        v = db.session.scalar(sa.select(ResultVerification))
        assert (v.borger_id, v.outcome_event_id, v.amount) == (None, None, 50_000)
    _login(browser, world["teamleder"])
    html = browser.get(f"/indsatser/{world['pid']}/kontrakt").get_data(as_text=True)
    assert re.search(r'<dd id="optjent">50.000 kr.</dd>', html)


def test_the_admin_creates_a_contract_with_the_form(app, browser, make_user):
    with app.app_context():
        programme = Programme(name="Ny indsats", municipality="Aarhus", starts_on=date(2026, 1, 1),
                              ends_on=date(2027, 12, 31))
        db.session.add(programme)
        db.session.commit()
        pid = programme.id
    browser.login(make_user("admin"))
    url = f"/indsatser/{pid}/kontrakt/rediger"
    assert "Indsatsen har ingen resultatkontrakt." in browser.get(f"/indsatser/{pid}/kontrakt").get_data(as_text=True)
    for page in ("investor", "investor.xlsx", "verificering"):  # no contract: back to its page, with why
        response = browser.get(f"/indsatser/{pid}/kontrakt/{page}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/indsatser/{pid}/kontrakt")
        assert "Indsatsen har ingen resultatkontrakt." in browser.get(response.headers["Location"]).get_data(
            as_text=True)
    data = {"municipality": "Aarhus Kommune", "investor": "Fond", "operator": "Leverandør",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "investment": "3000000",
            "rules-0-label": "Job", "rules-0-amount": "40000", "rules-0-cap": "",
            "rules-0-verifier": "Jobcentret"}
    refused = browser.post_form(url, data).get_data(as_text=True)
    assert "Vælg mindst én hændelse, der dokumenterer resultatet." in refused
    late = browser.post_form(url, {**data, "rules-0-evidence": "ordinary_job_start", "rules-0-deadline": "2028-01-01"})
    assert "En frist skal ligge i kontraktens periode." in late.get_data(as_text=True)
    saved = browser.post_form(url, {**data, "rules-0-evidence": ["ordinary_job_start", "education_start"]},
                              follow_redirects=True)
    assert "Resultatkontrakten er gemt." in saved.get_data(as_text=True)
    with app.app_context():
        contract = contract_for(db.session.get(Programme, pid))
        assert (contract.investment, [(r.label, r.amount, r.cap, r.evidence) for r in contract.rules]) == (
            3_000_000, [("Job", 40_000, None, ["ordinary_job_start", "education_start"])])


def test_investor_report_in_english_has_english_headers_dates_and_amounts(app, browser, clock, world):
    _run_the_months(app, browser, clock, world)
    _login(browser, world["teamleder"])
    browser.client.set_cookie("sprog", "en")
    sheets = _workbook(browser.get(f"/indsatser/{world['pid']}/kontrakt/investor.xlsx"))
    assert list(sheets) == ["Contract", "Results per rule", "Per month", "Verified results"]
    facts = dict(sheets["Contract"][1:])
    assert facts["Period"] == "1 Jan 2026 – 31 Dec 2026" and facts["As of"] == "10 Apr 2026"
    assert facts["Investment (kr.)"] == 1_000_000  # still a number
    assert sheets["Per month"][1][:2] == ["Jan 2026", "Job eller uddannelse"]
    assert {row[3] for row in sheets["Verified results"][1:]} == {"Paid", "Invoiced"}
    printable = browser.get(f"/indsatser/{world['pid']}/kontrakt/investor").get_data(as_text=True)
    assert "Investor report: Kontraktindsats" in printable and "560,000 kr." in printable


def test_the_verification_and_investor_pages_have_no_danish_left_in_english(app, browser, clock, world):
    """The two contract pages the English page walk cannot reach (it has no contract with results)."""
    from tests.crm.i18n.danish import danish_words
    from tests.crm.i18n.test_english_pages import _data_strings

    _run_the_months(app, browser, clock, world)
    _login(browser, world["teamleder"])
    browser.client.set_cookie("sprog", "en")
    with app.app_context():
        data = _data_strings()
    for page in ("verificering", "investor"):
        html = browser.get(f"/indsatser/{world['pid']}/kontrakt/{page}").get_data(as_text=True)
        assert not danish_words(html, data), (page, danish_words(html, data))
