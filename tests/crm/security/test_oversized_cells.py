"""An XLSX with one enormous cell is refused before it is unpacked into memory (issue 10, point 5).

A 21 KB file with one 20 MB cell once grew the server by 769 MB. The files are generated here
(a long run of one letter compresses to almost nothing); none is committed.
"""

import io
import tracemalloc

import pytest

from crm.services import company_import
from crm.services.company_import import MAX_CELL_CHARS, ImportFileError, parse_upload
from tests.crm.security.test_hostile_uploads import SHARED_STRINGS, UPLOAD_URL, sheet_xml, xlsx

TWENTY_MB = 20 * 1024 * 1024
# Reading the file may use a few chunks of it; unpacking the cell would take tens of MB.
MEMORY_LIMIT_BYTES = 8 * 1024 * 1024
TOO_LONG = (f"En celle i filen indeholder mere end {MAX_CELL_CHARS:,} tegn".replace(",", ".")
            + ". Ret eller fjern den lange celle, og prøv igen.")


def _with_shared_string(text: str) -> bytes:
    return xlsx(shared=SHARED_STRINGS.format(doctype="", name=text))


def _with_inline_cell(text: str) -> bytes:
    sheet = sheet_xml(name_type="inlineStr", name_value="").replace(
        '<c r="A2" t="inlineStr"><v></v></c>', f'<c r="A2" t="inlineStr"><is><t>{text}</t></is></c>')
    assert "<is>" in sheet
    return xlsx(sheet=sheet)


def _peak_while_parsing(data: bytes) -> tuple[int, ImportFileError]:
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as refused:
            parse_upload("stor.xlsx", data)
        return tracemalloc.get_traced_memory()[1], refused.value
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("build", [_with_shared_string, _with_inline_cell], ids=["shared", "inline"])
def test_a_20_mb_cell_is_refused_with_a_danish_message_in_bounded_memory(build):
    data = build("x" * TWENTY_MB)
    assert len(data) < 100 * 1024
    peak, refused = _peak_while_parsing(data)
    assert TOO_LONG in refused.message
    assert peak < MEMORY_LIMIT_BYTES, f"{peak / 1e6:.1f} MB"


def test_a_cell_split_into_many_short_runs_counts_as_one_cell():
    runs = "".join(f"<r><t>{'x' * 1000}</t></r>" for _ in range(MAX_CELL_CHARS // 1000 + 1))
    data = xlsx(shared=SHARED_STRINGS.format(doctype="", name="Firma").replace(
        "<si><t>Firma</t></si>", f"<si>{runs}</si>"))
    with pytest.raises(ImportFileError, match=TOO_LONG):
        parse_upload("runs.xlsx", data)


def test_a_cell_of_the_longest_allowed_length_is_read():
    parsed = parse_upload("lang.xlsx", _with_shared_string("x" * MAX_CELL_CHARS))
    assert parsed.rows[0][1]["navn"] == "x" * MAX_CELL_CHARS


def test_shared_strings_over_the_cap_are_refused(monkeypatch):
    monkeypatch.setattr(company_import, "MAX_XLSX_SHARED_STRINGS_BYTES", 1024 * 1024)
    many = "".join(f"<si><t>Firma {n}</t></si>" for n in range(100_000))
    data = xlsx(shared=SHARED_STRINGS.format(doctype="", name="Firma").replace("</sst>", many + "</sst>"))
    with pytest.raises(ImportFileError, match="Filens tekster fylder for meget"):
        parse_upload("mange.xlsx", data)


def test_upload_of_a_file_with_a_20_mb_cell_shows_the_danish_message(browser, make_user):
    browser.login(make_user("konsulent"))
    data = _with_shared_string("x" * TWENTY_MB)
    response = browser.post_form(UPLOAD_URL, {"file": (io.BytesIO(data), "stor.xlsx")})
    assert response.status_code == 200
    assert TOO_LONG in response.get_data(as_text=True)
