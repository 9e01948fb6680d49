"""The company page and the daily relationship work: profile, status, contact persons, the
contact log, follow-up tasks and the "kontakt snart" list."""

from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.companies import bp
from crm.companies.access import get_company_or_404
from crm.companies.forms import (
    CompanyForm,
    ContactPersonForm,
    DeleteForm,
    LogEntryForm,
    StaleFilterForm,
    StatusForm,
    TaskDoneForm,
    TaskForm,
)
from crm.extensions import db
from crm.forms import submit
from crm.models import Borger, ContactPerson
from crm.models.borger import Phase
from crm.models.company import STATUS_LABELS, STATUS_TRANSITIONS
from crm.models.user import Role
from crm.paging import page_of
from crm.services import ServiceError
from crm.services.attachments import attachments_of, upload_hint
from crm.services.audit import COMPANY_TIMELINE_LABELS, company_timeline
from crm.services.borgere import audit_shown_by_name, visible_borgere
from crm.services.companies import (
    change_status,
    create_company,
    find_duplicates,
    update_company,
)
from crm.services.contacts import (
    add_contact_person,
    contact_log,
    create_task,
    delete_contact_person,
    log_contact,
    open_tasks_for_company,
    renewal_state,
    stale_partner_counts,
    stale_partners_queries,
    staleness,
    update_contact_person,
    with_staleness,
)
from crm.services.openings import company_openings
from crm.sorting import danish
from crm.timeutil import local_now, today
from crm.validators import parse_id

# How far ahead a follow-up task is due unless the user says otherwise.
DEFAULT_FOLLOW_UP_DAYS = 7


def _get_contact_or_404(company, contact_id: int) -> ContactPerson:
    person = db.session.get(ContactPerson, contact_id)
    if person is None or person.company_id != company.id:
        abort(404)
    return person


@bp.route("/ny", methods=["GET", "POST"])
@allow("company.edit")
def new():
    """Create a company, after showing likely duplicates."""
    form = CompanyForm()
    if request.method == "GET":
        form.status.data = "emne"
        if current_user.role == Role.KONSULENT:
            form.konsulent_id.data = str(current_user.id)
    duplicates = []
    if form.validate_on_submit():
        if not form.confirm_duplicate.data:
            duplicates = find_duplicates(name=form.name.data, postcode=form.postcode.data,
                                         cvr=form.cvr.data)
        if not duplicates:
            done = submit(form, lambda: create_company(form.service_data(), actor=current_user),
                          success=lambda company: _("%(name)s er oprettet.", name=company.name),
                          redirect_to=lambda company: url_for("companies.detail", company_id=company.id))
            if done:
                return done
    return render_template("companies/form.html", form=form, company=None, duplicates=duplicates)


@bp.route("/<int:company_id>")
@allow("company.read")
def detail(company_id: int):
    """Show everything about the relationship with a company on one page."""
    company = get_company_or_404(company_id, current_user)
    log = contact_log(company)
    # The log shows a contact's summary about a borger by name to those who may open the borger.
    audit_shown_by_name([entry.borger for entry in log if entry.borger is not None], actor=current_user,
                        page="company_log", details={"company_id": company.id})
    return render_template(
        "companies/detail.html", company=company, log=log,
        tasks=open_tasks_for_company(company), stale=staleness(company),
        renewal=renewal_state(company), today=today(), openings=company_openings(company),
        timeline=company_timeline(company.id), timeline_labels=COMPANY_TIMELINE_LABELS,
        attachments=attachments_of(company), attachment_hint=upload_hint(),
        status_form=StatusForm(status=company.status), done_form=TaskDoneForm(),
        delete_form=DeleteForm(), status_labels=STATUS_LABELS,
        next_statuses=sorted(STATUS_TRANSITIONS[company.status_enum], key=list(STATUS_TRANSITIONS).index),
    )


@bp.route("/<int:company_id>/rediger", methods=["GET", "POST"])
@allow("company.edit")
def edit(company_id: int):
    """Edit a company's profile; a save based on an outdated version is refused, not lost."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = CompanyForm()
    if request.method == "GET":
        form.fill_from(company)
    done = submit(form, lambda: update_company(
        company, form.service_data(), expected_version=form.version.expected, actor=current_user),
        success=_("Ændringerne er gemt."), redirect_to=url_for("companies.detail", company_id=company.id),
        record=company)
    return done or render_template("companies/form.html", form=form, company=company, duplicates=[],
                                   conflict=form.conflict)


@bp.route("/<int:company_id>/status", methods=["POST"])
@allow("company.edit")
def change_company_status(company_id: int):
    """Move the partnership along the pipeline."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = StatusForm()
    back = url_for("companies.detail", company_id=company_id)
    return submit(form, lambda: change_status(company, form.status.data, actor=current_user,
                                              note=form.note.data or ""),
                  success=lambda _result: _("Status er nu %(status)s.", status=company.status_enum.label.lower()),
                  redirect_to=back, on_error=back)


@bp.route("/<int:company_id>/kontaktpersoner/ny", methods=["GET", "POST"])
@allow("company.edit")
def new_contact(company_id: int):
    """Add a contact person."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = ContactPersonForm()
    done = submit(form, lambda: add_contact_person(company, form.data, actor=current_user),
                  success=_("Kontaktpersonen er tilføjet."),
                  redirect_to=url_for("companies.detail", company_id=company.id, _anchor="kontaktpersoner"))
    return done or render_template("companies/contact_form.html", form=form, company=company, person=None)


@bp.route("/<int:company_id>/kontaktpersoner/<int:contact_id>", methods=["GET", "POST"])
@allow("company.edit")
def edit_contact(company_id: int, contact_id: int):
    """Edit a contact person."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    person = _get_contact_or_404(company, contact_id)
    form = ContactPersonForm(obj=person)
    done = submit(form, lambda: update_contact_person(person, form.data, actor=current_user),
                  success=_("Kontaktpersonen er gemt."),
                  redirect_to=url_for("companies.detail", company_id=company.id, _anchor="kontaktpersoner"))
    return done or render_template("companies/contact_form.html", form=form, company=company, person=person)


@bp.route("/<int:company_id>/kontaktpersoner/<int:contact_id>/slet", methods=["POST"])
@allow("company.edit")
def delete_contact(company_id: int, contact_id: int):
    """Delete a contact person (the log keeps the name it was written with)."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    person = _get_contact_or_404(company, contact_id)
    name = person.name
    back = url_for("companies.detail", company_id=company.id, _anchor="kontaktpersoner")
    return submit(DeleteForm(), lambda: delete_contact_person(person, actor=current_user),
                  success=_("%(name)s er slettet som kontaktperson.", name=name), redirect_to=back, on_error=back)


@bp.route("/<int:company_id>/kontaktlog/ny", methods=["GET", "POST"])
@allow("company.log")
def new_log_entry(company_id: int):
    """Log a contact with the company, optionally with a follow-up task."""
    company = get_company_or_404(company_id, current_user)
    borgere = db.session.scalars(visible_borgere(current_user, for_edit=True).where(Borger.phase != Phase.AFSLUTTET)
                                 .order_by(danish(Borger.first_name))).all()
    form = LogEntryForm(company=company, borgere=borgere)
    if request.method == "GET":
        form.borger_id.data = request.args.get("borger_id", type=int)
        form.at.data = local_now().replace(second=0, microsecond=0)
        form.task_due.data = today() + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
        form.task_assignee_id.data = str(current_user.id)

    def _log():
        try:
            return log_contact(company, form.service_data(), follow_up=form.follow_up_data(),
                               actor=current_user)
        except ServiceError as exc:  # the follow-up task's fields carry a prefix on this form
            if exc.field in {"title", "due", "assignee_id"}:
                exc.field = f"task_{exc.field}"
            raise

    done = submit(form, _log, success=(
        _("Kontakten er registreret med en opfølgningsopgave.") if form.follow_up.data
        else _("Kontakten er registreret.")),
        redirect_to=url_for("companies.detail", company_id=company.id, _anchor="kontaktlog"))
    return done or render_template("companies/log_form.html", form=form, company=company)


@bp.route("/<int:company_id>/opgaver/ny", methods=["GET", "POST"])
@allow("company.log")
def new_task(company_id: int):
    """Create a follow-up task about the company."""
    company = get_company_or_404(company_id, current_user)
    form = TaskForm()
    if request.method == "GET":
        form.due.data = today() + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
        form.assignee_id.data = str(current_user.id)
    done = submit(form, lambda: create_task(
        title=form.title.data, note=form.note.data, due=form.due.data,
        assignee_id=form.assignee_id.data, company=company, actor=current_user),
        success=_("Opgaven er oprettet."),
        redirect_to=url_for("companies.detail", company_id=company.id, _anchor="opgaver"))
    return done or render_template("companies/task_form.html", form=form, company=company)


@bp.route("/kontakt-snart")
@allow("company.read")
def stale():
    """Partners with no logged contact for 30 days or more, longest first."""
    form = StaleFilterForm(request.args)
    choice = request.args.get("konsulent")
    if choice is None:
        choice = str(current_user.id) if current_user.role == Role.KONSULENT else "alle"
        form.konsulent.data = choice
    konsulent_id = parse_id(choice)
    if choice != "alle" and konsulent_id is None:
        abort(400)
    page = page_of(*stale_partners_queries(konsulent_id=konsulent_id),
                   counts=stale_partner_counts(konsulent_id=konsulent_id))
    return render_template("companies/stale.html", form=form, page=page, rows=with_staleness(page.items),
                           args={"konsulent": choice})
