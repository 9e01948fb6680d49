"""The language a person reads Fodfæste in: Danish (the source of every text) or English.

Who decides, first that holds: the signed-in user's choice (``User.language``), the ``sprog``
cookie (the switch on the login page and in the header sets it), the browser's
``Accept-Language``, Danish. Texts are marked with ``gettext``/``lazy_gettext`` (``_``/``_l``)
in Python and ``_()`` or ``{% trans %}`` in templates; the English catalogue is
crm/translations/en/LC_MESSAGES/messages.po (``make messages`` updates it; the app compiles a
changed catalogue when it starts; tests/crm/i18n checks that it is complete). A signed-in user's
choice is loaded with the user (crm/__init__.py ``load_user``), so it costs no query.
"""

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as flask_gettext
from flask_login import current_user

import matcher.i18n
from crm.formatting import format_number
from crm.timeutil import DANISH_TZ

#: code → the language's own name, as the switch shows it.
LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"
COOKIE_NAME = "sprog"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

babel = Babel()
log = logging.getLogger(__name__)


def chosen_language(value: str | None) -> str | None:
    """``value`` if it names a language we have, else None (a tampered cookie or form)."""
    return value if value in LANGUAGES else None


def select_language() -> str:
    """The language of this request (see the module's docstring for the order)."""
    if not request:
        return DEFAULT_LANGUAGE
    user = current_user
    if user and getattr(user, "is_authenticated", False) and chosen_language(user.language):
        return user.language
    cookie = chosen_language(request.cookies.get(COOKIE_NAME))
    if cookie:
        return cookie
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def language_for(user) -> str:
    """The language to write to ``user`` in outside their request (an e-mail, a digest)."""
    return chosen_language(getattr(user, "language", None)) or DEFAULT_LANGUAGE


def in_language(language: str | None):
    """``with in_language(user.language): ...``: texts and formats in that language (Danish if unknown)."""
    return force_locale(chosen_language(language) or DEFAULT_LANGUAGE)


def compile_catalogues(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile each messages.po whose .mo is missing or older (fuzzy entries left out, as gettext
    does); the file is replaced in one step, so workers starting together never read half of one."""
    compiled = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(temporary, mo_path)
        compiled.append(mo_path)
    return compiled


def extract_seed_labels(fileobj, keywords, comment_tags, options):
    """Babel extractor for the shipped vocabularies (babel.cfg): the ``columns`` of a seeds CSV
    (offer tags, DB07 sections) are texts the catalogue translates where they are shown."""
    import csv
    import io

    columns = [c.strip() for c in options.get("columns", "label").split(",")]
    rows = csv.DictReader(io.StringIO(fileobj.read().decode("utf-8")))
    for lineno, row in enumerate(rows, start=2):
        for column in columns:
            if row.get(column):
                yield lineno, "", row[column], []


def init_app(app: Flask) -> None:
    try:
        compile_catalogues()
    except OSError:  # a read-only install: its deployment compiles them (README, production)
        log.exception("the translation catalogues could not be compiled")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", str(DANISH_TZ))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_language)
    # The matcher never imports Flask: it is handed the translator for its reasons.
    matcher.i18n.set_translator(flask_gettext)
    matcher.i18n.set_number_formatter(format_number)

    @app.context_processor
    def inject_languages():
        return {"languages": LANGUAGES, "current_language": current_language()}
