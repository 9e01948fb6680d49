"""A konsulent attaches the signed partnership agreement to a company in a real browser, downloads
it again, is told in Danish when a program is passed off as a PDF, and deletes the agreement."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def test_konsulent_uploads_downloads_and_deletes_a_pdf_on_a_company_page(page, login, live_server, make_user,
                                                                         make_partner, tmp_path):
    company_id = make_partner("Tømrer Hansen ApS")
    login(make_user("konsulent"))
    page.goto(f"{live_server}/virksomheder/{company_id}")
    files = page.get_by_role("region", name="Bilag")
    expect(files.get_by_text("Ingen bilag endnu.")).to_be_visible()

    files.get_by_label("Tilføj bilag").set_input_files(
        {"name": "Samarbejdsaftale 2026.pdf", "mimeType": "application/pdf", "buffer": PDF})
    files.get_by_role("button", name="Gem bilag").click()
    page.get_by_text("«Samarbejdsaftale 2026.pdf» er gemt som bilag.").wait_for()
    link = page.get_by_role("region", name="Bilag").get_by_role("link", name="Samarbejdsaftale 2026.pdf")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "Samarbejdsaftale 2026.pdf"
    saved = tmp_path / "hentet.pdf"
    download.save_as(saved)
    assert Path(saved).read_bytes() == PDF

    page.get_by_role("region", name="Bilag").get_by_label("Tilføj bilag").set_input_files(
        {"name": "aftale.pdf", "mimeType": "application/pdf", "buffer": EXE})
    page.get_by_role("region", name="Bilag").get_by_role("button", name="Gem bilag").click()
    page.get_by_text("Indholdet er et program (.exe)").wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("region", name="Bilag").get_by_role("button", name="Slet Samarbejdsaftale 2026.pdf").click()
    page.get_by_text("«Samarbejdsaftale 2026.pdf» er slettet.").wait_for()
    expect(page.get_by_role("region", name="Bilag").get_by_text("Ingen bilag endnu.")).to_be_visible()
