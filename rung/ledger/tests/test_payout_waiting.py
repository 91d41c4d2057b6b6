"""A payout waits for the intern's payout details, and goes out once they are confirmed."""

import uuid
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.ledger.models import DelayCause, Payout, PayoutStatus
from rung.ledger.payouts import create_payout, export_payout_batch, run_payouts
from rung.ledger.services import release_milestone
from rung.ledger.tests.conftest import give_payout_details
from rung.lib import events
from rung.payees import services as payees

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer() -> User:
    # Has taken on work but never entered payout details.
    return User.objects.create_user(email="dana@example.org", password="x-unused-Password-1", full_name="Dana New")


def _owe(fund, project: uuid.UUID, engagement: uuid.UUID, who: User, *, days_ago: int = 0) -> None:
    fund(project, stipend_minor=123_00, seats=1)
    release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=uuid.uuid4(),
        intern=who,
        amount_minor=123_00,
        currency="EUR",
        approved_at=timezone.now() - timedelta(days=days_ago),
    )


def test_a_payout_waits_without_details_and_emits_payout_waiting(fund, project, engagement, newcomer, monkeypatch):
    heard: list[events.Event] = []
    monkeypatch.setitem(events._subscribers, "payout.waiting", [heard.append])
    _owe(fund, project, engagement, newcomer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        payout = create_payout(
            engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export"
        )
    assert payout is not None
    assert payout.status == PayoutStatus.WAITING
    assert [e.payload for e in heard] == [{"payout_id": payout.pk, "user_id": newcomer.pk}]


def test_a_waiting_payout_is_not_exported(fund, project, engagement, newcomer, sam):
    _owe(fund, project, engagement, newcomer)
    create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    assert export_payout_batch(staff=sam).payouts == []
    assert Payout.objects.get(intern=newcomer).status == PayoutStatus.WAITING


def test_confirming_details_releases_waiting_payouts_at_once(fund, project, engagement, newcomer, sam):
    _owe(fund, project, engagement, newcomer)
    create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    from django.core import mail

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        payees.request_payout_details_change(
            user=newcomer,
            values={
                "account_holder": "Dana New",
                "country": "DE",
                "iban": "DE89370400440532013000",
                "bic": "",
                "legal_name": "Dana New",
                "address": "Hauptstraße 1, Berlin",
                "tax_residence": "DE",
            },
        )
    token = str(mail.outbox[-1].body).split("/confirm/")[1].split("/")[0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        payees.confirm_payout_details_change(token=token, user=newcomer)
    payout = Payout.objects.get(intern=newcomer)
    assert payout.status == PayoutStatus.PENDING
    batch = export_payout_batch(staff=sam)
    assert [p.pk for p in batch.payouts] == [payout.pk]
    assert "Dana New,DE,DE89370400440532013000,COBADEFFXXX" in batch.csv


def test_the_payout_run_releases_waiting_payouts_and_blames_the_intern_for_lateness(
    fund, project, engagement, newcomer
):
    _owe(fund, project, engagement, newcomer, days_ago=10)
    create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    run_payouts(provider_name="batch_export")
    assert Payout.objects.get(intern=newcomer).status == PayoutStatus.WAITING  # still no details
    give_payout_details(newcomer)
    run_payouts(provider_name="batch_export")
    payout = Payout.objects.get(intern=newcomer)
    assert payout.status == PayoutStatus.PENDING
    # Ten days late because nobody knew where to pay: the intern's delay, not the employer's.
    assert payout.delay_cause == DelayCause.INTERN
    assert AuditEvent.objects.filter(verb="ledger.payout.delay_cause", data__cause=DelayCause.INTERN).count() == 1
