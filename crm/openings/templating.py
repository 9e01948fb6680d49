"""Template tests for openings, available in every template (the konsulent list, the portal and
the company page's partial): ``{% if opening is needs_confirmation %}``."""

from crm.openings import bp
from crm.services.openings import hidden_from_matching, needs_confirmation


@bp.app_template_test("needs_confirmation")
def _needs_confirmation(opening) -> bool:
    return needs_confirmation(opening)


@bp.app_template_test("hidden_from_matching")
def _hidden_from_matching(opening) -> bool:
    return hidden_from_matching(opening)


@bp.app_template_filter("offer_label")
def _offer_label(code: str) -> str:
    """The label of an offer-tag code in the reader's language (read once per request)."""
    from flask import g
    from flask_babel import gettext

    from crm.services.reference import offer_tag_labels

    if "offer_labels" not in g:
        g.offer_labels = offer_tag_labels()
    return gettext(g.offer_labels[code]) if code in g.offer_labels else code


@bp.app_template_filter("employer_answer")
def _employer_answer(code: str | None) -> str:
    """The Danish label of an employer's answer to a proposal (e.g. on the borger's page)."""
    from crm.services.proposals import ANSWER_LABELS

    return ANSWER_LABELS.get(code or "", code or "")
