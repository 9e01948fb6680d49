"""Export a programme dashboard's tables to XLSX and CSV, exactly as the viewer sees them.

The cells are the display text of crm.services.reports.dashboard_tables, so small counts are
already masked for anyone without full figures, and headings and texts are in the language of the
reader (the request's, or the one a job runs in). In the XLSX a cell that shows a number ("20",
"6,5", "1.234", "45,5 %"; in English "6.5", "1,234", "45.5%") is stored as that number (a
percentage as a fraction formatted as per cent), so a spreadsheet can add it up; masked counts
("<5") and "–" stay text. Every text cell that a spreadsheet would read as a formula (it starts
with =, +, -, @, a tab or a carriage return) gets a leading apostrophe (CSV/formula injection,
OWASP). CSV is UTF-8 with a BOM, with semicolons as Danish Excel expects, commas in English.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from crm.formatting import current_locale
from crm.services.audit import record_event
from crm.services.reports import Table

CSV_DELIMITER = ";"
CSV_DELIMITERS = {"da": CSV_DELIMITER, "en": ","}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
#: A number as the dashboard shows it: Danish thousands dots and decimal comma, no leading zero
#: ("01.2026" is a month), optionally a per cent sign after a (no-break) space.
DANISH_NUMBER = re.compile(r"(-?(?:0|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*))(,\d+)?([ \N{NO-BREAK SPACE}]?%)?")
#: The same in English: thousands commas, a decimal point, the per cent sign right after.
ENGLISH_NUMBER = re.compile(r"(-?(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*))(\.\d+)?(%)?")
#: Per language: the pattern and its thousands separator.
NUMBER_PATTERNS = {"da": (DANISH_NUMBER, "."), "en": (ENGLISH_NUMBER, ",")}
PERCENT_FORMAT = "0.0%"


def neutralize(value) -> str:
    """Return ``value`` as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def number_in(text: str) -> tuple[int | float, bool] | None:
    """The number a display cell shows (written in the reader's language) and whether it is a
    percentage (as a fraction), else None."""
    pattern, thousands = NUMBER_PATTERNS.get(current_locale().language, NUMBER_PATTERNS["da"])
    found = pattern.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        return None
    whole, decimals, percent = found.groups()
    whole = whole.replace(thousands, "")
    value = float(whole + "." + decimals[1:]) if decimals else int(whole)
    return (value / 100, True) if percent else (value, False)


def _xlsx_cell(sheet, text):
    number = number_in(text)
    if number is None:
        return neutralize(text)
    value, percent = number
    if not percent:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = PERCENT_FORMAT
    return cell


def export_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table: the header row, then the rows; numbers stored as numbers, the rest as text."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(SHEET_TITLE_BAD.sub(" ", table.title)[:31])
        sheet.append([neutralize(c) for c in table.columns])
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, c) for c in row.cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Sheet:
    """A table of raw cell values (int or float for numbers, str for text; a masked count is the
    text "<5"), for exports that store numbers as numbers (the investor report, the comparison)."""

    title: str
    columns: list[str]
    rows: list[list[int | float | str | None]]
    note: str = ""
    money_columns: frozenset[int] = frozenset()  # column indexes holding kroner (for display)


def export_sheets_xlsx(sheets: list[Sheet]) -> bytes:
    """One worksheet per sheet: numbers stored as numbers, text neutralized, None as an empty cell."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(SHEET_TITLE_BAD.sub(" ", sheet.title)[:31])
        ws.append([neutralize(c) for c in sheet.columns])
        for row in sheet.rows:
            ws.append([c if isinstance(c, (int, float)) and not isinstance(c, bool) else
                       None if c is None else neutralize(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(tables: list[Table]) -> bytes:
    """One CSV with every table after the other: a first column names the table, and each table
    starts with its header row."""
    buffer = io.StringIO()
    delimiter = CSV_DELIMITERS.get(current_locale().language, CSV_DELIMITER)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for table in tables:
        writer.writerow([neutralize(table.title), *[neutralize(c) for c in table.columns]])
        for row in table.rows:
            writer.writerow([neutralize(table.title), *[neutralize(c) for c in row.cells]])
    return buffer.getvalue().encode("utf-8-sig")


def export_dashboard(programme, tables: list[Table], *, fmt: str, actor, masked: bool) -> bytes:
    """Build the export (``fmt`` "xlsx" or "csv") and audit who exported which programme."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"Unknown export format {fmt!r}")
    data = export_xlsx(tables) if fmt == "xlsx" else export_csv(tables)
    record_event(
        "programme.export", "programme", programme.id, actor=actor, details={"format": fmt, "masked": masked}
    )
    return data
