"""Finding companies: typo-tolerant search, filters, distance, sorting, pagination, map JSON, visit
planning and who may open it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from geopy.distance import geodesic

from crm.extensions import db
from crm.models import Company
from crm.services.company_search import CompanySearch, search_companies
from crm.services.geocoding import lookup_postcode
from crm.timeutil import utcnow

CVR_HANSEN = "12345674"


@pytest.fixture
def add_company(app, make_company):
    """Create a company through the service; extra keys set status, offers, contact date."""

    def _add(name, postcode="8000", *, last_contact_days=None, **data):
        company_id = make_company(name, postcode, **data)
        if last_contact_days is not None:
            with app.app_context():
                db.session.get(Company, company_id).last_contact_at = utcnow() - timedelta(days=last_contact_days)
                db.session.commit()
        return company_id

    return _add


def names(app, filters=None, **kwargs):
    with app.app_context():
        result = search_companies(filters or CompanySearch(), **{"page": 1, "per_page": 50, **kwargs})
        return [hit.company.name for hit in result.hits]


def near(postcode, km):
    place = lookup_postcode(postcode)
    return {"postcode": postcode, "origin": (place.lat, place.lon), "radius_km": km}


# --- text search -------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Hasnens bageri", "Bagerie Hansen", "hansens bagri"])
def test_misspelled_name_finds_company(app, add_company, query):
    add_company("Hansens Bageri ApS")
    add_company("Netto Holstebro", "7500")
    assert names(app, CompanySearch(q=query)) == ["Hansens Bageri ApS"]


def test_search_leaves_out_unrelated_companies(app, add_company):
    add_company("Hansens Bageri")
    add_company("Vestjysk Maskinfabrik", "7500")
    assert names(app, CompanySearch(q="maskinfabrik")) == ["Vestjysk Maskinfabrik"]


def test_exact_cvr_finds_that_company(app, add_company):
    add_company("Hansens Bageri", cvr=CVR_HANSEN)
    add_company("Jensens Bageri", cvr="12345682")
    assert names(app, CompanySearch(q=CVR_HANSEN)) == ["Hansens Bageri"]


def test_cvr_with_dk_prefix_and_spaces_finds_company(app, add_company):
    add_company("Hansens Bageri", cvr=CVR_HANSEN)
    assert names(app, CompanySearch(q="DK 1234 5674")) == ["Hansens Bageri"]


def test_search_matches_city(app, add_company):
    add_company("Netto", "7500")
    add_company("Føtex", "8000")
    assert names(app, CompanySearch(q="Holstebr")) == ["Netto"]


def test_search_matches_free_tag(app, add_company):
    add_company("Netto", "7500", tags=["CSR-pris 2024"])
    add_company("Føtex", "8000")
    assert names(app, CompanySearch(q="csr pris")) == ["Netto"]


def test_relevance_puts_closest_name_first(app, add_company):
    add_company("Hansen Tømrer")
    add_company("Hansens Bageri")
    assert names(app, CompanySearch(q="hansens bageri"))[0] == "Hansens Bageri"


# --- filters -----------------------------------------------------------------------------------

def test_status_filter_keeps_chosen_statuses(app, add_company):
    add_company("Emne A")
    add_company("Partner B", status="partner")
    add_company("Dialog C", status="dialog")
    assert names(app, CompanySearch(statuses=("partner", "dialog"))) == ["Dialog C", "Partner B"]


def test_industry_filter(app, add_company):
    add_company("Bageriet", industry_code="C")
    add_company("Butikken", industry_code="G")
    assert names(app, CompanySearch(industry_code="G")) == ["Butikken"]


def test_offers_filter_requires_every_chosen_offer(app, add_company):
    add_company("Begge", offers=["mentor", "flexjob"])
    add_company("Kun mentor", offers=["mentor"])
    add_company("Ingen")
    assert names(app, CompanySearch(offers=("mentor", "flexjob"))) == ["Begge"]
    assert names(app, CompanySearch(offers=("mentor",))) == ["Begge", "Kun mentor"]


def test_konsulent_filter(app, add_company, make_user, user_id):
    konsulent = user_id(make_user("konsulent"))
    add_company("Min virksomhed", konsulent_id=konsulent)
    add_company("Andens virksomhed")
    assert names(app, CompanySearch(konsulent_id=konsulent)) == ["Min virksomhed"]


def test_distance_filter_uses_geodesic_distance(app, add_company):
    add_company("Aarhus Bageri", "8000")
    add_company("Holstebro Bageri", "7500")
    with app.app_context():
        within_5 = CompanySearch(**near("8000", 5))
        within_50 = CompanySearch(**near("8000", 50))
    assert names(app, within_5) == ["Aarhus Bageri"]
    assert names(app, within_50) == ["Aarhus Bageri"]  # Holstebro is about 101 km away


def test_distance_filter_cuts_at_the_exact_geodesic_distance(app, add_company):
    add_company("Holstebro Bageri", "7500")
    with app.app_context():
        aarhus, holstebro = lookup_postcode("8000"), lookup_postcode("7500")
        expected = geodesic((aarhus.lat, aarhus.lon), (holstebro.lat, holstebro.lon)).km  # ≈ 100.26
        assert search_companies(CompanySearch(**near("8000", expected - 0.2)), page=1, per_page=50).total == 0
        hit = search_companies(CompanySearch(**near("8000", expected + 0.2)), page=1, per_page=50).hits[0]
    assert hit.distance_km == pytest.approx(expected, rel=1e-3)


def test_distance_combines_with_text_and_status(app, add_company):
    add_company("Hansens Bageri", "8000", status="partner")
    add_company("Hansens Bageri", "7500", status="partner")
    add_company("Hansens Bageri Syd", "8000")
    with app.app_context():
        filters = CompanySearch(q="hasnens bageri", statuses=("partner",), **near("8000", 25))
        hits = search_companies(filters, page=1, per_page=50).hits
    assert [(h.company.name, h.company.postcode) for h in hits] == [("Hansens Bageri", "8000")]


# --- sorting -----------------------------------------------------------------------------------

def test_default_sort_is_by_name(app, add_company):
    for name in ("Cafe Cesar", "Anker Auto", "Bo's Bolcher"):
        add_company(name)
    assert names(app) == ["Anker Auto", "Bo's Bolcher", "Cafe Cesar"]


def test_sort_by_city(app, add_company):
    add_company("A", "8000")  # Aarhus C
    add_company("B", "7500")  # Holstebro
    assert names(app, CompanySearch(sort="city")) == ["A", "B"]


def test_sort_by_status_follows_the_pipeline(app, add_company):
    add_company("P", status="partner")
    add_company("E")
    add_company("D", status="dialog")
    assert names(app, CompanySearch(sort="status")) == ["E", "D", "P"]


def test_sort_by_last_contact_puts_never_contacted_then_oldest_first(app, add_company):
    add_company("Nylig", last_contact_days=2)
    add_company("Gammel", last_contact_days=90)
    add_company("Aldrig")
    assert names(app, CompanySearch(sort="last_contact")) == ["Aldrig", "Gammel", "Nylig"]


def test_sort_by_distance_puts_nearest_first(app, add_company):
    add_company("Holstebro", "7500")
    add_company("Aarhus", "8000")
    add_company("Hedensted", "8722")
    with app.app_context():
        place = lookup_postcode("8000")
    assert names(app, CompanySearch(postcode="8000", origin=(place.lat, place.lon))) == [
        "Aarhus", "Hedensted", "Holstebro"]


def test_text_search_can_be_sorted_by_name(app, add_company):
    add_company("Bageriet Hansen")
    add_company("Alfa Bageri Hansen")
    assert names(app, CompanySearch(q="bageri hansen", sort="name")) == [
        "Alfa Bageri Hansen", "Bageriet Hansen"]


# --- pagination --------------------------------------------------------------------------------

def _many(app, count):
    with app.app_context():
        db.session.execute(sa.insert(Company), [
            {"name": f"Firma {i:03d}", "name_key": f"firma {i:03d}", "postcode": "8000", "city": "Aarhus C",
             "lat": 56.15, "lon": 10.2, "status": "emne", "tags": []}
            for i in range(count)
        ])
        db.session.commit()


def test_pagination_gives_fifty_a_page(app):
    _many(app, 120)
    with app.app_context():
        result = search_companies(CompanySearch(), page=3, per_page=50)
        assert (result.total, result.pages, len(result.hits)) == (120, 3, 20)
        assert result.hits[0].company.name == "Firma 100"


def test_pagination_of_a_text_search(app):
    _many(app, 120)
    with app.app_context():
        result = search_companies(CompanySearch(q="firma", sort="name"), page=2, per_page=50)
        assert (result.total, result.hits[0].company.name) == (120, "Firma 050")


def test_page_past_the_end_shows_the_last_page(app):
    _many(app, 60)
    with app.app_context():
        result = search_companies(CompanySearch(), page=9, per_page=50)
        assert (result.page, len(result.hits)) == (2, 10)


# --- the list page -----------------------------------------------------------------------------

@pytest.fixture
def konsulent(browser, make_user):
    browser.login(make_user("konsulent"))
    return browser


def test_list_page_finds_misspelled_name_and_links_to_company(konsulent, add_company):
    company_id = add_company("Hansens Bageri")
    add_company("Netto", "7500")
    html = konsulent.get("/virksomheder/?q=Hasnens+bageri").get_data(as_text=True)
    assert f'href="/virksomheder/{company_id}"' in html
    assert "Netto" not in html


def test_list_page_keeps_the_filters_in_the_form(konsulent, add_company):
    add_company("Hansens Bageri", status="partner", offers=["mentor"])
    html = konsulent.get("/virksomheder/?q=bageri&status=partner&offers=mentor&postcode=8000&radius=10"
                         ).get_data(as_text=True)
    assert 'name="q" type="text" value="bageri"' in html
    assert '<input checked id="status-2" name="status" type="checkbox" value="partner">' in html
    assert 'checked id="offers-3" name="offers" type="checkbox" value="mentor"' in html
    assert 'name="radius" type="number" value="10"' in html


def test_list_page_shows_days_since_last_contact(konsulent, add_company):
    add_company("Hansens Bageri", last_contact_days=12)
    html = konsulent.get("/virksomheder/").get_data(as_text=True)
    assert "<td>12</td>" in html


def test_list_page_pagination_links_keep_the_filters(konsulent, app):
    _many(app, 60)
    html = konsulent.get("/virksomheder/?status=emne").get_data(as_text=True)
    assert "page=2" in html and "status=emne" in html.split("Næste")[0].rsplit("href", 1)[1]


def test_distance_without_postcode_is_explained(konsulent):
    html = konsulent.get("/virksomheder/?radius=10").get_data(as_text=True)
    assert "Angiv et postnummer for at søge efter afstand." in html


def test_unknown_postcode_is_explained(konsulent):
    html = konsulent.get("/virksomheder/?postcode=0001&radius=10").get_data(as_text=True)
    assert "Postnummer 0001 findes ikke i Danmark." in html


def test_list_page_has_export_and_map_links_with_the_filters(konsulent, add_company):
    add_company("Hansens Bageri", status="partner")
    html = konsulent.get("/virksomheder/?status=partner").get_data(as_text=True)
    assert "/virksomheder/eksport.csv?status=partner" in html
    assert "/virksomheder/kort?status=partner" in html


# --- map ---------------------------------------------------------------------------------------

def test_map_json_returns_filtered_companies_with_coordinates(konsulent, add_company):
    company_id = add_company("Hansens Bageri", status="partner")
    add_company("Emne", "7500")
    data = konsulent.get("/virksomheder/kort.json?status=partner").get_json()
    assert [c["name"] for c in data["companies"]] == ["Hansens Bageri"]
    marker = data["companies"][0]
    assert marker["id"] == company_id and marker["url"] == f"/virksomheder/{company_id}"
    assert 56.0 < marker["lat"] < 56.3 and 10.0 < marker["lon"] < 10.4
    assert marker["status"] == "partner" and marker["city"]


def test_map_json_rejects_bad_filters(konsulent):
    response = konsulent.get("/virksomheder/kort.json?postcode=abc&radius=5")
    assert response.status_code == 400
    assert "postcode" in response.get_json()["errors"]


def test_map_page_passes_tile_url_and_json_url(browser, make_user, make_app):
    other = make_app(MAP_TILE_URL="https://tiles.example.test/{z}/{x}/{y}.png")
    client = other.test_client()
    from tests.conftest import Browser
    b = Browser(client)
    b.login(make_user("konsulent"))
    html = client.get("/virksomheder/kort?status=partner").get_data(as_text=True)
    assert 'data-tile-url="https://tiles.example.test/{z}/{x}/{y}.png"' in html
    assert 'data-json-url="/virksomheder/kort.json?status=partner"' in html
    assert "vendor/leaflet/leaflet.js" in html and "js/company_map.js" in html


def test_map_page_lists_companies_in_a_table(konsulent, add_company):
    add_company("Hansens Bageri")
    html = konsulent.get("/virksomheder/kort").get_data(as_text=True)
    assert "<caption>Virksomhederne på kortet</caption>" in html and "Hansens Bageri" in html


# --- visit planning ----------------------------------------------------------------------------

def test_nearby_lists_partners_nearest_first_with_days_since_contact(konsulent, add_company):
    add_company("Hedensted Partner", "8722", status="partner", last_contact_days=40)
    add_company("Aarhus Partner", "8000", status="partner", last_contact_days=3)
    add_company("Aarhus Emne", "8000")
    add_company("Holstebro Partner", "7500", status="partner")
    html = konsulent.get("/virksomheder/naer?postcode=8000&radius=60").get_data(as_text=True)
    table = html.split("<tbody>")[1]
    assert table.index("Aarhus Partner") < table.index("Hedensted Partner")
    assert "Aarhus Emne" not in table and "Holstebro Partner" not in table
    assert "<td>40</td>" in table


def test_nearby_can_include_all_statuses(konsulent, add_company):
    add_company("Aarhus Emne", "8000")
    html = konsulent.get("/virksomheder/naer?postcode=8000&radius=10&all_statuses=y").get_data(as_text=True)
    assert "Aarhus Emne" in html


def test_nearby_from_a_company_leaves_out_the_company_itself(konsulent, add_company):
    origin = add_company("Udgangspunkt", "8000", status="partner")
    add_company("Nabo", "8000", status="partner")
    html = konsulent.get(f"/virksomheder/naer?company_id={origin}&radius=5").get_data(as_text=True)
    table = html.split("<tbody>")[1]
    assert "Nabo" in table and "Udgangspunkt" not in table


def test_nearby_links_to_the_map_with_the_same_filter(konsulent, add_company):
    add_company("Aarhus Partner", "8000", status="partner")
    html = konsulent.get("/virksomheder/naer?postcode=8000&radius=20").get_data(as_text=True)
    assert "/virksomheder/kort?postcode=8000&amp;radius=20&amp;sort=distance&amp;status=partner" in html


def test_nearby_needs_a_postcode_or_a_company(konsulent):
    html = konsulent.get("/virksomheder/naer?radius=20").get_data(as_text=True)
    assert "Angiv et postnummer eller vælg en virksomhed." in html


# --- access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/virksomheder/", "/virksomheder/kort", "/virksomheder/kort.json",
                                 "/virksomheder/naer", "/virksomheder/eksport.csv",
                                 "/virksomheder/eksport.xlsx"])
def test_employer_is_refused(browser, make_user, url):
    browser.login(make_user("employer"))
    assert browser.get(url).status_code == 403


@pytest.mark.parametrize("role", ["vejleder", "admin"])
def test_other_staff_may_search(browser, make_user, role):
    browser.login(make_user(role))
    assert browser.get("/virksomheder/").status_code == 200


# --- the in-memory text index stays current ----------------------------------------------------

def test_search_sees_a_company_added_after_an_earlier_search(app, add_company):
    add_company("Hansens Bageri")
    assert names(app, CompanySearch(q="bageri")) == ["Hansens Bageri"]
    add_company("Jensens Bageri")
    assert names(app, CompanySearch(q="bageri")) == ["Hansens Bageri", "Jensens Bageri"]


def test_search_sees_a_rename_after_an_earlier_search(app, add_company):
    from crm.services.companies import company_profile, update_company

    company_id = add_company("Hansens Bageri")
    assert names(app, CompanySearch(q="hansens bageri")) == ["Hansens Bageri"]
    with app.app_context():
        company = db.session.get(Company, company_id)
        update_company(company, {**company_profile(company), "name": "Vestjysk Maskinfabrik"},
                       expected_version=company.version)
        db.session.commit()
    assert names(app, CompanySearch(q="hansens bageri")) == []
    assert names(app, CompanySearch(q="vestjysk maskinfabrik")) == ["Vestjysk Maskinfabrik"]


def test_distance_that_is_not_a_number_is_explained(konsulent):
    html = konsulent.get("/virksomheder/?postcode=8000&radius=ti").get_data(as_text=True)
    assert "Angiv afstanden som et helt antal km." in html
