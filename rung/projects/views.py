import json
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rung.accounts.requests import request_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.money import format_money, from_minor, to_minor
from rung.lib.validation import bounded_int
from rung.orgs import selectors as org_selectors
from rung.orgs.models import Membership, Organisation, role_can
from rung.projects import extensions, licences, selectors, services
from rung.projects.fairpay import check_fair_pay
from rung.projects.forms import (
    CancelForm,
    CriterionFormSet,
    DuplicateForm,
    MilestoneFormSet,
    ProjectForm,
    RubricForm,
    SearchForm,
    TemplateForm,
)
from rung.projects.models import Project, ProjectStatus, ProjectTemplate, TemplateLicence


def _project(request: HttpRequest, project_uuid: str, *, write: bool = False) -> tuple[Project, Membership | None]:
    user = request_user(request) if request.user.is_authenticated else None
    try:
        return selectors.get_project_for_user(user, project_uuid, write=write)
    except NotFound:
        raise Http404("No such project") from None


def _org_for_posting(request: HttpRequest, slug: str) -> tuple[Organisation, Membership | None]:
    try:
        return org_selectors.get_org_for_user(request_user(request), slug, permission="post_projects")
    except NotFound:
        raise Http404("No such organisation") from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


# --- Find -------------------------------------------------------------------------------------


def _result_cards(projects: Sequence[Project]) -> list[dict[str, Any]]:
    seats = selectors.seats_for_many(projects)
    notes = extensions.notes_for(projects)
    return [
        {
            "project": p,
            "seats": seats[p.pk],
            "stipend": format_money(p.stipend_minor, p.currency),
            "notes": notes[p.pk],
        }
        for p in projects
    ]


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    params = selectors.SearchParams()
    if form.is_bound:
        data = form.params_data()
        params = selectors.SearchParams(
            q=data["q"],
            skills=data["skills"],
            currency=data["currency"],
            min_hourly=data["min_hourly"],
            min_total=data["min_total"],
            max_hours_per_week=data["max_hours_per_week"],
            durations=data["durations"],
            start_from=data["start_from"],
            start_to=data["start_to"],
            work_modes=data["work_modes"],
            organisation=data["organisation"],
            sort=data["sort"] or ("relevance" if data["q"] else "recent"),
            flags=data["flags"],
        )
    page = bounded_int(request.GET.get("page"), default=1, low=1, high=500)
    results = selectors.search_projects(params, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    suggestion_query = ""
    if results.suggestion:
        respelled = query.copy()
        respelled["q"] = results.suggestion
        suggestion_query = respelled.urlencode()
    context = {
        "form": form,
        "results": results,
        "cards": _result_cards(results.items),
        "query": query.urlencode(),
        "suggestion_query": suggestion_query,
        "open_panels": form.open_panels,
        "nav": "projects",
    }
    if request.headers.get("HX-Request"):
        if form.is_bound and form.errors:
            # The errors sit beside their fields: answer with the form as well as the results.
            response = render(request, "projects/_search_layout.html", context)
            response["HX-Retarget"] = "#search-layout"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "projects/_results.html", context)
    return render(request, "projects/search.html", context)


def detail(request: HttpRequest, project_uuid: str) -> HttpResponse:
    project, membership = _project(request, project_uuid)
    can_post = membership is not None and role_can(membership.role, "post_projects")
    seats = selectors.seats_for(project)
    context: dict[str, Any] = {
        "project": project,
        "seats": seats,
        "membership": membership,
        "can_post": can_post,
        "can_review": membership is not None and role_can(membership.role, "review"),
        "milestones": project.milestones.all(),
        "skills": project.skills.all(),
        "fair": check_fair_pay(
            stipend_minor=project.stipend_minor,
            currency=project.currency,
            estimated_hours=project.estimated_hours,
            jurisdiction=project.jurisdiction,
        ),
        "stipend": format_money(project.stipend_minor, project.currency),
        "criteria": project.rubric.criteria.prefetch_related("levels") if project.rubric else [],
        "notes": extensions.notes_for([project])[project.pk],
    }
    if can_post:
        from rung.ledger.services import quote_funding

        context.update(
            {
                "quote": quote_funding(
                    stipend_minor=project.stipend_minor, seats=project.seats, currency=project.currency
                ),
                "funded": services.is_funded(project),
                "pending_deposit": services.pending_deposit(project),
                "cancel_form": CancelForm(),
                "template_form": TemplateForm(initial={"name": project.title}),
                "duplicate_form": DuplicateForm(),
                "manage_panels": extensions.manage_panels(),
            }
        )
    return render(request, "projects/detail.html", context)


# --- Write ------------------------------------------------------------------------------------


def _rubric_choices(org: Organisation) -> list[tuple[str, str]]:
    return [(str(r.uuid), f"{r.name}{'' if r.is_library else ' (yours)'}") for r in selectors.rubrics_for(org.pk)]


def _input_from_forms(form: ProjectForm, milestones: Any) -> services.ProjectInput:
    d = form.cleaned_data
    return services.ProjectInput(
        title=d["title"],
        summary=d["summary"],
        learning_outcomes=d["learning_outcomes"],
        duration_weeks=d["duration_weeks"],
        estimated_hours=d["estimated_hours"],
        stipend=str(d["stipend"]),
        currency=d["currency"],
        seats=d["seats"],
        application_deadline=d["application_deadline"],
        start_date=d["start_date"],
        skill_slugs=d["skills"],
        work_mode=d["work_mode"],
        location=d["location"],
        jurisdiction=d["jurisdiction"],
        timezone_from=d["timezone_from"],
        timezone_to=d["timezone_to"],
        screening_questions=d["screening_questions"],
        rubric_uuid=d["rubric"] or None,
        ip_licence=d["ip_licence"],
        blind_review=d["blind_review"],
        offer_valid_days=d["offer_valid_days"],
        review_rounds=d["review_rounds"],
        milestones=[
            services.MilestoneInput(
                title=m["title"],
                description=m.get("description", ""),
                due_offset_days=m["due_offset_days"],
                share_percent=m["share_percent"],
            )
            for m in milestones.cleaned_data
            if m.get("title")
        ],
    )


def _initial(data: services.ProjectInput) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    initial = {
        "title": data.title,
        "summary": data.summary,
        "learning_outcomes": "\n".join(data.learning_outcomes),
        "skills": data.skill_slugs,
        "duration_weeks": data.duration_weeks,
        "estimated_hours": data.estimated_hours,
        "stipend": data.stipend,
        "currency": data.currency,
        "seats": data.seats,
        "application_deadline": data.application_deadline,
        "start_date": data.start_date,
        "work_mode": data.work_mode,
        "location": data.location,
        "jurisdiction": data.jurisdiction,
        "timezone_from": data.timezone_from,
        "timezone_to": data.timezone_to,
        "screening_questions": "\n".join(data.screening_questions),
        "rubric": data.rubric_uuid or "",
        "ip_licence": data.ip_licence,
        "blind_review": data.blind_review,
        "offer_valid_days": data.offer_valid_days,
        "review_rounds": data.review_rounds,
    }
    return initial, [vars(m) for m in data.milestones]


def _edit(
    request: HttpRequest,
    org: Organisation,
    membership: Membership | None,
    project: Project | None,
    initial_data: services.ProjectInput | None,
    *,
    template_uuid: str | None = None,
) -> HttpResponse:
    rubrics = _rubric_choices(org)
    if request.method == "POST":
        form = ProjectForm(request.POST, rubrics=rubrics)
        milestones = MilestoneFormSet(request.POST, prefix="milestones")
        if form.is_valid() and milestones.is_valid():
            data = _input_from_forms(form, milestones)
            data.template_uuid = template_uuid
            try:
                if project is None:
                    project = services.create_project(org, membership=membership, data=data)
                else:
                    project = services.update_project(project, membership=membership, data=data)
            except DomainError as exc:
                if exc.field == "milestones":
                    milestones._non_form_errors = milestones.error_class([exc.message])  # type: ignore[attr-defined]
                else:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Draft saved. Check the preview, fund it, then publish.")
                return redirect("projects:detail", project_uuid=project.uuid)
        status = 400
    else:
        initial, rows = _initial(initial_data) if initial_data else ({}, [])
        form = ProjectForm(initial=initial, rubrics=rubrics)
        milestones = MilestoneFormSet(
            prefix="milestones",
            initial=rows
            or [
                {"title": "Plan agreed", "due_offset_days": 3, "share_percent": 20},
                {"title": "Final deliverable", "due_offset_days": 7, "share_percent": 80},
            ],
        )
        status = 200
    return render(
        request,
        "projects/edit.html",
        {"form": form, "milestones": milestones, "org": org, "project": project, "nav": "orgs"},
        status=status,
    )


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = _org_for_posting(request, slug)
    initial = None
    template_uuid = request.GET.get("template")
    if template_uuid:
        try:
            UUID(template_uuid)
        except ValueError:
            raise Http404("No such template") from None
        template = selectors.templates_for(org.pk).filter(uuid=template_uuid).first()
        if template is None:
            raise Http404("No such template")
        if not licences.may_use_template(template, org):
            messages.error(request, "This is a paid template: buy a licence for your organisation first.")
            return redirect("projects:template", template.uuid)
        today = timezone.now().date()
        initial = services.input_from_template(
            template, application_deadline=today + timedelta(days=14), start_date=today + timedelta(days=21)
        )
    return _edit(request, org, membership, None, initial, template_uuid=template_uuid or None)


@login_required
def edit(request: HttpRequest, project_uuid: str) -> HttpResponse:
    project, membership = _project(request, project_uuid, write=True)
    if project.status != ProjectStatus.DRAFT:
        messages.error(request, "Only drafts can be edited.")
        return redirect("projects:detail", project_uuid=project.uuid)
    return _edit(request, project.organisation, membership, project, services.project_to_input(project))


@login_required
def org_projects(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        org, membership = org_selectors.get_org_for_user(request_user(request), slug)
    except NotFound:
        raise Http404("No such organisation") from None
    return render(
        request,
        "projects/org_projects.html",
        {
            "org": org,
            "projects": selectors.projects_of_org(org.pk),
            "can_post": membership is not None and role_can(membership.role, "post_projects"),
            "nav": "orgs",
            "templates": selectors.templates_for(org.pk)[:12],
        },
    )


@login_required
def rate(request: HttpRequest) -> HttpResponse:
    """The live hourly-rate hint on the project form (HTMX)."""
    try:
        currency = request.GET.get("currency", "EUR")
        stipend_minor = to_minor(Decimal(request.GET.get("stipend") or "0"), currency)
        hours = int(request.GET.get("estimated_hours") or "0")
    except (InvalidOperation, ValueError, DomainError):
        return render(request, "projects/_rate.html", {"fair": None})
    fair = check_fair_pay(
        stipend_minor=stipend_minor,
        currency=currency,
        estimated_hours=hours,
        jurisdiction=request.GET.get("jurisdiction", ""),
    )
    return render(request, "projects/_rate.html", {"fair": fair, "currency": currency})


def act_on_project(request: HttpRequest, project_uuid: str, action: Any, success: str, **kwargs: Any) -> HttpResponse:
    project, membership = _project(request, project_uuid, write=True)
    try:
        result = action(project, membership=membership, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("projects:detail", project_uuid=project.uuid)
    messages.success(request, success)
    if isinstance(result, Project) and result.pk != project.pk:
        return redirect("projects:detail", project_uuid=result.uuid)
    return redirect("projects:detail", project_uuid=project.uuid)


@login_required
@require_POST
def fund(request: HttpRequest, project_uuid: str) -> HttpResponse:
    project, membership = _project(request, project_uuid, write=True)
    try:
        services.fund_project(project, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if services.is_funded(project):  # paid at once (a card, or the sandbox)
            messages.success(request, "Funded: the stipends are in escrow. You can publish now.")
        else:
            messages.success(
                request,
                "Deposit requested. With bank transfer, staff confirm it when it arrives; then you can publish.",
            )
    return redirect("projects:detail", project_uuid=project.uuid)


@login_required
@require_POST
def fund_freed_seats(request: HttpRequest, project_uuid: str) -> HttpResponse:
    project, membership = _project(request, project_uuid, write=True)
    try:
        services.fund_freed_seats(project, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if selectors.seats_for(project).unfunded:
            messages.success(request, "Deposit requested: the seat reopens once staff confirm your transfer.")
        else:
            messages.success(request, "Funded: the seat is open for applications again.")
    return redirect("projects:detail", project_uuid=project.uuid)


@login_required
@require_POST
def publish(request: HttpRequest, project_uuid: str) -> HttpResponse:
    return act_on_project(
        request, project_uuid, services.publish_project, "Published: candidates can now find and apply."
    )


def act_on_project_with_form(
    request: HttpRequest, project_uuid: str, *, form_class: Any, invalid: str, action: Any, success: str
) -> HttpResponse:
    """A POST that needs a small form: outsiders get 404 before the form is read, a bad form a message."""
    _project(request, project_uuid, write=True)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("projects:detail", project_uuid=project_uuid)
    return act_on_project(request, project_uuid, action, success, **form.cleaned_data)


@login_required
@require_POST
def duplicate(request: HttpRequest, project_uuid: str) -> HttpResponse:
    return act_on_project_with_form(
        request,
        project_uuid,
        form_class=DuplicateForm,
        invalid="Choose the new application deadline and start date.",
        action=services.duplicate_project,
        success="Copied into a new draft.",
    )


@login_required
@require_POST
def save_template(request: HttpRequest, project_uuid: str) -> HttpResponse:
    return act_on_project_with_form(
        request,
        project_uuid,
        form_class=TemplateForm,
        invalid="Name the template.",
        action=services.save_as_template,
        success="Saved as a template for your organisation.",
    )


@login_required
def template_catalogue(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    orgs = list(org_selectors.orgs_for_user(user))
    skill = request.GET.get("skill", "")
    found = ProjectTemplate.objects.filter(public=True).prefetch_related("skills")
    if skill:
        found = found.filter(skills__slug=skill)
    templates = list(found)
    notes = extensions.template_notes_for(templates)
    employers = [o for o in orgs if o.kind == "employer"]
    held = set(
        TemplateLicence.objects.filter(template__in=templates, buyer__in=employers).values_list(
            "template_id", "buyer_id"
        )
    )
    return render(
        request,
        "projects/templates.html",
        {
            "templates": [
                (
                    t,
                    notes[t.pk],
                    [o for o in employers if not t.is_paid or t.organisation_id == o.pk or (t.pk, o.pk) in held],
                )
                for t in templates
            ],
            "orgs": employers,
            "skill": skill,
            "nav": "projects",
        },
    )


@login_required
@require_POST
def curate(request: HttpRequest, template_uuid: str) -> HttpResponse:
    template = get_object_or_404(ProjectTemplate, uuid=template_uuid)
    try:
        services.curate_template(
            template,
            staff=request_user(request),
            featured=request.POST.get("featured") == "on",
            public=request.POST.get("public") == "on",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("projects:templates")


@login_required
def rubrics(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's rubrics and the library; owners and managers build new ones here."""
    org, membership = _org_for_posting(request, slug)
    copy_of = request.GET.get("copy")
    rows: list[dict[str, Any]] = []
    initial: dict[str, Any] = {}
    if copy_of:
        source = selectors.rubrics_for(org.pk).filter(uuid=copy_of).first()
        if source is None:
            raise Http404("No such rubric")
        initial = {"name": f"{source.name} (ours)"[:120], "description": source.description}
        rows = [
            {"name": c.name, "weight": c.weight, **{f"level_{i}": d for i, d in enumerate(c.descriptors, 1)}}
            for c in services.rubric_to_input(source)
        ]
    form = RubricForm(request.POST or None, initial=initial)
    criteria = CriterionFormSet(request.POST or None, prefix="criteria", initial=rows)
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        chosen = [c for c in criteria.cleaned_data if c.get("name")]
        try:
            rubric = services.create_rubric(
                org,
                membership=membership,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                criteria=[
                    services.CriterionInput(
                        name=c["name"], weight=c["weight"] or 1, descriptors=[c[f"level_{i}"] for i in range(1, 5)]
                    )
                    for c in chosen
                ],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Rubric “{rubric.name}” saved. Choose it when you write a project.")
            return redirect("projects:rubrics", slug=org.slug)
    return render(
        request,
        "projects/rubrics.html",
        {
            "org": org,
            "form": form,
            "criteria": criteria,
            "rubrics": selectors.rubrics_for(org.pk).prefetch_related("criteria__levels"),
            "nav": "orgs",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Paid templates ---------------------------------------------------------------------------


def _visible_template(request: HttpRequest, template_uuid: UUID) -> ProjectTemplate:
    try:
        return licences.visible_template(request_user(request), str(template_uuid))
    except NotFound:
        raise Http404("No such template") from None


@login_required
def template_detail(request: HttpRequest, template_uuid: UUID) -> HttpResponse:
    """One template: what it holds, its price and terms, who may use it, buying a licence, pricing it."""
    user = request_user(request)
    template = _visible_template(request, template_uuid)
    employers = [o for o in org_selectors.orgs_for_user(user) if o.kind == "employer"]
    held = {lic.buyer_id: lic for lic in TemplateLicence.objects.filter(template=template, buyer__in=employers)}
    rows = [
        {
            "org": org,
            "licence": held.get(org.pk),
            "own": template.organisation_id == org.pk,
            "may_use": not template.is_paid or template.organisation_id == org.pk or org.pk in held,
            "may_buy": licences._is_manager(user, org),
        }
        for org in employers
    ]
    author_minor, fee_minor = licences.split_for(template) if template.is_paid else (0, 0)
    return render(
        request,
        "projects/template.html",
        {
            "template": template,
            "rows": rows,
            "price": format_money(template.price_minor, template.currency) if template.is_paid else "",
            "author_share": format_money(author_minor, template.currency) if template.is_paid else "",
            "fee_share": format_money(fee_minor, template.currency) if template.is_paid else "",
            "price_input": str(from_minor(template.price_minor, template.currency)) if template.is_paid else "0",
            "may_price": licences.may_price(user, template),
            "default_fee": licences.fee_percent(),
            "nav": "projects",
        },
    )


@login_required
@require_POST
def template_price(request: HttpRequest, template_uuid: UUID) -> HttpResponse:
    template = _visible_template(request, template_uuid)
    try:
        licences.set_template_price(
            template,
            actor=request_user(request),
            price=request.POST.get("price", "").strip() or "0",
            currency=request.POST.get("currency", "").strip(),
            permitted_use=request.POST.get("permitted_use", ""),
            attribution=request.POST.get("attribution", ""),
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Saved the template's price and terms." if template.is_paid else "The template is free."
        )
    return redirect("projects:template", template.uuid)


@login_required
@require_POST
def template_buy(request: HttpRequest, template_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    template = _visible_template(request, template_uuid)
    org = next((o for o in org_selectors.orgs_for_user(user) if o.slug == request.POST.get("organisation", "")), None)
    if org is None:
        messages.error(request, "Choose one of your organisations to buy the licence for.")
        return redirect("projects:template", template.uuid)
    try:
        licence = licences.buy_template_licence(template, buyer=org, actor=user)
    except PermissionDenied as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{org.name} holds a licence to this template. You can start a project from it now.")
        return redirect("projects:template_licence", licence.uuid)
    return redirect("projects:template", template.uuid)


@login_required
def template_licence(request: HttpRequest, licence_uuid: UUID) -> HttpResponse:
    """The signed licence record, for the buyer's members (and staff) only."""
    licence = TemplateLicence.objects.select_related("template", "buyer").filter(uuid=licence_uuid).first()
    if licence is None or not licences.may_see_licence(request_user(request), licence):
        raise Http404("No such licence")
    return render(
        request,
        "projects/template_licence.html",
        {
            "licence": licence,
            "record": json.loads(licence.record_text),
            "verified": licences.verify_record(licence),
            "price": format_money(licence.price_minor, licence.currency),
            "author_share": format_money(licence.author_minor, licence.currency),
            "fee_share": format_money(licence.fee_minor, licence.currency),
            "nav": "projects",
        },
    )
