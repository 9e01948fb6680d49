"""Account page forms: one kind of the daily digest on or off; the calendar feed's buttons; API tokens."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, PasswordField, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange

from crm.auth.forms import CODE_LABEL
from crm.forms import ActionForm, Form
from crm.models import DigestKind


class DigestKindForm(Form):
    """One button per kind: ``kind`` (a DigestKind value) and ``enabled`` ("1" on, "0" off)."""

    kind = HiddenField(validators=[DataRequired(_l("Vælg, hvad der skal slås til eller fra.")),
                                   AnyOf([k.value for k in DigestKind], message=_l("Ukendt slags påmindelse."))])
    enabled = HiddenField(validators=[DataRequired(_l("Vælg til eller fra.")),
                                      AnyOf(["0", "1"], message=_l("Vælg til eller fra."))])


class FeedForm(ActionForm):
    """Make (or make anew) or revoke the calendar feed's URL."""


class UnsubscribeForm(ActionForm):
    """Confirm the unsubscribe link (a GET alone changes nothing: mail scanners open links)."""


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
