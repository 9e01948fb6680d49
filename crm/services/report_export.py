"""Export a programme dashboard's tables to XLSX and CSV, exactly as the viewer sees them.

The cells are the display text of crm.services.reports.dashboard_tables, so small counts are
already masked for anyone without full figures. Every text cell that a spreadsheet would read as a
formula (it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe (CSV/formula
injection, OWASP). CSV is UTF-8 with a BOM and semicolons, as Danish Excel expects.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from openpyxl import Workbook

from crm.services.audit import record_event
from crm.services.reports import Table

CSV_DELIMITER = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralize(value) -> str:
    """Return ``value`` as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table: the header row, then the rows; every cell stored as text."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(SHEET_TITLE_BAD.sub(" ", table.title)[:31])
        sheet.append([neutralize(c) for c in table.columns])
        for row in table.rows:
            sheet.append([neutralize(c) for c in row.cells])
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
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
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
