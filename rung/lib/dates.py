"""Dates spelled out in English, the same on every server.

`strftime("%B")`, `calendar.month_name` and Django's translated month names all follow the process
locale or the active language; signed contract text and statements must not change with either.
"""

from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month: int) -> str:
    """'March' for 3."""
    if not 1 <= month <= 12:
        raise ValueError(f"There is no month {month}.")
    return MONTH_NAMES[month - 1]


def long_date(day: date) -> str:
    """'7 December 2026'."""
    return f"{day.day} {month_name(day.month)} {day.year}"
