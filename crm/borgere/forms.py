import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.extensions import db
from crm.forms import Form, IdField, SubForm, VersionField, coerce_id, coerce_optional_id
from crm.models import Programme, User
from crm.models.borger import PHASE_LABELS, SHAREABLE_FIELDS, STAGE_LABELS, TRANSPORT_LABELS, Stage
from crm.models.company import CONTACT_KIND_LABELS
from crm.models.user import Role
from crm.services.borgere import FIRST_NAME_MAX, MAX_TRAVEL_MINUTES, MIN_TRAVEL_MINUTES, BorgerSearch
from crm.services.fields import MAX_HOURS_PER_WEEK
from crm.services.match_feedback import NOT_A_FIT_REASONS
from crm.services.matching import KIND_LABELS
from crm.services.outcomes import MANUAL_KINDS
from crm.services.reference import active_offer_tags, industries
from crm.sorting import danish

HOURS_MESSAGE = _l("Angiv mellem 0 og %(max)s timer.", max=MAX_HOURS_PER_WEEK)
TRAVEL_MESSAGE = _l("Angiv mellem %(min)s og %(max)s minutter.", min=MIN_TRAVEL_MINUTES, max=MAX_TRAVEL_MINUTES)


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _label(mapping, key) -> LazyString:
    """``mapping[key]`` looked up when shown, so a label reads in the reader's language."""
    return LazyString(lambda: str(mapping[key]))


def _choices(mapping) -> list[SelectChoice]:
    return [SelectChoice(str(key), _label(mapping, key)) for key in mapping]


class BorgerForm(Form):
    version = VersionField()
    first_name = StringField(_l("Fornavn eller initialer"), validators=[
        DataRequired(_l("Angiv fornavn eller initialer.")), Length(max=FIRST_NAME_MAX)])
    vejleder_id = SelectField(_l("Vejleder"), coerce=coerce_id)
    programme_id = SelectField(_l("Indsats"), validators=[Optional()])
    enrolled_on = DateField(_l("Indskrevet"), validators=[InputRequired(_l("Angiv en dato."))])
    phase = SelectField(_l("Fase"), choices=_choices(PHASE_LABELS))
    postcode = StringField(_l("Postnummer (bopæl)"), validators=[DataRequired(_l("Angiv et postnummer.")),
                                                              Length(max=4)])
    transport = SelectField(_l("Transport"), choices=_choices(TRANSPORT_LABELS))
    max_travel_minutes = IntegerField(_l("Højst rejsetid (minutter, én vej)"), validators=[
        InputRequired(_l("Angiv en rejsetid.")), NumberRange(MIN_TRAVEL_MINUTES, MAX_TRAVEL_MINUTES, TRAVEL_MESSAGE)])
    hours_min = DecimalField(_l("Timer om ugen nu, fra"), places=1, validators=[
        InputRequired(_l("Angiv timer.")), NumberRange(0, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    hours_max = DecimalField(_l("til"), places=1, validators=[
        InputRequired(_l("Angiv timer.")), NumberRange(0, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    wishes = TextAreaField(_l("Jobønsker (ét pr. linje)"), validators=[Length(max=2000)])
    strengths = TextAreaField(_l("Styrker (én pr. linje)"), validators=[Length(max=2000)])
    needs = CheckboxListField(_l("Behov for støtte på arbejdspladsen"))
    accepts = CheckboxListField(_l("Åben for (intet valgt = alle)"), choices=_choices(KIND_LABELS))
    excluded_industries = CheckboxListField(_l("Brancher borgeren ikke ønsker"))
    consent_to_propose = BooleanField(_l("Borgeren giver samtykke til at blive foreslået over for arbejdsgivere"))
    shared_fields = CheckboxListField(_l("Må deles med arbejdsgiveren"), choices=_choices(SHAREABLE_FIELDS))
    disclosure = RadioField(_l("Må arbejdsgiveren få at vide, at borgeren har en psykisk sygdom?"),
                            choices=[SelectChoice("nej", _l("Nej")), SelectChoice("ja", _l("Ja"))], default="nej")
    notes = TextAreaField(_l("Noter (ingen helbredsoplysninger)"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Gem"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vejledere = db.session.scalars(
            sa.select(User).where(User.role == Role.VEJLEDER, User.active).order_by(danish(User.name)))
        self.vejleder_id.choices = [SelectChoice(u.id, u.name) for u in vejledere]
        programmes = db.session.scalars(sa.select(Programme).order_by(danish(Programme.name)))
        self.programme_id.choices = [SelectChoice("", _l("— ingen —"))] + [
            SelectChoice(str(p.id), p.name) for p in programmes]
        self.needs.choices = [SelectChoice(t.code, t.shown_label) for t in active_offer_tags()]
        self.excluded_industries.choices = [SelectChoice(i.code, f"{i.code} – {i.shown_label}")
                                            for i in industries()]

    def service_data(self) -> dict:
        data = {name: field.data for name, field in self._fields.items()
                if name not in {"csrf_token", "submit", "version"}}
        data["disclosure"] = self.disclosure.data == "ja"
        return data


class BorgerSearchForm(SubForm):
    """The borger list's search, read from the query string (no CSRF: it changes nothing)."""

    q = StringField(_l("Søg (fornavn eller reference)"), validators=[
        Optional(), Length(max=200, message=_l("Skriv højst 200 tegn i søgefeltet."))])
    phase = SelectField(_l("Fase"), choices=[SelectChoice("", _l("Alle faser"))] + [
        SelectChoice(str(value), _label(PHASE_LABELS, value)) for value in PHASE_LABELS], validate_choice=False)
    programme = SelectField(_l("Indsats"), coerce=coerce_optional_id, validate_choice=False)

    def __init__(self, formdata, *, programmes, **kwargs):
        super().__init__(formdata, **kwargs)
        self.programme.choices = [SelectChoice("", _l("Alle indsatser"))] + [
            SelectChoice(p.id, p.name) for p in programmes]

    def to_search(self) -> BorgerSearch | None:
        """The validated search, or None (the messages are on the fields)."""
        if not self.validate():
            return None
        # An unknown phase in a bookmarked or tampered URL is ignored rather than refused.
        phase = self.phase.data if self.phase.data in PHASE_LABELS else None
        return BorgerSearch(q=(self.q.data or "").strip(), phase=phase,
                            programme_id=self.programme.data)


class MatchFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter, nothing changes

    kind = CheckboxListField(_l("Type"), choices=_choices(KIND_LABELS))
    max_km = IntegerField(_l("Højst afstand (km)"), validators=[Optional(), NumberRange(1, 300)])
    submit = SubmitField(_l("Filtrér"))


class TargetActionForm(Form):
    target = HiddenField(validators=[DataRequired()])


class ProposeForm(TargetActionForm):
    """The confirmation page's "Ja, foreslå": only a post carrying ``confirmed=ja`` proposes (the
    template writes the value; a default would fill it in for a post without it)."""

    confirmed = HiddenField()

    def is_confirmed(self) -> bool:
        return self.confirmed.data == "ja"


class NotAFitForm(Form):
    """"Passer ikke" on a match card: the target and why (one of ``NOT_A_FIT_REASONS``)."""

    target = HiddenField(validators=[DataRequired()])
    reason = SelectField(_l("Hvorfor?"), choices=_choices(NOT_A_FIT_REASONS),
                         validators=[DataRequired(_l("Vælg hvorfor matchet ikke passer."))])


class ExcludeCompanyForm(Form):
    company_id = IdField(validators=[DataRequired()])


class AdvanceForm(Form):
    stage = SelectField(_l("Næste trin"), choices=[SelectChoice(s.value, _label(STAGE_LABELS, s))
                                               for s in Stage if s != Stage.KORTLISTE])
    on_date = DateField(_l("Dato"), validators=[InputRequired(_l("Angiv en dato."))])
    hours_per_week = DecimalField(_l("Timer om ugen (ved job)"), places=1, validators=[
        Optional(), NumberRange(0, MAX_HOURS_PER_WEEK, HOURS_MESSAGE)])
    end_reason = StringField(_l("Årsag (ved afslutning)"), validators=[Length(max=200)])
    note = StringField(_l("Note"), validators=[Length(max=300)])
    log_contact = SelectField(_l("Log også en kontakt med virksomheden"), choices=[
        SelectChoice("", _l("— nej —")),
        *[SelectChoice(k.value, _label(CONTACT_KIND_LABELS, k)) for k in CONTACT_KIND_LABELS]])
    submit = SubmitField(_l("Gem trin"))


class OutcomeForm(Form):
    kind = SelectField(_l("Resultat"), choices=[SelectChoice(k.value, LazyString(lambda k=k: str(k.label)))
                                         for k in MANUAL_KINDS])
    on_date = DateField(_l("Dato"), validators=[InputRequired(_l("Angiv en dato."))])
    note = StringField(_l("Note"), validators=[Length(max=300)])
    submit = SubmitField(_l("Registrér"))


class EndCourseForm(Form):
    on_date = DateField(_l("Slutdato"), validators=[InputRequired(_l("Angiv en dato."))])
    reason = StringField(_l("Årsag"), validators=[DataRequired(_l("Angiv hvorfor forløbet slutter.")),
                                              Length(max=200)])
    submit = SubmitField(_l("Afslut forløbet"))


class ReassignForm(Form):
    """A teamleder hands the borger over to another vejleder."""

    vejleder_id = SelectField(_l("Ny vejleder"), coerce=coerce_id)
    version = VersionField()
    submit = SubmitField(_l("Overdrag"))

    def __init__(self, borger, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vejledere = db.session.scalars(
            sa.select(User).where(User.role == Role.VEJLEDER, User.active, User.id != borger.vejleder_id)
            .order_by(danish(User.name)))
        self.vejleder_id.choices = [SelectChoice(u.id, u.name) for u in vejledere]


class ReferralForm(Form):
    """Refer the borger for a period (programmes with a referral limit, e.g. Job in mind)."""

    starts_on = DateField(_l("Henvist fra"), validators=[InputRequired(_l("Angiv en dato."))])
    ends_on = DateField(_l("Henvist til"), validators=[Optional()])
    plan = StringField(_l("Plan"), validators=[Length(max=500)])
    submit = SubmitField(_l("Gem henvisning"))
