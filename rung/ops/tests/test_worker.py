"""A worker that starts picks up approvals left without a payout, so nothing waits for cron."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from rung.ledger.models import Payout, PayoutStatus
from rung.ledger.selectors import check_ledger
from rung.ops.tests.support import fund_and_release

# The worker closes its database connection when it stops, which a test transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def approved_without_payout(org, alice, charlie):
    """An approval whose payout task never ran: the worker died between the two."""
    engagement = fund_and_release(org, employer=alice, intern=charlie)
    assert not Payout.objects.exists()
    return engagement


@override_settings(TASKS=DB_TASKS)
def test_the_worker_creates_the_missing_payout_when_it_starts(approved_without_payout, charlie, capsys):
    call_command("worker", "--batch")
    payout = Payout.objects.get()
    assert payout.engagement_uuid == approved_without_payout
    assert payout.intern == charlie
    assert payout.amount_minor == 60_00
    # Created; it waits for the intern's bank details (or is pending) as any new payout does.
    assert payout.status in {PayoutStatus.WAITING, PayoutStatus.PENDING}
    assert "payouts created 1" in capsys.readouterr().out
    assert check_ledger() == []


@override_settings(TASKS=DB_TASKS)
def test_starting_the_worker_again_pays_nothing_twice(approved_without_payout):
    call_command("worker", "--batch")
    call_command("worker", "--batch")
    assert Payout.objects.count() == 1
    assert check_ledger() == []


@override_settings(TASKS=DB_TASKS)
def test_the_catch_up_can_be_skipped(approved_without_payout):
    call_command("worker", "--batch", "--no-catch-up")
    assert not Payout.objects.exists()


def test_rung_worker_runs_the_wrapper():
    from rung.__main__ import ALIASES

    assert ALIASES["worker"] == ["worker"]
