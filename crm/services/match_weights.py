"""The component weights in force, fitting new ones from outcomes, and adopting them on evidence.

Which weights rank the match lists: ``MATCH_WEIGHTS`` from the environment when set (it always
wins, and the pages say so); else the newest version an admin adopted (``WeightsVersion``); else the
defaults of ``matcher.Weights``. A fit (``run_fit``: the CLI ``matching fit-weights`` and the admin
page) compares learned and current weights on held-out borgere (``matcher.learning.compare``), for
all borgere and per programme; an admin may adopt the learned weights of a fit that suggests them,
with a reason, and may go back to any earlier version. Every step is audited (who, why). The IPS
hard rules are not weights and are never touched (see ``matcher.learning``).
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from crm.extensions import db
from crm.formatting import format_number
from crm.models import Borger, MatchShown, Programme, WeightsFit, WeightsVersion
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.match_feedback import labelled_targets
from crm.sorting import danish
from matcher import Weights
from matcher.learning import Verdict, compare

#: The components in the admin's words (the keys are those of ``MATCH_WEIGHTS``).
COMPONENT_LABELS = {
    "wishes": "Borgerens ønsker", "strengths": "Styrker", "travel": "Rejsetid", "hours": "Timer",
    "needs": "Støttebehov", "kind": "Slags (ordinært job først)", "start": "Kan starte snart",
    "freshness": "Opdateret for nylig", "employer": "Kendt arbejdsgiver",
}
DEFAULT_LABEL = "standard"
ENVIRONMENT_LABEL = "miljø"


def verdict_text(result: dict) -> str:
    """A comparison's verdict (``Comparison.as_dict``) in Danish words, with Danish numbers.

    A fit saved before verdicts existed keeps the message it was saved with.
    """
    if "verdict" not in result:
        return result.get("message", "")

    def ndcg(value: float) -> str:
        return format_number(value, 3)

    def signed(value: float) -> str:
        return ("+" if value > 0 else "") + format_number(value, 3)

    verdict = Verdict(result["verdict"])
    if verdict is Verdict.TOO_FEW:
        missing = result.get("missing_borgere") or 0
        more = f"; mindst {missing} {'borger' if missing == 1 else 'borgere'} mere" if missing else ""
        return (f"For få data: {result['borgere']} borgere og {result['outcomes']} udfald (der skal mindst "
                f"{result['min_borgere']} borgere og {result['min_outcomes']} udfald til){more}.")
    if verdict is Verdict.NO_SIGNAL:
        return "Udfaldene skiller ikke målene ad; intet at lære."
    if verdict is Verdict.NOT_BETTER:
        return ("De lærte vægte rangerer ikke bedre end de nuværende på borgere, de ikke er lært på; "
                "behold de nuværende.")
    low, high = result["gain_ci"]
    figures = f"nDCG@10 {ndcg(result['learned_ndcg'])} mod {ndcg(result['current_ndcg'])}"
    if verdict is Verdict.BETTER:
        return (f"De lærte vægte rangerer bedre end de nuværende på borgere, de ikke er lært på: {figures} "
                f"(forskel {signed(low)} til {signed(high)}).")
    return (f"De lærte vægte ser bedre ud ({figures}), men ikke med sikkerhed (forskel {signed(low)} til "
            f"{signed(high)}). Der skal cirka {format_number(result['more_outcomes_needed'])} udfald mere til.")


@dataclass(frozen=True)
class WeightsInForce:
    label: str  # "standard", "miljø" or "v3": recorded with every shown list
    weights: Weights
    from_environment: bool
    version: WeightsVersion | None = None

    @property
    def description(self) -> str:
        if self.from_environment:
            return _("MATCH_WEIGHTS i miljøet (går forud for de vedtagne versioner)")
        if self.version is not None:
            return _("version %(id)s", id=self.version.id)
        return _("standardvægtene")


def newest_version() -> WeightsVersion | None:
    return db.session.scalar(sa.select(WeightsVersion).order_by(WeightsVersion.id.desc()).limit(1))


def weights_in_force() -> WeightsInForce:
    """The weights that rank the match lists now (one small query)."""
    configured = current_app.config.get("MATCH_WEIGHTS")
    if configured:
        return WeightsInForce(ENVIRONMENT_LABEL, Weights.from_mapping(configured), True)
    version = newest_version()
    if version is not None:
        return WeightsInForce(f"v{version.id}", Weights.from_mapping(version.weights), False, version)
    return WeightsInForce(DEFAULT_LABEL, Weights(), False)


def versions() -> list[WeightsVersion]:
    return list(db.session.scalars(sa.select(WeightsVersion).order_by(WeightsVersion.id.desc())))


def latest_fit() -> WeightsFit | None:
    return db.session.scalar(sa.select(WeightsFit).order_by(WeightsFit.id.desc()).limit(1))


def compute_fit(*, since: date | None = None) -> dict:
    """The comparison for all borgere and per programme, as plain data (nothing is written)."""
    in_force = weights_in_force()
    report = {"weights_version": in_force.label, "since": since.isoformat() if since else None,
              "all": compare(labelled_targets(since=since), in_force.weights).as_dict(), "programmes": []}
    programmes = db.session.execute(
        sa.select(Programme.id, Programme.name).where(Programme.id.in_(
            sa.select(Borger.programme_id).join(MatchShown, MatchShown.borger_id == Borger.id)))
        .order_by(danish(Programme.name))).all()
    for programme_id, name in programmes:
        result = compare(labelled_targets(since=since, programme_id=programme_id), in_force.weights)
        report["programmes"].append({"id": programme_id, "name": name, **result.as_dict()})
    return report


def save_fit(report: dict, *, since: date | None, actor) -> WeightsFit:
    """Keep a computed fit so an admin can read it and adopt its weights (audited)."""
    fit = WeightsFit(since=since, report=report, created_by_id=actor.id if actor else None)
    db.session.add(fit)
    db.session.flush()
    record_event("weights.fit", "match_weights", fit.id, actor=actor,
                 details={"suggest": report["all"]["suggest"], "outcomes": report["all"]["outcomes"]})
    return fit


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Skriv hvorfor.", field="reason")
    if len(reason) > 300:
        raise ValidationError("Begrundelsen må højst være 300 tegn.", field="reason")
    return reason


def adopt_fit(fit: WeightsFit | None, *, reason: str, actor) -> WeightsVersion:
    """Adopt the learned weights of a fit that suggests them, as a new version (audited with who
    and why). Raises ValidationError when the fit does not suggest weights or no reason is given."""
    reason = _reason(reason)
    overall = (fit.report or {}).get("all", {}) if fit is not None else {}
    if not overall.get("suggest") or not overall.get("learned"):
        raise ValidationError("Beregningen foreslår ikke nye vægte; de kan ikke tages i brug.")
    if fit.id != latest_fit().id:
        raise ValidationError("Der er lavet en nyere beregning; tag stilling til den.")
    weights = Weights.from_mapping(overall["learned"]).as_dict()
    version = WeightsVersion(weights=weights, source="learned", fit_id=fit.id, reason=reason,
                             adopted_by_id=actor.id if actor else None)
    db.session.add(version)
    db.session.flush()
    record_event("weights.adopt", "match_weights", version.id, actor=actor,
                 details={"fit_id": fit.id, "reason": reason, "weights": weights})
    return version


def restore_version(version: WeightsVersion | None, *, reason: str, actor) -> WeightsVersion:
    """Go back to an earlier version: its weights are adopted again as a new version (audited)."""
    reason = _reason(reason)
    if version is None:
        raise ValidationError("Ukendt version.")
    restored = WeightsVersion(weights=dict(version.weights), source="restored", based_on_id=version.id,
                              reason=reason, adopted_by_id=actor.id if actor else None)
    db.session.add(restored)
    db.session.flush()
    record_event("weights.restore", "match_weights", restored.id, actor=actor,
                 details={"based_on": version.id, "reason": reason})
    return restored


def restore_defaults(*, reason: str, actor) -> WeightsVersion:
    """Go back to the shipped defaults (as a new version)."""
    reason = _reason(reason)
    restored = WeightsVersion(weights=Weights().as_dict(), source="restored", reason=reason,
                              adopted_by_id=actor.id if actor else None)
    db.session.add(restored)
    db.session.flush()
    record_event("weights.restore", "match_weights", restored.id, actor=actor,
                 details={"based_on": DEFAULT_LABEL, "reason": reason})
    return restored
