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


class ApiTokenForm(Form):
    """A new personal access token; the password (and the second factor, where the user has one)
    is asked again, as making a key that outlives the session is a sensitive act."""

    name = StringField("Navn (hvad nøglen bruges til)",
                       validators=[DataRequired("Giv nøglen et navn."), Length(max=80)])
    scopes = SelectMultipleField("Områder", widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput(),
                                 validators=[DataRequired("Vælg mindst ét område.")])
    days = IntegerField("Gyldig i dage", default=90, validators=[
        DataRequired("Angiv en levetid i dage."), NumberRange(min=1, max=365, message="Angiv mellem 1 og 365 dage.")])
    password = PasswordField("Din adgangskode", validators=[DataRequired("Angiv din adgangskode.")])
    code = StringField("Kode fra din godkendelses-app (eller en gendannelseskode)", validators=[Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Lav nøgle")


class RevokeTokenForm(Form):
    submit = SubmitField("Tilbagekald")
