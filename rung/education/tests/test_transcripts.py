"""A transcript issued through the real flow: a ClrCredential signed as the partner's own DID that passes
the CLR 2.0 schema, Rung's verifier and the independent Node verifier, fails once tampered, and can be
revoked. Plus the CSV export of awarded credit."""

import copy
import csv
import io
import json
import subprocess

import pytest

from rung.credentials.clr import clr_schema_errors
from rung.credentials.orgissuers import org_did, org_did_document
from rung.credentials.services import revoke_credential
from rung.credentials.statuslist import status_list_credential
from rung.credentials.tests.test_independent_verifier import NODE, REPO, SCRIPT
from rung.credentials.verify import verify_credential
from rung.education import selectors, services
from rung.education.models import CreditClaim, CreditStatus
from rung.education.tests.conftest import active_agreement, affiliate, complete
from rung.lib.errors import PermissionDenied

pytestmark = pytest.mark.django_db

needs_node = pytest.mark.skipif(
    NODE is None or not (REPO / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="the independent verifier needs node and `npm ci`",
)


@pytest.fixture
def approved(engagement, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    active_agreement(pat_m, auto_approve=True)
    affiliation = affiliate(candidate, rey_m)
    complete(engagement, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    assert claim.status == CreditStatus.APPROVED
    return affiliation


@pytest.fixture
def transcript(approved, pat_m, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.issue_transcript(approved, membership=pat_m)


def _node(credential, document=None):
    did_document = org_did_document(credential.organisation)
    status_list = credential.status_list
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps(
            {
                "credential": document or credential.document,
                "didDocuments": {did_document["id"]: did_document} if did_document else {},
                "statusLists": {status_list.url: status_list_credential(status_list)},
            }
        ),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout)


def test_the_transcript_is_a_clr_credential_of_the_partner_itself(transcript, uni):
    document = transcript.credential.document
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["issuer"]["id"] == org_did(uni) == transcript.credential.issuer_did
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    subject = document["credentialSubject"]
    inner = subject["verifiableCredential"]
    assert len(inner) == 1
    assert {"AchievementCredential", "OpenBadgeCredential"} & set(inner[0]["type"])
    [credit] = subject["achievement"]
    assert (credit["humanCode"], credit["creditsAvailable"]) == ("DATA2001", 2.5)
    [association] = subject["association"]
    assert association["sourceId"] == inner[0]["credentialSubject"]["achievement"]["id"]
    assert association["targetId"] == credit["id"]
    assert clr_schema_errors(document) == []


def test_rungs_verifier_and_the_verification_page_accept_it(transcript, client):
    document = transcript.credential.document
    assert verify_credential(document).verified
    body = client.post("/verify/", {"text": json.dumps(document)}).content.decode()
    assert "Not verified" not in body
    assert "Verified" in body


@needs_node
def test_the_independent_verifier_accepts_it_and_refuses_a_tampered_copy(transcript):
    assert _node(transcript.credential) == (0, {"verified": True, "error": None})
    tampered = copy.deepcopy(transcript.credential.document)
    tampered["credentialSubject"]["achievement"][0]["creditsAvailable"] = 30
    code, result = _node(transcript.credential, tampered)
    assert (code, result["verified"]) == (1, False)


@needs_node
def test_a_revoked_transcript_no_longer_verifies(transcript, pat, rey):
    with pytest.raises(PermissionDenied):
        revoke_credential(transcript.credential, actor=rey, reason="A reviewer may not revoke")
    revoke_credential(transcript.credential, actor=pat, reason="Issued to the wrong student")
    assert not verify_credential(transcript.credential.document).verified
    code, result = _node(transcript.credential)
    assert (code, result["verified"]) == (1, False)


def test_without_consent_to_credentials_no_transcript_is_issued(approved, candidate, pat_m):
    from rung.credentials.models import IssuedCredential

    before = IssuedCredential.objects.count()
    services.set_consent(approved, student=candidate, items={"credentials": False})
    with pytest.raises(services.EducationError, match="does not share credentials with you"):
        services.issue_transcript(approved, membership=pat_m)
    assert IssuedCredential.objects.count() == before


def test_only_owners_and_managers_issue_and_only_with_approved_credit(approved, rey_m, pat_m, uni, candidate, charlie):
    with pytest.raises(PermissionDenied):
        services.issue_transcript(approved, membership=rey_m)
    CreditClaim.objects.update(status=CreditStatus.DECLINED)
    with pytest.raises(services.EducationError, match="no approved credit"):
        services.issue_transcript(approved, membership=pat_m)


def test_a_completed_stack_is_on_the_transcript(approved, pat_m, uni):
    from decimal import Decimal

    stack = services.create_stack(
        membership=pat_m,
        partner=uni,
        name="Certificate in Applied Analytics",
        required_credits=1,
        required_skill="python",
        award_amount=Decimal(5),
        award_unit="ECTS",
    )
    transcript = services.issue_transcript(approved, membership=pat_m)
    achievements = transcript.credential.document["credentialSubject"]["achievement"]
    assert [a["achievementType"] for a in achievements] == ["Course", "Certificate"]
    assert achievements[1]["id"] == f"urn:uuid:{stack.uuid}"
    assert {"isChildOf"} <= {
        a["associationType"] for a in transcript.credential.document["credentialSubject"]["association"]
    }


def test_the_csv_lists_awarded_credit(approved, uni, candidate):
    rows = list(csv.reader(io.StringIO(selectors.awarded_credit_csv(uni))))
    assert rows[0] == selectors.CSV_COLUMNS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["student_email"], row["course_code"], row["credit_amount"], row["credit_unit"], row["automatic"]) == (
        candidate.email,
        "DATA2001",
        "2.5",
        "ECTS",
        "yes",
    )


def test_csv_cells_never_start_a_formula():
    assert selectors._cell("=SUM(A1)") == "'=SUM(A1)"
    assert selectors._cell("Nia") == "Nia"
