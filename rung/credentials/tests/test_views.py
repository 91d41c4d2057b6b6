"""The pages: public verification, shared credentials, the wallet, revocation, and the documents
verifiers fetch. Every page is tried by the outsider (charlie)."""

import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rung.accounts.models import User
from rung.credentials.imports import import_credential
from rung.credentials.models import ImportedCredential, IssuedCredential, Revocation, ShareLink
from rung.credentials.services import revoke_credential
from rung.credentials.statuslist import bit_is_set, decode_bitstring
from rung.profiles.models import Skill

ClientFor = Callable[[User], Client]


# --- /verify/ -------------------------------------------------------------------------------------


def test_verify_page_accepts_a_paste(client: Client, issued: IssuedCredential) -> None:
    assert client.get("/verify/").status_code == 200
    response = client.post("/verify/", {"text": issued.document_text})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h2 id="verdict-h">Verified</h2>' in page
    assert "Acme Analytics" in page
    assert "Not revoked" in page


def test_verify_page_accepts_an_upload(client: Client, issued: IssuedCredential) -> None:
    upload = SimpleUploadedFile("badge.json", issued.document_text.encode(), content_type="application/json")
    response = client.post("/verify/", {"file": upload})
    assert "Verified" in response.content.decode()


def test_verify_page_says_not_verified_for_a_tampered_credential(client: Client, issued: IssuedCredential) -> None:
    tampered = issued.document | {"name": "Chief Executive"}
    page = client.post("/verify/", {"text": json.dumps(tampered)}).content.decode()
    assert "Not verified" in page
    assert "signature does not check out" in page


def test_verify_page_says_revoked(client: Client, issued: IssuedCredential, sam: User) -> None:
    revoke_credential(issued, actor=sam, reason="Issued by mistake")
    page = client.post("/verify/", {"text": issued.document_text}).content.decode()
    assert "Not verified" in page
    assert "revoked by its issuer" in page


@pytest.mark.parametrize("text", ["", "not json", "[1, 2", "{" * 100 + "}" * 100])
def test_verify_page_explains_bad_input(client: Client, db: None, text: str) -> None:
    response = client.post("/verify/", {"text": text})
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()


# --- /verify/<uuid>/ ------------------------------------------------------------------------------


def test_a_shared_credential_has_a_public_page(client: Client, issued: IssuedCredential) -> None:
    response = client.get(f"/verify/{issued.uuid}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Held by Dana Candidate" in page
    assert "Verified" in page
    download = client.get(f"/verify/{issued.uuid}/credential.json")
    assert download.content.decode() == issued.document_text


def test_turning_the_share_link_off_makes_the_page_404(
    client: Client, client_for: ClientFor, issued: IssuedCredential, dana: User
) -> None:
    response = client_for(dana).post(f"/wallet/{issued.uuid}/share/", {})
    assert response.status_code == 302
    assert not ShareLink.objects.get(credential=issued).enabled
    assert client.get(f"/verify/{issued.uuid}/").status_code == 404
    assert client.get(f"/verify/{issued.uuid}/credential.json").status_code == 404
    assert client_for(dana).get(f"/verify/{issued.uuid}/").status_code == 404
    client_for(dana).post(f"/wallet/{issued.uuid}/share/", {"enabled": "on"})
    assert client.get(f"/verify/{issued.uuid}/").status_code == 200


def test_an_unknown_credential_404s(client: Client, db: None) -> None:
    assert client.get("/verify/6f1d8c1e-3a52-4c8e-9a4f-52d1c0de0b3a/").status_code == 404


# --- /wallet/ -------------------------------------------------------------------------------------


def test_the_wallet_lists_credentials_in_constant_queries(
    client_for: ClientFor,
    dana: User,
    sam: User,
    issue: Callable[..., IssuedCredential],
    django_assert_max_num_queries: Callable,
    unsigned: dict,
) -> None:
    client = client_for(dana)
    first = issue()
    client.get("/wallet/")  # warm the session
    with django_assert_max_num_queries(8) as one:
        client.get("/wallet/")
    for _ in range(4):
        issue()
    revoke_credential(first, actor=sam, reason="Issued by mistake")
    import_credential(owner=dana, document=unsigned)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/wallet/")
    page = response.content.decode()
    assert page.count("Sales dashboard micro-internship") == 5
    assert "Revoked" in page
    assert "Not verified" in page


def test_the_wallet_needs_a_login(client: Client, db: None) -> None:
    assert client.get("/wallet/").status_code == 302


def test_a_wallet_credential_page_shares_downloads_and_links(
    client_for: ClientFor, dana: User, issued: IssuedCredential
) -> None:
    response = client_for(dana).get(f"/wallet/{issued.uuid}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"http://testserver/verify/{issued.uuid}/" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, as a data: image the CSP allows
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert "organizationName=Acme+Analytics" in page
    download = client_for(dana).get(f"/wallet/{issued.uuid}/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.decode() == issued.document_text


def test_no_inline_script_or_style_on_the_wallet_page(
    client_for: ClientFor, dana: User, issued: IssuedCredential
) -> None:
    page = client_for(dana).get(f"/wallet/{issued.uuid}/").content.decode()
    assert "style=" not in page
    assert "<script>" not in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/wallet/{uuid}/"),
        ("post", "/wallet/{uuid}/share/"),
        ("get", "/wallet/{uuid}/download/"),
    ],
)
def test_an_outsider_cannot_touch_someone_elses_wallet_item(
    client_for: ClientFor, charlie: User, alice: User, issued: IssuedCredential, method: str, path: str
) -> None:
    for user in (charlie, alice):  # alice owns the issuing organisation, but the wallet is dana's
        response = getattr(client_for(user), method)(path.format(uuid=issued.uuid), {"enabled": "on"})
        assert response.status_code == 404
    assert ShareLink.objects.get(credential=issued).enabled


def test_importing_through_the_wallet(client_for: ClientFor, dana: User, charlie: User, unsigned: dict) -> None:
    client = client_for(dana)
    response = client.post("/wallet/import/", {"text": json.dumps(unsigned)})
    item = ImportedCredential.objects.get(owner=dana)
    assert response.status_code == 302
    assert response["Location"] == f"/wallet/imported/{item.uuid}/"
    assert not item.verified  # unsigned: kept, marked not verified
    page = client.get(f"/wallet/imported/{item.uuid}/").content.decode()
    assert "Not verified" in page
    duplicate = client.post("/wallet/import/", {"text": json.dumps(unsigned)})
    assert duplicate.status_code == 400
    assert "already in your wallet" in duplicate.content.decode()
    for path in (f"/wallet/imported/{item.uuid}/", f"/wallet/imported/{item.uuid}/download/"):
        assert client_for(charlie).get(path).status_code == 404
    assert client_for(charlie).post(f"/wallet/imported/{item.uuid}/remove/").status_code == 404
    assert client.post(f"/wallet/imported/{item.uuid}/recheck/").status_code == 302
    assert client.post(f"/wallet/imported/{item.uuid}/remove/").status_code == 302
    assert not ImportedCredential.objects.exists()


def test_importing_something_that_is_not_a_credential_is_refused(client_for: ClientFor, dana: User) -> None:
    response = client_for(dana).post("/wallet/import/", {"text": '{"hello": "world"}'})
    assert response.status_code == 400
    assert "not a W3C Verifiable Credential" in response.content.decode()
    assert not ImportedCredential.objects.exists()


# --- revocation pages -----------------------------------------------------------------------------


def test_the_issuing_organisation_revokes_from_its_list(
    client_for: ClientFor, alice: User, issued: IssuedCredential
) -> None:
    client = client_for(alice)
    assert issued.name in client.get("/credentials/issued/").content.decode()
    assert client.get(f"/credentials/issued/{issued.uuid}/revoke/").status_code == 200
    assert client.post(f"/credentials/issued/{issued.uuid}/revoke/", {"reason": "x"}).status_code == 400
    response = client.post(f"/credentials/issued/{issued.uuid}/revoke/", {"reason": "The work was not theirs"})
    assert response.status_code == 302
    assert Revocation.objects.get(credential=issued).revoked_by == alice


def test_revocation_pages_refuse_the_wrong_people(
    client_for: ClientFor, bob: User, charlie: User, dana: User, issued: IssuedCredential
) -> None:
    path = f"/credentials/issued/{issued.uuid}/revoke/"
    assert client_for(bob).get(path).status_code == 403  # a reviewer at Acme: may know, may not revoke
    assert client_for(bob).post(path, {"reason": "I did not like it"}).status_code == 403
    for outsider in (charlie, dana):
        assert client_for(outsider).get(path).status_code == 404
        assert client_for(outsider).post(path, {"reason": "Because I can"}).status_code == 404
    assert issued.name not in client_for(charlie).get("/credentials/issued/").content.decode()
    assert not Revocation.objects.exists()


# --- documents for verifiers ----------------------------------------------------------------------


def test_the_did_document_lists_every_key(client: Client, db: None) -> None:
    response = client.get("/.well-known/did.json")
    document = response.json()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert document["id"] == "did:web:testserver"
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert document["verificationMethod"][0]["type"] == "Multikey"


def test_the_did_document_404s_in_did_key_mode(client: Client, db: None, settings) -> None:
    settings.CREDENTIALS_DID_METHOD = "key"
    assert client.get("/.well-known/did.json").status_code == 404


def test_the_status_list_is_served_signed(client: Client, issued: IssuedCredential, sam: User) -> None:
    revoke_credential(issued, actor=sam, reason="Issued by mistake")
    response = client.get(f"/credentials/status/{issued.status_list.uuid}")
    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
    document = response.json()
    assert document["id"] == issued.document["credentialStatus"]["statusListCredential"]
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert bit_is_set(decode_bitstring(document["credentialSubject"]["encodedList"]), issued.status_index)
    assert client.get("/credentials/status/6f1d8c1e-3a52-4c8e-9a4f-52d1c0de0b3a").status_code == 404


def test_the_skill_page_a_credential_links_to(client: Client, db: None) -> None:
    # The curated vocabulary is there from the start; credentials link to /credentials/skills/<slug>/.
    sql = Skill.objects.get(name="SQL")
    assert "SQL" in client.get(f"/credentials/skills/{sql.slug}/").content.decode()
    assert client.get("/credentials/skills/nothing/").status_code == 404


def test_the_status_list_is_unavailable_not_a_crash_without_the_passphrase(
    client: Client, issued: IssuedCredential, settings
) -> None:
    settings.CREDENTIALS_KEY_PASSPHRASE = "wrong"
    response = client.get(f"/credentials/status/{issued.status_list.uuid}")
    assert response.status_code == 503
    assert response["Cache-Control"] == "public, max-age=0"
