import pytest
from django.test import Client

from rung.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_me_needs_authentication_and_says_how(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "Bearer" in body["detail"]
    assert body["errors"] == []


def test_me_with_a_token(api_for, alice):
    response = api_for(alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == alice.email


def test_me_with_the_browser_session(client_for, alice):
    assert client_for(alice).get("/api/v1/me").json()["full_name"] == "Alice Owner"


def test_a_revoked_token_no_longer_works(api_for, alice):
    client = api_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert client.post(f"/api/v1/tokens/{token.uuid}/revoke").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_creating_a_token_returns_it_once_and_lists_it_without_the_secret(client_for, alice):
    client = client_for(alice)
    response = client.post("/api/v1/tokens", {"name": "sync"}, content_type="application/json")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert response.json()["scopes"] == ["read"]
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 1
    assert all("token" not in item for item in listed["items"])
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 200


def test_an_outsider_cannot_revoke_or_see_another_persons_token(api_for, alice, charlie):
    api_for(alice)
    token = ApiToken.objects.get(user=alice)
    outsider = api_for(charlie)
    assert outsider.post(f"/api/v1/tokens/{token.uuid}/revoke").status_code == 404
    assert all(t["uuid"] != str(token.uuid) for t in outsider.get("/api/v1/tokens").json()["items"])
    token.refresh_from_db()
    assert token.revoked_at is None


def test_bad_input_gets_the_error_shape_with_fields(client_for, alice):
    response = client_for(alice).post("/api/v1/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == "name"


def test_malformed_json_is_a_400_not_a_500(client_for, alice):
    response = client_for(alice).post("/api/v1/tokens", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_the_openapi_document_and_docs_page_load(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Rung API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.content.decode().lower()
