"""Import companies from CSV or XLSX: parse, preview, confirm all-or-nothing, undo as a whole.

The file format is the export's: one row per company with the columns in ``IMPORT_COLUMNS``;
only ``navn`` and ``postnummer`` are required, headers match case-insensitively, unknown columns
are reported and ignored. An empty cell leaves the current value of an existing company alone.

Every row goes through the validation of ``create_company``/``update_company`` (``new_company_values``
and ``plan_update``), so an import obeys exactly the rules of the company form. A row updates an
existing company when the CVR-nummer matches, or, for a row without CVR, when the normalised name
and the postcode match exactly; otherwise it creates one. The time is linear in the rows: the
register is fetched in a few bulk queries, the rows are checked in memory (``_plan``), and
``run_import`` writes them in multi-row statements per batch of ``BATCH_SIZE``. ``preview_import``
is the same check without the write, so the preview is what the import would do, row by row;
``run_import`` keeps nothing unless every row is accepted. ``undo_import`` reverses a batch while
none of its companies has changed since. In the app both run as jobs (crm/services/job_kinds.py).
"""

import codecs
import contextlib
import csv
import functools
import gc
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax import SAXException  # nosec B406
from xml.sax.handler import ContentHandler  # nosec B406

import openpyxl
import sqlalchemy as sa
from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser
from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process

from crm.extensions import db
from crm.formatting import format_number
from crm.i18n import LANGUAGES, in_language
from crm.models import (
    AuditEvent,
    Company,
    CompanyStatusChange,
    ImportBatch,
    ImportChange,
    Industry,
    OfferTag,
    User,
)
from crm.models.company import PartnershipStatus, company_offers
from crm.permissions import can
from crm.services import ConflictError, NotAuthorized, ValidationError
from crm.services.audit import record_event
from crm.services.companies import (
    CONFLICT_MESSAGE,
    CURRENT_FIELDS,
    DUPLICATE_NAME_THRESHOLD,
    PROFILE_FIELDS,
    Lookups,
    new_company_values,
    plan_update,
    update_company,
)
from crm.services.company_export import EXPORT_COLUMNS, EXPORT_HEADERS, FORMULA_PREFIXES, LIST_SEPARATOR
from crm.services.company_merge import company_references
from crm.timeutil import utcnow
from crm.validators import normalize_company_name, normalize_cvr, strip_control_characters

# The export's columns are the format: an exported file re-imports to the same companies.
IMPORT_COLUMNS = EXPORT_COLUMNS
REQUIRED_COLUMNS = ("navn", "postnummer")
# Column → the key create_company/update_company take.
COLUMN_FIELDS = {
    "navn": "name", "cvr": "cvr", "pnummer": "pnummer", "adresse": "address",
    "postnummer": "postcode", "by": "city", "branchekode": "industry_code",
    "branche": "industry_text", "stoerrelse": "size_band", "hjemmeside": "website",
    "telefon": "phone", "email": "email", "beskrivelse": "description", "status": "status",
    "tilbud": "offers", "tags": "tags", "konsulent_email": "konsulent_id",
}
FIELD_COLUMNS = {value: key for key, value in COLUMN_FIELDS.items()}
# A bigger file is better split: every row is validated and geocoded, and the preview shows them all.
MAX_ROWS = 20_000
# An XLSX is a zip; refuse one that would unpack to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
# A workbook has a few dozen parts; thousands mean a crafted file (zip-bomb style).
MAX_XLSX_ENTRIES = 500
XLSX_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# openpyxl holds every shared string in memory at once (and a long one several times over while
# it parses), so the strings and each cell are capped before openpyxl sees the file. The longest
# field (beskrivelse) takes 5,000 characters; 20,000 rows of ordinary text stay far below 25 MB.
MAX_XLSX_SHARED_STRINGS_BYTES = 25 * 1024 * 1024
MAX_CELL_CHARS = 10_000
XLSX_SHARED_STRINGS_PART = "xl/sharedStrings.xml"
XLSX_CELL_PARTS = re.compile(r"xl/(sharedStrings|worksheets/[^/]+)\.xml")
XLSX_SCAN_CHUNK_BYTES = 64 * 1024
CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
ACTION_LABELS = {CREATE: _l("Oprettes"), UPDATE: _l("Opdateres"), UNCHANGED: _l("Uændret"), REJECT: _l("Afvist")}
CP1252_NOTICE = _l(
    "Filen var ikke gemt som UTF-8 og er læst som Windows-tegnsæt (cp1252). Kontrollér, at æ, ø og å "
    "ser rigtige ud i forhåndsvisningen; ellers gem filen som \"CSV UTF-8\" og prøv igen."
)


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; the message says why, in the reader's language."""


@dataclass
class ParsedFile:
    """The rows of an upload: (row number as a spreadsheet shows it, {column: text})."""

    rows: list[tuple[int, dict[str, str]]]
    unknown_columns: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class RowResult:
    number: int
    name: str
    postcode: str
    action: str = ""
    company_id: int | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed_columns: list[str] = field(default_factory=list)
    before: dict | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportReport:
    rows: list[RowResult]
    unknown_columns: list[str]
    notices: list[str]
    batch: ImportBatch | None = None

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        """True when every row can be imported (the import is all-or-nothing)."""
        return bool(self.rows) and not any(row.action == REJECT for row in self.rows)


def report_to_json(report: ImportReport) -> dict:
    """The report as a job result (plain JSON); ``report_from_json`` reads it back for the page."""
    return {
        "ok": report.ok, "unknown_columns": report.unknown_columns, "notices": report.notices,
        "rows": [{"number": row.number, "name": row.name, "postcode": row.postcode, "action": row.action,
                  "errors": row.errors, "warnings": row.warnings, "changed_columns": row.changed_columns}
                 for row in report.rows],
    }


def report_from_json(data: dict) -> ImportReport:
    rows = [RowResult(**row) for row in data.get("rows", [])]
    return ImportReport(rows=rows, unknown_columns=data.get("unknown_columns", []),
                        notices=data.get("notices", []))


# --- reading the file -------------------------------------------------------------------------

def parse_upload(filename: str, data: bytes) -> ParsedFile:
    """Read a CSV or XLSX upload. Raises ImportFileError with a message in the current language."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        header, records = _read_xlsx(data)
        notices = []
    elif extension == "csv":
        text, notices = _decode_csv(data)
        header, records = _read_csv(text)
    else:
        raise ImportFileError(_("Vælg en CSV- eller XLSX-fil."))
    return _rows_from(header, records, notices)


def _decode_csv(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise ImportFileError(_("Filen er ikke en CSV-fil (den indeholder binære data). "
                                "Gem den som CSV, eller upload den som .xlsx."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [str(CP1252_NOTICE)]
    except UnicodeDecodeError:
        raise ImportFileError(_("Filen kan ikke læses som tekst (hverken UTF-8 eller Windows-tegnsæt). "
                                "Gem den som \"CSV UTF-8\", og prøv igen.")) from None


def _read_csv(text: str) -> tuple[list, list]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= max(first_line.count(","), 1) else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        records = []
        for record in reader:
            if len(records) >= MAX_ROWS:
                raise _too_many_rows()
            records.append(record)
    except csv.Error as exc:
        raise ImportFileError(_("Filen kan ikke læses som CSV (%(error)s).", error=exc)) from None
    return header or [], records


def _read_xlsx(data: bytes) -> tuple[list, list]:
    not_xlsx = ImportFileError(_("Filen er ikke en gyldig XLSX-fil (Excel-projektmappe). "
                                 "Gem den som .xlsx eller som CSV, og prøv igen."))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, NotImplementedError):  # an unknown zip version or method: not ours
        raise not_xlsx from None
    if not all(part in names for part in XLSX_REQUIRED_PARTS):
        raise not_xlsx
    if len(names) > MAX_XLSX_ENTRIES:
        raise ImportFileError(_("Filen har for mange dele til at være et almindeligt regneark."))
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_("Filen er for stor, når den pakkes ud. Del den op i flere filer."))
    _check_xlsx_cells(data, not_xlsx)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise not_xlsx from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows, None) or [])
        records = []
        for row in rows:
            if len(records) >= MAX_ROWS:
                raise _too_many_rows()
            records.append(list(row))
    except ImportFileError:
        raise
    except Exception:  # read-only sheets are parsed lazily: damage shows up while reading rows
        raise not_xlsx from None
    finally:
        workbook.close()
    return header, records


class _CellTooLong(Exception):
    pass


class _CellLengths(ContentHandler):
    """Count the characters of each shared string (<si>) or cell (<c>) as the XML streams by,
    without keeping them; stop at the first one longer than MAX_CELL_CHARS."""

    def __init__(self):
        super().__init__()
        self.length = None

    def startElement(self, name, attrs):  # noqa: N802 (SAX's names)
        if name.rpartition(":")[2] in ("si", "c"):
            self.length = 0

    def endElement(self, name):  # noqa: N802
        if name.rpartition(":")[2] in ("si", "c"):
            self.length = None

    def characters(self, content):
        if self.length is not None:
            self.length += len(content)
            if self.length > MAX_CELL_CHARS:
                raise _CellTooLong


def _check_xlsx_cells(data: bytes, not_xlsx: ImportFileError) -> None:
    """Refuse an XLSX whose shared strings or any cell are too long, reading the XML as a stream
    (a few chunks in memory at a time) before openpyxl loads any of it. defusedxml's parser reads
    the XML; only its exception and handler base come from xml.sax."""
    too_long = ImportFileError(_(
        "En celle i filen indeholder mere end %(limit)s tegn. Ret eller fjern den lange celle, og prøv igen.",
        limit=format_number(MAX_CELL_CHARS)))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not XLSX_CELL_PARTS.fullmatch(info.filename):
                    continue
                if info.filename == XLSX_SHARED_STRINGS_PART and info.file_size > MAX_XLSX_SHARED_STRINGS_BYTES:
                    raise ImportFileError(_("Filens tekster fylder for meget (over %(megabytes)s MB). "
                                            "Del den op i flere filer.",
                                            megabytes=MAX_XLSX_SHARED_STRINGS_BYTES // (1024 * 1024)))
                parser = make_parser()
                parser.forbid_dtd = True  # a spreadsheet part never has a DTD
                parser.setContentHandler(_CellLengths())
                with archive.open(info) as part:
                    while chunk := part.read(XLSX_SCAN_CHUNK_BYTES):
                        parser.feed(chunk)
                parser.close()
    except _CellTooLong:
        raise too_long from None
    # zipfile answers an entry marked encrypted with RuntimeError, an unknown method, version or flag
    # with NotImplementedError: a damaged or foreign file either way.
    except (zipfile.BadZipFile, zlib.error, SAXException, DefusedXmlException, EOFError, ValueError, OSError,
            RuntimeError, NotImplementedError):
        raise not_xlsx from None


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("Filen har mere end %(rows)s rækker. Del den op i flere filer.",
                             rows=format_number(MAX_ROWS)))


def _cell_text(value, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # A spreadsheet turns postcode 0800 into the number 800.
        return text.zfill(4) if column == "postnummer" else text
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    # A file is text from anywhere, and PostgreSQL refuses NUL: take control characters out.
    text = strip_control_characters(str(value)).strip()
    # The export puts an apostrophe before a value a spreadsheet would run as a formula; take it off.
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def _header_columns() -> dict[str, str]:
    """Header text (lower case) → column: the Danish column names and their headers in every language
    the export writes, so an export made in English imports as well."""
    columns = {column: column for column in IMPORT_COLUMNS}
    for language in LANGUAGES:
        with in_language(language):
            columns.update({str(EXPORT_HEADERS[column]).lower(): column for column in IMPORT_COLUMNS})
    return columns


def _rows_from(header: list, records: list, notices: list[str]) -> ParsedFile:
    known = _header_columns()
    typed = [str(cell).strip().lstrip("\ufeff").lower() if cell is not None else "" for cell in header]
    columns = [known.get(name, name) for name in typed]
    seen = set()
    for text, name in zip(typed, columns, strict=True):
        if name and name in seen:
            raise ImportFileError(_("Kolonnen \"%(column)s\" står mere end én gang i overskriften.", column=text))
        seen.add(name)
    missing = [str(EXPORT_HEADERS[name]) for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(_(
            "Filen mangler kolonnen %(missing)s i første række. Første række skal være "
            "overskrifter som i eksporten: %(columns)s.",
            missing=_(" og ").join(missing), columns=", ".join(str(EXPORT_HEADERS[c]) for c in IMPORT_COLUMNS)))
    unknown = [text for text, name in zip(typed, columns, strict=True) if name and name not in COLUMN_FIELDS]
    rows = []
    for index, record in enumerate(records, start=2):  # the header is row 1
        values = {}
        for column, value in zip(columns, record, strict=False):
            if column in COLUMN_FIELDS:
                values[column] = _cell_text(value, column)
        if any(values.values()):
            rows.append((index, values))
    if not rows:
        raise ImportFileError(_("Filen indeholder ingen rækker med virksomheder under overskriften."))
    return ParsedFile(rows=rows, unknown_columns=unknown, notices=notices)


# --- checking and importing the rows ----------------------------------------------------------

# Rows are written in batches of this many companies: one flush (a few multi-row INSERTs and
# UPDATEs) per batch, so the statements grow with the batches, not with the rows.
BATCH_SIZE = 1000
# Values per IN (...) of a bulk lookup, well below every database's parameter limit.
LOOKUP_CHUNK = 500
# How often (rows) a long import reports its progress.
PROGRESS_EVERY = 500


def _no_progress(_percent: int, _text: str) -> None:
    pass


@contextlib.contextmanager
def _no_gc_pauses():
    """Hold the cyclic garbage collector while a file is checked and written: the rows make
    hundreds of thousands of lasting objects, and the collector's full passes over them took half
    the CPU of a preview. Plain reference counting still frees everything; the work makes no cycles
    worth waiting for, and the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Vocabulary:
    """The labels (in every language the export writes) and e-mails the file may use, looked up
    once per import."""

    def __init__(self, emails: set[str]):
        self.statuses = {s.value: s.value for s in PartnershipStatus}
        for language in LANGUAGES:
            with in_language(language):
                self.statuses.update({s.label.lower(): s.value for s in PartnershipStatus})
        self.tags = {tag.code: tag for tag in db.session.scalars(sa.select(OfferTag))}
        self.offers = {}
        for tag in self.tags.values():
            self.offers[tag.code.lower()] = tag.code
        for tag in self.tags.values():
            self.offers.setdefault(tag.label.lower(), tag.code)
        self._users: dict[str, int] = {}
        self.roles: dict[int, str] = {}
        keys = sorted({email.strip().lower() for email in emails if email.strip()})
        for chunk in _chunks(keys, LOOKUP_CHUNK):
            for user_id, email, role in db.session.execute(
                    sa.select(User.id, sa.func.lower(User.email), User.role)
                    .where(sa.func.lower(User.email).in_(chunk))):
                self._users[email] = user_id
                self.roles[user_id] = role

    def user_id(self, email: str) -> int:
        user_id = self._users.get(email.strip().lower())
        if user_id is None:
            raise ValidationError(_("Der er ingen bruger med e-mailen %(email)s.", email=email), field="konsulent_id")
        return user_id


class _Register(Lookups):
    """The part of the register an import touches, fetched in a handful of queries up front.

    It answers the lookups create/update validation makes (so a row costs no query) and
    grows with the companies the file creates, so later rows see them as the old row-by-row
    import did.
    """

    def __init__(self, rows: list[dict], vocabulary: _Vocabulary):
        self.vocabulary = vocabulary
        self.industries = set(db.session.scalars(sa.select(Industry.code)))
        cvrs = sorted({cvr for data in rows if (cvr := normalize_cvr(data.get("cvr")))})
        keys = sorted({normalize_company_name(data["name"]) for data in rows if not normalize_cvr(data.get("cvr"))}
                      - {""})
        postcodes = sorted({data["postcode"].strip() for data in rows if data["postcode"].strip()})
        # The columns an update compares, as plain rows (no ORM objects: a third of the cost).
        table = Company.__table__
        names = ("id", "version", *CURRENT_FIELDS)
        load = sa.select(*(table.c[name] for name in names))
        loaded: dict[int, _Existing] = {}
        for column, values in ((table.c.cvr, cvrs), (table.c.name_key, keys)):
            for chunk in _chunks(values, LOOKUP_CHUNK):
                loaded.update((row[0], _Existing(dict(zip(names, row, strict=True))))
                              for row in db.session.execute(load.where(column.in_(chunk))))
        for chunk in _chunks(sorted(loaded), LOOKUP_CHUNK):
            for company_id, code in db.session.execute(
                    sa.select(company_offers.c.company_id, company_offers.c.tag_code)
                    .where(company_offers.c.company_id.in_(chunk))):
                loaded[company_id].offers.add(code)
        self.by_cvr: dict[str, _Existing | _Created] = {}
        self.current: _Existing | None = None  # the company being updated (it may keep its CVR)
        self.by_name: dict[tuple[str, str], list[_Existing | _Created]] = {}
        for company_id in sorted(loaded):
            self._index(loaded[company_id])
        # Names per postcode for the duplicate warning (narrow rows, not whole companies).
        self.nearby: dict[str, list[tuple[str, str, str]]] = {}
        for chunk in _chunks(postcodes, LOOKUP_CHUNK):
            for name, name_key, postcode in db.session.execute(
                    sa.select(Company.name, Company.name_key, Company.postcode)
                    .where(Company.postcode.in_(chunk)).order_by(Company.id)):
                self.nearby.setdefault(postcode, []).append((name, name_key, postcode))
        # The offer tags stay usable while the progress of a job is committed meanwhile.
        for tag in vocabulary.tags.values():
            db.session.expunge(tag)

    def _index(self, company: "_Existing | _Created") -> None:
        if company.cvr:
            self.by_cvr[company.cvr] = company
        self.by_name.setdefault((company.name_key, company.postcode), []).append(company)

    def add_created(self, created: "_Created") -> None:
        self._index(created)
        self.nearby.setdefault(created.postcode, []).append((created.name, created.name_key, created.postcode))

    def matching_company(self, data: dict) -> "_Existing | _Created | None":
        cvr = normalize_cvr(data.get("cvr"))
        if cvr:
            return self.by_cvr.get(cvr)
        key = normalize_company_name(data["name"])
        if not key or not data["postcode"]:
            return None
        found = [c for c in self.by_name.get((key, data["postcode"].strip()), [])
                 if not isinstance(c, _Created)] or self.by_name.get((key, data["postcode"].strip()), [])
        if len(found) > 1:
            raise ValidationError(_("Flere virksomheder i registret har samme navn og postnummer. "
                                    "Angiv CVR-nummeret, så rækken kan kendes."))
        return found[0] if found else None

    def duplicate_warnings(self, data: dict) -> list[str]:
        """find_duplicates' answer for a new company, from the names fetched up front."""
        key = normalize_company_name(data["name"])
        postcode = data["postcode"].strip()
        if not key or not postcode:
            return []
        names = self.nearby.get(postcode, [])
        hits = process.extract(key, [name_key for _, name_key, _ in names], scorer=fuzz.token_sort_ratio,
                               score_cutoff=DUPLICATE_NAME_THRESHOLD, limit=None)
        return [_("Ligner %(name)s (%(postcode)s): lignende navn i samme postnummer.",
                  name=names[index][0], postcode=names[index][2])
                for _match, _score, index in sorted(hits, key=lambda hit: hit[2])]

    # --- Lookups -------------------------------------------------------------------------------

    def cvr_owner(self, cvr: str) -> int | None:
        company = self.by_cvr.get(cvr)
        if company is None or company is self.current:
            return None
        return company.id or -1  # created earlier in this file, not yet written

    def industry_exists(self, code: str) -> bool:
        return code in self.industries

    def offer_tags(self, codes: set[str]) -> list[OfferTag]:
        return [self.vocabulary.tags[code] for code in codes if code in self.vocabulary.tags]

    def user_role(self, user_id: int) -> str | None:
        return self.vocabulary.roles.get(user_id)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _row_data(values: dict[str, str], vocabulary: _Vocabulary) -> dict:
    """The row as create_company takes it; empty cells are left out (they change nothing)."""
    data = {"name": values.get("navn", ""), "postcode": values.get("postnummer", "")}
    for column, value in values.items():
        if not value or column in REQUIRED_COLUMNS:
            continue
        key = COLUMN_FIELDS[column]
        if key == "offers":
            data[key] = [vocabulary.offers.get(part.lower(), part) for part in _split(value)]
        elif key == "tags":
            data[key] = _split(value)
        elif key == "status":
            data[key] = vocabulary.statuses.get(value.lower(), value)
        elif key == "konsulent_id":
            data[key] = vocabulary.user_id(value)
        else:
            data[key] = value
    return data


def json_safe(profile: dict) -> dict:
    """A company_profile() snapshot with dates as ISO strings, ready for a JSON column."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in profile.items()}


def _changed_columns(before: dict, after: dict, header) -> list[str]:
    changed = {key for key in after if before.get(key) != after[key]}
    return [header(FIELD_COLUMNS.get(key, key)) for key in sorted(changed)]


def _header(column: str) -> str:
    """A column's header in the current language (as the export writes it)."""
    return str(EXPORT_HEADERS[column]) if column in EXPORT_HEADERS else column


def _row_message(number: int, error: ValidationError) -> str:
    column = FIELD_COLUMNS.get(error.field or "")
    if column:
        return _("Række %(row)s: %(message)s Kolonne: %(column)s.", row=number, message=error.message,
                 column=_header(column))
    return _("Række %(row)s: %(message)s", row=number, message=error.message)


class _SeenInFile:
    """Rows earlier in the same file, to catch a company that appears twice."""

    def __init__(self):
        self.cvr: dict[str, int] = {}
        self.name: dict[tuple[str, str], int] = {}
        self.company: dict[int, int] = {}

    def check(self, number: int, data: dict) -> None:
        cvr = normalize_cvr(data.get("cvr"))
        if cvr:
            if cvr in self.cvr:
                raise ValidationError(_("CVR-nummeret %(cvr)s står også i række %(row)s.", cvr=cvr, row=self.cvr[cvr]),
                                      field="cvr")
            self.cvr[cvr] = number
            return
        key = (normalize_company_name(data["name"]), data["postcode"].strip())
        if key[0] and key in self.name:
            raise ValidationError(_("Samme navn og postnummer står også i række %(row)s.", row=self.name[key]),
                                  field="name")
        self.name[key] = number

    def check_company(self, number: int, company: "_Existing") -> None:
        key = company.id
        if key in self.company:
            raise ValidationError(_("Rækken rammer samme virksomhed (%(name)s) som række %(row)s.",
                                    name=company.name, row=self.company[key]))
        self.company[key] = number


@dataclass
class _Created:
    """A company the file creates: its column values and offers, written in bulk."""

    number: int
    values: dict
    offers: list[str]
    id: int | None = None

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def name_key(self) -> str:
        return self.values["name_key"]

    @property
    def postcode(self) -> str:
        return self.values["postcode"]

    @property
    def cvr(self) -> str | None:
        return self.values["cvr"]



@dataclass(slots=True)
class _Existing:
    """A company of the register the file may change: the columns ``plan_update`` compares (and
    its id and version), and its offer codes."""

    values: dict
    offers: set[str] = field(default_factory=set)

    id = property(lambda self: self.values["id"])
    version = property(lambda self: self.values["version"])
    name = property(lambda self: self.values["name"])
    name_key = property(lambda self: self.values["name_key"])
    postcode = property(lambda self: self.values["postcode"])
    cvr = property(lambda self: self.values["cvr"])

    def current(self) -> dict:
        return self.values | {"offers": self.offers}

    def profile(self) -> dict:
        """As ``company_profile`` gives it for the loaded company."""
        values = self.values
        return {key: values[key] for key in PROFILE_FIELDS} | {
            "status": values["status"], "offers": sorted(self.offers), "konsulent_id": values["konsulent_id"]}


@dataclass
class _Planned:
    """One accepted row: the company to write and what to audit once it has an id; for an
    update the columns to set (``values``)."""

    result: RowResult
    company: _Existing | _Created
    changes: dict
    status_move: dict | None = None
    values: dict | None = None


def _plan(parsed: ParsedFile, *, actor, progress) -> tuple[list[RowResult], list[_Planned]]:
    """Check every row and build the companies it creates or changes, in memory only.

    The register is fetched in bulk first; a row then costs no query, so the time grows
    linearly with the file. Nothing is written: ``_write`` does that for an import.
    """
    progress(2, _("Slår virksomhederne op i registret …"))
    emails = {values.get("konsulent_email", "") for _, values in parsed.rows}
    vocabulary = _Vocabulary(emails)
    results, datas = [], []
    for number, values in parsed.rows:
        result = RowResult(number=number, name=values.get("navn", ""), postcode=values.get("postnummer", ""))
        results.append(result)
        try:
            datas.append(_row_data(values, vocabulary))
        except ValidationError as exc:
            datas.append(None)
            _reject(result, exc)
    register = _Register([data for data in datas if data is not None], vocabulary)
    seen = _SeenInFile()
    header = functools.cache(_header)  # one translation per column, not per row
    planned = []
    total = len(results)
    for position, (result, data) in enumerate(zip(results, datas, strict=True), start=1):
        if position % PROGRESS_EVERY == 0:
            progress(5 + 60 * position // total,
                     _("Kontrollerer række %(row)s af %(rows)s …", row=format_number(position),
                       rows=format_number(total)))
        if data is None:
            continue
        try:
            seen.check(result.number, data)
            company = register.matching_company(data)
            if isinstance(company, _Created):
                raise ValidationError(_("Rækken rammer samme virksomhed (%(name)s) som række %(row)s.",
                                        name=company.name, row=company.number))
            if company is None:
                result.warnings = register.duplicate_warnings(data)
                values, offers = new_company_values(data, lookups=register)
                created = _Created(result.number, values, [tag.code for tag in offers])
                register.add_created(created)
                result.action = CREATE
                planned.append(_Planned(result, created, {"name": created.name, "cvr": created.cvr}))
                continue
            seen.check_company(result.number, company)
            before = company.profile()
            register.current = company
            update = plan_update(company.current(), {**before, **data}, company_id=company.id, lookups=register)
            after = before | {key: value for key, value in update.values.items() if key in before}
            if update.offers is not None:
                after["offers"] = update.changes["offers"]
            result.before = json_safe(before)
            result.changed_columns = _changed_columns(before, after, header)
            result.action = UPDATE if result.changed_columns else UNCHANGED
            result.company_id = company.id
            planned.append(_Planned(result, company, update.changes, update.status_move, update.values))
        except ValidationError as exc:
            _reject(result, exc)
    return results, planned


def _reject(result: RowResult, error: ValidationError) -> None:
    result.action = REJECT
    result.warnings = []
    result.errors.append(_row_message(result.number, error))


def _write(planned: list[_Planned], batch: ImportBatch, *, actor, progress) -> None:
    """Write the planned rows in batches of multi-row statements: the new companies, the changed
    ones (each UPDATE checks the version it was read at), their offers and status history, the
    audit rows and the import's record of each change. Raises ConflictError when a company
    changed meanwhile; the caller rolls back."""
    actor_id = actor.id if actor is not None else None
    now = utcnow()
    db.session.flush()  # the batch row, so the changes can point at it
    for chunk in _chunks(planned, BATCH_SIZE):
        created = [item for item in chunk if item.result.action == CREATE]
        updated = [item for item in chunk if item.result.action == UPDATE]
        if created:
            ids = _allocate_company_ids(len(created))
            for item, company_id in zip(created, ids, strict=True):
                item.company.id = company_id
            _insert(Company.__table__, [
                {**item.company.values, "id": item.company.id, "status_changed_at": now, "created_at": now,
                 "updated_at": now, "version": 1} for item in created])
        if updated:
            _write_updates(updated, now)
        status_rows, offer_rows = [], []
        for item in created:
            status_rows.append({"company_id": item.company.id, "from_status": None,
                                "to_status": item.company.values["status"], "changed_at": now,
                                "changed_by_id": actor_id, "note": ""})
            offer_rows += [{"company_id": item.company.id, "tag_code": code} for code in item.company.offers]
        for item in updated:
            if item.status_move:
                status_rows.append({"company_id": item.company.id, "from_status": item.status_move["from"],
                                    "to_status": item.status_move["to"],
                                    "changed_at": item.values["status_changed_at"], "changed_by_id": actor_id,
                                    "note": ""})
            if "offers" in item.changes:
                offer_rows += [{"company_id": item.company.id, "tag_code": code}
                               for code in item.changes["offers"]]
        _insert(CompanyStatusChange.__table__, status_rows)
        _insert(company_offers, offer_rows)
        events, changes = [], []
        for item in chunk:
            company, result = item.company, item.result
            result.company_id = company.id
            if result.action == CREATE:
                events.append(("company.create", company.id, item.changes))
            if item.status_move:
                events.append(("company.status", company.id, item.status_move))
            if result.action == UPDATE:
                events.append(("company.update", company.id, item.changes))
            if result.action in (CREATE, UPDATE):
                changes.append({"batch_id": batch.id, "company_id": company.id,
                                "action": "created" if result.action == CREATE else "updated",
                                "before": result.before if result.action == UPDATE else None,
                                "version_after": 1 if result.action == CREATE else company.version + 1})
        _insert(AuditEvent.__table__, [
            {"at": now, "actor_id": actor_id, "action": action, "object_type": "company",
             "object_id": str(company_id), "details": details, "ip": _request_ip()}
            for action, company_id, details in events])
        _insert(ImportChange.__table__, changes)


# Columns an import may change on an existing company (the profile and what is derived from it).
UPDATE_COLUMNS = (*PROFILE_FIELDS, "name_key", "sort_key", "lat", "lon", "geo_precision", "status", "status_changed_at",
                  "konsulent_id")


def _write_updates(updated: list[_Planned], now) -> None:
    """One executemany per set of changed columns (a file that changes phone numbers sets only the
    phone: no index of the other columns is touched); each row checks the version it was read at.
    On PostgreSQL a big group is one ``UPDATE … FROM (VALUES …)`` per batch instead."""
    groups: dict[tuple[str, ...], list[_Planned]] = {}
    for item in updated:
        changed = tuple(column for column in UPDATE_COLUMNS if column in item.values)
        groups.setdefault(changed, []).append(item)
    matched = sum(_update_group(columns, items, now) for columns, items in groups.items())
    if matched != len(updated):
        raise ConflictError(str(CONFLICT_MESSAGE))
    changed_offers = [item.company.id for item in updated if "offers" in item.changes]
    for chunk in _chunks(changed_offers, LOOKUP_CHUNK):
        db.session.execute(company_offers.delete().where(company_offers.c.company_id.in_(chunk)))


def _update_group(columns: tuple[str, ...], items: list[_Planned], now) -> int:
    """Write ``columns`` (and the version) of each company in ``items``; the number of rows matched."""
    table = Company.__table__
    rows = [{"_id": item.company.id, "_version": item.company.version, "_new_version": item.company.version + 1}
            | {f"_{column}": item.values[column] for column in columns} for item in items]
    if db.engine.dialect.name == "postgresql" and len(rows) > 1:
        return _update_from_values(table, columns, rows, now)
    statement = (
        table.update()
        .where(table.c.id == sa.bindparam("_id"), table.c.version == sa.bindparam("_version"))
        .values({column: sa.bindparam(f"_{column}") for column in columns}
                | {"version": sa.bindparam("_new_version"), "updated_at": now})
    )
    return db.session.execute(statement, rows).rowcount


def _update_from_values(table: sa.Table, columns: tuple[str, ...], rows: list[dict], now) -> int:
    """PostgreSQL: ``UPDATE companies SET … FROM (VALUES …) AS v WHERE id = v.id AND version = v.version``,
    one statement per BATCH_SIZE rows (one round trip instead of one per row)."""
    names = ["_id", "_version", "_new_version", *(f"_{column}" for column in columns)]
    types = [table.c.id.type, table.c.version.type, table.c.version.type, *(table.c[c].type for c in columns)]
    matched = 0
    for chunk in _chunks(rows, BATCH_SIZE):
        values = sa.values(*(sa.column(name, type_) for name, type_ in zip(names, types, strict=True)),
                           name="v").data([tuple(row[name] for name in names) for row in chunk])
        statement = (
            table.update()
            .where(table.c.id == values.c._id, table.c.version == values.c._version)
            .values({column: values.c[f"_{column}"] for column in columns}
                    | {"version": values.c._new_version, "updated_at": now})
        )
        matched += db.session.execute(statement).rowcount
    return matched


def _allocate_company_ids(count: int) -> list[int]:
    """Ids for new companies, so they can be inserted without RETURNING (five times slower per
    row on PostgreSQL, and row by row on SQLite when the order must be kept)."""
    if db.engine.dialect.name == "postgresql":
        return list(db.session.scalars(
            sa.text("SELECT nextval(pg_get_serial_sequence('companies', 'id')) FROM generate_series(1, :n)"),
            {"n": count}))
    # SQLite: the import's transaction holds the write lock (BEGIN IMMEDIATE), so nobody else
    # inserts meanwhile; these are the ids SQLite itself would hand out.
    highest = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Company.id), 0)))
    return list(range(highest + 1, highest + 1 + count))


def _insert(table: sa.Table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(table.insert(), rows)


def _request_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def preview_import(parsed: ParsedFile, *, actor=None, progress=_no_progress) -> ImportReport:
    """Say what importing the file would do, row by row, without writing anything."""
    with _no_gc_pauses():
        rows, _planned = _plan(parsed, actor=actor, progress=progress)
    return ImportReport(rows=rows, unknown_columns=parsed.unknown_columns, notices=parsed.notices)


def run_import(parsed: ParsedFile, *, filename: str, actor=None, progress=_no_progress) -> ImportReport:
    """Import every row, or none: when any row is rejected nothing is written and the report
    (without a batch) says why. The caller commits when ``report.batch`` is set.

    ``progress(percent, text)`` is called while the rows are checked, before anything is
    written, so a job may commit its progress then.
    """
    with _no_gc_pauses():
        rows, planned = _plan(parsed, actor=actor, progress=progress)
        report = ImportReport(rows=rows, unknown_columns=parsed.unknown_columns, notices=parsed.notices)
        if not report.ok:
            db.session.rollback()
            return report
        progress(70, _("Gemmer virksomhederne …"))  # the last report: from here on the session holds the work
        batch = ImportBatch(user_id=actor.id if actor is not None else None, filename=filename[:255],
                            created_count=report.count(CREATE), updated_count=report.count(UPDATE))
        db.session.add(batch)
        try:
            _write(planned, batch, actor=actor, progress=progress)
        except ConflictError:
            db.session.rollback()
            raise
    record_event("company.import", "import_batch", batch.id, actor=actor,
                 details={"filename": batch.filename, "created": batch.created_count,
                          "updated": batch.updated_count})
    report.batch = batch
    return report


# --- undo -------------------------------------------------------------------------------------

def can_undo_import(user, batch: ImportBatch) -> bool:
    """Admins may undo any import, a konsulent the imports they made themselves."""
    if not user.is_authenticated or batch.undone_at is not None:
        return False
    return can(user, "company.import", batch)


def _has_activity(company_id: int) -> bool:
    """Whether anything (contacts, log, tasks, users, openings …) points at the company."""
    ignored = {"company_status_changes", "company_offers", "import_changes"}
    for column in company_references():
        if column.table.name in ignored:
            continue
        if db.session.scalar(sa.select(sa.literal(1)).where(column == company_id).limit(1)) is not None:
            return True
    return False


def _restore(company: Company, before: dict, *, actor) -> None:
    data = dict(before)
    for key in ("agreement_signed", "agreement_renewal"):
        if data.get(key):
            data[key] = date.fromisoformat(data[key])
    status = data.pop("status")
    update_company(company, data, expected_version=company.version, actor=actor)
    if status != company.status:
        # Back to where it was, whatever the pipeline normally allows: this reverses a change.
        company.status_changes.append(CompanyStatusChange(
            from_status=company.status, to_status=status, changed_at=utcnow(),
            changed_by_id=actor.id if actor is not None else None, note=_("Import fortrudt"),
        ))
        company.status = status
        company.status_changed_at = utcnow()


def undo_import(batch: ImportBatch, *, actor) -> None:
    """Remove what the import created and restore what it updated.

    Refused (ValidationError, nothing written) when any of its companies has changed since or a
    created one has got contacts, log entries, tasks or the like; NotAuthorized for a user who
    may not undo it. The caller rolls back on an error and commits otherwise.
    """
    if batch.undone_at is not None:
        raise ValidationError(_("Importen er allerede fortrudt."))
    if not can_undo_import(actor, batch):
        raise NotAuthorized(_("Du kan kun fortryde dine egne importer."))
    changed, gone, plan = [], 0, []
    for change in batch.changes:
        company = db.session.get(Company, change.company_id) if change.company_id is not None else None
        if company is None:
            gone += 1
        elif company.version != change.version_after or (
                change.action == "created" and _has_activity(company.id)):
            changed.append(company.name)
        else:
            plan.append((change, company))
    if changed or gone:
        names = ", ".join(sorted(changed))
        if changed and gone:
            message = _("Importen kan ikke fortrydes, fordi disse virksomheder er ændret eller har fået kontakter, "
                        "logbog eller opgaver siden: %(names)s og %(gone)s af virksomhederne er slettet eller "
                        "flettet siden. Intet er ændret.", names=names, gone=gone)
        elif changed:
            message = _("Importen kan ikke fortrydes, fordi disse virksomheder er ændret eller har fået kontakter, "
                        "logbog eller opgaver siden: %(names)s. Intet er ændret.", names=names)
        else:
            message = _("Importen kan ikke fortrydes, fordi %(gone)s af virksomhederne er slettet eller flettet "
                        "siden. Intet er ændret.", gone=gone)
        raise ValidationError(message)
    for change, company in plan:
        if change.action == "created":
            db.session.delete(company)
        else:
            _restore(company, change.before, actor=actor)
    batch.undone_at = utcnow()
    db.session.flush()
    record_event("company.import_undo", "import_batch", batch.id, actor=actor,
                 details={"removed": batch.created_count, "restored": batch.updated_count})
