import sqlalchemy as sa
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from crm.extensions import db
from crm.forms import Form, coerce_optional_id
from crm.models import Company, Programme
from crm.models.user import ROLE_LABELS
from crm.openings.forms import CheckboxListField
from crm.sorting import danish


def _company_choices() -> list[SelectChoice]:
    rows = db.session.execute(sa.select(Company.id, Company.name, Company.city).order_by(danish(Company.name)))
    return [SelectChoice("", "— ingen —")] + [
        SelectChoice(str(cid), f"{name} ({city})") for cid, name, city in rows
    ]


class UserForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Angiv en e-mail."), Length(max=254)])
    name = StringField("Navn", validators=[DataRequired("Angiv et navn."), Length(max=120)])
    phone = StringField("Telefon (vises for arbejdsgivere, hvis brugeren er konsulent)",
                        validators=[Optional(), Length(max=40)])
    role = SelectField("Rolle", choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    company_id = SelectField("Virksomhed (kun arbejdsgivere)", coerce=coerce_optional_id,
                             validators=[Optional()])
    led_programme_ids = CheckboxListField("Leder indsatserne (kun teamledere)", coerce=int)
    active = BooleanField("Aktiv", default=True)
    submit = SubmitField("Gem")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.company_id.choices = _company_choices()
        self.led_programme_ids.choices = [
            SelectChoice(pid, name) for pid, name in db.session.execute(
                sa.select(Programme.id, Programme.name).order_by(danish(Programme.name)))]


class NewUserForm(UserForm):
    password = PasswordField("Adgangskode", validators=[DataRequired("Angiv en adgangskode.")])
    password2 = PasswordField(
        "Gentag adgangskode", validators=[EqualTo("password", "Adgangskoderne er ikke ens.")]
    )


class PasswordResetForm(Form):
    password = PasswordField("Ny adgangskode", validators=[DataRequired("Angiv en adgangskode.")])
    password2 = PasswordField(
        "Gentag ny adgangskode", validators=[EqualTo("password", "Adgangskoderne er ikke ens.")]
    )
    submit = SubmitField("Sæt ny adgangskode")
