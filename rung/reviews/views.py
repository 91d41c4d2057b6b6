from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rung.accounts.requests import add_form_error, fetch_for_request, request_user
from rung.engagements.models import EngagementStatus, MilestoneStatus
from rung.lib.errors import DomainError
from rung.orgs.models import Organisation
from rung.reviews import selectors, services
from rung.reviews.forms import (
    ExperienceRatingForm,
    InternRatingForm,
    ReviewForm,
    SelfAssessmentForm,
    SubmitForm,
)
from rung.reviews.models import Decision, SubmissionFile

_fetch = fetch_for_request


def _form_error(form: Any, exc: DomainError) -> None:
    # The services name the API's fields; the form calls its file input "attachments".
    add_form_error(form, exc, renames={"files": "attachments"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "reviews/home.html",
        {
            "engagements": selectors.engagements_of_candidate(user),
            "reviews_waiting": selectors.review_queue(user).count(),
            "is_reviewer": selectors.reviewing_org_ids(user).exists(),
            "nav": "work",
        },
    )


@login_required
def milestone(request: HttpRequest, milestone_uuid: str) -> HttpResponse:
    item, access = _fetch(selectors.get_milestone_for_user, request, milestone_uuid)
    engagement = item.engagement
    opens_on = services.work_opens_on(engagement)
    not_started = timezone.now().date() < opens_on
    can_submit = (
        access.is_candidate
        and engagement.status == EngagementStatus.ACTIVE
        and not not_started
        and item.status in (MilestoneStatus.PENDING, MilestoneStatus.CHANGES_REQUESTED)
    )
    submissions = list(selectors.submissions_for_milestone(item))
    latest = submissions[0] if submissions else None
    # A revision starts from the last version: its files carry over unless unticked.
    previous_files = list(latest.files.all()) if latest and can_submit else []
    form = SubmitForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        max_mb=settings.SUBMISSION_MAX_FILE_MB,
        previous_files=previous_files,
    )
    if request.method == "POST":
        if not access.is_candidate:
            raise DjangoPermissionDenied("Only the intern hands in work.")
        if form.is_valid():
            try:
                submission = services.submit_work(
                    item,
                    candidate=request_user(request),
                    notes=form.cleaned_data["notes"],
                    links=form.link_list(),
                    files=form.cleaned_data["attachments"],
                    keep_files=form.cleaned_data.get("keep_files", []),
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Version {submission.version} handed in. The employer reviews it by "
                    f"{submission.review_due_at:%d %B %Y}; if not, it is approved automatically.",
                )
                return redirect("reviews:milestone", milestone_uuid=item.uuid)
    return render(
        request,
        "reviews/milestone.html",
        {
            "milestone": item,
            "engagement": engagement,
            "access": access,
            "submissions": submissions,
            "feedback": latest.review if latest and latest.status == "changes_requested" else None,
            "latest": latest,
            "form": form,
            "can_submit": can_submit,
            "opens_on": opens_on if not_started else None,
            "nav": "work",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/queue.html",
        {"submissions": selectors.review_queue(request_user(request)), "nav": "work"},
    )


@login_required
def review(request: HttpRequest, submission_uuid: str) -> HttpResponse:
    submission, access = _fetch(selectors.get_submission_for_user, request, submission_uuid)
    if not access.can_review:
        # The intern, mentors and viewers may read the work on the milestone page, not review it.
        if access.is_candidate:
            raise DjangoPermissionDenied("You cannot review your own work.")
        raise DjangoPermissionDenied("Only reviewers, managers and owners of the employer review work.")
    engagement = submission.milestone.engagement
    rubric = selectors.rubric_for(engagement.project)
    form = ReviewForm(request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submission(
                submission,
                reviewer=request_user(request),
                review=services.ReviewInput(
                    decision=form.cleaned_data["decision"],
                    feedback=form.cleaned_data["feedback"],
                    scores=form.scores(),
                ),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            approved = form.cleaned_data["decision"] == Decision.APPROVE
            messages.success(
                request,
                "Approved: the stipend for this milestone is released."
                if approved
                else "Changes requested: the intern has been told.",
            )
            return redirect("reviews:queue")
    return render(
        request,
        "reviews/review.html",
        {
            "submission": submission,
            "engagement": engagement,
            "milestone": submission.milestone,
            "files": submission.files.all(),
            "previous": selectors.submissions_for_milestone(submission.milestone).exclude(pk=submission.pk),
            "form": form,
            "rubric": rubric,
            "nav": "work",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def download(request: HttpRequest, file_uuid: str) -> FileResponse:
    item: SubmissionFile = _fetch(selectors.get_file_for_user, request, file_uuid)
    try:
        handle = default_storage.open(item.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    return attachment_response(handle, item)


def attachment_response(handle: Any, item: SubmissionFile) -> FileResponse:
    """A submitted file as a download that no browser will render or run, whatever it contains."""
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs in a sandbox with nothing allowed.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def self_assessment(request: HttpRequest, engagement_uuid: str) -> HttpResponse:
    engagement, access = _fetch(selectors.get_engagement_for_user, request, engagement_uuid)
    existing = selectors.self_assessment_for(engagement)
    rubric = selectors.rubric_for(engagement.project)
    form = SelfAssessmentForm(request.POST or None, rubric=rubric)
    if request.method == "POST":
        if not access.is_candidate:
            raise DjangoPermissionDenied("Only the intern assesses their own work.")
        if form.is_valid():
            try:
                services.self_assess(
                    engagement,
                    candidate=request_user(request),
                    scores=form.scores(),
                    reflection=form.cleaned_data["reflection"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Thank you: your self-assessment is saved.")
                return redirect("reviews:self_assessment", engagement_uuid=engagement.uuid)
    return render(
        request,
        "reviews/self_assessment.html",
        {
            "engagement": engagement,
            "access": access,
            "assessment": existing,
            "form": form,
            "nav": "work",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def ratings(request: HttpRequest, engagement_uuid: str) -> HttpResponse:
    engagement, access = _fetch(selectors.get_engagement_for_user, request, engagement_uuid)
    # Bound only to a real POST: on GET the forms are blank, not "This field is required".
    posted = request.POST if request.method == "POST" else None
    experience_form = ExperienceRatingForm(posted if access.is_candidate else None)
    intern_form = InternRatingForm(posted if access.can_review else None)
    failed = False
    if request.method == "POST":
        try:
            if access.is_candidate:
                if experience_form.is_valid():
                    services.rate_experience(
                        engagement, candidate=request_user(request), **experience_form.cleaned_data
                    )
                    messages.success(request, "Thank you: your rating is in.")
                    return redirect("reviews:ratings", engagement_uuid=engagement.uuid)
            elif access.can_review:
                if intern_form.is_valid():
                    services.rate_intern(engagement, rater=request_user(request), **intern_form.cleaned_data)
                    messages.success(request, "Thank you: your rating is in.")
                    return redirect("reviews:ratings", engagement_uuid=engagement.uuid)
            else:
                raise DjangoPermissionDenied("Only the intern and the employer's reviewers rate.")
        except DomainError as exc:
            _form_error(experience_form if access.is_candidate else intern_form, exc)
        failed = True
    return render(
        request,
        "reviews/ratings.html",
        {
            "engagement": engagement,
            "access": access,
            "ratings": selectors.ratings_for(engagement, access),
            "experience_form": experience_form,
            "intern_form": intern_form,
            "nav": "work",
        },
        status=400 if failed else 200,
    )


@require_GET
def reliability(request: HttpRequest, slug: str) -> HttpResponse:
    """The employer's reliability record as a partial, for project pages (public, like them)."""
    organisation = get_object_or_404(Organisation, slug=slug, kind="employer")
    return render(
        request,
        "reviews/_reliability.html",
        {"organisation": organisation, "reliability": selectors.reliability_for(organisation)},
    )
