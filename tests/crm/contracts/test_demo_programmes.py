"""The demo: every seed programme's dashboard shows real figures, targets exactly as in the source
documents, Job in mind's referral periods, and the Din vej i job contract with earned and
outstanding amounts."""

import re

import sqlalchemy as sa

from crm.demo import DEMO_PASSWORD, load_demo_data
from crm.extensions import db
from crm.models import Programme
from crm.services.contracts import contract_figures, contract_for
from crm.services.reports import targets_progress
from tests.crm.reports.report_tables import page_tables, row_by_label

# The targets in ../shared/seeds: Din vej i job (60 borgere), Futurum (160 participants, 60 % into job
# or education), Job in mind (60 % onward, 20 % ordinary hours), Rum til os (12 / 8 / 5 / 25).
SEED_TARGETS = {
    "Din vej i job": [("job_or_education", "count", 60.0)],
    "Futurum": [("enrolled", "count", 160.0), ("job_or_education", "share", 60.0)],
    "Job in mind": [("onward", "share", 60.0), ("ordinary_hours", "share", 20.0)],
    "Rum til os": [("ordinary_job", "count", 12.0), ("flexjob_clarified", "count", 8.0),
                   ("education", "count", 5.0), ("praktik", "count", 25.0)],
}


def test_the_demo_shows_every_programme_with_figures_and_the_din_vej_i_job_contract(app, browser):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        programmes = {p.name: p for p in db.session.scalars(sa.select(Programme))}
        assert {name: [(t.outcome, t.goal_kind, t.goal) for t in p.targets]
                for name, p in programmes.items()} == SEED_TARGETS
        assert programmes["Job in mind"].referral_months == 6
        for name in ("Futurum", "Rum til os"):
            assert all(progress.count > 0 for progress in targets_progress(programmes[name])), name
        figures = contract_figures(contract_for(programmes["Din vej i job"]))
        assert figures.total.verified_amount > 0 and figures.total.outstanding > 0
        ids = {name: p.id for name, p in programmes.items()}
    assert browser.login("admin@demo.fodfaeste.dk", DEMO_PASSWORD).status_code == 302
    html = browser.get(f"/indsatser/{ids['Din vej i job']}/kontrakt").get_data(as_text=True)
    facts = dict(re.findall(r'<dd id="(\w+)">([^<]+)</dd>', html))
    assert facts["optjent"] == f"{figures.total.verified_amount:,} kr.".replace(",", ".")
    assert facts["udestaaende"] == f"{figures.total.outstanding:,} kr.".replace(",", ".")
    tables = page_tables(browser.get(f"/indsatser/{ids['Job in mind']}").get_data(as_text=True))
    assert row_by_label(tables["henvisninger"], "Fornyelser (ny plan)")[1] not in ("0", "<5")
    assert row_by_label(tables["henvisninger"], "Henvisningen udløber inden for 14 dage")[1] != "0"
