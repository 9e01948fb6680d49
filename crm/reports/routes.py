import sqlalchemy as sa
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.extensions import db
from crm.forms import submit
from crm.models import Borger, Programme, User
from crm.models.programme import DEFAULT_CASELOAD_NORM
from crm.permissions import can
from crm.reports import bp
from crm.reports.charts import bar_chart
from crm.reports.forms import EMPTY_TARGET_ROWS, ProgrammeForm
from crm.services import reports
from crm.services.borgere import audit_shown_by_name, can_view_borger
from crm.services.job_kinds import request_report_export
from crm.services.jobs import dispatch
from crm.services.programmes import create_programme, update_programme
from crm.services.report_export import export_dashboard
from crm.sorting import danish
from crm.timeutil import today
from crm.unit_of_work import after_commit

# The export of a programme with more borgere than this runs as a job, whose page offers the file.
REPORT_EXPORT_INLINE_BORGERE = 1000
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text/* mimetype
}


def get_programme_or_404(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id) or abort(404)


def _dashboard_context(programme: Programme) -> dict:
    full = reports.sees_full_figures(current_user, programme)
    as_of = today()
    months, series = reports.outcomes_by_month(programme, as_of=as_of)
    return {
        "programme": programme,
        "full": full,
        "as_of": as_of,
        "tables": reports.dashboard_tables(programme, full=full, as_of=as_of,
                                           vejleder_rows=reports.DASHBOARD_VEJLEDER_ROWS),
        "chart": bar_chart([reports.month_label(m) for m in months], series, full=full),
        "elapsed": reports.elapsed_share(programme, as_of),
    }


@bp.route("/indsatser")
@allow("report.read")
def programmes():
    """List the programmes with their enrolment (small counts hidden unless the viewer sees full figures)."""
    rows = db.session.scalars(sa.select(Programme).order_by(danish(Programme.name))).all()
    items = [
        (
            p,
            reports.mask_count(reports.enrolled_count(p), full=reports.sees_full_figures(current_user, p)),
            reports.mask_count(reports.active_count(p), full=reports.sees_full_figures(current_user, p)),
        )
        for p in rows
    ]
    return render_template("reports/programmes.html", items=items)


@bp.route("/indsatser/<int:programme_id>")
@allow("report.read")
def dashboard(programme_id: int):
    """Show a programme's targets, outcomes over time and IPS fidelity figures."""
    programme = get_programme_or_404(programme_id)
    return render_template("reports/dashboard.html", **_dashboard_context(programme))


@bp.route("/indsatser/<int:programme_id>/print")
@allow("report.read")
def print_dashboard(programme_id: int):
    """Show the dashboard laid out for printing."""
    programme = get_programme_or_404(programme_id)
    return render_template("reports/print.html", **_dashboard_context(programme))


@bp.route("/indsatser/<int:programme_id>/eksport.<fmt>")
@allow("report.read")
def export(programme_id: int, fmt: str):
    """Download the dashboard's tables as XLSX or CSV, masked as on the page."""
    if fmt not in EXPORT_TYPES:
        abort(404)
    programme = get_programme_or_404(programme_id)
    full = reports.sees_full_figures(current_user, programme)
    if reports.enrolled_count(programme) > REPORT_EXPORT_INLINE_BORGERE:
        job = request_report_export(programme, fmt=fmt, masked=not full, user=current_user)
        after_commit(lambda: dispatch(job))
        return redirect(url_for("jobs.detail", job_id=job.id))
    tables = reports.dashboard_tables(programme, full=full)
    data = export_dashboard(programme, tables, fmt=fmt, actor=current_user, masked=not full)
    filename = f"indsats-{programme.id}-{today().isoformat()}.{fmt}"
    return Response(
        data,
        mimetype=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/indsatser/<int:programme_id>/figur/<key>")
@allow("report.read")
def figure(programme_id: int, key: str):
    """List the borgere behind a figure: names only for borgere the viewer may open."""
    programme = get_programme_or_404(programme_id)
    drill = reports.DrillKey.parse(key)
    ids = None if drill is None else reports.figure_borger_ids(programme, drill)
    if ids is None:
        abort(404)
    full = reports.sees_full_figures(current_user, programme)
    visible = []
    if ids and can(current_user, "borger.read"):
        borgere = db.session.scalars(sa.select(Borger).where(Borger.id.in_(ids)).order_by(danish(Borger.first_name)))
        visible = [b for b in borgere if can_view_borger(current_user, b)]
        audit_shown_by_name(visible, actor=current_user, page="report_figure",
                            details={"programme_id": programme.id, "figure": str(drill)})
    days = {}
    if drill.shows_first_contact_days:
        days = {f.borger_id: f.days for f in reports.first_contacts(programme)}
    return render_template(
        "reports/figure.html",
        programme=programme,
        title=reports.figure_title(programme, drill),
        total=reports.mask_count(len(ids), full=full),
        visible=visible,
        days=days,
        others=reports.mask_count(len(ids) - len(visible), full=full),
    )


@bp.route("/indsatser/<int:programme_id>/kontakter/<int:user_id>")
@allow("report.read")
def contacts(programme_id: int, user_id: int):
    """List a vejleder's face-to-face employer contacts behind the weekly figure."""
    programme = get_programme_or_404(programme_id)
    vejleder = db.session.get(User, user_id)
    if vejleder is None or user_id not in reports.programme_vejleder_ids(programme):
        abort(404)
    first, last = reports.full_weeks_window(today(), reports.F2F_WEEKS)
    entries = reports.f2f_contacts(user_id, first, last)
    may_list = can(current_user, "report.contacts", programme) or current_user.id == user_id
    return render_template(
        "reports/contacts.html",
        programme=programme,
        vejleder=vejleder,
        first=first,
        last=last,
        entries=entries if may_list else None,
        count=len(entries),
    )


def _form_data(programme: Programme | None) -> dict:
    targets = [
        {"outcome": t.outcome, "title": t.label, "goal_kind": t.goal_kind, "goal": t.goal}
        for t in (programme.targets if programme else [])
    ]
    targets += [{} for _ in range(EMPTY_TARGET_ROWS)]
    if programme is None:
        return {"targets": targets, "caseload_norm": DEFAULT_CASELOAD_NORM}
    return {
        "name": programme.name,
        "municipality": programme.municipality,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "target_group": programme.target_group,
        "caseload_norm": programme.caseload_norm,
        "targets": targets,
    }


@bp.route("/indsatser/ny", methods=["GET", "POST"])
@allow("programme.manage")
def new_programme():
    """Create a programme with its targets."""
    form = ProgrammeForm() if request.method == "POST" else ProgrammeForm(data=_form_data(None))
    done = submit(form, lambda: create_programme(form.service_data(), actor=current_user),
                  success=lambda programme: _("Indsatsen %(name)s er oprettet.", name=programme.name),
                  redirect_to=lambda programme: url_for("reports.dashboard", programme_id=programme.id))
    return done or render_template("reports/programme_form.html", form=form, programme=None)


@bp.route("/indsatser/<int:programme_id>/rediger", methods=["GET", "POST"])
@allow("programme.manage")
def edit_programme(programme_id: int):
    """Change a programme and its targets."""
    programme = get_programme_or_404(programme_id)
    form = ProgrammeForm() if request.method == "POST" else ProgrammeForm(data=_form_data(programme))
    done = submit(form, lambda: update_programme(programme, form.service_data(), actor=current_user),
                  success=_("Ændringerne er gemt."),
                  redirect_to=url_for("reports.dashboard", programme_id=programme.id))
    return done or render_template("reports/programme_form.html", form=form, programme=programme)


@bp.route("/min-uge")
@allow("report.my_week")
def my_week():
    """Show the vejleder's own week: caseload by phase, employer contacts, waiting borgere, overdue tasks."""
    as_of = today()
    waiting = reports.my_borgere_without_contact(current_user.id, as_of=as_of)
    audit_shown_by_name([w.borger for w in waiting], actor=current_user, page="my_week")
    return render_template(
        "reports/my_week.html",
        as_of=as_of,
        phases=reports.my_phase_counts(current_user.id),
        contacts=reports.my_f2f_contacts_this_week(current_user.id, as_of=as_of),
        contacts_goal=reports.F2F_CONTACTS_GOAL,
        waiting=waiting,
        first_contact_goal=reports.FIRST_CONTACT_DAYS_GOAL,
        overdue=reports.my_overdue_tasks(current_user.id, as_of=as_of),
        caseload_norm=reports.caseload_norm_for(current_user.id),
    )
