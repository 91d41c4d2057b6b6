"""Who hears about pathways: the candidate, when someone moves them up a ladder (with the reason).
Subscribers only notify; they change nothing."""

from django.urls import reverse

from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.pathways.models import Progress


@subscribe("pathway.step_reached")
def tell_the_candidate(event: Event) -> None:
    progress = Progress.objects.select_related("pathway__organisation", "candidate", "step").get(
        uuid=event.payload["progress_uuid"]
    )
    decision = progress.decisions.order_by("-at", "-id").first()
    step = progress.step
    notify(
        [progress.candidate],
        verb="pathway.step_reached",
        title=f"{progress.pathway.organisation.name}: you have reached “{step.title if step else ''}”",
        body=f"On the ladder “{progress.pathway.title}”. Their reason: {decision.reason if decision else ''}",
        url=reverse("pathways:mine"),
    )
