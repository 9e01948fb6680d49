import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_pulls_in_no_web_db_or_app_modules():
    code = (
        "import sys, matcher\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "banned = sorted(roots & {'flask', 'sqlalchemy', 'crm', 'flask_sqlalchemy'})\n"
        "print(','.join(banned))\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_import_reads_no_seed_files():
    code = (
        "import builtins, io\n"
        "opened = []\n"
        "real_open = builtins.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file)); return real_open(file, *a, **k)\n"
        "builtins.open = spy\n"
        "io.open = spy\n"
        "import matcher\n"
        "print([f for f in opened if f.endswith('.csv')])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
