"""Portal forms: the company's public profile, answers to proposals and the invitation page."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from crm.forms import Form, VersionField
from crm.openings.forms import CheckboxListField
from crm.services.fields import EMAIL_MAX, LONG_TEXT_MAX, PERSON_MAX, PHONE_MAX, WEBSITE_MAX
from crm.services.reference import active_offer_tags

# What an employer may change on its company's profile (the rest is the konsulent's register).
PUBLIC_PROFILE_FIELDS = ("phone", "email", "website", "description")


class ProfileForm(Form):
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=PHONE_MAX)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(_l("Angiv en gyldig e-mailadresse.")),
                                             Length(max=EMAIL_MAX)])
    website = StringField(_l("Hjemmeside"), validators=[Optional(), Length(max=WEBSITE_MAX)])
    description = TextAreaField(_l("Kort beskrivelse af virksomheden"),
                                validators=[Optional(), Length(max=LONG_TEXT_MAX)])
    offers = CheckboxListField(_l("Hvad arbejdspladsen kan tilbyde"))
    version = VersionField()
    submit = SubmitField(_l("Gem profilen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers.choices = [SelectChoice(t.code, t.shown_label) for t in active_offer_tags()]

    def fill_from(self, company) -> None:
        for name in PUBLIC_PROFILE_FIELDS:
            self[name].data = getattr(company, name)
        self.offers.data = sorted(company.offer_codes)
        self.version.data = company.version

    def expected_version(self) -> int:
        return self.version.expected

    def service_data(self) -> dict:
        data = {name: self[name].data or "" for name in PUBLIC_PROFILE_FIELDS}
        data["offers"] = list(self.offers.data or [])
        return data


class AnswerForm(Form):
    """One button per answer (``ANSWER_LABELS``); the button pressed sets ``answer``."""

    answer = StringField(_l("Jeres svar"), validators=[DataRequired(_l("Vælg et svar."))])
    # Optional, with "ikke lige nu" only (``match_feedback.NOT_NOW_REASONS``).
    reason = StringField(_l("Hvis ikke lige nu: hvorfor? (valgfrit)"), validators=[Optional(), Length(max=20)])


class AcceptInvitationForm(Form):
    name = StringField(_l("Dit navn"), validators=[DataRequired(_l("Angiv dit navn.")), Length(max=PERSON_MAX)])
    password = PasswordField(_l("Vælg en adgangskode"), validators=[DataRequired(_l("Vælg en adgangskode."))])
    confirm = PasswordField(_l("Gentag adgangskoden"),
                            validators=[DataRequired(_l("Gentag adgangskoden.")),
                                        EqualTo("password", _l("De to adgangskoder er ikke ens."))])
    submit = SubmitField(_l("Opret adgang"))
