"""Danish numbers (crm.formatting) and calendar months (crm.timeutil.add_months)."""

from datetime import date

import pytest

from crm.formatting import format_number
from crm.timeutil import add_months


@pytest.mark.parametrize("value, decimals, text", [
    (20, None, "20"),
    (20.0, None, "20"),
    (7.5, None, "7,5"),
    (1234, None, "1.234"),
    (50_000, None, "50.000"),
    (1234.5, None, "1.234,5"),
    (3.04, 1, "3,0"),
    (12.345, 2, "12,35"),
    (0.1 + 0.2, None, "0,3"),
])
def test_danish_number_puts_points_between_thousands_and_a_decimal_comma(value, decimals, text):
    assert format_number(value, decimals) == text


def test_the_number_filter_is_the_same_formatter(app):
    assert app.jinja_env.filters["number"] is format_number


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 3, 10), 1, date(2026, 4, 10)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 1), 2, date(2027, 1, 1)),
    (date(2026, 1, 1), -1, date(2025, 12, 1)),
    (date(2026, 3, 31), -13, date(2025, 2, 28)),
])
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected
