"""Notifications about applications, worded from the domain events the services emit.

They live here, not in rung.notifications, because wording them needs the application, its project
and its reviewers, which sit above the notification centre in the layer order; notifications
stays a plain delivery service that every app may call (docs/architecture.md). A subscriber only
notifies: it never changes an application.
"""

from django.urls import reverse

from rung.accounts.models import User
from rung.applications.models import Application
from rung.applications.services import COURTEOUS_CLOSE, reviewers
from rung.lib.events import Event, subscribe
from rung.notifications.services import notify


def _application(event: Event) -> Application:
    return Application.objects.select_related("project", "project__organisation", "candidate").get(
        uuid=event.payload["application_uuid"]
    )


def _actor(event: Event) -> User | None:
    actor_id = event.payload.get("actor_id")
    return User.objects.filter(pk=actor_id).first() if actor_id else None


@subscribe("application.submitted")
def tell_reviewers_of_a_new_application(event: Event) -> None:
    application = _application(event)
    project, candidate = application.project, application.candidate
    notify(
        reviewers(project),
        verb="application.submitted",
        title=f"New application: {project.title}",
        body="A candidate applied. The first pass is blind."
        if project.blind_review
        else f"{candidate.full_name} applied.",
        url=reverse("applications:review_list", args=[project.uuid]),
        # On a blind project the notification must not name who applied.
        actor=None if project.blind_review else candidate,
    )


@subscribe("application.withdrawn")
def tell_reviewers_of_a_withdrawal(event: Event) -> None:
    application = _application(event)
    project = application.project
    notify(
        reviewers(project),
        verb="application.withdrawn",
        title=f"An application to {project.title} was withdrawn",
        body="No action is needed.",
        url=reverse("applications:review_list", args=[project.uuid]),
        actor=None if project.blind_review else _actor(event),
        email=False,
    )


@subscribe("application.shortlisted")
def tell_the_candidate_they_are_shortlisted(event: Event) -> None:
    application = _application(event)
    project = application.project
    notify(
        [application.candidate],
        verb="application.shortlisted",
        title=f"You are on the shortlist for {project.title}",
        body=f"{project.organisation.name} liked your application and is taking a closer look. "
        f"You will hear by {project.decision_deadline:%d %B %Y} at the latest.",
        url=reverse("applications:mine"),
        actor=_actor(event),
    )


@subscribe("application.rejected")
def tell_the_candidate_kindly(event: Event) -> None:
    application = _application(event)
    notify(
        [application.candidate],
        verb="application.rejected",
        title=f"An update on your application to {application.project.title}",
        body=application.message,
        url=reverse("applications:mine"),
        actor=_actor(event),
    )


@subscribe("offer.made")
def tell_the_candidate_of_the_offer(event: Event) -> None:
    application = _application(event)
    project = application.project
    expires = application.offer_expires_at
    notify(
        [application.candidate],
        verb="application.offered",
        title=f"Offer: {project.title}",
        body=f"{project.organisation.name} offers you a seat. Accept or decline by {expires:%d %B %Y, %H:%M} UTC.",
        url=reverse("applications:mine"),
        actor=_actor(event),
    )


@subscribe("offer.accepted")
def tell_reviewers_the_offer_was_accepted(event: Event) -> None:
    application = _application(event)
    project, candidate = application.project, application.candidate
    notify(
        reviewers(project),
        verb="application.accepted",
        title=f"Offer accepted: {project.title}",
        body=f"{candidate.full_name} accepted. Next: both sides sign the contract.",
        url=reverse("projects:detail", args=[project.uuid]),
        actor=candidate,
    )


@subscribe("offer.declined")
def tell_reviewers_the_offer_was_declined(event: Event) -> None:
    application = _application(event)
    project = application.project
    notify(
        reviewers(project),
        verb="application.declined",
        title=f"Offer declined: {project.title}",
        body="The seat is free again.",
        url=reverse("applications:review_list", args=[project.uuid]),
        actor=_actor(event),
    )


@subscribe("application.closed")
def tell_the_candidate_it_is_closed(event: Event) -> None:
    application = _application(event)
    project = application.project
    if event.payload.get("reason") == "project_cancelled":
        title = f"{project.title} was cancelled"
        body = (
            f"{project.organisation.name} cancelled this project, so your application is closed. "
            "We are sorry — please have a look at other open projects."
        )
        url = reverse("projects:search")
    else:
        title = f"Your application to {project.title} is closed"
        body = COURTEOUS_CLOSE.format(project=project.title)
        url = reverse("applications:mine")
    notify(
        [application.candidate],
        verb="application.closed",
        title=title,
        body=body,
        url=url,
        dedupe_key=f"application.closed:{application.uuid}",
    )


@subscribe("offer.expired")
def tell_the_candidate_the_offer_expired(event: Event) -> None:
    application = _application(event)
    notify(
        [application.candidate],
        verb="application.expired",
        title=f"Your offer for {application.project.title} expired",
        body="The offer lapsed before it was accepted, so the seat has been released.",
        url=reverse("applications:mine"),
        dedupe_key=f"application.expired:{application.uuid}",
    )
