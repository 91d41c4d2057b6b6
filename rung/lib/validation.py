"""Checks every edge (forms, API schemas) and the services share, each returning the sentence a
person reads, or None when the value is fine.

Dates are bounded because a date near 9999-12-31 overflows as soon as a deadline is added to it;
integers are bounded because the databases are not (SQLite's and PostgreSQL's integers are 64-bit).
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

# Far enough for any real page of results, small enough that page × size stays a 64-bit offset.
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
# Plain decimal notation as people write amounts: "900", "900.5", "1350.00" (no exponent, no sign).
PLAIN_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,3})?$")


def today() -> date:
    return timezone.now().date()


def horizon() -> date:
    """The latest date a plan may name: DATE_HORIZON_DAYS from today (two years by default)."""
    return today() + timedelta(days=int(settings.DATE_HORIZON_DAYS))


def date_problem(value: date, *, what: str, allow_past: bool = False) -> str | None:
    if not allow_past and value < today():
        return f"The {what} ({value.isoformat()}) is in the past; choose today or a later date."
    if value > horizon():
        return (
            f"The {what} ({value.isoformat()}) is too far ahead; Rung plans at most "
            f"{int(settings.DATE_HORIZON_DAYS) // 365} years ahead (until {horizon().isoformat()})."
        )
    return None


def amount_problem(raw: object) -> str | None:
    """An amount must be written plainly ("900.00"): "1e3", "NaN", "+5" and "0x10" are refused."""
    if isinstance(raw, bool):
        return "Give the amount as a number such as 900.00."
    if isinstance(raw, int):
        return None if raw >= 0 else "The amount cannot be negative."
    if isinstance(raw, float | Decimal):
        return amount_problem(format(Decimal(str(raw)), "f"))
    if isinstance(raw, str) and PLAIN_AMOUNT.fullmatch(raw.strip()):
        return None
    return f"“{raw}” is not an amount written plainly; write it like 900.00 (digits, at most one decimal point)."


def currency_problem(raw: str) -> str | None:
    if re.fullmatch(r"[A-Z]{3}", raw or ""):
        return None
    return f"“{raw}” is not a currency code; give its three capital letters from ISO 4217, e.g. EUR."


def bounded_int(raw: str | None, *, default: int, low: int, high: int) -> int:
    """A number from a query string for a page that must never fail: bad or huge values are clamped."""
    try:
        value = int(str(raw)) if raw not in (None, "") else default
    except ValueError:
        return default
    return max(low, min(high, value))
