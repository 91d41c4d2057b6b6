"""What came of each catalogue template: projects started from it, completion, the typical final
rubric levels and the share of interns who went on to an interview. Built through the real flow
(apply → offer → sign → hand in → review) and checked against a hand count."""

import re
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from rung.outcomes.models import Outcome
from rung.pathways.selectors import CriterionLevel, TemplateOutcomes, template_outcomes
from rung.projects import services as projects
from rung.projects.models import ProjectTemplate
from rung.projects.tests.conftest import make_input
from rung.reviews.selectors import rubric_for
from rung.reviews.tests.conftest import accept, sign_both, start_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(db) -> ProjectTemplate:
    return ProjectTemplate.objects.create(name="Survey clean-up", data={}, public=True)


@pytest.fixture
def untried(db) -> ProjectTemplate:
    return ProjectTemplate.objects.create(name="Untried idea", data={}, public=True)


@pytest.fixture
def project(org, owner_membership, sandbox_payments, template):  # started from the template
    p = projects.create_project(
        org, membership=owner_membership, data=make_input(seats=8, template_uuid=str(template.uuid))
    )
    projects.fund_project(p, membership=owner_membership)
    return projects.publish_project(p, membership=owner_membership)


@pytest.fixture
def history(org, project, template, complete, alice, reviewer_membership, owner_membership):
    """By hand: 2 projects from the template (one still a draft), 5 engagements of which 4 started
    and 3 completed. Each project has 2 milestones, so per criterion 6 approved scores: 4 at level
    3 (c1, c2) and 2 at level 2 (c3); c1's first hand-in was sent back (not approved, not counted).
    Outcomes: c1 interviewed (then offered), c2 not selected without interview, c3 interviewed but
    not linked to the engagement, c4 interviewed while still working (not completed): known 2,
    interviewed 1."""
    projects.create_project(org, membership=owner_membership, data=make_input(template_uuid=str(template.uuid)))
    people = [make_user(f"c{i}@student.example", f"Candidate {i}") for i in range(1, 6)]
    c1, c2, c3, c4, c5 = people
    e1 = complete(c1, changes_on_first=True, level=3)
    e2 = complete(c2, level=3)
    complete(c3, level=2)
    e4 = start_now(sign_both(accept(project, c4, reviewer_membership), employer=alice, candidate=c4))
    accept(project, c5, reviewer_membership)  # offer accepted, contract not signed: not started
    now = timezone.now()
    Outcome.objects.create(
        organisation=org,
        candidate=c1,
        engagement=e1,
        stage="offered",
        invited_at=now,
        interviewed_at=now,
        offered_at=now,
    )
    Outcome.objects.create(
        organisation=org, candidate=c2, engagement=e2, stage="not_selected", invited_at=now, closed_at=now
    )
    Outcome.objects.create(organisation=org, candidate=c3, stage="interviewed", invited_at=now, interviewed_at=now)
    Outcome.objects.create(
        organisation=org, candidate=c4, engagement=e4, stage="interviewed", invited_at=now, interviewed_at=now
    )
    return project


def _levels(project, level: int, count: int, of: int) -> tuple[CriterionLevel, ...]:
    rubric = rubric_for(project)
    return tuple(
        CriterionLevel(c.name, c.levels.get(score=level).label, count, of) for c in rubric.criteria.order_by("position")
    )


def test_every_figure_matches_the_hand_count(history, template, untried):
    figures = template_outcomes([template, untried])
    got = figures[template.pk]
    assert (got.projects, got.started, got.completed) == (2, 4, 3)
    assert got.completion_percent == 75
    assert got.enough
    assert got.levels == _levels(history, 3, 4, 6)
    assert (got.known, got.interviewed, got.interview_percent) == (2, 1, 50)
    assert figures[untried.pk] == TemplateOutcomes(
        projects=0, started=0, completed=0, levels=(), known=0, interviewed=0
    )
    assert not figures[untried.pk].enough
    assert template_outcomes([]) == {}


def _section(html: str, template: ProjectTemplate) -> str:
    match = re.search(rf'id="t-{template.uuid}".*?</section>', html, re.S)
    assert match, "the template is not on the page"
    return match.group(0)


def test_the_catalogue_shows_the_figures_beside_each_template(history, template, untried, client_for, alice):
    html = client_for(alice).get(reverse("projects:templates")).content.decode()
    shown = _section(html, template)
    assert "2 projects started from this template, 4 engagements" in shown
    assert "3 of 4 completed (75%)" in shown
    for level in _levels(history, 3, 4, 6):
        assert f"{level.criterion}: {level.level}" in shown
    assert "(4 of 6 approved scores)" in shown
    assert "1 of 2 interns with a recorded outcome (50%)" in shown
    assert "Not enough data yet" not in shown
    empty = _section(html, untried)
    assert "Not enough data yet" in empty
    assert "completed" not in empty


def test_the_catalogue_is_for_signed_in_people(client, template):
    response = client.get(reverse("projects:templates"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_under_three_engagements_or_without_outcomes_the_figures_stay_hidden():
    def html(**figures: int) -> str:
        data: dict[str, Any] = {
            "projects": 1,
            "started": 3,
            "completed": 2,
            "levels": (),
            "known": 0,
            "interviewed": 0,
        } | figures
        return render_to_string("pathways/_template_outcomes.html", {"notes": [TemplateOutcomes(**data)]})

    assert "Not enough data yet" in html(started=2, completed=2)
    assert "2 of 3 completed (67%)" in html()
    assert "interview" not in html()  # no outcome recorded: the interview rate is not known
    assert "1 of 1 interns with a recorded outcome (100%)" in html(known=1, interviewed=1)


def test_query_counts_stay_flat_as_the_data_grows(history, template, untried, complete, client_for, alice):
    client = client_for(alice)
    url = reverse("projects:templates")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small_page:
        client.get(url)
    with CaptureQueriesContext(connection) as small:
        template_outcomes([template, untried])
    more = ProjectTemplate.objects.create(name="Another", data={}, public=True)
    complete(make_user("c6@student.example", "Candidate 6"), level=4)
    with CaptureQueriesContext(connection) as large_page:
        page = client.get(url)
    with CaptureQueriesContext(connection) as large:
        figures = template_outcomes([template, untried, more])
    assert len(small) == len(large) == 2
    assert len(small_page) == len(large_page)
    assert (figures[template.pk].started, figures[template.pk].completed) == (5, 4)
    assert "4 of 5 completed (80%)" in _section(page.content.decode(), template)
