"""The fair-pay rule: a project's hourly rate must reach the greater of the local minimum wage and the
platform floor, both in the project's currency. No project is unpaid.

Minimum wages come from `data/minimum_wages.json` (sourced and dated). A minimum wage in another
currency than the project's is not converted — Rung has no trusted exchange rates offline — so the
platform floor, which is always in the project's own currency, still applies.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

from rung.lib.money import from_minor

_TABLE = Path(__file__).parent / "data" / "minimum_wages.json"


@dataclass(frozen=True)
class MinimumWage:
    country: str
    name: str
    rate: Decimal
    currency: str
    effective_from: str
    source: str


@dataclass(frozen=True)
class FairPay:
    hourly_rate: Decimal
    floor: Decimal
    floor_reason: str
    ok: bool

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.hourly_rate} per hour: fair (the floor is {self.floor}, {self.floor_reason})."
        return (
            f"This pays {self.hourly_rate} per hour, below the floor of {self.floor} ({self.floor_reason}). "
            "Raise the stipend or lower the estimated hours."
        )


@cache
def minimum_wages() -> dict[str, MinimumWage]:
    raw = json.loads(_TABLE.read_text())
    return {
        code: MinimumWage(
            country=code,
            name=w["name"],
            rate=Decimal(w["rate"]),
            currency=w["currency"],
            effective_from=w["effective_from"],
            source=w["source"],
        )
        for code, w in raw["wages"].items()
    }


def platform_floor() -> Decimal:
    return Decimal(str(settings.FAIR_PAY_FLOOR_PER_HOUR))


def check_fair_pay(*, stipend_minor: int, currency: str, estimated_hours: int, jurisdiction: str = "") -> FairPay:
    if estimated_hours <= 0:
        return FairPay(Decimal(0), platform_floor(), "hours must be more than zero", ok=False)
    rate = (from_minor(stipend_minor, currency) / estimated_hours).quantize(Decimal("0.01"))
    floor, reason = platform_floor(), "Rung's platform floor"
    wage = minimum_wages().get(jurisdiction.upper()) if jurisdiction else None
    if wage is not None and wage.currency == currency and wage.rate > floor:
        floor, reason = wage.rate, f"the minimum wage in {wage.name}"
    return FairPay(hourly_rate=rate, floor=floor, floor_reason=reason, ok=stipend_minor > 0 and rate >= floor)
