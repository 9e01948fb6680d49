"""Openings in English: kinds and statuses are worded in the reader's language, and the names the
catalogue translates are the kind table's own."""

from crm.models.opening import KIND_NAMES, OpeningKind, OpeningStatus, kind_name
from matcher.kinds import KIND_LABEL


def test_every_kind_of_the_table_has_its_name_marked_for_translation():
    assert sorted(str(name) for name in KIND_NAMES) == sorted(KIND_LABEL.values())


def test_kind_and_status_labels_follow_the_language(app):
    from crm.i18n import in_language

    with app.test_request_context():
        assert (OpeningKind.JOB.label, OpeningStatus.BESAT.label) == ("Ordinært job", "Besat")
        with in_language("en"):
            assert (OpeningKind.JOB.label, OpeningStatus.BESAT.label) == ("Ordinary job", "Filled")
            assert kind_name("ukendt") == "ukendt"


def test_a_konsulent_reading_english_sees_the_openings_list_in_english(browser, make_user, make_partner,
                                                                       make_opening):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    make_opening(company_id, title="Lagermedarbejder", days_unconfirmed=35)
    browser.login(make_user("konsulent"))
    browser.client.set_cookie("sprog", "en")
    page = browser.get("/stillinger/").get_data(as_text=True)
    assert "Ordinary job" in page and "Needs confirming" in page and ">Open<" in page
    assert "Ordinært job" not in page and "Skal bekræftes" not in page


def test_a_flash_after_confirming_an_opening_is_english(browser, make_user, make_partner, make_opening):
    company_id = make_partner("Lager A/S", "8000", "Lager")
    opening_id = make_opening(company_id, title="Lagermedarbejder", days_unconfirmed=35)
    browser.login(make_user("konsulent"))
    browser.client.set_cookie("sprog", "en")
    response = browser.post_form(f"/stillinger/{opening_id}/bekraeft", {}, form_page=f"/stillinger/{opening_id}",
                                 follow_redirects=True)
    assert "“Lagermedarbejder” is confirmed as open." in response.get_data(as_text=True)
