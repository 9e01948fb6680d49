"""Account page forms: one kind of the daily digest on or off; the calendar feed's buttons."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired

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
