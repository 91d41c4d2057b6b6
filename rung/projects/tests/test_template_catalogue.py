"""The template catalogue Rung ships: a dozen and more real templates, each one a valid project."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rung.profiles.models import Skill
from rung.projects import services
from rung.projects.library import template_catalogue
from rung.projects.models import ProjectTemplate
from rung.projects.selectors import templates_for

pytestmark = pytest.mark.django_db


def test_the_catalogue_has_at_least_a_dozen_public_templates_across_six_fields():
    entries = template_catalogue()
    assert len(entries) >= 12
    assert {e["field"] for e in entries} >= {"Data", "Writing", "Design", "Research", "Engineering", "Operations"}
    assert ProjectTemplate.objects.filter(organisation=None, public=True).count() == len(entries)
    assert len({e["name"] for e in entries}) == len(entries)


@pytest.mark.parametrize("entry", template_catalogue(), ids=lambda e: e["name"])
def test_each_template_is_named_for_what_it_says_and_makes_a_valid_project(entry, org, owner_membership):
    template = templates_for(org.pk).get(name=entry["name"], organisation=None)
    assert template.data["title"] == template.name  # the name says what the text describes
    assert set(template.skills.values_list("slug", flat=True)) == set(entry["data"]["skill_slugs"])
    assert Skill.objects.filter(slug__in=entry["data"]["skill_slugs"]).count() == len(entry["data"]["skill_slugs"])
    today = timezone.now().date()
    data = services.input_from_template(
        template, application_deadline=today + timedelta(days=14), start_date=today + timedelta(days=21)
    )
    project = services.create_project(org, membership=owner_membership, data=data)  # fair pay, milestones, outcomes
    assert project.title == template.name
    assert project.milestones.count() == len(entry["data"]["milestones"])
    assert len(project.summary) >= 150  # well written: a real brief, not a line


def test_seeding_again_adds_nothing():
    from django.apps import apps

    from rung.projects.library import seed_template_catalogue

    before = ProjectTemplate.objects.count()
    seed_template_catalogue(apps)
    assert ProjectTemplate.objects.count() == before
