"""Completed engagements built through the real flow (apply → offer → accept → sign → hand in →
review), so the progression criteria read the records Rung really keeps."""

import dataclasses

import pytest

from conftest import make_user
from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.pathways import services
from rung.projects import services as projects
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401
from rung.reviews.tests.conftest import (  # noqa: F401
    accept,
    all_scores,
    media_root,
    milestones,
    review,
    sign_both,
    start_now,
    submit,
)


@pytest.fixture
def reviewer_membership(org, bob):
    from rung.orgs.models import Membership

    return Membership.objects.get(organisation=org, user=bob)


@pytest.fixture
def project(org, owner_membership, sandbox_payments):  # noqa: F811
    p = projects.create_project(org, membership=owner_membership, data=make_input(seats=6))
    projects.fund_project(p, membership=owner_membership)
    return projects.publish_project(p, membership=owner_membership)


@pytest.fixture
def complete(project, alice, bob, reviewer_membership):
    """complete(person, changes_on_first=…, level=…): the person does the project to completion.
    With changes_on_first, the first milestone needs one round of changes before approval."""

    def run(person: User, *, changes_on_first: bool = False, level: int = 3) -> Engagement:
        engagement = start_now(
            sign_both(accept(project, person, reviewer_membership), employer=alice, candidate=person)
        )
        for i, m in enumerate(milestones(engagement)):
            if i == 0 and changes_on_first:
                review(submit(m, person), bob, decision="changes")
                m.refresh_from_db()
            review(submit(m, person), bob, scores=all_scores(m, level))
        engagement.refresh_from_db()
        return engagement

    return run


@pytest.fixture
def nia(db) -> User:
    return make_user("nia@student.example", "Nia Candidate")


def ladder_input(rubric_name: str, **overrides) -> services.PathwayInput:
    crit = services.CriterionInput
    data = services.PathwayInput(
        title="Data analyst ladder",
        skills=["python"],
        steps=[
            services.StepInput(
                kind="interview",
                title="Interview",
                criteria=[
                    crit(kind="completed", threshold=1),
                    crit(kind="first_time", threshold=75),
                    crit(kind="on_time", threshold=100),
                    crit(kind="rubric_level", threshold=3, rubric_criterion=rubric_name),
                    crit(kind="mentor"),
                ],
            ),
            services.StepInput(kind="offer", title="Offer", criteria=[crit(kind="completed", threshold=2)]),
            services.StepInput(
                kind="role",
                title="Junior analyst",
                role_title="Junior data analyst",
                level="Junior",
                salary_min="32000",
                salary_max="38000",
                currency="EUR",
            ),
        ],
    )
    return dataclasses.replace(data, **overrides)
