"""Danish alphabetical order (issue 16): æ, ø, å after z, wherever names are sorted, on both databases."""

import re

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Company
from crm.services.companies import create_company
from crm.services.company_search import CompanySearch, search_companies
from crm.sorting import danish, danish_key, sort_key

# What PostgreSQL's "da-DK-x-icu" answers for these names (checked with psql).
ICU_ORDER = ["1a", "Abe", "abe", "Ebbe", "Édith", "Hansen", "hansen", "Hz", "Haag", "Mads", "Mylius",
             "Müller", "van Dam", "Vandam", "Über", "Yvonne", "Zebra", "Zz", "Ægir", "Ærø", "Ø", "Øster",
             "Åkande", "Aalborg", "Århus"]


def test_danish_key_puts_ae_oe_aa_after_z_and_aa_as_aa():
    assert sorted(["Åkande", "Zebra", "Ørsted", "Ærø", "Anders"], key=danish_key) == [
        "Anders", "Zebra", "Ærø", "Ørsted", "Åkande"]
    assert sorted(reversed(ICU_ORDER), key=danish_key) == ICU_ORDER


def test_the_database_sorts_as_danish_key(app):
    """The collation the queries use gives the order ``danish_key`` gives, on SQLite and PostgreSQL."""
    names = sa.union_all(*(sa.select(sa.literal(n, sa.String).label("name")) for n in reversed(ICU_ORDER)))
    column = names.subquery().c.name
    with app.app_context():
        ordered = db.session.scalars(sa.select(column).order_by(danish(column))).all()
    assert ordered == ICU_ORDER


@pytest.fixture
def companies(app):
    with app.app_context():
        for name in ["Åkande Planteskole", "Zebra Cykler", "Ørsted Auto", "Ærø Kro", "Aarhus Bageri",
                     "Bageri Nord"]:
            create_company({"name": name, "postcode": "8000"})
        db.session.commit()


# "Aarhus" sorts as "Århus", so after "Åkande".
DANISH_COMPANY_ORDER = ["Bageri Nord", "Zebra Cykler", "Ærø Kro", "Ørsted Auto", "Åkande Planteskole",
                        "Aarhus Bageri"]


def search_names(app, **filters):
    with app.app_context():
        return [hit.company.name for hit in search_companies(CompanySearch(**filters)).hits]


def test_company_list_sorts_ae_oe_aa_after_z(app, companies):
    assert search_names(app, sort="name") == DANISH_COMPANY_ORDER


def test_company_search_by_name_and_near_sorts_ae_oe_aa_after_z(app, companies):
    """The paths that sort in Python (a distance origin, a text query) give the same order."""
    assert search_names(app, sort="name", postcode="8000", origin=(56.15, 10.2), radius_km=50) == \
        DANISH_COMPANY_ORDER
    assert search_names(app, q="bageri", sort="name") == ["Bageri Nord", "Aarhus Bageri"]


def test_company_list_page_shows_danish_order(app, companies, make_user, browser):
    browser.login(make_user("konsulent"))
    html = browser.get("/virksomheder/?sort=name").get_data(as_text=True)
    found = [name for name in re.findall(r">([^<>]+)</a>", html) if name in DANISH_COMPANY_ORDER]
    assert found == DANISH_COMPANY_ORDER


def test_borger_list_sorts_ae_oe_aa_after_z(app, make_user, make_borger, browser):
    vejleder = make_user("vejleder")
    for first_name in ["Åse", "Zenia", "Øjvind", "Ærling", "Anna"]:
        make_borger(vejleder, first_name=first_name)
    browser.login(vejleder)
    html = browser.get("/borgere/").get_data(as_text=True)
    shown = re.findall(r"\b(Åse|Zenia|Øjvind|Ærling|Anna)\b", html)
    assert list(dict.fromkeys(shown)) == ["Anna", "Zenia", "Ærling", "Øjvind", "Åse"]


def test_user_list_sorts_ae_oe_aa_after_z(app, make_user, browser):
    for name in ["Åge Holm", "Zakarias Berg", "Øje Lund", "Ærlig Dam"]:
        make_user("konsulent", name=name)
    browser.login(make_user("admin", name="Bent Admin"))
    html = browser.get("/admin/brugere").get_data(as_text=True)
    shown = re.findall(r"\b(Åge Holm|Zakarias Berg|Øje Lund|Ærlig Dam|Bent Admin)\b", html)
    assert list(dict.fromkeys(shown)) == ["Bent Admin", "Zakarias Berg", "Ærlig Dam", "Øje Lund", "Åge Holm"]


def test_company_sort_key_follows_its_name_key(app):
    """The indexed key the company list pages by is kept with name_key, by the model."""
    company = Company(name="Zebra", name_key="zebra", postcode="8000")
    assert company.sort_key == sort_key("zebra")
    company.name_key = "aakande"
    assert company.sort_key == sort_key("aakande") > sort_key("zebra")


def test_sort_key_orders_as_danish_key():
    assert sorted(reversed(ICU_ORDER), key=sort_key) == ICU_ORDER


def test_kontakt_snart_lists_partners_in_danish_order(app, make_user, browser):
    """Never-contacted partners are read in the order of the sort key, as the company list sorts."""
    with app.app_context():
        for name in DANISH_COMPANY_ORDER[::-1]:
            create_company({"name": name, "postcode": "8000", "status": "partner"})
        db.session.commit()
    browser.login(make_user("konsulent"))
    html = browser.get("/virksomheder/kontakt-snart?konsulent=alle").get_data(as_text=True)
    found = [name for name in re.findall(r">([^<>]+)</a>", html) if name in DANISH_COMPANY_ORDER]
    assert found == DANISH_COMPANY_ORDER
