"""Placeholder until the routes module lands."""

from crm.companies import bp  # noqa: F401
