"""Portal forms: the company's public profile, answers to proposals and the invitation page."""

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
    phone = StringField("Telefon", validators=[Optional(), Length(max=PHONE_MAX)])
    email = EmailField("E-mail", validators=[Optional(), Email("Angiv en gyldig e-mailadresse."),
                                             Length(max=EMAIL_MAX)])
    website = StringField("Hjemmeside", validators=[Optional(), Length(max=WEBSITE_MAX)])
    description = TextAreaField("Kort beskrivelse af virksomheden", validators=[Optional(), Length(max=LONG_TEXT_MAX)])
    offers = CheckboxListField("Hvad arbejdspladsen kan tilbyde")
    version = VersionField()
    submit = SubmitField("Gem profilen")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers.choices = [SelectChoice(t.code, t.label) for t in active_offer_tags()]

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

    answer = StringField("Jeres svar", validators=[DataRequired("Vælg et svar.")])
    # Optional, with "ikke lige nu" only (``match_feedback.NOT_NOW_REASONS``).
    reason = StringField("Hvis ikke lige nu: hvorfor? (valgfrit)", validators=[Optional(), Length(max=20)])


class AcceptInvitationForm(Form):
    name = StringField("Dit navn", validators=[DataRequired("Angiv dit navn."), Length(max=PERSON_MAX)])
    password = PasswordField("Vælg en adgangskode", validators=[DataRequired("Vælg en adgangskode.")])
    confirm = PasswordField("Gentag adgangskoden",
                            validators=[DataRequired("Gentag adgangskoden."),
                                        EqualTo("password", "De to adgangskoder er ikke ens.")])
    submit = SubmitField("Opret adgang")
