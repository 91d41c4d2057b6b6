"""Who hears about recognition: the intern when endorsed; every nominee when a round's results are out.
Subscribers only notify; they change nothing."""

from django.urls import reverse

from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.recognition.models import Endorsement, Nomination, NominationRound, Outcome


@subscribe("endorsement.issued")
def tell_the_intern(event: Event) -> None:
    endorsement = Endorsement.objects.select_related("endorser", "intern").get(uuid=event.payload["endorsement_id"])
    notify(
        [endorsement.intern],
        verb="endorsement.issued",
        title=f"{endorsement.endorser.full_name or 'Someone you worked with'} endorsed you",
        body="Rung signed it as a verifiable credential. It shows on your credential and portfolio; you can hide it.",
        url=reverse("recognition:home"),
    )


@subscribe("nomination.awarded")
def acknowledge_every_nominee(event: Event) -> None:
    nomination_round = NominationRound.objects.get(uuid=event.payload["round_id"])
    nominations = Nomination.objects.filter(round=nomination_round).select_related("nominee")
    seen: dict[int, Nomination] = {}
    for nomination in nominations:
        if nomination.nominee_id not in seen or nomination.outcome == Outcome.WINNER:
            seen[nomination.nominee_id] = nomination
    for nomination in seen.values():
        won = nomination.outcome == Outcome.WINNER
        notify(
            [nomination.nominee],
            verb="nomination.awarded" if won else "nomination.acknowledged",
            title=(
                f"You won “{nomination_round.title}”" if won else f"You were nominated for “{nomination_round.title}”"
            ),
            body=(
                "Congratulations: your Award credential is in your wallet. The panel wrote: " + nomination.reason
                if won
                else "Someone who worked with you thought your work stood out. The panel wrote: " + nomination.reason
            ),
            url=reverse("recognition:home"),
        )
