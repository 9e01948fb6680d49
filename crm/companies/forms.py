"""Forms for the company page: the profile, status, contact persons, the contact log and tasks."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from crm.extensions import db
from crm.forms import Form, VersionField, coerce_optional_id
from crm.models import User
from crm.models.company import CONTACT_KIND_LABELS, SIZE_BANDS, STATUS_LABELS
from crm.permissions import STAFF_ROLES, roles_with
from crm.services.fields import (
    ADDRESS_MAX,
    AGREEMENT_NOTE_MAX,
    CITY_MAX,
    EMAIL_MAX,
    INDUSTRY_TEXT_MAX,
    LONG_TEXT_MAX,
    PERSON_MAX,
    PHONE_MAX,
    POSTCODE_MAX,
    TITLE_MAX,
    WEBSITE_MAX,
)
from crm.services.reference import active_offer_tags, industries
from crm.sorting import danish
from crm.validators import is_valid_cvr, is_valid_pnummer, normalize_cvr

DATE_MESSAGE = _l("Angiv en dato (åååå-mm-dd).")
DATETIME_MESSAGE = _l("Angiv dato og tidspunkt.")


def _users_choices(roles, *, empty: str | None) -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(User.id, User.name).where(User.active, User.role.in_([str(r) for r in roles]))
        .order_by(danish(User.name))
    )
    choices = [SelectChoice("", empty)] if empty else []
    return choices + [SelectChoice(str(uid), name) for uid, name in rows]


def konsulent_choices(*, empty: str | None = _l("— ingen —")) -> list[SelectChoice]:
    return _users_choices(roles_with("company.edit"), empty=empty)


def staff_choices() -> list[SelectChoice]:
    return _users_choices(STAFF_ROLES, empty=None)


class CheckboxListField(SelectMultipleField):
    """Several checkboxes in a list, e.g. what a workplace can offer."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CompanyForm(Form):
    name = StringField(_l("Navn"), validators=[DataRequired(_l("Angiv virksomhedens navn.")), Length(max=TITLE_MAX)])
    cvr = StringField(_l("CVR-nummer"), validators=[Optional()])
    pnummer = StringField(_l("P-nummer"), validators=[Optional()])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=ADDRESS_MAX)])
    postcode = StringField(_l("Postnummer"), validators=[DataRequired(_l("Angiv et postnummer.")),
                                                         Length(max=POSTCODE_MAX)])
    city = StringField(_l("By"), validators=[Optional(), Length(max=CITY_MAX)])
    industry_code = SelectField(_l("Branche (DB07)"), validators=[Optional()])
    industry_text = StringField(_l("Branche, fritekst"), validators=[Optional(), Length(max=INDUSTRY_TEXT_MAX)])
    size_band = SelectField(_l("Antal ansatte"), choices=[SelectChoice("", _l("— ikke angivet —"))] + [
        SelectChoice(band, band) for band in SIZE_BANDS], validators=[Optional()])
    website = StringField(_l("Hjemmeside"), validators=[Optional(), Length(max=WEBSITE_MAX)])
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=PHONE_MAX)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=EMAIL_MAX)])
    description = TextAreaField(_l("Kort beskrivelse"), validators=[Optional(), Length(max=LONG_TEXT_MAX)])
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, label)
                                            for s, label in STATUS_LABELS.items()])
    agreement_signed = DateField(_l("Aftale underskrevet"), validators=[Optional()],
                                 invalid_value_message=DATE_MESSAGE)
    agreement_renewal = DateField(_l("Aftale fornyes"), validators=[Optional()],
                                  invalid_value_message=DATE_MESSAGE)
    agreement_note = TextAreaField(_l("Note om aftalen"), validators=[Optional(), Length(max=AGREEMENT_NOTE_MAX)])
    offers = CheckboxListField(_l("Hvad arbejdspladsen kan tilbyde"))
    konsulent_id = SelectField(_l("Ansvarlig virksomhedskonsulent"), validators=[Optional()])
    tags = StringField(_l("Mærker (adskilt med komma)"), validators=[Optional(), Length(max=500)])
    version = VersionField()
    confirm_duplicate = BooleanField(_l("Opret alligevel: det er ikke en af virksomhederne ovenfor"))
    submit = SubmitField(_l("Gem"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry_code.choices = [SelectChoice("", _("— vælg branche —"))] + [
            SelectChoice(i.code, f"{i.code} · {i.shown_label}") for i in industries()]
        self.offers.choices = [SelectChoice(t.code, t.shown_label) for t in active_offer_tags()]
        self.konsulent_id.choices = konsulent_choices()

    def validate_cvr(self, field):
        cvr = normalize_cvr(field.data)
        if cvr is not None and not is_valid_cvr(cvr):
            raise FieldError(_("CVR-nummeret er ikke gyldigt (8 cifre med korrekt kontrolciffer)."))

    def validate_pnummer(self, field):
        value = (field.data or "").replace(" ", "")
        if value and not is_valid_pnummer(value):
            raise FieldError(_("P-nummeret skal være 10 cifre."))

    def service_data(self) -> dict:
        """The fields in the shape create_company/update_company take."""
        data = {name: self[name].data for name in (
            "name", "cvr", "pnummer", "address", "postcode", "city", "industry_code", "industry_text",
            "size_band", "website", "phone", "email", "description", "status", "agreement_signed",
            "agreement_renewal", "agreement_note", "tags", "konsulent_id")}
        data["offers"] = list(self.offers.data or [])
        return data

    def fill_from(self, company) -> None:
        """Show a company's saved values (on GET of the edit page)."""
        for name in ("name", "cvr", "pnummer", "address", "postcode", "city", "industry_text",
                     "website", "phone", "email", "description", "status", "agreement_signed",
                     "agreement_renewal", "agreement_note"):
            self[name].data = getattr(company, name)
        self.industry_code.data = company.industry_code or ""
        self.size_band.data = company.size_band or ""
        self.konsulent_id.data = str(company.konsulent_id or "")
        self.offers.data = sorted(company.offer_codes)
        self.tags.data = ", ".join(company.tags or [])
        self.version.data = company.version


class StatusForm(Form):
    status = SelectField(_l("Ny status"), choices=[SelectChoice(s.value, label)
                                               for s, label in STATUS_LABELS.items()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Skift status"))


class ContactPersonForm(Form):
    name = StringField(_l("Navn"), validators=[DataRequired(_l("Angiv kontaktpersonens navn.")),
                                               Length(max=PERSON_MAX)])
    role = StringField(_l("Stilling/rolle"), validators=[Optional(), Length(max=PERSON_MAX)])
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=PHONE_MAX)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=EMAIL_MAX)])
    primary = BooleanField(_l("Primær kontaktperson"))
    submit = SubmitField(_l("Gem kontaktperson"))


class DeleteForm(Form):
    submit = SubmitField(_l("Slet"))


class TaskForm(Form):
    title = StringField(_l("Opgave"), validators=[DataRequired(_l("Angiv en titel på opgaven.")),
                                                  Length(max=TITLE_MAX)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=LONG_TEXT_MAX)])
    due = DateField(_l("Frist"), validators=[DataRequired(DATE_MESSAGE)], invalid_value_message=DATE_MESSAGE)
    assignee_id = SelectField(_l("Ansvarlig"), validators=[DataRequired(_l("Vælg en medarbejder."))])
    submit = SubmitField(_l("Opret opgave"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = staff_choices()


class LogEntryForm(Form):
    kind = SelectField(_l("Kontaktform"), choices=[SelectChoice(k.value, label)
                                               for k, label in CONTACT_KIND_LABELS.items()])
    at = DateTimeLocalField(_l("Tidspunkt"), validators=[DataRequired(DATETIME_MESSAGE)],
                            invalid_value_message=DATETIME_MESSAGE)
    contact_person_id = SelectField(_l("Med hvem (kontaktperson)"), coerce=coerce_optional_id,
                                    validators=[Optional()])
    with_whom = StringField(_l("Med hvem (fritekst)"), validators=[Optional(), Length(max=TITLE_MAX)])
    summary = TextAreaField(_l("Resumé"), validators=[DataRequired(_l("Skriv kort, hvad kontakten handlede om.")),
                                                  Length(max=LONG_TEXT_MAX)])
    borger_id = SelectField(_l("Om borger (valgfrit)"), coerce=coerce_optional_id, validators=[Optional()])
    follow_up = BooleanField(_l("Opret opfølgningsopgave"))
    task_title = StringField(_l("Opgave"), validators=[Optional(), Length(max=TITLE_MAX)])
    task_due = DateField(_l("Frist"), validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    task_assignee_id = SelectField(_l("Ansvarlig for opgaven"), validators=[Optional()])
    submit = SubmitField(_l("Gem i kontaktloggen"))

    def __init__(self, *args, company=None, borgere=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only borgere the user may open can be named (a vejleder: the own caseload).
        self.borger_id.choices = [SelectChoice("", _("— ingen —"))] + [
            SelectChoice(str(b.id), b.display_name) for b in borgere]
        contacts = company.contacts if company is not None else []
        self.contact_person_id.choices = [SelectChoice("", _("— ingen/andre —"))] + [
            SelectChoice(str(p.id), f"{p.name}{' (' + p.role + ')' if p.role else ''}") for p in contacts]
        self.task_assignee_id.choices = staff_choices()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.follow_up.data:
            if not (self.task_title.data or "").strip():
                self.task_title.errors = [*self.task_title.errors, _("Angiv en titel på opfølgningsopgaven.")]
                valid = False
            if self.task_due.data is None and not self.task_due.errors:
                self.task_due.errors = [*self.task_due.errors, _("Angiv en frist for opfølgningsopgaven.")]
                valid = False
            if not self.task_assignee_id.data:
                self.task_assignee_id.errors = [*self.task_assignee_id.errors, _("Vælg en medarbejder.")]
                valid = False
        return valid

    def service_data(self) -> dict:
        return {"kind": self.kind.data, "at": self.at.data,
                "contact_person_id": self.contact_person_id.data,
                "with_whom": self.with_whom.data, "summary": self.summary.data,
                "borger_id": self.borger_id.data}

    def follow_up_data(self) -> dict | None:
        if not self.follow_up.data:
            return None
        return {"title": self.task_title.data, "due": self.task_due.data,
                "assignee_id": self.task_assignee_id.data}


class TaskDoneForm(Form):
    """A bare CSRF-protected POST for the done/undone buttons."""


class StaleFilterForm(Form):
    class Meta:
        csrf = False

    konsulent = SelectField(_l("Virksomhedskonsulent"), validators=[Optional()])
    submit = SubmitField(_l("Vis"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.konsulent.choices = [SelectChoice("alle", _("Alle konsulenter"))] + konsulent_choices(empty=None)


class SaveFilterForm(Form):
    """Save the company list's current filters under a name (``query``: the list's query string)."""

    name = StringField(_l("Gem filtrene som"), validators=[
        DataRequired(message=_l("Giv filteret et navn.")), Length(max=80, message=_l("Højst 80 tegn."))])
    query = HiddenField()
