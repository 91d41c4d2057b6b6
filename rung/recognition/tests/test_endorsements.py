"""Endorsements: who may endorse, the signed EndorsementCredential, hiding, withdrawing, taking down."""

import pytest

from conftest import make_user
from rung.audit.models import AuditEvent
from rung.credentials import endorsements as builder
from rung.credentials.models import IssuedCredential, Revocation
from rung.credentials.verify import verify_credential
from rung.lib.errors import DomainError, PermissionDenied
from rung.profiles.models import Skill
from rung.recognition import selectors, services
from rung.recognition.models import Capacity, Endorsement, EndorsementStatus


def signed(endorsement: Endorsement) -> IssuedCredential:
    assert endorsement.credential is not None
    return endorsement.credential


STATEMENT = "Nia cleaned a messy CRM export and explained every choice she made. Careful, clear work."


def test_a_reviewer_who_reviewed_the_work_endorses_the_credential(credential, bob) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    assert endorsement.capacity == Capacity.REVIEWER
    assert endorsement.intern == credential.recipient
    document = signed(endorsement).document
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    subject = document["credentialSubject"]
    assert subject["type"] == ["EndorsementSubject"]
    assert subject["id"] == credential.credential_id
    # The endorser is named in the claim itself, with the capacity and the statement.
    assert subject["endorsementComment"].startswith("Bob Reviewer, reviewer on ")
    assert STATEMENT in subject["endorsementComment"]
    assert builder.endorsement_schema_errors(document) == []
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    report = verify_credential(document)
    assert report.verified, report.errors
    assert AuditEvent.objects.filter(verb="endorsement.issued", object_id=str(endorsement.uuid)).exists()


def test_the_mentor_and_an_employer_member_may_endorse(credential, maya, alice) -> None:
    assert services.endorse_credential(endorser=maya, credential=credential, statement=STATEMENT).capacity == "mentor"
    assert (
        services.endorse_credential(endorser=alice, credential=credential, statement=STATEMENT).capacity == "employer"
    )


def test_someone_who_did_not_work_with_the_intern_is_refused(credential, charlie) -> None:
    with pytest.raises(PermissionDenied):
        services.endorse_credential(endorser=charlie, credential=credential, statement=STATEMENT)
    assert not Endorsement.objects.exists()
    assert not IssuedCredential.objects.filter(engagement_ref__startswith="endorsement:").exists()


def test_a_viewer_of_the_organisation_is_refused(credential, org) -> None:
    from rung.orgs.models import Membership, Role

    viewer = make_user("vic@acme.example", "Vic Viewer")
    Membership.objects.create(organisation=org, user=viewer, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.endorse_credential(endorser=viewer, credential=credential, statement=STATEMENT)


def test_the_intern_cannot_endorse_themselves(credential) -> None:
    with pytest.raises(PermissionDenied):
        services.endorse_credential(endorser=credential.recipient, credential=credential, statement=STATEMENT)


@pytest.mark.parametrize("statement", ["", "Great.", "x" * 1001])
def test_a_missing_or_overlong_statement_is_refused(credential, bob, statement) -> None:
    with pytest.raises(DomainError):
        services.endorse_credential(endorser=bob, credential=credential, statement=statement)
    assert not Endorsement.objects.exists()


def test_endorsing_twice_is_refused(credential, bob) -> None:
    services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    with pytest.raises(DomainError, match="already"):
        services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    assert Endorsement.objects.count() == 1


def test_a_revoked_credential_cannot_be_endorsed(credential, bob, sam) -> None:
    from rung.credentials.services import revoke_credential

    revoke_credential(credential, actor=sam, reason="Issued by mistake")
    credential.refresh_from_db()
    with pytest.raises(DomainError, match="revoked"):
        services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)


def test_a_skill_of_the_project_is_endorsed_for_the_intern(completed, bob) -> None:
    skill = Skill.objects.filter(curated=True).first()
    assert skill is not None
    completed.project.skills.add(skill)
    endorsement = services.endorse_skill(endorser=bob, engagement=completed, skill=skill, statement=STATEMENT)
    subject = signed(endorsement).document["credentialSubject"]
    from rung.credentials.services import subject_id

    assert subject["id"] == subject_id(completed.candidate)
    assert skill.name in signed(endorsement).document["description"]
    assert verify_credential(signed(endorsement).document).verified


def test_a_skill_unrelated_to_the_work_is_refused(completed, bob) -> None:
    skill = Skill.objects.exclude(projects=completed.project).first()
    assert skill is not None
    with pytest.raises(DomainError, match="skill"):
        services.endorse_skill(endorser=bob, engagement=completed, skill=skill, statement=STATEMENT)


def test_the_intern_hides_an_endorsement_from_the_credential_page_and_portfolio(credential, bob) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    assert [e.endorser for e in builder.shown_for(credential)] == ["Bob Reviewer"]
    assert list(selectors.endorsements_for_portfolio(credential.recipient)) == [endorsement]
    services.set_endorsement_hidden(endorsement, actor=credential.recipient, hidden=True)
    assert builder.shown_for(credential) == []
    assert list(selectors.endorsements_for_portfolio(credential.recipient)) == []
    services.set_endorsement_hidden(endorsement, actor=credential.recipient, hidden=False)
    assert len(builder.shown_for(credential)) == 1


def test_only_the_intern_may_hide(credential, bob) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    with pytest.raises(PermissionDenied):
        services.set_endorsement_hidden(endorsement, actor=bob, hidden=True)


def test_the_endorser_withdraws_and_the_credential_is_revoked(credential, bob) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    services.withdraw_endorsement(endorsement, actor=bob, reason="Wrote it on the wrong credential")
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.WITHDRAWN
    assert Revocation.objects.get(credential=endorsement.credential).acting_as == "endorser"
    assert not verify_credential(signed(endorsement).document).verified
    assert builder.shown_for(credential) == []
    with pytest.raises(DomainError, match="cannot be changed"):
        services.withdraw_endorsement(endorsement, actor=bob, reason="Again, please")


def test_only_the_endorser_or_staff_may_withdraw(credential, bob, alice) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    for person in (credential.recipient, alice):
        with pytest.raises(PermissionDenied):
            services.withdraw_endorsement(endorsement, actor=person, reason="Not theirs to withdraw")


def test_moderation_takes_an_endorsement_down(credential, bob, sam) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    with pytest.raises(PermissionDenied):
        services.take_down_endorsement(endorsement, actor=bob, reason="Reported as abusive")
    services.take_down_endorsement(endorsement, actor=sam, reason="Reported as abusive and upheld")
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.TAKEN_DOWN
    assert list(endorsement.history.values_list("from_status", "to_status")) == [
        ("", "active"),
        ("active", "taken_down"),
    ]
    assert builder.shown_for(credential) == []


def test_the_builder_refuses_to_revoke_a_credential_that_is_not_an_endorsement(credential, sam) -> None:
    with pytest.raises(DomainError):
        builder.revoke_endorsement(credential, actor=sam, reason="Not an endorsement", acting_as="staff")


def test_the_vc_api_verifies_an_endorsement_and_refuses_a_tampered_one(client, credential, bob) -> None:
    import json

    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    document = signed(endorsement).document

    def post(doc):
        return client.post(
            "/credentials/verify", json.dumps({"verifiableCredential": doc}), content_type="application/json"
        )

    answer = post(document)
    assert answer.status_code == 200
    assert answer.json()["verified"] is True
    document["credentialSubject"]["endorsementComment"] += " (edited)"
    assert post(document).json()["verified"] is False


def test_an_endorsement_revoked_on_the_credentials_pages_stops_showing(credential, bob, alice) -> None:
    from rung.credentials.services import revoke_credential

    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    revoke_credential(signed(endorsement), actor=alice, reason="Posted by mistake")
    assert builder.shown_for(credential) == []
    assert list(selectors.endorsements_for_portfolio(credential.recipient)) == []
