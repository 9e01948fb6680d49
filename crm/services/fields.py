"""Text fields: how long each may be, and the one check of a text value, shared by forms and services.

A form's ``Length(max=…)`` and the service behind it name the same constant, so the limit the user
is told about is the limit the service (and the CLI, the import) enforces.
"""

from flask_babel import gettext as _

from crm.services import ValidationError

#: An e-mail address: the longest a mail server accepts as a path (RFC 5321).
EMAIL_MAX = 254
PHONE_MAX = 40
ADDRESS_MAX = 200
CITY_MAX = 100
POSTCODE_MAX = 4
WEBSITE_MAX = 200
#: A company's or an opening's name or title, a task's title, a log entry's "with whom".
TITLE_MAX = 200
#: A person's name or role (contact persons, invited employers).
PERSON_MAX = 120
INDUSTRY_TEXT_MAX = 120
#: Free text: a description, a contact's summary, a task's note.
LONG_TEXT_MAX = 5000
AGREEMENT_NOTE_MAX = 2000
#: Hours a week, for what a borger can manage and what an opening asks alike.
MAX_HOURS_PER_WEEK = 60


def clean_text(data: dict, key: str, *, max_length: int, required=None) -> str:
    """``data[key]`` stripped ("" when missing); ValidationError on the field when it is longer than
    ``max_length`` characters, or empty although ``required`` (the message to show then; a lazy
    text is translated only then, which an import checking many rows notices)."""
    value = (data.get(key) or "").strip()
    if required is not None and not value:
        raise ValidationError(str(required), field=key)
    if len(value) > max_length:
        raise ValidationError(_("Højst %(limit)s tegn.", limit=max_length), field=key)
    return value
