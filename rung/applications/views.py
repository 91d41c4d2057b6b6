from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rung.accounts.requests import request_user
from rung.applications import selectors, services
from rung.applications.forms import ApplyForm, NoteForm, OfferForm
from rung.applications.models import REJECTION_TEMPLATES
from rung.applications.services import rejection_text
from rung.lib.errors import DomainError, NotFound
from rung.profiles.models import CandidateProfile
from rung.profiles.photos import photo_response
from rung.projects.selectors import get_project_for_user, seats_for


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/mine.html",
        {"applications": selectors.my_applications(request_user(request)), "nav": "applications"},
    )


@login_required
def apply(request: HttpRequest, project_uuid: str) -> HttpResponse:
    try:
        project, _ = get_project_for_user(request_user(request), project_uuid)
    except NotFound:
        raise Http404("No such project") from None
    form = ApplyForm(request.POST or None, questions=list(project.screening_questions))
    if request.method == "POST" and form.is_valid():
        try:
            services.apply(
                project, candidate=request_user(request), answers=form.answers(), note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Applied to {project.title}. You will hear back by "
                f"{project.decision_deadline:%d %B %Y} at the latest.",
            )
            return redirect("applications:mine")
    clash = services.availability_clashes(request_user(request), project)
    return render(
        request,
        "applications/apply.html",
        {"project": project, "form": form, "clash": clash, "full": seats_for(project).full},
        status=400 if request.method == "POST" else 200,
    )


def own_application(request: HttpRequest, application_uuid: str):  # type: ignore[no-untyped-def]
    try:
        return selectors.get_own_application(request_user(request), application_uuid)
    except NotFound:
        raise Http404("No such application") from None


@login_required
@require_POST
def candidate_action(request: HttpRequest, application_uuid: str, action: str) -> HttpResponse:
    application = own_application(request, application_uuid)
    actions = {
        "withdraw": (services.withdraw, "Application withdrawn."),
        "decline": (services.decline_offer, "Offer declined. Thank you for letting them know."),
    }
    if action not in actions:
        raise Http404("No such action")
    service, success = actions[action]
    try:
        # The service's own copy: the one fetched here cached "no engagement yet" (select_related).
        application = service(application, candidate=request_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("applications:mine")


@login_required
def review_list(request: HttpRequest, project_uuid: str) -> HttpResponse:
    try:
        project, _ = get_project_for_user(request_user(request), project_uuid)
        selectors.reviewer_membership(request_user(request), project)
    except NotFound:
        raise Http404("No such project") from None
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    applicants = selectors.applicant_page(project, page=page)
    return render(
        request,
        "applications/review_list.html",
        {
            "project": project,
            "applicants": applicants,
            "cards": applicants.cards,
            "note_form": NoteForm(),
            "offer_form": OfferForm(),
            "templates": [(key, rejection_text(project, key)) for key in REJECTION_TEMPLATES],
            "nav": "orgs",
        },
    )


@login_required
@require_POST
def reviewer_action(request: HttpRequest, application_uuid: str, action: str) -> HttpResponse:
    try:
        application, membership = selectors.get_application_for_reviewer(request_user(request), application_uuid)
    except NotFound:
        raise Http404("No such application") from None
    try:
        if action == "shortlist":
            services.shortlist(application, membership=membership)
            messages.success(request, "Shortlisted. You can now see who they are.")
        elif action == "reject":
            message = request.POST.get("message", "").strip() or rejection_text(
                application.project, request.POST.get("template", "")
            )
            services.reject(application, membership=membership, message=message)
            messages.success(request, "The candidate has been told, kindly.")
        elif action == "note":
            form = NoteForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(str(e) for e in form.errors.get("body", ["Write the note first."])))
            services.add_private_note(application, membership=membership, body=form.cleaned_data["body"])
            messages.success(request, "Note saved. Only your organisation's reviewers and managers can read it.")
        elif action == "offer":
            services.make_offer(application, membership=membership, message=request.POST.get("message", ""))
            messages.success(request, "Offer sent.")
        else:
            raise Http404("No such action")
    except DomainError as exc:
        messages.error(request, exc.message)
    target = reverse("applications:review_list", args=[application.project.uuid])
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        target += f"?page={page}"
    return redirect(f"{target}#c-{application.uuid}")


@login_required
def candidate_photo(request: HttpRequest, profile_uuid: str) -> HttpResponseBase:
    """A candidate's photo, for the people who may see it (404 for everyone else, as if none)."""
    profile = CandidateProfile.objects.select_related("user").filter(uuid=profile_uuid).first()
    if (
        profile is None
        or not profile.photo
        or not selectors.may_see_candidate_photo(request_user(request), profile.user)
    ):
        raise Http404("No photo.")
    return photo_response(profile)
