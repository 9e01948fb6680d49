"""Feedback on a borger's match list: "passer ikke" with a reason (issue 14)."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.borgere import bp
from crm.borgere.forms import NotAFitForm
from crm.borgere.routes import get_borger_or_404
from crm.forms import submit
from crm.services.match_feedback import not_a_fit


@bp.route("/<int:borger_id>/passer-ikke", methods=["POST"])
@allow("borger.edit")
def not_a_fit_target(borger_id: int):
    """Hide a match for the borger and record why it does not fit."""
    borger = get_borger_or_404(borger_id, page="match")
    form = NotAFitForm()
    back = url_for("borgere.match", borger_id=borger.id)
    return submit(form, lambda: not_a_fit(borger, form.target.data, form.reason.data, actor=current_user),
                  success=_("Matchet er skjult for borgeren, og grunden er gemt."), redirect_to=back, on_error=back)
