"""Search as a first-time user types it: typos, short forms, employer names, a pay filter
without a currency, and costs that do not grow with the number of results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rung.orgs.models import Organisation, OrgKind, Verification
from rung.projects import selectors, services
from rung.projects.models import Project, ProjectStatus

from .conftest import make_input

pytestmark = pytest.mark.django_db
GRANT = "A clear proposal for a foundation, two pages long."


def _publish(org, membership, **overrides) -> Project:
    project = services.create_project(org, membership=membership, data=make_input(**overrides))
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.PUBLISHED, published_at=timezone.now())
    project.refresh_from_db()
    return project


def _found(**kwargs) -> set[int]:
    return {p.pk for p in selectors.search_projects(selectors.SearchParams(**kwargs)).items}


def test_a_typo_finds_the_project_and_suggests_the_spelling(org, owner_membership):
    dashboard = _publish(
        org, owner_membership, title="Build a donor dashboard", summary="Charts for the board, refreshed every week."
    )
    _publish(
        org,
        owner_membership,
        title="Write a grant proposal",
        summary="A clear proposal for a foundation, two pages long.",
        skill_slugs=[],
    )
    page = selectors.search_projects(selectors.SearchParams(q="dashbord"))
    assert [p.pk for p in page.items] == [dashboard.pk]
    assert page.suggestion == "dashboard"


def test_short_and_partial_words_match(org, owner_membership):
    viz = _publish(org, owner_membership, title="Chart our survey", skill_slugs=["data-visualisation"])
    _publish(
        org,
        owner_membership,
        title="Write a grant proposal",
        summary="A clear proposal for a foundation, two pages long.",
        skill_slugs=[],
    )
    assert _found(q="data viz") == {viz.pk}
    assert _found(q="surv") == {viz.pk}
    assert selectors.search_projects(selectors.SearchParams(q="data viz")).suggestion is None


def test_an_employers_name_finds_its_projects(org, owner_membership):
    mine = _publish(org, owner_membership, title="Chart our survey")
    other_org = Organisation.objects.create(
        name="Bright Water Trust",
        slug="bright",
        kind=OrgKind.EMPLOYER,
        email_domain="bright.example",
        verification=Verification.VERIFIED,
    )
    Project.objects.filter(pk=mine.pk)  # keep the query lazy
    other = _publish(org, owner_membership, title="Map the rivers")
    Project.objects.filter(pk=other.pk).update(organisation=other_org)
    assert _found(q="Bright Water") == {other.pk}
    assert _found(q="acme analytics") == {mine.pk}


def test_nothing_close_gives_no_suggestion(org, owner_membership):
    _publish(org, owner_membership, title="Chart our survey")
    page = selectors.search_projects(selectors.SearchParams(q="xylophone"))
    assert list(page.items) == []
    assert page.suggestion is None


def test_the_page_offers_the_respelling(client, org, owner_membership):
    _publish(org, owner_membership, title="Build a donor dashboard")
    page = client.get(reverse("projects:search"), {"q": "dashbord"}).content.decode()
    assert "Did you mean" in page
    assert "q=dashboard" in page
    assert "Build a donor dashboard" in page


def test_a_pay_filter_without_currency_keeps_the_other_filters_and_shows_the_error_beside_it(
    client, org, owner_membership
):
    short = _publish(org, owner_membership, title="Chart our survey", duration_weeks=2)
    _publish(org, owner_membership, title="Chart our donors", duration_weeks=4, estimated_hours=40)
    response = client.get(reverse("projects:search"), {"min_hourly": "20", "durations": "2", "q": "chart"})
    body = response.content.decode()
    assert response.status_code == 200
    assert short.title in body
    assert "Chart our donors" not in body  # the duration filter still applies
    assert 'id="id_currency_error"' in body  # beside the currency field
    assert "<details open><summary>Pay</summary>" in body  # the panel stays unfolded
    assert "<details open><summary>Time</summary>" in body
    htmx = client.get(
        reverse("projects:search"), {"min_hourly": "20", "durations": "2"}, headers={"HX-Request": "true"}
    )
    assert htmx["HX-Retarget"] == "#search-layout"
    assert 'id="id_currency_error"' in htmx.content.decode()


def test_result_cards_show_the_total_stipend_beside_the_hourly_rate(client, org, owner_membership):
    _publish(org, owner_membership, title="Chart our survey", stipend="900.00", estimated_hours=30)
    body = client.get(reverse("projects:search")).content.decode()
    assert "30.00 EUR/h" in body
    assert "in total" in body
    assert "900" in body.split("30.00 EUR/h", 1)[1].split("in total", 1)[0]


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_project_list_api_and_the_search_page_cost_the_same_for_2_and_20(client, org, owner_membership):
    for i in range(2):
        _publish(org, owner_membership, title=f"Small project {i:02}")
    few_api = _queries(client, "/api/v1/projects")
    few_page = _queries(client, reverse("projects:search"))
    for i in range(18):
        _publish(org, owner_membership, title=f"Large project {i:02}")
    assert Project.objects.filter(status=ProjectStatus.PUBLISHED).count() == 20
    assert _queries(client, "/api/v1/projects") == few_api
    assert _queries(client, reverse("projects:search")) == few_page
    assert len(client.get("/api/v1/projects").json()["items"][0]["milestones"]) == 2


def test_a_rare_word_is_found_among_many_in_date_order(org, owner_membership, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    older = _publish(org, owner_membership, title="Catalogue the herbarium")
    for i in range(8):
        _publish(org, owner_membership, title=f"Chart survey {i}")
    newer = _publish(org, owner_membership, title="Photograph the herbarium")
    page = selectors.search_projects(selectors.SearchParams(q="herbarium"))
    assert [p.pk for p in page.items] == [newer.pk, older.pk]
    assert page.total_label == "2"
    common = selectors.search_projects(selectors.SearchParams(q="chart"))
    assert common.total_label == "5+"


def test_the_count_and_the_candidates_are_one_walk(org, owner_membership):
    for i in range(3):
        _publish(org, owner_membership, title=f"Catalogue the herbarium {i}")
    with CaptureQueriesContext(connection) as captured:
        page = selectors.search_projects(selectors.SearchParams(q="herbarium"))
        [list(p.skills.all()) for p in page.items]
    project_scans = [q["sql"] for q in captured if 'FROM "projects_project"' in q["sql"]]
    # One walk for count and candidates, one to load the page's rows.
    assert len(project_scans) == 2, project_scans


@pytest.mark.parametrize(
    "q", ["the", "a & b | !c", "'", "dashbord%", ":*", "Ünïcødé café", "x" * 200, "(((", "o'brien"]
)
def test_odd_queries_are_answered_not_crashed(client, org, owner_membership, q):
    _publish(org, owner_membership, title="Chart our survey")
    assert client.get("/api/v1/projects", {"q": q}).status_code == 200
    assert client.get(reverse("projects:search"), {"q": q, "sort": "relevance"}).status_code == 200
