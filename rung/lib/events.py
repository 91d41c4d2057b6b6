"""Domain events: the one list of things that happened, which side effects subscribe to.

Services call `emit("offer.accepted", application=…, engagement=…)` inside their transaction; the
event is delivered to its subscribers only when that transaction commits (never for a rollback).
Subscribers — notifications, webhooks, metrics — may notify, deliver, count or enqueue; they never
change another app's state. Payloads are plain values (UUID strings, ids, short text) so that they
can be stored, sent as JSON and replayed.

A subscriber registers with `@subscribe("offer.accepted")` in its app's `subscribers.py`, imported
from the app's `AppConfig.ready`. `rung.lib` imports nothing of Rung, so the list lives here and the
apps that listen import it, not the other way round.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    payload: tuple[str, ...]


def _e(name: str, description: str, *payload: str) -> EventType:
    return EventType(name=name, description=description, payload=payload)


# Every payload key is a plain value: `…_uuid`/`…_id` name an object, the rest are short facts.
# "actor_id" is the user who caused the event (absent for sweeps and the system). "organisation_id" names
# the organisation the event is about: webhooks deliver an event only to that organisation's endpoints.
EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        # organisations
        _e("organisation.verified", "Staff verified an organisation.", "organisation_id", "actor_id"),
        _e("organisation.verification_withdrawn", "Staff withdrew or refused verification.", "organisation_id"),
        # projects
        _e("project.published", "A funded project opened for applications.", "project_uuid", "actor_id"),
        _e("project.closed", "A project closed early; unused seats' escrow went back.", "project_uuid", "actor_id"),
        _e("project.cancelled", "A project was cancelled.", "project_uuid", "actor_id"),
        _e("project.completed", "A closed project's last engagement ended.", "project_uuid"),
        # applications
        _e(
            "application.submitted",
            "A candidate applied.",
            "application_uuid",
            "project_uuid",
            "organisation_id",
            "actor_id",
        ),
        _e("application.withdrawn", "A candidate withdrew.", "application_uuid", "project_uuid", "actor_id"),
        _e("application.shortlisted", "A reviewer shortlisted.", "application_uuid", "project_uuid", "actor_id"),
        _e("application.rejected", "A reviewer declined, kindly.", "application_uuid", "project_uuid", "actor_id"),
        _e(
            "application.closed",
            "Closed undecided: the decision deadline passed, or the project was cancelled.",
            "application_uuid",
            "project_uuid",
            "reason",  # "decision_deadline" or "project_cancelled"
        ),
        _e("offer.made", "A reviewer made an offer.", "application_uuid", "project_uuid", "actor_id"),
        _e("offer.declined", "The candidate declined an offer.", "application_uuid", "project_uuid", "actor_id"),
        _e("offer.expired", "An offer expired unanswered.", "application_uuid", "project_uuid"),
        _e(
            "offer.accepted",
            "The candidate accepted; the engagement and its contract exist.",
            "application_uuid",
            "project_uuid",
            "organisation_id",
            "engagement_uuid",
            "actor_id",
        ),
        # engagements and contracts
        _e("contract.signed", "One party signed a contract.", "engagement_uuid", "contract_id", "actor_id"),
        _e(
            "contract.executed",
            "Both parties have signed (the contract or an amendment); it is in force.",
            "engagement_uuid",
            "contract_id",
            "actor_id",
        ),
        _e(
            "amendment.proposed",
            "A change of the contract awaits signatures.",
            "engagement_uuid",
            "contract_id",
            "actor_id",
        ),
        _e("amendment.withdrawn", "A proposed amendment was withdrawn.", "engagement_uuid", "contract_id", "actor_id"),
        _e(
            "engagement.completed",
            "Every milestone approved and paid.",
            "engagement_uuid",
            "project_uuid",
            "organisation_id",
            "actor_id",
        ),
        _e(
            "engagement.cancelled",
            "An engagement ended early under its contract; by is 'employer' or 'candidate'.",
            "engagement_uuid",
            "project_uuid",
            "actor_id",
            "by",
            "started",
            "released_minor",
            "kill_fee_minor",
            "refund_minor",
        ),
        # work and review
        _e("milestone.submitted", "Work was handed in for a milestone.", "milestone_id", "engagement_uuid", "actor_id"),
        _e(
            "milestone.changes_requested",
            "A reviewer asked for changes to a milestone (one round used).",
            "milestone_id",
            "engagement_uuid",
            "actor_id",
        ),
        _e("submission.received", "The intern handed in work.", "submission_uuid", "engagement_uuid", "actor_id"),
        _e("changes.requested", "A reviewer asked for changes.", "submission_uuid", "engagement_uuid", "actor_id"),
        _e("submission.auto_approved", "Nobody reviewed in time; Rung approved.", "submission_uuid", "engagement_uuid"),
        _e("milestone.approved", "A milestone's work was approved.", "milestone_id", "engagement_uuid", "actor_id"),
        _e("rating.received", "One side rated the other; theirs waits.", "engagement_uuid", "actor_id"),
        _e("rating.revealed", "Both ratings are visible.", "engagement_uuid", "actor_id"),
        # money
        _e("deposit.confirmed", "Escrow was funded.", "deposit_id", "project_uuid"),
        _e("payout.created", "A payout was started.", "payout_id", "user_id"),
        _e("payout_details.confirmed", "A person confirmed new payout details by e-mail.", "user_id"),
        _e("payout.waiting", "A payout waits for the intern's payout details.", "payout_id", "user_id"),
        _e("payout.settled", "A payout reached the intern.", "payout_id", "user_id"),
        _e("payout.failed", "A payout failed.", "payout_id", "user_id"),
        # credentials
        _e(
            "credential.issued",
            "A completion credential was issued (organisation_id: the employer the work was for).",
            "credential_uuid",
            "subject_id",
            "organisation_id",
        ),
        _e("credential.revoked", "A credential was revoked.", "credential_uuid", "subject_id"),
        # messaging
        _e("message.sent", "A message was posted in a conversation.", "message_id", "conversation_id", "actor_id"),
        _e("message.reported", "A message was reported to staff.", "message_id", "actor_id"),
        # mentoring
        _e("pairing.proposed", "A mentor was asked to mentor someone.", "pairing_id"),
        _e("pairing.accepted", "A mentor accepted a pairing.", "pairing_id", "actor_id"),
        _e("pairing.declined", "A mentor declined a pairing, or let it expire.", "pairing_id"),
        _e("checkin.recorded", "A check-in was recorded.", "checkin_id", "actor_id"),
        _e("checkin.due_soon", "A check-in is due within a day.", "checkin_id"),
        _e("checkin.overdue", "A check-in was not recorded a day after it was due.", "checkin_id"),
        _e("accreditation.awarded", "A mentor became accredited.", "mentor_id"),
        _e("concern.reported", "A safeguarding concern was raised.", "concern_id"),
        _e("concern.closed", "Staff resolved or upheld a concern; the reporter is told.", "concern_id"),
        # recognition and showcase
        _e("showcase.consent_requested", "An intern asked to showcase work.", "item_id", "actor_id"),
        _e("showcase.published", "A showcase item was published.", "item_id"),
        _e("showcase.consent_decided", "An employer consented to, or declined, showing work.", "item_id", "actor_id"),
        _e(
            "showcase.consent_withdrawn",
            "An employer withdrew consent; the item is unpublished.",
            "item_id",
            "actor_id",
        ),
        _e("showcase.curated", "A curator sent an item back or declined it.", "item_id", "decision"),
        _e("showcase.invited_to_apply", "An employer invited a showcase author to apply.", "invitation_id", "actor_id"),
        _e("showcase.reported", "Someone reported a public item to staff.", "report_id"),
        _e("showcase.taken_down", "Staff took a public item down; the owner is told why.", "moderation_id"),
        _e("showcase.restored", "Staff restored an item they had taken down.", "moderation_id"),
        _e("showcase.licence_sold", "An organisation bought a licence to showcased work.", "purchase_id"),
        _e("endorsement.issued", "Someone endorsed an intern.", "endorsement_id", "actor_id"),
        _e("nomination.awarded", "A nomination round named its winners.", "round_id"),
        # education
        _e("credit.requested", "Covered work awaits a partner's review.", "credit_id"),
        _e("credit.decided", "A partner approved or declined credit.", "credit_id", "actor_id"),
        _e("transcript.issued", "A partner issued a CLR transcript.", "transcript_id", "actor_id"),
        # pathways and outcomes
        _e(
            "outcome.recorded",
            "An interview, offer, hire, decline or non-selection was recorded (in Rung or through the API).",
            "outcome_uuid",
            "organisation_id",
            "candidate_id",
            "stage",
            "actor_id",
        ),
        _e("outcome.confirmed", "The candidate confirmed an outcome about them.", "outcome_uuid", "organisation_id"),
        _e("outcome.disputed", "The candidate disputed an outcome about them.", "outcome_uuid", "organisation_id"),
        _e("follow_up.answered", "An intern answered a 3- or 6-month follow-up.", "follow_up_uuid", "months"),
        _e(
            "pathway.step_reached",
            "A candidate moved up a career ladder (a recorded decision with a reason).",
            "progress_uuid",
            "pathway_uuid",
            "organisation_id",
            "candidate_id",
            "step",
            "actor_id",
        ),
    )
}


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any]
    occurred_at: datetime = field(default_factory=timezone.now)


Subscriber = Callable[[Event], None]
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(*names: str) -> Callable[[Subscriber], Subscriber]:
    """Register the decorated function for each named event (`"*"` for every event)."""
    for name in names:
        if name != "*" and name not in EVENT_TYPES:
            raise ValueError(f"subscribe({name!r}): no such domain event; add it to rung.lib.events.EVENT_TYPES")

    def register(func: Subscriber) -> Subscriber:
        for name in names:
            handlers = _subscribers.setdefault(name, [])
            if func not in handlers:
                handlers.append(func)
        return func

    return register


def subscribers_of(name: str) -> list[Subscriber]:
    return [*_subscribers.get(name, []), *_subscribers.get("*", [])]


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"event payloads hold plain values (str, int, UUID…), not {type(value).__name__}")


def emit(name: str, **payload: Any) -> Event:
    """Record that something happened; subscribers hear of it when the current transaction commits."""
    spec = EVENT_TYPES.get(name)
    if spec is None:
        raise ValueError(f"emit({name!r}): no such domain event; add it to rung.lib.events.EVENT_TYPES")
    unknown = set(payload) - set(spec.payload)
    missing = {key for key in spec.payload if key != "actor_id"} - set(payload)
    if unknown or missing:
        raise ValueError(f"emit({name!r}): unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    event = Event(name=name, payload={key: _plain(value) for key, value in payload.items()})
    # Robust outside tests: one failing subscriber is logged and must not stop the others (or the
    # request, whose transaction has already committed). Tests set EVENTS_ROBUST=False to see it fail.
    robust = getattr(settings, "EVENTS_ROBUST", True)
    for handler in subscribers_of(name):
        transaction.on_commit(partial(handler, event), robust=robust)
    return event
