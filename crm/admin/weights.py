"""The admin's page for the match weights: learned against current, adopt, go back (issue 14)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from crm.access import allow
from crm.admin import bp
from crm.extensions import db
from crm.forms import ActionForm, Form, IdField, submit
from crm.models import WeightsFit, WeightsVersion
from crm.services.job_kinds import request_weights_fit
from crm.services.jobs import dispatch
from crm.services.match_weights import (
    COMPONENT_LABELS,
    adopt_fit,
    latest_fit,
    restore_defaults,
    restore_version,
    verdict_text,
    versions,
    weights_in_force,
)
from crm.unit_of_work import after_commit
from matcher.learning import Outcome
from matcher.scoring import COMPONENTS


class ReasonForm(Form):
    """Adopt a fit's weights or go back to a version (``target_id``; empty = the defaults), with why."""

    target_id = IdField()
    reason = StringField(_l("Begrundelse"), validators=[DataRequired(_l("Skriv hvorfor.")), Length(max=300)])


@bp.route("/vaegte")
@allow("match.weights")
def weights():
    """Compare the learned with the current match weights, per programme and for all."""
    return render_template("admin/weights.html", in_force=weights_in_force(), fit=latest_fit(),
                           versions=versions(), components=COMPONENTS, component_labels=COMPONENT_LABELS,
                           outcomes=list(Outcome), verdict_text=verdict_text,
                           action_form=ActionForm(), reason_form=ReasonForm())


@bp.route("/vaegte/beregn", methods=["POST"])
@allow("match.weights")
def fit_weights():
    """Queue a fit of the weights from the outcomes (a job: it may take minutes); its page shows the progress."""
    back = url_for("admin.weights")
    if not ActionForm().validate_on_submit():
        return redirect(back)
    job = request_weights_fit(user=current_user)
    if job is None:
        flash(_("En beregning er allerede i gang. Siden viser den, når den er færdig."), "info")
        return redirect(back)
    after_commit(lambda: dispatch(job))
    return redirect(url_for("jobs.detail", job_id=job.id))


def _with_reason(action, success):
    """``success(version)`` is the flash for the version made."""
    form = ReasonForm()
    back = url_for("admin.weights")
    return submit(form, lambda: action(form), success=success, redirect_to=back, on_error=back)


@bp.route("/vaegte/brug", methods=["POST"])
@allow("match.weights")
def adopt_weights():
    """Adopt the learned weights of the newest fit, with a reason."""
    return _with_reason(lambda form: adopt_fit(
        db.session.get(WeightsFit, form.target_id.data) if form.target_id.data else None,
        reason=form.reason.data, actor=current_user),
        lambda version: _("De lærte vægte er taget i brug som version %(version)s.", version=version.id))


@bp.route("/vaegte/tilbage", methods=["POST"])
@allow("match.weights")
def restore_weights():
    """Go back to an earlier version (or to the defaults), with a reason."""
    def action(form):
        if form.target_id.data is None:
            return restore_defaults(reason=form.reason.data, actor=current_user)
        return restore_version(db.session.get(WeightsVersion, form.target_id.data), reason=form.reason.data,
                               actor=current_user)

    return _with_reason(action, lambda version: _("Vægtene er sat tilbage (ny version %(version)s).",
                                                  version=version.id))
