"""Forms for openings (shared by the konsulent pages and the employer portal) and portal access."""

from flask_babel import lazy_gettext as _l
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
from crm.i18n import DEFAULT_LANGUAGE, LANGUAGES
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

DATE_MESSAGE = _l("Angiv en dato (åååå-mm-dd).")
HOURS_MESSAGE = _l("Angiv et antal timer om ugen.")


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
    title = StringField(_l("Titel"),
                        validators=[DataRequired(_l("Angiv stillingens titel.")), Length(max=TITLE_MAX)])
    occupation = StringField(_l("Stillingsbetegnelse"), validators=[Optional(), Length(max=TITLE_MAX)],
                             render_kw={"list": "occupation-titles", "autocomplete": "off"})
    kind = SelectField(_l("Type"), choices=kind_choices())
    status = SelectField(_l("Status"), choices=status_choices())
    description = TextAreaField(_l("Beskrivelse"), validators=[Optional(), Length(max=LONG_TEXT_MAX)])
    hours_min = DecimalField(_l("Timer om ugen, fra"), places=None, validators=[
        DataRequired(HOURS_MESSAGE), NumberRange(1, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    hours_max = DecimalField(_l("Timer om ugen, til"), places=None, validators=[
        DataRequired(HOURS_MESSAGE), NumberRange(1, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    low_hour_start = BooleanField(_l("Kan starte med få timer og trappe op"))
    start_date = DateField(_l("Start"), validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    apply_by = DateField(_l("Ansøgningsfrist"), validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    places = IntegerField(_l("Antal pladser"), default=1,
                          validators=[DataRequired(_l("Angiv et antal pladser.")),
                                      NumberRange(1, MAX_PLACES, _l("Antal pladser skal være mellem 1 og %(max)s.",
                                                                    max=MAX_PLACES))])
    skills = TextAreaField(_l("Ønskede kompetencer (én pr. linje)"), validators=[Optional(), Length(max=2000)])
    offers = CheckboxListField(_l("Hvad arbejdspladsen kan tilbyde"))
    address = StringField(_l("Arbejdssted, adresse"), validators=[Optional(), Length(max=ADDRESS_MAX)])
    postcode = StringField(_l("Arbejdssted, postnummer"), validators=[Optional(), Length(max=POSTCODE_MAX)])
    city = StringField(_l("Arbejdssted, by"), validators=[Optional(), Length(max=CITY_MAX)])
    version = VersionField()
    submit = SubmitField(_l("Gem"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers.choices = [SelectChoice(t.code, t.shown_label) for t in active_offer_tags()]

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
    status = SelectField(_l("Ny status"), choices=status_choices())
    submit = SubmitField(_l("Skift status"))


class ActionForm(Form):
    """A bare CSRF-protected POST (confirm, revoke)."""


class FilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Søg (titel eller virksomhed)"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=status_choices(empty=_l("Alle")), validators=[Optional()])
    kind = SelectField(_l("Type"), choices=kind_choices(empty=_l("Alle")), validators=[Optional()])
    stale = BooleanField(_l("Kun dem, der skal bekræftes"))
    submit = SubmitField(_l("Vis"))


class InvitationForm(Form):
    contact_person_id = SelectField(_l("Kontaktperson"), validators=[Optional()])
    name = StringField(_l("Navn"), validators=[Optional(), Length(max=PERSON_MAX)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(_l("Angiv en gyldig e-mailadresse.")),
                                                 Length(max=EMAIL_MAX)])
    language = SelectField(_l("Sprog for invitationen"), default=DEFAULT_LANGUAGE,
                           choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])
    submit = SubmitField(_l("Send invitation"))

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = company.contacts if company is not None else []
        self.contact_person_id.choices = [SelectChoice("", _l("— vælg eller skriv nedenfor —"))] + [
            SelectChoice(str(p.id), f"{p.name}{' <' + p.email + '>' if p.email else ''}") for p in people]
