"""The company list leads to creating and importing companies, for those who may (issue 16)."""

import pytest

NEW_LINK = 'href="/virksomheder/ny"'
IMPORT_LINK = 'href="/virksomheder/import"'


@pytest.mark.parametrize("role", ["konsulent", "admin"])
def test_those_who_run_the_register_find_new_and_import_on_the_company_list(browser, make_user, role):
    browser.login(make_user(role))
    html = browser.get("/virksomheder/").get_data(as_text=True)
    assert NEW_LINK in html and ">Ny virksomhed<" in html
    assert IMPORT_LINK in html and ">Importér virksomheder<" in html


@pytest.mark.parametrize("role", ["vejleder", "teamleder"])
def test_others_see_no_link_they_could_not_follow(browser, make_user, role):
    browser.login(make_user(role))
    html = browser.get("/virksomheder/").get_data(as_text=True)
    assert NEW_LINK not in html
    assert IMPORT_LINK not in html
