"""Form helpers shared by every feature."""

from flask_wtf import FlaskForm

from crm.services import ServiceError


class ActionForm(FlaskForm):
    """A button that changes something: nothing to fill in, but the CSRF token is checked."""


def apply_service_error(form, error: ServiceError) -> None:
    """Show a service's validation message on the matching field, or on the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
