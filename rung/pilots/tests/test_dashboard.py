"""Every dashboard figure, computed by hand from one small fixture, and the query count at two sizes."""

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rung.ledger.models import business_days_between
from rung.pilots import selectors
from rung.pilots.tests.conftest import people
from rung.pilots.tests.fill import Person, _t0, fill, fund, make_project


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_the_funnel_counts_distinct_candidates_at_each_stage(board):
    counts = {s.key: s.count for s in board.funnel}
    # 16 applied; 12 shortlisted (not the 3 waiting or the 1 rejected); the later stages follow the
    # specs; the last hire started eight months after the work, outside the six-month window.
    assert counts == {
        "applied": 16,
        "shortlisted": 12,
        "offered": 10,
        "started": 9,
        "completed": 8,
        "interviewed": 5,
        "role_offered": 4,
        "hired": 2,
    }


def test_each_rate_has_the_wilson_interval_by_hand(board):
    hired = board.stage("hired").rate
    assert (hired.k, hired.n) == (2, 4)
    low, high = hired.interval
    assert (low, high) == pytest.approx(wilson(2, 4), abs=1e-9)
    assert (round(low, 4), round(high, 4)) == (0.1500, 0.8500)
    assert board.stage("applied").rate is None
    assert board.stage("completed").rate.interval == pytest.approx(wilson(8, 9), abs=1e-9)


def test_a_rate_without_a_denominator_has_no_interval():
    assert selectors.Rate(0, 0).interval is None
    assert selectors.Rate(0, 0).value is None


def test_quality_of_work(board):
    q = board.quality
    assert q.approved == 8
    assert (q.approved_first_time.k, q.approved_first_time.n) == (4, 8)
    assert q.rounds_total == 1 + 1 + 1 + 2
    assert q.mean_rounds == 0.62 or q.mean_rounds == pytest.approx(5 / 8, abs=0.01)
    assert q.rounds == [(0, 4), (1, 3), (2, 1)]
    per_level: dict[tuple[str, int], int] = {}
    for row in q.levels:
        per_level[(row.criterion, row.score)] = row.count
    criteria = {c for c, _ in per_level}
    assert len(criteria) == 2
    for c in criteria:  # each approving review scores both criteria
        assert per_level[(c, 2)] == 3
        assert per_level[(c, 3)] == 3
        assert per_level[(c, 4)] == 2


def test_nps_by_hand(board):
    s = board.satisfaction
    answers = [p.recommend for p in people() if p.recommend is not None and p.stage not in ("applied", "started")]
    promoters = sum(1 for a in answers if a >= 9)
    detractors = sum(1 for a in answers if a <= 6)
    assert (s.nps_answers, s.promoters, s.detractors, s.passives) == (7, 5, 1, 1)
    assert s.nps == round(100 * (promoters - detractors) / len(answers)) == 57


def test_payment_timeliness_by_hand(board):
    t = board.timeliness
    days = sorted([1.0, 1.0, 1.0, 2.0, 5.0, 0.5, 0.5])  # the seven settled payouts
    nearest = lambda p: days[math.ceil(p * len(days)) - 1]  # noqa: E731
    assert t.settled == 7
    assert t.median_days == pytest.approx(nearest(0.5), abs=0.01) == 1.0
    assert t.p90_days == pytest.approx(nearest(0.9), abs=0.01) == 5.0
    approved = _t0() + timedelta(days=27)  # a Sunday
    within = sum(1 for d in days if business_days_between(approved, approved + timedelta(days=d)) <= 3)
    assert (t.within_target.k, t.within_target.n) == (within, 7) == (6, 7)


def test_time_to_first_decision_by_hand(board):
    t = board.timeliness
    waits = sorted(p.decided_after_days for p in people() if p.stage != "applied" or p.rejected)
    assert (t.decided, t.undecided) == (len(waits), 3) == (13, 3)
    assert t.decision_median_days == pytest.approx(waits[math.ceil(0.5 * 13) - 1], abs=0.01) == 2.0
    assert t.decision_p90_days == pytest.approx(waits[math.ceil(0.9 * 13) - 1], abs=0.01) == 3.0


def test_cost_per_completed_and_per_hire_from_the_ledger(board):
    (eur,) = board.cost
    assert eur.currency == "EUR"
    assert eur.stipends_minor == 8 * 60000
    assert eur.kill_fees_minor == 15000
    assert eur.platform_fees_minor == 48000
    assert eur.total_minor == 543000
    assert eur.per_completed_minor == 543000 / 8 == 67875
    assert eur.per_hire_minor == 543000 / 2 == 271500


def test_cost_leaves_out_other_projects(org, pilot):
    other = make_project(org, "Not in the pilot")
    fund(other, fee_minor=99999)
    fill(other, [Person("hired")], prefix="o")
    (eur,) = selectors.pilot_dashboard(pilot).cost
    assert eur.total_minor == 543000


def test_mentoring_with_and_without(board):
    with_m, without = board.mentoring
    assert with_m.with_mentor
    assert not without.with_mentor
    assert (with_m.started, with_m.completion.k, with_m.conversion.k, with_m.conversion.n) == (4, 3, 2, 3)
    assert (without.started, without.completion.k, without.conversion.k, without.conversion.n) == (5, 5, 0, 5)


def test_goals_beside_the_figures(board):
    goals = {g.label: g for g in board.goals}
    assert goals["Interview conversion"].met is True  # 5 of 8 = 62 % ≥ 50 %
    assert goals["Interview conversion"].actual == "62 % (5 of 8)"
    assert goals["Hired within six months"].met is False  # 2 of 8 = 25 % < 30 %
    assert goals["Intern NPS"].met is True  # 57 ≥ 40
    assert goals["Median days approval → payment"].met is True  # 1.0 ≤ 3


def test_figures_over_time(board):
    (march_or_april, *_rest) = board.months
    assert march_or_april.month.month == 3
    assert march_or_april.applied == 16
    assert march_or_april.completed == 8
    hires = {m.month.month: m.hired for m in board.months if m.hired}
    assert hires == {5: 2}  # two months after the end of March


def test_the_whole_platform_for_staff_adds_every_project(org, pilot):
    other = make_project(org, "Another")
    fill(other, [Person("completed")], prefix="x")
    board = selectors.dashboard(selectors.scope_for_platform())
    assert board.stage("applied").count == 17
    assert board.stage("completed").count == 9


@pytest.mark.parametrize("extra", [0])
def test_the_query_count_does_not_grow_with_data(org, pilot, extra):
    with CaptureQueriesContext(connection) as small:
        selectors.pilot_dashboard(pilot)
    project = pilot.projects.get()
    fill(project, people() * 4, prefix="more")
    with CaptureQueriesContext(connection) as large:
        board = selectors.pilot_dashboard(pilot)
    assert board.stage("applied").count == 16 * 5
    assert len(large) == len(small)
    assert len(small) <= 30
