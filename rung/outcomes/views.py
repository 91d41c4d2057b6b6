"""Outcome pages: fetch with permission → service → redirect, or the page again with the refusal.
Survey answers are never shown here, only taken."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.engagements.models import Engagement, EngagementStatus
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.orgs.selectors import get_org_for_user
from rung.outcomes import selectors, services
from rung.outcomes.forms import (
    AdvanceForm,
    EmployerSurveyForm,
    FollowUpForm,
    InternSurveyForm,
    OutcomeForm,
    RespondForm,
)
from rung.outcomes.models import EmployerSurvey, InternSurvey


def _org(request: HttpRequest, slug: str, permission: str = "view"):  # type: ignore[no-untyped-def]
    try:
        return get_org_for_user(request_user(request), slug, permission=permission)[0]
    except NotFound:
        raise Http404("Not found") from None
    except PermissionDenied as exc:
        from django.core.exceptions import PermissionDenied as DjangoDenied

        raise DjangoDenied(exc.message) from None


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.outcomes_for_candidate(user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "outcomes/mine.html",
        {"page": page, "surveys": selectors.surveys_owed_by_candidate(user)[:10], "form": RespondForm()},
    )


@login_required
@require_POST
def respond(request: HttpRequest, outcome_uuid: str) -> HttpResponse:
    user = request_user(request)
    try:
        outcome = selectors.get_outcome_for_candidate(user, str(outcome_uuid))
    except NotFound:
        raise Http404("Not found") from None
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_outcome(
                outcome,
                candidate=user,
                confirm=form.cleaned_data["answer"] == "confirm",
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Thank you: the employer can see your answer.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Please choose whether the outcome is right.")
    return redirect("outcomes:mine")


def _candidates(org) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    people = (
        User.objects.filter(engagements__project__organisation=org)
        .exclude(engagements__status=EngagementStatus.AWAITING_SIGNATURES)
        .distinct()
        .order_by("full_name", "email")
        .values_list("uuid", "full_name", "email")[:500]
    )
    return [(str(u), f"{name or email} ({email})") for u, name, email in people]


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org(request, slug)
    user = request_user(request)
    form = OutcomeForm(request.POST or None, candidates=_candidates(org))
    if request.method == "POST":
        org = _org(request, slug, permission="review")
        if form.is_valid():
            data = form.cleaned_data
            candidate = User.objects.filter(uuid=data["candidate"]).first()
            try:
                if candidate is None:
                    raise DomainError("No such candidate.")
                services.record_outcome(
                    org,
                    candidate=candidate,
                    actor=user,
                    data=services.OutcomeInput(
                        stage=data["stage"],
                        role_title=data["role_title"],
                        employment_type=data["employment_type"],
                        start_date=data["start_date"],
                    ),
                )
                messages.success(request, "Outcome recorded. The candidate is asked to confirm it.")
                return redirect("outcomes:organisation", slug=org.slug)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    page = Paginator(selectors.outcomes_for_organisation(org), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "outcomes/organisation.html",
        {
            "org": org,
            "form": form,
            "page": page,
            "advance_form": AdvanceForm(),
            "surveys": selectors.surveys_owed_by_organisation(org)[:10],
        },
    )


@login_required
@require_POST
def advance(request: HttpRequest, slug: str, outcome_uuid: str) -> HttpResponse:
    org = _org(request, slug, permission="review")
    try:
        outcome = selectors.get_outcome_for_organisation(org, str(outcome_uuid))
    except NotFound:
        raise Http404("Not found") from None
    form = AdvanceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.advance_outcome(
                outcome,
                actor=request_user(request),
                data=services.OutcomeInput(
                    stage=data["stage"],
                    role_title=data["role_title"],
                    employment_type=data["employment_type"],
                    start_date=data["start_date"],
                ),
            )
            messages.success(request, "Outcome updated. The candidate is asked to confirm it.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Please choose a valid stage and date.")
    return redirect("outcomes:organisation", slug=org.slug)


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click form from the follow-up e-mail: the signed link is the proof, no log-in."""
    try:
        item = services.follow_up_from_token(token)
    except NotFound:
        raise Http404("Not found") from None
    except DomainError as exc:
        return render(request, "outcomes/follow_up_done.html", {"message": exc.message}, status=410)
    if item.answered_at:
        return render(request, "outcomes/follow_up_done.html", {"message": "You have already answered. Thank you."})
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        through = {"yes": True, "no": False}.get(data["through_this_employer"])
        try:
            services.answer_follow_up(
                token=token,
                answer=services.FollowUpAnswer(
                    employed=data["employed"] == "yes",
                    employer_name=data["employer_name"],
                    role_title=data["role_title"],
                    through_this_employer=through,
                ),
            )
            return render(request, "outcomes/follow_up_done.html", {"message": "Thank you for telling us."})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "outcomes/follow_up.html", {"form": form, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, engagement_uuid: str) -> HttpResponse:
    """The completion survey: the intern's or the employer's, by who asks. Answers are not shown back."""
    user = request_user(request)
    try:
        engagement: Engagement = get_engagement_for_user(user, str(engagement_uuid))
    except NotFound:
        raise Http404("Not found") from None
    is_intern = engagement.candidate_id == user.pk
    answered = (
        InternSurvey.objects.filter(engagement=engagement).exists()
        if is_intern
        else EmployerSurvey.objects.filter(engagement=engagement).exists()
    )
    form = (InternSurveyForm if is_intern else EmployerSurveyForm)(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        data = form.cleaned_data
        try:
            if is_intern:
                services.answer_intern_survey(
                    engagement, candidate=user, recommend=data["recommend"], comment=data["comment"]
                )
            else:
                services.answer_employer_survey(
                    engagement, actor=user, platform_score=data["platform_score"], would_hire=data["would_hire"]
                )
            messages.success(request, "Thank you. Answers are only ever shown as totals.")
            return redirect("outcomes:survey", engagement_uuid=engagement.uuid)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "outcomes/survey.html",
        {"engagement": engagement, "form": form, "answered": answered, "is_intern": is_intern},
    )
