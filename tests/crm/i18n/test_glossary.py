"""The glossary (/ordliste): the Danish domain words the English pages keep, explained in the
reader's language, the words themselves marked as Danish."""

import pytest

from crm.main.glossary import TERMS

WORDS = ("borger", "vejleder", "virksomhedskonsulent", "teamleder", "praktik", "flexjob", "løntilskud",
         "jobcenter", "efterværn", "IPS", "CVR")


def test_the_glossary_holds_every_kept_word():
    assert tuple(term.word for term in TERMS) == WORDS


@pytest.mark.parametrize("role", ["admin", "teamleder", "vejleder", "konsulent", "employer"])
def test_every_role_finds_the_glossary_in_the_footer(browser, make_user, role):
    browser.login(make_user(role))
    home = browser.get("/portal/" if role == "employer" else "/").get_data(as_text=True)
    assert 'href="/ordliste"' in home
    assert browser.get("/ordliste").status_code == 200


def test_the_glossary_in_english_explains_the_danish_words(browser, make_user):
    browser.login(make_user("vejleder"))
    browser.client.set_cookie("sprog", "en")
    page = browser.get("/ordliste").get_data(as_text=True)
    assert "<h1>Glossary</h1>" in page
    assert '<dt id="efterværn" lang="da">efterværn</dt>' in page
    assert '<dt id="ips">IPS</dt>' in page  # English to begin with
    assert "without a time limit" in page


def test_the_glossary_in_danish_has_danish_explanations(browser, make_user):
    browser.login(make_user("konsulent"))
    page = browser.get("/ordliste").get_data(as_text=True)
    assert "<h1>Ordliste</h1>" in page
    assert '<dt id="løntilskud" lang="da">løntilskud</dt>' in page
    assert "Støtten uden tidsbegrænsning" in page


def test_the_glossary_needs_a_login(client):
    response = client.get("/ordliste")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
