import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from crm.extensions import db
from crm.forms import Form, SubForm, coerce_optional_id
from crm.models import Company, Programme, User
from crm.models.user import ROLE_LABELS
from crm.openings.forms import CheckboxListField
from crm.services import ValidationError
from crm.services.audit import ACTION_LABELS
from crm.services.audit_log import (
    MAX_SEARCH_CHARS,
    AuditFilter,
    check_period,
    find_borger_id,
    find_company_ids,
)
from crm.sorting import danish, danish_key


def _company_choices() -> list[SelectChoice]:
    rows = db.session.execute(sa.select(Company.id, Company.name, Company.city).order_by(danish(Company.name)))
    return [SelectChoice("", _l("— ingen —"))] + [
        SelectChoice(str(cid), f"{name} ({city})") for cid, name, city in rows
    ]


class UserForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Angiv en e-mail.")), Length(max=254)])
    name = StringField(_l("Navn"), validators=[DataRequired(_l("Angiv et navn.")), Length(max=120)])
    phone = StringField(_l("Telefon (vises for arbejdsgivere, hvis brugeren er konsulent)"),
                        validators=[Optional(), Length(max=40)])
    role = SelectField(_l("Rolle"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    company_id = SelectField(_l("Virksomhed (kun arbejdsgivere)"), coerce=coerce_optional_id,
                             validators=[Optional()])
    led_programme_ids = CheckboxListField(_l("Leder indsatserne (kun teamledere)"), coerce=int)
    active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Gem"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.company_id.choices = _company_choices()
        self.led_programme_ids.choices = [
            SelectChoice(pid, name) for pid, name in db.session.execute(
                sa.select(Programme.id, Programme.name).order_by(danish(Programme.name)))]


class NewUserForm(UserForm):
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(_l("Angiv en adgangskode."))])
    password2 = PasswordField(
        _l("Gentag adgangskode"), validators=[EqualTo("password", _l("Adgangskoderne er ikke ens."))]
    )


class PasswordResetForm(Form):
    password = PasswordField(_l("Ny adgangskode"), validators=[DataRequired(_l("Angiv en adgangskode."))])
    password2 = PasswordField(
        _l("Gentag ny adgangskode"), validators=[EqualTo("password", _l("Adgangskoderne er ikke ens."))]
    )
    submit = SubmitField(_l("Sæt ny adgangskode"))


class AuditFilterForm(SubForm):
    """The revision log's filters, read from the query string (no CSRF: it changes nothing)."""

    FIELDS = ("user", "borger", "company", "action", "since", "until")

    user = SelectField(_l("Bruger"), coerce=coerce_optional_id)
    borger = StringField(_l("Borger (reference)"), validators=[Optional(), Length(max=MAX_SEARCH_CHARS)])
    company = StringField(_l("Virksomhed (navn eller CVR)"), validators=[Optional(), Length(max=MAX_SEARCH_CHARS)])
    action = SelectField(_l("Handling"), default="")
    since = DateField(_l("Fra dato"), validators=[Optional()])
    until = DateField(_l("Til dato"), validators=[Optional()])

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        users = db.session.execute(sa.select(User.id, User.name, User.role).order_by(danish(User.name)))
        self.user.choices = [SelectChoice("", _l("Alle"))] + [
            SelectChoice(str(uid), f"{name} ({ROLE_LABELS.get(role, role)})") for uid, name, role in users]
        self.action.choices = [SelectChoice("", _l("Alle"))] + [
            SelectChoice(code, label)
            for code, label in sorted(ACTION_LABELS.items(), key=lambda i: danish_key(str(i[1])))]

    def to_filter(self) -> AuditFilter | None:
        """The validated filters, or None (the messages are on the fields)."""
        if not self.validate():
            return None
        values = {"user_id": self.user.data, "action": self.action.data or None,
                  "since": self.since.data, "until": self.until.data}
        for name, find, key in (("borger", find_borger_id, "borger_id"), ("company", find_company_ids, "company_ids")):
            text = (getattr(self, name).data or "").strip()
            if not text:
                continue
            try:
                values[key] = find(text)
            except ValidationError as exc:
                getattr(self, name).errors = [*getattr(self, name).errors, exc.message]
        try:
            check_period(self.since.data, self.until.data)
        except ValidationError as exc:
            self.until.errors = [*self.until.errors, exc.message]
        if any(f.errors for f in self):
            return None
        return AuditFilter(**values)
