"""Form helpers shared by every feature.

Every form derives from ``Form`` (Flask-WTF, with CSRF unless its Meta turns it off for a GET
filter) or ``SubForm`` (nested, or read from the query string by hand); their common ``Meta``
guards each field the same way, so odd or tampered input gets a message on the form (in the
reader's language) instead of a server error:

- one-line text fields turn tab and line breaks into spaces (control characters never arrive,
  see ``crm.request``);
- whole numbers must fit an INTEGER column, decimal numbers must be finite (NaN, sNaN and
  infinity are refused before any range check compares them), dates and times must lie between
  ``EARLIEST_DATE`` and ``LATEST_DATE``.
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import wtforms
from flask import flash, redirect
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import NumberRange, StopValidation

from crm.extensions import db
from crm.formatting import short_date
from crm.i18n import current_language
from crm.services import ConflictError, ServiceError, ValidationError
from crm.validators import MAX_DB_INTEGER, parse_id, parse_int

# WTForms ships no Danish catalogue; these are its built-in messages in Danish, so a validator
# message that a form does not set itself is never shown in English to a Danish reader.
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


# WTForms' own English, where it reads as a machine's (the rest is used as it is).
ENGLISH_MESSAGES = {
    "Invalid CSRF Token.": "The form was invalid. Reload the page and try again.",
    "CSRF token missing.": "The form was invalid. Reload the page and try again.",
    "CSRF failed.": "The form was invalid. Reload the page and try again.",
    "CSRF token expired.": "The form had expired. Reload the page and try again.",
    "Invalid Choice: could not coerce.": "Invalid choice.",
    "Choices cannot be None.": "Invalid choice.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Invalid choice.",
    "Not a valid datetime value.": "Enter a date and time.",
    "Not a valid date value.": "Enter a valid date.",
    "Not a valid time value.": "Enter a valid time.",
    "Not a valid week value.": "Enter a valid week.",
    "Not a valid integer value.": "Enter a whole number.",
    "Not a valid decimal value.": "Enter a number.",
    "Not a valid float value.": "Enter a number.",
}


class FormTranslations:
    """The gettext interface WTForms asks for its built-in messages: Danish or English, in the
    language of the moment a message is made (``crm.i18n``)."""

    def gettext(self, string: str) -> str:
        messages = DANISH_MESSAGES if current_language() == "da" else ENGLISH_MESSAGES
        return messages.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


# The calendar a date in this app may fall in: far enough back for an old agreement, and nothing
# near the ends of Python's calendar, where date arithmetic and time zone conversion overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# Lazy: worded (and the dates written) in the language of the moment the message is shown.
DATE_RANGE_MESSAGE = LazyString(lambda: _("Angiv en dato mellem %(first)s og %(last)s.",
                                          first=short_date(EARLIEST_DATE), last=short_date(LATEST_DATE)))
TOO_LARGE_MESSAGE = _l("Tallet er for stort.")
NOT_FINITE_MESSAGE = _l("Angiv et endeligt tal.")
_LINE_BREAKS_RE = re.compile(r"\r\n|[\t\r\n]")
# Text kept as typed (line breaks and all); other string fields are one line.
KEPT_AS_TYPED = (wtforms.TextAreaField, wtforms.PasswordField)


def _one_line(value):
    return _LINE_BREAKS_RE.sub(" ", value) if isinstance(value, str) else value


def _range_message(field, default: str) -> str:
    """The message of the field's own range check, so an odd number reads as any wrong one."""
    return next((v.message for v in field.validators if isinstance(v, NumberRange) and v.message), default)


def _whole_number_fits(form, field):
    if field.data is not None and not -MAX_DB_INTEGER - 1 <= field.data <= MAX_DB_INTEGER:
        field.data = None
        raise StopValidation(_range_message(field, TOO_LARGE_MESSAGE))


def _finite_number(form, field):
    value = field.data
    if value is None:
        return
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        field.data = None
        raise StopValidation(_range_message(field, NOT_FINITE_MESSAGE))


def _date_in_range(form, field):
    value = field.data
    day = value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        field.data = None
        raise StopValidation(DATE_RANGE_MESSAGE)


def guard_field(field) -> None:
    """Give a bound field the checks every field of its kind needs (see the module docstring)."""
    guard = None
    if isinstance(field, wtforms.IntegerField):
        guard = _whole_number_fits
    elif isinstance(field, (wtforms.DecimalField, wtforms.FloatField)):
        guard = _finite_number
    elif isinstance(field, (wtforms.DateField, wtforms.DateTimeField)):
        guard = _date_in_range
    elif isinstance(field, wtforms.StringField) and not isinstance(field, KEPT_AS_TYPED):
        field.filters = (*field.filters, _one_line)
    if guard is not None:
        # First in the chain: a range check would compare (and raise on) a signalling NaN.
        field.validators = [guard, *field.validators]


class GuardedMeta:
    """Built-in messages in the reader's language, and ``guard_field`` on every field."""

    def get_translations(self, form):
        return FormTranslations()

    def bind_field(self, form, unbound_field, options):
        field = unbound_field.bind(form=form, **options)
        guard_field(field)
        return field


class Form(FlaskForm):
    """The base of every form in the app: Flask-WTF (CSRF), messages in the reader's language,
    guarded fields."""

    # Set by ``submit`` when a save was refused because someone else saved first.
    conflict = False
    _submitted_valid: bool | None = None

    class Meta(GuardedMeta):
        pass

    def validate_on_submit(self, extra_validators=None) -> bool:
        """Validate once: a view that checks the form before ``submit`` shares the result with it."""
        if self._submitted_valid is None:
            self._submitted_valid = super().validate_on_submit(extra_validators)
        return self._submitted_valid


class SubForm(wtforms.Form):
    """A form without CSRF of its own (nested with FormField, or a GET filter read from
    ``request.args``), guarded the same way."""

    class Meta(GuardedMeta):
        pass


def coerce_id(value) -> int:
    """``coerce`` of a select of database ids: a tampered value is "Ugyldigt valg", not a crash."""
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


def coerce_optional_id(value) -> int | None:
    """Like ``coerce_id``, with "" (the "— ingen —" choice) as None."""
    return None if value in (None, "", "None") else coerce_id(value)


class IdField(wtforms.HiddenField):
    """A hidden database id posted back by a button: an int, or None when missing or tampered."""

    def process_formdata(self, valuelist):
        self.data = parse_id(valuelist[0]) if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class VersionField(IdField):
    """The hidden version a save is based on: an int, or None when missing or tampered."""

    def process_formdata(self, valuelist):
        self.data = parse_int(valuelist[0], minimum=0) if valuelist else None

    @property
    def expected(self) -> int:
        """The version to check against; one no record has when the field was tampered."""
        return -1 if self.data is None else self.data


# What ``submit`` flashes and where it redirects: fixed, or made from the service's result.
Message = str | Callable[[object], str]
Target = str | Callable[[object], str]


class ActionForm(Form):
    """A button that changes something: nothing to fill in, but the CSRF token is checked."""


def submit(form, change: Callable[[], object], *, success: Message, redirect_to: Target,
           record=None, on_error: str | None = None, invalid: str | None = None):
    """The one way a view saves: validated form → ``change()`` (the service call) → flash → redirect.

    ``success`` and ``redirect_to`` are a text and a URL, or functions of what ``change`` returned.
    The flash is part of the request's unit of work (``crm.unit_of_work``): if the commit at the end
    of the request fails, the message is dropped with the lost writes and the user sees the error page.

    Returns the redirect, or None when the form is to be shown (again):
    - not submitted or not valid (the fields carry their messages);
    - a ValidationError: its message on its field (or the whole form), everything typed kept;
    - a ConflictError (someone saved first): the message on the form and ``form.conflict`` set; with
      ``record``, the form's hidden version is moved to the record's current one, so saving again
      (after seeing the other person's values) knowingly replaces them.
    With ``on_error`` (the URL of the page a button or small form was posted from) it always
    redirects: to ``on_error`` with the form's (or ``invalid``) or the service's message flashed.
    NotAuthorized goes on to the app's 403 page (``crm.security``), and the request keeps nothing. A
    refused change is rolled back at once, so none of it is committed with what the request writes
    after it (the page's own audit row).
    """
    if not form.validate_on_submit():
        if on_error is None:
            return None
        if invalid is not None:
            flash(invalid, "error")
        else:
            flash_form_errors(form)
        return redirect(on_error)
    try:
        value = change()
    except (ValidationError, ConflictError) as error:
        db.session.rollback()
        if on_error is not None:
            flash(error.message, "error")
            return redirect(on_error)
        if isinstance(error, ConflictError):
            form.conflict = True
            if record is not None:
                form.version.data = record.version
        apply_service_error(form, error)
        return None
    flash(success(value) if callable(success) else success, "success")
    return redirect(redirect_to(value) if callable(redirect_to) else redirect_to)


def flash_form_errors(form) -> None:
    """Flash each of a form's messages (a small form posted from another page cannot show them)."""
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


def apply_service_error(form, error: ServiceError) -> None:
    """Show a service's validation message on the matching field, or on the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
