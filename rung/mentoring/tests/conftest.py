from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.accounts.models import User
from rung.applications.tests.conftest import candidate, reviewer_membership  # noqa: F401
from rung.engagements.models import Engagement
from rung.engagements.tests.conftest import accept
from rung.mentoring import services
from rung.mentoring.models import Accreditation, MentorProfile
from rung.orgs.models import Membership, Role
from rung.projects import services as projects
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401

EVENINGS = [{"day": d, "start": "17:00", "end": "20:00"} for d in range(5)]


def make_mentor(
    org, email: str, name: str, *, skills=("python",), capacity=2, accredited=True, windows=EVENINGS
) -> User:
    user = make_user(email, name)
    Membership.objects.create(organisation=org, user=user, role=Role.MENTOR)
    services.save_mentor_profile(
        user,
        data=services.MentorProfileInput(
            expertise=list(skills), languages=["en"], timezone="Europe/London", weekly_windows=list(windows),
            capacity=capacity, bio="I mentor.",
        ),
    )  # fmt: skip
    if accredited:
        accredit(user)
    return user


def accredit(user: User) -> Accreditation:
    now = timezone.now()
    return Accreditation.objects.create(
        mentor=user, awarded_at=now, valid_until=now + timedelta(days=365), checkins_held=6, mean_rating="4.50"
    )


@pytest.fixture
def big_project(org, owner_membership, sandbox_payments):  # noqa: F811
    project = projects.create_project(org, membership=owner_membership, data=make_input(seats=4))
    projects.fund_project(project, membership=owner_membership)
    return projects.publish_project(project, membership=owner_membership)


@pytest.fixture
def interns(big_project, reviewer_membership) -> list[Engagement]:  # noqa: F811
    return [
        accept(big_project, make_user(f"intern{i}@uni.example", f"Intern {i}"), reviewer_membership) for i in range(3)
    ]


@pytest.fixture
def mentor(org) -> User:
    return make_mentor(org, "maya@acme.example", "Maya Mentor", skills=("python", "data-visualisation"))


@pytest.fixture
def mentor_profile(mentor) -> MentorProfile:
    return mentor.mentor_profile
