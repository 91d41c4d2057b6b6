"""Background work for money: each task loads by id and calls a service, so running it twice is harmless."""

from dataclasses import asdict
from typing import Any

from django.tasks import task

from rung.ledger import payouts
from rung.ledger.models import Payout, PayoutStatus
from rung.ledger.providers import get_payout_provider


@task()
def run_payouts_task() -> dict[str, Any]:
    """Pay everything owed, follow up sent payouts, and tell staff about overdue ones.

    The same as `rung ledger payouts`; every step claims its rows, so overlapping runs are safe.
    """
    run = payouts.run_payouts()
    return {**asdict(run), "overdue_alerts": payouts.alert_overdue_payouts()}


@task()
def send_payout_task(payout_id: int) -> str:
    """Send one pending payout through its (automatic) provider; returns the payout's status afterwards.

    A payout already sent, settled or failed is left as it is: `send_payout` claims it with a
    compare-and-set, so two copies of this task send it once. Batch-export payouts wait for staff.
    """
    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None:
        return "missing"
    if payout.status != PayoutStatus.PENDING or not get_payout_provider(payout.provider).automatic:
        return str(payout.status)
    return str(payouts.send_payout(payout).status)
