"""Form helpers shared by every feature."""

from dataclasses import dataclass

import wtforms
from flask import flash
from flask_wtf import FlaskForm

from crm.extensions import db
from crm.services import ConflictError, ServiceError

# WTForms ships no Danish catalogue; these are its built-in messages in Danish, so a validator
# message that a form does not set itself is never shown in English.
DANISH_MESSAGES = {
    "Field must be equal to %(other_name)s.": "Feltet skal være det samme som %(other_name)s.",
    "Field must be at least %(min)d character long.": "Feltet skal være mindst %(min)d tegn.",
    "Field must be at least %(min)d characters long.": "Feltet skal være mindst %(min)d tegn.",
    "Field cannot be longer than %(max)d character.": "Feltet må højst være %(max)d tegn.",
    "Field cannot be longer than %(max)d characters.": "Feltet må højst være %(max)d tegn.",
    "Field must be exactly %(max)d character long.": "Feltet skal være præcis %(max)d tegn.",
    "Field must be exactly %(max)d characters long.": "Feltet skal være præcis %(max)d tegn.",
    "Field must be between %(min)d and %(max)d characters long.": "Feltet skal være mellem %(min)d og %(max)d tegn.",
    "Number must be at least %(min)s.": "Tallet skal være mindst %(min)s.",
    "Number must be at most %(max)s.": "Tallet må højst være %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Tallet skal være mellem %(min)s og %(max)s.",
    "Date must be at least %(min)s.": "Datoen skal være %(min)s eller senere.",
    "Date must be at most %(max)s.": "Datoen skal være %(max)s eller tidligere.",
    "Date must be between %(min)s and %(max)s.": "Datoen skal være mellem %(min)s og %(max)s.",
    "This field is required.": "Feltet skal udfyldes.",
    "Invalid input.": "Ugyldig værdi.",
    "Invalid email address.": "Ugyldig e-mailadresse.",
    "Invalid URL.": "Ugyldig webadresse.",
    "Invalid value, must be one of: %(values)s.": "Ugyldig værdi; skal være en af: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Ugyldig værdi; må ikke være en af: %(values)s.",
    "This field cannot be edited.": "Feltet kan ikke ændres.",
    "This field is disabled and cannot have a value.": "Feltet er slået fra og kan ikke have en værdi.",
    "Invalid CSRF Token.": "Formularen var ugyldig. Genindlæs siden, og prøv igen.",
    "CSRF token missing.": "Formularen var ugyldig. Genindlæs siden, og prøv igen.",
    "CSRF failed.": "Formularen var ugyldig. Genindlæs siden, og prøv igen.",
    "CSRF token expired.": "Formularen var udløbet. Genindlæs siden, og prøv igen.",
    "Invalid Choice: could not coerce.": "Ugyldigt valg.",
    "Choices cannot be None.": "Ugyldigt valg.",
    "Not a valid choice.": "Ugyldigt valg.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Ugyldigt valg.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' er ikke et gyldigt valg.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' er ikke gyldige valg.",
    "Not a valid datetime value.": "Angiv dato og klokkeslæt.",
    "Not a valid date value.": "Angiv en gyldig dato.",
    "Not a valid time value.": "Angiv et gyldigt klokkeslæt.",
    "Not a valid week value.": "Angiv en gyldig uge.",
    "Not a valid integer value.": "Angiv et helt tal.",
    "Not a valid decimal value.": "Angiv et tal.",
    "Not a valid float value.": "Angiv et tal.",
}


class DanishTranslations:
    """The gettext interface WTForms asks for its built-in messages."""

    def gettext(self, string: str) -> str:
        return DANISH_MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """The base of every form in the app: Flask-WTF (CSRF) with Danish built-in messages."""

    class Meta:
        def get_translations(self, form):
            return DanishTranslations()


class SubForm(wtforms.Form):
    """A form nested in another with FormField (no CSRF of its own), Danish messages too."""

    class Meta:
        def get_translations(self, form):
            return DanishTranslations()


class ActionForm(Form):
    """A button that changes something: nothing to fill in, but the CSRF token is checked."""


@dataclass(frozen=True)
class Saved:
    """What ``save_form`` did: ``ok`` when the change was committed, with the service's result;
    ``conflict`` when someone else had changed the record first."""

    ok: bool
    value: object = None
    conflict: bool = False


def save_form(form, change, *, record=None) -> Saved:
    """Run ``change`` (a service call for a validated form) and commit once.

    A ServiceError is rolled back and shown on the form with everything the user typed kept. On a
    ConflictError with ``record`` given, the form's hidden version is moved to the record's current
    one, so saving again (after seeing the other person's values) knowingly replaces them.
    """
    try:
        value = change()
    except ConflictError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        if record is not None:
            form.version.data = str(record.version)
        return Saved(False, conflict=True)
    except ServiceError as error:
        db.session.rollback()
        apply_service_error(form, error)
        return Saved(False)
    db.session.commit()
    return Saved(True, value)


def run_action(action, *, success: str) -> bool:
    """Run a button's service call (an ActionForm post): commit and flash ``success``, or roll back
    and flash the service's message. Returns whether it was done."""
    if not ActionForm().validate_on_submit():
        return False
    try:
        action()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def apply_service_error(form, error: ServiceError) -> None:
    """Show a service's validation message on the matching field, or on the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
