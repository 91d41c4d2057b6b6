"""/api/v1/credentials through the real URLconf (so the API's error handlers run), outsider included."""

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from rung.accounts.models import User
from rung.credentials.models import ImportedCredential, IssuedCredential, Revocation, ShareLink

ClientFor = Callable[[User], Client]


def post(client: Client, path: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json")


def test_the_holder_lists_and_reads_their_credentials(api_for: ClientFor, dana: User, issued: IssuedCredential) -> None:
    client = api_for(dana)
    listing = client.get("/api/v1/credentials").json()
    assert listing["count"] == 1
    item = listing["items"][0]
    assert item["uuid"] == str(issued.uuid)
    assert item["organisation"] == "Acme Analytics"
    assert item["shared"] is True
    assert item["revoked"] is False
    assert item["share_url"] == f"http://testserver/verify/{issued.uuid}/"
    detail = client.get(f"/api/v1/credentials/{issued.uuid}").json()
    assert detail["credential"] == issued.document


def test_the_holder_turns_sharing_off(api_for: ClientFor, dana: User, issued: IssuedCredential) -> None:
    response = post(api_for(dana), f"/api/v1/credentials/{issued.uuid}/share", {"enabled": False})
    assert response.status_code == 200
    assert response.json()["shared"] is False
    assert not ShareLink.objects.get(credential=issued).enabled


def test_an_outsider_sees_nothing_and_changes_nothing(
    api_for: ClientFor, charlie: User, alice: User, issued: IssuedCredential
) -> None:
    for user in (charlie, alice):
        client = api_for(user)
        assert client.get("/api/v1/credentials").json()["count"] == 0
        assert client.get(f"/api/v1/credentials/{issued.uuid}").status_code == 404
        assert post(client, f"/api/v1/credentials/{issued.uuid}/share", {"enabled": False}).status_code == 404
    assert ShareLink.objects.get(credential=issued).enabled
    assert post(api_for(charlie), f"/api/v1/credentials/{issued.uuid}/revoke", {"reason": "Because"}).status_code == 404


def test_revoke_through_the_api(api_for: ClientFor, alice: User, bob: User, issued: IssuedCredential) -> None:
    path = f"/api/v1/credentials/{issued.uuid}/revoke"
    assert post(api_for(bob), path, {"reason": "I did not like it"}).status_code == 403
    response = post(api_for(alice), path, {"reason": "The work was not theirs"})
    assert response.status_code == 200
    assert response.json()["acting_as"] == "acme"
    assert Revocation.objects.filter(credential=issued).exists()
    again = post(api_for(alice), path, {"reason": "The work was not theirs"})
    assert again.status_code == 400
    assert again.json()["code"] == "already_revoked"


def test_import_through_the_api(api_for: ClientFor, dana: User, charlie: User, unsigned: dict) -> None:
    client = api_for(dana)
    response = post(client, "/api/v1/credentials/imported", {"credential": unsigned})
    assert response.status_code == 201
    body = response.json()
    assert body["verified"] is False
    assert body["name"] == "Teamwork Badge"
    assert any(check["name"] == "proof" for check in body["checks"])
    assert client.get("/api/v1/credentials/imported").json()["count"] == 1
    assert api_for(charlie).get(f"/api/v1/credentials/imported/{body['uuid']}").status_code == 404
    assert api_for(charlie).delete(f"/api/v1/credentials/imported/{body['uuid']}").status_code == 404
    assert client.delete(f"/api/v1/credentials/imported/{body['uuid']}").status_code == 204
    assert not ImportedCredential.objects.exists()


def test_import_refuses_garbage_with_the_api_error_shape(api_for: ClientFor, dana: User) -> None:
    client = api_for(dana)
    for body in ("[]", '{"credential": 5}', "nope", '{"credential": ' * 3000, '{"credential": {"a": 1}}'):
        response = post(client, "/api/v1/credentials/imported", body)
        assert response.status_code == 400, body[:40]
        assert set(response.json()) == {"detail", "code", "errors"}


def test_the_api_needs_authentication(client: Client, db: None) -> None:
    assert client.get("/api/v1/credentials").status_code == 401
