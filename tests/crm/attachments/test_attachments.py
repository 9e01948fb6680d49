"""Attachments on companies and placements: who may upload, download and delete; the type judged by
the content; size, empty and odd names; the checksum on read; the audit rows; the erasure."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Attachment, AuditEvent, Borger, User
from crm.services.attachments import check_upload, clean_filename, path_for, sniff
from crm.services.placements import shortlist
from tests.conftest import csrf_token_from

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"This program cannot be run in DOS mode"


def _ooxml(main_type: str, part: str = "/word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{part}" ContentType="{main_type}"/></Types>'))
        archive.writestr(part.lstrip("/"), "<document/>")
    return buffer.getvalue()


DOCX = _ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = _ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "/xl/workbook.xml")
DOCM = _ooxml("application/vnd.ms-word.document.macroEnabled.main+xml")


def _odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


ODT = _odf("application/vnd.oasis.opendocument.text")


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", EXE)
    return buffer.getvalue()


# --- the world ---------------------------------------------------------------------------------

@pytest.fixture
def world(app, make_user, make_borger, make_partner, make_teamleder, user_id):
    """Konsulent K, vejleder V1 with borger B1 (in the teamleder's programme) at company C, vejleder
    V2 with borger B2 (another programme) at C too; each borger with a placement."""
    teamleder, programme_id = make_teamleder()
    v1, v2 = make_user("vejleder"), make_user("vejleder")
    ids = {"teamleder": teamleder, "v1": v1, "v2": v2, "konsulent": make_user("konsulent"),
           "admin": make_user("admin"), "company": make_partner("Aftale ApS")}
    ids["b1"] = make_borger(v1, programme_id=programme_id)
    ids["b2"] = make_borger(v2, first_name="Bo")
    with app.app_context():
        from crm.models import Company

        company = db.session.get(Company, ids["company"])
        for key, borger_key, email in (("p1", "b1", v1), ("p2", "b2", v2)):
            borger = db.session.get(Borger, ids[borger_key])
            actor = db.session.get(User, user_id(email))
            ids[key] = shortlist(borger, company=company, opening=None, score=None, components={}, reasons=[],
                                 actor=actor).id
        db.session.commit()
    return ids


def _company_url(world, suffix=""):
    return f"/virksomheder/{world['company']}/bilag{suffix}"


def _placement_url(world, borger="b1", placement="p1", suffix=""):
    return f"/borgere/{world[borger]}/forloeb/{world[placement]}/bilag{suffix}"


def _upload(browser, url, page, content, name):
    return browser.post_form(url, {"file": (io.BytesIO(content), name)}, form_page=page,
                             content_type="multipart/form-data")


def _upload_company(browser, world, content=PDF, name="samarbejdsaftale.pdf"):
    return _upload(browser, _company_url(world), f"/virksomheder/{world['company']}", content, name)


def _upload_placement(browser, world, content=PDF, name="praktikaftale.pdf"):
    return _upload(browser, _placement_url(world), f"/borgere/{world['b1']}", content, name)


def _attachments(app):
    with app.app_context():
        return [(a.id, a.original_name, a.content_type, a.size, a.sha256, a.storage_key, a.company_id,
                 a.placement_id) for a in db.session.scalars(sa.select(Attachment).order_by(Attachment.id))]


def _flash_after(browser, response) -> str:
    assert response.status_code == 302, response.status_code
    return browser.get(response.headers["Location"]).get_data(as_text=True)


# --- company files --------------------------------------------------------------------------

def test_konsulent_uploads_a_pdf_on_a_company_and_staff_download_it(app, browser, world):
    browser.login(world["konsulent"])
    page = _flash_after(browser, _upload_company(browser, world))
    assert "«samarbejdsaftale.pdf» er gemt som bilag." in page
    [(attachment_id, name, content_type, size, sha256, key, company_id, placement_id)] = _attachments(app)
    assert (name, content_type, size, company_id, placement_id) == (
        "samarbejdsaftale.pdf", "application/pdf", len(PDF), world["company"], None)
    assert sha256 == hashlib.sha256(PDF).hexdigest()
    assert path_for(key, root=Path(app.config["ATTACHMENT_DIR"])).read_bytes() == PDF
    assert "samarbejdsaftale.pdf" in page and "Slet" in page

    browser.logout()
    browser.login(world["v1"])  # a vejleder sees the company, and so its files
    response = browser.get(_company_url(world, f"/{attachment_id}"))
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "samarbejdsaftale.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_an_admin_may_upload_and_delete_a_companys_files_too(app, browser, world):
    browser.login(world["admin"])
    assert _upload_company(browser, world, PNG, "logo.png").status_code == 302
    [(attachment_id, name, content_type, *_)] = _attachments(app)
    assert (name, content_type) == ("logo.png", "image/png")
    response = browser.post_form(_company_url(world, f"/{attachment_id}/slet"), {},
                                 form_page=f"/virksomheder/{world['company']}")
    assert response.status_code == 302 and _attachments(app) == []


def test_a_vejleder_or_teamleder_may_not_upload_or_delete_a_companys_files(app, browser, world):
    browser.login(world["konsulent"])
    _upload_company(browser, world)
    [(attachment_id, *_)] = _attachments(app)
    browser.logout()
    for who in ("v1", "teamleder"):
        browser.login(world[who])
        page = f"/virksomheder/{world['company']}"
        assert 'type="file"' not in browser.get(page).get_data(as_text=True)
        assert _upload_company(browser, world).status_code == 403
        assert browser.post_form(_company_url(world, f"/{attachment_id}/slet"), {}, form_page=page).status_code == 403
        browser.logout()
    assert len(_attachments(app)) == 1


def test_an_employer_reaches_no_company_file(app, browser, world, make_user):
    browser.login(world["konsulent"])
    _upload_company(browser, world)
    [(attachment_id, *_)] = _attachments(app)
    browser.logout()
    browser.login(make_user("employer", company_id=world["company"]))
    assert browser.get(_company_url(world, f"/{attachment_id}")).status_code == 403


def test_a_file_of_another_company_is_not_found_under_this_one(app, browser, world, make_partner):
    other = make_partner("Anden ApS")
    browser.login(world["konsulent"])
    _upload_company(browser, world)
    [(attachment_id, *_)] = _attachments(app)
    assert browser.get(f"/virksomheder/{other}/bilag/{attachment_id}").status_code == 404
    page = f"/virksomheder/{other}"
    assert browser.post_form(f"/virksomheder/{other}/bilag/{attachment_id}/slet", {}, form_page=page).status_code == 404
    assert browser.get(_company_url(world, "/999999")).status_code == 404


def test_deleting_a_company_file_removes_the_row_and_the_file_and_is_audited(app, browser, world):
    browser.login(world["konsulent"])
    _upload_company(browser, world)
    [(attachment_id, *_rest, key, _c, _p)] = _attachments(app)
    path = path_for(key, root=Path(app.config["ATTACHMENT_DIR"]))
    response = browser.post_form(_company_url(world, f"/{attachment_id}/slet"), {},
                                 form_page=f"/virksomheder/{world['company']}")
    assert "«samarbejdsaftale.pdf» er slettet." in _flash_after(browser, response)
    assert _attachments(app) == [] and not path.exists()
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "company", AuditEvent.action.like("attachment.%")).order_by(AuditEvent.id)))
    assert actions == ["attachment.upload", "attachment.delete"]


def test_upload_download_and_delete_of_company_files_are_audited_with_who_and_checksum(app, browser, world):
    browser.login(world["konsulent"])
    _upload_company(browser, world)
    [(attachment_id, _n, _t, _s, sha256, *_)] = _attachments(app)
    browser.get(_company_url(world, f"/{attachment_id}"))
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.details,
                                            User.email).join(User, AuditEvent.actor_id == User.id)
                                  .where(AuditEvent.action.like("attachment.%")).order_by(AuditEvent.id)).all()
    assert [(r.action, r.object_id, r.email) for r in rows] == [
        ("attachment.upload", str(world["company"]), world["konsulent"]),
        ("attachment.download", str(world["company"]), world["konsulent"])]
    assert rows[0].details["sha256"] == sha256 and rows[0].details["attachment_id"] == attachment_id


# --- placement files --------------------------------------------------------------------------

def test_the_vejleder_uploads_praktik_papers_on_a_placement(app, browser, world):
    browser.login(world["v1"])
    page = _flash_after(browser, _upload_placement(browser, world, DOCX, "løntilskudsaftale.docx"))
    assert "«løntilskudsaftale.docx» er gemt som bilag." in page
    [(attachment_id, name, content_type, *_rest, company_id, placement_id)] = _attachments(app)
    assert (name, company_id, placement_id) == ("løntilskudsaftale.docx", None, world["p1"])
    assert content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = browser.get(_placement_url(world, suffix=f"/{attachment_id}"))
    assert response.status_code == 200 and response.data == DOCX
    assert "filename*=UTF-8''l%C3%B8ntilskudsaftale.docx" in response.headers["Content-Disposition"]
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "borger", AuditEvent.object_id == str(world["b1"]),
            AuditEvent.action.like("attachment.%")).order_by(AuditEvent.id)))
    assert actions == ["attachment.upload", "attachment.download"]


def test_placement_files_follow_the_caseload_rules(app, browser, world):
    browser.login(world["v1"])
    _upload_placement(browser, world)
    [(attachment_id, *_)] = _attachments(app)
    download = _placement_url(world, suffix=f"/{attachment_id}")
    browser.logout()

    browser.login(world["teamleder"])  # leads B1's programme: may read, not change
    assert browser.get(download).status_code == 200
    assert _upload_placement(browser, world).status_code == 403
    browser.logout()
    for who in ("v2", "konsulent", "admin"):  # not their borger, or no borger records at all
        browser.login(world[who])
        assert browser.get(download).status_code == 403, who
        browser.logout()
    with app.app_context():
        denied = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "borger.denied", AuditEvent.object_id == str(world["b1"])))
    assert denied == 3


def test_a_placement_file_is_not_found_under_another_placement(app, browser, world):
    browser.login(world["v1"])
    _upload_placement(browser, world)
    [(attachment_id, *_)] = _attachments(app)
    browser.logout()
    browser.login(world["v2"])  # B2's own placement, with B1's file id
    assert browser.get(_placement_url(world, "b2", "p2", f"/{attachment_id}")).status_code == 404
    assert browser.get(f"/borgere/{world['b2']}/forloeb/{world['p1']}/bilag/{attachment_id}").status_code == 404


def test_the_vejleder_deletes_a_placement_file(app, browser, world):
    browser.login(world["v1"])
    _upload_placement(browser, world)
    [(attachment_id, *_rest, key, _c, _p)] = _attachments(app)
    response = browser.post_form(_placement_url(world, suffix=f"/{attachment_id}/slet"), {},
                                 form_page=f"/borgere/{world['b1']}")
    assert "er slettet" in _flash_after(browser, response)
    assert _attachments(app) == []
    assert not path_for(key, root=Path(app.config["ATTACHMENT_DIR"])).exists()


# --- what is refused --------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "name", "message"), [
    (EXE, "samarbejdsaftale.pdf", "Indholdet er et program (.exe)"),
    (_plain_zip(), "aftale.docx", "Indholdet er et zip-arkiv"),
    (b"Bare tekst, ikke en PDF", "aftale.pdf", "typen afgøres af filens indhold"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "aftale.doc", "gem det som .docx"),
    (DOCM, "aftale.docx", "indeholder makroer"),
    (PNG, "aftale.pdf", "hedder en PDF, men indholdet er et PNG-billede"),
    (PDF, "aftale.exe", "hedder en .exe-fil, men indholdet er en PDF"),
    (b"", "tom.pdf", "Filen er tom"),
])
def test_a_file_that_is_not_what_we_take_is_refused_with_a_danish_message(app, browser, world, content, name,
                                                                           message):
    browser.login(world["konsulent"])
    page = _flash_after(browser, _upload_company(browser, world, content, name))
    assert message in page
    assert _attachments(app) == []
    assert not any(Path(app.config["ATTACHMENT_DIR"]).rglob("*")) or not any(
        p.is_file() for p in Path(app.config["ATTACHMENT_DIR"]).rglob("*"))


def test_no_file_chosen_says_so(app, browser, world):
    browser.login(world["konsulent"])
    response = browser.post_form(_company_url(world), {}, form_page=f"/virksomheder/{world['company']}")
    assert "Vælg en fil." in _flash_after(browser, response)


@pytest.mark.parametrize(("content", "code"), [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (DOCX, "docx"), (XLSX, "xlsx"), (ODT, "odt")])
def test_the_type_is_judged_by_the_content(content, code):
    assert sniff(content).code == code


def test_a_file_above_the_cap_is_refused_by_the_service(app, browser, world):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    browser.login(world["konsulent"])
    page = _flash_after(browser, _upload_company(browser, world, PDF + b"%" * 2000))
    assert "Filen er for stor. Et bilag må højst fylde 1 kB." in page
    assert _attachments(app) == []


def test_a_body_above_max_content_length_goes_back_with_a_danish_message_not_a_bare_413(app, browser, world):
    browser.login(world["konsulent"])
    page_url = f"/virksomheder/{world['company']}"
    token = csrf_token_from(browser.get(page_url).get_data(as_text=True))
    boundary = "graense413"
    too_big = PDF + b"x" * app.config["MAX_CONTENT_LENGTH"]
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stor.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + too_big + f"\r\n--{boundary}--\r\n".encode()
    response = browser.client.post(_company_url(world), data=body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(page_url)
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Filen er for stor. Et bilag må højst fylde 10 MB." in page
    assert _attachments(app) == []


@pytest.mark.parametrize(("name", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\aftale.pdf", "aftale.pdf"),
    ("C:\\Users\\k\\Skrivebord\\Aftale æøå.pdf", "Aftale æøå.pdf"),
    ("aftale\x00.exe.pdf", "aftale.exe.pdf"),
    ("\u202efdp.exe.pdf", "fdp.exe.pdf"),
    ("..pdf", "pdf.pdf"),
    ("", "bilag.pdf"),
    ("aftale", "aftale.pdf"),
    ("a<b>c:d|e?.pdf", "a_b_c_d_e_.pdf"),
    pytest.param("Samarbejdsaftale " + "ø" * 300 + ".pdf", "Samarbejdsaftale " + "ø" * (150 - 17 - 4) + ".pdf",
                 id="too-long"),
])
def test_odd_filenames_are_kept_safe(name, kept, app):
    with app.app_context():
        stored, kind = check_upload(name, PDF)
    assert stored == kept and kind.code == "pdf"
    assert len(stored) <= 150 and "/" not in stored and "\\" not in stored


def test_odd_filename_through_the_page_is_stored_safely(app, browser, world):
    browser.login(world["konsulent"])
    response = _upload_company(browser, world, PDF, "../../../x/Ærø\x00 aftale.pdf")
    assert response.status_code == 302
    [(attachment_id, name, *_rest, key, _c, _p)] = _attachments(app)
    assert name == "Ærø aftale.pdf"
    stored = [p for p in Path(app.config["ATTACHMENT_DIR"]).rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [key]


def test_clean_filename_never_returns_a_path():
    assert clean_filename("/") == "" and clean_filename(None) == ""


# --- the checksum on read -------------------------------------------------------------------------

def test_a_damaged_file_on_disk_is_refused_with_a_clear_message_not_a_500(app, browser, world):
    browser.login(world["konsulent"])
    _upload_company(browser, world)
    [(attachment_id, *_rest, key, _c, _p)] = _attachments(app)
    path_for(key, root=Path(app.config["ATTACHMENT_DIR"])).write_bytes(PDF.replace(b"Catalog", b"Katalog"))
    response = browser.get(_company_url(world, f"/{attachment_id}"))
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "er beskadiget (kontrolsummen passer ikke)" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "attachment.unavailable")) == 1


def test_a_missing_file_on_disk_is_refused_with_a_clear_message(app, browser, world):
    browser.login(world["v1"])
    _upload_placement(browser, world)
    [(attachment_id, *_rest, key, _c, _p)] = _attachments(app)
    path_for(key, root=Path(app.config["ATTACHMENT_DIR"])).unlink()
    response = browser.get(_placement_url(world, suffix=f"/{attachment_id}"))
    assert response.status_code == 302
    assert "findes ikke længere på serveren" in browser.get(response.headers["Location"]).get_data(as_text=True)


# --- transactions and erasure -------------------------------------------------------------------

def test_a_rolled_back_upload_leaves_no_file_behind(app, world, user_id):
    from crm.models import Company
    from crm.services.attachments import add_attachment

    with app.app_context():
        actor = db.session.get(User, user_id(world["konsulent"]))
        attachment = add_attachment(db.session.get(Company, world["company"]), filename="a.pdf", content=PDF,
                                    actor=actor)
        path = path_for(attachment.storage_key, root=Path(app.config["ATTACHMENT_DIR"]))
        assert path.exists()
        db.session.rollback()
        assert not path.exists()


def test_erasing_the_borger_deletes_the_placement_files_from_the_disk(app, browser, world):
    browser.login(world["v1"])
    _upload_placement(browser, world)
    _upload_placement(browser, world, PNG, "underskrift.png")
    browser.logout()
    keys = [row[5] for row in _attachments(app)]
    root = Path(app.config["ATTACHMENT_DIR"])
    assert all(path_for(key, root=root).exists() for key in keys) and len(keys) == 2
    browser.login(world["konsulent"])
    _upload_company(browser, world)  # the company's own file stays
    browser.logout()
    browser.login(world["teamleder"])
    response = browser.post_form(f"/borgere/{world['b1']}/slet", {}, form_page=f"/borgere/{world['b1']}")
    assert response.status_code == 302
    assert not any(path_for(key, root=root).exists() for key in keys)
    remaining = _attachments(app)
    assert [(row[1], row[6]) for row in remaining] == [("samarbejdsaftale.pdf", world["company"])]
    assert path_for(remaining[0][5], root=root).exists()


def test_the_retention_purge_erases_placement_files_too(app, runner, world, user_id):
    from datetime import timedelta

    from crm.models import Placement
    from crm.services.attachments import add_attachment
    from crm.timeutil import today

    with app.app_context():
        actor = db.session.get(User, user_id(world["v1"]))
        attachment = add_attachment(db.session.get(Placement, world["p1"]), filename="a.pdf", content=PDF,
                                    actor=actor)
        path = path_for(attachment.storage_key, root=Path(app.config["ATTACHMENT_DIR"]))
        borger = db.session.get(Borger, world["b1"])
        borger.phase, borger.ended_on = "afsluttet", today() - timedelta(days=400)
        db.session.commit()
    result = runner.invoke(args=["borgere", "purge"])
    assert result.exit_code == 0, result.output
    assert not path.exists() and _attachments(app) == []


def test_the_access_copy_lists_the_placement_files(app, browser, world):
    browser.login(world["v1"])
    _upload_placement(browser, world, name="praktikaftale.pdf")
    page = browser.get(f"/borgere/{world['b1']}/indsigt").get_data(as_text=True)
    assert "praktikaftale.pdf" in page
    data = browser.get(f"/borgere/{world['b1']}/indsigt.json").get_json()
    [placement] = data["placements"]
    assert [a["name"] for a in placement["attachments"]] == ["praktikaftale.pdf"]
    assert "Gemte et bilag til et forløb med en virksomhed" in page


def test_merging_companies_moves_the_files_to_the_kept_company(app, world, make_partner, user_id):
    from crm.models import Company
    from crm.services.attachments import add_attachment, attachments_of
    from crm.services.company_merge import merge_companies

    duplicate_id = make_partner("Aftale ApS (dublet)")
    with app.app_context():
        actor = db.session.get(User, user_id(world["konsulent"]))
        add_attachment(db.session.get(Company, duplicate_id), filename="a.pdf", content=PDF, actor=actor)
        keep = db.session.get(Company, world["company"])
        merge_companies(keep, db.session.get(Company, duplicate_id), actor=actor)
        db.session.commit()
        assert [a.original_name for a in attachments_of(keep)] == ["a.pdf"]
