"""The employer portal: the own company's openings, public profile and proposals, and the public
page where an invited employer sets a password."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.access import allow
from crm.extensions import db, limiter
from crm.forms import apply_service_error, run_action, save_form
from crm.models import Company
from crm.models.opening import OpeningStatus
from crm.openings.forms import ActionForm, OpeningForm
from crm.permissions import can
from crm.portal import bp
from crm.portal.access import get_own_opening_or_404, get_own_proposal_or_404, own_company
from crm.portal.forms import AcceptInvitationForm, AnswerForm, ProfileForm
from crm.services import ServiceError
from crm.services.invitations import InvitationError, accept_invitation, load_invitation
from crm.services.match_feedback import NOT_NOW_REASONS, record_not_now_reason
from crm.services.openings import (
    change_opening_status,
    confirm_opening,
    create_opening,
    is_ending,
    needs_confirmation,
    openings_query,
    update_opening,
)
from crm.services.portal_profile import update_public_profile
from crm.services.proposals import (
    ANSWER_LABELS,
    answer_proposal,
    audit_employer_view,
    proposal_view,
    proposals_for,
)

# The status buttons an employer sees for an opening: (status, button text).
STATUS_ACTIONS = (
    (OpeningStatus.AABEN, "Åbn"),
    (OpeningStatus.PAUSE, "Sæt på pause"),
    (OpeningStatus.BESAT, "Marker som besat"),
    (OpeningStatus.LUKKET, "Luk"),
)



@bp.context_processor
def _company_konsulent() -> dict:
    """Every portal page names whom to ask: the company's konsulent, with phone and e-mail."""
    if not can(current_user, "portal.use") or current_user.company_id is None:
        return {}
    company = db.session.get(Company, current_user.company_id)
    return {"portal_konsulent": company.konsulent if company else None}

def _own_openings():
    return list(db.session.scalars(openings_query(company_id=current_user.company_id)))


@bp.route("/")
@allow("portal.use")
def index():
    """Show the employer's start page: what needs attention."""
    company = own_company()
    openings = _own_openings()
    proposals = proposals_for(company.id)
    return render_template(
        "portal/index.html", company=company, action_form=ActionForm(),
        stale=[o for o in openings if needs_confirmation(o)],
        open_count=sum(1 for o in openings if o.status == OpeningStatus.AABEN),
        unanswered=[p for p in proposals if p.answer is None],
    )


@bp.route("/stillinger")
@allow("portal.use")
def openings():
    """List the company's openings, with one-click confirmation."""
    company = own_company()
    return render_template("portal/openings.html", company=company, openings=_own_openings(),
                           action_form=ActionForm())


@bp.route("/stillinger/ny", methods=["GET", "POST"])
@allow("portal.use")
def new_opening():
    """Create an opening."""
    company = own_company()
    form = OpeningForm()
    if request.method == "GET":
        form.fill_from(company=company)
    if form.validate_on_submit():
        saved = save_form(form, lambda: create_opening(company, form.service_data(), actor=current_user))
        if saved.ok:
            opening = saved.value
            flash(f"Stillingen «{opening.title}» er oprettet.", "success")
            return redirect(url_for("portal.openings"))
    return render_template("portal/opening_form.html", form=form, company=company, opening=None)


@bp.route("/stillinger/<int:opening_id>", methods=["GET", "POST"])
@allow("portal.use")
def edit_opening(opening_id: int):
    """Edit an opening; a save based on an outdated version is refused, not lost."""
    opening = get_own_opening_or_404(opening_id)
    form = OpeningForm()
    if request.method == "GET":
        form.fill_from(opening)
    if form.validate_on_submit():
        saved = save_form(form, lambda: update_opening(
            opening, form.service_data(), expected_version=form.expected_version(), actor=current_user),
            record=opening)
        if saved.ok:
            flash("Ændringerne er gemt.", "success")
            return redirect(url_for("portal.openings"))
    return render_template("portal/opening_form.html", form=form, company=opening.company, opening=opening,
                           action_form=ActionForm(), status_actions=STATUS_ACTIONS)


@bp.route("/stillinger/<int:opening_id>/status", methods=["POST"])
@allow("portal.use")
def opening_status(opening_id: int):
    """Open, pause, fill (besat) or close an opening."""
    opening = get_own_opening_or_404(opening_id)
    status = request.form.get("status", "")
    if ActionForm().validate_on_submit() and status in {s for s, _ in STATUS_ACTIONS}:
        if is_ending(opening, status) and request.form.get("confirmed") != "ja":
            return render_template("openings/confirm_status.html", opening=opening, status=status,
                                   action=url_for("portal.opening_status", opening_id=opening.id),
                                   back=url_for("portal.edit_opening", opening_id=opening.id), portal=True)
        change_opening_status(opening, status, actor=current_user)
        db.session.commit()
        flash(f"«{opening.title}» er nu {opening.status_enum.label.lower()}.", "success")
    else:
        flash("Status blev ikke ændret.", "error")
    return redirect(url_for("portal.openings"))


@bp.route("/stillinger/<int:opening_id>/bekraeft", methods=["POST"])
@allow("portal.use")
def confirm(opening_id: int):
    """Confirm in one click that the opening is still open."""
    opening = get_own_opening_or_404(opening_id)
    run_action(lambda: confirm_opening(opening, actor=current_user),
               success=f"Tak! «{opening.title}» er bekræftet som åben.")
    return redirect(url_for("portal.index") if request.form.get("from") == "index"
                    else url_for("portal.openings"))


@bp.route("/profil", methods=["GET", "POST"])
@allow("portal.use")
def profile():
    """Edit the company's public profile: contact details, description, what it can offer."""
    company = own_company()
    form = ProfileForm()
    if request.method == "GET":
        form.fill_from(company)
    if form.validate_on_submit():
        saved = save_form(form, lambda: update_public_profile(
            company, form.service_data(), expected_version=form.expected_version(), actor=current_user),
            record=company)
        if saved.ok:
            flash("Profilen er gemt.", "success")
            return redirect(url_for("portal.profile"))
    return render_template("portal/profile.html", form=form, company=company)


@bp.route("/forslag")
@allow("portal.use")
def proposals():
    """List the borgere the jobcenter has proposed to the company (only what they share)."""
    company = own_company()
    return render_template("portal/proposals.html", company=company, proposals=proposals_for(company.id))


@bp.route("/forslag/<int:placement_id>")
@allow("portal.use")
def proposal(placement_id: int):
    """Show one proposal with exactly the fields the borger agreed to share."""
    placement = get_own_proposal_or_404(placement_id)
    audit_employer_view(placement, actor=current_user)
    db.session.commit()
    return render_template("portal/proposal.html", company=own_company(), proposal=proposal_view(placement),
                           form=AnswerForm(), answers=ANSWER_LABELS, not_now_reasons=NOT_NOW_REASONS)


@bp.route("/forslag/<int:placement_id>/svar", methods=["POST"])
@allow("portal.use")
def answer(placement_id: int):
    """Answer a proposal: interested (contact me) or not now."""
    placement = get_own_proposal_or_404(placement_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            answer_proposal(placement, form.answer.data, actor=current_user)
            record_not_now_reason(placement, form.answer.data, form.reason.data)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Tak for svaret. Jobcentret kontakter jer." if form.answer.data == "interesseret"
                  else "Tak for svaret. Det er sendt videre til jobcentret.", "success")
            return redirect(url_for("portal.proposals"))
    else:
        flash("Vælg et svar.", "error")
    return redirect(url_for("portal.proposal", placement_id=placement.id))


@bp.route("/invitation/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def accept_invitation_page(token: str):
    """Public: the invited employer sets a password (the link works once, for 7 days)."""
    try:
        invitation = load_invitation(token)
    except InvitationError as exc:
        db.session.rollback()
        return render_template("portal/invitation_invalid.html", message=exc.message), 410
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.name
    if form.validate_on_submit():
        try:
            user = accept_invitation(token, password=form.password.data, name=form.name.data)
        except InvitationError as exc:
            db.session.rollback()
            return render_template("portal/invitation_invalid.html", message=exc.message), 410
        except ServiceError as exc:
            db.session.rollback()
            apply_service_error(form, exc)
        else:
            db.session.commit()
            flash(f"Din adgang er oprettet. Log ind med {user.email} og din nye adgangskode.", "success")
            return redirect(url_for("auth.login"))
    return render_template("portal/invitation.html", form=form, invitation=invitation)
