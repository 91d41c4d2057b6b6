"""A deploy check: a public site must not run the sandbox payment providers, which move no money."""

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def sandbox_payments_off(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "USE_SANDBOX_PAYMENTS", False):
        return []
    return [
        checks.Warning(
            "USE_SANDBOX_PAYMENTS is on: the fake payment and payout providers may be used, which confirm "
            "deposits and payouts without moving any money.",
            hint="Set USE_SANDBOX_PAYMENTS=false (and DEBUG=false) on any site that handles real money.",
            id="ledger.W001",
        )
    ]
