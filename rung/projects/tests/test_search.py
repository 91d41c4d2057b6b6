from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rung.projects import selectors, services
from rung.projects.models import Project, ProjectStatus

from .conftest import make_input

pytestmark = pytest.mark.django_db


def _publish(org, membership, **overrides) -> Project:
    project = services.create_project(org, membership=membership, data=make_input(**overrides))
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.PUBLISHED, published_at=timezone.now())
    project.refresh_from_db()
    return project


def test_only_published_projects_are_found(draft, org, owner_membership):
    visible = _publish(org, owner_membership, title="Chart the survey results")
    page = selectors.search_projects(selectors.SearchParams())
    assert [p.pk for p in page.items] == [visible.pk]
    assert page.total_label == "1"


def test_text_skills_pay_time_and_mode_filters(org, owner_membership):
    data = _publish(org, owner_membership, title="Survey dashboard", stipend="1200.00", estimated_hours=30)
    design = _publish(
        org,
        owner_membership,
        title="Redesign the donation page",
        skill_slugs=["figma"],
        work_mode="hybrid",
        location="Leeds",
        duration_weeks=4,
        estimated_hours=40,
        stipend="1000.00",
        currency="GBP",
    )

    def found(**kwargs):
        return {p.pk for p in selectors.search_projects(selectors.SearchParams(**kwargs)).items}

    assert found(q="donation") == {design.pk}
    assert found(q="survey dashboard") == {data.pk}
    assert found(skills=["figma"]) == {design.pk}
    assert found(currency="EUR", min_hourly=Decimal("35")) == {data.pk}  # 40/h
    assert found(currency="EUR", min_hourly=Decimal("41")) == set()
    assert found(currency="GBP", min_total=Decimal("999")) == {design.pk}
    assert found(max_hours_per_week=12) == {design.pk}  # 10 h/week against 15
    assert found(durations=[2]) == {data.pk}
    assert found(work_modes=["hybrid"]) == {design.pk}
    assert found(organisation="acme") == {data.pk, design.pk}
    assert found(start_from=timezone.now().date() + timedelta(days=30)) == set()


def test_results_are_paginated_newest_first_with_a_bounded_number_of_queries(
    org, owner_membership, django_assert_max_num_queries
):
    projects = [_publish(org, owner_membership, title=f"Project number {i:02}") for i in range(25)]
    with django_assert_max_num_queries(4):
        first = selectors.search_projects(selectors.SearchParams(), page=1)
        titles = [p.title for p in first.items]
        skills = [list(p.skills.all()) for p in first.items]
    assert len(titles) == 20
    assert all(skills)
    assert first.has_next
    second = selectors.search_projects(selectors.SearchParams(), page=2)
    assert len(second.items) == 5
    assert not second.has_next
    assert {p.pk for p in first.items} | {p.pk for p in second.items} == {p.pk for p in projects}


def test_the_count_is_capped(monkeypatch, org, owner_membership):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for i in range(5):
        _publish(org, owner_membership, title=f"Capped project {i}")
    assert selectors.search_projects(selectors.SearchParams()).total_label == "3+"
