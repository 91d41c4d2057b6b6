"""Money as integer minor units plus an ISO 4217 currency code.

Amounts live in the database and in services as `int` minor units (cents, pence, yen, fils);
`Decimal` appears only at the edges, when a person types an amount or reads one. Rounding is
ROUND_HALF_EVEN (banker's rounding) unless a caller asks otherwise: summed over thousands of
platform fees it neither drifts up nor down, which ROUND_HALF_UP would.
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from rung.lib.errors import DomainError

# Digits after the decimal point for each currency Rung accepts. A short list on purpose:
# adding a currency is a decision (payment and payout providers must support it too).
CURRENCY_EXPONENTS: dict[str, int] = {
    "AUD": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CLP": 0,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "INR": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "MXN": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PLN": 2,
    "SEK": 2,
    "SGD": 2,
    "TND": 3,
    "USD": 2,
    "ZAR": 2,
}

# Far beyond any stipend, and far inside a signed 64-bit column even when summed a million
# times, so SUM() over the ledger can never overflow.
MAX_MINOR = 10**15

DEFAULT_ROUNDING = ROUND_HALF_EVEN


class MoneyError(DomainError):
    code = "invalid_amount"


def normalise_currency(currency: str) -> str:
    """The upper-case ISO 4217 code, or MoneyError if Rung does not handle that currency."""
    code = str(currency).strip().upper()
    if code not in CURRENCY_EXPONENTS:
        raise MoneyError(f"Rung does not handle the currency “{currency}”.", code="unknown_currency", field="currency")
    return code


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS[normalise_currency(currency)]


def _as_decimal(amount: Decimal | str | int) -> Decimal:
    # A float has already lost the cent it was meant to carry (0.1 + 0.2), so it is refused
    # rather than silently rounded; bool is an int to Python but never an amount.
    if isinstance(amount, bool | float) or not isinstance(amount, Decimal | str | int):
        raise MoneyError("Give the amount as text or a Decimal, not a floating-point number.")
    try:
        value = Decimal(amount.strip()) if isinstance(amount, str) else Decimal(amount)
    except InvalidOperation:
        raise MoneyError(f"“{amount}” is not an amount of money.") from None
    if not value.is_finite():
        raise MoneyError(f"“{amount}” is not an amount of money.")
    return value


def to_minor(amount: Decimal | str | int, currency: str, *, allow_negative: bool = False) -> int:
    """Parse an amount a person gave (e.g. "1234.50") into minor units of `currency`.

    Refuses more decimals than the currency has (no silent rounding of what someone typed),
    negatives unless allowed, unknown currencies and absurdly large amounts.
    """
    code = normalise_currency(currency)
    value = _as_decimal(amount)
    places = CURRENCY_EXPONENTS[code]
    if value.adjusted() > 18:
        # Before int(): "1e999999999" would otherwise build a number with a billion digits.
        raise MoneyError("That amount is too large.", code="amount_too_large")
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            f"{code} amounts have at most {places} decimal place{'s' if places != 1 else ''}; “{amount}” has more."
            if places
            else f"{code} amounts are whole numbers; “{amount}” is not."
        )
    minor = int(scaled)
    if minor < 0 and not allow_negative:
        raise MoneyError("The amount cannot be negative.", code="negative_amount")
    if abs(minor) > MAX_MINOR:
        raise MoneyError("That amount is too large.", code="amount_too_large")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back to a Decimal with exactly the currency's number of places."""
    places = exponent(currency)
    return Decimal(int(minor)).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def round_to_minor(amount: Decimal | str | int, currency: str, *, rounding: str = DEFAULT_ROUNDING) -> int:
    """A computed (not typed) amount in major units, rounded to a whole minor unit."""
    value = _as_decimal(amount)
    with localcontext() as ctx:
        ctx.prec = 50
        return int(value.scaleb(exponent(currency)).quantize(Decimal(1), rounding=rounding))


def percent_of(minor: int, percent: Decimal | str | int, *, rounding: str = DEFAULT_ROUNDING) -> int:
    """`percent` % of an amount in minor units, rounded to a whole minor unit."""
    rate = _as_decimal(percent)
    with localcontext() as ctx:
        ctx.prec = 50
        return int((Decimal(int(minor)) * rate / 100).quantize(Decimal(1), rounding=rounding))


def split_minor(total: int, shares: Sequence[int]) -> list[int]:
    """Allocate `total` minor units by integer weights with no unit lost (largest remainder).

    split_minor(100, [1, 1, 1]) == [34, 33, 33]. Ties go to the earlier share, so the result is
    deterministic; a share of weight 0 gets 0. A negative total is split like its absolute value.
    """
    if not shares:
        raise MoneyError("There is nothing to split the amount between.")
    if any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in shares):
        raise MoneyError("Shares must be whole numbers of zero or more.")
    weight = sum(shares)
    if weight == 0:
        raise MoneyError("At least one share must be more than zero.")
    sign, magnitude = (-1, -total) if total < 0 else (1, total)
    floors = [magnitude * s // weight for s in shares]
    remainders = [magnitude * s % weight for s in shares]
    left = magnitude - sum(floors)
    # Stable sort: among equal remainders the earlier share wins.
    for i in sorted(range(len(shares)), key=lambda i: -remainders[i])[:left]:
        floors[i] += 1
    return [sign * f for f in floors]


def format_money(minor: int, currency: str) -> str:
    """One clear format everywhere: the ISO code, then the amount, e.g. "EUR 1,234.50", "JPY 1,235".

    The code rather than a symbol because "$" alone is a dozen currencies.
    """
    code = normalise_currency(currency)
    value = from_minor(abs(int(minor)), code)
    places = CURRENCY_EXPONENTS[code]
    return f"{'-' if minor < 0 else ''}{code} {value:,.{places}f}"
