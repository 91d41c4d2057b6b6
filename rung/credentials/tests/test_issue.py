"""issue_credential: what a Rung credential contains, and that it is stored immutably."""

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from rung.accounts.models import User
from rung.audit.models import AppendOnlyError, AuditEvent
from rung.credentials.jsonld import CREDENTIALS_V2_URL, OB_V3P0_URL
from rung.credentials.models import STATUS_LIST_LENGTH, IssuedCredential, ShareLink, StatusList
from rung.credentials.schema import schema_errors
from rung.credentials.services import (
    CredentialError,
    RubricResultInput,
    SkillInput,
    issue_credential,
    revoke_credential,
    subject_id,
)
from rung.credentials.tests.conftest import make_achievement
from rung.credentials.verify import verify_credential
from rung.orgs.models import Organisation

Issue = Callable[..., IssuedCredential]


def test_every_issued_credential_follows_the_ob3_schema(issue: Issue) -> None:
    variants: list[dict[str, Any]] = [
        {},
        {"skills": [], "evidence": [], "stipend": None, "rubric": [], "results": []},
        {"achievement_type": "ext:MicroInternship", "criteria_narrative": "Custom criteria."},
        {"hours": 12.5, "activity_end": date(2026, 3, 2)},
    ]
    for changes in variants:
        credential = issue(**changes)
        assert schema_errors(credential.document) == [], changes


def test_the_credential_says_what_issue_5_asks_for(issued: IssuedCredential, dana: User, org: Organisation) -> None:
    doc = issued.document
    assert doc["@context"] == [CREDENTIALS_V2_URL, OB_V3P0_URL]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == f"urn:uuid:{issued.uuid}"
    assert doc["issuer"] == {
        "id": "did:web:testserver",
        "type": ["Profile"],
        "name": "Rung",
        "url": "http://testserver/",
    }
    assert doc["validFrom"].endswith("Z")
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"] == subject_id(dana)
    assert (subject["activityStartDate"], subject["activityEndDate"]) == (
        "2026-03-02T00:00:00Z",
        "2026-03-13T00:00:00Z",
    )
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["creator"]["name"] == "Acme Analytics"
    assert achievement["creator"]["id"] == f"urn:uuid:{org.uuid}"
    assert "A dashboard with five charts" in achievement["criteria"]["narrative"]
    assert "Data quality: Beginning / Developing / Proficient / Exemplary" in achievement["criteria"]["narrative"]
    assert [a["targetName"] for a in achievement["alignment"]] == ["SQL", "Data visualisation"]
    assert achievement["alignment"][0]["targetUrl"] == "http://testserver/credentials/skills/sql/"
    values = {r.get("resultDescription", "").rsplit("#", 1)[-1]: r.get("value") for r in subject["result"]}
    assert values["hours"] == "40"
    assert values["stipend"] == "Paid"
    assert "800.00 EUR was paid in full on 16 March 2026" in subject["narrative"]
    assert [e["name"] for e in doc["evidence"]] == ["The dashboard's code", "Stipend paid"]
    assert doc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert doc["credentialStatus"]["statusListCredential"] == issued.status_list.url
    assert doc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    # Everything OB's schema wants as an array is one.
    for node in (doc, subject, achievement, *doc["evidence"], *subject["result"], *achievement["alignment"]):
        assert isinstance(node["type"], list)
    assert isinstance(doc["proof"], list)


def test_rubric_results_point_at_the_achieved_level(issued: IssuedCredential) -> None:
    subject = issued.document["credentialSubject"]
    descriptions = {d["id"]: d for d in subject["achievement"]["resultDescription"]}
    rubric = [r for r in subject["result"] if "achievedLevel" in r]
    achieved = {}
    for result in rubric:
        description = descriptions[result["resultDescription"]]
        level = next(level for level in description["rubricCriterionLevel"] if level["id"] == result["achievedLevel"])
        achieved[description["name"]] = level["name"]
    assert achieved == {"Data quality": "Exemplary", "Communication": "Proficient"}


def test_the_email_is_only_there_hashed_and_salted(issued: IssuedCredential, dana: User) -> None:
    identity = issued.document["credentialSubject"]["identifier"][0]
    assert dana.email not in issued.document_text
    assert identity["hashed"] is True
    assert identity["identityType"] == "emailAddress"
    expected = hashlib.sha256((dana.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_the_subject_id_is_stable_per_person(issue: Issue, dana: User, charlie: User) -> None:
    first, second, other = issue(), issue(), issue(recipient=charlie)
    ids = [c.document["credentialSubject"]["id"] for c in (first, second, other)]
    assert ids[0] == ids[1] != ids[2]
    assert str(dana.uuid) not in ids[0]


def test_the_stored_text_is_what_verifies_and_what_is_hashed(issued: IssuedCredential) -> None:
    assert hashlib.sha256(issued.document_text.encode()).hexdigest() == issued.document_sha256
    assert verify_credential(issued.document).verified
    assert ShareLink.objects.get(credential=issued).enabled


def test_issuing_is_audited(issued: IssuedCredential) -> None:
    event = AuditEvent.objects.get(verb="credential.issued", object_id=str(issued.uuid))
    assert event.data["recipient"] == "dana@student.example"


def test_issued_credentials_are_append_only(issued: IssuedCredential) -> None:
    issued.name = "Something grander"
    with pytest.raises(AppendOnlyError):
        issued.save()
    with pytest.raises(AppendOnlyError):
        IssuedCredential.objects.filter(pk=issued.pk).update(name="x")
    with pytest.raises(AppendOnlyError):
        issued.delete()


def test_issuing_twice_for_one_engagement_returns_the_same_credential(dana: User, org: Organisation) -> None:
    first = issue_credential(
        recipient=dana, achievement=make_achievement(org), engagement_ref="engagement:1", issued_by=None
    )
    again = issue_credential(
        recipient=dana, achievement=make_achievement(org), engagement_ref="engagement:1", issued_by=None
    )
    assert again.pk == first.pk
    assert IssuedCredential.objects.count() == 1


def test_an_engagement_cannot_credit_someone_else(dana: User, charlie: User, org: Organisation) -> None:
    issue_credential(recipient=dana, achievement=make_achievement(org), engagement_ref="engagement:1", issued_by=None)
    with pytest.raises(CredentialError, match="someone else"):
        issue_credential(
            recipient=charlie, achievement=make_achievement(org), engagement_ref="engagement:1", issued_by=None
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "name and description"),
        ({"activity_end": date(2026, 3, 1)}, "cannot end before"),
        ({"hours": 0}, "more than zero"),
        ({"results": [RubricResultInput("Data quality", "Legendary")]}, "not one of the rubric's levels"),
        ({"results": [RubricResultInput("Charm", "Exemplary")]}, "not one of the rubric's levels"),
        ({"evidence": []} | {"skills": [SkillInput("SQL", url="javascript:alert(1)")]}, "web link"),
        ({"achievement_type": "Nonsense"}, "Open Badges 3.0 schema"),
    ],
)
def test_bad_input_is_refused_in_plain_words(
    dana: User, org: Organisation, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(CredentialError, match=message):
        issue_credential(
            recipient=dana, achievement=make_achievement(org, **changes), engagement_ref="engagement:1", issued_by=None
        )
    assert not IssuedCredential.objects.exists()


def test_no_signing_key_is_a_domain_error_not_a_crash(
    dana: User, org: Organisation, settings: Any, tmp_path: Any
) -> None:
    settings.CREDENTIALS_KEY_FILE = tmp_path / "missing.json"
    with pytest.raises(CredentialError, match="signing key is not set up"):
        issue_credential(
            recipient=dana, achievement=make_achievement(org), engagement_ref="engagement:1", issued_by=None
        )


def test_status_indexes_are_random_distinct_and_lists_fill_to_half(issue: Issue, monkeypatch: Any) -> None:
    credentials = [issue() for _ in range(4)]
    indexes = {c.status_index for c in credentials}
    assert len(indexes) == 4
    assert all(0 <= i < STATUS_LIST_LENGTH for i in indexes)
    assert StatusList.objects.count() == 1
    StatusList.objects.update(length=8)  # half full at 4: the next credential opens a new list
    fifth = issue()
    assert StatusList.objects.count() == 2
    assert fifth.status_list_id != credentials[0].status_list_id
    assert StatusList.objects.get(pk=credentials[0].status_list_id).full


def test_did_key_mode_issues_verifiable_credentials(issue: Issue, settings: Any) -> None:
    settings.CREDENTIALS_DID_METHOD = "key"
    credential = issue()
    assert credential.issuer_did.startswith("did:key:z6Mk")
    assert credential.status_list.issuer_did == credential.issuer_did
    report = verify_credential(credential.document)
    assert report.verified, report.errors


@pytest.mark.postgres_only
def test_postgresql_refuses_raw_changes_to_signed_credentials(issued: IssuedCredential, sam: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    revoke_credential(issued, actor=sam, reason="Issued by mistake")
    for sql in (
        "UPDATE credentials_issuedcredential SET document_text = '{}' WHERE id = %s",
        "DELETE FROM credentials_issuedcredential WHERE id = %s",
        "DELETE FROM credentials_revocation WHERE credential_id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [issued.pk])
