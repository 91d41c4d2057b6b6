"""Recognition fixtures: a completed engagement with its credential (nia, reviewed by bob), and a cohort of
three active interns at Acme with a nomination round whose panel is bob and pat."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from rung.accounts.models import User
from rung.credentials.models import IssuedCredential
from rung.credentials.tests.conftest import _template_key_file, key_file  # noqa: F401
from rung.engagements.models import Engagement
from rung.orgs.models import Membership, Organisation, Role
from rung.projects import services as projects
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401
from rung.recognition import services
from rung.recognition.models import CohortKind, NominationRound
from rung.reviews.credential import issue_for_engagement
from rung.reviews.tests.conftest import (  # noqa: F401
    accept,
    candidate,
    completed,
    engagement,
    media_root,
    reviewer_membership,
    sign_both,
    start_now,
    unsigned,
)


@pytest.fixture
def credential(completed: Engagement) -> IssuedCredential:  # noqa: F811
    issued = issue_for_engagement(completed)
    assert issued is not None
    return issued


@pytest.fixture
def maya(completed: Engagement) -> User:  # noqa: F811
    """Mentored nia on the completed engagement (not a member of Acme)."""
    user = make_user("maya@mentors.example", "Maya Mentor")
    Engagement.objects.filter(pk=completed.pk).update(mentor=user)
    completed.refresh_from_db()
    return user


@pytest.fixture
def pat(org: Organisation) -> User:
    user = make_user("pat@acme.example", "Pat Panelist")
    Membership.objects.create(organisation=org, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def cohort(org, owner_membership, sandbox_payments, reviewer_membership, alice) -> list[Engagement]:  # noqa: F811
    project = projects.create_project(org, membership=owner_membership, data=make_input(seats=4))
    projects.fund_project(project, membership=owner_membership)
    project = projects.publish_project(project, membership=owner_membership)
    people = [
        make_user("ines@uni.example", "Ines Ortega"),
        make_user("jon@uni.example", "Jon Park"),
        make_user("kai@uni.example", "Kai Lindqvist"),
    ]
    return [start_now(sign_both(accept(project, p, reviewer_membership), employer=alice, candidate=p)) for p in people]


def round_input(**changes) -> services.RoundInput:
    now = timezone.now()
    fields: dict[str, Any] = {
        "title": "Outstanding micro-intern, spring round",
        "cohort_kind": CohortKind.ORGANISATION,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=7),
        "criteria": [
            services.CriterionInput("Quality of work", "Accurate, tidy, finished"),
            services.CriterionInput("Initiative", weight=2),
        ],
        "spread": 20,
    }
    fields.update(changes)
    return services.RoundInput(**fields)


@pytest.fixture
def draft_round(org, alice, bob, pat, cohort) -> NominationRound:
    nomination_round = services.create_round(actor=alice, organisation=org, data=round_input())
    services.add_panelist(nomination_round, actor=alice, user=bob)
    services.add_panelist(nomination_round, actor=alice, user=pat)
    return nomination_round


@pytest.fixture
def open_round(draft_round, alice) -> NominationRound:
    return services.open_round(draft_round, actor=alice)
