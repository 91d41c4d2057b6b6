"""Engagements built through the real flow: published project → apply → shortlist → offer → accept
(which creates the engagement) → both sign (which makes it active)."""

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from rung.accounts.models import User
from rung.applications import services as applications
from rung.engagements import services as engagements
from rung.engagements.models import Engagement, EngagementMilestone, SignatureRole
from rung.orgs.models import Membership, Organisation, Role
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401
from rung.reviews import services
from rung.reviews.models import Submission
from rung.reviews.selectors import rubric_for

ANSWER = ["A bar chart, because most of our audience reads them quickly."]
FEEDBACK = "Clear charts and a tidy dataset. Next time, label the axes and explain the outliers."
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"This program cannot be run in DOS mode"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def candidate(db) -> User:
    return make_user("nia@student.example", "Nia Candidate")


@pytest.fixture
def reviewer_membership(org, bob) -> Membership:
    return Membership.objects.get(organisation=org, user=bob)


@pytest.fixture
def viewer(org) -> User:
    user = make_user("val@acme.example", "Val Viewer")
    Membership.objects.create(organisation=org, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def mentor(org) -> User:
    user = make_user("mo@acme.example", "Mo Mentor")
    Membership.objects.create(organisation=org, user=user, role=Role.MENTOR)
    return user


def accept(project, person: User, reviewer_membership: Membership) -> Engagement:
    application = applications.apply(project, candidate=person, answers=ANSWER)
    applications.shortlist(application, membership=reviewer_membership)
    applications.make_offer(application, membership=reviewer_membership)
    engagements.accept_offer(application, candidate=person)  # creates the engagement and its contract
    return Engagement.objects.get(application=application)


def start_now(engagement: Engagement) -> Engagement:
    """Time passing to the contract's start date (work can be handed in from then), without sleeping."""
    today = timezone.now().date()
    Engagement.objects.filter(pk=engagement.pk, start_date__gt=today).update(start_date=today)
    engagement.refresh_from_db()
    return engagement


def sign_both(engagement: Engagement, *, employer: User, candidate: User) -> Engagement:
    contract = engagement.contracts.get(version=1)
    engagements.sign_contract(
        contract, signer=employer, role=SignatureRole.EMPLOYER, typed_name=employer.full_name, consent=True
    )
    engagements.sign_contract(
        contract, signer=candidate, role=SignatureRole.CANDIDATE, typed_name=candidate.full_name, consent=True
    )
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def unsigned(published, candidate, reviewer_membership) -> Engagement:  # noqa: F811
    """An accepted offer whose contract nobody has signed yet."""
    return accept(published, candidate, reviewer_membership)


@pytest.fixture
def engagement(unsigned, alice, candidate) -> Engagement:
    """An active engagement: both sides signed, and its start date has come."""
    return start_now(sign_both(unsigned, employer=alice, candidate=candidate))


def milestones(engagement: Engagement) -> list[EngagementMilestone]:
    return list(engagement.milestones.order_by("position"))


@pytest.fixture
def milestone(engagement) -> EngagementMilestone:
    return milestones(engagement)[0]


def pdf(name: str = "report.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def office(kind: str = "docx") -> bytes:
    folder = {"docx": "word", "xlsx": "xl", "pptx": "ppt"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def submit(milestone: EngagementMilestone, candidate: User, **kwargs) -> Submission:
    kwargs.setdefault("files", [pdf()])
    kwargs.setdefault("notes", "The cleaned dataset, with a note on what I removed.")
    return services.submit_work(milestone, candidate=candidate, **kwargs)


def all_scores(milestone: EngagementMilestone, level: int = 3) -> dict[int, int]:
    rubric = rubric_for(milestone.engagement.project)
    return {c.pk: level for c in rubric.criteria.all()}


def review(submission: Submission, reviewer: User, decision: str = "approve", **overrides):
    data: dict[str, Any] = {
        "decision": decision,
        "feedback": FEEDBACK,
        "scores": all_scores(submission.milestone),
    }
    data.update(overrides)
    return services.review_submission(submission, reviewer=reviewer, review=services.ReviewInput(**data))


def overdue(submission: Submission, *, by: timedelta = timedelta(minutes=1)) -> Submission:
    """Move a submission's review deadline into the past (time passing, without sleeping)."""
    Submission.objects.filter(pk=submission.pk).update(review_due_at=timezone.now() - by)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def completed(engagement, candidate, bob) -> Engagement:
    """Every milestone handed in and approved: the engagement is complete."""
    for m in milestones(engagement):
        review(submit(m, candidate), bob)
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def other_org(db) -> Organisation:
    return Organisation.objects.create(name="Globex", slug="globex", kind="employer", email_domain="globex.example")


@pytest.fixture
def files_in(media_root) -> Callable[[], list[str]]:
    def listing() -> list[str]:
        return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())

    return listing
