import pytest
from django.db import DatabaseError, connection, transaction

from rung.engagements import services
from rung.engagements.models import (
    Contract,
    ContractStatus,
    EngagementStatus,
    Signature,
    SignatureRole,
    SignedContractError,
)
from rung.engagements.tests.conftest import sign_both
from rung.lib.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def _sign(contract, user, role, **kwargs):
    options = {"typed_name": user.full_name, "consent": True, **kwargs}
    return services.sign_contract(contract, signer=user, role=role, **options)


def test_both_signatures_make_the_contract_signed_and_the_engagement_active(engagement, alice, candidate):
    contract = engagement.contracts.get()
    _sign(contract, alice, SignatureRole.EMPLOYER, ip="203.0.113.7")
    contract.refresh_from_db()
    engagement.refresh_from_db()
    assert contract.status == ContractStatus.AWAITING_SIGNATURES
    assert engagement.status == EngagementStatus.AWAITING_SIGNATURES
    contract = _sign(contract, candidate, SignatureRole.CANDIDATE)
    engagement.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    assert contract.signed_at is not None
    assert engagement.status == EngagementStatus.ACTIVE
    assert engagement.started_at is not None
    employer = Signature.objects.get(contract=contract, role=SignatureRole.EMPLOYER)
    assert (employer.signer, employer.ip_address, employer.text_sha256) == (alice, "203.0.113.7", contract.text_sha256)
    assert employer.typed_name == alice.full_name
    assert employer.consent
    assert services.verify_contract_hash(contract)


def test_the_typed_name_matches_ignoring_case_and_extra_spaces(engagement, alice):
    contract = engagement.contracts.get()
    _sign(contract, alice, SignatureRole.EMPLOYER, typed_name="  alice    OWNER ")
    assert Signature.objects.get().typed_name == "alice OWNER"


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("charlie", SignatureRole.CANDIDATE),
        ("charlie", SignatureRole.EMPLOYER),
        ("bob", SignatureRole.EMPLOYER),
        ("candidate", SignatureRole.EMPLOYER),
        ("alice", SignatureRole.CANDIDATE),
    ],
)
def test_only_the_intern_and_an_owner_or_manager_can_sign(request, engagement, who, role):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _sign(engagement.contracts.get(), user, role)
    assert not Signature.objects.exists()


def test_a_wrong_typed_name_is_refused(engagement, candidate):
    with pytest.raises(services.EngagementError) as refused:
        _sign(engagement.contracts.get(), candidate, SignatureRole.CANDIDATE, typed_name="Nia C.")
    assert refused.value.field == "typed_name"
    assert "Nia Candidate" in refused.value.message
    assert not Signature.objects.exists()


def test_signing_without_consent_is_refused(engagement, candidate):
    with pytest.raises(services.EngagementError) as refused:
        _sign(engagement.contracts.get(), candidate, SignatureRole.CANDIDATE, consent=False)
    assert refused.value.field == "consent"
    assert not Signature.objects.exists()


def test_signing_twice_is_refused(engagement, candidate):
    contract = engagement.contracts.get()
    _sign(contract, candidate, SignatureRole.CANDIDATE)
    with pytest.raises(services.EngagementError) as refused:
        _sign(contract, candidate, SignatureRole.CANDIDATE)
    assert refused.value.code == "already_signed"
    assert Signature.objects.count() == 1


def test_a_signed_contract_cannot_be_signed_again(engagement, alice, candidate, org):
    contract = sign_both(engagement, employer=alice, candidate=candidate)
    from conftest import make_user
    from rung.orgs.models import Membership, Role

    manager = make_user("mo@acme.example", "Mo Manager")
    Membership.objects.create(organisation=org, user=manager, role=Role.MANAGER)
    with pytest.raises(services.EngagementError) as refused:
        _sign(contract, manager, SignatureRole.EMPLOYER)
    assert refused.value.code == "not_signable"


def test_a_text_that_no_longer_matches_its_hash_cannot_be_signed(engagement, candidate):
    contract = engagement.contracts.get()
    Contract.objects.filter(pk=contract.pk).update(text=contract.text.replace("25%", "0%"))
    with pytest.raises(services.EngagementError) as refused:
        _sign(contract, candidate, SignatureRole.CANDIDATE)
    assert refused.value.code == "tampered"


def test_a_signature_on_a_text_the_signer_did_not_see_is_refused(engagement, candidate):
    with pytest.raises(services.EngagementError) as refused:
        _sign(engagement.contracts.get(), candidate, SignatureRole.CANDIDATE, text_sha256="0" * 64)
    assert refused.value.code == "stale_text"


def test_editing_a_signed_contract_is_refused(engagement, alice, candidate):
    contract = sign_both(engagement, employer=alice, candidate=candidate)
    original = contract.text
    contract.text = original.replace("25%", "0%")
    with pytest.raises(SignedContractError):
        contract.save()
    contract.refresh_from_db()
    contract.terms = {**contract.terms, "stipend_minor": 1}
    with pytest.raises(SignedContractError):
        contract.save(update_fields=["terms"])
    with pytest.raises(SignedContractError):
        Contract.objects.filter(pk=contract.pk).update(text_sha256="0" * 64)
    with pytest.raises(SignedContractError):
        Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.AWAITING_SIGNATURES)
    with pytest.raises(SignedContractError):
        Contract.objects.get(pk=contract.pk).delete()
    contract.refresh_from_db()
    assert contract.text == original
    assert services.verify_contract_hash(contract)


def test_an_unsigned_contract_is_not_frozen(engagement):
    contract = engagement.contracts.get()
    contract.change_summary = "typo"
    contract.save()


@pytest.mark.postgres_only
def test_the_database_refuses_to_change_a_signed_contract(engagement, alice, candidate):
    contract = sign_both(engagement, employer=alice, candidate=candidate)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE engagements_contract SET text = 'nothing' WHERE id = %s", [contract.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM engagements_contract WHERE id = %s", [contract.pk])


def test_hash_verification_catches_a_tampered_text(engagement, alice, candidate):
    contract = sign_both(engagement, employer=alice, candidate=candidate)
    assert services.verify_contract_hash(contract)
    if connection.vendor == "postgresql":
        # The database refuses the change outright (see above); tamper in memory instead.
        contract.text = contract.text.replace("25%", "0%")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE engagements_contract SET text = %s WHERE id = %s",
                [contract.text.replace("25%", "0%"), contract.pk],
            )
        contract.refresh_from_db()
    assert not services.verify_contract_hash(contract)


def test_hash_verification_catches_a_signature_on_another_text(engagement, alice):
    contract = engagement.contracts.get()
    _sign(contract, alice, SignatureRole.EMPLOYER)
    assert services.verify_contract_hash(contract)
    Contract.objects.filter(pk=contract.pk).update(
        text=contract.text + "extra\n", text_sha256=services.sha256_text(contract.text + "extra\n")
    )
    contract.refresh_from_db()
    assert not services.verify_contract_hash(contract)
