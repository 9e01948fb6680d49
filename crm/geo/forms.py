from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from crm.forms import Form
from crm.services import ValidationError as ServiceValidationError
from crm.services.geocoding import lookup_postcode


class AddressFormMixin:
    """Street, postcode and city fields; the postcode must be a real Danish one."""

    street = StringField(_l("Adresse"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postnummer"), validators=[DataRequired(_l("Angiv et postnummer.")), Length(max=4)])
    city = StringField(_l("By"), validators=[Optional(), Length(max=100)])

    def validate_postcode(self, field):
        try:
            place = lookup_postcode(field.data)
        except ServiceValidationError as exc:
            raise ValidationError(exc.message) from None
        if not self.city.data:
            self.city.data = place.city


class AddressLookupForm(AddressFormMixin, Form):
    submit = SubmitField(_l("Slå op"))
