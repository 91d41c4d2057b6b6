"""Every change to submissions, reviews, self-assessments and ratings, and the auto-approval sweep.

Milestone states belong to the engagements app: these services move them only through its
`mark_submitted`, `request_changes` and `approve_milestone`, inside the same transaction as their
own rows, so a submission is never "approved" while its milestone (and its money) is not.
"""

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.engagements import services as engagements
from rung.engagements.models import (
    MILESTONE_TRANSITIONS,
    Engagement,
    EngagementMilestone,
    EngagementStatus,
    MilestoneStatus,
)
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.orgs.models import Membership, role_can
from rung.profiles.services import refuse_if_conflicted
from rung.projects.models import Project, Rubric
from rung.reviews.files import CheckedFile, check_file
from rung.reviews.models import (
    SUBMISSION_TRANSITIONS,
    Decision,
    ExperienceRating,
    InternRating,
    Review,
    ReviewScore,
    SelfAssessment,
    SelfAssessmentScore,
    Submission,
    SubmissionEvent,
    SubmissionFile,
    SubmissionStatus,
)
from rung.reviews.selectors import ended_at, reveal_at, rubric_for

log = logging.getLogger(__name__)

FEEDBACK_MIN_CHARS = 30
REFLECTION_MIN_CHARS = 30
MAX_FILES = 10
MAX_LINKS = 10
MAX_NOTES = 5000
MAX_COMMENT = 2000
_url = URLValidator(schemes=["http", "https"])


class ReviewError(DomainError):
    pass


# --- Helpers --------------------------------------------------------------------------------


def reviewers(project: Project, *, exclude: User | None = None) -> list[User]:
    memberships = Membership.objects.filter(organisation_id=project.organisation_id).select_related("user")
    return [m.user for m in memberships if role_can(m.role, "review") and (exclude is None or m.user_id != exclude.pk)]


def _transition(submission: Submission, new: str, *, actor: User | None, note: str = "", **changes: Any) -> bool:
    """Compare-and-set a submission's status; False if someone else changed it first."""
    old = submission.status
    if new not in SUBMISSION_TRANSITIONS[old]:
        raise ReviewError(
            f"A submission that is “{SubmissionStatus(old).label}” cannot become “{SubmissionStatus(new).label}”.",
            code="bad_transition",
        )
    if not Submission.objects.filter(pk=submission.pk, status=old).update(status=new, **changes):
        return False
    submission.status = new
    for name, value in changes.items():
        setattr(submission, name, value)
    SubmissionEvent.objects.create(submission=submission, from_status=old, to_status=new, actor=actor, note=note)
    return True


def short_title(text: str) -> str:
    return text if len(text) <= 150 else text[:149] + "…"


def _lock_milestone(milestone: EngagementMilestone) -> tuple[Engagement, EngagementMilestone]:
    # Engagement first, then milestone: the order the engagements services lock in, so a hand-in,
    # a review, a cancellation and the sweep queue behind each other instead of deadlocking.
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("project", "project__organisation", "candidate", "mentor")
        .get(pk=milestone.engagement_id)
    )
    milestone = EngagementMilestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.engagement = engagement
    return engagement, milestone


def milestone_url(milestone: EngagementMilestone) -> str:
    return reverse("reviews:milestone", args=[milestone.uuid])


def clean_links(links: Iterable[str]) -> list[str]:
    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise ReviewError(f"Give at most {MAX_LINKS} links.", field="links")
    for link in cleaned:
        try:
            if len(link) > 500:
                raise ValidationError("too long")
            _url(link)
        except ValidationError:
            raise ReviewError(
                f"“{link[:80]}” is not a web address starting with http:// or https://.", field="links"
            ) from None
    return list(dict.fromkeys(cleaned))


def work_opens_on(engagement: Engagement) -> date:
    """The first day work can be handed in: the start date of the contract in force. The engagement
    carries the dates in force, so a signed amendment that moves them moves this day too."""
    return engagement.start_date


def _require_open_for_work(engagement: Engagement, milestone: EngagementMilestone) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise ReviewError(
            "You can hand in work only while the engagement is in progress "
            f"(it is “{EngagementStatus(engagement.status).label}”).",
            code="not_active",
        )
    opens = work_opens_on(engagement)
    if timezone.now().date() < opens:
        # Work handed in (and so approved and paid) before the contract starts is outside its terms.
        raise ReviewError(
            f"Work can be handed in from {opens:%d %B %Y}, the contract's start date.", code="not_started"
        )
    if MilestoneStatus.SUBMITTED not in MILESTONE_TRANSITIONS[milestone.status]:
        messages: dict[str, str] = {
            MilestoneStatus.SUBMITTED: "This milestone is waiting for review. If changes are asked for, "
            "you can hand in a new version.",
            MilestoneStatus.APPROVED: "This milestone is already approved.",
            MilestoneStatus.CANCELLED: "This milestone was cancelled.",
        }
        raise ReviewError(messages.get(milestone.status, "This milestone cannot take work now."), code="not_open")


# --- Submissions ----------------------------------------------------------------------------


def _files_to_keep(milestone: EngagementMilestone, keep: Sequence[str]) -> list[SubmissionFile]:
    """Files of the milestone's latest version named in `keep`; anything else named is refused."""
    if not keep:
        return []
    latest = milestone.submissions.order_by("-version").first()
    available = {str(f.uuid): f for f in latest.files.all()} if latest else {}
    wanted = list(dict.fromkeys(str(k) for k in keep))
    if any(k not in available for k in wanted):
        raise ReviewError("Only files of the latest version can be kept; reload the page.", field="files")
    return [available[k] for k in wanted]


def submit_work(
    milestone: EngagementMilestone,
    *,
    candidate: User,
    notes: str = "",
    links: Sequence[str] = (),
    files: Sequence[UploadedFile] = (),
    keep_files: Sequence[str] = (),
) -> Submission:
    """Hand in a new version of the work for a milestone and start the review clock.

    `keep_files` names (by uuid) files of the latest earlier version to carry into this one, so a
    revision after "changes requested" replaces only what changed. The stored file is shared: files
    handed in are never deleted.
    """
    engagement = milestone.engagement
    if engagement.candidate_id != candidate.pk:
        raise PermissionDenied("Only the intern on this engagement can hand in work for it.")
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise ReviewError(f"Keep the notes under {MAX_NOTES} characters.", field="notes")
    cleaned_links = clean_links(links)
    kept = _files_to_keep(milestone, keep_files)
    if len(files) + len(kept) > MAX_FILES:
        raise ReviewError(f"Hand in at most {MAX_FILES} files; put more in a .zip.", field="files")
    if not (files or kept or cleaned_links or notes):
        raise ReviewError("Add at least one file, link or note.", field="files")
    _require_open_for_work(engagement, milestone)
    checked: list[CheckedFile] = [check_file(f, name=f.name or "", size=f.size or 0) for f in files]
    stored: list[str] = []
    try:
        # Files are written before the transaction (storage is not transactional) and removed
        # again if anything below refuses.
        for upload, info in zip(files, checked, strict=True):
            upload.seek(0)
            name = f"submissions/{engagement.uuid}/{uuid.uuid4()}.{info.extension}"
            stored.append(default_storage.save(name, upload))
        with transaction.atomic():
            # Engagement, then milestone: the order every engagements service locks in. Two hand-ins
            # at once queue here, and the second is refused.
            engagement, milestone = _lock_milestone(milestone)
            _require_open_for_work(engagement, milestone)
            now = timezone.now()
            version = (milestone.submissions.aggregate(v=Max("version"))["v"] or 0) + 1
            submission = Submission.objects.create(
                milestone=milestone,
                version=version,
                submitted_by=candidate,
                notes=notes,
                links=cleaned_links,
                submitted_at=now,
                review_due_at=now + timedelta(days=settings.REVIEW_DEADLINE_DAYS),
            )
            SubmissionFile.objects.bulk_create(
                SubmissionFile(submission=submission, **info.stored_as(name, at=now))
                for name, info in zip(stored, checked, strict=True)
            )
            SubmissionFile.objects.bulk_create(
                SubmissionFile(
                    submission=submission,
                    file=old.file.name,
                    original_name=old.original_name,
                    extension=old.extension,
                    content_type=old.content_type,
                    size=old.size,
                    sha256=old.sha256,
                    uploaded_at=old.uploaded_at,
                )
                for old in kept
            )
            SubmissionEvent.objects.create(
                submission=submission, to_status=SubmissionStatus.AWAITING_REVIEW, actor=candidate
            )
            # Moves the milestone to "submitted" and tells the employer's reviewers.
            engagements.mark_submitted(milestone, actor=candidate)
            record(
                "submission.submitted",
                actor=candidate,
                obj=submission,
                data={
                    "milestone": str(milestone.uuid),
                    "version": version,
                    "files": [{"name": i.display_name, "sha256": i.sha256, "size": i.size} for i in checked],
                    "kept_files": [{"name": f.original_name, "sha256": f.sha256, "size": f.size} for f in kept],
                    "links": cleaned_links,
                },
            )
            emit(
                "submission.received",
                submission_uuid=submission.uuid,
                engagement_uuid=engagement.uuid,
                actor_id=candidate.pk,
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return submission


# --- Reviews --------------------------------------------------------------------------------


@dataclass
class ReviewInput:
    """A reviewer's verdict: a level (its score) for every criterion, feedback and a decision."""

    decision: str
    feedback: str
    scores: Mapping[int, int] = field(default_factory=dict)  # criterion id → level score


@dataclass(frozen=True)
class _Scored:
    rows: list[dict[str, Any]]
    points: int
    max_points: int


def score_against(rubric: Rubric, scores: Mapping[int, int]) -> _Scored:
    """Check a level was chosen for every criterion of the rubric, and add up the weighted score."""
    criteria = list(rubric.criteria.all())
    if not criteria:
        raise ReviewError(f"The rubric “{rubric.name}” has no criteria to score.", code="empty_rubric")
    known = {c.pk for c in criteria}
    if set(scores) - known:
        raise ReviewError("Score only the criteria of this project's rubric.", field="scores")
    missing = [c.name for c in criteria if c.pk not in scores]
    if missing:
        raise ReviewError(
            f"Score every criterion of the rubric: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "missing.",
            field="scores",
            code="missing_score",
        )
    rows, points, max_points = [], 0, 0
    for criterion in criteria:
        levels = {level.score: level for level in criterion.levels.all()}
        level = levels.get(scores[criterion.pk])
        if level is None:
            raise ReviewError(f"Choose one of the levels of “{criterion.name}”.", field="scores")
        top = max(levels)
        points += criterion.weight * level.score
        max_points += criterion.weight * top
        rows.append(
            {
                "criterion": criterion,
                "criterion_name": criterion.name,
                "weight": criterion.weight,
                "score": level.score,
                "max_score": top,
                "level_label": level.label,
            }
        )
    return _Scored(rows, points, max_points)


def _require_reviewer(submission: Submission, reviewer: User) -> Membership:
    engagement = submission.milestone.engagement
    if reviewer.pk in (engagement.candidate_id, submission.submitted_by_id):
        raise PermissionDenied("You cannot review your own work.", code="own_work")
    membership = Membership.objects.filter(user=reviewer, organisation_id=engagement.project.organisation_id).first()
    if membership is None:
        raise NotFound("No such submission.")
    if not role_can(membership.role, "review"):
        raise PermissionDenied("Only reviewers, managers and owners of the employer review work.")
    # A mentor never reviews their own mentee's work (nor anyone a conflict of interest with).
    refuse_if_conflicted(reviewer, engagement.candidate, doing="review this work")
    return membership


def review_submission(submission: Submission, *, reviewer: User, review: ReviewInput) -> Review:
    """Score one submission version with the rubric, with written feedback, and approve it or ask
    for changes. Approval releases the milestone's stipend in the same transaction."""
    feedback = review.feedback.strip()
    if review.decision not in Decision.values:
        raise ReviewError("Choose whether to approve the work or ask for changes.", field="decision")
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("milestone__engagement__project__organisation", "milestone__engagement__candidate")
            .get(pk=submission.pk)
        )
        _require_reviewer(submission, reviewer)
        milestone = submission.milestone
        engagement = milestone.engagement
        if submission.status != SubmissionStatus.AWAITING_REVIEW:
            raise ReviewError(
                f"This version is no longer waiting for review: it is “{submission.get_status_display()}”.",
                code="already_reviewed",
            )
        if len(" ".join(feedback.split())) < FEEDBACK_MIN_CHARS:
            raise ReviewError(
                f"Write feedback the intern can act on (at least {FEEDBACK_MIN_CHARS} characters): "
                "what worked, and what to do differently.",
                field="feedback",
                code="feedback_required",
            )
        rubric = rubric_for(engagement.project)
        scored = score_against(rubric, review.scores)
        approve = review.decision == Decision.APPROVE
        now = timezone.now()
        new = SubmissionStatus.APPROVED if approve else SubmissionStatus.CHANGES_REQUESTED
        if not _transition(submission, new, actor=reviewer, resolved_at=now):
            raise ReviewError("Someone reviewed this a moment ago. Reload the page to see it.", code="conflict")
        try:
            with transaction.atomic():
                result = Review.objects.create(
                    submission=submission,
                    reviewer=reviewer,
                    rubric=rubric,
                    decision=review.decision,
                    feedback=feedback,
                    points=scored.points,
                    max_points=scored.max_points,
                    created_at=now,
                )
        except IntegrityError:
            raise ReviewError("This version has already been reviewed.", code="already_reviewed") from None
        ReviewScore.objects.bulk_create(ReviewScore(review=result, **row) for row in scored.rows)
        if approve:
            _approve(milestone, actor=reviewer, approved_at=now)
        else:
            # Refuses once the contract's rounds of changes are used up; the whole review rolls back.
            engagements.request_changes(milestone, actor=reviewer, note=f"review {result.uuid}")
        record(
            f"submission.{new}",
            actor=reviewer,
            obj=submission,
            data={
                "review": str(result.uuid),
                "points": scored.points,
                "max_points": scored.max_points,
                "scores": {row["criterion_name"]: row["score"] for row in scored.rows},
            },
        )
        # The intern is told by the engagements service (approved, or changes requested); the
        # feedback itself waits for them on the milestone page.
    return result


# --- Approval, completion and the credential -----------------------------------------------------


def _approve(milestone: EngagementMilestone, *, actor: User | None, approved_at: datetime, auto: bool = False) -> None:
    """Approve the milestone (the engagements service releases its stipend); if that completed the
    engagement, its credential is issued once the transaction commits (after the payout it started)."""
    engagements.approve_milestone(milestone, actor=actor, approved_at=approved_at, auto=auto)
    engagement_id = milestone.engagement_id
    if Engagement.objects.filter(pk=engagement_id, status=EngagementStatus.COMPLETED).exists():
        transaction.on_commit(partial(_enqueue_credential, engagement_id))


def _enqueue_credential(engagement_id: int) -> None:
    from rung.reviews.tasks import issue_engagement_credential

    issue_engagement_credential.enqueue(engagement_id)


def issue_completion_credential(engagement: Engagement) -> Any:
    """A completed engagement becomes its Open Badges credential, with the final rubric results.

    Idempotent (the credentials service issues once per engagement). Returns the credential, or None
    if the engagement is not completed.
    """
    from rung.reviews.credential import issue_for_engagement

    credential = issue_for_engagement(engagement)
    if credential is not None:
        emit(
            "credential.issued",
            credential_uuid=credential.uuid,
            subject_id=engagement.candidate_id,
            organisation_id=engagement.project.organisation_id,
        )
    return credential


# --- Auto-approval ---------------------------------------------------------------------------


def auto_approve_overdue(*, now: datetime | None = None) -> int:
    """Approve every submission whose review deadline has passed without a review.

    Each is claimed with compare-and-set, so two sweeps at once never approve (or pay) twice.
    Submissions whose milestone was cancelled meanwhile are closed instead. Returns how many
    were approved.
    """
    now = now or timezone.now()
    due = list(
        Submission.objects.filter(status=SubmissionStatus.AWAITING_REVIEW, review_due_at__lte=now)
        .order_by("review_due_at", "pk")
        .values_list("pk", flat=True)
    )
    approved = 0
    for pk in due:
        try:
            approved += _auto_approve_one(pk, now=now)
        except DomainError:
            # One stuck submission (e.g. escrow short) must not stop the others; staff see the log.
            log.exception("Could not auto-approve submission %s", pk)
    return approved


def _auto_approve_one(pk: int, *, now: datetime) -> bool:
    with transaction.atomic():
        # The submission first, then engagement and milestone (as a review does), so a reviewer and
        # the sweep queue behind each other instead of deadlocking.
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .filter(pk=pk, status=SubmissionStatus.AWAITING_REVIEW)
            .first()
        )
        if submission is None:
            return False  # reviewed, or claimed by another sweep, since the list was read
        engagement, milestone = _lock_milestone(submission.milestone)
        if milestone.status != MilestoneStatus.SUBMITTED:
            if _transition(
                submission, SubmissionStatus.CLOSED, actor=None, note="milestone no longer open", resolved_at=now
            ):
                record("submission.closed", actor=None, obj=submission, data={"milestone_status": milestone.status})
            return False
        if not _transition(
            submission,
            SubmissionStatus.AUTO_APPROVED,
            actor=None,
            note="review deadline passed",
            resolved_at=now,
        ):
            return False  # another sweep, or a reviewer, got there first
        _approve(milestone, actor=None, approved_at=submission.review_due_at, auto=True)
        record(
            "submission.auto_approved",
            actor=None,
            obj=submission,
            data={"review_due_at": submission.review_due_at.isoformat(), "milestone": str(milestone.uuid)},
        )
        # approve_milestone tells the intern; the employer is told here, once.
        emit("submission.auto_approved", submission_uuid=submission.uuid, engagement_uuid=engagement.uuid)
    return True


# --- Self-assessment ---------------------------------------------------------------------------


def self_assess(
    engagement: Engagement, *, candidate: User, scores: Mapping[int, int], reflection: str
) -> SelfAssessment:
    """The intern scores their own work against the project's rubric and reflects on it. Once."""
    if engagement.candidate_id != candidate.pk:
        raise PermissionDenied("Only the intern can assess their own work.")
    reflection = reflection.strip()
    started = engagement.status == EngagementStatus.ACTIVE or ended_at(engagement) is not None
    if not started:
        raise ReviewError("You can assess your work once the engagement has started.", code="not_started")
    if len(" ".join(reflection.split())) < REFLECTION_MIN_CHARS:
        raise ReviewError(
            f"Write a short reflection (at least {REFLECTION_MIN_CHARS} characters): what went well, what you "
            "would do differently.",
            field="reflection",
        )
    if len(reflection) > MAX_NOTES:
        raise ReviewError(f"Keep the reflection under {MAX_NOTES} characters.", field="reflection")
    rubric = rubric_for(engagement.project)
    scored = score_against(rubric, scores)
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(
                engagement=engagement,
                candidate=candidate,
                rubric=rubric,
                reflection=reflection,
                points=scored.points,
                max_points=scored.max_points,
            )
            SelfAssessmentScore.objects.bulk_create(
                SelfAssessmentScore(assessment=assessment, **row) for row in scored.rows
            )
            record("engagement.self_assessed", actor=candidate, obj=engagement, data={"points": scored.points})
    except IntegrityError:
        raise ReviewError("You have already assessed your work for this engagement.", code="already_done") from None
    return assessment


# --- Ratings -----------------------------------------------------------------------------------


def _one_to_five(value: int, field_name: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ReviewError(f"Rate {label} from 1 to 5.", field=field_name)
    return value


def _lock_for_rating(engagement: Engagement, *, now: datetime) -> Engagement:
    # Both ratings lock the engagement row, so the one that completes the pair always sees the other.
    engagement = Engagement.objects.select_for_update(of=("self",)).select_related("project").get(pk=engagement.pk)
    deadline = reveal_at(engagement)
    if deadline is None:
        raise ReviewError(
            "Ratings open when the engagement is completed (or cancelled after it started).", code="not_ended"
        )
    if now >= deadline:
        raise ReviewError(
            f"The rating window closed on {deadline:%d %B %Y}: ratings are shown once it closes, so no more can "
            "be added.",
            code="window_closed",
        )
    return engagement


def _tell_about_rating(engagement: Engagement, *, rater: User, both_in: bool) -> None:
    # The subscribers tell the other side, or both once both ratings are in.
    if both_in:
        emit("rating.revealed", engagement_uuid=engagement.uuid, actor_id=rater.pk)
        return
    emit("rating.received", engagement_uuid=engagement.uuid, actor_id=rater.pk)


def rate_experience(
    engagement: Engagement,
    *,
    candidate: User,
    mentoring: int,
    clarity: int,
    respect: int,
    pay_timeliness: int,
    comment: str = "",
    now: datetime | None = None,
) -> ExperienceRating:
    """The intern rates the experience: mentoring, clarity, respect and pay timeliness, 1–5 each."""
    if engagement.candidate_id != candidate.pk:
        raise PermissionDenied("Only the intern rates the experience.")
    values = {
        "mentoring": _one_to_five(mentoring, "mentoring", "the mentoring"),
        "clarity": _one_to_five(clarity, "clarity", "how clear the work was"),
        "respect": _one_to_five(respect, "respect", "how respectfully you were treated"),
        "pay_timeliness": _one_to_five(pay_timeliness, "pay_timeliness", "how promptly you were paid"),
    }
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ReviewError(f"Keep the comment under {MAX_COMMENT} characters.", field="comment")
    now = now or timezone.now()
    with transaction.atomic():
        engagement = _lock_for_rating(engagement, now=now)
        if ExperienceRating.objects.filter(engagement=engagement).exists():
            raise ReviewError("You have already rated this experience.", code="already_rated")
        rating = ExperienceRating.objects.create(
            engagement=engagement, rater=candidate, comment=comment, created_at=now, **values
        )
        record("rating.experience", actor=candidate, obj=engagement, data=values)
        both = InternRating.objects.filter(engagement=engagement).exists()
        _tell_about_rating(engagement, rater=candidate, both_in=both)
    return rating


def rate_intern(
    engagement: Engagement, *, rater: User, overall: int, comment: str = "", now: datetime | None = None
) -> InternRating:
    """A reviewer, manager or owner of the employer rates the intern, 1–5 overall."""
    membership = Membership.objects.filter(user=rater, organisation_id=engagement.project.organisation_id).first()
    if rater.pk == engagement.candidate_id:
        raise PermissionDenied("You cannot rate yourself.")
    if membership is None:
        raise NotFound("No such engagement.")
    if not role_can(membership.role, "review"):
        raise PermissionDenied("Only reviewers, managers and owners of the employer rate the intern.")
    refuse_if_conflicted(rater, engagement.candidate, doing="rate this intern")
    overall = _one_to_five(overall, "overall", "the intern's work overall")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ReviewError(f"Keep the comment under {MAX_COMMENT} characters.", field="comment")
    now = now or timezone.now()
    with transaction.atomic():
        engagement = _lock_for_rating(engagement, now=now)
        if InternRating.objects.filter(engagement=engagement).exists():
            raise ReviewError("Your organisation has already rated this intern.", code="already_rated")
        rating = InternRating.objects.create(
            engagement=engagement, rater=rater, overall=overall, comment=comment, created_at=now
        )
        record("rating.intern", actor=rater, obj=engagement, data={"overall": overall})
        both = ExperienceRating.objects.filter(engagement=engagement).exists()
        _tell_about_rating(engagement, rater=rater, both_in=both)
    return rating
