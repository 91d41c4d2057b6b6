"""Pilot pages: fetch with permission → service or selector → page, export or redirect."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.requests import request_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.mentoring.models import Protocol
from rung.orgs.models import Membership, Organisation
from rung.pathways.selectors import pathways_of
from rung.pilots import report, selectors, services
from rung.pilots.forms import DiversityForm, PilotForm
from rung.pilots.models import DiversityAnswers, Pilot

MAX_COMPARED = 5


def _guard(fetch: Callable[[], Any]) -> Any:
    try:
        return fetch()
    except NotFound:
        raise Http404("Not found") from None
    except PermissionDenied as exc:
        raise DjangoDenied(exc.message) from None


def _org(request: HttpRequest, slug: str) -> tuple[Organisation, Membership | None]:
    return _guard(lambda: selectors.get_org_for_pilots(request_user(request), slug))


def _pilot(request: HttpRequest, slug: str, pilot_uuid: object) -> tuple[Pilot, Membership | None]:
    return _guard(lambda: selectors.get_pilot_for_user(request_user(request), slug, str(pilot_uuid)))


def _manager(membership: Membership | None) -> Membership:
    if membership is None:
        raise DjangoDenied("Staff read pilots; only the organisation's owners and managers change them.")
    return membership


def _form(org: Organisation, data: Any = None, initial: dict[str, Any] | None = None) -> PilotForm:
    projects = [(str(p.uuid), p.title) for p in selectors.projects_for_pilot_choice(org)[:200]]
    protocols = [
        (str(p.uuid), p.name)
        for p in Protocol.objects.filter(Q(organisation=org) | Q(organisation__isnull=True)).order_by("name")[:50]
    ]
    pathways = [(str(p.uuid), p.title) for p in pathways_of(org)[:50]]
    return PilotForm(data, initial=initial, projects=projects, protocols=protocols, pathways=pathways)


def _input(form: PilotForm) -> services.PilotInput:
    d = form.cleaned_data
    return services.PilotInput(
        name=d["name"],
        starts_on=d["starts_on"],
        ends_on=d["ends_on"],
        project_uuids=list(d["projects"]),
        protocol_uuid=d["protocol"] or None,
        pathway_uuid=d["pathway"] or None,
        target_interview_percent=d["target_interview_percent"],
        target_hired_percent=d["target_hired_percent"],
        target_nps=d["target_nps"],
        target_payment_days=d["target_payment_days"],
    )


def _save(request: HttpRequest, form: PilotForm, save: Callable[[services.PilotInput], Pilot]) -> Pilot | None:
    if not form.is_valid():
        return None
    try:
        return save(_input(form))
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


@login_required
@require_GET
def pilot_list(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = _org(request, slug)
    page = Paginator(selectors.pilots_for_organisation(org), 20).get_page(request.GET.get("page"))
    return render(request, "pilots/list.html", {"org": org, "page": page, "can_manage": membership is not None})


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = _org(request, slug)
    manager = _manager(membership)
    form = _form(org, request.POST or None)
    if request.method == "POST":
        pilot = _save(request, form, lambda data: services.create_pilot(org, membership=manager, data=data))
        if pilot is not None:
            messages.success(request, f"Pilot “{pilot.name}” created.")
            return redirect("pilots:detail", slug=org.slug, pilot_uuid=pilot.uuid)
    return render(
        request, "pilots/form.html", {"org": org, "form": form, "pilot": None}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, pilot_uuid: object) -> HttpResponse:
    pilot, membership = _pilot(request, slug, pilot_uuid)
    manager = _manager(membership)
    initial = {
        "name": pilot.name,
        "starts_on": pilot.starts_on,
        "ends_on": pilot.ends_on,
        "projects": [str(u) for u in pilot.projects.values_list("uuid", flat=True)],
        "protocol": str(pilot.protocol.uuid) if pilot.protocol else "",
        "pathway": str(pilot.pathway.uuid) if pilot.pathway else "",
        "target_interview_percent": pilot.target_interview_percent,
        "target_hired_percent": pilot.target_hired_percent,
        "target_nps": pilot.target_nps,
        "target_payment_days": pilot.target_payment_days,
    }
    form = _form(pilot.organisation, request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _save(request, form, lambda data: services.update_pilot(pilot, membership=manager, data=data))
        if saved is not None:
            messages.success(request, "Pilot saved.")
            return redirect("pilots:detail", slug=slug, pilot_uuid=saved.uuid)
    return render(
        request,
        "pilots/form.html",
        {"org": pilot.organisation, "form": form, "pilot": pilot},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete(request: HttpRequest, slug: str, pilot_uuid: object) -> HttpResponse:
    pilot, membership = _pilot(request, slug, pilot_uuid)
    services.delete_pilot(pilot, membership=_manager(membership))
    messages.success(request, "Pilot removed. Its projects and their records are untouched.")
    return redirect("pilots:list", slug=slug)


def _dashboard_page(request: HttpRequest, board: selectors.Dashboard, context: dict[str, Any]) -> HttpResponse:
    tables = report.tables(board)
    sections: dict[str, list[report.Table]] = {}
    for t in tables:
        sections.setdefault(t.section, []).append(t)
    return render(
        request,
        "pilots/dashboard.html",
        {"board": board, "sections": sections, "charts": report.charts(board), **context},
    )


@login_required
@require_GET
def detail(request: HttpRequest, slug: str, pilot_uuid: object) -> HttpResponse:
    pilot, membership = _pilot(request, slug, pilot_uuid)
    board = selectors.pilot_dashboard(pilot)
    return _dashboard_page(
        request,
        board,
        {
            "pilot": pilot,
            "org": pilot.organisation,
            "can_manage": membership is not None,
            "projects": list(pilot.projects.order_by("title").values_list("title", flat=True)[:50]),
        },
    )


def _filename(name: str, ext: str) -> str:
    return f"{slugify(name) or 'pilot'}.{ext}"


def _csv(board: selectors.Dashboard, table: str, name: str) -> HttpResponse:
    found = report.table(board, table)
    if found is None:
        raise Http404("No such table.")
    response = HttpResponse(report.as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name + "-" + table, "csv")}"'
    return response


def _json(board: selectors.Dashboard, name: str) -> HttpResponse:
    response = JsonResponse(report.as_json(board), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "json")}"'
    return response


def _pdf(board: selectors.Dashboard, name: str, title: str) -> HttpResponse:
    response = HttpResponse(report.as_pdf(board, title=title), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(name, "pdf")}"'
    return response


@login_required
@require_GET
def export_csv(request: HttpRequest, slug: str, pilot_uuid: object, table: str) -> HttpResponse:
    pilot, _ = _pilot(request, slug, pilot_uuid)
    return _csv(selectors.pilot_dashboard(pilot), table, pilot.name)


@login_required
@require_GET
def export_json(request: HttpRequest, slug: str, pilot_uuid: object) -> HttpResponse:
    pilot, _ = _pilot(request, slug, pilot_uuid)
    return _json(selectors.pilot_dashboard(pilot), pilot.name)


@login_required
@require_GET
def report_pdf(request: HttpRequest, slug: str, pilot_uuid: object) -> HttpResponse:
    pilot, _ = _pilot(request, slug, pilot_uuid)
    title = f"{pilot.name} ({pilot.organisation.name}), {pilot.starts_on:%-d %B %Y} to {pilot.ends_on:%-d %B %Y}"
    return _pdf(selectors.pilot_dashboard(pilot), pilot.name, title)


@login_required
@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Up to five pilots side by side (each one's dashboard costs the same fixed number of queries)."""
    org, _ = _org(request, slug)
    pilots = list(selectors.pilots_for_organisation(org)[:100])
    chosen = [p for p in pilots if str(p.uuid) in set(request.GET.getlist("pilot"))][:MAX_COMPARED]
    if not request.GET.getlist("pilot"):
        chosen = pilots[:MAX_COMPARED]
    boards = [(p, selectors.pilot_dashboard(p)) for p in chosen]
    return render(
        request,
        "pilots/compare.html",
        {"org": org, "pilots": pilots, "boards": boards, "chosen": {str(p.uuid) for p in chosen}, "most": MAX_COMPARED},
    )


def _staff(request: HttpRequest) -> None:
    if not request_user(request).is_staff:
        raise Http404("Not found")


@login_required
@require_GET
def platform(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _dashboard_page(request, selectors.dashboard(selectors.scope_for_platform()), {"platform": True})


@login_required
@require_GET
def platform_csv(request: HttpRequest, table: str) -> HttpResponse:
    _staff(request)
    return _csv(selectors.dashboard(selectors.scope_for_platform()), table, "platform")


@login_required
@require_GET
def platform_json(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _json(selectors.dashboard(selectors.scope_for_platform()), "platform")


@login_required
@require_GET
def platform_pdf(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _pdf(selectors.dashboard(selectors.scope_for_platform()), "platform", "The whole platform")


@login_required
@require_http_methods(["GET", "POST"])
def diversity(request: HttpRequest) -> HttpResponse:
    """The person's own answers: give, change or withdraw them. Only they ever see them."""
    user = request_user(request)
    asked = selectors.diversity_fields()
    current = DiversityAnswers.objects.filter(user=user).first()
    initial = {name: getattr(current, name) for name in asked} if current else {}
    form = DiversityForm(request.POST or None, initial=initial, asked=asked)
    if request.method == "POST":
        if request.POST.get("withdraw"):
            services.withdraw_diversity_answers(user)
            messages.success(request, "Your answers are deleted.")
            return redirect("pilots:diversity")
        if form.is_valid():
            try:
                services.save_diversity_answers(user, answers=dict(form.cleaned_data))
                messages.success(request, "Thank you. Your answers are saved.")
                return redirect("pilots:diversity")
            except DomainError as exc:
                form.add_error(None, exc.message)
    return render(
        request,
        "pilots/diversity.html",
        {"form": form, "current": current, "asked": asked},
        status=400 if form.errors else 200,
    )
