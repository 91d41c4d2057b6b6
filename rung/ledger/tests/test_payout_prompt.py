"""An intern whose payout waits for payout details is asked for them; staff see how many wait and why."""

import uuid
from datetime import timedelta
from typing import cast

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.models import DelayCause, Payout, PayoutStatus
from rung.ledger.payouts import create_payout, run_payouts
from rung.ledger.selectors import employer_caused_delays, payable_balance, waiting_payouts_summary
from rung.ledger.services import name_project, release_milestone
from rung.ledger.tests.conftest import give_payout_details
from rung.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer() -> User:
    return User.objects.create_user(email="dana@example.org", password="x-unused-Password-1", full_name="Dana New")


@pytest.fixture
def owe(fund):
    def make(who: User, amount_minor: int = 123_00, *, days_ago: int = 0, title: str = "Map our vans") -> uuid.UUID:
        project, engagement = uuid.uuid4(), uuid.uuid4()
        fund(project, stipend_minor=amount_minor, seats=1)
        name_project(project_uuid=project, title=title)
        release_milestone(
            project_uuid=project,
            engagement_uuid=engagement,
            milestone_uuid=uuid.uuid4(),
            intern=who,
            amount_minor=amount_minor,
            currency="EUR",
            approved_at=timezone.now() - timedelta(days=days_ago),
        )
        return engagement

    return make


def test_a_waiting_payout_tells_the_intern_once_in_app_and_by_email(owe, newcomer, django_capture_on_commit_callbacks):
    engagement = owe(newcomer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payout = create_payout(
            engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export"
        )
    assert payout is not None
    assert payout.status == PayoutStatus.WAITING
    note = Notification.objects.get(recipient=newcomer, verb="payout.waiting")
    assert note.title == "Add your payout details to receive EUR 123.00"
    assert "“Map our vans”" in note.body
    assert note.url == "/accounts/payout-details/"
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    assert message.subject == "EUR 123.00 is ready for you: add your payout details"
    assert settings.SITE_URL + "/accounts/payout-details/" in message.body
    assert "Hello Dana," in message.body
    assert "confirm them" in message.body
    html = str(cast(EmailMultiAlternatives, message).alternatives[0][0])
    assert 'href="' in html
    assert "/accounts/payout-details/" in html

    # The payout run finds it still waiting: nobody is told twice about the same payout.
    with django_capture_on_commit_callbacks(execute=True):
        run_payouts(provider_name="batch_export")
    assert Notification.objects.filter(recipient=newcomer, verb="payout.waiting").count() == 1
    assert len(mail.outbox) == 1

    # A second payout (another engagement) is news again.
    other = owe(newcomer, 50_00, title="Tidy the survey")
    with django_capture_on_commit_callbacks(execute=True):
        create_payout(engagement_uuid=other, intern=newcomer, currency="EUR", provider_name="batch_export")
    assert Notification.objects.filter(recipient=newcomer, verb="payout.waiting").count() == 2


def test_nobody_is_asked_when_the_details_arrived_first(owe, newcomer, django_capture_on_commit_callbacks):
    engagement = owe(newcomer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    give_payout_details(newcomer)
    Payout.objects.filter(intern=newcomer).update(status=PayoutStatus.PENDING)
    for callback in callbacks:
        callback()
    assert not Notification.objects.filter(verb="payout.waiting").exists()


def test_the_release_happens_on_time_and_the_wait_never_counts_against_the_employer(owe, newcomer, org):
    engagement = owe(newcomer, 80_00, days_ago=9)
    payout = create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    assert payout is not None
    assert payout.status == PayoutStatus.WAITING
    # Approved and released on time: the money left escrow and what is owed, and is in transit.
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 0
    assert payout.amount_minor == 80_00
    assert payout.is_late(3)  # nine days after approval
    give_payout_details(newcomer)
    run_payouts(provider_name="batch_export")
    payout.refresh_from_db()
    assert (payout.status, payout.delay_cause) == (PayoutStatus.PENDING, DelayCause.INTERN)
    assert employer_caused_delays(org) == 0


def test_the_banner_asks_for_details_on_the_dashboard_and_money_pages(owe, newcomer, intern, client_for):
    engagement = owe(newcomer, 45_00)
    create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    client = client_for(newcomer)
    for path in ("/", "/money/earnings/", "/money/earnings/yearly/"):
        html = client.get(path).content.decode()
        assert "Add your payout details to be paid" in html, path
        assert "EUR 45.00 is approved and ready for you" in html, path
        assert 'href="/accounts/payout-details/"' in html, path
    assert "Waiting for your payout details" in client.get("/money/earnings/").content.decode()
    # Someone whose payouts go out (charlie has details) sees no such banner.
    for path in ("/", "/money/earnings/"):
        assert "Add your payout details to be paid" not in client_for(intern).get(path).content.decode()


def test_staff_see_how_many_payouts_wait_and_why(owe, newcomer, intern, sam, client_for):
    for amount in (10_00, 20_00):
        engagement = owe(newcomer, amount)
        create_payout(engagement_uuid=engagement, intern=newcomer, currency="EUR", provider_name="batch_export")
    ready = owe(intern, 5_00)
    create_payout(engagement_uuid=ready, intern=intern, currency="EUR", provider_name="batch_export")
    summary = waiting_payouts_summary()
    assert (summary.count, summary.interns, summary.totals) == (2, 1, {"EUR": 30_00})
    html = client_for(sam).get("/money/staff/payouts/").content.decode()
    assert "2 payouts to 1 intern are not listed here: they wait until the intern gives payout details" in html
    assert "never counts against the employer" in html


def test_the_staff_note_is_absent_when_nothing_waits(sam, client_for):
    assert "until the intern gives payout details" not in client_for(sam).get("/money/staff/payouts/").content.decode()
