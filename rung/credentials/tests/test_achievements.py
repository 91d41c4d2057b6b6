"""Achievement credentials (not an engagement): built, signed, verified by Rung and by the independent
Node verifier, revoked, and refused in plain words when the input is wrong."""

import copy
import json
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.credentials import issuer
from rung.credentials.achievements import (
    Achievement,
    AchievementEvidenceInput,
    AlignmentInput,
    issue_achievement_credential,
    withdraw_credential,
)
from rung.credentials.models import IssuedCredential
from rung.credentials.orgissuers import org_did_document
from rung.credentials.schema import schema_errors
from rung.credentials.services import CredentialError, revoke_credential
from rung.credentials.statuslist import status_list_credential
from rung.credentials.tests.test_independent_verifier import NODE, REPO, SCRIPT
from rung.credentials.tests.test_independent_verifier import pytestmark as node_marks
from rung.credentials.verify import verify_credential
from rung.lib.errors import PermissionDenied
from rung.orgs.models import Organisation, Verification

ACCREDITED = Achievement(
    ref="test:accredited-mentor",
    name="Accredited mentor",
    description="Trained and practised mentor of micro-interns.",
    criteria_narrative="Passed five training modules and held six check-ins rated 4 or more on average.",
    achievement_type="Certificate",
    image_url="https://rung.example/static/badge.png",
    image_caption="A rung of a ladder",
    alignments=[AlignmentInput("Mentoring", "https://esco.example/skill/mentoring")],
)


def _issue(recipient: User, **changes: Any) -> IssuedCredential:
    arguments: dict[str, Any] = {
        "recipient": recipient,
        "achievement": ACCREDITED,
        "issue_ref": "accreditation:test-1",
        "valid_until": timezone.now() + timedelta(days=365),
        "evidence": [AchievementEvidenceInput("Check-ins held", narrative="Six check-ins, mean rating 4.5.")],
        "narrative": "Dana passed the training.",
    }
    arguments.update(changes)
    return issue_achievement_credential(**arguments)


@pytest.fixture
def accredited(dana: User) -> IssuedCredential:
    return _issue(dana)


def test_the_credential_states_the_achievement_and_passes_the_ob3_schema(accredited: IssuedCredential) -> None:
    document = accredited.document
    assert schema_errors(document) == []
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == accredited.issuer_did == issuer.issuer_did()
    assert "validUntil" in document
    assert accredited.valid_until is not None
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"] == "Accredited mentor"
    assert achievement["criteria"]["narrative"].startswith("Passed five training modules")
    assert achievement["image"] == {
        "id": "https://rung.example/static/badge.png", "type": "Image", "caption": "A rung of a ladder"
    }  # fmt: skip
    assert achievement["alignment"][0]["targetName"] == "Mentoring"
    assert document["evidence"] == [
        {"type": ["Evidence"], "name": "Check-ins held", "narrative": "Six check-ins, mean rating 4.5."}
    ]
    assert "dana@student.example" not in accredited.document_text
    assert accredited.engagement_ref == "accreditation:test-1"
    assert accredited.organisation is None
    assert verify_credential(document).verified


def test_two_credentials_for_one_achievement_share_its_id(dana: User, charlie: User) -> None:
    one = _issue(dana)
    two = _issue(charlie, issue_ref="accreditation:test-2")
    assert (
        one.document["credentialSubject"]["achievement"]["id"] == two.document["credentialSubject"]["achievement"]["id"]
    )
    assert one.document["id"] != two.document["id"]


def test_issuing_twice_under_one_ref_returns_the_same_credential(dana: User, charlie: User) -> None:
    first = _issue(dana)
    assert _issue(dana) == first
    with pytest.raises(CredentialError, match="someone else"):
        _issue(charlie)
    assert IssuedCredential.objects.count() == 1


def test_issuing_is_audited(accredited: IssuedCredential) -> None:
    event = AuditEvent.objects.get(verb="credential.issued")
    assert event.data["achievement"] == "test:accredited-mentor"
    assert event.data["ref"] == "accreditation:test-1"


def test_an_organisation_issues_under_its_own_did_and_can_revoke(dana: User, org: Organisation, alice: User) -> None:
    award = Achievement(
        ref=f"award:{org.uuid}:best-intern",
        name="Intern of the term",
        description="Chosen by Acme's team.",
        criteria_narrative="The intern whose work the team valued most this term.",
        achievement_type="Award",
    )
    credential = _issue(dana, achievement=award, issue_ref="award:1", issuer=org, valid_until=None, evidence=())
    assert credential.issuer_did == "did:web:testserver:orgs:acme"
    assert credential.document["issuer"]["name"] == "Acme Analytics"
    assert credential.organisation == org
    assert "validUntil" not in credential.document
    assert verify_credential(credential.document).verified
    revoke_credential(credential, actor=alice, reason="Awarded to the wrong intern")
    report = verify_credential(credential.document)
    assert not report.verified


def test_an_unverified_organisation_cannot_issue(dana: User, org: Organisation) -> None:
    org.verification = Verification.PENDING
    org.save()
    with pytest.raises(PermissionDenied):
        _issue(dana, issuer=org)
    assert not IssuedCredential.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"issue_ref": " "}, "issue_ref"),
        ({"achievement": Achievement(ref="x", name="", description="d", criteria_narrative="c")}, "name"),
        (
            {"achievement": Achievement(ref="x", name="n", description="d", criteria_narrative=" ")},
            "criteria_narrative",
        ),
        ({"achievement": Achievement(ref="", name="n", description="d", criteria_narrative="c")}, "ref"),
        (
            {
                "achievement": Achievement(
                    ref="x", name="n", description="d", criteria_narrative="c", achievement_type="Trophy"
                )
            },
            "achievement_type",
        ),
        (
            {
                "achievement": Achievement(
                    ref="x", name="n", description="d", criteria_narrative="c", image_url="ftp://x"
                )
            },
            "image_url",
        ),
        ({"evidence": [AchievementEvidenceInput("Link", url="javascript:alert(1)")]}, "evidence"),
        ({"valid_until": timezone.now() - timedelta(days=1)}, "valid_until"),
    ],
)
def test_bad_input_is_refused_in_plain_words(dana: User, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(CredentialError) as caught:
        _issue(dana, **changes)
    assert caught.value.field == field
    assert not IssuedCredential.objects.exists()


def test_the_verify_page_and_the_vc_api_verify_it(client: Client, accredited: IssuedCredential, sam: User) -> None:
    page = client.post("/verify/", {"text": accredited.document_text}).content.decode()
    assert '<h2 id="verdict-h">Verified</h2>' in page
    response = client.post(
        "/credentials/verify",
        json.dumps({"verifiableCredential": accredited.document}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    revoke_credential(accredited, actor=sam, reason="Accreditation withdrawn")
    page = client.post("/verify/", {"text": accredited.document_text}).content.decode()
    assert "revoked by its issuer" in page


def test_an_expired_one_does_not_verify(dana: User) -> None:
    past = timezone.now() - timedelta(days=400)
    credential = _issue(dana, valid_from=past, valid_until=past + timedelta(days=365))
    report = verify_credential(credential.document)
    assert not report.verified


# --- the independent verifier ---------------------------------------------------------------------


def _node(credential: IssuedCredential, document: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    dids = {}
    own = issuer.did_document()
    if own is not None:
        dids[own["id"]] = own
    if credential.organisation is not None:
        org_document = org_did_document(credential.organisation)
        assert org_document is not None
        dids[org_document["id"]] = org_document
    status = {credential.status_list.url: status_list_credential(credential.status_list)}
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps({"credential": document or credential.document, "didDocuments": dids, "statusLists": status}),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout)


@node_marks[0]
@node_marks[1]
def test_node_verifies_it_and_rejects_a_tampered_copy(accredited: IssuedCredential) -> None:
    assert _node(accredited) == (0, {"verified": True, "error": None})
    for path in (("name",), ("validUntil",), ("credentialSubject", "achievement", "criteria", "narrative")):
        tampered = copy.deepcopy(accredited.document)
        target: Any = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = "2099-01-01T00:00:00Z" if path == ("validUntil",) else target[path[-1]] + "!"
        code, result = _node(accredited, tampered)
        assert (code, result["verified"]) == (1, False), path


@node_marks[0]
@node_marks[1]
def test_node_verifies_an_organisation_award_and_sees_its_revocation(
    dana: User, org: Organisation, alice: User
) -> None:
    award = Achievement(
        ref="award:x", name="Intern of the term", description="Chosen by the team.",
        criteria_narrative="Valued most.", achievement_type="Award",
    )  # fmt: skip
    credential = _issue(dana, achievement=award, issue_ref="award:2", issuer=org)
    assert _node(credential) == (0, {"verified": True, "error": None})
    revoke_credential(credential, actor=alice, reason="Awarded by mistake")
    code, result = _node(credential)
    assert (code, result["verified"]) == (1, False)


def test_withdrawing_by_a_platform_rule_revokes_once(accredited: IssuedCredential, sam: User) -> None:
    first = withdraw_credential(accredited, reason="Safeguarding concern upheld", actor=sam)
    assert withdraw_credential(accredited, reason="Again, later", actor=sam) == first
    assert first.acting_as == "platform rule"
    assert not verify_credential(accredited.document).verified
    with pytest.raises(CredentialError):
        withdraw_credential(_issue(sam, issue_ref="accreditation:x"), reason=" ", actor=None)
