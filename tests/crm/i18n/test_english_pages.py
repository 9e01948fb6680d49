"""Every page of every role in English: the authorization matrix's world is walked once more with
the language set to English (the ``sprog`` cookie), and no page a role may open shows Danish UI
text (tests/crm/i18n/danish.py decides what that is; the world's own data, the names and texts
people typed, stay as written).

One test per page (endpoint), so a page's leftovers are named where they are.
"""

import csv

import pytest
import sqlalchemy as sa

from crm.extensions import db
from tests.crm.i18n.danish import danish_words
from tests.crm.security.test_authz_matrix import (  # noqa: F401  (world is a fixture)
    MATRIX_PATH,
    ROLES,
    app_rules,
    expectation,
    load_matrix,
    urls_for,
    world,
)

# Not pages: files, feeds, JSON and the API (their own tests check their language).
NOT_PAGES = ("api.", "api_docs.", "static", "main.favicon")


def _page_rows() -> list[dict]:
    with MATRIX_PATH.open(newline="") as file:
        return [row for row in csv.DictReader(file)
                if row["method"] == "GET" and not row["endpoint"].startswith(NOT_PAGES)]


PAGES = sorted({row["endpoint"] for row in _page_rows()})


def _data_strings() -> list[str]:
    """Every text value in the database: what people typed and the reference data."""
    values = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
        if columns:
            for row in db.session.execute(sa.select(*columns)):
                values.extend(v for v in row if isinstance(v, str))
    return values


@pytest.fixture(scope="module")
def english_walk(world):  # noqa: F811
    with world.app.app_context():
        data = _data_strings()
    for client in world.clients.values():
        client.set_cookie("sprog", "en")
    findings: dict[str, list[str]] = {endpoint: [] for endpoint in PAGES}
    checked: dict[str, int] = dict.fromkeys(PAGES, 0)
    matrix = load_matrix()
    for (rule, method), endpoint in sorted(app_rules(world.app).items()):
        row = matrix.get((rule, method))
        if method != "GET" or row is None or endpoint not in findings:
            continue
        query = QUERIES.get(endpoint, "").format(**world.ids)
        for url in (u + query for u in urls_for(rule, endpoint, "own", world.ids)):
            for role in ROLES:
                if expectation(row, role, "own") != "allow":
                    continue
                with world.clients[role].get(url) as response:
                    if response.status_code != 200 or response.mimetype != "text/html":
                        continue
                    checked[endpoint] += 1
                    words = danish_words(response.get_data(as_text=True), data)
                if words:
                    findings[endpoint].append(f"{url} as {role}: {', '.join(words)}")
    yield findings, checked
    for client in world.clients.values():
        client.delete_cookie("sprog")


@pytest.mark.parametrize("endpoint", PAGES)
def test_the_page_has_no_danish_left_in_english(english_walk, endpoint):
    findings, _checked = english_walk
    assert not findings[endpoint], "\n".join(findings[endpoint])


# GET routes the walk reads no HTML from: files, feeds and JSON (their own tests check their
# language), redirects, and pages that need a step before them, each checked in English where the
# step is taken (the second factor: tests/crm/auth/test_second_factor.py; the import preview:
# tests/crm/companies; the investor report: tests/crm/contracts).
NOT_HTML = {
    "account.calendar_feed", "admin.audit_export", "attachments.company_download", "attachments.placement_download",
    "borgere.export", "companies.export", "companies.map_data", "contracts.comparison_export",
    "contracts.investor_export", "jobs.download", "jobs.status", "reports.export",
    "companies.apply_saved_filter",  # a redirect to the list with the filter's query
    "auth.second_factor_setup", "auth.second_factor_verify", "companies.import_preview",
    "contracts.investor_report", "contracts.verification",
}
# Pages that need a query to show anything: the walk adds it (rule → query string).
QUERIES = {"borgere.propose_target": "?target=company:{CA}"}


def test_the_walk_read_every_page(english_walk):
    """A page that answered no role with HTML was not checked: a broken walk must not pass."""
    _findings, checked = english_walk
    unread = sorted(endpoint for endpoint, count in checked.items() if not count and endpoint not in NOT_HTML)
    assert not unread, ", ".join(unread)
