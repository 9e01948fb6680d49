"""Service layer: the only door to writing data. Views and CLI commands call these functions;
they validate, add/flush and audit. The caller (request or CLI command) commits once.

A message is worded when raised (``gettext``), so it is in the language of the request."""

from flask_babel import gettext


class ServiceError(Exception):
    """Base for errors a service reports to its caller with a Danish message."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ServiceError):
    """The input is not acceptable; ``field`` names the form field when there is one."""


class NotAuthorized(Exception):  # noqa: N818 - the name CKAN's actions use
    """The acting user may not do this (``crm.permissions.require``). Not a ServiceError: no form
    shows it; it reaches the request's error handler and answers 403."""

    def __init__(self, message: str | None = None):
        message = message or gettext("Du har ikke adgang til at gøre dette.")
        super().__init__(message)
        self.message = message


class ConflictError(ServiceError):
    """The record changed since the user loaded it (optimistic locking); nothing was written."""
