from datetime import timedelta

import pytest

from rung.engagements import services
from rung.engagements.contracts import CONTRACT_TEMPLATE_VERSION, render_contract_text, sha256_text
from rung.engagements.models import ContractStatus, Engagement, EngagementStatus
from rung.engagements.tests.conftest import accept, milestones
from rung.lib.errors import PermissionDenied
from rung.notifications.models import Notification
from rung.projects import services as projects
from rung.projects.services import MilestoneInput
from rung.projects.tests.conftest import make_input

pytestmark = pytest.mark.django_db


def test_accepting_an_offer_creates_the_engagement_with_real_dates_and_shares(engagement, published, candidate):
    assert engagement.status == EngagementStatus.AWAITING_SIGNATURES
    assert engagement.candidate == candidate
    assert (engagement.start_date, engagement.end_date) == (published.start_date, published.end_date)
    assert engagement.stipend_minor == 900_00
    assert engagement.scope == published.summary
    first, second = milestones(engagement)
    # Day 1 is the start date: a milestone due on day 5 is due four days after it.
    assert first.due_date == published.start_date + timedelta(days=4)
    assert second.due_date == published.start_date + timedelta(days=13)
    assert (first.amount_minor, second.amount_minor) == (360_00, 540_00)
    assert engagement.events.get().to_status == EngagementStatus.AWAITING_SIGNATURES


def test_no_cent_is_lost_when_the_stipend_does_not_divide_evenly(
    org, owner_membership, sandbox_payments, candidate, reviewer_membership
):
    data = make_input(
        stipend="1000.01",
        seats=1,
        milestones=[MilestoneInput("One", 3, 33), MilestoneInput("Two", 7, 33), MilestoneInput("Three", 14, 34)],
    )
    project = projects.create_project(org, membership=owner_membership, data=data)
    projects.fund_project(project, membership=owner_membership)
    project = projects.publish_project(project, membership=owner_membership)
    engagement = accept(project, candidate, reviewer_membership)
    amounts = [m.amount_minor for m in milestones(engagement)]
    assert sum(amounts) == 1000_01
    assert amounts == [330_00, 330_00, 340_01]


def test_contract_v1_holds_every_term_and_its_hash(engagement, published, candidate, org):
    contract = engagement.contracts.get()
    assert contract.version == 1
    assert contract.status == ContractStatus.AWAITING_SIGNATURES
    assert contract.template_version == CONTRACT_TEMPLATE_VERSION
    assert contract.text_sha256 == sha256_text(contract.text)
    text = " ".join(contract.text.split())
    for expected in [
        org.name,
        "owner or manager",
        candidate.full_name,
        candidate.email,
        "We ran a survey of 2,000 volunteers.",
        "Clean real survey data",
        "Cleaned dataset: due",
        "40% share, EUR 360.00",
        "60% share, EUR 540.00",
        "The total stipend is EUR 900.00",
        "released from escrow",
        "payout to the Intern is started at once",
        "within 3 business days",
        published.get_ip_licence_display(),
        "CONFIDENTIALITY",
        "kill fee of 25% of the stipend not yet released",
        "Before the start date: no fee is due",
        "within 5 days of it being submitted",
        "approved automatically",
        "at most 2 times",
    ]:
        assert expected in text, expected


def test_the_text_is_rendered_deterministically_from_the_stored_terms(engagement):
    contract = engagement.contracts.get()
    assert render_contract_text(contract.terms) == contract.text
    assert all(len(line) <= 78 for line in contract.text.splitlines())


def test_both_sides_are_told_there_is_a_contract_to_sign(
    published, reviewer_membership, alice, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # they are told when the acceptance commits
        accept(published, candidate, reviewer_membership)
    assert Notification.objects.filter(recipient=candidate, verb="engagement.created").exists()
    assert Notification.objects.filter(recipient=alice, verb="engagement.created").exists()


def test_creating_again_returns_the_same_engagement(engagement):
    assert services.create_engagement(engagement.application, actor=None) == engagement
    assert Engagement.objects.count() == 1


def test_only_an_accepted_offer_becomes_an_engagement(published, candidate):
    from rung.applications import services as applications

    application = applications.apply(published, candidate=candidate, answers=["Bars."])
    with pytest.raises(services.EngagementError) as refused:
        services.create_engagement(application, actor=candidate)
    assert refused.value.code == "not_accepted"


def test_accepting_emits_offer_accepted_naming_the_new_engagement(
    published, reviewer_membership, candidate, monkeypatch, django_capture_on_commit_callbacks
):
    from rung.lib import events

    monkeypatch.setattr(events, "_subscribers", {k: list(v) for k, v in events._subscribers.items()})
    heard: list[events.Event] = []
    events.subscribe("offer.accepted")(heard.append)
    with django_capture_on_commit_callbacks(execute=True):
        engagement = accept(published, candidate, reviewer_membership)
    [event] = heard
    assert event.payload == {
        "application_uuid": str(engagement.application.uuid),
        "project_uuid": str(published.uuid),
        "organisation_id": published.organisation_id,
        "engagement_uuid": str(engagement.uuid),
        "actor_id": candidate.pk,
    }


def test_a_refused_acceptance_emits_nothing(
    published, reviewer_membership, candidate, charlie, monkeypatch, django_capture_on_commit_callbacks
):
    from rung.applications import services as applications
    from rung.lib import events

    monkeypatch.setattr(events, "_subscribers", {})
    heard: list[events.Event] = []
    events.subscribe("offer.accepted")(heard.append)
    application = applications.apply(published, candidate=candidate, answers=["A line chart."])
    applications.shortlist(application, membership=reviewer_membership)
    applications.make_offer(application, membership=reviewer_membership)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.accept_offer(application, candidate=charlie)
    assert heard == []
    assert not Engagement.objects.exists()
