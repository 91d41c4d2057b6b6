from datetime import date

import pytest

from conftest import make_user
from rung.accounts.models import User
from rung.applications.tests.conftest import candidate, reviewer_membership  # noqa: F401
from rung.engagements.models import Engagement, EngagementStatus
from rung.engagements.tests.conftest import accept
from rung.projects import services as projects
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401


@pytest.fixture
def big_project(org, owner_membership, sandbox_payments):  # noqa: F811
    project = projects.create_project(org, membership=owner_membership, data=make_input(seats=12))
    projects.fund_project(project, membership=owner_membership)
    return projects.publish_project(project, membership=owner_membership)


def finish(engagement: Engagement, *, end: date) -> Engagement:
    """Test set-up: the engagement is complete and ended on `end` (the services' path is tested in
    rung/engagements; here only the end date and status matter)."""
    Engagement.objects.filter(pk=engagement.pk).update(status=EngagementStatus.COMPLETED, end_date=end)
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def make_intern(big_project, reviewer_membership):  # noqa: F811
    count = iter(range(100))

    def make(end: date | None = date(2026, 8, 31), name: str = "") -> tuple[User, Engagement]:
        i = next(count)
        person = make_user(f"intern{i}@uni.example", name or f"Intern {i}")
        engagement = accept(big_project, person, reviewer_membership)
        if end is not None:
            finish(engagement, end=end)
        return person, engagement

    return make
