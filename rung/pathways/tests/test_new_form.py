"""The ladder's page form: its first rungs from the organisation's projects and catalogue templates."""

import pytest
from django.urls import reverse

from rung.orgs.models import Membership, Organisation, OrgKind, Role
from rung.pathways.models import Pathway
from rung.profiles.models import Skill
from rung.projects import services as projects
from rung.projects.models import ProjectTemplate
from rung.projects.tests.conftest import make_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def rival(charlie):
    org = Organisation.objects.create(name="Rival", slug="rival", kind=OrgKind.EMPLOYER, email_domain="r.example")
    Membership.objects.create(organisation=org, user=charlie, role=Role.OWNER)
    return org


@pytest.fixture
def catalogue(org, rival):
    skill = Skill.objects.get(slug="python")
    public = ProjectTemplate.objects.create(name="Public survey", data={}, public=True)
    public.skills.add(skill)
    own = ProjectTemplate.objects.create(organisation=org, name="Our own brief", data={})
    private = ProjectTemplate.objects.create(organisation=rival, name="Rival's private brief", data={})
    hidden = ProjectTemplate.objects.create(name="Staff draft", data={})  # not yet in the catalogue
    return {"public": public, "own": own, "private": private, "hidden": hidden}


def form(**extra):
    return {"title": "Analyst ladder", "step1-kind": "interview", "step1-title": "Interview", **extra}


def test_the_form_offers_only_the_organisations_projects_and_its_catalogue(
    org, alice, rival, charlie, catalogue, client_for
):
    mine = projects.create_project(
        org, membership=Membership.objects.get(user=alice), data=make_input(title="Our survey project")
    )
    projects.create_project(
        rival, membership=Membership.objects.get(user=charlie), data=make_input(title="Their survey project")
    )
    page = client_for(alice).get(reverse("pathways:new", args=["acme"])).content.decode()
    assert str(mine.uuid) in page
    assert "Their survey project" not in page
    assert "Public survey" in page
    assert "Our own brief" in page
    assert "Rival&#x27;s private brief" not in page
    assert "Staff draft" not in page


def test_a_ladder_from_a_project_and_a_template(org, alice, catalogue, client_for):
    mine = projects.create_project(
        org, membership=Membership.objects.get(user=alice), data=make_input(title="Our survey project")
    )
    response = client_for(alice).post(
        reverse("pathways:new", args=["acme"]),
        form(projects=[str(mine.uuid)], templates=[str(catalogue["public"].uuid), str(catalogue["own"].uuid)]),
    )
    assert response.status_code == 302
    pathway = Pathway.objects.get()
    assert list(pathway.projects.all()) == [mine]
    assert [s.slug for s in pathway.skills.all()] == ["python"]  # the public template's skill


def test_someone_elses_project_is_refused_with_a_clear_message(org, alice, rival, charlie, client_for):
    theirs = projects.create_project(rival, membership=Membership.objects.get(user=charlie), data=make_input())
    response = client_for(alice).post(reverse("pathways:new", args=["acme"]), form(projects=[str(theirs.uuid)]))
    assert response.status_code == 200
    assert "Choose among your organisation&#x27;s own projects." in response.content.decode()
    assert not Pathway.objects.exists()


@pytest.mark.parametrize("which", ["private", "hidden"])
def test_a_template_not_in_the_organisations_catalogue_is_refused(org, alice, catalogue, client_for, which):
    response = client_for(alice).post(
        reverse("pathways:new", args=["acme"]), form(templates=[str(catalogue[which].uuid)])
    )
    assert response.status_code == 200
    assert "Choose among the public catalogue and your organisation&#x27;s templates." in response.content.decode()
    assert not Pathway.objects.exists()


def test_the_service_refuses_them_too(org, alice, catalogue, api_for):
    body = {"title": "X", "templates": [str(catalogue["hidden"].uuid)], "steps": [{"kind": "offer", "title": "Offer"}]}
    refused = api_for(alice).post("/api/v1/pathways/orgs/acme", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Some of those templates are not available to you."
    assert not Pathway.objects.exists()
