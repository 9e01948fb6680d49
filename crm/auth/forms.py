from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired("Angiv din e-mail."), Length(max=254)])
    password = PasswordField("Adgangskode", validators=[DataRequired("Angiv din adgangskode.")])
    submit = SubmitField("Log ind")


class LogoutForm(FlaskForm):
    submit = SubmitField("Log ud")
