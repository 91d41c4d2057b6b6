"""Demo credit: Riverside University has an active credit agreement for Northwind's projects (co-signed
by Northwind, approved automatically when its conditions are met), a stack, and Maya as an affiliated
student sharing her evidence. Her finished Northwind engagement earns the credit through the real
event flow, and Riverside issues her a CLR 2.0 transcript once that work has committed."""

from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.education import services
from rung.education.models import (
    Affiliation,
    AffiliationStatus,
    AgreementScope,
    CreditAgreement,
    CreditClaim,
    CreditStatus,
    CreditUnit,
    Transcript,
)
from rung.orgs.models import Membership, Organisation


def build_education(riverside: Organisation, northwind: Organisation, maya: User) -> None:
    """Before the engagements are finished: the agreement, the stack and Maya's affiliation."""
    owner = Membership.objects.get(organisation=riverside, role="owner")
    employer = Membership.objects.get(organisation=northwind, role="owner")
    if not CreditAgreement.objects.filter(partner=riverside).exists():
        today = timezone.now().date()
        agreement = services.create_agreement(
            membership=owner,
            partner=riverside,
            data=services.AgreementInput(
                title="Northwind data placements",
                scope=AgreementScope.EMPLOYER,
                employer=northwind,
                course_code="DATA2040",
                course_name="Professional practice in data analysis",
                credit_unit=CreditUnit.ECTS,
                credit_amount=Decimal("2.5"),
                valid_from=today - timedelta(days=90),
                valid_until=today + timedelta(days=365),
                min_hours=10,
                auto_approve=True,
                employer_cosign=True,
            ),
        )
        services.sign_agreement(agreement, membership=owner, typed_name=owner.user.full_name, consent=True)
        services.sign_agreement(agreement, membership=employer, typed_name=employer.user.full_name, consent=True)
        services.create_stack(
            membership=owner,
            partner=riverside,
            name="Certificate in Applied Analytics",
            description="Three approved placements, one of them in Python.",
            required_credits=3,
            required_skill="python",
            award_amount=Decimal(5),
            award_unit=CreditUnit.ECTS,
        )
    affiliation = Affiliation.objects.filter(student=maya, partner=riverside).first()
    if affiliation is None:
        affiliation = services.ask_partner_to_confirm(student=maya, partner=riverside, student_number="R2026-0417")
    if affiliation.status == AffiliationStatus.PENDING:
        affiliation = services.confirm_affiliation(affiliation, membership=owner)
        services.set_consent(
            affiliation, student=maya, items={"credentials": True, "rubric": True, "hours": True, "feedback": True}
        )
    # The credit arrives when the finished engagement's events are delivered, after commit; the
    # transcript follows them (on-commit callbacks run in the order they were registered).
    transaction.on_commit(partial(issue_demo_transcript, affiliation.pk, owner.pk))


def issue_demo_transcript(affiliation_id: int, membership_id: int, tries: int = 10) -> None:
    affiliation = Affiliation.objects.select_related("partner", "student").get(pk=affiliation_id)
    if Transcript.objects.filter(student=affiliation.student, partner=affiliation.partner).exists():
        return
    ready = CreditClaim.objects.filter(
        affiliation=affiliation, status=CreditStatus.APPROVED, credential__isnull=False
    ).exists()
    if not ready:
        # The payout, the completion and the credential are themselves on-commit work: when they
        # are queued behind this one (as under test capture), wait for them by queueing again.
        if tries > 0 and connection.in_atomic_block:
            transaction.on_commit(partial(issue_demo_transcript, affiliation_id, membership_id, tries - 1))
        return
    services.issue_transcript(affiliation, membership=Membership.objects.get(pk=membership_id))


def finish_education() -> None:
    """After the demo has committed (its on-commit work done): the transcript, if it is not there yet."""
    affiliation = Affiliation.objects.filter(
        student__email="maya@student.example", partner__email_domain="riverside.example"
    ).first()
    owner = Membership.objects.filter(organisation__email_domain="riverside.example", role="owner").first()
    if affiliation is not None and owner is not None:
        issue_demo_transcript(affiliation.pk, owner.pk, tries=0)
