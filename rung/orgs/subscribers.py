"""In-app notifications to an organisation's owners when staff decide on its verification.

The e-mail to the owners is sent by `services.set_verification` itself (it explains the decision
in full); these add the line in the notification centre, so the news is there at the next log-in.
"""

from django.urls import reverse

from rung.accounts.models import User
from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.orgs.models import Organisation, Role


def _owners(org: Organisation) -> list[User]:
    return [m.user for m in org.memberships.filter(role=Role.OWNER).select_related("user")]


@subscribe("organisation.verified")
def tell_the_owners_they_are_verified(event: Event) -> None:
    org = Organisation.objects.get(pk=event.payload["organisation_id"])
    notify(
        _owners(org),
        verb="organisation.verified",
        title=f"{org.name} is verified"[:150],
        body="Rung staff have verified your organisation: you can now publish funded projects.",
        url=reverse("orgs:detail", args=[org.slug]),
        email=False,  # the verification e-mail has already gone out
    )


@subscribe("organisation.verification_withdrawn")
def tell_the_owners_verification_was_refused(event: Event) -> None:
    org = Organisation.objects.get(pk=event.payload["organisation_id"])
    notify(
        _owners(org),
        verb="organisation.verification_withdrawn",
        title=f"{org.name} is not verified"[:150],
        body=f"Rung staff did not verify your organisation: {org.verification_note}"[:2000],
        url=reverse("orgs:detail", args=[org.slug]),
        email=False,
    )
