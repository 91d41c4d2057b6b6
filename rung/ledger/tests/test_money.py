from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.lib.money import (
    MAX_MINOR,
    MoneyError,
    exponent,
    format_money,
    from_minor,
    normalise_currency,
    percent_of,
    round_to_minor,
    split_minor,
    to_minor,
)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("1234.50", "EUR", 123450),
        ("0.01", "usd", 1),
        (Decimal("7"), "EUR", 700),
        (12, "EUR", 1200),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        (" 3.5 ", "BHD", 3500),
    ],
)
def test_it_parses_amounts_into_minor_units_of_the_currency(amount, currency, minor):
    assert to_minor(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency"), [("1.005", "EUR"), ("1.5", "JPY"), ("0.0001", "KWD"), ("1.001", "USD")]
)
def test_it_refuses_more_decimals_than_the_currency_has(amount, currency):
    with pytest.raises(MoneyError, match=r"decimal place|whole numbers"):
        to_minor(amount, currency)


def test_it_refuses_negatives_unless_asked_to_allow_them():
    with pytest.raises(MoneyError, match="negative"):
        to_minor("-1.00", "EUR")
    assert to_minor("-1.00", "EUR", allow_negative=True) == -100


@pytest.mark.parametrize("amount", [0.1, True, "abc", "NaN", "Infinity", "", None])
def test_it_refuses_what_is_not_an_amount(amount):
    with pytest.raises(MoneyError):
        to_minor(amount, "EUR")


def test_it_refuses_an_unknown_currency_and_absurd_amounts():
    with pytest.raises(MoneyError, match="does not handle"):
        to_minor("1.00", "XYZ")
    with pytest.raises(MoneyError, match="too large"):
        to_minor(str(MAX_MINOR), "EUR")
    assert normalise_currency(" eur ") == "EUR"
    assert exponent("JPY") == 0
    assert exponent("KWD") == 3


def test_from_minor_gives_exactly_the_currency_places():
    assert from_minor(123450, "EUR") == Decimal("1234.50")
    assert str(from_minor(5, "EUR")) == "0.05"
    assert str(from_minor(1500, "JPY")) == "1500"
    assert str(from_minor(1, "KWD")) == "0.001"


def test_format_money_writes_the_code_then_the_grouped_amount():
    assert format_money(123450, "EUR") == "EUR 1,234.50"
    assert format_money(-5, "USD") == "-USD 0.05"
    assert format_money(1234567, "JPY") == "JPY 1,234,567"
    assert format_money(1000, "BHD") == "BHD 1.000"


def test_rounding_is_half_even_by_default_and_half_up_on_request():
    assert round_to_minor("0.125", "EUR") == 12
    assert round_to_minor("0.135", "EUR") == 14
    assert round_to_minor("0.125", "EUR", rounding=ROUND_HALF_UP) == 13
    assert percent_of(125, 10) == 12  # 12.5 → 12 (even)
    assert percent_of(135, 10) == 14  # 13.5 → 14 (even)
    assert percent_of(10000, Decimal("7.5")) == 750


def test_split_minor_loses_no_cent_and_gives_ties_to_the_earlier_share():
    assert split_minor(100, [1, 1, 1]) == [34, 33, 33]
    assert split_minor(1000, [50, 25, 25]) == [500, 250, 250]
    assert split_minor(5, [0, 1]) == [0, 5]
    assert split_minor(-100, [1, 1, 1]) == [-34, -33, -33]


@pytest.mark.parametrize("shares", [[], [0, 0], [-1, 2], [1.5, 1], [True]])
def test_split_minor_refuses_nonsense_shares(shares):
    with pytest.raises(MoneyError):
        split_minor(100, shares)


@given(total=st.integers(-(10**12), 10**12), shares=st.lists(st.integers(0, 1000), min_size=1, max_size=12))
def test_split_minor_always_adds_up_and_is_within_one_unit_of_the_exact_share(total, shares):
    if sum(shares) == 0:
        return
    parts = split_minor(total, shares)
    assert sum(parts) == total
    for part, share in zip(parts, shares, strict=True):
        exact = Decimal(total) * share / sum(shares)
        assert abs(Decimal(part) - exact) < 1
