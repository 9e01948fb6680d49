"""Demo history for the feedback loop (issue 14): each demo borger's match list as shown three
weeks ago, and what the vejleder did with it, so that ``matching fit-weights`` and the admin page
``/admin/vaegte`` have something real to compare.

The vejleder's choices follow a hidden preference (``DEMO_PREFERENCE``: hours and travel count more
than the defaults assume), so the fit has a pattern to find; which targets were shown, their ranks
and components are the matcher's own.
"""

from datetime import timedelta

from crm.models import Borger
from crm.services.match_feedback import not_a_fit, record_shown
from crm.services.match_weights import DEFAULT_LABEL
from crm.services.matching import matches_for
from crm.services.placements import propose_match, shortlist
from crm.timeutil import today
from matcher import Weights

#: The demo lists were shown this many days ago.
DEMO_SHOWN_DAYS_AGO = 21
#: How the demo vejledere chose (unknown to the fit): the hours and the journey first.
DEMO_PREFERENCE = Weights(wishes=0.18, strengths=0.02, travel=0.26, hours=0.36, needs=0.1, kind=0.04,
                          start=0.02, freshness=0.01, employer=0.01)
# The reason a target gets "passer ikke" for, by its weakest component.
_REASON_BY_COMPONENT = {"travel": "for_langt_vaek", "hours": "timer", "wishes": "forkert_fag",
                        "needs": "arbejdsmiljoe"}


def _preferred(row) -> float:
    return sum(getattr(DEMO_PREFERENCE, name) * value for name, value in row.match.components.items())


def load_demo_match_history(borgere: list[Borger]) -> int:
    """Record a past match list per demo borger and the vejleder's choices on it; returns the
    number of lists."""
    lists = 0
    for i, borger in enumerate(borgere):
        rows = matches_for(borger, limit=10)
        if len(rows) < 4:
            continue
        record_shown(borger, rows, weights_version=DEFAULT_LABEL, on=today() - timedelta(days=DEMO_SHOWN_DAYS_AGO))
        lists += 1
        chosen = sorted(rows, key=_preferred, reverse=True)
        best, second, worst = chosen[0], chosen[1], chosen[-1]
        match = {"score": best.match.score, "components": best.match.components,
                 "reasons": list(best.match.reasons)}
        started = {(p.company_id, p.opening_id) for p in borger.placements}
        if (best.company.id, best.opening.id if best.opening else None) in started:
            pass  # the demo pipeline walks this one already
        elif borger.consent_to_propose and i % 3 == 0:
            propose_match(borger, company=best.company, opening=best.opening, actor=borger.vejleder, **match)
        else:
            shortlist(borger, company=best.company, opening=best.opening, actor=borger.vejleder, **match)
        if i % 2 == 0:
            shortlist(borger, company=second.company, opening=second.opening, score=second.match.score,
                      components=second.match.components, reasons=list(second.match.reasons),
                      actor=borger.vejleder)
        weakest = min(_REASON_BY_COMPONENT, key=lambda name: worst.match.components.get(name, 1.0))
        not_a_fit(borger, worst.target_key, _REASON_BY_COMPONENT[weakest], actor=borger.vejleder)
    return lists
