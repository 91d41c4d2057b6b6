"""Education listens for finished work: a completed engagement opens credit claims at the partners the
student is affiliated with, and the completion credential joins them when it arrives. Both act only on
education's own rows; the partner's reviewers are told in-app."""

from django.urls import reverse

from rung.credentials.models import IssuedCredential
from rung.education import services
from rung.education.models import CreditClaim, CreditStatus
from rung.engagements.models import Engagement
from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.orgs.models import Membership, role_can


@subscribe("engagement.completed")
def open_credit_claims(event: Event) -> None:
    engagement = Engagement.objects.select_related("project__organisation").filter(
        uuid=event.payload["engagement_uuid"]
    )
    found = engagement.first()
    if found is not None:
        services.open_claims(found)


@subscribe("credential.issued")
def attach_the_credential(event: Event) -> None:
    credential = IssuedCredential.objects.filter(uuid=event.payload["credential_uuid"]).first()
    if credential is not None:
        services.attach_credential(credential)


@subscribe("credit.requested")
def tell_the_reviewers(event: Event) -> None:
    claim = CreditClaim.objects.select_related("agreement__partner", "engagement__project").get(
        pk=event.payload["credit_id"]
    )
    if claim.status != CreditStatus.PENDING:
        return
    members = Membership.objects.filter(organisation=claim.agreement.partner).select_related("user")
    notify(
        [m.user for m in members if role_can(m.role, "review")],
        verb="credit.requested",
        title="Credit to review",
        body=f"A student completed “{claim.engagement.project.title}”, covered by “{claim.agreement.title}”.",
        url=reverse("education:claim", args=[claim.uuid]),
    )


@subscribe("credit.decided")
def tell_the_student(event: Event) -> None:
    claim = CreditClaim.objects.select_related("agreement__partner", "affiliation__student", "engagement__project").get(
        pk=event.payload["credit_id"]
    )
    verdict = "approved" if claim.status == CreditStatus.APPROVED else "declined"
    notify(
        [claim.affiliation.student],
        verb="credit.decided",
        title=f"Credit {verdict} by {claim.agreement.partner.name}",
        body=f"“{claim.engagement.project.title}”: {claim.agreement.credit_label}. {claim.comment}".strip(),
        url=reverse("education:home"),
    )
