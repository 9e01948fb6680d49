"""Files on a company (signed partnership agreements) and on a placement (praktik and løntilskud
papers): checked, stored, read back, deleted and erased in one place.

- The type is judged by the content, never by the name or the browser's word: PDF, PNG and JPEG
  by their magic bytes (``filetype``), office files by what their zip container says it holds
  (``mimetype`` of OpenDocument, ``[Content_Types].xml`` of Word, Excel and PowerPoint; documents
  with macros are refused). The name's extension must agree with the content.
- The bytes go to a file with a random name under ``ATTACHMENT_DIR`` (instance/attachments by
  default), two hex digits of fan-out; the row keeps the sanitised original name, the type, the
  size, the SHA-256, who uploaded it and when. Every read checks the checksum.
- Disk and database agree with the transaction: a file written by a unit of work that is rolled
  back is removed again, and a deleted attachment's file is removed only once the deletion is
  committed (session events below), in a request, a CLI command and a job alike.
- Every upload, download and deletion is audited: a company's files on the company, a placement's
  on the borger (so they reach the borger's access log and go with the erasure's pseudonym).
"""

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
import sqlalchemy as sa
from defusedxml import ElementTree
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.formatting import file_size
from crm.models import Attachment, Company, Placement
from crm.permissions import require
from crm.services import ServiceError, ValidationError
from crm.services.audit import record_event


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str  # as in "indholdet er {label}" (lazy: in the reader's language)
    content_type: str
    extensions: tuple[str, ...]  # the first is the one added to a name without any


OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"
KINDS = (
    FileKind("pdf", _l("en PDF"), "application/pdf", ("pdf",)),
    FileKind("png", _l("et PNG-billede"), "image/png", ("png",)),
    FileKind("jpeg", _l("et JPEG-billede"), "image/jpeg", ("jpg", "jpeg")),
    FileKind("docx", _l("et Word-dokument"), f"{OOXML}.wordprocessingml.document", ("docx",)),
    FileKind("xlsx", _l("et Excel-regneark"), f"{OOXML}.spreadsheetml.sheet", ("xlsx",)),
    FileKind("pptx", _l("en PowerPoint-præsentation"), f"{OOXML}.presentationml.presentation", ("pptx",)),
    FileKind("odt", _l("et OpenDocument-tekstdokument"), f"{ODF}.text", ("odt",)),
    FileKind("ods", _l("et OpenDocument-regneark"), f"{ODF}.spreadsheet", ("ods",)),
    FileKind("odp", _l("en OpenDocument-præsentation"), f"{ODF}.presentation", ("odp",)),
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}
KIND_BY_EXTENSION = {ext: kind for kind in KINDS for ext in kind.extensions}
KIND_BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}
# The main part of an OOXML package ([Content_Types].xml) names what the package is.
OOXML_MAIN_PARTS = {
    f"{OOXML}.wordprocessingml.document.main+xml": "docx",
    f"{OOXML}.spreadsheetml.sheet.main+xml": "xlsx",
    f"{OOXML}.presentationml.presentation.main+xml": "pptx",
}
OOXML_MACRO_MARK = "macroenabled"  # docm, xlsm, pptm: Word/Excel/PowerPoint with macros
# Office containers' directory entries we read are tiny; anything bigger is not an office file.
MAX_INNER_ENTRY_BYTES = 1024 * 1024
ALLOWED_TEXT = _l("PDF, billeder (PNG, JPEG) og kontordokumenter (Word, Excel, PowerPoint, OpenDocument)")
# What some refused contents are, in words a user recognises.
REFUSED_LABELS = {
    "exe": _l("et program (.exe)"), "elf": _l("et program"), "dmg": _l("et program"),
    "msi": _l("en installationsfil"),
    "zip": _l("et zip-arkiv"), "rar": _l("et rar-arkiv"), "7z": _l("et 7z-arkiv"), "gz": _l("et komprimeret arkiv"),
    "doc": _l("et gammelt Office-dokument (.doc/.xls); gem det som .docx eller .xlsx"),
    "gif": _l("et GIF-billede"), "webp": _l("et WebP-billede"), "tif": _l("et TIFF-billede"),
    "bmp": _l("et BMP-billede"),
    "heic": _l("et HEIC-billede"), "mp4": _l("en video"), "mp3": _l("en lydfil"), "html": _l("en webside"),
}
MAX_NAME_LENGTH = 150
UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*]')
STORAGE_KEY_RE = re.compile(r"[0-9a-f]{32}")
DEFAULT_NAME = "bilag"

_WRITTEN = "attachment_files_written"
_TO_DELETE = "attachment_files_to_delete"


class AttachmentUnavailable(ServiceError):
    """The stored file is missing or no longer matches its checksum: it cannot be handed out."""


# --- configuration and paths -----------------------------------------------------------------

def storage_dir() -> Path:
    """The folder of the files (``ATTACHMENT_DIR``, else instance/attachments)."""
    configured = current_app.config.get("ATTACHMENT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def max_bytes() -> int:
    return current_app.config["ATTACHMENT_MAX_BYTES"]


def size_limit_text() -> str:
    """The cap in words, e.g. "10 MB"."""
    return file_size(max_bytes())


@dataclass(frozen=True)
class UploadHint:
    """What an upload form tells the browser and the user."""

    accept: str  # the file chooser's filter: ".pdf,.png,…"
    limit: str  # "10 MB"
    allowed: str = ALLOWED_TEXT


def upload_hint() -> UploadHint:
    return UploadHint(accept=",".join(f".{ext}" for kind in KINDS for ext in kind.extensions),
                      limit=size_limit_text())


def too_large_message() -> str:
    return _("Filen er for stor. Et bilag må højst fylde %(limit)s.", limit=size_limit_text())


def path_for(storage_key: str, *, root: Path | None = None) -> Path:
    """Where the file of ``storage_key`` lies; a key that is not one of ours is a programming error."""
    if not STORAGE_KEY_RE.fullmatch(storage_key):
        raise ValueError("not a storage key")
    return (root or storage_dir()) / storage_key[:2] / storage_key


# --- checking an upload -------------------------------------------------------------------------

def clean_filename(name: str | None) -> str:
    """The name to keep and offer on download: no folders, no control or odd characters, not too long."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(ch).startswith("Z") else ch for ch in name
                   if not unicodedata.category(ch).startswith("C"))
    name = UNSAFE_NAME_CHARS.sub("_", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot else ""
        name = (stem if dot else name)[:MAX_NAME_LENGTH - len(ext) - 1].rstrip() + (f".{ext}" if ext else "")
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _office_kind(content: bytes) -> FileKind | None:
    """What an office zip container says it is, or None (not one we take)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            mimetype = entries.get("mimetype")
            if mimetype is not None and mimetype.file_size <= MAX_INNER_ENTRY_BYTES:
                return KIND_BY_CONTENT_TYPE.get(archive.read(mimetype).decode("ascii", "replace").strip())
            types = entries.get("[Content_Types].xml")
            if types is None or types.file_size > MAX_INNER_ENTRY_BYTES:
                return None
            root = ElementTree.fromstring(archive.read(types))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, ValueError, OSError,
            NotImplementedError, EOFError):
        return None
    declared = [element.get("ContentType", "").lower() for element in root.iter()
                if element.tag.endswith("}Override") or element.tag == "Override"]
    if any(OOXML_MACRO_MARK in content_type for content_type in declared):
        raise ValidationError(_("Dokumentet indeholder makroer og kan ikke gemmes. Gem det uden makroer "
                                "(.docx, .xlsx eller .pptx), og prøv igen."), field="file")
    for content_type in declared:
        code = OOXML_MAIN_PARTS.get(content_type)
        if code is not None:
            return KIND_BY_CODE[code]
    return None


def sniff(content: bytes) -> FileKind | None:
    """The kind of file ``content`` is, judged by the bytes alone; None for anything we do not take."""
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    guess = filetype.guess(content)
    if guess is None:
        return None
    return {"pdf": KIND_BY_CODE["pdf"], "png": KIND_BY_CODE["png"], "jpg": KIND_BY_CODE["jpeg"]}.get(guess.extension)


def _refusal(content: bytes, name: str) -> str:
    guess = filetype.guess(content)
    what = REFUSED_LABELS.get(guess.extension) if guess is not None else None
    if what is None and content[:2] == b"MZ":
        what = REFUSED_LABELS["exe"]
    if what is None and content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        what = REFUSED_LABELS["doc"]
    if what:
        return _("«%(name)s» kan ikke gemmes som bilag. Indholdet er %(what)s. Bilag kan være %(allowed)s; "
                 "typen afgøres af filens indhold, ikke af navnet.", name=name, what=what, allowed=ALLOWED_TEXT)
    return _("«%(name)s» kan ikke gemmes som bilag. Bilag kan være %(allowed)s; "
             "typen afgøres af filens indhold, ikke af navnet.", name=name, allowed=ALLOWED_TEXT)


def check_upload(filename: str | None, content: bytes) -> tuple[str, FileKind]:
    """The name to keep and the kind of an upload, or ValidationError (field "file") in the reader's language."""
    name = clean_filename(filename)
    if not content:
        raise ValidationError(_("Filen er tom. Vælg filen igen."), field="file")
    if len(content) > max_bytes():
        raise ValidationError(too_large_message(), field="file")
    kind = sniff(content)
    if kind is None:
        raise ValidationError(_refusal(content, name or DEFAULT_NAME), field="file")
    extension = _extension(name)
    if not extension:
        name = f"{name or DEFAULT_NAME}.{kind.extensions[0]}"
    elif extension not in kind.extensions:
        named = KIND_BY_EXTENSION.get(extension)
        said = named.label if named else _("en .%(extension)s-fil", extension=extension)
        raise ValidationError(_("«%(name)s» hedder %(said)s, men indholdet er %(kind)s. Giv filen den rigtige "
                                "endelse (.%(extension)s), og prøv igen.", name=name, said=said, kind=kind.label,
                                extension=kind.extensions[0]), field="file")
    return name, kind


# --- disk and transaction ---------------------------------------------------------------------

def _write_file(content: bytes) -> str:
    """Write ``content`` under a new random name (complete or not at all); return its storage key."""
    key = secrets.token_hex(16)
    path = path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{key}.part")
    with open(partial, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    db.session.info.setdefault(_WRITTEN, []).append(path)
    return key


def _delete_after_commit(attachment: Attachment) -> None:
    db.session.info.setdefault(_TO_DELETE, []).append(path_for(attachment.storage_key))


def _unlink(paths) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            current_app.logger.warning("Bilagsfilen %s kunne ikke slettes", path.name)


@sa.event.listens_for(Session, "after_commit")
def _files_follow_the_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction decides
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_TO_DELETE, []))


@sa.event.listens_for(Session, "after_rollback")
def _files_follow_the_rollback(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction decides
    session.info.pop(_TO_DELETE, None)
    _unlink(session.info.pop(_WRITTEN, []))


def read_verified(attachment: Attachment, *, root: Path | None = None) -> bytes:
    """The file's bytes, checked against the stored size and SHA-256 (AttachmentUnavailable if not)."""
    try:
        content = path_for(attachment.storage_key, root=root).read_bytes()
    except FileNotFoundError:
        raise AttachmentUnavailable(
            _("Filen «%(name)s» findes ikke længere på serveren og kan ikke hentes. "
              "Kontakt support; den kan gendannes fra en backup.", name=attachment.original_name)) from None
    except OSError:
        raise AttachmentUnavailable(
            _("Filen «%(name)s» kunne ikke læses. Prøv igen, eller kontakt support.",
              name=attachment.original_name)) from None
    if len(content) != attachment.size or hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise AttachmentUnavailable(
            _("Filen «%(name)s» er beskadiget (kontrolsummen passer ikke) og hentes ikke. "
              "Kontakt support; den kan gendannes fra en backup.", name=attachment.original_name))
    return content


# --- the operations ---------------------------------------------------------------------------

def _audited(attachment: Attachment, **details) -> dict:
    """``record_event``'s subject and details for an act on ``attachment`` (the action stays at the call)."""
    if attachment.placement_id is not None:
        # Not the file's name: it may name the borger, and the revision log is read by admins.
        placement = attachment.placement
        return {"object_type": "borger", "object_id": placement.borger_id,
                "details": {"page": "attachment", "placement_id": placement.id, "attachment_id": attachment.id,
                            **details}}
    return {"object_type": "company", "object_id": attachment.company_id,
            "details": {"attachment_id": attachment.id, "name": attachment.original_name, **details}}


def add_attachment(owner: Company | Placement, *, filename: str | None, content: bytes, actor) -> Attachment:
    """Check and store an upload on a company or a placement. NotAuthorized without
    ``attachment.manage`` on the owner; ValidationError (field "file") for a file we do not take."""
    require(actor, "attachment.manage", owner)
    name, kind = check_upload(filename, content)
    attachment = Attachment(
        storage_key=_write_file(content), original_name=name, content_type=kind.content_type,
        size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=actor.id if actor is not None else None)
    if isinstance(owner, Placement):
        attachment.placement = owner
    else:
        attachment.company = owner
    db.session.add(attachment)
    db.session.flush()
    record_event("attachment.upload", actor=actor, **_audited(attachment, size=attachment.size,
                                                              sha256=attachment.sha256))
    return attachment


def open_attachment(attachment: Attachment, *, actor) -> bytes:
    """The verified bytes for a download; audited. NotAuthorized without ``attachment.read``;
    AttachmentUnavailable when the stored file is gone or damaged (audited as such)."""
    require(actor, "attachment.read", attachment)
    try:
        content = read_verified(attachment)
    except AttachmentUnavailable:
        record_event("attachment.unavailable", actor=actor, **_audited(attachment))
        current_app.logger.error("Bilag %s: filen mangler eller er beskadiget", attachment.id)
        raise
    record_event("attachment.download", actor=actor, **_audited(attachment))
    return content


def delete_attachment(attachment: Attachment, *, actor) -> None:
    """Delete the attachment; its file goes from the disk when the deletion is committed. Audited."""
    require(actor, "attachment.manage", attachment)
    record_event("attachment.delete", actor=actor, **_audited(attachment))
    _delete_after_commit(attachment)
    db.session.delete(attachment)
    db.session.flush()


def attachments_of(owner: Company | Placement) -> list[Attachment]:
    """The owner's files, newest first."""
    column = Attachment.placement_id if isinstance(owner, Placement) else Attachment.company_id
    return list(db.session.scalars(sa.select(Attachment).where(column == owner.id)
                                   .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())))


def placement_attachments(borger) -> dict[int, list[Attachment]]:
    """The files of each of the borger's placements (placement id → files, newest first)."""
    found: dict[int, list[Attachment]] = {}
    rows = db.session.scalars(
        sa.select(Attachment).join(Placement, Attachment.placement_id == Placement.id)
        .where(Placement.borger_id == borger.id)
        .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc()))
    for attachment in rows:
        found.setdefault(attachment.placement_id, []).append(attachment)
    return found


def erase_placement_files(borger_id: int) -> int:
    """Delete the rows of the borger's placement files and, once committed, the files (the erasure);
    returns how many."""
    attachments = list(db.session.scalars(
        sa.select(Attachment).join(Placement, Attachment.placement_id == Placement.id)
        .where(Placement.borger_id == borger_id)))
    for attachment in attachments:
        _delete_after_commit(attachment)
        db.session.delete(attachment)
    db.session.flush()
    return len(attachments)
