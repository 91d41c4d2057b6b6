"""Notifications about submissions, automatic approvals, ratings and completion credentials,
worded from the domain events (on commit). They live here because wording them needs the
engagement, its milestones and its people, above the notification centre in the layer order
(docs/architecture.md). A subscriber only notifies: it never changes a review or an engagement.
"""

from django.urls import reverse

from rung.accounts.models import User
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement
from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.reviews.models import Submission
from rung.reviews.selectors import reveal_at
from rung.reviews.services import milestone_url, reviewers, short_title


def _engagement(uuid: str) -> Engagement:
    return Engagement.objects.select_related("project", "project__organisation", "candidate", "mentor").get(uuid=uuid)


def _submission(event: Event) -> Submission:
    return Submission.objects.select_related("milestone").get(uuid=event.payload["submission_uuid"])


def _actor(event: Event) -> User | None:
    actor_id = event.payload.get("actor_id")
    return User.objects.filter(pk=actor_id).first() if actor_id else None


@subscribe("submission.received")
def tell_the_mentor(event: Event) -> None:
    engagement = _engagement(event.payload["engagement_uuid"])
    mentor = engagement.mentor
    if mentor is None or mentor in reviewers(engagement.project):
        return  # reviewers hear of it from the milestone ("milestone.submitted")
    submission = _submission(event)
    milestone = submission.milestone
    notify(
        [mentor],
        verb="submission.submitted",
        title=short_title(f"{engagement.candidate.full_name} handed in: {milestone.title} (v{submission.version})"),
        body=f"For “{engagement.project.title}”. You can read the work and its reviews.",
        url=milestone_url(milestone),
        actor=_actor(event),
    )


@subscribe("submission.auto_approved")
def tell_the_employer_it_was_approved_for_them(event: Event) -> None:
    # The intern hears of the approval from "milestone.approved"; the employer is told here, once.
    engagement = _engagement(event.payload["engagement_uuid"])
    submission = _submission(event)
    milestone = submission.milestone
    notify(
        reviewers(engagement.project),
        verb="submission.auto_approved",
        title=short_title(f"Approved automatically: {milestone.title}"),
        body=f"No one reviewed {engagement.candidate.full_name}'s work by the deadline, so Rung approved it and "
        "released the stipend. It shows on your organisation's reliability record.",
        url=milestone_url(milestone),
        dedupe_key=f"submission.auto_approved:{submission.uuid}",
    )


@subscribe("rating.received")
def ask_the_other_side_to_rate(event: Event) -> None:
    engagement = _engagement(event.payload["engagement_uuid"])
    rater = _actor(event)
    by_candidate = rater is not None and rater.pk == engagement.candidate_id
    other_side = reviewers(engagement.project) if by_candidate else [engagement.candidate]
    deadline = reveal_at(engagement)
    notify(
        other_side,
        verb="rating.received",
        title=short_title(f"You have been rated: {engagement.project.title}"),
        body="Add your own rating to see it. Neither side sees the other's until both are in"
        + (f" or until {deadline:%d %B %Y}." if deadline else "."),
        url=reverse("reviews:ratings", args=[engagement.uuid]),
        actor=rater,
    )


@subscribe("rating.revealed")
def show_both_ratings(event: Event) -> None:
    engagement = _engagement(event.payload["engagement_uuid"])
    notify(
        [engagement.candidate, *reviewers(engagement.project)],
        verb="rating.revealed",
        title=short_title(f"Ratings revealed: {engagement.project.title}"),
        body="Both sides have rated, so each can now see the other's rating.",
        url=reverse("reviews:ratings", args=[engagement.uuid]),
        actor=_actor(event),
    )


@subscribe("credential.issued")
def tell_the_intern_the_credential_is_in_the_wallet(event: Event) -> None:
    credential = IssuedCredential.objects.get(uuid=event.payload["credential_uuid"])
    kind, _, engagement_uuid = credential.engagement_ref.partition(":")
    if kind != "engagement" or not engagement_uuid:
        return
    engagement = _engagement(engagement_uuid)
    notify(
        [engagement.candidate],
        verb="credential.issued",
        title=f"Your credential for {engagement.project.title}",
        body="Your signed Open Badges credential is in your wallet. Share it or add it to your profile.",
        url=reverse("credentials:wallet"),
    )
