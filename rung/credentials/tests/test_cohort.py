"""Issuing a whole cohort at once (issue_cohort, `rung credentials issue-cohort`)."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conftest import make_user
from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.credentials.bulk import SigningFailed, sign_and_check
from rung.credentials.cohort import CohortMember, issue_cohort
from rung.credentials.issuer import signer_for
from rung.credentials.models import HolderBinding, IssuedCredential, ShareLink, StatusList
from rung.credentials.schema import schema_errors
from rung.credentials.services import issue_credential, subject_id
from rung.credentials.tests.conftest import make_achievement
from rung.credentials.verify import verify_credential
from rung.orgs.models import Organisation


@pytest.fixture
def interns(db: None) -> list[User]:
    return [make_user(f"intern{i}@student.example", f"Intern {i}") for i in range(5)]


def members(org: Organisation, people: list[User], prefix: str = "engagement:cohort") -> list[CohortMember]:
    return [CohortMember(person, make_achievement(org), f"{prefix}-{i}") for i, person in enumerate(people)]


def test_a_cohort_gets_one_verifying_credential_each(org: Organisation, interns: list[User]) -> None:
    result = issue_cohort(members(org, interns), issued_by=None, processes=1)
    assert result.failed == []
    assert result.already_issued == []
    assert [c.recipient for c in result.issued] == interns
    for credential, person in zip(result.issued, interns, strict=True):
        credential.refresh_from_db()
        report = verify_credential(credential.document)
        assert report.verified, report.errors
        assert schema_errors(credential.document) == []
        assert credential.document["credentialSubject"]["id"] == subject_id(person)
        assert credential.document["credentialStatus"]["statusListIndex"] == str(credential.status_index)
    assert len({c.status_index for c in result.issued}) == 5
    assert ShareLink.objects.filter(credential__in=result.issued).count() == 5
    events = AuditEvent.objects.filter(verb="credential.issued", data__cohort=True)
    assert sorted(e.data["engagement"] for e in events) == [f"engagement:cohort-{i}" for i in range(5)]


def test_a_cohort_credential_says_what_a_single_one_says(org: Organisation, interns: list[User], dana: User) -> None:
    single = issue_credential(
        recipient=dana, achievement=make_achievement(org), engagement_ref="single", issued_by=None
    )
    (bulk,) = issue_cohort(members(org, interns[:1]), issued_by=None, processes=1).issued
    one, other = single.document, bulk.document

    def shape(document: dict[str, Any]) -> dict[str, Any]:
        subject = document["credentialSubject"]
        # What differs by person and moment: ids, dates, the salted e-mail hash, the status bit, the proof.
        return {
            "context": document["@context"],
            "type": document["type"],
            "issuer": document["issuer"],
            "achievement": subject["achievement"],
            "result": subject["result"],
            "evidence": document.get("evidence"),
            "keys": sorted(document),
            "subject keys": sorted(subject),
        }

    assert shape(one) == shape(other)
    assert one["proof"][0]["verificationMethod"] == other["proof"][0]["verificationMethod"]


def test_signing_in_worker_processes_gives_verifying_credentials(org: Organisation, interns: list[User]) -> None:
    result = issue_cohort(members(org, interns), issued_by=None, processes=2)
    assert result.failed == []
    assert len(result.issued) == 5
    assert all(verify_credential(IssuedCredential.objects.get(pk=c.pk).document).verified for c in result.issued)


def test_running_a_cohort_again_issues_nothing_twice(org: Organisation, interns: list[User]) -> None:
    first = issue_cohort(members(org, interns[:3]), issued_by=None, processes=1)
    again = issue_cohort(members(org, interns), issued_by=None, processes=1)
    assert {c.pk for c in again.already_issued} == {c.pk for c in first.issued}
    assert [c.recipient for c in again.issued] == interns[3:]
    assert IssuedCredential.objects.count() == 5


def test_refusals_are_reported_and_the_rest_is_issued(org: Organisation, interns: list[User], dana: User) -> None:
    issue_credential(recipient=dana, achievement=make_achievement(org), engagement_ref="taken", issued_by=None)
    cohort = [
        CohortMember(interns[0], make_achievement(org), "taken"),  # issued to dana already
        CohortMember(interns[1], make_achievement(org), "  "),
        CohortMember(interns[2], make_achievement(org, hours=0), "no-hours"),
        CohortMember(interns[3], make_achievement(org), "twice"),
        CohortMember(interns[4], make_achievement(org), "twice"),
    ]
    result = issue_cohort(cohort, issued_by=None, processes=1)
    assert dict(result.failed) == {
        "taken": "A credential for this engagement was issued to someone else.",
        "": "Say which engagement the credential is for.",
        "no-hours": "The hours of work must be more than zero.",
        "twice": "This engagement is in the cohort twice.",
    }
    assert [c.recipient for c in result.issued] == [interns[3]]
    assert IssuedCredential.objects.filter(engagement_ref="taken").get().recipient == dana


def test_a_bound_holder_did_is_the_subject(org: Organisation, interns: list[User]) -> None:
    did = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
    HolderBinding.objects.create(user=interns[0], did=did, challenge="c1", presentation_text="{}")
    first, second = issue_cohort(members(org, interns[:2]), issued_by=None, processes=1).issued
    assert first.document["credentialSubject"]["id"] == did
    assert second.document["credentialSubject"]["id"] == subject_id(interns[1])


def test_status_lists_fill_to_half_then_a_new_one_opens(org: Organisation, interns: list[User]) -> None:
    first = issue_cohort(members(org, interns[:2], "a"), issued_by=None, processes=1).issued
    StatusList.objects.update(length=8)  # half full at 4: two more fit in the first list
    more = make_user("intern5@student.example", "Intern 5")
    rest = issue_cohort(members(org, [*interns[2:], more], "b"), issued_by=None, processes=1).issued
    old_list = first[0].status_list
    old_list.refresh_from_db()
    assert old_list.full
    in_old = [c for c in rest if c.status_list_id == old_list.pk]
    assert len(in_old) == 2
    assert all(0 <= c.status_index < 8 for c in in_old)
    assert len({c.status_index for c in [*first, *in_old]}) == 4
    assert StatusList.objects.count() == 2


def test_progress_is_reported(org: Organisation, interns: list[User], monkeypatch: Any) -> None:
    from rung.credentials import cohort

    monkeypatch.setattr(cohort, "COHORT_BATCH", 2)
    calls: list[tuple[int, int]] = []
    issue_cohort(members(org, interns), issued_by=None, processes=1, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_an_unsignable_credential_is_a_message_not_a_crash() -> None:
    signer = signer_for()
    with pytest.raises(SigningFailed, match="cannot be signed"):
        sign_and_check(
            {"@context": ["https://example.org/unknown-context"], "type": ["VerifiableCredential"]},
            private_key=signer.private_key,
            verification_method=signer.verification_method,
        )


# --- the command -------------------------------------------------------------------------------------


def _cohort_file(tmp_path: Path, org: Organisation, people: list[User], **changes: Any) -> Path:
    data: dict[str, Any] = {
        "organisation": org.slug,
        "achievement": {
            "name": "Spring data cohort",
            "description": "Five interns cleaned and charted a volunteer survey.",
            "activity_start": "2026-03-02",
            "activity_end": "2026-03-13",
            "hours": 40,
            "skills": ["SQL"],
            "deliverables": ["A cleaned data set"],
            "ref": "cohort:spring-2026",
        },
        "members": [{"email": p.email, "engagement_ref": f"cohort:spring-2026:{i}"} for i, p in enumerate(people)],
    }
    data.update(changes)
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps(data))
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("credentials", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_issues_a_cohort_from_a_file(
    tmp_path: Path, org: Organisation, interns: list[User], sam: User
) -> None:
    output = run("issue-cohort", str(_cohort_file(tmp_path, org, interns)), "--staff", sam.email, "--processes", "1")
    assert "Issued 5 credentials" in output
    assert "5 of 5 signed and stored" in output
    issued = IssuedCredential.objects.filter(engagement_ref__startswith="cohort:spring-2026:")
    assert issued.count() == 5
    assert {c.issued_by for c in issued} == {sam}
    assert all(verify_credential(c.document).verified for c in issued)
    again = run("issue-cohort", str(_cohort_file(tmp_path, org, interns)), "--staff", sam.email, "--processes", "1")
    assert "Issued 0 credentials" in again
    assert "5 had their credential already" in again


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"organisation": "nobody"}, "No organisation 'nobody'"),
        ({"members": [{"email": "ghost@example.org", "engagement_ref": "x"}]}, "no account has the e-mail"),
        ({"members": [{"email": "intern0@student.example"}]}, "'engagement_ref' must be a text"),
        (
            {
                "achievement": {
                    "name": "x",
                    "description": "y",
                    "activity_start": "March",
                    "activity_end": "2026-03-13",
                    "hours": 1,
                }
            },
            "must be a date",
        ),
        (
            {
                "achievement": {
                    "name": "x",
                    "description": "y",
                    "activity_start": "2026-03-02",
                    "activity_end": "2026-03-13",
                    "hours": "lots",
                }
            },
            "'hours' must be a number",
        ),
    ],
)
def test_the_command_refuses_a_bad_file_in_plain_words(
    tmp_path: Path, org: Organisation, interns: list[User], sam: User, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("issue-cohort", str(_cohort_file(tmp_path, org, interns, **changes)), "--staff", sam.email)
    assert not IssuedCredential.objects.exists()


def test_the_command_is_for_staff_only(tmp_path: Path, org: Organisation, interns: list[User], alice: User) -> None:
    with pytest.raises(CommandError, match="is not a Rung staff account"):
        run("issue-cohort", str(_cohort_file(tmp_path, org, interns)), "--staff", alice.email)
    assert not IssuedCredential.objects.exists()


def test_the_command_names_what_it_could_not_issue(
    tmp_path: Path, org: Organisation, interns: list[User], sam: User
) -> None:
    path = _cohort_file(tmp_path, org, interns)
    data = json.loads(path.read_text())
    data["members"].append(dict(data["members"][0]))
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="1 of the cohort could not be issued"):
        run("issue-cohort", str(path), "--staff", sam.email, "--processes", "1")
    assert IssuedCredential.objects.count() == 5


def test_a_cohort_takes_as_many_queries_for_five_as_for_two(org: Organisation, dana: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 5):
        people = [make_user(f"q{size}-{i}@student.example", f"Q {i}") for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            result = issue_cohort(members(org, people, prefix=f"engagement:q{size}"), issued_by=dana, processes=1)
        assert len(result.issued) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert AuditEvent.objects.filter(verb="credential.issued", actor=dana).count() == 7
