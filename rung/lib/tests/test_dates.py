from datetime import date

import pytest
from django.utils import translation

from rung.lib.dates import MONTH_NAMES, long_date, month_name


def test_long_date_spells_out_the_month() -> None:
    assert long_date(date(2026, 12, 7)) == "7 December 2026"
    assert long_date(date(2025, 1, 31)) == "31 January 2025"


def test_month_names_do_not_follow_the_active_language() -> None:
    with translation.override("de"):
        assert month_name(3) == "March"
        assert long_date(date(2026, 5, 1)) == "1 May 2026"


def test_every_month_has_its_name_and_there_is_no_thirteenth() -> None:
    assert [month_name(m) for m in range(1, 13)] == list(MONTH_NAMES)
    for bad in (0, 13):
        with pytest.raises(ValueError, match=f"no month {bad}"):
            month_name(bad)
