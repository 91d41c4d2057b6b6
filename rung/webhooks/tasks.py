"""Background work for webhooks: load by id → call the service (idempotent: an attempt is claimed).

Retries need no cron when the database task worker runs: each failed attempt defers its own retry
(`services._enqueue`), and `retry_due_deliveries_task` is a pass that re-enqueues itself, so a
retry whose task was lost (the process died between the commit and the enqueue) or a delivery a
dead worker left half-sent is still sent once due. `rung worker` starts the chain when it starts
(`ensure_retry_pass`, from the start-up catch-up); `rung webhooks retry` stays for cron.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.tasks import TaskResultStatus, default_task_backend, task
from django.utils import timezone

from rung.webhooks import services
from rung.webhooks.models import DUE_STATUSES, Delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = services.attempt_delivery(delivery_id)
    return "not due" if delivery is None else str(delivery.status)


@task()
def retry_due_deliveries_task() -> int:
    try:
        return services.retry_due_deliveries()
    finally:
        # Even when the pass failed: a broken chain would leave retries waiting for cron again.
        ensure_retry_pass(next_pass=True)


def _next_pass_at(now: datetime) -> datetime:
    """The next pass: at the earliest due retry, at most WEBHOOKS_RETRY_PASS_SECONDS away, and never
    sooner than a second (so a pass cannot spin on a delivery it has just claimed)."""
    latest = now + timedelta(seconds=settings.WEBHOOKS_RETRY_PASS_SECONDS)
    earliest = Delivery.objects.filter(status__in=DUE_STATUSES).aggregate(at=Min("next_attempt_at"))["at"]
    at = min(latest, earliest) if earliest is not None else latest
    return max(at, now + timedelta(seconds=1))


def ensure_retry_pass(*, next_pass: bool = False) -> str:
    """Queue one retry pass unless one is already waiting. At a worker's start-up the pass is due at
    once (what died with the last worker is sent first); from a pass, at `_next_pass_at`. Several
    workers starting together may queue two chains; the first to see the other waiting stops."""
    if not default_task_backend.supports_defer:
        return "no deferred tasks (immediate backend): run `rung webhooks retry` from cron"
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=retry_due_deliveries_task.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return "webhook retry pass already queued"
    now = timezone.now()
    run_after = _next_pass_at(now) if next_pass else now
    retry_due_deliveries_task.using(run_after=run_after).enqueue()
    return "webhook retry pass queued"
