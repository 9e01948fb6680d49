"""Programmes (indsatser) and their targets: create, change, and load the demo programmes.

A target is an outcome code (a single OutcomeKind or a composite the reports know, see
crm.services.reports.COMPOSITE_OUTCOMES) with a goal as a count or as a share in % of enrolled
borgere.
"""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.i18n import DEFAULT_LANGUAGE, in_language
from crm.models import OutcomeKind, Programme, ProgrammeTarget
from crm.models.programme import DEFAULT_CASELOAD_NORM
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.reports import COMPOSITE_OUTCOMES, outcome_label

SEED_FILE = Path(__file__).resolve().parents[2] / "seeds" / "programmes.json"
GOAL_KINDS = {"count": _l("Antal"), "share": _l("Andel af indskrevne (%)")}
MAX_CASELOAD_NORM = 40


def outcome_choices() -> list[tuple[str, str]]:
    """Every outcome code a target may name, with its label in the reader's language: composites first."""
    codes = list(COMPOSITE_OUTCOMES) + [k.value for k in OutcomeKind]
    return [(code, outcome_label(code)) for code in codes]


def _danish_outcome_label(code: str) -> str:
    with in_language(DEFAULT_LANGUAGE):
        return outcome_label(code)


def _parse_date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("Angiv en gyldig dato."), field=field) from None


def _validated_targets(rows) -> list[dict]:
    known = {code for code, _ in outcome_choices()}
    targets = []
    for row in rows or []:
        outcome = (row.get("outcome") or "").strip()
        if not outcome:
            continue  # an empty row in the form
        if outcome not in known:
            raise ValidationError(_("Ukendt resultat i et mål."), field="targets")
        goal_kind = row.get("goal_kind") or "count"
        if goal_kind not in GOAL_KINDS:
            raise ValidationError(_("Vælg antal eller andel for hvert mål."), field="targets")
        try:
            goal = float(str(row.get("goal")).replace(",", "."))
        except (TypeError, ValueError):
            raise ValidationError(_("Angiv et tal som mål for hvert mål."), field="targets") from None
        if goal <= 0 or (goal_kind == "share" and goal > 100):
            raise ValidationError(_("Et mål skal være over 0, og en andel højst 100 %."), field="targets")
        # Without a wording of its own a target is named by its outcome, in Danish: the label is stored.
        label = " ".join((row.get("label") or "").split()) or _danish_outcome_label(outcome)
        targets.append({"outcome": outcome, "label": label[:120], "goal_kind": goal_kind, "goal": goal})
    return targets


def _validated(data: dict, *, programme: Programme | None) -> dict:
    name = " ".join((data.get("name") or "").split())
    if not name:
        raise ValidationError(_("Angiv indsatsens navn."), field="name")
    clash = db.session.scalar(sa.select(Programme.id).where(sa.func.lower(Programme.name) == name.lower()))
    if clash is not None and (programme is None or clash != programme.id):
        raise ValidationError(_("Der findes allerede en indsats med det navn."), field="name")
    starts_on = _parse_date(data.get("starts_on"), "starts_on")
    ends_on = _parse_date(data.get("ends_on"), "ends_on")
    if starts_on and ends_on and ends_on <= starts_on:
        raise ValidationError(_("Slutdatoen skal ligge efter startdatoen."), field="ends_on")
    try:
        norm = int(data.get("caseload_norm") or DEFAULT_CASELOAD_NORM)
    except (TypeError, ValueError):
        raise ValidationError(_("Angiv et helt tal."), field="caseload_norm") from None
    if not 1 <= norm <= MAX_CASELOAD_NORM:
        raise ValidationError(
            _("Normen skal være mellem 1 og %(max)s borgere.", max=MAX_CASELOAD_NORM), field="caseload_norm"
        )
    return {
        "name": name[:120],
        "municipality": " ".join((data.get("municipality") or "").split())[:80],
        "starts_on": starts_on,
        "ends_on": ends_on,
        "target_group": (data.get("target_group") or "").strip(),
        "caseload_norm": norm,
        "targets": _validated_targets(data.get("targets")),
    }


def _set_targets(programme: Programme, targets: list[dict]) -> None:
    programme.targets.clear()
    db.session.flush()
    for position, t in enumerate(targets):
        programme.targets.append(ProgrammeTarget(position=position, **t))


def create_programme(data: dict, *, actor) -> Programme:
    """Create a programme with its targets. Raises ValidationError."""
    clean = _validated(data, programme=None)
    targets = clean.pop("targets")
    programme = Programme(**clean)
    db.session.add(programme)
    _set_targets(programme, targets)
    db.session.flush()
    record_event(
        "programme.create",
        "programme",
        programme.id,
        actor=actor,
        details={"name": programme.name, "targets": len(targets)},
    )
    return programme


def update_programme(programme: Programme, data: dict, *, actor) -> Programme:
    """Change a programme and replace its targets. Raises ValidationError; nothing is written then."""
    clean = _validated(data, programme=programme)
    targets = clean.pop("targets")
    changed = sorted(k for k, v in clean.items() if getattr(programme, k) != v)
    for key in changed:
        setattr(programme, key, clean[key])
    old = [(t.outcome, t.label, t.goal_kind, t.goal) for t in programme.targets]
    if old != [(t["outcome"], t["label"], t["goal_kind"], t["goal"]) for t in targets]:
        _set_targets(programme, targets)
        changed.append("targets")
    db.session.flush()
    if changed:
        record_event("programme.update", "programme", programme.id, actor=actor, details={"fields": changed})
    return programme


def load_demo_programmes(*, actor=None, path: Path = SEED_FILE) -> list[Programme]:
    """Create the seed programmes (seeds/programmes.json) that do not exist yet, by name; idempotent.

    Returns every seed programme, existing or new. The caller commits.
    """
    programmes = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        existing = db.session.scalar(sa.select(Programme).where(Programme.name == item["name"]))
        if existing is not None:
            programmes.append(existing)
            continue
        data = {
            **item,
            "targets": [
                {
                    "outcome": t["outcome"],
                    "label": t["label"],
                    "goal_kind": t.get("goal_kind") or t.get("kind"),
                    "goal": t["goal"],
                }
                for t in item.get("targets", [])
            ],
        }
        programme = create_programme(data, actor=actor)
        # A programme's own rules that the form does not edit (Job in mind: half a year at a time).
        programme.referral_months = item.get("referral_months")
        programmes.append(programme)
    return programmes
