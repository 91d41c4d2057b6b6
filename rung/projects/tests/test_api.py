from datetime import timedelta

import pytest
from django.utils import timezone

from rung.projects import services
from rung.projects.models import Project, ProjectStatus

from .conftest import make_input

# Deadlines must lie between today and the planning horizon (two years).
_SOON = timezone.now().date() + timedelta(days=30)

pytestmark = pytest.mark.django_db


def _payload(**overrides):
    data = {
        "organisation": "acme",
        "title": "Map our delivery routes",
        "summary": "We want to see where our vans go and where they wait. Turn a month of GPS logs into a clear map.",
        "learning_outcomes": ["Work with geospatial data"],
        "skills": ["python"],
        "duration_weeks": 3,
        "estimated_hours": 45,
        "stipend": "1350.00",
        "currency": "EUR",
        "seats": 1,
        "application_deadline": _SOON.isoformat(),
        "start_date": (_SOON + timedelta(days=9)).isoformat(),
        "milestones": [
            {"title": "Cleaned logs", "due_offset_days": 7, "share_percent": 30},
            {"title": "Map and memo", "due_offset_days": 21, "share_percent": 70},
        ],
    }
    data.update(overrides)
    return data


def test_the_whole_posting_story_through_the_api(api_for, alice, org, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    client = api_for(alice)
    created = client.post("/api/v1/projects", _payload(), content_type="application/json")
    assert created.status_code == 201, created.content
    uuid = created.json()["uuid"]
    assert created.json()["hourly_rate"] == "30.00"
    refused = client.post(f"/api/v1/projects/{uuid}/publish")
    assert refused.status_code == 400
    assert refused.json()["code"] == "unfunded"
    funded = client.post(f"/api/v1/projects/{uuid}/fund")
    assert funded.status_code == 201
    assert funded.json()["status"] == "confirmed"
    published = client.post(f"/api/v1/projects/{uuid}/publish")
    assert published.json()["status"] == "published"
    found = client.get("/api/v1/projects", {"q": "delivery"}).json()
    assert [p["uuid"] for p in found["items"]] == [uuid]


def test_an_under_floor_project_is_refused_with_the_field(api_for, alice, org):
    response = api_for(alice).post("/api/v1/projects", _payload(stipend="100"), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "below_floor"
    assert body["errors"][0]["field"] == "stipend"
    assert not Project.objects.exists()


def test_schema_errors_name_each_field(api_for, alice, org):
    response = api_for(alice).post(
        "/api/v1/projects",
        _payload(duration_weeks=9, learning_outcomes=[], milestones=[]),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"duration_weeks", "learning_outcomes", "milestones"} <= fields


def test_outsiders_cannot_post_for_an_organisation_or_touch_its_projects(
    api_for, charlie, org, owner_membership, published
):
    draft = services.create_project(org, membership=owner_membership, data=make_input(title="A second draft"))
    client = api_for(charlie)
    assert client.post("/api/v1/projects", _payload(), content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/projects/{draft.uuid}").status_code == 404
    for action in ("fund", "publish", "close"):
        assert client.post(f"/api/v1/projects/{published.uuid}/{action}").status_code == 404
    assert (
        client.post(
            f"/api/v1/projects/{published.uuid}/cancel", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.put(f"/api/v1/projects/{draft.uuid}", _payload(), content_type="application/json").status_code == 404
    published.refresh_from_db()
    assert published.status == ProjectStatus.PUBLISHED


def test_anyone_can_search_and_read_published_projects(client, published):
    assert client.get("/api/v1/projects").json()["total"] == "1"
    assert client.get(f"/api/v1/projects/{published.uuid}").json()["title"] == published.title


def test_a_pay_filter_needs_a_currency(client, published):
    response = client.get("/api/v1/projects", {"min_hourly": "10"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "currency"
