"""Credit for prior short work: imported credentials, known issuers staff vouch for, and what an
application shows."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.credentials import imports, selectors, services
from rung.credentials.dids import did_web, did_web_document
from rung.credentials.models import ImportedCredential, IssuedCredential, KnownIssuer
from rung.credentials.proofs import sign_credential
from rung.credentials.services import CredentialError
from rung.lib.errors import PermissionDenied


@pytest.fixture
def university_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def university_document(university_key: Ed25519PrivateKey) -> dict[str, Any]:
    return did_web_document(did_web("badges.example.edu"), [university_key.public_key()])


@pytest.fixture
def outside_credential(unsigned: dict, university_key: Ed25519PrivateKey, university_document: dict) -> dict:
    unsigned["issuer"] = {"id": university_document["id"], "type": ["Profile"], "name": "Example University"}
    return sign_credential(
        unsigned, private_key=university_key, verification_method=university_document["assertionMethod"][0]
    )


def test_an_outside_credential_from_an_unknown_issuer_is_kept_unverified_then_rechecked(
    dana: User, sam: User, outside_credential: dict, university_document: dict
) -> None:
    item = imports.import_credential(owner=dana, document=outside_credential)
    assert not item.verified
    assert item.issuer_name == "Example University"
    assert AuditEvent.objects.filter(verb="credential.imported", actor=dana).exists()
    imports.save_known_issuer(
        actor=sam, issuer_id=university_document["id"], name="Example University", did_document=university_document
    )
    item = imports.recheck_imported_credential(item, actor=dana)
    assert item.verified
    assert item.report["verified"] is True


def test_a_rung_credential_can_be_imported_and_verifies(dana: User, issued: IssuedCredential) -> None:
    assert imports.import_credential(owner=dana, document=issued.document).verified


def test_only_the_owner_rechecks_or_removes(dana: User, charlie: User, outside_credential: dict) -> None:
    item = imports.import_credential(owner=dana, document=outside_credential)
    with pytest.raises(PermissionDenied):
        imports.recheck_imported_credential(item, actor=charlie)
    with pytest.raises(PermissionDenied):
        imports.remove_imported_credential(item, actor=charlie)
    assert ImportedCredential.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("raw", ["x" * 300_000, "{", "[" * 5000 + "]" * 5000, b"\xff\xfe"])
def test_parse_document_refuses_in_plain_words(raw: str | bytes) -> None:
    with pytest.raises(CredentialError):
        imports.parse_document(raw)


def test_only_staff_maintain_known_issuers(charlie: User, university_document: dict) -> None:
    with pytest.raises(PermissionDenied):
        imports.save_known_issuer(
            actor=charlie, issuer_id=university_document["id"], name="Evil", did_document=university_document
        )


@pytest.mark.parametrize(
    "document",
    [
        {"id": "did:web:other.example"},
        {"id": "did:web:badges.example.edu", "assertionMethod": []},
        "not a document",
    ],
)
def test_a_did_document_without_usable_keys_is_refused(sam: User, document: object) -> None:
    with pytest.raises(CredentialError):
        imports.save_known_issuer(
            actor=sam, issuer_id="did:web:badges.example.edu", name="Example", did_document=document
        )
    assert not KnownIssuer.objects.exists()


def test_staff_add_an_issuer_with_the_command(sam: User, tmp_path: Path, university_document: dict) -> None:
    path = tmp_path / "did.json"
    path.write_text(json.dumps(university_document))
    out = io.StringIO()
    call_command(
        "credentials",
        "issuers",
        "add",
        university_document["id"],
        "--name",
        "Example University",
        "--staff",
        sam.email,
        "--document",
        str(path),
        stdout=out,
    )
    assert "now trusts" in out.getvalue()
    known = KnownIssuer.objects.get()
    assert known.updated_by == sam
    listing = io.StringIO()
    call_command("credentials", "issuers", "list", stdout=listing)
    assert "Example University" in listing.getvalue()
    with pytest.raises(CommandError, match="not a Rung staff account"):
        call_command(
            "credentials", "issuers", "add", "did:web:x.example", "--name", "X", "--staff", "nobody@x", "--fetch"
        )


def test_fetching_a_did_web_document_is_https_and_checked(
    monkeypatch: pytest.MonkeyPatch, university_document: dict
) -> None:
    seen: list[str] = []

    class Response(io.BytesIO):
        def __enter__(self) -> "Response":
            return self

        def __exit__(self, *args: object) -> None:
            self.close()

    def fake_urlopen(request: Any, timeout: float) -> Response:
        seen.append(request.full_url)
        return Response(json.dumps(university_document).encode())

    monkeypatch.setattr(imports.urllib.request, "urlopen", fake_urlopen)
    assert imports.fetch_did_document("did:web:badges.example.edu") == university_document
    assert seen == ["https://badges.example.edu/.well-known/did.json"]
    with pytest.raises(CredentialError, match="Only a did:web"):
        imports.fetch_did_document("https://example.edu/issuer")


def test_an_application_shows_rung_and_imported_credentials(
    dana: User, sam: User, issue: Any, outside_credential: dict
) -> None:
    issue()
    revoked = issue()
    services.revoke_credential(revoked, actor=sam, reason="Issued by mistake")
    imports.import_credential(owner=dana, document=outside_credential)
    summaries = selectors.credentials_for_applicant(dana)
    # Rung's own first, newest first; then imported ones, each marked verified or not.
    assert [(s.source, s.verified, s.revoked) for s in summaries] == [
        ("rung", False, True),
        ("rung", True, False),
        ("imported", False, False),
    ]
    assert {s.creator_name for s in summaries if s.source == "rung"} == {"Acme Analytics"}
    assert summaries[-1].issuer_name == "Example University"
