"""Openings for konsulenter (any company) and the portal access of a company's employers."""

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.forms import submit
from crm.models import Company, Invitation, Opening, User
from crm.models.user import Role
from crm.openings import bp
from crm.openings.forms import ActionForm, FilterForm, InvitationForm, OpeningForm, StatusForm
from crm.paging import page_of
from crm.services.invitations import (
    INVITATION_DAYS,
    STATE_LABELS,
    create_invitation,
    employer_users,
    invitation_state,
    invitations_for,
    revoke_employer_access,
    revoke_invitation,
    send_invitation_email,
)
from crm.services.openings import (
    change_opening_status,
    confirm_opening,
    create_opening,
    is_ending,
    openings_queries,
    update_opening,
)
from crm.validators import parse_id


def get_opening_or_404(opening_id: int, *, for_edit: bool = False) -> Opening:
    """Load an opening through its company's access check (staff only)."""
    opening = db.session.get(Opening, opening_id)
    if opening is None:
        abort(404)
    get_company_or_404(opening.company_id, current_user, for_edit=for_edit)
    return opening


def _opening_url(opening: Opening) -> str:
    return url_for("openings.detail", opening_id=opening.id)


@bp.route("/")
@allow("opening.read")
def index():
    """List openings, with filters and the "skal bekræftes" flag."""
    filters = FilterForm(request.args)
    valid = filters.validate()
    queries = openings_queries(
        status=filters.status.data or None if valid else None,
        kind=filters.kind.data or None if valid else None,
        q=filters.q.data if valid else None,
        needs_confirming=bool(filters.stale.data) if valid else False,
    )
    page = page_of(*queries)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("openings/list.html", filters=filters, page=page, args=args)


@bp.route("/virksomhed/<int:company_id>/ny", methods=["GET", "POST"])
@allow("opening.edit")
def new(company_id: int):
    """Create an opening at a company."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = OpeningForm()
    if request.method == "GET":
        form.fill_from(company=company)
    done = submit(form, lambda: create_opening(company, form.service_data(), actor=current_user),
                  success=lambda opening: _("Stillingen «%(title)s» er oprettet.", title=opening.title),
                  redirect_to=_opening_url)
    return done or render_template("openings/form.html", form=form, company=company, opening=None)


@bp.route("/<int:opening_id>")
@allow("opening.read")
def detail(opening_id: int):
    """Show an opening, its flags and its status actions."""
    opening = get_opening_or_404(opening_id)
    return render_template("openings/detail.html", opening=opening, company=opening.company,
                           status_form=StatusForm(status=opening.status), action_form=ActionForm())


@bp.route("/<int:opening_id>/rediger", methods=["GET", "POST"])
@allow("opening.edit")
def edit(opening_id: int):
    """Edit an opening; a save based on an outdated version is refused, not lost."""
    opening = get_opening_or_404(opening_id, for_edit=True)
    form = OpeningForm()
    if request.method == "GET":
        form.fill_from(opening)
    done = submit(form, lambda: update_opening(
        opening, form.service_data(), expected_version=form.expected_version(), actor=current_user),
        success=_("Ændringerne er gemt."), redirect_to=_opening_url(opening), record=opening)
    return done or render_template("openings/form.html", form=form, company=opening.company, opening=opening,
                                   conflict=form.conflict)


@bp.route("/<int:opening_id>/status", methods=["POST"])
@allow("opening.edit")
def change_status(opening_id: int):
    """Open, pause, fill or close an opening."""
    opening = get_opening_or_404(opening_id, for_edit=True)
    form = StatusForm()
    back = _opening_url(opening)
    if form.validate_on_submit() and is_ending(opening, form.status.data) and request.form.get("confirmed") != "ja":
        return render_template("openings/confirm_status.html", opening=opening, status=form.status.data,
                               action=url_for("openings.change_status", opening_id=opening.id), back=back,
                               portal=False)
    return submit(form, lambda: change_opening_status(opening, form.status.data, actor=current_user),
                  success=lambda _result: _("Stillingen er nu %(status)s.", status=opening.status_enum.label.lower()),
                  redirect_to=back, on_error=back, invalid=_("Vælg en gyldig status."))


@bp.route("/<int:opening_id>/bekraeft", methods=["POST"])
@allow("opening.edit")
def confirm(opening_id: int):
    """Confirm that the opening is still open today."""
    opening = get_opening_or_404(opening_id, for_edit=True)
    back = _opening_url(opening)
    return submit(ActionForm(), lambda: confirm_opening(opening, actor=current_user),
                  success=_("«%(title)s» er bekræftet som åben.", title=opening.title), redirect_to=back,
                  on_error=back)


# --- portal access -------------------------------------------------------------------------

def _invite(company, person, form):
    invitation, token = create_invitation(company, email=form.email.data or "", name=form.name.data or "",
                                          contact_person=person, language=form.language.data, actor=current_user)
    link = url_for("portal.accept_invitation", token=token, _external=True)
    send_invitation_email(invitation, link)
    return invitation, link


def _access_page(company: Company, form: InvitationForm):
    return render_template(
        "openings/access.html", company=company, form=form, invitations=invitations_for(company),
        users=employer_users(company), invitation_state=invitation_state, state_labels=STATE_LABELS,
        action_form=ActionForm(),
    )


@bp.route("/virksomhed/<int:company_id>/adgang", methods=["GET", "POST"])
@allow("opening.edit")
def access(company_id: int):
    """Invite a contact person to the portal; list invitations and employer users."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = InvitationForm(company=company)
    if form.validate_on_submit():
        person = None
        person_id = parse_id(form.contact_person_id.data)
        if person_id is not None:
            person = next((p for p in company.contacts if p.id == person_id), None)
        done = submit(form, lambda: _invite(company, person, form),
                      success=lambda sent: _("Invitationen er sendt til %(email)s. Linket gælder i %(days)s "
                                             "dage: %(link)s", email=sent[0].email, days=INVITATION_DAYS,
                                             link=sent[1]),
                      redirect_to=url_for("openings.access", company_id=company.id))
        if done:
            return done
    return _access_page(company, form)


@bp.route("/virksomhed/<int:company_id>/adgang/invitation/<int:invitation_id>/tilbagekald",
          methods=["POST"])
@allow("opening.edit")
def revoke(company_id: int, invitation_id: int):
    """Withdraw an invitation (and the access it gave)."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.company_id != company.id:
        abort(404)
    back = url_for("openings.access", company_id=company.id)
    return submit(ActionForm(), lambda: revoke_invitation(invitation, actor=current_user),
                  success=_("Invitationen til %(email)s er trukket tilbage.", email=invitation.email),
                  redirect_to=back,
                  on_error=back)


@bp.route("/virksomhed/<int:company_id>/adgang/bruger/<int:user_id>/fjern", methods=["POST"])
@allow("opening.edit")
def revoke_user(company_id: int, user_id: int):
    """Take an employer user's portal access away."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    user = db.session.scalar(sa.select(User).where(User.id == user_id, User.company_id == company.id,
                                                   User.role == Role.EMPLOYER))
    if user is None:
        abort(404)
    back = url_for("openings.access", company_id=company.id)
    return submit(ActionForm(), lambda: revoke_employer_access(user, actor=current_user),
                  success=_("%(name)s har ikke længere adgang til portalen.", name=user.name), redirect_to=back,
                  on_error=back)
