from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from rung.audit.models import AuditEvent
from rung.engagements import services as engagements
from rung.engagements.models import MilestoneStatus
from rung.lib.errors import DomainError, PermissionDenied
from rung.notifications.models import Notification
from rung.reviews.models import Submission, SubmissionEvent, SubmissionStatus
from rung.reviews.tests.conftest import EXE, milestones, pdf, review, submit, upload

pytestmark = pytest.mark.django_db


def test_a_submission_is_stored_under_a_generated_name_and_starts_the_review_clock(
    milestone, candidate, engagement, settings, files_in
):
    before = timezone.now()
    submission = submit(milestone, candidate, files=[pdf("../../My Report.pdf")], links=["https://example.org/x"])
    assert submission.version == 1
    assert submission.status == SubmissionStatus.AWAITING_REVIEW
    assert submission.links == ["https://example.org/x"]
    due = timedelta(days=settings.REVIEW_DEADLINE_DAYS)
    assert before + due <= submission.review_due_at <= timezone.now() + due
    stored = submission.files.get()
    name = stored.file.name or ""
    assert stored.original_name == "My Report.pdf"
    assert name.startswith(f"submissions/{engagement.uuid}/")
    assert name.endswith(".pdf")
    assert "Report" not in name
    assert files_in() == [name]
    with default_storage.open(name) as handle:
        assert handle.read().startswith(b"%PDF-")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert SubmissionEvent.objects.filter(submission=submission, to_status="awaiting_review").exists()
    assert AuditEvent.objects.filter(verb="submission.submitted", object_id=str(submission.uuid)).exists()


def test_reviewers_are_told_about_new_work(milestone, candidate, bob, alice, events_committed):
    with events_committed():
        submit(milestone, candidate)
    assert Notification.objects.filter(recipient=bob, verb="engagement.milestone_submitted").exists()
    assert Notification.objects.filter(recipient=alice, verb="engagement.milestone_submitted").exists()


def test_the_engagement_mentor_is_told_too(engagement, milestone, candidate, charlie, events_committed):
    type(engagement).objects.filter(pk=engagement.pk).update(mentor=charlie)
    milestone.refresh_from_db()
    with events_committed():
        submit(milestone, candidate)
    assert Notification.objects.filter(recipient=charlie, verb="submission.submitted").exists()


def test_resubmissions_after_changes_are_new_versions(milestone, candidate, bob):
    first = submit(milestone, candidate)
    review(first, bob, "changes")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.CHANGES_REQUESTED
    second = submit(milestone, candidate, files=[], links=["http://example.org/v2"], notes="")
    assert second.version == 2
    first.refresh_from_db()
    assert first.status == SubmissionStatus.CHANGES_REQUESTED
    assert list(Submission.objects.filter(milestone=milestone).values_list("version", flat=True)) == [2, 1]


def test_only_the_intern_can_submit(milestone, bob, alice, charlie):
    for person in (bob, alice, charlie):
        with pytest.raises(PermissionDenied, match="Only the intern"):
            submit(milestone, person)
    assert not Submission.objects.exists()


def test_work_cannot_be_submitted_before_both_sides_sign(unsigned, candidate, files_in):
    with pytest.raises(DomainError, match="only while the engagement is in progress"):
        submit(milestones(unsigned)[0], candidate)
    assert files_in() == []


def test_work_cannot_be_submitted_to_a_cancelled_engagement(engagement, milestone, candidate, alice, files_in):
    engagements.cancel_engagement(engagement, actor=alice, reason="The project was stopped by the board.")
    milestone.refresh_from_db()
    with pytest.raises(DomainError, match="only while the engagement is in progress"):
        submit(milestone, candidate)
    assert files_in() == []


def test_a_milestone_waiting_for_review_takes_no_second_version(milestone, candidate, files_in):
    submit(milestone, candidate)
    with pytest.raises(DomainError, match="waiting for review"):
        submit(milestone, candidate)
    assert Submission.objects.count() == 1
    assert len(files_in()) == 1  # the refused file was not kept


def test_an_approved_milestone_takes_no_more_work(milestone, candidate, bob):
    review(submit(milestone, candidate), bob)
    milestone.refresh_from_db()
    with pytest.raises(DomainError, match="already approved"):
        submit(milestone, candidate)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,<script>", "example.org", "//x.org"]
)
def test_links_must_be_http_or_https(milestone, candidate, link):
    with pytest.raises(DomainError, match="http:// or https://") as caught:
        submit(milestone, candidate, links=[link])
    assert caught.value.field == "links"
    assert not Submission.objects.exists()


def test_something_must_be_handed_in(milestone, candidate):
    with pytest.raises(DomainError, match="at least one file, link or note"):
        submit(milestone, candidate, files=[], links=[" "], notes="  ")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("index.html", b"<!doctype html><title>x</title>"),
        ("report.pdf", EXE),
        ("invoice.pdf.exe", EXE),
        ("notes.txt", b"<script>fetch('/api/v1/profile')</script>"),
    ],
)
def test_dangerous_files_are_refused_and_nothing_is_stored(milestone, candidate, name, content, files_in):
    with pytest.raises(DomainError) as caught:
        submit(milestone, candidate, files=[pdf(), upload(name, content)])
    assert caught.value.field == "files"
    assert files_in() == []
    assert not Submission.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PENDING


def test_oversized_files_are_refused(milestone, candidate, settings):
    settings.SUBMISSION_MAX_FILE_MB = 1
    with pytest.raises(DomainError, match="larger than 1 MB"):
        submit(milestone, candidate, files=[pdf(content=b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))])


def test_at_most_ten_files(milestone, candidate):
    with pytest.raises(DomainError, match="at most 10 files"):
        submit(milestone, candidate, files=[pdf(f"r{i}.pdf") for i in range(11)])


def test_files_written_before_a_refusal_under_the_lock_are_removed(milestone, candidate, files_in, monkeypatch):
    def refuse(*args, **kwargs):
        raise DomainError("The engagement changed a moment ago.")

    monkeypatch.setattr(engagements, "mark_submitted", refuse)
    with pytest.raises(DomainError, match="changed a moment ago"):
        submit(milestone, candidate, files=[pdf("a.pdf"), pdf("b.pdf")])
    assert files_in() == []
    assert not Submission.objects.exists()
