"""Programme figures through the API: the dashboard's own tables, masked for the viewer as the
page masks them (counts of 1–4 hidden unless the viewer sees full figures)."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from crm.access import allow
from crm.api import bp
from crm.api.schemas import ProgrammeFigures, ProgrammeList, ProgrammeOut
from crm.extensions import db
from crm.models import Programme
from crm.services import reports
from crm.sorting import danish
from crm.timeutil import today


def _count(value) -> str | None:
    return None if value is None else str(value)


def _programme(programme: Programme) -> dict:
    full = reports.sees_full_figures(current_user, programme)
    data = ProgrammeOut().dump(programme)
    data.update(enrolled=_count(reports.mask_count(reports.enrolled_count(programme), full=full)),
                active=_count(reports.mask_count(reports.active_count(programme), full=full)))
    return data


@bp.route("/programmes")
@allow("report.read", scope="reports:read")
@bp.alt_response(200, schema=ProgrammeList, success=True)
def list_programmes():
    """The programmes with their enrolment (small counts hidden unless you see full figures)."""
    rows = db.session.scalars(sa.select(Programme).order_by(danish(Programme.name))).all()
    return {"items": [_programme(programme) for programme in rows]}


@bp.route("/programmes/<int:programme_id>/figures")
@allow("report.read", scope="reports:read")
@bp.alt_response(200, schema=ProgrammeFigures, success=True)
def get_programme_figures(programme_id: int):
    """A programme's dashboard tables: targets, timeline, caseloads, contacts, IPS fidelity."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    full = reports.sees_full_figures(current_user, programme)
    as_of = today()
    tables = reports.dashboard_tables(programme, full=full, as_of=as_of)
    return {"programme": _programme(programme), "full_figures": full, "as_of": as_of.isoformat(),
            "tables": [{"key": t.key, "title": t.title, "columns": [str(c) for c in t.columns],
                        "rows": [{"cells": [str(c) for c in row.cells], "status": row.status} for row in t.rows],
                        "note": t.note} for t in tables]}
