from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.borgere.forms import CheckboxListField
from crm.forms import Form, IdField, SubForm
from crm.services.contracts import MAX_AMOUNT, MAX_CAP, evidence_choices

EMPTY_RULE_ROWS = 2


class RuleForm(SubForm):
    """One payment rule; a row without a label is ignored."""

    label = StringField(_l("Resultat der betales for"), validators=[Optional(), Length(max=160)])
    amount = IntegerField(_l("Beløb pr. borger (kr.)"), validators=[Optional(), NumberRange(1, MAX_AMOUNT,
                                                                _l("Mellem 1 og 100.000.000 kr."))])
    cap = IntegerField(_l("Loft (antal resultater)"), validators=[Optional(), NumberRange(1, MAX_CAP,
                                                            _l("Et helt antal over 0."))])
    deadline = DateField(_l("Frist"), validators=[Optional()])
    evidence = CheckboxListField(_l("Dokumenteres af (hændelser)"), validators=[Optional()])
    verifier = StringField(_l("Verificeres af"), validators=[Optional(), Length(max=120)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence.choices = evidence_choices()


class ContractForm(Form):
    municipality = StringField(_l("Myndighed"), validators=[DataRequired(_l("Angiv kommunen.")), Length(max=120)])
    investor = StringField(_l("Investor"), validators=[DataRequired(_l("Angiv investoren.")), Length(max=120)])
    operator = StringField(_l("Leverandør"), validators=[DataRequired(_l("Angiv leverandøren.")), Length(max=120)])
    starts_on = DateField(_l("Start"), validators=[DataRequired(_l("Angiv startdatoen."))])
    ends_on = DateField(_l("Slut"), validators=[DataRequired(_l("Angiv slutdatoen."))])
    investment = IntegerField(_l("Investering (kr.)"), validators=[
        DataRequired(_l("Angiv investeringen.")), NumberRange(1, MAX_AMOUNT, _l("Mellem 1 og 100.000.000 kr."))])
    rules = FieldList(FormField(RuleForm), min_entries=1)
    submit = SubmitField(_l("Gem kontrakten"))

    def service_data(self) -> dict:
        return {
            "municipality": self.municipality.data,
            "investor": self.investor.data,
            "operator": self.operator.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "investment": self.investment.data,
            "rules": [{key: getattr(r.form, key).data for key in
                       ("label", "amount", "cap", "deadline", "evidence", "verifier")} for r in self.rules],
        }


class VerifyForm(Form):
    rule_id = IdField()
    borger_id = IdField()
    note = StringField(_l("Bemærkning (fx hvilket bilag)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Verificér"))


class PaymentForm(Form):
    invoice_id = IdField()
    submit = SubmitField(_l("Registrér betaling"))
