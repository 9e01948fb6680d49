"""Upload, download and delete a company's or a placement's files. A company's pages are under
/virksomheder/<id>/bilag, a placement's under its borger's, so each is loaded through its parent's
access-checking helper first."""

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from crm.access import allow
from crm.attachments import bp
from crm.borgere.routes import get_borger_or_404, placement_or_404
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.forms import ActionForm, Form, submit
from crm.models import Attachment
from crm.permissions import can
from crm.services.attachments import (
    AttachmentUnavailable,
    add_attachment,
    delete_attachment,
    max_bytes,
    open_attachment,
    too_large_message,
)


class AttachmentForm(Form):
    file = FileField(_l("Fil"), validators=[FileRequired(_l("Vælg en fil."))])
    submit = SubmitField(_l("Gem bilag"))


def _upload(owner, back: str):
    if not can(current_user, "attachment.manage", owner):
        abort(403)
    form = AttachmentForm()

    def store():
        upload = form.file.data
        return add_attachment(owner, filename=upload.filename, content=upload.read(max_bytes() + 1),
                              actor=current_user)

    return submit(form, store,
                  success=lambda attachment: _("«%(name)s» er gemt som bilag.", name=attachment.original_name),
                  redirect_to=back, on_error=back)


def _download(attachment: Attachment, back: str):
    try:
        content = open_attachment(attachment, actor=current_user)
    except AttachmentUnavailable as error:
        flash(error.message, "error")
        return redirect(back)  # the refusal's audit row is committed with the redirect
    return send_file(io.BytesIO(content), mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.original_name, max_age=0)


def _delete(attachment: Attachment, back: str):
    if not can(current_user, "attachment.manage", attachment):
        abort(403)
    name = attachment.original_name
    return submit(ActionForm(), lambda: delete_attachment(attachment, actor=current_user),
                  success=_("«%(name)s» er slettet.", name=name), redirect_to=back, on_error=back)


def too_large_answer():
    """The answer to an upload refused for its size (413) on an attachment route: back to the page
    it came from with the cap in words (None for any other route)."""
    args = request.view_args or {}
    if request.endpoint == "attachments.company_upload":
        back = url_for("companies.detail", company_id=args["company_id"], _anchor="bilag")
    elif request.endpoint == "attachments.placement_upload":
        back = url_for("borgere.detail", borger_id=args["borger_id"], _anchor=f"forloeb-{args['placement_id']}")
    else:
        return None
    flash(too_large_message(), "error")
    return redirect(back)


# --- a company's files ------------------------------------------------------------------------

def _company_attachment_or_404(company, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.company_id != company.id:
        abort(404)
    return attachment


def _company_page(company) -> str:
    return url_for("companies.detail", company_id=company.id, _anchor="bilag")


@bp.route("/virksomheder/<int:company_id>/bilag", methods=["POST"])
@allow("attachment.manage")
def company_upload(company_id: int):
    """Attach a file to a company (a signed partnership agreement …)."""
    company = get_company_or_404(company_id, current_user)
    return _upload(company, _company_page(company))


@bp.route("/virksomheder/<int:company_id>/bilag/<int:attachment_id>")
@allow("attachment.read")
def company_download(company_id: int, attachment_id: int):
    """Download a company's file (checked against its checksum)."""
    company = get_company_or_404(company_id, current_user)
    return _download(_company_attachment_or_404(company, attachment_id), _company_page(company))


@bp.route("/virksomheder/<int:company_id>/bilag/<int:attachment_id>/slet", methods=["POST"])
@allow("attachment.manage")
def company_delete(company_id: int, attachment_id: int):
    """Delete a company's file."""
    company = get_company_or_404(company_id, current_user)
    if not can(current_user, "attachment.manage", company):
        abort(403)  # before looking for the file: the answer tells nothing about which files exist
    return _delete(_company_attachment_or_404(company, attachment_id), _company_page(company))


# --- a placement's files ----------------------------------------------------------------------

def _placement_attachment_or_404(placement, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.placement_id != placement.id:
        abort(404)
    return attachment


def _placement_page(borger, placement) -> str:
    return url_for("borgere.detail", borger_id=borger.id, _anchor=f"forloeb-{placement.id}")


@bp.route("/borgere/<int:borger_id>/forloeb/<int:placement_id>/bilag", methods=["POST"])
@allow("attachment.manage")
def placement_upload(borger_id: int, placement_id: int):
    """Attach a file to a placement (praktik or løntilskud papers)."""
    borger = get_borger_or_404(borger_id, page="attachment")
    placement = placement_or_404(borger, placement_id)
    return _upload(placement, _placement_page(borger, placement))


@bp.route("/borgere/<int:borger_id>/forloeb/<int:placement_id>/bilag/<int:attachment_id>")
@allow("attachment.read")
def placement_download(borger_id: int, placement_id: int, attachment_id: int):
    """Download a placement's file (checked against its checksum)."""
    borger = get_borger_or_404(borger_id, page="attachment")
    placement = placement_or_404(borger, placement_id)
    return _download(_placement_attachment_or_404(placement, attachment_id), _placement_page(borger, placement))


@bp.route("/borgere/<int:borger_id>/forloeb/<int:placement_id>/bilag/<int:attachment_id>/slet", methods=["POST"])
@allow("attachment.manage")
def placement_delete(borger_id: int, placement_id: int, attachment_id: int):
    """Delete a placement's file."""
    borger = get_borger_or_404(borger_id, page="attachment")
    placement = placement_or_404(borger, placement_id)
    return _delete(_placement_attachment_or_404(placement, attachment_id), _placement_page(borger, placement))
