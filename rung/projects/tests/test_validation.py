"""Bad project input is refused at the edge with a clear message, and nothing is saved (issue #9)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rung.accounts.services import create_api_token
from rung.projects import services
from rung.projects.models import Project

from .conftest import make_input
from .test_api import _payload
from .test_views import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice, org) -> Client:
    _, raw = create_api_token(alice, name="t", scopes=["read", "write", "money", "credentials"])
    # Not raising: a server error must show up as a 500 response the test can assert on.
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _post(api: Client, **overrides):
    return api.post("/api/v1/projects", _payload(**overrides), content_type="application/json")


def test_a_deadline_at_the_end_of_time_is_a_400_and_saves_nothing(api):
    response = _post(api, application_deadline="9999-12-30", start_date="9999-12-31")
    assert response.status_code in (400, 422)
    assert "too far ahead" in response.json()["errors"][0]["message"]
    assert not Project.objects.exists()


def test_dates_beyond_the_horizon_are_refused_by_the_service_too(org, owner_membership):
    far = timezone.now().date() + timedelta(days=800)
    with pytest.raises(services.ProjectError, match="too far ahead"):
        services.create_project(
            org,
            membership=owner_membership,
            data=make_input(application_deadline=far, start_date=far + timedelta(days=7)),
        )
    assert not Project.objects.exists()


def test_an_application_deadline_in_the_past_is_refused(api):
    yesterday = timezone.now().date() - timedelta(days=1)
    response = _post(api, application_deadline=yesterday.isoformat())
    assert response.status_code == 422
    assert "in the past" in response.json()["errors"][0]["message"]
    assert not Project.objects.exists()


def test_an_unknown_jurisdiction_is_refused(api):
    response = _post(api, jurisdiction="XX")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"field": "jurisdiction", "message": body["detail"]}]
    assert "no minimum-wage table" in body["detail"]
    assert not Project.objects.exists()


def test_a_listed_jurisdiction_is_accepted(api):
    assert _post(api, jurisdiction="DE").status_code == 201


def test_a_lower_case_currency_is_refused_not_guessed(api):
    response = _post(api, currency="eur")
    assert response.status_code == 422
    assert "three capital letters" in response.json()["errors"][0]["message"]
    assert not Project.objects.exists()


@pytest.mark.parametrize("stipend", ["1e3", "1E3", "NaN", "+1350", "0x10", " ", "1,350.00"])
def test_a_stipend_not_written_plainly_is_refused(api, stipend):
    response = _post(api, stipend=stipend)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stipend"
    assert not Project.objects.exists()


def test_json_sent_as_text_plain_is_a_415(api):
    import json

    response = api.post("/api/v1/projects", json.dumps(_payload()), content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not Project.objects.exists()


def test_duplicating_into_the_far_future_is_refused(api, draft):
    response = api.post(
        f"/api/v1/projects/{draft.uuid}/duplicate",
        {"application_deadline": "9999-12-30", "start_date": "9999-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Project.objects.count() == 1


def test_the_form_refuses_a_past_deadline_and_an_exponent_stipend(client_for, alice, org):
    yesterday = timezone.now().date() - timedelta(days=1)
    response = client_for(alice).post(
        reverse("projects:create", args=[org.slug]),
        _form_data(application_deadline=yesterday.isoformat(), stipend="1e3"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "in the past" in page
    assert "not an amount written plainly" in page
    assert not Project.objects.exists()


def test_the_form_refuses_a_date_beyond_the_horizon(client_for, alice, org):
    response = client_for(alice).post(reverse("projects:create", args=[org.slug]), _form_data(start_date="9999-12-31"))
    assert response.status_code == 400
    assert "too far ahead" in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize("page", ["54931123136626652855356358656", "-4", "abc", "9" * 5000])
def test_the_search_page_survives_any_page_number(client, page):
    assert client.get(reverse("projects:search"), {"page": page}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "page=54931123136626652855356358656",
        "durations=54931123136626652855356358656",
        "durations=0",
        "min_hourly=1e400&currency=EUR",
        "max_hours_per_week=99999999999999999999",
    ],
)
def test_api_search_bounds_every_number(api, query):
    response = api.get(f"/api/v1/projects?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
