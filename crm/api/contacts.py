"""A company's contact persons and contact log, and follow-up tasks, through the API: the same
services and checks as the company page and "Mine opgaver"."""

from flask import abort, url_for
from flask_login import current_user

from crm.access import allow
from crm.api import bp
from crm.api.companies import CREATE_DOC
from crm.api.http import create_with, link_header, object_first, page_body, paged, url_object
from crm.api.schemas import (
    ContactPersonIn,
    ContactPersonList,
    ContactPersonOut,
    LogEntryIn,
    LogEntryList,
    LogEntryOut,
    PageQuery,
    TaskDoneIn,
    TaskIn,
    TaskOut,
    TaskPage,
)
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.models import ContactPerson
from crm.services.borgere import audit_shown_by_name, can_view_borger
from crm.services.contacts import add_contact_person, contact_log, create_task, log_contact, set_task_done, tasks_query
from crm.tasks.routes import get_task_or_404


def _actor():
    return current_user._get_current_object()


def _contact_or_404(company_id: int, contact_id: int) -> ContactPerson:
    company = get_company_or_404(company_id, current_user)
    person = db.session.get(ContactPerson, contact_id)
    if person is None or person.company_id != company.id:
        abort(404)
    return person


@bp.route("/companies/<int:company_id>/contacts")
@allow("company.read", scope="companies:read")
@bp.alt_response(200, schema=ContactPersonList, success=True)
def list_contacts(company_id: int):
    """A company's contact persons."""
    company = get_company_or_404(company_id, current_user)
    return {"items": ContactPersonOut(many=True).dump(company.contacts)}


@bp.route("/companies/<int:company_id>/contacts/<int:contact_id>")
@allow("company.read", scope="companies:read")
@bp.alt_response(200, schema=ContactPersonOut, success=True)
def get_contact(company_id: int, contact_id: int):
    """One contact person."""
    return ContactPersonOut().dump(_contact_or_404(company_id, contact_id))


@bp.route("/companies/<int:company_id>/contacts", methods=["POST"])
@allow("company.edit", scope="companies:write")
@object_first(lambda company_id: get_company_or_404(company_id, current_user, for_edit=True))
@bp.arguments(ContactPersonIn)
@bp.alt_response(201, schema=ContactPersonOut, success=True)
@bp.doc(**CREATE_DOC)
def post_contact(data, company_id: int):
    """Add a contact person."""
    company = url_object()
    return create_with(lambda: add_contact_person(company, data, actor=_actor()), ContactPersonOut().dump,
                       lambda p: url_for("api.get_contact", company_id=company.id, contact_id=p.id), etag=False)


def _log_entry(entry) -> dict:
    data = LogEntryOut().dump(entry)
    hidden = entry.borger_id is not None and not can_view_borger(current_user, entry.borger)
    data["summary"] = None if hidden else entry.summary
    data["borger_reference"] = entry.borger.reference if entry.borger is not None else None
    return data


@bp.route("/companies/<int:company_id>/log")
@allow("company.read", scope="companies:read")
@bp.alt_response(200, schema=LogEntryList, success=True)
def list_log(company_id: int):
    """A company's contact log, newest first; a summary about a borger only for those who may open
    the borger (shown by name: audited as a read, as on the company page)."""
    company = get_company_or_404(company_id, current_user)
    log = contact_log(company)
    audit_shown_by_name([entry.borger for entry in log if entry.borger is not None], actor=current_user,
                        page="company_log", details={"company_id": company.id})
    return {"items": [_log_entry(entry) for entry in log]}


@bp.route("/companies/<int:company_id>/log", methods=["POST"])
@allow("company.log", scope="companies:write")
@object_first(lambda company_id: get_company_or_404(company_id, current_user))
@bp.arguments(LogEntryIn)
@bp.alt_response(201, schema=LogEntryOut, success=True)
@bp.doc(**CREATE_DOC)
def post_log_entry(data, company_id: int):
    """Log a contact with the company (a face-to-face one counts towards the IPS figures)."""
    company = url_object()
    return create_with(lambda: log_contact(company, data, actor=_actor()), _log_entry,
                       lambda e: url_for("api.list_log", company_id=company.id), etag=False)


@bp.route("/companies/<int:company_id>/tasks", methods=["POST"])
@allow("company.log", scope="tasks:write")
@object_first(lambda company_id: get_company_or_404(company_id, current_user))
@bp.arguments(TaskIn)
@bp.alt_response(201, schema=TaskOut, success=True)
@bp.doc(**CREATE_DOC)
def post_task(data, company_id: int):
    """Create a follow-up task about the company for a staff member."""
    company = url_object()
    return create_with(lambda: create_task(company=company, actor=_actor(), **data), TaskOut().dump,
                       lambda t: url_for("api.list_tasks"), etag=False)


@bp.route("/tasks")
@allow("task.read", scope="tasks:read")
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.alt_response(200, schema=TaskPage, success=True, headers={"Link": {"schema": {"type": "string"}}})
def list_tasks(page, per_page):
    """Your tasks: open ones by due date (overdue first), then recently done."""
    result = paged(tasks_query(current_user), page=page, per_page=per_page)
    audit_shown_by_name([task.borger for task in result.items if task.borger], actor=current_user, page="tasks")
    return page_body(TaskOut(many=True).dump(result.items), result), 200, link_header(result)


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@allow("task.change", scope="tasks:write")
@object_first(lambda task_id: get_task_or_404(task_id, current_user))
@bp.arguments(TaskDoneIn)
@bp.alt_response(200, schema=TaskOut, success=True)
def post_task_done(data, task_id: int):
    """Mark a task done, or open again."""
    task = url_object()
    return TaskOut().dump(set_task_done(task, data["done"], actor=_actor()))
