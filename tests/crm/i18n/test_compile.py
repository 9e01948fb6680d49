"""The app compiles a catalogue that changed (no build step): a missing or older .mo is rebuilt,
a current one is left alone."""

import os
import shutil

from babel.messages.mofile import read_mo

from crm.i18n import TRANSLATIONS_DIR, compile_catalogues


def test_a_changed_catalogue_is_compiled_and_a_current_one_left_alone(tmp_path):
    shutil.copytree(TRANSLATIONS_DIR / "en", tmp_path / "en", ignore=shutil.ignore_patterns("*.mo"))
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert compile_catalogues(tmp_path) == [mo]
    with mo.open("rb") as file:
        assert read_mo(file).get("Log ud").string == "Log out"
    assert compile_catalogues(tmp_path) == []  # current: not rebuilt
    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))
    assert compile_catalogues(tmp_path) == [mo]
