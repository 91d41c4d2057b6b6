"""The W3C CCG VC API at the site root: verify, verify presentations, issue. Never a 500."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rung.accounts.models import User
from rung.credentials.jsonld import CREDENTIALS_V2_URL, OB_V3P0_URL
from rung.credentials.models import IssuedCredential
from rung.credentials.services import revoke_credential
from rung.credentials.verify import verify_credential
from rung.orgs.models import Organisation, Verification

ClientFor = Callable[[User], Client]


def post(client: Client, path: str, body: Any, **headers: str) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", headers=headers)


# --- POST /credentials/verify ---------------------------------------------------------------------


def test_verify_answers_200_for_a_good_credential(client: Client, issued: IssuedCredential) -> None:
    response = post(client, "/credentials/verify", {"verifiableCredential": issued.document, "options": {}})
    assert response.status_code == 200
    assert response.json() == {
        "verified": True,
        "checks": ["format", "contexts", "issuer", "proof", "dates", "credentialStatus", "schema"],
        "warnings": [],
        "errors": [],
        "problemDetails": [],
    }


def test_verify_answers_422_with_reasons_for_a_tampered_credential(client: Client, issued: IssuedCredential) -> None:
    tampered = issued.document | {"name": "Chief Executive"}
    response = post(client, "/credentials/verify", {"verifiableCredential": tampered})
    body = response.json()
    assert response.status_code == 422
    assert body["verified"] is False
    assert body["code"] == "not_verified"
    assert "signature does not check out" in body["errors"][0]


def test_verify_rejects_a_revoked_credential(client: Client, issued: IssuedCredential, sam: User) -> None:
    revoke_credential(issued, actor=sam, reason="Issued by mistake")
    response = post(client, "/credentials/verify", {"verifiableCredential": issued.document})
    assert response.status_code == 422
    assert "credentialStatus" not in response.json()["checks"]
    assert "revoked" in response.json()["errors"][0]


def _deep(levels: int) -> str:
    return '{"verifiableCredential": ' + '{"a": ' * levels + "1" + "}" * levels + "}"


GARBAGE: dict[str, Any] = {
    "empty body": "",
    "not json": "nope",
    "truncated": '{"verifiableCredential": {',
    "a list": [],
    "a string": "x",
    "a number": 5,
    "null": None,
    "credential is a number": {"verifiableCredential": 5},
    "credential is a list": {"verifiableCredential": []},
    "credential is a string": {"verifiableCredential": "eyJhbGciOiJFZERTQSJ9.e30.c2ln"},
    "credential is empty": {"verifiableCredential": {}},
    "options is a list": {"verifiableCredential": {}, "options": []},
    "deep nesting": _deep(3000),
    "moderately deep nesting": _deep(60),
    "huge string": {"verifiableCredential": {"name": "x" * 600_000}},
    "huge but allowed string": {
        "verifiableCredential": {
            "@context": [CREDENTIALS_V2_URL],
            "type": ["VerifiableCredential"],
            "name": "x" * 200_000,
        }
    },
    "bad unicode": b'{"verifiableCredential": "\xff\xfe"}',
    "NaN": '{"verifiableCredential": {"@context": [NaN]}}',
    "wrong types everywhere": {
        "verifiableCredential": {
            "@context": [CREDENTIALS_V2_URL, 7],
            "type": {"a": 1},
            "issuer": [None],
            "credentialSubject": "me",
            "proof": [[[]]],
            "validFrom": 12,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusListIndex": -1},
        }
    },
}


@pytest.mark.parametrize("body", list(GARBAGE.values()), ids=list(GARBAGE))
@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify", "/credentials/issue"])
def test_garbage_is_a_400_or_422_never_a_500(client: Client, db: None, path: str, body: Any) -> None:
    response = post(client, path, body)
    assert response.status_code in {400, 401, 422}, response.content[:300]
    payload = response.json()
    assert payload.get("errors") or payload.get("detail")
    assert payload.get("code") != "unprocessable"  # handled on purpose, not by the last-resort guard


def test_the_vc_api_takes_only_post(client: Client, db: None) -> None:
    response = client.get("/credentials/verify")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# --- POST /presentations/verify -------------------------------------------------------------------


def test_verify_a_presentation(client: Client, issued: IssuedCredential) -> None:
    presentation: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_URL],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [issued.document],
    }
    response = post(client, "/presentations/verify", {"verifiablePresentation": presentation})
    body = response.json()
    assert response.status_code == 200
    assert body["verified"] is True
    assert "not signed" in body["warnings"][0]
    assert body["credentialResults"][0]["verified"] is True
    presentation["verifiableCredential"].append(issued.document | {"name": "x"})
    response = post(client, "/presentations/verify", {"verifiablePresentation": presentation})
    assert response.status_code == 422
    assert response.json()["credentialResults"][1]["verified"] is False


def test_a_challenge_needs_a_signed_presentation(client: Client, issued: IssuedCredential) -> None:
    presentation = {
        "@context": [CREDENTIALS_V2_URL],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [issued.document],
    }
    response = post(
        client, "/presentations/verify", {"verifiablePresentation": presentation, "options": {"challenge": "abc"}}
    )
    assert response.status_code == 422


# --- POST /credentials/issue ----------------------------------------------------------------------


def _request(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_URL, OB_V3P0_URL],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data cleaning sprint",
        "credentialSubject": {
            "id": "did:example:someone",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://acme.example/achievements/data-cleaning",
                "type": ["Achievement"],
                "name": "Data cleaning sprint",
                "description": "Cleaned a customer data set.",
                "criteria": {"narrative": "Delivered a cleaned data set that passed review."},
            },
        },
    }
    credential.update(changes)
    return {"credential": credential, "options": {}}


def test_an_owner_of_a_verified_organisation_issues_as_the_organisation(
    api_for: ClientFor, alice: User, org: Organisation
) -> None:
    response = post(api_for(alice), "/credentials/issue", _request())
    assert response.status_code == 201, response.content
    document = response.json()["verifiableCredential"]
    assert document["issuer"] == {"id": "did:web:testserver:orgs:acme", "type": ["Profile"], "name": "Acme Analytics"}
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    stored = IssuedCredential.objects.get()
    assert stored.organisation == org
    assert stored.issued_by == alice
    assert stored.recipient is None
    assert verify_credential(document).verified


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"issuer": "did:web:evil.example"}, "credential.issuer"),
        (
            {"issuer": {"id": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "type": ["Profile"]}},
            "credential.issuer",
        ),
        ({"issuer": "did:web:testserver"}, "credential.issuer"),
        ({"id": "not a URL"}, "credential"),
        ({"proof": []}, "credential.proof"),
        ({"credentialStatus": {"type": "BitstringStatusListEntry"}}, "credential.credentialStatus"),
        ({"@context": [OB_V3P0_URL]}, "credential.@context"),
        ({"type": ["OpenBadgeCredential"]}, "credential"),
        ({"credentialSubject": "did:example:x"}, "credential"),
    ],
)
def test_issue_refuses_what_rung_would_not_sign(
    api_for: ClientFor, alice: User, org: Organisation, changes: dict[str, Any], field: str
) -> None:
    response = post(api_for(alice), "/credentials/issue", _request(**changes))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not IssuedCredential.objects.exists()


def test_issue_refuses_undefined_terms_with_422(api_for: ClientFor, alice: User, org: Organisation) -> None:
    response = post(api_for(alice), "/credentials/issue", _request(salary="a lot"))
    assert response.status_code == 422
    assert "'salary' is not defined" in response.json()["detail"]


def test_issue_accepts_its_own_issuer_and_refuses_open_badge_terms_without_their_context(
    api_for: ClientFor, alice: User, org: Organisation
) -> None:
    client = api_for(alice)
    assert post(client, "/credentials/issue", _request(issuer="did:web:testserver:orgs:acme")).status_code == 201
    response = post(client, "/credentials/issue", _request(**{"@context": [CREDENTIALS_V2_URL]}))
    assert response.status_code == 422
    assert "is not defined by any of the document's contexts" in response.json()["detail"]


def test_issue_needs_a_token_not_a_session(
    client_for: ClientFor, client: Client, alice: User, org: Organisation
) -> None:
    assert post(client, "/credentials/issue", _request()).status_code == 401
    assert post(client_for(alice), "/credentials/issue", _request()).status_code == 401
    assert post(client, "/credentials/issue", _request(), Authorization="Bearer rung_nonsense").status_code == 401


def test_issue_is_for_owners_and_managers_of_verified_organisations(
    api_for: ClientFor, bob: User, charlie: User, alice: User, org: Organisation
) -> None:
    assert post(api_for(bob), "/credentials/issue", _request()).status_code == 403  # a reviewer
    assert post(api_for(charlie), "/credentials/issue", _request()).status_code == 403  # an outsider
    Organisation.objects.filter(pk=org.pk).update(verification=Verification.PENDING)
    assert post(api_for(alice), "/credentials/issue", _request()).status_code == 403
    assert not IssuedCredential.objects.exists()
