"""The English catalogue is complete: every text marked for translation in the code and templates
(what ``make messages`` extracts) has an English translation, none is fuzzy, the placeholders
match, and the catalogue holds nothing the code no longer says."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "crm" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}


def extracted() -> dict[tuple[str, str | None], list[str]]:
    """(msgid, context) → where it is used, as ``make messages`` finds them (babel.cfg); a context
    (``pgettext``) tells two meanings of one short Danish text apart ("Til": on, or to)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def catalogue():
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="en")


def test_every_marked_text_has_an_english_translation():
    english = catalogue()
    missing = []
    for (msgid, context), places in sorted(extracted().items(), key=lambda item: (item[0][0], item[0][1] or "")):
        entry = english.get(msgid, context=context)
        strings = entry.string if entry is not None else None
        if not msgid:
            continue
        if entry is None or not all(strings if isinstance(strings, tuple) else (strings,)):
            missing.append(f"{msgid!r} ({places[0]})")
    assert not missing, f"{len(missing)} texts without English (make messages, then translate):\n" + "\n".join(missing)


def test_no_entry_is_fuzzy_and_every_placeholder_matches():
    english = catalogue()
    fuzzy = [m.id for m in english if m.id and m.fuzzy]
    assert not fuzzy, fuzzy
    problems = [(message.id, [str(e) for e in errors]) for message, errors in english.check()]
    assert not problems, problems


def test_the_catalogue_holds_no_text_the_code_no_longer_has():
    used = set(extracted())
    stale = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in catalogue() if m.id
                   and ((m.id if isinstance(m.id, str) else m.id[0]), m.context) not in used)
    assert not stale, f"{len(stale)} entries no longer in the code (make messages):\n" + "\n".join(map(repr, stale))
