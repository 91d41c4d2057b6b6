"""The dashboards read only their scope, in a number of queries that does not grow with the data:
one pilot, the comparison of pilots and the staff view of the platform (see docs/pilots.md "Speed")."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rung.orgs.models import Organisation, OrgKind
from rung.pilots import selectors
from rung.pilots.models import Pilot
from rung.pilots.tests.conftest import people
from rung.pilots.tests.fill import Person, _t0, fill, fund, make_project


def _figures(board: selectors.Dashboard) -> tuple[object, ...]:
    return (
        [(s.key, s.count) for s in board.funnel],
        board.quality.approved,
        board.quality.levels,
        board.satisfaction,
        board.timeliness,
        [(c.currency, c.stipends_minor, c.kill_fees_minor, c.platform_fees_minor) for c in board.cost],
        [(m.with_mentor, m.started, m.completion.k, m.conversion.k) for m in board.mentoring],
        board.months,
    )


def _another_employer() -> Organisation:
    return Organisation.objects.create(name="Elsewhere", slug="elsewhere", kind=OrgKind.EMPLOYER)


def test_a_pilot_reads_only_its_own_projects(pilot):
    before = _figures(selectors.pilot_dashboard(pilot))
    elsewhere = _another_employer()
    for k in range(3):
        project = make_project(elsewhere, f"Elsewhere {k}")
        fund(project, fee_minor=7000)
        fill(project, people(), prefix=f"e{k}")
        other = Pilot.objects.create(
            organisation=elsewhere, name=f"Other {k}", starts_on=_t0().date(), ends_on=_t0().date() + timedelta(30)
        )
        other.projects.add(project)
    assert _figures(selectors.pilot_dashboard(pilot)) == before


def test_cost_is_per_currency_with_two_currencies_in_one_pilot(org, pilot):
    uk = make_project(org, "UK project", stipend_minor=50000, currency="GBP")
    fund(uk, fee_minor=4000, currency="GBP")
    fill(uk, [Person("completed"), Person("started", kill_fee_minor=9000)], prefix="uk")
    pilot.projects.add(uk)
    eur, gbp = selectors.pilot_dashboard(pilot).cost
    assert (eur.currency, eur.stipends_minor, eur.kill_fees_minor, eur.platform_fees_minor) == (
        "EUR",
        8 * 60000,
        15000,
        48000,
    )
    assert (gbp.currency, gbp.stipends_minor, gbp.kill_fees_minor, gbp.platform_fees_minor) == (
        "GBP",
        50000,
        9000,
        4000,
    )
    assert gbp.total_minor == 63000


def test_the_platform_view_query_count_does_not_grow_with_data(client_for, sam, pilot):
    url = reverse("pilots:platform")
    with CaptureQueriesContext(connection) as small:
        assert client_for(sam).get(url).status_code == 200
    elsewhere = _another_employer()
    for k in range(2):
        project = make_project(elsewhere, f"Elsewhere {k}")
        fund(project, fee_minor=7000)
        fill(project, people() * 2, prefix=f"p{k}")
    with CaptureQueriesContext(connection) as large:
        response = client_for(sam).get(url)
    assert response.status_code == 200
    assert selectors.dashboard(selectors.scope_for_platform()).stage("applied").count == 16 * 5
    assert len(large) == len(small)


def test_the_comparison_query_count_does_not_grow_with_data(client_for, alice, org, pilot):
    second = make_project(org, "Second")
    fill(second, [Person("completed")], prefix="s")
    other = Pilot.objects.create(
        organisation=org, name="Autumn pilot", starts_on=_t0().date(), ends_on=_t0().date() + timedelta(30)
    )
    other.projects.add(second)
    url = reverse("pilots:compare", args=[org.slug])
    with CaptureQueriesContext(connection) as small:
        assert client_for(alice).get(url).status_code == 200
    fill(pilot.projects.get(), people() * 3, prefix="more")
    fill(second, people() * 2, prefix="more2")
    with CaptureQueriesContext(connection) as large:
        response = client_for(alice).get(url)
    assert response.status_code == 200
    assert len(large) == len(small)
    assert selectors.pilot_dashboard(other).stage("applied").count == 1 + 16 * 2


def test_the_funnel_is_the_same_whether_or_not_diversity_questions_are_asked(settings, pilot):
    # With questions the funnel is the sum of the diversity groups; without, a query of its own.
    asked = selectors.pilot_dashboard(pilot)
    settings.PILOTS_DIVERSITY_FIELDS = []
    unasked = selectors.pilot_dashboard(pilot)
    assert unasked.diversity == []
    assert [(s.key, s.count) for s in unasked.funnel] == [(s.key, s.count) for s in asked.funnel]
    assert [s.count for s in asked.funnel] == [16, 12, 10, 9, 8, 5, 4, 2]
