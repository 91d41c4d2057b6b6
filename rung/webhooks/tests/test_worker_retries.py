"""With `rung worker` running, a failed delivery is retried once due, with its backoff, and no cron.

Against the real local HTTP receiver and the database task queue; the clock is moved forward by
replacing `timezone.now`, which both Rung and the queue read to decide what is due."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rung.lib.events import emit
from rung.webhooks import services, tasks
from rung.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus

# The worker closes its database connection when it stops, which a test transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def clock(monkeypatch) -> Callable[[int], None]:
    """clock(seconds): from now on, it is that many seconds later than the real time."""
    real_now = timezone.now
    offset = timedelta()

    def advance(seconds: int) -> None:
        nonlocal offset
        offset += timedelta(seconds=seconds)

    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    return advance


@pytest.fixture
def endpoint(org, alice, receiver):
    return services.create_endpoint(org, actor=alice, url=receiver.url, events=["outcome.recorded"])[0]


def fire(org) -> None:
    emit(
        "outcome.recorded",
        organisation_id=org.pk,
        actor_id=1,
        outcome_uuid="3f0c1f5e-0000-4000-8000-000000000001",
        candidate_id=7,
        stage="hired",
    )


def worker(*args: str) -> None:
    call_command("worker", "--batch", *args)


def queued_passes() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=tasks.retry_due_deliveries_task.module_path, status=TaskResultStatus.READY
        )
    )


@override_settings(TASKS=DB_TASKS)
def test_the_worker_retries_a_failed_delivery_once_due_and_not_before(endpoint, org, receiver, clock):
    receiver.statuses = [500]
    fire(org)
    assert receiver.requests == []  # queued for the worker, not sent in the request

    worker()

    delivery = Delivery.objects.get()
    assert len(receiver.requests) == 1
    assert delivery.status == DeliveryStatus.RETRYING
    first_failure = DeliveryAttempt.objects.get().at
    assert delivery.next_attempt_at - first_failure == timedelta(seconds=60)  # the backoff
    [next_pass] = queued_passes()
    assert next_pass.run_after <= delivery.next_attempt_at

    clock(30)
    worker("--no-catch-up")
    assert len(receiver.requests) == 1  # not due yet
    assert Delivery.objects.get().status == DeliveryStatus.RETRYING

    clock(31)
    worker("--no-catch-up")
    delivery.refresh_from_db()
    # Sent once: the deferred retry and the pass were both due; each attempt is claimed.
    assert len(receiver.requests) == 2
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 2
    assert [a.status_code for a in DeliveryAttempt.objects.order_by("number")] == [500, 200]
    assert len(queued_passes()) == 1  # the pass keeps itself queued


@override_settings(TASKS=DB_TASKS)
def test_the_pass_sends_a_retry_whose_task_was_lost(endpoint, org, receiver, clock):
    receiver.statuses = [503]
    fire(org)
    worker()
    assert Delivery.objects.get().status == DeliveryStatus.RETRYING
    # The process died before the retry was enqueued: only the pass knows about it now.
    DBTaskResult.objects.filter(task_path=tasks.deliver_webhook.module_path).delete()

    # Half the 60 s backoff: the clock runs on (real time plus the offset), so a tight margin such as
    # 59 s made the retry due on a slow machine before the worker looked.
    clock(30)
    worker("--no-catch-up")
    assert len(receiver.requests) == 1

    clock(31)
    worker("--no-catch-up")
    assert len(receiver.requests) == 2
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


@override_settings(TASKS=DB_TASKS)
def test_the_pass_is_queued_once_and_survives_a_failing_pass(monkeypatch, capsys):
    worker()
    assert "webhook retry pass queued" in capsys.readouterr().out
    assert tasks.ensure_retry_pass() == "webhook retry pass already queued"
    assert len(queued_passes()) == 1

    DBTaskResult.objects.all().delete()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "retry_due_deliveries", broken)
    with pytest.raises(RuntimeError):
        tasks.retry_due_deliveries_task.call()
    [queued] = queued_passes()
    assert queued.run_after - timezone.now() <= timedelta(seconds=60)


def test_without_a_task_worker_the_command_remains_the_way():
    assert "rung webhooks retry" in tasks.ensure_retry_pass()
    assert not DBTaskResult.objects.exists()
