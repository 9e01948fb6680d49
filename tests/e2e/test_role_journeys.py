"""Each staff role's main pages in a real browser, so that every main page is checked by axe-core
(tests/e2e/axe.py) at least once: the vejleder's caseload week, the konsulent's register and
openings, the admin's users, programmes and contract, the teamleder's caseloads. The pages the
other browser tests already walk (the match list, the company list and map, the import, the portal
journey) are not walked again here."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Borger, Company, Programme, User
from crm.models.programme import OutcomeKind as K
from crm.services.contacts import add_contact_person, create_task, log_contact
from crm.services.contracts import save_contract
from crm.services.outcomes import record_outcome
from crm.services.programmes import load_demo_programmes
from crm.timeutil import today

pytestmark = pytest.mark.e2e


@pytest.fixture
def register(app, make_user, make_teamleder, make_borger, make_partner, make_opening, propose):
    """A small working register: a programme with a results contract, one person in each staff role,
    a partner company with a contact, a logged meeting, tasks, an opening and a proposed borger."""
    with app.app_context():
        load_demo_programmes()
        db.session.commit()
        pid = db.session.scalar(sa.select(Programme.id).where(Programme.name == "Din vej i job"))
    people = {"konsulent": make_user("konsulent", name="Karl Konsulent"), "vejleder": make_user("vejleder"),
              "admin": make_user("admin"), "teamleder": make_teamleder(programme="Din vej i job")[0]}
    company_id = make_partner("Jyllands Lager ApS", industry_text="Lager og logistik")
    make_partner("Jydsk Lager A/S", postcode="8200")  # a near namesake, for the merge page
    opening_id = make_opening(company_id)
    borger_id = make_borger(people["vejleder"], programme_id=pid, first_name="Mette")
    propose(borger_id, company_id, opening_id)
    with app.app_context():
        users = {role: db.session.scalar(sa.select(User).where(User.email == email))
                 for role, email in people.items()}
        company = db.session.get(Company, company_id)
        company.konsulent_id = users["konsulent"].id
        add_contact_person(company, {"name": "Susanne Sørensen", "role": "Indehaver", "phone": "86 12 34 56"})
        log_contact(company, {"kind": "meeting", "with_whom": "Susanne", "summary": "Rundvisning på lageret."},
                    actor=users["konsulent"])
        for role in ("konsulent", "vejleder"):
            create_task(title="Ring til Susanne om praktik", due=today() + timedelta(days=2),
                        assignee_id=users[role].id, company=company)
        borger = db.session.get(Borger, borger_id)
        record_outcome(borger, K.ORDINARY_JOB_START, on_date=today(), actor=borger.vejleder)
        save_contract(db.session.get(Programme, pid), {
            "municipality": "Aarhus Kommune", "investor": "Rådet for Sociale Investeringer",
            "operator": "IPSCenter Danmark", "starts_on": date(today().year - 1, 1, 1),
            "ends_on": date(today().year + 1, 12, 31), "investment": 1_000_000,
            "rules": [{"label": "Job eller uddannelse", "amount": 50_000, "cap": 10, "deadline": None,
                       "evidence": [K.ORDINARY_JOB_START, K.EDUCATION_START], "verifier": "Aarhus Kommune"}],
        }, actor=users["admin"])
        db.session.commit()
        ids = {"programme": pid, "company": company_id, "opening": opening_id, "borger": borger_id,
               "vejleder": users["vejleder"].id, "konsulent": users["konsulent"].id}
    return people, ids


def visit(page, url, heading):
    """Open a page as a person would by its address, and see that it is the page asked for."""
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def menu(page, label, heading):
    """Follow a link in the main menu."""
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def test_vejleder_walks_the_caseload_week(page, login, live_server, register):
    people, ids = register
    login(people["vejleder"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    menu(page, "Min uge", "Min uge")
    menu(page, "Borgere", "Min caseload")
    page.get_by_role("link", name="Ny borger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny borger")
    visit(page, f"{live_server}/borgere/{ids['borger']}", "Mette")
    visit(page, f"{live_server}/borgere/{ids['borger']}/rediger", "Rediger Mette")
    visit(page, f"{live_server}/borgere/{ids['borger']}/indsigt", "Dine oplysninger")
    visit(page, f"{live_server}/borgere/til-stilling/{ids['opening']}", "Borgere, der kan passe til")
    menu(page, "Stillinger", "Stillinger og praktikpladser")
    visit(page, f"{live_server}/stillinger/{ids['opening']}", "Lagermedarbejder")
    menu(page, "Mine opgaver", "Mine opgaver")
    menu(page, "Indsatser", "Indsatser")
    page.get_by_role("link", name="Din vej i job").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din vej i job")
    visit(page, f"{live_server}/indsatser/{ids['programme']}/kontakter/{ids['vejleder']}",
          "Arbejdsgiverkontakter ansigt til ansigt")
    visit(page, f"{live_server}/indsatser/{ids['programme']}/print", "Din vej i job")
    menu(page, "Adresseopslag", "Adresseopslag")


def test_konsulent_walks_the_register_and_the_openings(page, login, live_server, register):
    people, ids = register
    company = f"{live_server}/virksomheder/{ids['company']}"
    login(people["konsulent"])
    menu(page, "Kontakt snart", "Kontakt snart")
    visit(page, company, "Jyllands Lager ApS")
    visit(page, f"{company}/rediger", "Rediger Jyllands Lager ApS")
    visit(page, f"{company}/kontaktpersoner/ny", "Ny kontaktperson")
    visit(page, f"{company}/opgaver/ny", "Ny opgave")
    visit(page, f"{company}/flet", "Flet dubletter ind i Jyllands Lager ApS")
    visit(page, f"{live_server}/borgere/til-virksomhed/{ids['company']}", "Borgere, der kan passe til")
    visit(page, f"{live_server}/stillinger/virksomhed/{ids['company']}/ny", "Ny stilling")
    visit(page, f"{live_server}/stillinger/{ids['opening']}/rediger", "Rediger Lagermedarbejder")
    visit(page, f"{live_server}/stillinger/virksomhed/{ids['company']}/adgang", "Adgang til virksomhedsportalen")
    visit(page, f"{live_server}/virksomheder/import/historik", "Importer af virksomheder")
    visit(page, f"{live_server}/indsatser/sammenligning", "Indsatserne sammenlignet")


def test_admin_walks_users_programmes_and_the_results_contract(page, login, live_server, register):
    people, ids = register
    programme = f"{live_server}/indsatser/{ids['programme']}"
    login(people["admin"])
    menu(page, "Brugere", "Brugere")
    page.get_by_role("link", name="Karl Konsulent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rediger Karl Konsulent")
    menu(page, "Revisionslog", "Revisionslog")
    menu(page, "Matchvægte", "Matchvægte")
    visit(page, f"{live_server}/indsatser/ny", "Ny indsats")
    visit(page, f"{programme}/rediger", "Redigér Din vej i job")
    visit(page, f"{programme}/kontrakt/rediger", "Redigér resultatkontrakt")
    visit(page, f"{programme}/kontrakt", "Resultatkontrakt: Din vej i job")
    visit(page, f"{programme}/kontrakt/verificering", "Verificering af resultater")
    visit(page, f"{programme}/kontrakt/investor", "Investorrapport: Din vej i job")


def test_teamleder_reads_the_caseloads_and_hands_a_borger_over(page, login, live_server, register):
    people, ids = register
    login(people["teamleder"])
    menu(page, "Borgere", "Borgere i dine indsatser")
    page.get_by_role("link", name="Mette (B-").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mette")
    visit(page, f"{live_server}/borgere/{ids['borger']}/overdrag", "til en anden vejleder")
    visit(page, f"{live_server}/indsatser/{ids['programme']}/kontrakt", "Resultatkontrakt: Din vej i job")
