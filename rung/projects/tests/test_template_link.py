"""A project started from a catalogue template records which one (the page and the API), so the
catalogue can show what came of each template."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rung.orgs.models import Organisation
from rung.projects import services
from rung.projects.models import Project, ProjectTemplate

from .conftest import make_input
from .test_api import _payload
from .test_views import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_template() -> ProjectTemplate:
    template = ProjectTemplate.objects.filter(public=True, organisation=None).first()
    assert template is not None  # the shipped catalogue is seeded by a migration
    return template


@pytest.fixture
def private_elsewhere(db) -> ProjectTemplate:
    other = Organisation.objects.create(name="Globex", slug="globex", kind="employer", email_domain="globex.example")
    return ProjectTemplate.objects.create(organisation=other, name="Globex's own", data={"title": "Globex's own"})


def test_the_page_records_the_template_a_project_was_started_from(client_for, alice, org, public_template):
    client = client_for(alice)
    url = reverse("projects:create", args=[org.slug]) + f"?template={public_template.uuid}"
    page = client.get(url)
    assert page.status_code == 200
    assert public_template.data["title"] in page.content.decode()  # the form starts from the template
    response = client.post(url, _form_data(), follow=True)
    assert "Draft saved" in response.content.decode()
    assert Project.objects.get().template == public_template


def test_a_project_written_from_scratch_records_no_template(client_for, alice, org):
    client_for(alice).post(reverse("projects:create", args=[org.slug]), _form_data())
    assert Project.objects.get().template is None


@pytest.mark.parametrize("bad", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_the_page_refuses_an_unknown_template_without_a_500(client_for, alice, org, bad):
    client = client_for(alice)
    url = reverse("projects:create", args=[org.slug]) + f"?template={bad}"
    assert client.get(url).status_code == 404
    assert client.post(url, _form_data()).status_code == 404
    assert not Project.objects.exists()


def test_the_page_refuses_another_organisations_private_template(client_for, alice, org, private_elsewhere):
    url = reverse("projects:create", args=[org.slug]) + f"?template={private_elsewhere.uuid}"
    assert client_for(alice).post(url, _form_data()).status_code == 404
    assert not Project.objects.exists()


def test_the_api_records_the_template(api_for, alice, org, public_template):
    response = api_for(alice).post(
        "/api/v1/projects", _payload(template=str(public_template.uuid)), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Project.objects.get(uuid=response.json()["uuid"]).template == public_template


@pytest.mark.parametrize("which", ["unknown", "private"])
def test_the_api_refuses_a_template_it_may_not_use_and_writes_nothing(api_for, alice, org, private_elsewhere, which):
    uuid = "00000000-0000-0000-0000-000000000000" if which == "unknown" else str(private_elsewhere.uuid)
    response = api_for(alice).post("/api/v1/projects", _payload(template=uuid), content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["template"]
    assert "template" in response.json()["detail"]
    assert not Project.objects.exists()


def test_an_edit_keeps_the_template_and_saving_as_a_template_still_round_trips(org, owner_membership, public_template):
    project = services.create_project(
        org, membership=owner_membership, data=make_input(template_uuid=str(public_template.uuid))
    )
    project = services.update_project(project, membership=owner_membership, data=make_input(title="Renamed"))
    assert project.template == public_template
    saved = services.save_as_template(project, membership=owner_membership, name="Ours")
    assert "template_uuid" not in saved.data
    today = timezone.now().date()
    again = services.input_from_template(
        saved, application_deadline=today + timedelta(days=9), start_date=today + timedelta(days=20)
    )
    assert again.template_uuid == str(saved.uuid)
    assert services.create_project(org, membership=owner_membership, data=again).template == saved


def test_an_organisations_own_template_is_recorded(org, owner_membership):
    own = ProjectTemplate.objects.create(organisation=org, name="Ours", data={})
    project = services.create_project(org, membership=owner_membership, data=make_input(template_uuid=str(own.uuid)))
    assert project.template == own


def test_deleting_a_template_keeps_its_projects(org, owner_membership):
    own = ProjectTemplate.objects.create(organisation=org, name="Ours", data={})
    project = services.create_project(org, membership=owner_membership, data=make_input(template_uuid=str(own.uuid)))
    own.delete()
    project.refresh_from_db()
    assert project.template is None
