"""A konsulent imports a file in a real browser: the job page's progress bar gives way to the
preview, and the confirmed import to the finished batch."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CSV = b"navn;postnummer;telefon\nBageriet Solsikken ApS;7500;97 40 12 34\nSmedien Vest A/S;7400;\n"


def test_konsulent_imports_a_file_through_the_job_pages(page, login, live_server, make_user, job_worker):
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/import")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(
        {"name": "firmaer.csv", "mimeType": "text/csv", "buffer": CSV})
    page.get_by_role("button", name="Vis forhåndsvisning").click()

    page.get_by_role("heading", name="Forhåndsvisning: firmaer.csv").wait_for()
    expect(page.get_by_text("2 oprettes, 0 opdateres")).to_be_visible()
    page.get_by_role("button", name="Importér").click()

    page.get_by_text("Importen er gennemført: 2 oprettet, 0 opdateret.").wait_for()
    expect(page.get_by_role("link", name="Bageriet Solsikken ApS").first).to_be_visible()
