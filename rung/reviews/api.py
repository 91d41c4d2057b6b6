from uuid import UUID

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound
from rung.orgs.models import Organisation
from rung.projects.models import Rubric
from rung.reviews import selectors, services
from rung.reviews.models import CriterionScore, Review, SelfAssessment, Submission, SubmissionFile
from rung.reviews.schemas import (
    CriterionOut,
    ExperienceIn,
    ExperienceOut,
    FileOut,
    InternIn,
    InternOut,
    LevelOut,
    MetricOut,
    RatingsOut,
    ReliabilityOut,
    ReviewIn,
    ReviewOut,
    RubricOut,
    ScoreOut,
    SelfAssessmentIn,
    SelfAssessmentOut,
    SubmissionOut,
    SubmitIn,
)
from rung.reviews.selectors import Metric
from rung.reviews.views import attachment_response

router = Router(tags=["submissions and reviews"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _file_out(f: SubmissionFile) -> FileOut:
    return FileOut(
        uuid=f.uuid,
        name=f.original_name,
        size=f.size,
        content_type=f.content_type,
        sha256=f.sha256,
        download_url=reverse("api-1.0.0:reviews_download", args=[f.uuid]),
    )


def _score_out(s: CriterionScore) -> ScoreOut:
    return ScoreOut(
        criterion=s.criterion_id,
        criterion_name=s.criterion_name,
        weight=s.weight,
        score=s.score,
        max_score=s.max_score,
        level_label=s.level_label,
    )


def _review_out(r: Review) -> ReviewOut:
    return ReviewOut(
        uuid=r.uuid,
        decision=r.decision,
        feedback=r.feedback,
        points=r.points,
        max_points=r.max_points,
        score_percent=float(r.score_percent),
        scores=[_score_out(s) for s in r.scores.all()],
        created_at=r.created_at,
    )


def _submission_out(s: Submission) -> SubmissionOut:
    review = getattr(s, "review", None)
    return SubmissionOut(
        uuid=s.uuid,
        milestone=s.milestone.uuid,
        milestone_title=s.milestone.title,
        engagement=s.milestone.engagement.uuid,
        version=s.version,
        status=s.status,
        notes=s.notes,
        links=list(s.links),
        submitted_at=s.submitted_at,
        review_due_at=s.review_due_at,
        resolved_at=s.resolved_at,
        files=[_file_out(f) for f in s.files.all()],
        review=_review_out(review) if review is not None else None,
    )


def _rubric_out(rubric: Rubric) -> RubricOut:
    return RubricOut(
        uuid=rubric.uuid,
        name=rubric.name,
        description=rubric.description,
        criteria=[
            CriterionOut(
                id=c.pk,
                name=c.name,
                description=c.description,
                weight=c.weight,
                levels=[LevelOut(score=lv.score, label=lv.label, descriptor=lv.descriptor) for lv in c.levels.all()],
            )
            for c in rubric.criteria.all()
        ],
    )


def _assessment_out(a: SelfAssessment) -> SelfAssessmentOut:
    return SelfAssessmentOut(
        uuid=a.uuid,
        reflection=a.reflection,
        points=a.points,
        max_points=a.max_points,
        score_percent=float(a.score_percent),
        scores=[_score_out(s) for s in a.scores.all()],
        created_at=a.created_at,
    )


def _metric_out(m: Metric, unit: str = "") -> MetricOut:
    return MetricOut(value=m.value, data_points=m.data_points, enough_data=m.enough_data, display=m.display(unit))


@router.get("/queue", response=list[SubmissionOut], summary="Submissions waiting for your review, most urgent first")
@paginate(Pagination)
def queue(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [_submission_out(s) for s in selectors.with_history(selectors.review_queue(request_user(request)))]


@router.get(
    "/milestones/{uuid:milestone_uuid}/submissions",
    response={200: list[SubmissionOut], **ERRORS},
    summary="Every version handed in for a milestone, newest first, with files and reviews",
)
def list_submissions(request: HttpRequest, milestone_uuid: UUID) -> list[SubmissionOut]:
    milestone, _ = selectors.get_milestone_for_user(request_user(request), str(milestone_uuid))
    return [_submission_out(s) for s in selectors.submissions_for_milestone(milestone)]


@router.post(
    "/milestones/{uuid:milestone_uuid}/submissions",
    response={201: SubmissionOut, **ERRORS},
    summary="Intern: hand in work (multipart: files, links, notes); starts the review deadline",
)
def submit(
    request: HttpRequest,
    milestone_uuid: UUID,
    payload: Form[SubmitIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[SubmissionOut]:
    user = request_user(request)
    milestone, _ = selectors.get_milestone_for_user(user, str(milestone_uuid))
    submission = services.submit_work(
        milestone, candidate=user, notes=payload.notes, links=payload.links, files=list(files or [])
    )
    submission = selectors.with_history(Submission.objects.filter(pk=submission.pk)).select_related(
        "milestone__engagement"
    )[0]
    return Status(201, _submission_out(submission))


@router.get("/submissions/{uuid:submission_uuid}", response={200: SubmissionOut, **ERRORS})
def get_submission(request: HttpRequest, submission_uuid: UUID) -> SubmissionOut:
    submission, _ = selectors.get_submission_for_user(request_user(request), str(submission_uuid))
    return _submission_out(submission)


@router.post(
    "/submissions/{uuid:submission_uuid}/review",
    response={201: ReviewOut, **ERRORS},
    summary="Reviewer: score every criterion, write feedback, approve or ask for changes",
)
def review(request: HttpRequest, submission_uuid: UUID, payload: ReviewIn) -> Status[ReviewOut]:
    user = request_user(request)
    submission, _ = selectors.get_submission_for_user(user, str(submission_uuid))
    result = services.review_submission(
        submission,
        reviewer=user,
        review=services.ReviewInput(decision=payload.decision, feedback=payload.feedback, scores=payload.scores),
    )
    return Status(201, _review_out(result))


@router.get(
    "/files/{uuid:file_uuid}",
    response={200: None, **ERRORS},
    url_name="reviews_download",
    summary="Download a submitted file (always as an attachment)",
)
def download(request: HttpRequest, file_uuid: UUID) -> FileResponse:
    item = selectors.get_file_for_user(request_user(request), str(file_uuid))
    try:
        handle = default_storage.open(item.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404("missing") from None
    return attachment_response(handle, item)


@router.get("/engagements/{uuid:engagement_uuid}/rubric", response={200: RubricOut, **ERRORS})
def rubric(request: HttpRequest, engagement_uuid: UUID) -> RubricOut:
    engagement, _ = selectors.get_engagement_for_user(request_user(request), str(engagement_uuid))
    return _rubric_out(selectors.rubric_for(engagement.project))


@router.get("/engagements/{uuid:engagement_uuid}/self-assessment", response={200: SelfAssessmentOut, **ERRORS})
def get_self_assessment(request: HttpRequest, engagement_uuid: UUID) -> SelfAssessmentOut:
    engagement, _ = selectors.get_engagement_for_user(request_user(request), str(engagement_uuid))
    assessment = selectors.self_assessment_for(engagement)
    if assessment is None:
        raise NotFound("The intern has not assessed their work yet.")
    return _assessment_out(assessment)


@router.post(
    "/engagements/{uuid:engagement_uuid}/self-assessment",
    response={201: SelfAssessmentOut, **ERRORS},
    summary="Intern: assess your own work against the project's rubric, with a reflection",
)
def self_assess(request: HttpRequest, engagement_uuid: UUID, payload: SelfAssessmentIn) -> Status[SelfAssessmentOut]:
    user = request_user(request)
    engagement, _ = selectors.get_engagement_for_user(user, str(engagement_uuid))
    assessment = services.self_assess(engagement, candidate=user, scores=payload.scores, reflection=payload.reflection)
    return Status(201, _assessment_out(assessment))


def _ratings_out(engagement_uuid: UUID, request: HttpRequest) -> RatingsOut:
    engagement, access = selectors.get_engagement_for_user(request_user(request), str(engagement_uuid))
    r = selectors.ratings_for(engagement, access)
    experience = r.experience
    intern = r.intern
    return RatingsOut(
        experience=ExperienceOut(
            mentoring=experience.mentoring,
            clarity=experience.clarity,
            respect=experience.respect,
            pay_timeliness=experience.pay_timeliness,
            comment=experience.comment,
            created_at=experience.created_at,
        )
        if experience
        else None,
        intern=InternOut(overall=intern.overall, comment=intern.comment, created_at=intern.created_at)
        if intern
        else None,
        experience_given=r.experience_given,
        intern_given=r.intern_given,
        revealed=r.revealed,
        reveal_at=r.reveal_at,
        window_open=r.window_open,
    )


@router.get(
    "/engagements/{uuid:engagement_uuid}/ratings",
    response={200: RatingsOut, **ERRORS},
    summary="Both ratings, as far as you may see them: the other side's only once both are in or the window closed",
)
def get_ratings(request: HttpRequest, engagement_uuid: UUID) -> RatingsOut:
    return _ratings_out(engagement_uuid, request)


@router.post(
    "/engagements/{uuid:engagement_uuid}/ratings/experience",
    response={201: RatingsOut, **ERRORS},
    summary="Intern: rate the experience (1–5 each)",
)
def rate_experience(request: HttpRequest, engagement_uuid: UUID, payload: ExperienceIn) -> Status[RatingsOut]:
    user = request_user(request)
    engagement, _ = selectors.get_engagement_for_user(user, str(engagement_uuid))
    services.rate_experience(engagement, candidate=user, **payload.model_dump())
    return Status(201, _ratings_out(engagement_uuid, request))


@router.post(
    "/engagements/{uuid:engagement_uuid}/ratings/intern",
    response={201: RatingsOut, **ERRORS},
    summary="Employer (reviewer, manager or owner): rate the intern (1–5 overall)",
)
def rate_intern(request: HttpRequest, engagement_uuid: UUID, payload: InternIn) -> Status[RatingsOut]:
    user = request_user(request)
    engagement, _ = selectors.get_engagement_for_user(user, str(engagement_uuid))
    services.rate_intern(engagement, rater=user, **payload.model_dump())
    return Status(201, _ratings_out(engagement_uuid, request))


@router.get(
    "/reliability/{slug}",
    response={200: ReliabilityOut, **ERRORS},
    summary="An employer's reliability record: decisions, reviews, auto-approvals, payouts on time",
)
def reliability(request: HttpRequest, slug: str) -> ReliabilityOut:
    organisation = get_object_or_404(Organisation, slug=slug, kind="employer")
    r = selectors.reliability_for(organisation)
    return ReliabilityOut(
        organisation=organisation.slug,
        decision_days=_metric_out(r.decision_days, " days"),
        decisions_missed_percent=_metric_out(r.decisions_missed, "%"),
        review_days=_metric_out(r.review_days, " days"),
        auto_approvals_percent=_metric_out(r.auto_approvals, "%"),
        payouts_on_time_percent=_metric_out(r.payouts_on_time, "%"),
    )
