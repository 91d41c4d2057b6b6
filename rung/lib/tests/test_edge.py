"""The request guard (rung.lib.edge): limits and refusals before any view reads the request, and
JSON in the error shape for every answer under /api/v1/ (issue #9)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from rung.accounts.services import create_api_token
from rung.notifications.models import Notification
from rung.profiles.models import CandidateProfile
from rung.projects.models import Project
from rung.projects.tests.test_api import _payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice, org) -> Client:
    _, raw = create_api_token(alice, name="t", scopes=["read", "write", "money", "credentials"])
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def _shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/v1/projects/not-a-uuid/publish", "/api/v1/engagements/x/y/z"],
)
def test_unknown_api_addresses_answer_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert _shape(response)["code"] == "not_found"


def test_a_method_the_api_does_not_answer_is_json_405_with_allow(api):
    response = api.delete("/api/v1/projects")
    assert response.status_code == 405
    assert _shape(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_the_interactive_docs_stay_html(client):
    assert client.get("/api/v1/docs")["Content-Type"].startswith("text/html")


def test_a_body_over_the_limit_is_refused_from_its_content_length_before_it_is_read(api, settings):
    settings.REQUEST_MAX_BODY_MB = 1
    # The declared length is what counts: the body itself is never read.
    response = api.post("/api/v1/projects", b"{}", content_type="application/json", CONTENT_LENGTH=str(150 * 1024**2))
    assert response.status_code == 413
    assert "at most 1 MB" in _shape(response)["detail"]


def test_a_page_post_over_the_limit_gets_a_413_page(client_for, alice, settings):
    settings.REQUEST_MAX_BODY_MB = 1
    response = client_for(alice).post(
        reverse("profiles:edit"), b"x", content_type="text/plain", CONTENT_LENGTH=str(2 * 1024**2)
    )
    assert response.status_code == 413
    assert "at most 1 MB" in response.content.decode()


def test_form_fields_beyond_the_in_memory_limit_are_a_413_not_a_crash(client_for, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client_for(alice).post(reverse("profiles:edit"), {"headline": "x" * 5000})
    assert response.status_code == 413


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_a_multipart_content_type_without_a_boundary_never_crashes(api, method):
    response = getattr(api, method)("/api/v1/projects", CONTENT_TYPE="multipart/form-data")
    assert response.status_code in (400, 405)
    _shape(response)


def test_a_get_with_a_multipart_body_is_answered(api):
    response = api.get("/api/v1/projects", CONTENT_TYPE="multipart/form-data; boundary=xyz")
    assert response.status_code == 200


def test_a_nul_in_the_search_query_is_a_400(api):
    response = api.get("/api/v1/projects", {"q": "data\x00science"})
    assert response.status_code == 400
    body = _shape(response)
    assert body["code"] == "nul_character"
    assert body["errors"][0]["field"] == "q"


def test_a_nul_in_a_json_string_is_a_400_and_saves_nothing(api):
    payload = _payload(learning_outcomes=["Maps", "Work with\x00geodata"])
    response = api.post("/api/v1/projects", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert _shape(response)["errors"][0]["field"] == "learning_outcomes.1"
    assert not Project.objects.exists()


def test_a_nul_in_a_json_key_is_a_400(api):
    response = api.put("/api/v1/profile", json.dumps({"head\x00line": "x"}), content_type="application/json")
    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_a_400_page_and_saves_nothing(client_for, alice):
    response = client_for(alice).post(reverse("profiles:edit"), {"headline": "Data\x00 analyst"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not CandidateProfile.objects.filter(headline__contains="Data").exists()


def test_a_nul_in_a_page_query_is_a_400_page(client):
    response = client.get(reverse("projects:search"), {"q": "\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_uploaded_files_may_hold_nul_bytes(client_for, alice):
    # Only text fields are checked; binary files are full of NULs and are judged by rung.lib.uploads.
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(
        reverse("notifications:mark_all_read"), {"file": SimpleUploadedFile("a.png", b"\x89PNG\x00\x00")}
    )
    assert response.status_code == 302


def test_json_as_text_plain_is_415_but_an_empty_post_needs_no_type(api):
    response = api.post("/api/v1/notifications/read-all", "", content_type="text/plain")
    assert response.status_code == 200
    assert Notification.objects.count() == 0


def test_json_clients_of_plain_json_views_get_a_json_refusal(client):
    response = client.post(
        "/credentials/verify", '{"verifiableCredential": "\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert _shape(response)["code"] == "nul_character"
