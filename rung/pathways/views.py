"""Pathway pages: fetch with permission → service → redirect, or the page again with the refusal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.orgs.models import Organisation, role_can
from rung.orgs.selectors import get_org_for_user, membership_of
from rung.pathways import selectors, services
from rung.pathways.forms import STEPS_ON_THE_FORM, MoveUpForm, PathwayForm, StepForm
from rung.pathways.models import CriterionKind, Pathway


def _org(request: HttpRequest, slug: str, permission: str = "view") -> Organisation:
    try:
        return get_org_for_user(request_user(request), slug, permission=permission)[0]
    except NotFound:
        raise Http404("Not found") from None
    except PermissionDenied as exc:
        raise DjangoDenied(exc.message) from None


def _pathway(org: Organisation, pathway_uuid: str) -> Pathway:
    try:
        return selectors.get_pathway(org, pathway_uuid)
    except NotFound:
        raise Http404("Not found") from None


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The candidate's place on every employer's ladder."""
    user = request_user(request)
    return render(request, "pathways/mine.html", {"standings": selectors.standings_for_candidate(user, limit=20)})


@login_required
@require_GET
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org(request, slug)
    return render(
        request,
        "pathways/organisation.html",
        {
            "org": org,
            "pathways": selectors.pathways_of(org)[:50],
            "archived": selectors.archived_pathways_of(org)[:50],
        },
    )


def _step_input(form: StepForm) -> services.StepInput | None:
    d = form.cleaned_data
    if not d.get("kind"):
        return None
    criteria = []
    for kind, key in (
        (CriterionKind.COMPLETED, "completed"),
        (CriterionKind.FIRST_TIME, "first_time"),
        (CriterionKind.ON_TIME, "on_time"),
    ):
        if d.get(key) is not None:
            criteria.append(services.CriterionInput(kind=kind, threshold=d[key]))
    if d.get("rubric_criterion"):
        level = d.get("rubric_level")
        criteria.append(
            services.CriterionInput(
                kind=CriterionKind.RUBRIC_LEVEL,
                threshold=level if level is not None else 1,
                rubric_criterion=d["rubric_criterion"],
            )
        )
    if d.get("mentor"):
        criteria.append(services.CriterionInput(kind=CriterionKind.MENTOR, threshold=1))
    return services.StepInput(
        kind=d["kind"],
        title=d["title"],
        role_title=d["role_title"],
        level=d["level"],
        salary_min=d["salary_min"],
        salary_max=d["salary_max"],
        currency=d["currency"],
        criteria=criteria,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org(request, slug, permission="post_projects")
    data = request.POST or None
    form = PathwayForm(data, org=org)
    steps = [StepForm(data, prefix=f"step{i}") for i in range(1, STEPS_ON_THE_FORM + 1)]
    if request.method == "POST" and form.is_valid() and all(s.is_valid() for s in steps):
        step_inputs = [s for s in (_step_input(f) for f in steps) if s is not None]
        skills = [slug.strip() for slug in form.cleaned_data["skills"].split(",") if slug.strip()]
        try:
            pathway = services.create_pathway(
                org,
                actor=request_user(request),
                data=services.PathwayInput(
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    skills=skills,
                    projects=[str(p.uuid) for p in form.cleaned_data["projects"]],
                    templates=[str(t.uuid) for t in form.cleaned_data["templates"]],
                    steps=step_inputs,
                ),
            )
            messages.success(request, "Ladder created.")
            return redirect("pathways:detail", slug=org.slug, pathway_uuid=pathway.uuid)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "pathways/new.html", {"org": org, "form": form, "steps": steps})


@login_required
@require_GET
def detail(request: HttpRequest, slug: str, pathway_uuid: str) -> HttpResponse:
    """The ladder and who stands where: readiest first, with the criteria met for the next step."""
    org = _org(request, slug, permission="review")
    pathway = _pathway(org, str(pathway_uuid))
    membership = membership_of(request_user(request), org)
    return render(
        request,
        "pathways/detail.html",
        {
            "org": org,
            "pathway": pathway,
            "standings": selectors.standings(pathway),
            "decisions": selectors.decisions_of(pathway),
            "can_archive": membership is not None and role_can(membership.role, "post_projects"),
            "form": MoveUpForm(),
        },
    )


@login_required
@require_POST
def move(request: HttpRequest, slug: str, pathway_uuid: str) -> HttpResponse:
    org = _org(request, slug, permission="review")
    pathway = _pathway(org, str(pathway_uuid))
    form = MoveUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give the reason for the decision; the candidate reads it.")
        return redirect("pathways:detail", slug=org.slug, pathway_uuid=pathway.uuid)
    candidate = User.objects.filter(uuid=form.cleaned_data["candidate"]).first()
    try:
        if candidate is None:
            raise DomainError("No such candidate.")
        progress = services.move_up(
            pathway,
            candidate=candidate,
            actor=request_user(request),
            reason=form.cleaned_data["reason"],
            to_position=form.cleaned_data["step"],
        )
        messages.success(
            request, f"Moved up to “{progress.step.title if progress.step else ''}”. The candidate is told."
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pathways:detail", slug=org.slug, pathway_uuid=pathway.uuid)


@login_required
@require_POST
def archive(request: HttpRequest, slug: str, pathway_uuid: str) -> HttpResponse:
    org = _org(request, slug, permission="post_projects")
    pathway = _pathway(org, str(pathway_uuid))
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Please tick the box to confirm that the ladder is to be archived.")
        return redirect("pathways:detail", slug=org.slug, pathway_uuid=pathway.uuid)
    try:
        services.archive_pathway(pathway, actor=request_user(request))
        messages.success(request, "Ladder archived. It stays readable here; nobody moves up on it.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pathways:detail", slug=org.slug, pathway_uuid=pathway.uuid)
