"""Print a draft authorization matrix (CSV) from the current app's routes.

    .venv/bin/python scripts/authz_matrix.py > /tmp/draft.csv
    diff crm/authz_matrix.csv /tmp/draft.csv

One row per rule and method: the roles its ``@allow`` declaration lets in, and a guessed object
column. The draft is only a starting point: ``crm/authz_matrix.csv`` is reviewed by hand, row by
row, and is what ``tests/crm/security/test_authz_matrix.py`` holds the running app to (not the
decorator, which is what the test checks). Copy new rows over after reviewing them.

Object column: "-" no object; "own_caseload" a vejleder reaches only the own borgere, a teamleder
only those of the programmes they lead;
"own_company" an employer reaches only the own company's openings and proposals; "own_task" a
vejleder ticks off only tasks assigned to or created by them (admin and konsulent all); "own_filter"
a user applies and deletes only their own saved filters; "any" staff
reach every company, opening, programme, import or user the URL names.
"""

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm import create_app  # noqa: E402
from crm.access import PUBLIC_ENDPOINTS, allowed_roles  # noqa: E402

ROLES = ("anonymous", "admin", "teamleder", "vejleder", "konsulent", "employer")
HEADER = ("rule", "endpoint", "method", *ROLES, "object")
ANY_OBJECT_VARIABLES = {"company_id", "opening_id", "placement_id", "programme_id", "batch_id", "user_id",
                        "contact_id", "invitation_id"}


def guess_object(rule: str, endpoint: str) -> str:
    """A guess for the object column; the reviewer corrects it."""
    if endpoint in PUBLIC_ENDPOINTS:
        return "-"
    variables = set(re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule))
    if endpoint.startswith("portal."):
        return "own_company"
    if rule.startswith("/borgere/") and (not variables or "borger_id" in variables) or rule == "/min-uge":
        return "own_caseload"
    if "task_id" in variables:
        return "own_task"
    if "filter_id" in variables:
        return "own_filter"
    if variables & ANY_OBJECT_VARIABLES:
        return "any"
    return "-"


def draft_rows(app) -> list[tuple[str, ...]]:
    rows = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            public = rule.endpoint in PUBLIC_ENDPOINTS
            roles = allowed_roles(rule.endpoint)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                cells = ["allow" if public else "deny"]
                cells += ["allow" if public or role in roles else "deny" for role in ROLES[1:]]
                rows.append((rule.rule, rule.endpoint, method, *cells, guess_object(rule.rule, rule.endpoint)))
    return sorted(rows)


def main() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "SECRET_KEY": "draft-matrix-only-not-a-real-key-0123456789"})
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(draft_rows(app))


if __name__ == "__main__":
    main()
