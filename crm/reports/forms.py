from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from wtforms import (
    DateField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.forms import Form, SubForm
from crm.models.programme import DEFAULT_CASELOAD_NORM
from crm.services.programmes import GOAL_KINDS, outcome_choices

EMPTY_TARGET_ROWS = 3


class TargetForm(SubForm):
    """One target row; a row with no outcome chosen is ignored."""

    outcome = SelectField(_l("Resultat"), validators=[Optional()])
    title = StringField(_l("Betegnelse"), validators=[Optional(), Length(max=120)])
    goal_kind = SelectField(_l("Måltype"), choices=[SelectChoice(k, v) for k, v in GOAL_KINDS.items()])
    goal = FloatField(validators=[Optional()])  # labelled in __init__: "Mål" as the goal, not the target

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal.label.text = pgettext("goal", "Mål")
        self.outcome.choices = [SelectChoice("", _l("— intet mål —"))] + [
            SelectChoice(code, label) for code, label in outcome_choices()
        ]


class ProgrammeForm(Form):
    name = StringField(_l("Navn"), validators=[DataRequired(_l("Angiv indsatsens navn.")), Length(max=120)])
    municipality = StringField(_l("Kommune"), validators=[Optional(), Length(max=80)])
    starts_on = DateField(_l("Start"), validators=[Optional()])
    ends_on = DateField(_l("Slut"), validators=[Optional()])
    target_group = TextAreaField(_l("Målgruppe"), validators=[Optional()])
    caseload_norm = IntegerField(
        _l("Norm for sagsstamme (borgere pr. vejleder)"),
        default=DEFAULT_CASELOAD_NORM,
        validators=[DataRequired(_l("Angiv normen.")), NumberRange(1, 40, _l("Mellem 1 og 40."))],
    )
    targets = FieldList(FormField(TargetForm), min_entries=EMPTY_TARGET_ROWS)
    submit = SubmitField(_l("Gem"))

    def service_data(self) -> dict:
        return {
            "name": self.name.data,
            "municipality": self.municipality.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "target_group": self.target_group.data,
            "caseload_norm": self.caseload_norm.data,
            "targets": [
                {
                    "outcome": t.form.outcome.data,
                    "label": t.form.title.data,
                    "goal_kind": t.form.goal_kind.data,
                    "goal": t.form.goal.data,
                }
                for t in self.targets
            ],
        }
