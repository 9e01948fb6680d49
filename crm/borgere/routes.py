import json

import sqlalchemy as sa
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.borgere import bp
from crm.borgere.forms import (
    AdvanceForm,
    BorgerForm,
    BorgerSearchForm,
    EndCourseForm,
    ExcludeCompanyForm,
    MatchFilterForm,
    NotAFitForm,
    OutcomeForm,
    ProposeForm,
    ReassignForm,
    ReferralForm,
    TargetActionForm,
)
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.forms import ActionForm, submit
from crm.models import Borger, Company, Opening, OutcomeEvent, Placement, User
from crm.models.borger import SHAREABLE_FIELDS
from crm.models.user import Role
from crm.paging import page_of
from crm.permissions import can
from crm.services.attachments import placement_attachments, upload_hint
from crm.services.borger_rights import access_document, erase_borger, export_borger_data
from crm.services.borgere import (
    audit_denied,
    audit_shown_by_name,
    audit_view,
    can_view_borger,
    create_borger,
    exclude_company,
    programmes_of_visible_borgere,
    reassign_borger,
    search_borgere,
    update_borger,
)
from crm.services.job_kinds import request_index_build
from crm.services.jobs import dispatch
from crm.services.match_feedback import record_shown
from crm.services.match_weights import weights_in_force
from crm.services.matching import IndexNotReady, match_for_target, matches_for, reverse_match_for
from crm.services.outcomes import end_course, record_outcome
from crm.services.placements import advance, proposal_reach, propose_match, shortlist
from crm.services.referrals import referral_form_defaults, referrals_of, start_referral
from crm.services.reports import caseload_norm_for, my_phase_counts
from crm.timeutil import today
from crm.unit_of_work import after_commit, keep_writes
from crm.validators import parse_id

#: The matches on the page a vejleder takes to a meeting with the borger: the best few to talk over.
MEETING_MATCHES = 10


def get_borger_or_404(borger_id: int, *, page: str) -> Borger:
    """Load a borger the current user may open; a refused attempt is audited (then 403).

    Loading is not reading: a page that shows the borger goes through ``render_borger_page``
    (which audits the read), and a change goes through a service (which audits the change).
    """
    borger = db.session.get(Borger, borger_id)
    if borger is None:
        abort(404)
    if not can_view_borger(current_user, borger):
        audit_denied(borger_id, actor=current_user, page=page)
        keep_writes()  # the refusal stays audited
        abort(403)
    return borger


def render_borger_page(template: str, borger: Borger, *, page: str, **context):
    """Show a page about the borger: the one audit row of the request is this read."""
    audit_view(borger, actor=current_user, page=page)
    return render_template(template, borger=borger, **context)


def referral_form_for(borger: Borger) -> ReferralForm | None:
    """The referral form, filled in with the next period, for a borger whose programme limits referrals."""
    defaults = referral_form_defaults(borger)
    return None if defaults is None else ReferralForm(formdata=None, data=defaults)


def placement_or_404(borger: Borger, placement_id: int) -> Placement:
    """The borger's placement ``placement_id``, or 404 (another borger's placement is not found)."""
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.borger_id != borger.id:
        abort(404)
    return placement


@bp.route("/")
@allow("borger.list")
def index():
    """List and search the borgere the user may open (a vejleder: the own caseload)."""
    form = BorgerSearchForm(request.args, programmes=programmes_of_visible_borgere(current_user))
    search = form.to_search()
    page = page_of(search_borgere(current_user, search)) if search is not None else None
    if page is not None:
        audit_shown_by_name(page.items, actor=current_user, page="list")
    own = can(current_user, "borger.create")
    active_count = sum(my_phase_counts(current_user.id).values()) if own else None
    return render_template("borgere/list.html", form=form, search=search, page=page,
                           borgere=page.items if page is not None else [], active_count=active_count,
                           filter_args={name: request.args[name] for name in form._fields if request.args.get(name)},
                           caseload_norm=caseload_norm_for(current_user.id) if own else None)


@bp.route("/ny", methods=["GET", "POST"])
@allow("borger.create")
def new():
    """Enrol a borger."""
    form = BorgerForm()
    if request.method == "GET":
        form.enrolled_on.data = today()
        form.vejleder_id.data = current_user.id
    if form.validate_on_submit():
        data = form.service_data()
        if data["vejleder_id"] != current_user.id:
            abort(403)  # a vejleder enrols into their own caseload
        done = submit(form, lambda: create_borger(data, actor=current_user),
                      success=lambda borger: _("%(name)s er oprettet.", name=borger.display_name),
                      redirect_to=lambda borger: url_for("borgere.detail", borger_id=borger.id))
        if done:
            return done
    return render_template("borgere/form.html", form=form, borger=None)


@bp.route("/<int:borger_id>")
@allow("borger.read")
def detail(borger_id: int):
    """Show a borger's record and placement pipeline."""
    return _detail_page(get_borger_or_404(borger_id, page="detail"))


def _detail_page(borger: Borger, *, failed: tuple[str, object] | None = None, placement_id: int | None = None):
    """The borger's page; ``failed`` is a posted form (its key and the form) shown again with its
    messages at the fields and the choices kept; an advance form belongs to ``placement_id``."""
    outcomes = db.session.scalars(sa.select(OutcomeEvent).where(OutcomeEvent.borger_id == borger.id)
                                  .order_by(OutcomeEvent.on_date, OutcomeEvent.id)).all()
    forms = {"advance_form": AdvanceForm(formdata=None), "outcome_form": OutcomeForm(formdata=None),
             "end_form": EndCourseForm(formdata=None), "referral_form": referral_form_for(borger)}
    failed_advance = None
    if failed is not None:
        key, form = failed
        if key == "advance_form":
            failed_advance = (placement_id, form)
        else:
            forms[key] = form
    return render_borger_page("borgere/detail.html", borger, page="detail", outcomes=outcomes,
                              today=today(), referrals=referrals_of(borger), failed_advance=failed_advance,
                              placement_files=placement_attachments(borger), attachment_hint=upload_hint(),
                              **forms)


@bp.route("/<int:borger_id>/rediger", methods=["GET", "POST"])
@allow("borger.edit")
def edit(borger_id: int):
    """Edit a borger's record; a concurrent change is refused without losing the input."""
    borger = get_borger_or_404(borger_id, page="edit")
    form = BorgerForm(obj=borger)
    if request.method == "GET":
        form.version.data = borger.version
        form.disclosure.data = "ja" if borger.disclosure else "nej"
        form.wishes.data = "\n".join(borger.wishes)
        form.strengths.data = "\n".join(borger.strengths)
    if form.validate_on_submit():
        data = form.service_data()
        if data["vejleder_id"] != borger.vejleder_id:
            abort(403)  # handing a borger over is a teamleder's task (borgere.reassign)
        done = submit(form, lambda: update_borger(
            borger, data, expected_version=form.version.expected, actor=current_user),
            success=_("Ændringerne er gemt."), redirect_to=url_for("borgere.detail", borger_id=borger.id))
        if done:
            return done
    return render_borger_page("borgere/form.html", borger, page="edit", form=form)


@bp.route("/<int:borger_id>/overdrag", methods=["GET", "POST"])
@allow("borger.reassign")
def reassign(borger_id: int):
    """Hand the borger over to another vejleder (a teamleder, in a programme they lead)."""
    borger = get_borger_or_404(borger_id, page="reassign")
    form = ReassignForm(borger)
    if request.method == "GET":
        form.version.data = borger.version
    done = submit(form, lambda: reassign_borger(
        borger, form.vejleder_id.data, actor=current_user, expected_version=form.version.expected),
        success=lambda _borger: _("%(name)s er overdraget til %(vejleder)s.", name=borger.display_name,
                                    vejleder=borger.vejleder.name),
        redirect_to=url_for("borgere.detail", borger_id=borger.id), record=borger)
    return done or render_borger_page("borgere/reassign.html", borger, page="reassign", form=form)


@bp.route("/<int:borger_id>/match")
@allow("borger.edit")
def match(borger_id: int):
    """Rank openings and companies for a borger, with reasons."""
    borger = get_borger_or_404(borger_id, page="match")
    filters = MatchFilterForm(request.args)
    rows, not_ready, build = _filtered_matches(borger, filters, limit=20)
    weights = weights_in_force()
    record_shown(borger, rows, weights_version=weights.label)
    active = {(p.company_id, p.opening_id): p for p in borger.placements if p.stage != "afsluttet"}
    page = render_borger_page("borgere/match.html", borger, page="match", rows=rows, filters=filters,
                              active=active, action_form=TargetActionForm(),
                              exclude_form=ExcludeCompanyForm(), not_ready=not_ready, weights=weights,
                              not_a_fit_form=NotAFitForm(), filter_args=_match_filter_args())
    if build is not None:
        after_commit(lambda: dispatch(build))  # committed with the page's audit row
    return page


def _match_filter_args() -> dict:
    """The match page's filters from the query string, as url_for arguments (for the links
    between the match page and its print page)."""
    args = {"kind": request.args.getlist("kind"), "max_km": request.args.get("max_km", "")}
    return {key: value for key, value in args.items() if value}


def _filtered_matches(borger: Borger, filters: MatchFilterForm, *, limit: int):
    """The borger's matches under the page's filters: (rows, the not-ready message or None, an
    index build to dispatch or None)."""
    kinds = set(filters.kind.data or []) or None
    max_km = filters.max_km.data if filters.validate() else None
    try:
        return matches_for(borger, limit=limit, kinds=kinds, max_km=max_km), None, None
    except IndexNotReady as exc:
        return [], exc.message, request_index_build(full=True)


@bp.route("/<int:borger_id>/match/udskriv")
@allow("borger.edit")
def match_print(borger_id: int):
    """The borger's top matches as a page to print or save as PDF for a meeting with the borger:
    reasons and distances, the first name only, nothing internal."""
    borger = get_borger_or_404(borger_id, page="match_print")
    rows, not_ready, build = _filtered_matches(borger, MatchFilterForm(request.args), limit=MEETING_MATCHES)
    page = render_borger_page("borgere/match_print.html", borger, page="match_print", rows=rows,
                              not_ready=not_ready, today=today(), filter_args=_match_filter_args())
    if build is not None:
        after_commit(lambda: dispatch(build))
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _target_objects(target_key: str) -> tuple[Company, Opening | None]:
    kind, _, raw_id = target_key.partition(":")
    target_id = parse_id(raw_id)
    if target_id is None or kind not in {"company", "opening"}:
        abort(400)
    if kind == "opening":
        opening = db.session.get(Opening, target_id) or abort(404)
        return get_company_or_404(opening.company_id, current_user), opening
    return get_company_or_404(target_id, current_user), None


def _act_on_target(service, borger: Borger, target_key: str) -> Placement:
    """Run ``shortlist`` or ``propose_match`` for a target, with the match as it stands now."""
    company, opening = _target_objects(target_key)
    row = match_for_target(borger, target_key)
    return service(
        borger, company=company, opening=opening,
        score=row.match.score if row else None,
        components=row.match.components if row else {},
        reasons=list(row.match.reasons) if row else [],
        actor=current_user,
    )


@bp.route("/<int:borger_id>/kortliste", methods=["POST"])
@allow("borger.edit")
def add_to_shortlist(borger_id: int):
    """Put a match on the borger's shortlist, saving its score and reasons."""
    borger = get_borger_or_404(borger_id, page="shortlist")
    form = TargetActionForm()
    back = url_for("borgere.match", borger_id=borger.id)
    return submit(form, lambda: _act_on_target(shortlist, borger, form.target.data),
                  success=lambda placement: _("%(company)s er sat på kortlisten.", company=placement.company.name),
                  redirect_to=back, on_error=back)


@bp.route("/<int:borger_id>/foreslaa", methods=["GET", "POST"])
@allow("borger.edit")
def propose_target(borger_id: int):
    """Ask to confirm, then propose the borger to the employer (needs the borger's consent)."""
    borger = get_borger_or_404(borger_id, page="propose")
    form = ProposeForm(request.form if request.method == "POST" else request.args)
    if not form.target.data:
        return redirect(url_for("borgere.match", borger_id=borger.id))
    company, opening = _target_objects(form.target.data)
    reach = proposal_reach(company)
    if request.method == "POST" and form.is_confirmed():
        back = url_for("borgere.detail", borger_id=borger.id)
        return submit(form, lambda: _act_on_target(propose_match, borger, form.target.data),
                      success=lambda placement: " ".join(filter(None, (
                          _("%(name)s er foreslået for %(company)s.", name=borger.first_name,
                            company=placement.company.name),
                          reach.advice))),
                      redirect_to=back, on_error=back)
    return render_borger_page("borgere/propose.html", borger, page="propose", form=form, company=company,
                              opening=opening, reach=reach, shared=[str(SHAREABLE_FIELDS[key]) for key in
                                                                    borger.shared_fields if key in SHAREABLE_FIELDS])


@bp.route("/<int:borger_id>/udeluk", methods=["POST"])
@allow("borger.edit")
def exclude(borger_id: int):
    """Never show this company to the borger again."""
    borger = get_borger_or_404(borger_id, page="exclude")
    form = ExcludeCompanyForm()
    back = url_for("borgere.match", borger_id=borger.id)

    def _exclude():
        company = get_company_or_404(form.company_id.data, current_user)
        exclude_company(borger, company.id, actor=current_user)
        return company

    return submit(form, _exclude, success=lambda company: _("%(company)s vises ikke længere for %(name)s.",
                                                        company=company.name, name=borger.first_name),
                  redirect_to=back, on_error=back)


@bp.route("/<int:borger_id>/forloeb/<int:placement_id>", methods=["POST"])
@allow("borger.edit")
def advance_placement(borger_id: int, placement_id: int):
    """Record the next dated step of a placement."""
    borger = get_borger_or_404(borger_id, page="placement")
    placement = placement_or_404(borger, placement_id)
    form = AdvanceForm()
    return _on_detail_page(borger, form, lambda: advance(
        placement, form.stage.data, on_date=form.on_date.data, actor=current_user,
        hours_per_week=float(form.hours_per_week.data) if form.hours_per_week.data is not None else None,
        end_reason=form.end_reason.data or "", note=form.note.data or "",
        log_contact=form.log_contact.data or None,
    ), _("Trinnet er gemt."), key="advance_form", placement_id=placement.id)


@bp.route("/til-virksomhed/<int:company_id>")
@allow("borger.reverse_match")
def for_company(company_id: int):
    """The borgere a company fits. A konsulent sees only references and whom to contact."""
    company = get_company_or_404(company_id, current_user)
    return _reverse_match(f"company:{company.id}", company=company, opening=None)


@bp.route("/til-stilling/<int:opening_id>")
@allow("borger.reverse_match")
def for_opening(opening_id: int):
    """The borgere an opening fits, with the same privacy rule as for a company."""
    opening = db.session.get(Opening, opening_id) or abort(404)
    company = get_company_or_404(opening.company_id, current_user)
    return _reverse_match(f"opening:{opening.id}", company=company, opening=opening)


def _reverse_match(target_key: str, *, company: Company, opening: Opening | None):
    rows = reverse_match_for(target_key, viewer=current_user)
    vejledere = {u.id: u for u in db.session.scalars(sa.select(User).where(User.role == Role.VEJLEDER))}
    return render_template("borgere/reverse.html", company=company, opening=opening, rows=rows,
                           vejledere=vejledere)


def _on_detail_page(borger: Borger, form, action, success: str, *, key: str, placement_id: int | None = None):
    """Submit a small form posted from the borger's page and go back to it; a refused one is shown
    on the page again, with its messages at the fields and what was typed or chosen kept."""
    done = submit(form, action, success=success, redirect_to=url_for("borgere.detail", borger_id=borger.id))
    return done or _detail_page(borger, failed=(key, form), placement_id=placement_id)


@bp.route("/<int:borger_id>/resultat", methods=["POST"])
@allow("borger.edit")
def add_outcome(borger_id: int):
    """Record an outcome such as flexjob clarification or retention at 13/26 weeks."""
    borger = get_borger_or_404(borger_id, page="outcome")
    form = OutcomeForm()
    return _on_detail_page(borger, form, lambda: record_outcome(
        borger, form.kind.data, on_date=form.on_date.data, note=form.note.data or "", actor=current_user,
    ), _("Resultatet er registreret."), key="outcome_form")


@bp.route("/<int:borger_id>/afslut", methods=["POST"])
@allow("borger.edit")
def end(borger_id: int):
    """End the borger's course with a date and a reason."""
    borger = get_borger_or_404(borger_id, page="end")
    form = EndCourseForm()
    return _on_detail_page(borger, form, lambda: end_course(
        borger, on_date=form.on_date.data, reason=form.reason.data, actor=current_user,
    ), _("Forløbet er afsluttet."), key="end_form")


@bp.route("/<int:borger_id>/henvisning", methods=["POST"])
@allow("borger.edit")
def refer(borger_id: int):
    """Refer the borger for a period of a programme that limits referrals (a renewal needs a new plan)."""
    borger = get_borger_or_404(borger_id, page="referral")
    form = ReferralForm()
    return _on_detail_page(borger, form, lambda: start_referral(
        borger, starts_on=form.starts_on.data, ends_on=form.ends_on.data, plan=form.plan.data or "",
        actor=current_user,
    ), _("Henvisningen er gemt."), key="referral_form")


@bp.route("/<int:borger_id>/indsigt")
@allow("borger.read")
def access_copy(borger_id: int):
    """Show the borger's right-of-access copy as a document to print or save as PDF (in the reader's language)."""
    borger = get_borger_or_404(borger_id, page="export")
    document = access_document(borger, actor=current_user)
    response = Response(render_template("borgere/access_document.html", borger=borger, document=document))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:borger_id>/indsigt.json")
@allow("borger.read")
def export(borger_id: int):
    """Download everything stored about the borger and who has looked at it, as data (JSON)."""
    borger = get_borger_or_404(borger_id, page="export")
    data = export_borger_data(borger, actor=current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="indsigt-{borger.reference}.json"'})


@bp.route("/<int:borger_id>/slet", methods=["POST"])
@allow("borger.erase")
def erase(borger_id: int):
    """Erase a borger's data on request (the teamleder of the borger's programme)."""
    borger = get_borger_or_404(borger_id, page="erase")
    reference = borger.reference
    back = url_for("borgere.index")
    return submit(ActionForm(), lambda: erase_borger(borger, actor=current_user, reason="request"),
                  success=_("Oplysningerne om %(reference)s er slettet.", reference=reference),
                  redirect_to=back, on_error=back)
