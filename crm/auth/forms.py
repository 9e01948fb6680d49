from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length

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
