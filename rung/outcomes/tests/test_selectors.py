"""Every aggregate checked against a hand computation, and its query count at two data sizes."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rung.engagements.models import Engagement
from rung.outcomes import selectors, services
from rung.outcomes.models import EmployerSurvey, InternSurvey, Outcome
from rung.outcomes.services import OutcomeInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(services.timezone, "now", lambda: datetime(2026, 12, 1, 12, tzinfo=UTC))


def in_window(outcomes: QuerySet[Outcome], months: int | None = None) -> bool:
    row: Any = selectors.annotate_hire_window(outcomes, months=months).get()
    return row.hired_within_window


def hire(org, alice, person, start: date) -> Outcome:
    return services.record_outcome(
        org,
        candidate=person,
        actor=alice,
        data=OutcomeInput(stage="hired", role_title="Analyst", employment_type="full_time", start_date=start),
    )


@pytest.mark.parametrize(
    ("end", "start", "within"),
    [
        (date(2026, 8, 31), date(2027, 2, 28), True),  # 31 Aug + 6 months = 28 Feb (clamped)
        (date(2026, 8, 31), date(2027, 3, 1), False),
        (date(2026, 6, 15), date(2026, 12, 15), True),  # exactly six months
        (date(2026, 6, 15), date(2026, 12, 16), False),  # a day late
        (date(2026, 6, 15), date(2026, 6, 1), True),  # started before the engagement ended
    ],
)
def test_hired_within_six_months_by_calendar(org, alice, make_intern, end, start, within):
    person, _ = make_intern(end=end)
    outcome = hire(org, alice, person, start)
    row: Any = selectors.annotate_hire_window(Outcome.objects.filter(pk=outcome.pk)).get()
    assert row.last_engagement_end == end
    assert row.hired_within_window is within


def test_the_window_is_a_setting_and_uses_the_last_engagement(org, alice, make_intern):
    from rung.outcomes.tests.conftest import finish

    person, _ = make_intern(end=date(2026, 1, 10))
    outcome = hire(org, alice, person, date(2026, 9, 1))
    assert in_window(Outcome.objects.all()) is False
    assert in_window(Outcome.objects.all(), months=8) is True
    # The engagement's end moving later (as a later engagement would) moves the reference date.
    other = Engagement.objects.get(candidate=person)
    finish(other, end=date(2026, 5, 1))
    assert in_window(Outcome.objects.filter(pk=outcome.pk)) is True


def build(org, alice, make_intern, n: int) -> None:
    """n groups of five interns: one invited, one interviewed, one hired in time, one hired late, one nothing."""
    for _ in range(n):
        a, _ = make_intern(end=date(2026, 6, 30))
        services.record_outcome(org, candidate=a, actor=alice, data=OutcomeInput(stage="invited"))
        b, _ = make_intern(end=date(2026, 6, 30))
        services.record_outcome(org, candidate=b, actor=alice, data=OutcomeInput(stage="interviewed"))
        c, _ = make_intern(end=date(2026, 6, 30))
        hire(org, alice, c, date(2026, 10, 1))
        d, _ = make_intern(end=date(2025, 12, 1))
        hire(org, alice, d, date(2026, 10, 1))
        make_intern(end=date(2026, 6, 30))


def test_the_funnel_counts_distinct_candidates_by_stage(org, alice, make_intern):
    build(org, alice, make_intern, 1)
    funnel = selectors.outcome_funnel(Engagement.objects.all())
    # by hand: 5 candidates; invited 4 (a, b, c, d), interviewed 3 (b, c, d), offered 2, hired 2, in time 1 (c)
    assert (funnel.candidates, funnel.invited, funnel.interviewed, funnel.offered, funnel.hired) == (5, 4, 3, 2, 2)
    assert funnel.hired_within_window == 1
    assert funnel.window_months == 6


def test_the_funnel_ignores_outcomes_at_other_employers(org, alice, make_intern):
    from conftest import make_user
    from rung.orgs.models import Membership, Organisation, OrgKind, Role

    person, _engagement = make_intern()
    other = Organisation.objects.create(name="Other", slug="other", kind=OrgKind.EMPLOYER, email_domain="o.example")
    owner = make_user("olga@o.example", "Olga")
    Membership.objects.create(organisation=other, user=owner, role=Role.OWNER)
    Outcome.objects.create(organisation=other, candidate=person, stage="invited", invited_at=timezone.now())
    assert selectors.outcome_funnel(Engagement.objects.all()).invited == 0


def test_the_funnel_query_count_does_not_grow(org, alice, make_intern):
    build(org, alice, make_intern, 1)
    with CaptureQueriesContext(connection) as small:
        selectors.outcome_funnel(Engagement.objects.all())
    build(org, alice, make_intern, 1)
    with CaptureQueriesContext(connection) as large:
        funnel = selectors.outcome_funnel(Engagement.objects.all())
    assert funnel.candidates == 10
    assert len(small) == len(large) == 1


def test_nps_and_employer_summary_by_hand(org, alice, make_intern):
    scores = [10, 9, 8, 7, 6, 0, 10]
    engagements = []
    for score in scores:
        person, engagement = make_intern()
        services.answer_intern_survey(engagement, candidate=person, recommend=score)
        engagements.append(engagement)
    services.answer_employer_survey(engagements[0], actor=alice, platform_score=9, would_hire="yes")
    services.answer_employer_survey(engagements[1], actor=alice, platform_score=6, would_hire="no")
    with CaptureQueriesContext(connection) as queries:
        nps = selectors.intern_nps(Engagement.objects.all())
        summary = selectors.employer_survey_summary(Engagement.objects.all())
    assert len(queries) == 2
    # promoters 3 (10, 9, 10), passives 2 (8, 7), detractors 2 (6, 0): NPS = 100·(3 − 2)/7 = 14.3 → 14
    assert (nps.answers, nps.promoters, nps.passives, nps.detractors, nps.score) == (7, 3, 2, 2, 14)
    assert (summary.answers, summary.platform_score_mean, summary.would_hire_yes, summary.would_hire_no) == (
        2,
        7.5,
        1,
        1,
    )
    assert selectors.intern_nps(Engagement.objects.none()).score is None


def test_surveys_refuse_the_wrong_person_twice_and_early(org, alice, bob, charlie, make_intern):
    from rung.lib.errors import DomainError, NotFound

    person, engagement = make_intern()
    with pytest.raises(NotFound):
        services.answer_intern_survey(engagement, candidate=charlie, recommend=5)
    with pytest.raises(DomainError, match="0 to 10"):
        services.answer_intern_survey(engagement, candidate=person, recommend=11)
    services.answer_intern_survey(engagement, candidate=person, recommend=5)
    with pytest.raises(DomainError, match="already answered"):
        services.answer_intern_survey(engagement, candidate=person, recommend=6)
    with pytest.raises(NotFound):
        services.answer_employer_survey(engagement, actor=charlie, platform_score=5, would_hire="yes")
    with pytest.raises(DomainError, match="would hire"):
        services.answer_employer_survey(engagement, actor=bob, platform_score=5, would_hire="perhaps")
    _, running = make_intern(end=None)
    with pytest.raises(DomainError, match="complete"):
        services.answer_employer_survey(running, actor=alice, platform_score=5, would_hire="yes")
    assert InternSurvey.objects.get().recommend == 5
    assert not EmployerSurvey.objects.exists()
