"""An education partner (Uni) with an owner, a reviewer and a viewer; a student (Nia) on Acme's project,
built through the real flow (rung/reviews/tests/conftest.py), and helpers to complete the work."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from rung.accounts.models import User
from rung.education import services
from rung.education.models import Affiliation, AgreementScope, CreditAgreement, CreditUnit
from rung.engagements.models import Engagement, EngagementStatus
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.projects.tests.conftest import draft, owner_membership, published, sandbox_payments  # noqa: F401
from rung.reviews.tests.conftest import (  # noqa: F401
    accept,
    candidate,
    engagement,
    media_root,
    milestones,
    review,
    reviewer_membership,
    sign_both,
    start_now,
    submit,
    unsigned,
)


@pytest.fixture
def uni(db) -> Organisation:
    return Organisation.objects.create(
        name="University of Example",
        slug="uni",
        kind=OrgKind.EDUCATION,
        email_domain="uni.example, student.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )


@pytest.fixture
def pat(uni) -> User:
    user = make_user("pat@uni.example", "Pat Registrar")
    Membership.objects.create(organisation=uni, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def rey(uni) -> User:
    user = make_user("rey@uni.example", "Rey Reviewer")
    Membership.objects.create(organisation=uni, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def vic(uni) -> User:
    user = make_user("vic@uni.example", "Vic Viewer")
    Membership.objects.create(organisation=uni, user=user, role=Role.VIEWER)
    return user


def member(user: User, org: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=org)


@pytest.fixture
def pat_m(pat, uni) -> Membership:
    return member(pat, uni)


@pytest.fixture
def rey_m(rey, uni) -> Membership:
    return member(rey, uni)


def agreement_input(**overrides: Any) -> services.AgreementInput:
    today = timezone.now().date()
    data: dict[str, Any] = {
        "title": "Work placement credit",
        "scope": AgreementScope.SKILLS,
        "skills": ["python"],
        "course_code": "DATA2001",
        "course_name": "Applied data practice",
        "credit_unit": CreditUnit.ECTS,
        "credit_amount": Decimal("2.5"),
        "valid_from": today - timedelta(days=30),
        "valid_until": today + timedelta(days=365),
        "min_hours": 20,
        "rubric_levels": [],
        "outcome_map": [{"outcome": "Clean real survey data", "course_outcome": "LO2 data preparation"}],
    }
    data.update(overrides)
    return services.AgreementInput(**data)


def active_agreement(membership: Membership, **overrides) -> CreditAgreement:
    agreement = services.create_agreement(
        membership=membership, partner=membership.organisation, data=agreement_input(**overrides)
    )
    services.sign_agreement(agreement, membership=membership, typed_name="Pat Registrar", consent=True)
    agreement.refresh_from_db()
    return agreement


def affiliate(student: User, reviewer: Membership, *, share: bool = True) -> Affiliation:
    """A confirmed affiliation (the partner confirms it); the student shares every item unless told not to."""
    affiliation = services.ask_partner_to_confirm(student=student, partner=reviewer.organisation)
    affiliation = services.confirm_affiliation(affiliation, membership=reviewer)
    if share:
        affiliation = services.set_consent(
            affiliation, student=student, items=dict.fromkeys(("credentials", "rubric", "feedback", "hours"), True)
        )
    return affiliation


def complete(engagement: Engagement, candidate: User, reviewer: User, capture) -> Engagement:  # noqa: F811
    for m in milestones(engagement):
        with capture(execute=True):
            review(submit(m, candidate), reviewer)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    return engagement
