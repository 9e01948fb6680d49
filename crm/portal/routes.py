"""The employer portal: the own company's openings, public profile and proposals, and the public
page where an invited employer sets a password."""

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import allow
from crm.extensions import db, limiter
from crm.forms import submit
from crm.i18n import COOKIE_MAX_AGE, COOKIE_NAME, chosen_language, in_language
from crm.models import Company
from crm.models.opening import OpeningStatus
from crm.openings.forms import ActionForm, OpeningForm
from crm.permissions import can
from crm.portal import bp
from crm.portal.access import get_own_opening_or_404, get_own_proposal_or_404, own_company
from crm.portal.forms import AcceptInvitationForm, AnswerForm, ProfileForm
from crm.services.invitations import InvitationError, accept_invitation, invitation_language, load_invitation
from crm.services.match_feedback import NOT_NOW_REASONS, record_not_now_reason
from crm.services.openings import (
    change_opening_status,
    confirm_opening,
    create_opening,
    is_ending,
    list_openings,
    needs_confirmation,
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

STATUS_UNCHANGED = _l("Status blev ikke ændret.")
# The status buttons an employer sees for an opening: (status, button text).
STATUS_ACTIONS = (
    (OpeningStatus.AABEN, _l("Åbn")),
    (OpeningStatus.PAUSE, _l("Sæt på pause")),
    (OpeningStatus.BESAT, _l("Marker som besat")),
    (OpeningStatus.LUKKET, _l("Luk")),
)



@bp.context_processor
def _company_konsulent() -> dict:
    """Every portal page names whom to ask: the company's konsulent, with phone and e-mail."""
    if not can(current_user, "portal.use") or current_user.company_id is None:
        return {}
    company = db.session.get(Company, current_user.company_id)
    return {"portal_konsulent": company.konsulent if company else None}

def _own_openings():
    return list_openings(company_id=current_user.company_id)


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
    done = submit(form, lambda: create_opening(company, form.service_data(), actor=current_user),
                  success=lambda opening: _("Stillingen «%(title)s» er oprettet.", title=opening.title),
                  redirect_to=url_for("portal.openings"))
    return done or render_template("portal/opening_form.html", form=form, company=company, opening=None)


@bp.route("/stillinger/<int:opening_id>", methods=["GET", "POST"])
@allow("portal.use")
def edit_opening(opening_id: int):
    """Edit an opening; a save based on an outdated version is refused, not lost."""
    opening = get_own_opening_or_404(opening_id)
    form = OpeningForm()
    if request.method == "GET":
        form.fill_from(opening)
    done = submit(form, lambda: update_opening(
        opening, form.service_data(), expected_version=form.expected_version(), actor=current_user),
        success=_("Ændringerne er gemt."), redirect_to=url_for("portal.openings"), record=opening)
    return done or render_template("portal/opening_form.html", form=form, company=opening.company,
                                   opening=opening, action_form=ActionForm(), status_actions=STATUS_ACTIONS)


@bp.route("/stillinger/<int:opening_id>/status", methods=["POST"])
@allow("portal.use")
def opening_status(opening_id: int):
    """Open, pause, fill (besat) or close an opening."""
    opening = get_own_opening_or_404(opening_id)
    status = request.form.get("status", "")
    back = url_for("portal.openings")
    if status not in {s for s, _ in STATUS_ACTIONS}:
        flash(str(STATUS_UNCHANGED), "error")
        return redirect(back)
    if ActionForm().validate_on_submit() and is_ending(opening, status) and request.form.get("confirmed") != "ja":
        return render_template("openings/confirm_status.html", opening=opening, status=status,
                               action=url_for("portal.opening_status", opening_id=opening.id),
                               back=url_for("portal.edit_opening", opening_id=opening.id), portal=True)
    return submit(ActionForm(), lambda: change_opening_status(opening, status, actor=current_user),
                  success=lambda _result: _("«%(title)s» er nu %(status)s.", title=opening.title,
                                            status=opening.status_enum.label.lower()),
                  redirect_to=back, on_error=back, invalid=str(STATUS_UNCHANGED))


@bp.route("/stillinger/<int:opening_id>/bekraeft", methods=["POST"])
@allow("portal.use")
def confirm(opening_id: int):
    """Confirm in one click that the opening is still open."""
    opening = get_own_opening_or_404(opening_id)
    back = url_for("portal.index") if request.form.get("from") == "index" else url_for("portal.openings")
    return submit(ActionForm(), lambda: confirm_opening(opening, actor=current_user),
                  success=_("Tak! «%(title)s» er bekræftet som åben.", title=opening.title), redirect_to=back,
                  on_error=back)


@bp.route("/profil", methods=["GET", "POST"])
@allow("portal.use")
def profile():
    """Edit the company's public profile: contact details, description, what it can offer."""
    company = own_company()
    form = ProfileForm()
    if request.method == "GET":
        form.fill_from(company)
    done = submit(form, lambda: update_public_profile(
        company, form.service_data(), expected_version=form.expected_version(), actor=current_user),
        success=_("Profilen er gemt."), redirect_to=url_for("portal.profile"), record=company)
    return done or render_template("portal/profile.html", form=form, company=company)


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
    return render_template("portal/proposal.html", company=own_company(), proposal=proposal_view(placement),
                           form=AnswerForm(), answers=ANSWER_LABELS, not_now_reasons=NOT_NOW_REASONS)


@bp.route("/forslag/<int:placement_id>/svar", methods=["POST"])
@allow("portal.use")
def answer(placement_id: int):
    """Answer a proposal: interested (contact me) or not now."""
    placement = get_own_proposal_or_404(placement_id)
    form = AnswerForm()

    def _answer():
        answer_proposal(placement, form.answer.data, actor=current_user)
        record_not_now_reason(placement, form.answer.data, form.reason.data)

    return submit(form, _answer,
                  success=_("Tak for svaret. Jobcentret kontakter jer.") if form.answer.data == "interesseret"
                  else _("Tak for svaret. Det er sendt videre til jobcentret."),
                  redirect_to=url_for("portal.proposals"),
                  on_error=url_for("portal.proposal", placement_id=placement.id), invalid=_("Vælg et svar."))


def _invitation_language(token: str) -> str | None:
    """The language the konsulent chose for the invitation, when the person has chosen none
    (no ``sprog`` cookie); None leaves it to the browser's language."""
    if chosen_language(request.cookies.get(COOKIE_NAME)):
        return None
    return invitation_language(token)


@bp.route("/invitation/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def accept_invitation_page(token: str):
    """Public: the invited employer sets a password (the link works once, for 7 days). The page is
    in the invitation's language unless the person has chosen one."""
    language = _invitation_language(token)
    if language is None:
        return _accept_invitation(token)
    with in_language(language):
        response = _accept_invitation(token)
    if response.status_code == 302:
        # The login page the new user lands on speaks the invitation's language too.
        response.set_cookie(COOKIE_NAME, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _accept_invitation(token: str):
    try:
        invitation = load_invitation(token)
        form = AcceptInvitationForm()
        if request.method == "GET":
            form.name.data = invitation.name
        done = submit(form, lambda: accept_invitation(token, password=form.password.data, name=form.name.data),
                      success=lambda user: _("Din adgang er oprettet. Log ind med %(email)s og din nye "
                                             "adgangskode.", email=user.email),
                      redirect_to=url_for("auth.login"))
    except InvitationError as exc:  # used, expired or revoked (the 410 answer rolls back)
        return make_response(render_template("portal/invitation_invalid.html", message=exc.message), 410)
    return done or make_response(render_template("portal/invitation.html", form=form, invitation=invitation))
