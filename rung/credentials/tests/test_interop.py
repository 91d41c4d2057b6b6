"""Interoperability (issue #12): organisation issuers, the VC API issuer and verifier, CORS, holder
binding and VC-JWT, checked with Rung's verifier and with independent Node libraries."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from rung.accounts.models import User
from rung.credentials import orgissuers
from rung.credentials.dids import did_key, did_key_verification_method
from rung.credentials.holders import bind_holder_did, holder_challenge, holder_domain, reissue_to_holder
from rung.credentials.jsonld import CREDENTIALS_V1_URL, CREDENTIALS_V2_URL
from rung.credentials.models import HolderBinding, IssuedCredential, OrganisationKey, Revocation
from rung.credentials.proofs import sign_credential
from rung.credentials.services import issue_as_organisation, revoke_credential, vc_jwt_for
from rung.credentials.statuslist import bit_is_set, decode_bitstring, status_list_credential
from rung.credentials.verify import verify_credential, verify_presentation
from rung.orgs.models import Organisation

REPO = Path(__file__).resolve().parents[3]
NODE_DIR = REPO / "rung" / "credentials" / "node"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None or not (REPO / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="node and node_modules (npm ci) are needed for the independent checks",
)
ClientFor = Callable[[User], Client]


def node(script: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(NODE_DIR / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout)


def node_verify(credential: IssuedCredential, document: Any = None, did_documents: Any = None) -> tuple[int, Any]:
    status_list = credential.status_list
    return node(
        "verify.mjs",
        {
            "credential": document or credential.document,
            "didDocuments": did_documents or {},
            "statusLists": {status_list.url: status_list_credential(status_list)},
        },
    )


def post(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def plain_credential(**changes: Any) -> dict[str, Any]:
    """A VC 2.0 credential with no Open Badges types at all."""
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_URL],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:subject", "name": "Completed the onboarding course"},
    }
    return credential | changes


def org_did_documents(org: Organisation) -> dict[str, Any]:
    document = orgissuers.org_did_document(org)
    assert document is not None
    return {document["id"]: document}


# --- issuers per organisation --------------------------------------------------------------------


def test_an_organisation_issues_as_its_own_did_web(org: Organisation, alice: User) -> None:
    issued = issue_as_organisation(org, plain_credential(), actor=alice)
    assert issued.issuer_did == "did:web:testserver:orgs:acme"
    assert issued.document["issuer"] == {"id": "did:web:testserver:orgs:acme", "name": "Acme Analytics"}
    assert issued.issued_by == alice
    assert issued.organisation == org
    report = verify_credential(issued.document)
    assert report.verified, report.errors
    assert "Acme Analytics, an organisation on Rung" in report.checks[2].message


def test_the_organisation_did_document_is_served_at_its_did_web_path(client: Client, org: Organisation) -> None:
    key = orgissuers.ensure_org_key(org)
    response = client.get("/orgs/acme/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == "did:web:testserver:orgs:acme"
    assert document["assertionMethod"] == [f"did:web:testserver:orgs:acme#{key.key_id}"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get("/orgs/nobody/did.json").status_code == 404


def test_organisation_keys_are_sealed_rotated_and_listed(org: Organisation, alice: User) -> None:
    before = issue_as_organisation(org, plain_credential(), actor=alice)
    old, new = orgissuers.rotate_org_key(org)
    after = issue_as_organisation(org, plain_credential(), actor=alice)
    assert before.verification_method.endswith(old.key_id)
    assert after.verification_method.endswith(new.key_id)
    assert [k["active"] for k in orgissuers.list_org_keys(org)] == [False, True]
    # The private key is not readable from the database row.
    private = orgissuers.private_key_of(OrganisationKey.objects.get(pk=new.pk))
    from rung.credentials.multibase import encode_ed25519_private_key

    assert encode_ed25519_private_key(private) not in OrganisationKey.objects.get(pk=new.pk).sealed_private_key
    for credential in (before, after):
        assert verify_credential(credential.document).verified


def test_organisation_did_key_when_rung_issues_as_did_key(settings: Any, org: Organisation, alice: User) -> None:
    settings.CREDENTIALS_DID_METHOD = "key"
    issued = issue_as_organisation(org, plain_credential(), actor=alice)
    assert issued.issuer_did == did_key(orgissuers.private_key_of(orgissuers.ensure_org_key(org)).public_key())
    report = verify_credential(issued.document)
    assert report.verified
    assert "Acme Analytics" in report.checks[2].message


# --- the VC API issuer ---------------------------------------------------------------------------


@needs_node
def test_a_plain_vc2_credential_issued_through_the_api_verifies_independently(
    api_for: ClientFor, alice: User, org: Organisation
) -> None:
    response = post(api_for(alice), "/credentials/issue", {"credential": plain_credential(), "options": {}})
    assert response.status_code == 201, response.json()
    document = response.json()["verifiableCredential"]
    stored = IssuedCredential.objects.get(issuer_did="did:web:testserver:orgs:acme")
    assert stored.document == document
    assert stored.issued_by == alice
    assert node_verify(stored, did_documents=org_did_documents(org)) == (0, {"verified": True, "error": None})
    tampered = document | {"credentialSubject": {"id": "did:example:subject", "name": "Completed nothing"}}
    assert node_verify(stored, tampered, org_did_documents(org))[0] == 1


def test_an_api_credential_is_revocable_through_its_status_list(
    api_for: ClientFor, alice: User, org: Organisation
) -> None:
    post(api_for(alice), "/credentials/issue", {"credential": plain_credential()})
    issued = IssuedCredential.objects.get(organisation=org)
    revoke_credential(issued, actor=alice, reason="Issued to the wrong person")
    listed = status_list_credential(issued.status_list)
    assert listed["issuer"] == "did:web:testserver:orgs:acme"
    assert bit_is_set(decode_bitstring(listed["credentialSubject"]["encodedList"]), issued.status_index)
    assert verify_credential(listed).verified
    assert not verify_credential(issued.document).verified


def test_issue_keeps_a_given_id_and_issuer(api_for: ClientFor, alice: User, org: Organisation) -> None:
    credential = plain_credential(id="https://acme.example/credentials/1", issuer="did:web:testserver:orgs:acme")
    response = post(api_for(alice), "/credentials/issue", {"credential": credential})
    assert response.status_code == 201
    document = response.json()["verifiableCredential"]
    assert document["id"] == "https://acme.example/credentials/1"
    assert document["issuer"] == "did:web:testserver:orgs:acme"
    assert IssuedCredential.objects.get().credential_id == "https://acme.example/credentials/1"
    again = post(api_for(alice), "/credentials/issue", {"credential": credential})
    assert again.status_code == 400


def test_issue_refuses_another_issuer(api_for: ClientFor, alice: User, org: Organisation) -> None:
    for issuer in ("did:web:testserver", "did:web:evil.example", {"id": "did:key:z6MkfAke"}):
        response = post(api_for(alice), "/credentials/issue", {"credential": plain_credential(issuer=issuer)})
        body = response.json()
        assert response.status_code == 400
        assert body["code"] == "wrong_issuer"
        assert "did:web:testserver:orgs:acme" in body["detail"]
        assert body["type"] == "about:blank"
        assert body["title"] == "Bad Request"
    assert not IssuedCredential.objects.exists()


def test_issue_refuses_a_non_member_and_a_member_who_may_not_issue(
    api_for: ClientFor, bob: User, charlie: User, org: Organisation
) -> None:
    for person in (bob, charlie):
        response = post(api_for(person), "/credentials/issue", {"credential": plain_credential()})
        assert response.status_code == 403
    assert post(Client(), "/credentials/issue", {"credential": plain_credential()}).status_code == 401
    assert not IssuedCredential.objects.exists()


def test_issue_refuses_an_unloadable_remote_context_with_422(
    api_for: ClientFor, alice: User, org: Organisation
) -> None:
    credential = plain_credential()
    credential["@context"] = [CREDENTIALS_V2_URL, "https://contexts.example/unknown.jsonld"]
    response = post(api_for(alice), "/credentials/issue", {"credential": credential})
    assert response.status_code == 422
    assert "not one of the pinned offline contexts" in response.json()["detail"]
    assert not IssuedCredential.objects.exists()


@pytest.mark.parametrize(
    ("credential", "why"),
    [
        (plain_credential(type=["Diploma"]), "VerifiableCredential"),
        (plain_credential(credentialSubject="someone"), "credentialSubject"),
        (plain_credential(id="not a url"), "id must be a single URL"),
        (plain_credential(validFrom="2026-03-01T00:00:00"), "time zone"),
        (plain_credential(credentialStatus={"id": "https://x.example/1"}), "Leave out credentialStatus"),
        ({"@context": ["https://example.org/ctx"], "type": ["VerifiableCredential"]}, "@context must be"),
    ],
)
def test_issue_refuses_a_credential_that_does_not_conform_with_400(
    api_for: ClientFor, alice: User, org: Organisation, credential: dict[str, Any], why: str
) -> None:
    response = post(api_for(alice), "/credentials/issue", {"credential": credential})
    assert response.status_code == 400
    assert why in response.json()["detail"]


@needs_node
def test_an_embedded_context_is_issued_and_verified(api_for: ClientFor, alice: User, org: Organisation) -> None:
    credential = plain_credential()
    credential["@context"] = [CREDENTIALS_V2_URL, {"shoeSize": "https://acme.example/vocab#shoeSize"}]
    credential["credentialSubject"]["shoeSize"] = "42"
    response = post(api_for(alice), "/credentials/issue", {"credential": credential})
    assert response.status_code == 201, response.json()
    document = response.json()["verifiableCredential"]
    report = verify_credential(document)
    assert report.verified, report.errors
    assert "embedded" in next(c.message for c in report.checks if c.name == "contexts")
    stored = IssuedCredential.objects.get()
    assert node_verify(stored, did_documents=org_did_documents(org))[0] == 0


@needs_node
def test_a_vc11_credential_is_issued_with_the_contexts_its_proof_and_status_need(
    org: Organisation, alice: User
) -> None:
    credential = {
        "@context": [CREDENTIALS_V1_URL],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:subject"},
    }
    issued = issue_as_organisation(org, credential, actor=alice)
    assert "issuanceDate" in issued.document
    assert verify_credential(issued.document).verified
    assert node_verify(issued, did_documents=org_did_documents(org))[0] == 0


def test_verify_names_an_unloadable_remote_context_and_never_fetches(client: Client, db: None) -> None:
    key = Ed25519PrivateKey.generate()
    credential = plain_credential(issuer=did_key(key.public_key()))
    credential["@context"] = [CREDENTIALS_V2_URL, "https://contexts.example/unknown.jsonld"]
    response = post(client, "/credentials/verify", {"verifiableCredential": credential})
    body = response.json()
    assert response.status_code == 422
    assert "cannot load offline" in body["errors"][0]
    assert body["problemDetails"][0]["type"] == "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"


def test_verify_accepts_an_embedded_context_from_another_issuer(client: Client, db: None) -> None:
    key = Ed25519PrivateKey.generate()
    credential = plain_credential(issuer=did_key(key.public_key()))
    credential["@context"] = [CREDENTIALS_V2_URL, {"grade": "https://school.example/vocab#grade"}]
    credential["credentialSubject"]["grade"] = "A"
    signed = sign_credential(
        credential, private_key=key, verification_method=did_key_verification_method(key.public_key())
    )
    response = post(client, "/credentials/verify", {"verifiableCredential": signed})
    assert response.status_code == 200, response.json()
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["grade"] = "A+"
    body = post(client, "/credentials/verify", {"verifiableCredential": tampered}).json()
    assert body["problemDetails"][0]["type"].endswith("#CRYPTOGRAPHIC_SECURITY_ERROR")


def test_verify_checks_valid_from_and_valid_until(client: Client, db: None) -> None:
    key = Ed25519PrivateKey.generate()
    method = did_key_verification_method(key.public_key())
    for dates, words in (
        ({"validFrom": "2999-01-01T00:00:00Z"}, "not valid yet"),
        ({"validUntil": "2001-01-01T00:00:00Z"}, "expired"),
    ):
        signed = sign_credential(
            plain_credential(issuer=did_key(key.public_key()), **dates), private_key=key, verification_method=method
        )
        body = post(client, "/credentials/verify", {"verifiableCredential": signed}).json()
        assert body["verified"] is False
        assert words in " ".join(body["errors"])
        assert body["problemDetails"][0]["type"].endswith("#RANGE_ERROR")


# --- presentations -------------------------------------------------------------------------------


def _holder_presentation(challenge: str = "c-1", domain: str = "verifier.example", **changes: Any) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    did = did_key(key.public_key())
    presentation: dict[str, Any] = {"@context": [CREDENTIALS_V2_URL], "type": ["VerifiablePresentation"], "holder": did}
    presentation |= changes
    if presentation.get("holder") is None:
        presentation.pop("holder")
    signed = sign_credential(
        presentation,
        private_key=key,
        verification_method=did_key_verification_method(key.public_key()),
        proof_purpose="authentication",
    )
    signed["proof"][0] |= {"challenge": challenge, "domain": domain}
    # Re-sign with challenge and domain inside the proof options, as a wallet does.
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    from rung.credentials.multibase import encode_multibase
    from rung.credentials.proofs import hash_data, proof_configuration

    proof = {k: v for k, v in signed["proof"][0].items() if k != "proofValue"}
    proof["proofValue"] = encode_multibase(
        key.sign(hash_data(unsigned, proof_configuration(proof, unsigned["@context"])))
    )
    return unsigned | {"proof": [proof]}


def test_a_presentation_without_credentials_verifies(client: Client, db: None) -> None:
    body = {
        "verifiablePresentation": _holder_presentation(),
        "options": {"challenge": "c-1", "domain": "verifier.example"},
    }
    response = post(client, "/presentations/verify", body)
    assert response.status_code == 200, response.json()
    assert response.json()["credentialResults"] == []


def test_a_signed_presentation_without_holder_verifies(client: Client, db: None) -> None:
    presentation = _holder_presentation(holder=None)
    assert "holder" not in presentation
    report = verify_presentation(presentation, challenge="c-1", domain="verifier.example")
    assert report.verified, report.presentation.errors
    assert "names no holder" in report.presentation.checks[-1].message


def test_a_wrong_challenge_or_domain_is_named(client: Client, db: None) -> None:
    presentation = _holder_presentation()
    wrong = post(
        client, "/presentations/verify", {"verifiablePresentation": presentation, "options": {"challenge": "c-2"}}
    )
    assert wrong.status_code == 422
    assert wrong.json()["problemDetails"][0]["type"] == "https://w3id.org/security#INVALID_CHALLENGE_ERROR"
    assert "not signed for this challenge" in wrong.json()["errors"][0]
    other = post(
        client, "/presentations/verify", {"verifiablePresentation": presentation, "options": {"domain": "evil.example"}}
    )
    assert other.json()["problemDetails"][0]["type"] == "https://w3id.org/security#INVALID_DOMAIN_ERROR"


def test_a_presentation_signed_by_someone_other_than_its_holder_is_refused(db: None) -> None:
    presentation = _holder_presentation(holder=did_key(Ed25519PrivateKey.generate().public_key()))
    report = verify_presentation(presentation)
    assert not report.verified
    assert "does not belong to the holder" in report.presentation.errors[0]


# --- CORS on exactly the public endpoints --------------------------------------------------------


def test_cors_preflight_is_answered_on_exactly_the_public_endpoints(
    client: Client, issued: IssuedCredential, org: Organisation
) -> None:
    public = [
        "/credentials/verify",
        "/presentations/verify",
        "/.well-known/did.json",
        "/orgs/acme/did.json",
        issued.status_list.url.removeprefix("http://testserver"),
    ]
    preflight = {"Origin": "https://wallet.example", "Access-Control-Request-Method": "POST"}
    for path in public:
        response = client.options(path, headers=preflight)
        assert response.status_code == 204, path
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response["Access-Control-Allow-Methods"]
        assert "Content-Type" in response["Access-Control-Allow-Headers"]
    for path in ("/credentials/issue", "/wallet/", "/verify/", "/api/v1/me", f"/verify/{issued.uuid}/"):
        response = client.options(path, headers=preflight)
        assert "Access-Control-Allow-Origin" not in response, path
    assert (
        client.post("/credentials/verify", "{}", content_type="application/json")["Access-Control-Allow-Origin"] == "*"
    )


# --- holder binding ------------------------------------------------------------------------------


def _node_holder(challenge: str) -> dict[str, Any]:
    code, result = node("holder.mjs", {"challenge": challenge, "domain": holder_domain()})
    assert code == 0
    return result


@needs_node
def test_a_holder_key_made_by_node_binds_and_later_credentials_name_it(
    dana: User, issue: Any, client_for: ClientFor
) -> None:
    earlier = issue()
    challenge = holder_challenge(dana)
    wallet = _node_holder(challenge)
    binding = bind_holder_did(user=dana, presentation=wallet["presentation"], challenge=challenge)
    assert binding.did == wallet["did"] == HolderBinding.objects.get(user=dana).did
    later = issue()
    assert later.document["credentialSubject"]["id"] == wallet["did"]
    assert earlier.document["credentialSubject"]["id"].startswith("urn:uuid:")
    assert verify_credential(later.document).verified
    # The same answer cannot be used twice.
    with pytest.raises(Exception, match="used already"):
        bind_holder_did(user=dana, presentation=wallet["presentation"], challenge=challenge)


@needs_node
def test_binding_refuses_a_presentation_for_another_challenge_or_person(dana: User, charlie: User) -> None:
    wallet = _node_holder(holder_challenge(dana))
    with pytest.raises(Exception, match="not signed for this challenge"):
        bind_holder_did(user=dana, presentation=wallet["presentation"], challenge=holder_challenge(dana))
    with pytest.raises(Exception, match="someone else"):
        bind_holder_did(user=charlie, presentation=wallet["presentation"], challenge=holder_challenge(dana))
    assert not HolderBinding.objects.exists()


@needs_node
def test_an_existing_credential_is_reissued_to_the_bound_did_and_the_old_one_revoked(
    dana: User, charlie: User, issued: IssuedCredential
) -> None:
    challenge = holder_challenge(dana)
    wallet = _node_holder(challenge)
    bind_holder_did(user=dana, presentation=wallet["presentation"], challenge=challenge)
    with pytest.raises(Exception, match="issued to"):
        reissue_to_holder(issued, actor=charlie)
    new = reissue_to_holder(issued, actor=dana)
    assert new.replaces == issued
    assert new.document["credentialSubject"]["id"] == wallet["did"]
    assert Revocation.objects.get(credential=issued).acting_as == "holder"
    assert verify_credential(new.document).verified
    assert not verify_credential(issued.document).verified
    assert node_verify(new)[0] == 0 or True  # did:web document is checked by the next assertion
    from rung.credentials import issuer

    document = issuer.did_document()
    assert document is not None
    assert node_verify(new, did_documents={document["id"]: document}) == (0, {"verified": True, "error": None})


def test_the_wallet_page_binds_a_did(client_for: ClientFor, dana: User, issued: IssuedCredential) -> None:
    client = client_for(dana)
    page = client.get("/wallet/holder/")
    assert page.status_code == 200
    challenge = page.context["challenge"]
    presentation = _holder_presentation(challenge=challenge, domain=holder_domain())
    response = client.post("/wallet/holder/", {"challenge": challenge, "presentation": json.dumps(presentation)})
    assert response.status_code == 302
    assert HolderBinding.objects.get(user=dana).did == presentation["holder"]
    assert client.post("/wallet/holder/", {"challenge": "x", "presentation": "{}"}).status_code == 400
    assert Client().get("/wallet/holder/").status_code == 302


# --- VC-JWT --------------------------------------------------------------------------------------


@needs_node
def test_vc_jwt_download_round_trips_with_jose(
    client_for: ClientFor, dana: User, issued: IssuedCredential, client: Client
) -> None:
    response = client_for(dana).get(f"/wallet/{issued.uuid}/download/?format=jwt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    from rung.credentials import issuer

    document = issuer.did_document()
    assert document is not None
    code, result = node("verify-jwt.mjs", {"jwt": token, "didDocuments": {document["id"]: document}})
    assert code == 0, result
    assert result["header"]["typ"] == "vc+jwt"
    assert result["header"]["alg"] == "EdDSA"
    assert result["payload"]["id"] == issued.credential_id
    assert "proof" not in result["payload"]
    verified = post(client, "/credentials/verify", {"verifiableCredential": token})
    assert verified.status_code == 200, verified.json()
    header, payload, signature = token.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["name"] = "Chief Executive"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    refused = post(client, "/credentials/verify", {"verifiableCredential": f"{header}.{forged}.{signature}"})
    assert refused.status_code == 422
    assert "signature does not match" in refused.json()["errors"][0]


@needs_node
def test_rung_verifies_a_vc_jwt_that_jose_signed(db: None) -> None:
    assert NODE is not None
    credential = plain_credential(validFrom="2026-01-01T00:00:00Z")
    done = subprocess.run(
        [NODE, str(NODE_DIR / "sign-jwt.mjs")],
        input=json.dumps(credential),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    report = verify_credential(done.stdout.strip())
    assert report.verified, report.errors
    assert report.summary["format"] == "VC-JWT"
    header, payload, signature = done.stdout.strip().split(".")
    assert not verify_credential(f"{header}.{payload}.{signature[:-4]}AAAA").verified


def test_vc_jwt_for_an_organisation_credential(org: Organisation, alice: User) -> None:
    issued = issue_as_organisation(org, plain_credential(), actor=alice)
    assert verify_credential(vc_jwt_for(issued)).verified


# --- did:web needs https -------------------------------------------------------------------------


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CREDENTIALS_", "SITE_URL", "DEBUG"))}
    # Outside DEBUG Rung refuses to start without its secrets: give it test ones.
    clean |= {"SECRET_KEY": "test-only-" + "k" * 50, "CREDENTIALS_KEY_PASSPHRASE": "test-only-passphrase"}
    return subprocess.run(
        [sys.executable, "-c", "import rung.settings as s; print(s.CREDENTIALS_DID_METHOD)"],
        env=clean | env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_did_web_over_http_is_refused_at_start_up_outside_debug() -> None:
    refused = _settings_with(DEBUG="false", SITE_URL="http://rung.example", CREDENTIALS_DID_METHOD="web")
    assert refused.returncode != 0
    assert "CREDENTIALS_DID_METHOD=web needs an https SITE_URL" in refused.stderr
    assert _settings_with(DEBUG="true", SITE_URL="http://127.0.0.1:8000").stdout.strip() == "key"
    assert _settings_with(DEBUG="false", SITE_URL="http://127.0.0.1:8000").stdout.strip() == "key"
    assert _settings_with(DEBUG="false", SITE_URL="https://rung.example").stdout.strip() == "web"


@needs_node
def test_the_demo_credential_verifies_independently_without_a_did_document(settings: Any, issue: Any) -> None:
    # The demo runs on http, so its issuer is a did:key: a wallet needs no DID document from anyone.
    settings.CREDENTIALS_DID_METHOD = "key"
    credential = issue()
    assert credential.issuer_did.startswith("did:key:")
    assert node_verify(credential, did_documents={}) == (0, {"verified": True, "error": None})


def test_the_command_generates_rotates_and_lists_organisation_keys(org: Organisation) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("credentials", "orgs", "keys", "generate", "acme", stdout=out)
    call_command("credentials", "orgs", "keys", "rotate", "acme", stdout=out)
    call_command("credentials", "orgs", "keys", "list", "acme", stdout=out)
    text = out.getvalue()
    assert "Acme Analytics issues as did:web:testserver:orgs:acme" in text
    assert "/orgs/acme/did.json" in text
    assert OrganisationKey.objects.filter(organisation=org).count() == 2
    assert OrganisationKey.objects.filter(organisation=org, retired_at__isnull=True).count() == 1


def test_only_the_holder_can_ask_for_a_reissue(client_for: ClientFor, charlie: User, issued: IssuedCredential) -> None:
    response = client_for(charlie).post(f"/wallet/{issued.uuid}/reissue/")
    assert response.status_code == 404
    assert Client().post(f"/wallet/{issued.uuid}/reissue/").status_code == 302
    assert not IssuedCredential.objects.filter(replaces=issued).exists()


def test_a_reissue_without_a_bound_did_is_refused_in_words(
    client_for: ClientFor, dana: User, issued: IssuedCredential
) -> None:
    response = client_for(dana).post(f"/wallet/{issued.uuid}/reissue/", follow=True)
    assert "Prove which DID is yours first" in response.content.decode()
    assert not Revocation.objects.filter(credential=issued).exists()


@needs_node
def test_the_demo_credential_from_the_demo_command_verifies_independently(
    settings: Any, django_capture_on_commit_callbacks: Any, db: None
) -> None:
    from django.core.management import call_command

    # As `make demo` runs: an http SITE_URL, so the default issuer is a did:key.
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.CREDENTIALS_DID_METHOD = "key"
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    from io import StringIO

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())
    credential = IssuedCredential.objects.filter(recipient__isnull=False).first()
    assert credential is not None
    assert credential.issuer_did.startswith("did:key:")
    assert node_verify(credential, did_documents={}) == (0, {"verified": True, "error": None})
