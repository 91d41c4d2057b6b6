"""Education listens for finished work: a completed engagement opens credit claims at the partners the
student is affiliated with, and the completion credential joins them when it arrives. Both act only on
education's own rows. The partner's reviewers and the student are told, in-app and by e-mail, of credit
to review, credit decided and transcripts issued."""

from django.urls import reverse
from django.utils.text import Truncator

from rung.credentials.models import IssuedCredential
from rung.education import services
from rung.education.models import CreditClaim, CreditStatus, Transcript
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
    claim = CreditClaim.objects.select_related(
        "agreement__partner", "affiliation__student", "engagement__project__organisation"
    ).get(pk=event.payload["credit_id"])
    if claim.status != CreditStatus.PENDING:
        return  # approved automatically before this was delivered: nothing waits for a reviewer
    members = Membership.objects.filter(organisation=claim.agreement.partner).select_related("user")
    project = claim.engagement.project
    student = claim.affiliation.student
    notify(
        [m.user for m in members if role_can(m.role, "review")],
        verb="credit.requested",
        title="Credit to review",
        body=f"A student completed “{project.title}”, covered by “{claim.agreement.title}”.",
        url=reverse("education:claim", args=[claim.uuid]),
        email_template="education/email/credit_to_review",
        context={
            "partner": claim.agreement.partner.name,
            "student": student.full_name or student.email,
            "project": project.title,
            "employer": project.organisation.name,
            "agreement": f"{claim.agreement.title} (version {claim.agreement.version})",
            "credit": claim.agreement.credit_label,
            "checks": [
                {"condition": c["condition"], "state": _state(c.get("met")), "detail": c.get("detail", "")}
                for c in claim.checks
            ],
        },
        dedupe_key=f"credit_requested:{claim.uuid}",
    )


def _state(met: bool | None) -> str:
    return "met" if met is True else "not met" if met is False else "not shared"


@subscribe("credit.decided")
def tell_the_student(event: Event) -> None:
    claim = CreditClaim.objects.select_related(
        "agreement__partner", "affiliation__student", "engagement__project__organisation"
    ).get(pk=event.payload["credit_id"])
    approved = claim.status == CreditStatus.APPROVED
    verdict = "approved" if approved else "declined"
    partner = claim.agreement.partner.name
    project = claim.engagement.project
    reason = f" The condition not met: {claim.failed_condition}." if claim.failed_condition else ""
    notify(
        [claim.affiliation.student],
        verb="credit.decided",
        title=f"Credit {verdict} by {partner}",
        # The centre shows a sentence or two; the e-mail carries the whole comment.
        body=Truncator(f"“{project.title}”: {claim.agreement.credit_label}.{reason} {claim.comment}").chars(600),
        url=reverse("education:claim", args=[claim.uuid]),
        email_template="education/email/credit_decided",
        context={
            "approved": approved,
            "automatic": claim.automatic,
            "partner": partner,
            "project": project.title,
            "employer": project.organisation.name,
            "credit": claim.agreement.credit_label,
            "course": claim.agreement.course_name,
            "comment": claim.comment,
            "failed_condition": claim.failed_condition,
        },
        dedupe_key=f"credit_decided:{claim.uuid}",
    )


@subscribe("transcript.issued")
def tell_the_student_of_the_transcript(event: Event) -> None:
    transcript = (
        Transcript.objects.select_related("partner", "student", "credential")
        .filter(pk=event.payload["transcript_id"])
        .first()
    )
    if transcript is None:
        return
    claims = list(transcript.claims.select_related("agreement").order_by("decided_at", "id"))
    notify(
        [transcript.student],
        verb="transcript.issued",
        title=f"Your transcript from {transcript.partner.name}",
        body=(
            f"{transcript.partner.name} issued you a signed CLR 2.0 transcript of {len(claims)} "
            f"credit{'s' if len(claims) != 1 else ''}. It is in your wallet, ready to share."
        ),
        url=reverse("credentials:wallet_credential", args=[transcript.credential.uuid]),
        email_template="education/email/transcript_issued",
        context={
            "partner": transcript.partner.name,
            "name": transcript.credential.name,
            "credits": [c.agreement.credit_label for c in claims],
        },
        dedupe_key=f"transcript_issued:{transcript.uuid}",
    )
