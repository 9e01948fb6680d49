"""Placeholder until the listing module lands."""

from crm.companies import bp  # noqa: F401
