"""Notifications about engagements, contracts and milestones, worded from the domain events the
services emit (on commit). They live here because wording them needs the engagement, its project
and its people, which sit above the notification centre in the layer order (docs/architecture.md).
A subscriber only notifies: it never changes an engagement.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from rung.accounts.models import User
from rung.engagements.models import Contract, Engagement, EngagementMilestone, Signature, SignatureRole
from rung.engagements.services import CancellationQuote, employer_people, everyone
from rung.lib.events import Event, subscribe
from rung.lib.money import format_money
from rung.notifications.services import notify


def _engagement(event: Event) -> Engagement:
    return Engagement.objects.select_related("project", "project__organisation", "candidate", "mentor").get(
        uuid=event.payload["engagement_uuid"]
    )


def _milestone(event: Event) -> EngagementMilestone:
    return EngagementMilestone.objects.get(pk=event.payload["milestone_id"])


def _actor(event: Event) -> User | None:
    actor_id = event.payload.get("actor_id")
    return User.objects.filter(pk=actor_id).first() if actor_id else None


def _url(engagement: Engagement) -> str:
    return reverse("engagements:detail", args=[engagement.uuid])


def _title(text: str) -> str:
    return text if len(text) <= 150 else text[:149] + "…"


def _money(minor: int, engagement: Engagement) -> str:
    return format_money(minor, engagement.currency)


@subscribe("offer.accepted")
def ask_both_sides_to_sign(event: Event) -> None:
    engagement = _engagement(event)
    notify(
        [engagement.candidate, *employer_people(engagement.project, permission="post_projects")],
        verb="engagement.created",
        title=_title(f"Contract ready to sign: {engagement.project.title}"),
        body="Read the contract, then sign it with your full name. The work starts once both sides have signed.",
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("contract.signed")
def ask_the_other_side_to_sign(event: Event) -> None:
    contract = Contract.objects.get(pk=event.payload["contract_id"])
    signatures = list(Signature.objects.filter(contract=contract))
    if len(signatures) != 1:
        return  # both have signed: "contract.executed" tells everyone
    engagement = _engagement(event)
    role = signatures[0].role
    other = (
        [engagement.candidate]
        if role == SignatureRole.EMPLOYER
        else employer_people(engagement.project, permission="post_projects")
    )
    notify(
        other,
        verb="engagement.contract_signed_by_one",
        title=_title(
            f"{'Amendment' if contract.is_amendment else 'Contract'} signed by the "
            f"{'employer' if role == SignatureRole.EMPLOYER else 'intern'}: {engagement.project.title}"
        ),
        body="Your signature is the last one needed.",
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("contract.executed")
def tell_everyone_the_contract_is_in_force(event: Event) -> None:
    engagement = _engagement(event)
    contract = Contract.objects.get(pk=event.payload["contract_id"])
    if contract.is_amendment:
        title = f"Amendment signed: {engagement.project.title}"
        body = f"Version {contract.version} of the contract is now in force. {contract.change_summary}"
    else:
        title = f"Contract signed: {engagement.project.title}"
        body = f"Both sides have signed. The work starts on {engagement.start_date:%d %B %Y}."
    notify(
        everyone(engagement),
        verb="engagement.contract_signed",
        title=_title(title),
        body=body[:2000],
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("amendment.proposed")
def ask_both_sides_to_read_the_amendment(event: Event) -> None:
    engagement = _engagement(event)
    contract = Contract.objects.get(pk=event.payload["contract_id"])
    notify(
        [engagement.candidate, *employer_people(engagement.project, permission="post_projects")],
        verb="engagement.amendment_proposed",
        title=_title(f"Amendment proposed: {engagement.project.title}"),
        body=f"{contract.change_summary[:1800]} Nothing changes until both sides sign it.",
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("amendment.withdrawn")
def tell_both_sides_the_amendment_was_withdrawn(event: Event) -> None:
    engagement = _engagement(event)
    contract = Contract.objects.get(pk=event.payload["contract_id"])
    notify(
        [engagement.candidate, *employer_people(engagement.project, permission="post_projects")],
        verb="engagement.amendment_withdrawn",
        title=_title(f"Amendment withdrawn: {engagement.project.title}"),
        body=f"Amendment v{contract.version} was withdrawn; the contract in force is unchanged.",
        url=_url(engagement),
        actor=_actor(event),
        email=False,
    )


@subscribe("milestone.submitted")
def ask_the_employer_to_review(event: Event) -> None:
    engagement, milestone = _engagement(event), _milestone(event)
    assert milestone.submitted_at is not None
    deadline = milestone.submitted_at + timedelta(days=settings.REVIEW_DEADLINE_DAYS)
    notify(
        employer_people(engagement.project),
        verb="engagement.milestone_submitted",
        title=_title(f"Work to review: {milestone.title}"),
        body=f"{engagement.candidate.full_name} submitted “{milestone.title}” for {engagement.project.title}. "
        f"Review it by {deadline:%d %B %Y, %H:%M} UTC, or it is approved automatically.",
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("milestone.changes_requested")
def tell_the_intern_what_to_change(event: Event) -> None:
    engagement, milestone = _engagement(event), _milestone(event)
    left = engagement.review_rounds - milestone.change_rounds_used
    rounds = (
        "This was the last round of changes the contract allows."
        if left == 0
        else f"{left} more round{'s' if left != 1 else ''} of changes allowed."
    )
    notify(
        [engagement.candidate],
        verb="engagement.changes_requested",
        title=_title(f"Changes requested: {milestone.title}"),
        body=f"Read the feedback and submit again. {rounds}",
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("milestone.approved")
def tell_the_intern_it_is_approved(event: Event) -> None:
    engagement, milestone = _engagement(event), _milestone(event)
    notify(
        [engagement.candidate],
        verb="engagement.milestone_approved",
        title=_title(f"Approved: {milestone.title}"),
        body=f"{_money(milestone.amount_minor, engagement)} has been released to you and a payout has started."
        + (" It was approved automatically because the review deadline passed." if milestone.auto_approved else ""),
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("engagement.completed")
def thank_everyone(event: Event) -> None:
    engagement = _engagement(event)
    notify(
        everyone(engagement),
        verb="engagement.completed",
        title=_title(f"Completed: {engagement.project.title}"),
        body=f"Every milestone is approved and {_money(engagement.stipend_minor, engagement)} has been released. "
        "Thank you both.",
        url=_url(engagement),
        actor=_actor(event),
    )


@subscribe("engagement.cancelled")
def tell_everyone_it_is_cancelled(event: Event) -> None:
    engagement = _engagement(event)
    facts = event.payload
    quote = CancellationQuote(
        by_employer=facts["by"] == SignatureRole.EMPLOYER,
        started=facts["started"],
        released_minor=facts["released_minor"],
        unreleased_minor=engagement.stipend_minor - facts["released_minor"],
        kill_fee_minor=facts["kill_fee_minor"],
        refund_minor=facts["refund_minor"],
        currency=engagement.currency,
    )
    side_name = "employer" if quote.by_employer else "intern"
    notify(
        everyone(engagement),
        verb="engagement.cancelled",
        title=_title(f"Cancelled: {engagement.project.title}"),
        body=f"Cancelled by the {side_name}: {engagement.cancel_reason[:1200]} {quote.describe()}",
        url=_url(engagement),
        actor=_actor(event),
    )
