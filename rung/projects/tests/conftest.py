from datetime import timedelta

import pytest
from django.utils import timezone

from rung.orgs.models import Membership
from rung.projects import services


def make_input(**overrides) -> services.ProjectInput:
    today = timezone.now().date()
    data = services.ProjectInput(
        title="Clean and chart our volunteer survey",
        summary="We ran a survey of 2,000 volunteers. Help us clean the data and chart what they told us.",
        learning_outcomes=["Clean real survey data", "Present findings to a non-technical team"],
        duration_weeks=2,
        estimated_hours=30,
        stipend="900.00",
        currency="EUR",
        seats=2,
        application_deadline=today + timedelta(days=10),
        start_date=today + timedelta(days=20),
        milestones=[
            services.MilestoneInput("Cleaned dataset", 5, 40),
            services.MilestoneInput("Charts and memo", 14, 60),
        ],
        skill_slugs=["python", "data-visualisation"],
        screening_questions=["Which chart type do you reach for first?"],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


@pytest.fixture
def owner_membership(org, alice) -> Membership:
    return Membership.objects.get(organisation=org, user=alice)


@pytest.fixture
def draft(org, owner_membership):
    return services.create_project(org, membership=owner_membership, data=make_input())


@pytest.fixture
def sandbox_payments(settings):
    settings.PAYMENT_PROVIDER = "sandbox"


@pytest.fixture
def published(draft, owner_membership, sandbox_payments):
    services.fund_project(draft, membership=owner_membership)
    return services.publish_project(draft, membership=owner_membership)
