"""The register's counts on the start page and Kontakt snart are cached per register version
(crm.page_cache.REGISTER_COUNTS): every change that moves them shows at the next request, and so
does the passing of time (a day for stale partners, a minute for openings to confirm)."""

import re
from datetime import timedelta

import pytest

from crm.extensions import db
from crm.models import Company, Opening
from crm.page_cache import REGISTER_COUNTS
from crm.services.companies import change_status
from crm.services.contacts import log_contact
from crm.services.openings import confirm_opening
from crm.timeutil import utcnow


@pytest.fixture(autouse=True)
def _cached(register_versioned):
    """An empty cache, and the version row (see ``register_versioned``)."""
    REGISTER_COUNTS.clear()


@pytest.fixture
def admin(browser, make_user):
    email = make_user("admin")
    browser.login(email)
    return email


def overview(browser) -> dict[str, int]:
    html = " ".join(browser.get("/").get_data(as_text=True).split())
    stale = re.search(r"<strong>(\d+)</strong> partnere, der trænger til kontakt", html).group(1)
    openings = re.search(r"<strong>(\d+)</strong> åbne stillinger, der skal bekræftes", html).group(1)
    return {"stale": int(stale), "openings": int(openings)}


def kontakt_snart_total(browser) -> int:
    html = browser.get("/virksomheder/kontakt-snart?konsulent=alle").get_data(as_text=True)
    total = re.search(r"<caption>(\d+) partner", html)
    return int(total.group(1)) if total else 0


def test_a_logged_contact_and_a_status_change_move_the_stale_count_at_once(app, browser, admin, make_partner):
    first, second = make_partner("Første Lager ApS"), make_partner("Anden Lager ApS")
    assert overview(browser)["stale"] == 2 and kontakt_snart_total(browser) == 2
    with app.app_context():
        log_contact(db.session.get(Company, first), {"kind": "phone", "summary": "Opfølgning"})
        db.session.commit()
    assert overview(browser)["stale"] == 1 and kontakt_snart_total(browser) == 1
    with app.app_context():
        change_status(db.session.get(Company, second), "pause")
        db.session.commit()
    assert overview(browser)["stale"] == 0 and kontakt_snart_total(browser) == 0


def test_the_stale_count_moves_with_the_day(app, browser, admin, make_partner, clock):
    company_id = make_partner("Lager ApS")
    with app.app_context():
        log_contact(db.session.get(Company, company_id), {"kind": "visit", "summary": "Besøg"})
        db.session.commit()
    assert overview(browser)["stale"] == 0 and kontakt_snart_total(browser) == 0
    clock.shift(timedelta(days=31))  # nothing in the register changed: only the day
    browser.login(admin)  # the session has expired meanwhile
    assert overview(browser)["stale"] == 1 and kontakt_snart_total(browser) == 1


def test_openings_to_confirm_follow_a_confirmation_and_the_clock(app, browser, admin, make_partner, make_opening,
                                                                  clock):
    company_id = make_partner("Lager ApS")
    old = make_opening(company_id, days_unconfirmed=31)
    make_opening(company_id, days_unconfirmed=29)
    assert overview(browser)["openings"] == 1
    with app.app_context():
        confirm_opening(db.session.get(Opening, old))
        db.session.commit()
    assert overview(browser)["openings"] == 0
    clock.shift(timedelta(days=1, minutes=1))  # the 29-day-old opening is now past the 30 days
    browser.login(admin)
    assert overview(browser)["openings"] == 1


def test_a_new_stale_opening_written_by_another_session_counts_at_once(app, browser, admin, make_partner,
                                                                        make_opening):
    company_id = make_partner("Lager ApS")
    assert overview(browser)["openings"] == 0
    make_opening(company_id, days_unconfirmed=40)
    assert overview(browser)["openings"] == 1
    with app.app_context():  # backdated by a plain UPDATE, as an import or a script might
        db.session.execute(Opening.__table__.update().values(confirmed_at=utcnow()))
        db.session.commit()
    assert overview(browser)["openings"] == 0
