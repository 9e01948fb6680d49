"""Import companies from CSV or XLSX: parse, preview, confirm all-or-nothing, undo as a whole.

The file format is the export's: one row per company with the columns in ``IMPORT_COLUMNS``;
only ``navn`` and ``postnummer`` are required, headers match case-insensitively, unknown columns
are reported and ignored. An empty cell leaves the current value of an existing company alone.

Every row goes through ``create_company``/``update_company``, so an import obeys exactly the
rules of the company form. A row updates an existing company when the CVR-nummer matches, or,
for a row without CVR, when the normalised name and the postcode match exactly; otherwise it
creates one. ``preview_import`` checks every row by the same rules without writing anything, so
the preview says what the real import would do, row by row; ``run_import`` does it for real and
keeps nothing unless every row is accepted. ``undo_import`` reverses a batch while none of its
companies has changed since.
"""

import codecs
import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from time import monotonic
from xml.sax import SAXException  # nosec B406
from xml.sax.handler import ContentHandler  # nosec B406

import openpyxl
import sqlalchemy as sa
from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser
from flask import current_app

from crm.extensions import db
from crm.models import Company, CompanyStatusChange, ImportBatch, ImportChange, OfferTag, User
from crm.models.company import PartnershipStatus
from crm.models.user import Role
from crm.services import NotAuthorized, ValidationError
from crm.services.audit import record_event
from crm.services.companies import (
    check_new_company,
    company_profile,
    create_company,
    find_duplicates,
    profile_after_update,
    update_company,
)
from crm.services.company_export import EXPORT_COLUMNS, FORMULA_PREFIXES, LIST_SEPARATOR
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
ACTION_LABELS = {CREATE: "Oprettes", UPDATE: "Opdateres", UNCHANGED: "Uændret", REJECT: "Afvist"}
CP1252_NOTICE = (
    "Filen var ikke gemt som UTF-8 og er læst som Windows-tegnsæt (cp1252). Kontrollér, at æ, ø og å "
    "ser rigtige ud i forhåndsvisningen; ellers gem filen som \"CSV UTF-8\" og prøv igen."
)


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; the message says why, in Danish."""


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
        return ACTION_LABELS[self.action]


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


# --- reading the file -------------------------------------------------------------------------

def parse_upload(filename: str, data: bytes) -> ParsedFile:
    """Read a CSV or XLSX upload. Raises ImportFileError with a Danish message."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        header, records = _read_xlsx(data)
        notices = []
    elif extension == "csv":
        text, notices = _decode_csv(data)
        header, records = _read_csv(text)
    else:
        raise ImportFileError("Vælg en CSV- eller XLSX-fil.")
    return _rows_from(header, records, notices)


def _decode_csv(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise ImportFileError("Filen er ikke en CSV-fil (den indeholder binære data). "
                              "Gem den som CSV, eller upload den som .xlsx.")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [CP1252_NOTICE]
    except UnicodeDecodeError:
        raise ImportFileError("Filen kan ikke læses som tekst (hverken UTF-8 eller Windows-tegnsæt). "
                              "Gem den som \"CSV UTF-8\", og prøv igen.") from None


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
        raise ImportFileError(f"Filen kan ikke læses som CSV ({exc}).") from None
    return header or [], records


def _read_xlsx(data: bytes) -> tuple[list, list]:
    not_xlsx = ImportFileError("Filen er ikke en gyldig XLSX-fil (Excel-projektmappe). "
                               "Gem den som .xlsx eller som CSV, og prøv igen.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise not_xlsx from None
    if not all(part in names for part in XLSX_REQUIRED_PARTS):
        raise not_xlsx
    if len(names) > MAX_XLSX_ENTRIES:
        raise ImportFileError("Filen har for mange dele til at være et almindeligt regneark.")
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError("Filen er for stor, når den pakkes ud. Del den op i flere filer.")
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
    limit = f"{MAX_CELL_CHARS:,}".replace(",", ".")
    too_long = ImportFileError(
        f"En celle i filen indeholder mere end {limit} tegn. Ret eller fjern den lange celle, og prøv igen."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not XLSX_CELL_PARTS.fullmatch(info.filename):
                    continue
                if info.filename == XLSX_SHARED_STRINGS_PART and info.file_size > MAX_XLSX_SHARED_STRINGS_BYTES:
                    raise ImportFileError("Filens tekster fylder for meget (over "
                                          f"{MAX_XLSX_SHARED_STRINGS_BYTES // (1024 * 1024)} MB). "
                                          "Del den op i flere filer.")
                parser = make_parser()
                parser.forbid_dtd = True  # a spreadsheet part never has a DTD
                parser.setContentHandler(_CellLengths())
                with archive.open(info) as part:
                    while chunk := part.read(XLSX_SCAN_CHUNK_BYTES):
                        parser.feed(chunk)
                parser.close()
    except _CellTooLong:
        raise too_long from None
    except (zipfile.BadZipFile, SAXException, DefusedXmlException, EOFError, ValueError, OSError):
        raise not_xlsx from None


def _too_many_rows() -> ImportFileError:
    return ImportFileError(f"Filen har mere end {MAX_ROWS:,} rækker. Del den op i flere filer.".replace(",", "."))


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


def _rows_from(header: list, records: list, notices: list[str]) -> ParsedFile:
    columns = [str(cell).strip().lstrip("\ufeff").lower() if cell is not None else "" for cell in header]
    seen = set()
    for name in columns:
        if name and name in seen:
            raise ImportFileError(f"Kolonnen \"{name}\" står mere end én gang i overskriften.")
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(
            f"Filen mangler kolonnen {' og '.join(missing)} i første række. Første række skal være "
            f"overskrifter som i eksporten: {', '.join(IMPORT_COLUMNS)}."
        )
    unknown = [name for name in columns if name and name not in COLUMN_FIELDS]
    rows = []
    for index, record in enumerate(records, start=2):  # the header is row 1
        values = {}
        for column, value in zip(columns, record, strict=False):
            if column in COLUMN_FIELDS:
                values[column] = _cell_text(value, column)
        if any(values.values()):
            rows.append((index, values))
    if not rows:
        raise ImportFileError("Filen indeholder ingen rækker med virksomheder under overskriften.")
    return ParsedFile(rows=rows, unknown_columns=unknown, notices=notices)


# --- checking and importing the rows ----------------------------------------------------------

class _Vocabulary:
    """Danish labels and e-mails the file may use, looked up once per import."""

    def __init__(self):
        self.statuses = {s.value: s.value for s in PartnershipStatus}
        self.statuses.update({s.label.lower(): s.value for s in PartnershipStatus})
        self.offers = {}
        for code, label in db.session.execute(sa.select(OfferTag.code, OfferTag.label)):
            self.offers[code.lower()] = code
            self.offers.setdefault(label.lower(), code)
        self._users: dict[str, int | None] = {}

    def user_id(self, email: str) -> int:
        key = email.strip().lower()
        if key not in self._users:
            self._users[key] = db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == key))
        if self._users[key] is None:
            raise ValidationError(f"Der er ingen bruger med e-mailen {email}.", field="konsulent_id")
        return self._users[key]


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


def _matching_company(data: dict) -> Company | None:
    cvr = normalize_cvr(data.get("cvr"))
    if cvr:
        return db.session.scalar(sa.select(Company).where(Company.cvr == cvr))
    key = normalize_company_name(data["name"])
    if not key or not data["postcode"]:
        return None
    found = db.session.scalars(
        sa.select(Company).where(Company.name_key == key, Company.postcode == data["postcode"].strip())
        .order_by(Company.id).limit(2)
    ).all()
    if len(found) > 1:
        raise ValidationError("Flere virksomheder i registret har samme navn og postnummer. "
                              "Angiv CVR-nummeret, så rækken kan kendes.")
    return found[0] if found else None


def json_safe(profile: dict) -> dict:
    """A company_profile() snapshot with dates as ISO strings, ready for a JSON column."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in profile.items()}


def _changed_columns(before: dict, after: dict) -> list[str]:
    changed = {key for key in after if before.get(key) != after[key]}
    return [FIELD_COLUMNS.get(key, key) for key in sorted(changed)]


def _row_message(number: int, error: ValidationError) -> str:
    column = FIELD_COLUMNS.get(error.field or "")
    suffix = f" Kolonne: {column}." if column else ""
    return f"Række {number}: {error.message}{suffix}"


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
                raise ValidationError(f"CVR-nummeret {cvr} står også i række {self.cvr[cvr]}.", field="cvr")
            self.cvr[cvr] = number
            return
        key = (normalize_company_name(data["name"]), data["postcode"].strip())
        if key[0] and key in self.name:
            raise ValidationError(f"Samme navn og postnummer står også i række {self.name[key]}.",
                                  field="name")
        self.name[key] = number

    def check_company(self, number: int, company: Company) -> None:
        if company.id in self.company:
            raise ValidationError(f"Rækken rammer samme virksomhed ({company.name}) som række "
                                  f"{self.company[company.id]}.")
        self.company[company.id] = number


def _out_of_time(seconds: int) -> ImportFileError:
    return ImportFileError(
        f"Filen er for stor til at blive gennemgået på én gang (mere end {seconds} sekunder), så intet "
        "er importeret. Del den op i mindre filer, og prøv igen."
    )


def _process(parsed: ParsedFile, *, actor, write: bool) -> list[RowResult]:
    """Check every row and, with ``write``, create or update company by company, each row in its
    own savepoint; the caller decides whether to keep the result. Without ``write`` the rows are
    checked by the same rules and nothing is written (the preview).

    Raises ImportFileError when the rows take longer than IMPORT_TIME_LIMIT_SECONDS: better than
    being killed by the server's request timeout, and the caller rolls back, so nothing is kept.
    """
    limit = current_app.config["IMPORT_TIME_LIMIT_SECONDS"]
    deadline = monotonic() + limit
    vocabulary = _Vocabulary()
    seen = _SeenInFile()
    results = []
    for number, values in parsed.rows:
        if monotonic() > deadline:
            raise _out_of_time(limit)
        result = RowResult(number=number, name=values.get("navn", ""), postcode=values.get("postnummer", ""))
        results.append(result)
        try:
            data = _row_data(values, vocabulary)
            seen.check(number, data)
            company = _matching_company(data)
            if company is not None:
                seen.check_company(number, company)
            if company is None:
                result.warnings = [
                    f"Ligner {dup.company.name} ({dup.company.postcode}): {dup.reason.lower()}."
                    for dup in find_duplicates(name=data["name"], postcode=data["postcode"],
                                               cvr=data.get("cvr"))
                ]
                result.action = CREATE
                if write:
                    with db.session.begin_nested():
                        result.company_id = create_company(data, actor=actor).id
                else:
                    check_new_company(data)
            else:
                before = company_profile(company)
                if write:
                    with db.session.begin_nested():
                        update_company(company, {**before, **data}, expected_version=company.version,
                                       actor=actor)
                    after = company_profile(company)
                else:
                    after = profile_after_update(company, {**before, **data})
                result.before = json_safe(before)
                result.changed_columns = _changed_columns(before, after)
                result.action = UPDATE if result.changed_columns else UNCHANGED
                result.company_id = company.id
        except ValidationError as exc:
            result.action = REJECT
            result.warnings = []
            result.errors.append(_row_message(number, exc))
    return results


def preview_import(parsed: ParsedFile, *, actor=None) -> ImportReport:
    """Say what importing the file would do, row by row, without writing anything.

    Nothing is written, not even inside a savepoint: on SQLite any write takes the database's one
    write lock, and a preview of thousands of rows must not hold it while other people work.
    """
    with db.session.no_autoflush:
        rows = _process(parsed, actor=actor, write=False)
    return ImportReport(rows=rows, unknown_columns=parsed.unknown_columns, notices=parsed.notices)


def run_import(parsed: ParsedFile, *, filename: str, actor=None) -> ImportReport:
    """Import every row, or none: when any row is rejected the session is rolled back and the
    report (without a batch) says why. The caller commits when ``report.batch`` is set."""
    batch = ImportBatch(user_id=actor.id if actor is not None else None, filename=filename[:255])
    db.session.add(batch)
    # A write before the savepoints: on SQLite this opens the real transaction they nest in.
    db.session.flush()
    rows = _process(parsed, actor=actor, write=True)
    report = ImportReport(rows=rows, unknown_columns=parsed.unknown_columns, notices=parsed.notices)
    if not report.ok:
        db.session.rollback()
        return report
    db.session.flush()
    for row in rows:
        if row.action in (CREATE, UPDATE):
            company = db.session.get(Company, row.company_id)
            batch.changes.append(ImportChange(
                company_id=company.id, action="created" if row.action == CREATE else "updated",
                before=row.before if row.action == UPDATE else None, version_after=company.version,
            ))
    batch.created_count = report.count(CREATE)
    batch.updated_count = report.count(UPDATE)
    db.session.flush()
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
    return user.role == Role.ADMIN or (user.role == Role.KONSULENT and batch.user_id == user.id)


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
            changed_by_id=actor.id if actor is not None else None, note="Import fortrudt",
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
        raise ValidationError("Importen er allerede fortrudt.")
    if not can_undo_import(actor, batch):
        raise NotAuthorized("Du kan kun fortryde dine egne importer.")
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
        parts = []
        if changed:
            parts.append(f"disse virksomheder er ændret eller har fået kontakter, logbog eller opgaver "
                         f"siden: {names}")
        if gone:
            parts.append(f"{gone} af virksomhederne er slettet eller flettet siden")
        raise ValidationError(f"Importen kan ikke fortrydes, fordi {' og '.join(parts)}. Intet er ændret.")
    for change, company in plan:
        if change.action == "created":
            db.session.delete(company)
        else:
            _restore(company, change.before, actor=actor)
    batch.undone_at = utcnow()
    db.session.flush()
    record_event("company.import_undo", "import_batch", batch.id, actor=actor,
                 details={"removed": batch.created_count, "restored": batch.updated_count})
