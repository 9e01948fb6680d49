from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired("Angiv din e-mail."), Length(max=254)])
    password = PasswordField("Adgangskode", validators=[DataRequired("Angiv din adgangskode.")])
    submit = SubmitField("Log ind")


class LogoutForm(FlaskForm):
    submit = SubmitField("Log ud")


class SecondFactorForm(FlaskForm):
    code = StringField("Kode fra din godkendelses-app (eller en gendannelseskode)",
                       validators=[DataRequired("Angiv koden."), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Bekræft")


class SecondFactorSetupForm(FlaskForm):
    code = StringField("Kode fra din godkendelses-app", validators=[DataRequired("Angiv koden."), Length(max=6)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Slå totrinsbekræftelse til")


class RecoveryCodesForm(FlaskForm):
    confirm = HiddenField(default="1")
    submit = SubmitField("Lav nye gendannelseskoder")
