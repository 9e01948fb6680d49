"""The programmes side by side: placements per 100 borgere, days to first employer contact,
retention at 3 and 6 months and cost per result where a contract exists; exportable to XLSX."""

import io
from datetime import UTC, date, datetime

import openpyxl
import sqlalchemy as sa

from crm.extensions import db
from crm.models import OutcomeEvent, Programme, User
from crm.models.programme import OutcomeKind as K
from crm.services.contracts import save_contract, verify_result
from tests.crm.reports.report_tables import page_tables, row_by_label


def _build(app, make_user, make_borger, clock):
    clock.move_to(datetime(2026, 3, 10, 11, 0, tzinfo=UTC), tick=False)
    with app.app_context():
        alpha = Programme(name="Alfa", municipality="Aarhus", starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31))
        beta = Programme(name="Beta", municipality="Holstebro", starts_on=date(2025, 1, 1))
        db.session.add_all([alpha, beta])
        db.session.commit()
        ids = {"alpha": alpha.id, "beta": beta.id}
    admin, vejleder = make_user("admin"), make_user("vejleder")
    alpha_borgere = [make_borger(vejleder, programme_id=ids["alpha"], first_name=f"A{i}",
                                 enrolled_on=date(2025, 6, 1)) for i in range(10)]
    make_borger(vejleder, programme_id=ids["beta"], first_name="B0", enrolled_on=date(2025, 6, 1))
    with app.app_context():
        for i, borger_id in enumerate(alpha_borgere[:6]):  # 6 of 10 in job or education
            for kind, on in ((K.FIRST_EMPLOYER_CONTACT, date(2025, 6, 1 + 2 * i)),
                             (K.ORDINARY_JOB_START if i % 2 else K.EDUCATION_START, date(2025, 7, 1)),
                             (K.RETAINED_13W, date(2025, 10, 1))):
                db.session.add(OutcomeEvent(borger_id=borger_id, programme_id=ids["alpha"], kind=kind, on_date=on))
        db.session.add(OutcomeEvent(borger_id=alpha_borgere[6], programme_id=ids["alpha"],
                                    kind=K.LOENTILSKUD_START, on_date=date(2025, 7, 1)))  # not ordinary
        actor = db.session.scalar(sa.select(User).where(User.email == admin))
        contract = save_contract(db.session.get(Programme, ids["alpha"]), {
            "municipality": "Aarhus Kommune", "investor": "Fond", "operator": "Leverandør",
            "starts_on": date(2025, 1, 1), "ends_on": date(2026, 12, 31), "investment": 3_000_000,
            "rules": [{"label": "Job", "amount": 40_000, "evidence": [K.ORDINARY_JOB_START, K.EDUCATION_START]}],
        }, actor=actor)
        for borger_id in alpha_borgere[:5]:
            verify_result(contract.rules[0], borger_id, actor=actor)
        db.session.commit()
    return admin


def test_the_comparison_page_puts_the_key_figures_side_by_side(app, browser, make_user, make_borger, clock):
    admin = _build(app, make_user, make_borger, clock)
    browser.login(admin)
    table = page_tables(browser.get("/indsatser/sammenligning").get_data(as_text=True))["sammenligning"]
    # Enrolled, placed (løntilskud is not ordinary work), per 100, median days (0, 2, …, 10 → 5), retained
    # at 13 and 26 weeks (of 7 starts, løntilskud included as in the fidelity figures), kroner per result.
    assert row_by_label(table, "Alfa")[1:] == ["10", "6", "60", "5", "85,7 %", "0 %", "40.000 kr."]
    assert row_by_label(table, "Beta")[1:] == ["1", "0", "0", "–", "–", "–", "–"]


def test_non_admins_see_small_counts_and_what_rests_on_them_hidden(app, browser, make_user, make_borger, clock):
    _build(app, make_user, make_borger, clock)
    browser.login(make_user("konsulent"))
    table = page_tables(browser.get("/indsatser/sammenligning").get_data(as_text=True))["sammenligning"]
    assert row_by_label(table, "Alfa")[1:] == ["10", "6", "60", "5", "85,7 %", "0 %", "40.000 kr."]
    assert row_by_label(table, "Beta")[1:4] == ["<5", "0", "<5"]


def test_the_comparison_exports_to_xlsx_with_numbers_as_numbers(app, browser, make_user, make_borger, clock):
    admin = _build(app, make_user, make_borger, clock)
    browser.login(admin)
    response = browser.get("/indsatser/sammenligning.xlsx")
    assert response.status_code == 200
    rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True)]
    assert rows[0][0] == "Indsats" and len(rows) == 3
    assert rows[1] == ["Alfa", 10, 6, 60, 5, 85.7, 0, 40_000]
    assert rows[2] == ["Beta", 1, 0, 0, None, None, None, None]
