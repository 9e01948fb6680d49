"""Placeholder until the importing module lands."""

from crm.companies import bp  # noqa: F401
