"""Showcase items built on a real completed engagement (published project → offer → signed contract →
every milestone approved), as the reviews tests build it."""

import pytest

from conftest import make_user
from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.reviews.models import SubmissionFile
from rung.reviews.tests.conftest import (  # noqa: F401
    PNG,
    candidate,
    completed,
    draft,
    engagement,
    media_root,
    other_org,
    owner_membership,
    published,
    reviewer_membership,
    sandbox_payments,
    unsigned,
)
from rung.showcase import services
from rung.showcase.models import ShowcaseItem

SUMMARY = "I cleaned the sales dataset, removed duplicates and charted the monthly trend for the team."


def item_input(engagement: Engagement, **overrides) -> services.ItemInput:  # noqa: F811
    files = {str(f.uuid): "" for f in SubmissionFile.objects.filter(submission__milestone__engagement=engagement)[:1]}
    data: dict = {
        "title": "Monthly sales trend",
        "summary": SUMMARY,
        "links": ["https://example.org/notebook"],
        "skills": [],
        "files": files,
        "contactable": True,
    }
    data.update(overrides)
    return services.ItemInput(**data)


@pytest.fixture
def item(completed, candidate) -> ShowcaseItem:  # noqa: F811
    return services.create_item(completed, author=candidate, data=item_input(completed))


@pytest.fixture
def queued(item, candidate, alice) -> ShowcaseItem:  # noqa: F811
    services.request_consent(item, author=candidate)
    return services.decide_consent(item, actor=alice, approve=True)


@pytest.fixture
def curator(sam) -> User:
    user = make_user("cora@curators.example", "Cora Curator")
    services.appoint_curator(user, staff=sam)
    return user


def pass_all_checks(item: ShowcaseItem, curator: User) -> None:
    playbook = services.current_playbook()
    for key in playbook.keys:
        services.record_check(item, curator=curator, key=key, passed=True)


@pytest.fixture
def public_item(queued, curator) -> ShowcaseItem:
    pass_all_checks(queued, curator)
    services.decide_item(queued, curator=curator, decision="publish")
    queued.refresh_from_db()
    return queued
