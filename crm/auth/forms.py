from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange

from crm.forms import Form

CODE_LABEL = _l("Kode fra din godkendelses-app (eller en gendannelseskode)")


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Angiv din e-mail.")), Length(max=254)])
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(_l("Angiv din adgangskode."))])
    submit = SubmitField(_l("Log ind"))


class LogoutForm(Form):
    submit = SubmitField(_l("Log ud"))


class SecondFactorForm(Form):
    code = StringField(CODE_LABEL, validators=[DataRequired(_l("Angiv koden.")), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Bekræft"))


class SecondFactorSetupForm(Form):
    code = StringField(_l("Kode fra din godkendelses-app"),
                       validators=[DataRequired(_l("Angiv koden.")), Length(max=6)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Slå totrinsbekræftelse til"))


class RecoveryCodesForm(Form):
    confirm = HiddenField(default="1")
    submit = SubmitField(_l("Lav nye gendannelseskoder"))


class ApiTokenForm(Form):
    """A new personal access token; the password (and the second factor, where the user has one)
    is asked again, as making a key that outlives the session is a sensitive act."""

    name = StringField(_l("Navn (hvad nøglen bruges til)"),
                       validators=[DataRequired(_l("Giv nøglen et navn.")), Length(max=80)])
    scopes = SelectMultipleField(_l("Områder"), widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput(),
                                 validators=[DataRequired(_l("Vælg mindst ét område."))])
    days = IntegerField(_l("Gyldig i dage"), default=90, validators=[
        DataRequired(_l("Angiv en levetid i dage.")),
        NumberRange(min=1, max=365, message=_l("Angiv mellem 1 og 365 dage."))])
    password = PasswordField(_l("Din adgangskode"), validators=[DataRequired(_l("Angiv din adgangskode."))])
    code = StringField(CODE_LABEL, validators=[Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Lav nøgle"))


class RevokeTokenForm(Form):
    submit = SubmitField(_l("Tilbagekald"))
