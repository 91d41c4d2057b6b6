"""Who hears about outcomes: the candidate when an employer records one about them (to confirm it),
and the employer's hiring people when the candidate disputes it. Subscribers only notify."""

from django.urls import reverse

from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.orgs.models import Membership, role_can
from rung.outcomes.models import Outcome


def _outcome(uuid: str) -> Outcome:
    return Outcome.objects.select_related("organisation", "candidate").get(uuid=uuid)


@subscribe("outcome.recorded")
def ask_the_candidate(event: Event) -> None:
    outcome = _outcome(event.payload["outcome_uuid"])
    notify(
        [outcome.candidate],
        verb="outcome.recorded",
        title=f"{outcome.organisation.name} recorded: {outcome.get_stage_display().lower()}",
        body="Please confirm it, or tell them what is wrong. It counts towards their published results.",
        url=reverse("outcomes:mine"),
    )


@subscribe("outcome.disputed")
def tell_the_employer(event: Event) -> None:
    outcome = _outcome(event.payload["outcome_uuid"])
    people = [
        m.user
        for m in Membership.objects.filter(organisation=outcome.organisation).select_related("user")
        if role_can(m.role, "review")
    ]
    notify(
        people,
        verb="outcome.disputed",
        title=f"{outcome.candidate.full_name or outcome.candidate.email} disputes an outcome",
        body=f"“{outcome.candidate_note}”",
        url=reverse("outcomes:organisation", args=[outcome.organisation.slug]),
        email=False,
    )
