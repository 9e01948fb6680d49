"""The request class: every query parameter and form value arrives without control characters.

This is the one place all text input passes through (forms, ``request.args.get``, uploaded file
names), so NUL, which PostgreSQL refuses in text, can never reach the database, and no view has
to remember to clean it. Tab, line feed and carriage return stay (text areas keep their lines;
one-line form fields turn them into spaces, see ``crm.forms``).
"""

from flask import Request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, ValidationError

from crm.validators import MAX_DB_INTEGER, strip_control_characters


def _clean(value):
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = strip_control_characters(value.filename, keep="")
    return value


class CleanMultiDict(ImmutableMultiDict):
    """An ImmutableMultiDict whose keys and string values have their control characters taken out."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            items = mapping.items(multi=True)
        elif isinstance(mapping, dict):  # a list or tuple value holds several values
            items = [(key, value) for key, values in mapping.items()
                     for value in (values if isinstance(values, (list, tuple)) else [values])]
        else:
            items = mapping
        super().__init__([(strip_control_characters(key), _clean(value)) for key, value in items])


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict


class IdConverter(IntegerConverter):
    """``<int:…>`` in a URL: a number an INTEGER column can hold, else the URL matches no route
    (404) instead of overflowing the database driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_INTEGER)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)
