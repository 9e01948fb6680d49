from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from crm.forms import Form


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Angiv din e-mail."), Length(max=254)])
    password = PasswordField("Adgangskode", validators=[DataRequired("Angiv din adgangskode.")])
    submit = SubmitField("Log ind")


class LogoutForm(Form):
    submit = SubmitField("Log ud")


class SecondFactorForm(Form):
    code = StringField("Kode fra din godkendelses-app (eller en gendannelseskode)",
                       validators=[DataRequired("Angiv koden."), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Bekræft")


class SecondFactorSetupForm(Form):
    code = StringField("Kode fra din godkendelses-app", validators=[DataRequired("Angiv koden."), Length(max=6)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Slå totrinsbekræftelse til")


class RecoveryCodesForm(Form):
    confirm = HiddenField(default="1")
    submit = SubmitField("Lav nye gendannelseskoder")
