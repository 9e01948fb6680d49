"""Forms for openings (shared by the konsulent pages and the employer portal) and portal access."""

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from crm.forms import Form, VersionField
from crm.models.opening import OPENING_KIND_LABELS, OPENING_STATUS_LABELS
from crm.services.fields import (
    ADDRESS_MAX,
    CITY_MAX,
    EMAIL_MAX,
    LONG_TEXT_MAX,
    MAX_HOURS_PER_WEEK,
    PERSON_MAX,
    POSTCODE_MAX,
    TITLE_MAX,
)
from crm.services.openings import MAX_PLACES
from crm.services.reference import active_offer_tags

DATE_MESSAGE = "Angiv en dato (åååå-mm-dd)."
HOURS_MESSAGE = "Angiv et antal timer om ugen."


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def kind_choices(*, empty: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", empty)] if empty else []
    return head + [SelectChoice(k.value, label) for k, label in OPENING_KIND_LABELS.items()]


def status_choices(*, empty: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", empty)] if empty else []
    return head + [SelectChoice(s.value, label) for s, label in OPENING_STATUS_LABELS.items()]


class OpeningForm(Form):
    title = StringField("Titel", validators=[DataRequired("Angiv stillingens titel."), Length(max=TITLE_MAX)])
    occupation = StringField("Stillingsbetegnelse", validators=[Optional(), Length(max=TITLE_MAX)],
                             render_kw={"list": "occupation-titles", "autocomplete": "off"})
    kind = SelectField("Type", choices=kind_choices())
    status = SelectField("Status", choices=status_choices())
    description = TextAreaField("Beskrivelse", validators=[Optional(), Length(max=LONG_TEXT_MAX)])
    hours_min = DecimalField("Timer om ugen, fra", places=None, validators=[
        DataRequired(HOURS_MESSAGE), NumberRange(1, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    hours_max = DecimalField("Timer om ugen, til", places=None, validators=[
        DataRequired(HOURS_MESSAGE), NumberRange(1, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    low_hour_start = BooleanField("Kan starte med få timer og trappe op")
    start_date = DateField("Start", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    apply_by = DateField("Ansøgningsfrist", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    places = IntegerField("Antal pladser", default=1,
                          validators=[DataRequired("Angiv et antal pladser."),
                                      NumberRange(1, MAX_PLACES, f"Antal pladser skal være mellem 1 og {MAX_PLACES}.")])
    skills = TextAreaField("Ønskede kompetencer (én pr. linje)", validators=[Optional(), Length(max=2000)])
    offers = CheckboxListField("Hvad arbejdspladsen kan tilbyde")
    address = StringField("Arbejdssted, adresse", validators=[Optional(), Length(max=ADDRESS_MAX)])
    postcode = StringField("Arbejdssted, postnummer", validators=[Optional(), Length(max=POSTCODE_MAX)])
    city = StringField("Arbejdssted, by", validators=[Optional(), Length(max=CITY_MAX)])
    version = VersionField()
    submit = SubmitField("Gem")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers.choices = [SelectChoice(t.code, t.label) for t in active_offer_tags()]

    def fill_from(self, opening=None, *, company=None) -> None:
        """Show an opening's saved values, or a new opening's defaults from its company."""
        if opening is None:
            self.status.data = "aaben"
            self.kind.data = "job"
            self.places.data = 1
            self.offers.data = sorted(company.offer_codes)
            return
        for name in ("title", "occupation", "kind", "status", "description", "low_hour_start",
                     "start_date", "apply_by", "places", "address", "postcode", "city"):
            self[name].data = getattr(opening, name)
        self.hours_min.data = opening.hours_min
        self.hours_max.data = opening.hours_max
        self.skills.data = "\n".join(opening.skills or [])
        self.offers.data = list(opening.offers or [])
        self.version.data = opening.version

    def expected_version(self) -> int:
        return self.version.expected

    def service_data(self) -> dict:
        data = {name: self[name].data for name in (
            "title", "occupation", "kind", "status", "description", "low_hour_start", "start_date",
            "apply_by", "places", "skills", "address", "postcode", "city")}
        data["hours_min"] = float(self.hours_min.data) if self.hours_min.data is not None else None
        data["hours_max"] = float(self.hours_max.data) if self.hours_max.data is not None else None
        data["offers"] = list(self.offers.data or [])
        return data


class StatusForm(Form):
    status = SelectField("Ny status", choices=status_choices())
    submit = SubmitField("Skift status")


class ActionForm(Form):
    """A bare CSRF-protected POST (confirm, revoke)."""


class FilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("Søg (titel eller virksomhed)", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", choices=status_choices(empty="Alle"), validators=[Optional()])
    kind = SelectField("Type", choices=kind_choices(empty="Alle"), validators=[Optional()])
    stale = BooleanField("Kun dem, der skal bekræftes")
    submit = SubmitField("Vis")


class InvitationForm(Form):
    contact_person_id = SelectField("Kontaktperson", validators=[Optional()])
    name = StringField("Navn", validators=[Optional(), Length(max=PERSON_MAX)])
    email = EmailField("E-mail", validators=[Optional(), Email("Angiv en gyldig e-mailadresse."),
                                             Length(max=EMAIL_MAX)])
    submit = SubmitField("Send invitation")

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = company.contacts if company is not None else []
        self.contact_person_id.choices = [SelectChoice("", "— vælg eller skriv nedenfor —")] + [
            SelectChoice(str(p.id), f"{p.name}{' <' + p.email + '>' if p.email else ''}") for p in people]
