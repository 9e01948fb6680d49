"""Export companies to CSV and XLSX in the column layout the import reads back.

``EXPORT_COLUMNS`` is the contract between export and import (crm/companies/importing.py imports it):
an exported file re-imports to the same companies. The header row (``EXPORT_HEADERS``) and the
status are written in the reader's language, the offers as their labels (the import reads the
headers and labels of every language as well as the codes); lists (offers, free tags) are joined
with ``LIST_SEPARATOR``. CSV is UTF-8 with a BOM and semicolons, as Danish Excel expects.

Every text cell that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or
a carriage return) gets a leading apostrophe, so an exported name like ``=HYPERLINK(...)`` is
shown as text and never run (CSV/formula injection, OWASP).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from crm.i18n import in_language
from crm.models import Company
from crm.services.audit import record_event

EXPORT_COLUMNS = (
    "navn", "cvr", "pnummer", "adresse", "postnummer", "by", "branchekode", "branche", "stoerrelse",
    "hjemmeside", "telefon", "email", "beskrivelse", "status", "tilbud", "tags", "konsulent_email",
)
# Column → its header in the export (the Danish header is the column's name).
EXPORT_HEADERS = {
    "navn": _l("navn"), "cvr": _l("cvr"), "pnummer": _l("pnummer"), "adresse": _l("adresse"),
    "postnummer": _l("postnummer"), "by": _l("by"), "branchekode": _l("branchekode"),
    "branche": _l("branche"), "stoerrelse": _l("stoerrelse"), "hjemmeside": _l("hjemmeside"),
    "telefon": _l("telefon"), "email": _l("email"), "beskrivelse": _l("beskrivelse"),
    "status": _l("status"), "tilbud": _l("tilbud"), "tags": _l("tags"),
    "konsulent_email": _l("konsulent_email"),
}
LIST_SEPARATOR = "|"
CSV_DELIMITER = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_SHEET_TITLE = _l("Virksomheder")
PROGRESS_ROWS = 1000


def neutralize(value) -> str:
    """Return ``value`` as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def company_row(company: Company) -> dict[str, str]:
    """One company as {column: raw text} (not yet neutralised), in ``EXPORT_COLUMNS`` order."""
    return {
        "navn": company.name,
        "cvr": company.cvr or "",
        "pnummer": company.pnummer or "",
        "adresse": company.address or "",
        "postnummer": company.postcode or "",
        "by": company.city or "",
        "branchekode": company.industry_code or "",
        "branche": company.industry_text or "",
        "stoerrelse": company.size_band or "",
        "hjemmeside": company.website or "",
        "telefon": company.phone or "",
        "email": company.email or "",
        "beskrivelse": company.description or "",
        "status": company.status_enum.label,
        "tilbud": LIST_SEPARATOR.join(tag.label for tag in company.offers),
        "tags": LIST_SEPARATOR.join(company.tags or []),
        "konsulent_email": company.konsulent.email if company.konsulent else "",
    }


def company_rows(companies: Iterable[Company], *, progress=None) -> list[list[str]]:
    """Header plus one neutralised row per company, ready for a CSV writer or a worksheet.
    ``progress(done, total)``, when given, hears every PROGRESS_ROWS rows (an export job's bar)."""
    companies = list(companies)
    rows = [[str(EXPORT_HEADERS[column]) for column in EXPORT_COLUMNS]]
    for done, company in enumerate(companies, start=1):
        row = company_row(company)
        rows.append([neutralize(row[column]) for column in EXPORT_COLUMNS])
        if progress is not None and done % PROGRESS_ROWS == 0:
            progress(done, len(companies))
    return rows


def _write_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(XLSX_SHEET_TITLE))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(companies: Iterable[Company]) -> bytes:
    """CSV bytes: UTF-8 with BOM, semicolon-separated, CRLF line ends."""
    return _write_csv(company_rows(companies))


def export_xlsx(companies: Iterable[Company]) -> bytes:
    """XLSX bytes with one sheet; every cell is stored as text."""
    return _write_xlsx(company_rows(companies))


def export_companies(companies: Iterable[Company], *, fmt: str, actor=None,
                     criteria: dict | None = None, progress=None, language: str | None = None) -> bytes:
    """Build the export file (``fmt`` "csv" or "xlsx") and audit who exported how many, with what filter.
    ``progress(done, total)`` as for ``company_rows``. Headers and statuses are in ``language`` (a job
    passes the language of the request that asked), else in the current one."""
    companies = list(companies)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"Unknown export format {fmt!r}")
    if language is None:
        rows = company_rows(companies, progress=progress)
    else:
        with in_language(language):
            rows = company_rows(companies, progress=progress)
    data = _write_csv(rows) if fmt == "csv" else _write_xlsx(rows)
    record_event("company.export", "company", None, actor=actor,
                 details={"format": fmt, "count": len(companies), "criteria": criteria or {}})
    return data
