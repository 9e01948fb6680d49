"""Lists stay flat as data grow: long lists are paged, the start page counts in the database."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company, Task, User
from crm.paging import PAGE_SIZE
from crm.timeutil import today, utcnow


def _rows(html: str) -> int:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return body.count("<tr")


def _add_tasks(app, email, n, *, done=False, days=-1):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        for i in range(n):
            db.session.add(Task(title=f"{'Udført' if done else 'Åben'} opgave {i:03d}",
                                due=today() + timedelta(days=days), assignee_id=user.id, created_by_id=user.id,
                                done=done, done_at=utcnow() if done else None))
        db.session.commit()


def _add_stale_partners(app, n, *, konsulent_email=None):
    with app.app_context():
        konsulent = (db.session.scalar(sa.select(User).where(User.email == konsulent_email))
                     if konsulent_email else None)
        for i in range(n):
            db.session.add(Company(name=f"Partner {i:03d}", name_key=f"partner {i:03d}", postcode="8000",
                                   city="Aarhus C", status="partner", konsulent=konsulent))
        db.session.commit()


def test_mine_opgaver_is_paged_with_open_tasks_first(app, browser, make_user):
    email = make_user("konsulent")
    _add_tasks(app, email, PAGE_SIZE + 7)
    _add_tasks(app, email, 3, done=True)
    browser.login(email)
    first = browser.get("/opgaver/").get_data(as_text=True)
    assert _rows(first) == PAGE_SIZE and "Udført opgave" not in first
    assert "Side 1 af 2" in first and 'href="/opgaver/?page=2"' in first
    second = browser.get("/opgaver/?page=2").get_data(as_text=True)
    assert _rows(second) == 10
    assert second.index("Åben opgave 056") < second.index("Udført opgave")


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999999999999999999", "1e9", ""])
def test_a_tampered_page_number_shows_the_first_page(browser, make_user, page):
    browser.login(make_user("admin"))
    for url in ("/opgaver/", "/virksomheder/kontakt-snart", "/admin/revisionslog"):
        response = browser.get(f"{url}?page={page}")
        assert response.status_code == 200, url
    browser.logout()
    browser.login(make_user("vejleder"))
    assert browser.get(f"/borgere/?page={page}").status_code == 200


def test_kontakt_snart_is_paged_and_keeps_the_konsulent_filter(app, browser, make_user):
    email = make_user("konsulent")
    _add_stale_partners(app, PAGE_SIZE + 5, konsulent_email=email)
    _add_stale_partners(app, 2)  # someone else's
    browser.login(email)
    html = browser.get("/virksomheder/kontakt-snart").get_data(as_text=True)
    assert f"{PAGE_SIZE + 5} partnere at kontakte" in html and _rows(html) == PAGE_SIZE
    with app.app_context():
        konsulent_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    link = re.search(r'href="(/virksomheder/kontakt-snart\?[^"]*page=2[^"]*)"', html).group(1)
    assert f"konsulent={konsulent_id}" in link
    assert _rows(browser.get(link.replace("&amp;", "&")).get_data(as_text=True)) == 5


def test_the_borger_list_is_paged_and_counts_the_whole_caseload(browser, make_user, make_borger):
    vejleder = make_user("vejleder")
    for i in range(PAGE_SIZE + 2):
        make_borger(vejleder, first_name=f"Borger{i:03d}")
    browser.login(vejleder)
    html = browser.get("/borgere/").get_data(as_text=True)
    assert _rows(html) == PAGE_SIZE and f"Du har {PAGE_SIZE + 2} aktive borgere" in html
    assert _rows(browser.get("/borgere/?page=2").get_data(as_text=True)) == 2


def test_the_start_page_counts_in_the_database_whatever_the_register_size(app, browser, make_user, count_queries):
    email = make_user("konsulent")
    browser.login(email)

    def start_page_queries():
        with count_queries() as counted:
            html = browser.get("/").get_data(as_text=True)
        return counted["n"], html

    _add_stale_partners(app, 3, konsulent_email=email)
    _add_tasks(app, email, 2)
    small, html = start_page_queries()
    assert "<strong>3</strong> partnere" in html
    _add_stale_partners(app, 40, konsulent_email=email)
    _add_tasks(app, email, 40)
    loaded = []

    def on_load(target, _context):
        loaded.append(target)

    sa.event.listen(Company, "load", on_load)
    sa.event.listen(Task, "load", on_load)
    try:
        large, html = start_page_queries()
    finally:
        sa.event.remove(Company, "load", on_load)
        sa.event.remove(Task, "load", on_load)
    assert "<strong>43</strong> partnere" in html and "<strong>42</strong>" in html
    assert large == small and loaded == []  # counted in the database, not loaded to be counted


def _add_contacted_partners(app, n, *, days_ago):
    with app.app_context():
        for i in range(n):
            db.session.add(Company(name=f"Kontaktet {i:03d}", name_key=f"kontaktet {i:03d}", postcode="8000",
                                   city="Aarhus C", status="partner",
                                   last_contact_at=utcnow() - timedelta(days=days_ago + i)))
        db.session.commit()


def _names(html: str, prefix: str) -> list[str]:
    return re.findall(rf">({prefix} \d{{3}})<", html)


def test_kontakt_snart_lists_the_never_contacted_then_the_longest_silent_across_pages(app, browser, make_user):
    _add_stale_partners(app, PAGE_SIZE - 2)
    _add_contacted_partners(app, 5, days_ago=40)
    _add_contacted_partners(app, 1, days_ago=5)  # contacted lately: not on the list
    browser.login(make_user("admin"))
    first = browser.get("/virksomheder/kontakt-snart?konsulent=alle").get_data(as_text=True)
    assert f"{PAGE_SIZE + 3} partnere at kontakte" in first
    assert _names(first, "Partner") == [f"Partner {i:03d}" for i in range(PAGE_SIZE - 2)]
    assert _names(first, "Kontaktet") == ["Kontaktet 004", "Kontaktet 003"]  # oldest contact first
    second = browser.get("/virksomheder/kontakt-snart?konsulent=alle&page=2").get_data(as_text=True)
    assert _names(second, "Kontaktet") == ["Kontaktet 002", "Kontaktet 001", "Kontaktet 000"]


def _add_openings(app, n, *, status="aaben", title="Åben"):
    from crm.models import Opening

    with app.app_context():
        company = Company(name=f"Stillingsfirma {status} {n}", name_key="", postcode="8000", status="partner")
        db.session.add(company)
        db.session.flush()
        for i in range(n):
            db.session.add(Opening(company_id=company.id, title=f"{title} {i:03d}", status=status,
                                   updated_at=utcnow() - timedelta(hours=i)))
        db.session.commit()


def test_the_openings_list_shows_the_open_ones_newest_first_then_the_others(app, browser, make_user):
    _add_openings(app, 3, status="besat", title="Besat")
    _add_openings(app, PAGE_SIZE - 1)
    browser.login(make_user("konsulent"))
    first = browser.get("/stillinger/").get_data(as_text=True)
    assert f"Stillinger ({PAGE_SIZE + 2})" in first
    assert _names(first, "Åben") == [f"Åben {i:03d}" for i in range(PAGE_SIZE - 1)]
    assert _names(first, "Besat") == ["Besat 000"]
    assert _names(browser.get("/stillinger/?page=2").get_data(as_text=True), "Besat") == ["Besat 001", "Besat 002"]


@pytest.mark.parametrize("url", ["/virksomheder/kontakt-snart?konsulent=alle", "/stillinger/"])
def test_a_list_page_runs_the_same_queries_for_a_small_and_a_large_register(app, browser, make_user,
                                                                           count_queries, url):
    browser.login(make_user("admin"))

    def queries():
        browser.get(url)  # warm: the first request of a session loads what every later one reuses
        with count_queries() as counted:
            assert browser.get(url).status_code == 200
        return counted["n"]

    _add_stale_partners(app, 3)
    _add_openings(app, 3)
    _add_openings(app, 2, status="lukket")
    small = queries()
    _add_stale_partners(app, 3 * PAGE_SIZE)
    _add_contacted_partners(app, PAGE_SIZE, days_ago=40)
    for _ in range(4):
        _add_openings(app, PAGE_SIZE)
    _add_openings(app, 2 * PAGE_SIZE, status="lukket")
    # Never more: a page that the first part fills skips the second part's rows query.
    assert queries() <= small
