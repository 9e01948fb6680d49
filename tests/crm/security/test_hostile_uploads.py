"""Hostile uploads to the company import, and formula injection in the export (issue 7, point 6).

Whatever a konsulent uploads (random bytes, damaged or bombed XLSX, XML entity expansion, CSV with
formulas, endless lines, NUL bytes, mixed encodings, thousands of columns), the import answers
with a Danish page, never a server error, and either imports the whole file or nothing at all.
"""

import csv
import io
import string
import zipfile

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.extensions import db
from crm.models import Company, ImportBatch
from crm.services.company_export import FORMULA_PREFIXES, company_rows, neutralize
from crm.services.company_import import MAX_XLSX_UNPACKED_BYTES
from tests.conftest import csrf_token_from

UPLOAD_URL = "/virksomheder/import"
PREVIEW_URL = "/virksomheder/import/forhaandsvisning"
CONFIRM_URL = "/virksomheder/import/bekraeft"
# What the upload page and the error pages show when a file is refused.
DANISH_REFUSALS = ("Filen ", "Vælg en", "Kolonnen ", "Importen er udløbet", "Intet er importeret")

# --- a minimal XLSX written by hand, so every part can be made hostile ----------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
# Shared strings 0-3: the two required headers, a company name and a postcode.
SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}<sst xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>navn</t></si><si><t>postnummer</t></si>'
    '<si><t>{name}</t></si><si><t>8000</t></si></sst>'
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '</row><row r="2"><c r="A2" t="{name_type}"><v>{name_value}</v></c><c r="B2" t="s"><v>3</v></c></row>'
    '{more_rows}</sheetData></worksheet>'
)
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
              for n in range(1, 10))
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
QUADRATIC_BLOWUP = '<!DOCTYPE x [<!ENTITY a "' + "a" * 50_000 + '">]>'


def sheet_xml(*, doctype="", name_type="s", name_value="2", more_rows="") -> str:
    return SHEET.format(doctype=doctype, name_type=name_type, name_value=name_value, more_rows=more_rows)


def xlsx(*, sheet=None, shared=None, extra: dict | None = None, declared_sizes: dict | None = None) -> bytes:
    """A one-sheet workbook (navn, postnummer / "Hostile ApS", 8000) with the given parts replaced."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS, "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(),
        "xl/sharedStrings.xml": shared if shared is not None else SHARED_STRINGS.format(doctype="",
                                                                                        name="Hostile ApS"),
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    data = buffer.getvalue()
    for name, size in (declared_sizes or {}).items():
        data = _declare_size(data, name, size)
    return data


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size an entry declares (local header and central directory)."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(encoded)] == encoded:
                raw[start + offset:start + offset + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(raw)


def many_entries(count: int) -> bytes:
    return xlsx(extra={f"xl/media/pad{n}.bin": b"" for n in range(count)})


def zip_bomb() -> bytes:
    """Declares more than the unpack cap for one entry (the real bytes are small)."""
    return xlsx(extra={"xl/media/bomb.bin": b"\0" * 1000}, declared_sizes={
        "xl/media/bomb.bin": MAX_XLSX_UNPACKED_BYTES + 1})


def understated_size() -> bytes:
    """An entry that unpacks to more than it declares: zipfile must notice (CRC/size check)."""
    big = sheet_xml(more_rows="".join(f'<row r="{n}"><c r="A{n}" t="s"><v>2</v></c></row>'
                                      for n in range(3, 2000)))
    return xlsx(sheet=big, declared_sizes={"xl/worksheets/sheet1.xml": 100})


def csv_bytes(rows, *, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def valid_xlsx() -> bytes:
    return xlsx()


# --- driving the import as a konsulent -----------------------------------------------------------

def company_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Company))


def batch_created(app, batch_id: int) -> int:
    with app.app_context():
        return db.session.get(ImportBatch, batch_id).created_count


def assert_danish_answer(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        assert any(text in page for text in DANISH_REFUSALS) or "Forhåndsvisning" in page, page[:2000]


def try_import(app, browser, data: bytes, filename: str) -> None:
    """Upload, preview and confirm like a determined user; check no 5xx and no partial import."""
    before = company_count(app)
    response = browser.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), filename)})
    assert_danish_answer(response)
    if response.status_code != 302:
        assert company_count(app) == before
        return
    browser.run_jobs()
    preview = browser.get(PREVIEW_URL)
    assert preview.status_code in (200, 302)
    assert_danish_answer(preview)
    assert company_count(app) == before, "the preview wrote companies"
    page = preview.get_data(as_text=True)
    if 'name="token"' not in page:
        return
    token = page.split('name="token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    confirmed = browser.post_form(CONFIRM_URL, {"token": token}, form_page=UPLOAD_URL)
    assert_danish_answer(confirmed)
    if "/koersel/" in confirmed.headers.get("Location", ""):
        browser.run_jobs()
        confirmed = browser.get(confirmed.headers["Location"])
        assert_danish_answer(confirmed)
    location = confirmed.headers.get("Location", "")
    batch_id = location.rstrip("/").rsplit("/", 1)[-1]
    if confirmed.status_code == 302 and batch_id.isdigit():
        # The whole file went in: exactly the companies the batch says it created, none missing.
        assert company_count(app) == before + batch_created(app, int(batch_id))
    else:
        assert company_count(app) == before, "a refused import left companies behind"


@pytest.fixture
def konsulent(browser, make_user, run_jobs):
    browser.login(make_user("konsulent"))
    browser.run_jobs = run_jobs  # the preview and the import are jobs
    return browser


# --- the property test ----------------------------------------------------------------------------

formula_text = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(FORMULA_PREFIXES),
                         st.text(max_size=40))
cell_text = st.one_of(st.text(max_size=60), formula_text,
                      st.text(alphabet=string.digits, min_size=1, max_size=8))


@st.composite
def hostile_csv(draw) -> bytes:
    """A CSV with a real header and hostile rows: formulas, odd characters, mixed encodings."""
    header = ["navn", "postnummer", *draw(st.lists(st.sampled_from(
        ["cvr", "adresse", "telefon", "status", "tilbud", "tags", "beskrivelse", "x" * 300, ""]),
        max_size=4, unique=True))]
    rows = draw(st.lists(st.lists(cell_text, min_size=len(header), max_size=len(header)),
                         min_size=0, max_size=4))
    text = "\r\n".join(";".join(f'"{cell.replace(chr(34), chr(34) * 2)}"' for cell in row)
                       for row in [header, *rows])
    data = text.encode("utf-8", "surrogatepass")
    junk = draw(st.sampled_from([b"", b"\xe6\xf8\xe5", b"\x81\x8d\x90", b"\x00", b"\xff\xfe"]))
    where = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:where] + junk + data[where:]


@st.composite
def hostile_xlsx(draw) -> bytes:
    kind = draw(st.sampled_from(["truncated", "flipped", "shared_entity", "sheet_entity", "zip_bomb",
                                 "external_entity", "formula_name"]))
    if kind == "truncated":
        data = valid_xlsx()
        return data[:draw(st.integers(min_value=0, max_value=len(data) - 1))]
    if kind == "flipped":
        # Damage the compressed bytes of the sheet: zipfile's CRC check must catch it.
        data = bytearray(valid_xlsx())
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data[at] ^= draw(st.integers(min_value=1, max_value=255))
        return bytes(data)
    if kind == "shared_entity":
        return xlsx(shared=SHARED_STRINGS.format(doctype=BILLION_LAUGHS, name="&lol9;"))
    if kind == "sheet_entity":
        return xlsx(sheet=sheet_xml(doctype=BILLION_LAUGHS, name_type="str", name_value="&lol9;"))
    if kind == "external_entity":
        return xlsx(shared=SHARED_STRINGS.format(doctype=EXTERNAL_ENTITY, name="&xxe;"))
    if kind == "zip_bomb":
        return zip_bomb()
    name = draw(formula_text).replace("&", "").replace("<", "").strip() or "=1+1"
    return xlsx(shared=SHARED_STRINGS.format(doctype="", name=name))


upload_files = st.one_of(
    st.tuples(st.binary(max_size=2048), st.sampled_from(["data.csv", "data.xlsx", "DATA.XLSX", "data.CSV"])),
    st.tuples(hostile_csv(), st.just("virksomheder.csv")),
    st.tuples(hostile_xlsx(), st.just("virksomheder.xlsx")),
)


# The client, the logged-in konsulent and the database live across the examples on purpose: each
# example compares the company count before and after itself, so no reset between them is needed.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(upload=upload_files)
def test_random_and_hostile_files_give_no_server_error_and_no_partial_import(app, konsulent, upload):
    data, filename = upload
    try_import(app, konsulent, data, filename)


# --- named hostile files ------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    pytest.param(xlsx(shared=SHARED_STRINGS.format(doctype=BILLION_LAUGHS, name="&lol9;")),
                 id="billion-laughs-in-shared-strings"),
    pytest.param(xlsx(sheet=sheet_xml(doctype=BILLION_LAUGHS, name_type="str", name_value="&lol9;")),
                 id="billion-laughs-in-sheet"),
    pytest.param(xlsx(shared=SHARED_STRINGS.format(doctype=QUADRATIC_BLOWUP, name="&a;" * 1000)),
                 id="quadratic-blowup-in-shared-strings"),
    pytest.param(xlsx(shared=SHARED_STRINGS.format(doctype=EXTERNAL_ENTITY, name="&xxe;")),
                 id="external-entity-in-shared-strings"),
])
def test_xml_entity_payloads_are_refused_as_not_xlsx(app, konsulent, data):
    response = konsulent.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), "virksomheder.xlsx")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Filen er ikke en gyldig XLSX-fil" in page
    assert "root:" not in page and "lollol" not in page


def test_zip_bomb_is_refused_by_its_unpacked_size(app, konsulent):
    response = konsulent.post_form(UPLOAD_URL, {"file": (io.BytesIO(zip_bomb()), "virksomheder.xlsx")})
    assert response.status_code == 200
    assert "Filen er for stor, når den pakkes ud" in response.get_data(as_text=True)


def test_entry_that_unpacks_to_more_than_it_declares_gives_no_server_error(app, konsulent):
    try_import(app, konsulent, understated_size(), "virksomheder.xlsx")


def test_xlsx_with_too_many_entries_is_refused(app, konsulent):
    from crm.services.company_import import MAX_XLSX_ENTRIES

    # Just over the cap; kept small so the test client holds the upload in memory.
    response = konsulent.post_form(UPLOAD_URL, {
        "file": (io.BytesIO(many_entries(MAX_XLSX_ENTRIES + 10)), "virksomheder.xlsx")})
    assert response.status_code == 200
    assert "Filen er ikke en gyldig XLSX-fil" in response.get_data(as_text=True) or \
        "for mange dele" in response.get_data(as_text=True)


@pytest.mark.parametrize("sheet", [
    pytest.param(sheet_xml(name_type="s", name_value="99"), id="shared-string-index-out-of-range"),
    pytest.param(sheet_xml(name_type="n", name_value="abc"), id="number-cell-that-is-not-a-number"),
    pytest.param(sheet_xml(name_type="d", name_value="abc"), id="date-cell-that-is-not-a-date"),
    pytest.param(sheet_xml(more_rows='<row r="3"><c r="ZZZZZZ3" t="s"><v>2</v></c></row>'),
                 id="cell-reference-out-of-range"),
    pytest.param(sheet_xml(more_rows='<row r="x"><c t="s"><v>2</v></c></row>'), id="row-number-not-a-number"),
    pytest.param(sheet_xml().replace("</sheetData></worksheet>", '<row r="3"><c r='), id="sheet-cut-off"),
])
def test_damaged_sheet_is_refused_with_a_danish_message(app, konsulent, sheet):
    before = company_count(app)
    response = konsulent.post_form(UPLOAD_URL, {"file": (io.BytesIO(xlsx(sheet=sheet)), "virksomheder.xlsx")})
    assert response.status_code == 200
    assert "Filen er ikke en gyldig XLSX-fil" in response.get_data(as_text=True)
    assert company_count(app) == before


def _corrupt_compressed_part(data: bytes, name: str) -> bytes:
    """Turn the first byte of a deflated entry's data into an invalid block type (zlib fails on it)."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_length = int.from_bytes(raw[header + 26:header + 28], "little")
    extra_length = int.from_bytes(raw[header + 28:header + 30], "little")
    raw[header + 30 + name_length + extra_length] = 0xFF
    return bytes(raw)


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_xlsx_with_damaged_compressed_data_is_refused_with_a_danish_message(app, konsulent, part):
    data = _corrupt_compressed_part(xlsx(), part)
    response = konsulent.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), "virksomheder.xlsx")})
    assert response.status_code == 200
    assert "Filen er ikke en gyldig XLSX-fil" in response.get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    pytest.param(b"navn;postnummer\r\n" + b"A" * 200_000 + b";8000\r\n", "Filen kan ikke læses som CSV",
                 id="one-field-longer-than-the-csv-limit"),
    pytest.param(b"navn;postnummer\r\n\x00Firma;8000\r\n", "Filen er ikke en CSV-fil", id="nul-byte"),
    pytest.param("navn;postnummer\r\nSøren ApS;8000\r\n".encode() + b"\x81\x8d;8000\r\n",
                 "Filen kan ikke læses som tekst", id="bytes-neither-utf8-nor-cp1252"),
    pytest.param(";".join(["navn", "postnummer", *(f"k{n}" for n in range(20_000))]).encode() + b"\r\n",
                 "Filen indeholder ingen rækker", id="twenty-thousand-columns-and-no-rows"),
])
def test_hostile_csv_is_refused_with_a_danish_message(app, konsulent, data, message):
    response = konsulent.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), "virksomheder.csv")})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_csv_with_formula_names_imports_whole_or_not_at_all(app, konsulent):
    data = csv_bytes([["navn", "postnummer"], ["=HYPERLINK(\"http://x\")", "8000"], ["@SUM(A1)", "8000"],
                      ["+45 Firma", "8000"], ["-Firma", "8000"]])
    try_import(app, konsulent, data, "virksomheder.csv")


def test_upload_over_the_size_limit_gets_413_with_a_danish_page(app, konsulent):
    token = csrf_token_from(konsulent.get(UPLOAD_URL).get_data(as_text=True))
    too_big = b"navn;postnummer\r\n" + b"x" * app.config["MAX_CONTENT_LENGTH"]
    boundary = "grænse-413".encode().hex()
    # A ready-made body: the test client would otherwise spool it to a temporary file it never closes.
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"virksomheder.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + too_big + f"\r\n--{boundary}--\r\n".encode()
    response = konsulent.client.post(UPLOAD_URL, data=body,
                                     content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "Filen er for stor" in response.get_data(as_text=True)


# --- export: formula injection --------------------------------------------------------------------

@given(text=st.text(max_size=30))
def test_neutralised_text_never_starts_like_a_formula(text):
    assert not neutralize(text).startswith(FORMULA_PREFIXES)


@given(prefix=st.sampled_from(FORMULA_PREFIXES), rest=st.text(max_size=30))
def test_every_exported_text_column_is_neutralised(prefix, rest):
    value = prefix + rest
    company = Company(name=value, postcode="8000", address=value, city=value, industry_text=value,
                      phone=value, email=value, website=value, description=value, status="emne", tags=[value])
    header, row = company_rows([company])
    for column, cell in zip(header, row, strict=True):
        assert not cell.startswith(FORMULA_PREFIXES), column
