from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow, is_safe_next
from crm.companies.forms import TaskDoneForm
from crm.extensions import db
from crm.forms import submit
from crm.models import Task
from crm.paging import page_of
from crm.permissions import can
from crm.services.borgere import audit_shown_by_name
from crm.services.contacts import is_overdue, set_task_done, tasks_query
from crm.tasks import bp
from crm.timeutil import today


def get_task_or_404(task_id: int, user) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    if not can(user, "task.change", task):
        abort(403)
    return task


@bp.route("/")
@allow("task.read")
def mine():
    """Show the current user's tasks: overdue first, then due later, then recently done."""
    page = page_of(tasks_query(current_user))
    # A task about a borger links to them for those who may open the record: showing the name is a read.
    audit_shown_by_name([task.borger for task in page.items if task.borger], actor=current_user, page="tasks")
    return render_template("tasks/mine.html", tasks=page.items, page=page, today=today(),
                           is_overdue=is_overdue, done_form=TaskDoneForm())


@bp.route("/<int:task_id>/udfoert", methods=["POST"])
@allow("task.change")
def set_done(task_id: int):
    """Mark a task done or open again (field ``done``: "1" or "0")."""
    task = get_task_or_404(task_id, current_user)
    done = request.form.get("done") == "1"
    target = request.form.get("next")
    back = target if is_safe_next(target) else url_for("tasks.mine")
    return submit(TaskDoneForm(), lambda: set_task_done(task, done, actor=current_user),
                  success=(_("«%(title)s» er markeret som udført.", title=task.title) if done
                           else _("«%(title)s» er markeret som ikke udført.", title=task.title)),
                  redirect_to=back, on_error=back)
