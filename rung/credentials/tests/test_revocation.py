"""Revoking: who may, what is recorded, and the signed Bitstring Status List that tells the world."""

import pytest

from rung.accounts.models import User
from rung.audit.models import AppendOnlyError, AuditEvent
from rung.credentials import selectors
from rung.credentials.models import IssuedCredential, Revocation
from rung.credentials.services import CredentialError, revoke_credential
from rung.credentials.statuslist import bit_is_set, decode_bitstring, encode_bitstring, status_list_credential
from rung.credentials.verify import verify_credential
from rung.lib.errors import NotFound, PermissionDenied
from rung.orgs.models import Membership, Organisation, Role


def test_staff_revoke_with_a_reason_and_the_holder_is_told(
    issued: IssuedCredential, sam: User, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        revocation = revoke_credential(issued, actor=sam, reason="  Issued to the wrong   person ")
    assert revocation.reason == "Issued to the wrong person"
    assert revocation.acting_as == "staff"
    event = AuditEvent.objects.get(verb="credential.revoked", object_id=str(issued.uuid))
    assert event.actor == sam
    assert event.data["reason"] == "Issued to the wrong person"
    assert mailoutbox[0].to == ["dana@student.example"]
    assert "Issued to the wrong person" in mailoutbox[0].body


def test_an_owner_of_the_issuing_organisation_may_revoke(issued: IssuedCredential, alice: User) -> None:
    assert revoke_credential(issued, actor=alice, reason="The work was plagiarised").acting_as == "acme"


def test_a_manager_may_revoke_too(issued: IssuedCredential, org: Organisation, charlie: User) -> None:
    Membership.objects.create(organisation=org, user=charlie, role=Role.MANAGER)
    assert revoke_credential(issued, actor=charlie, reason="The work was plagiarised").acting_as == "acme"


def test_a_member_without_the_role_cannot_revoke(issued: IssuedCredential, bob: User) -> None:
    with pytest.raises(PermissionDenied):
        revoke_credential(issued, actor=bob, reason="I did not like it")
    with pytest.raises(PermissionDenied):
        selectors.get_credential_for_revoker(bob, issued.uuid)
    assert not Revocation.objects.exists()


def test_an_outsider_cannot_revoke_or_learn_it_exists(issued: IssuedCredential, charlie: User) -> None:
    with pytest.raises(PermissionDenied):
        revoke_credential(issued, actor=charlie, reason="Because")
    with pytest.raises(NotFound):
        selectors.get_credential_for_revoker(charlie, issued.uuid)


def test_the_holder_cannot_revoke_their_own(issued: IssuedCredential, dana: User) -> None:
    with pytest.raises(PermissionDenied):
        revoke_credential(issued, actor=dana, reason="I want to")


def test_an_owner_of_another_organisation_cannot_revoke(issued: IssuedCredential, charlie: User) -> None:
    other = Organisation.objects.create(name="Other", slug="other", kind="employer", email_domain="other.example")
    Membership.objects.create(organisation=other, user=charlie, role=Role.OWNER)
    with pytest.raises(PermissionDenied):
        revoke_credential(issued, actor=charlie, reason="Competition")


def test_a_reason_is_required(issued: IssuedCredential, sam: User) -> None:
    with pytest.raises(CredentialError, match="Say why"):
        revoke_credential(issued, actor=sam, reason="  ")


def test_revoking_twice_is_refused(issued: IssuedCredential, sam: User, alice: User) -> None:
    revoke_credential(issued, actor=sam, reason="Issued by mistake")
    with pytest.raises(CredentialError, match="already revoked"):
        revoke_credential(issued, actor=alice, reason="Issued by mistake")


def test_revocations_are_append_only(issued: IssuedCredential, sam: User) -> None:
    revocation = revoke_credential(issued, actor=sam, reason="Issued by mistake")
    with pytest.raises(AppendOnlyError):
        revocation.delete()
    with pytest.raises(AppendOnlyError):
        Revocation.objects.filter(pk=revocation.pk).update(reason="never mind")


def test_issued_for_manager_is_scoped(
    issued: IssuedCredential, alice: User, bob: User, charlie: User, sam: User
) -> None:
    assert list(selectors.issued_for_manager(alice)) == [issued]
    assert list(selectors.issued_for_manager(sam)) == [issued]
    assert list(selectors.issued_for_manager(bob)) == []
    assert list(selectors.issued_for_manager(charlie)) == []


# --- the status list ------------------------------------------------------------------------------


def test_bitstring_encoding_round_trips_with_index_zero_leftmost() -> None:
    encoded = encode_bitstring({0, 9, 131071}, 131072)
    assert encoded.startswith("u")
    assert "=" not in encoded
    bits = decode_bitstring(encoded)
    assert len(bits) == 16384  # 16 KiB: the spec's minimum, for herd privacy
    assert bits[0] == 0x80
    assert bits[1] == 0x40
    assert bits[-1] == 0x01
    assert [i for i in (0, 1, 9, 131071) if bit_is_set(bits, i)] == [0, 9, 131071]


def test_the_status_list_credential_is_signed_and_shows_revocations(issue: pytest.FixtureRequest, sam: User) -> None:
    revoked, kept = issue(), issue()  # type: ignore[operator]
    revoke_credential(revoked, actor=sam, reason="Issued by mistake")
    document = status_list_credential(revoked.status_list)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == revoked.issuer_did
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    bits = decode_bitstring(subject["encodedList"])
    assert bit_is_set(bits, revoked.status_index)
    assert not bit_is_set(bits, kept.status_index)
    report = verify_credential(document)
    assert report.verified, report.errors
