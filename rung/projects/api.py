import json
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut
from rung.lib.errors import DomainError, NotFound
from rung.lib.money import format_money, from_minor
from rung.orgs.models import Membership
from rung.orgs.selectors import get_org_for_user
from rung.projects import licences, selectors, services
from rung.projects.models import Project, ProjectTemplate, Rubric, TemplateLicence
from rung.projects.schemas import (
    DuplicateIn,
    FundingOut,
    MilestoneSchema,
    ProjectIn,
    ProjectOut,
    RubricCriterionOut,
    RubricDefinitionOut,
    RubricIn,
    RubricLevelOut,
    SearchIn,
    SearchOut,
    TemplateLicenceBuyIn,
    TemplateLicenceOut,
    TemplatePriceIn,
    TemplatePriceOut,
)

router = Router(tags=["projects"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def project_out(p: Project, seats: selectors.Seats | None = None) -> ProjectOut:
    seats = seats or selectors.seats_for(p)
    return ProjectOut(
        uuid=p.uuid,
        organisation=p.organisation.slug,
        organisation_name=p.organisation.name,
        status=p.status,
        title=p.title,
        summary=p.summary,
        learning_outcomes=list(p.learning_outcomes),
        skills=[s.slug for s in p.skills.all()],
        duration_weeks=p.duration_weeks,
        estimated_hours=p.estimated_hours,
        stipend=str(from_minor(p.stipend_minor, p.currency)),
        currency=p.currency,
        hourly_rate=str(p.hourly_rate),
        seats=p.seats,
        seats_left=seats.left,
        full=seats.full,
        application_deadline=p.application_deadline,
        start_date=p.start_date,
        decision_deadline=p.decision_deadline,
        work_mode=p.work_mode,
        location=p.location,
        screening_questions=list(p.screening_questions),
        milestones=[
            MilestoneSchema(
                title=m.title,
                description=m.description,
                due_offset_days=m.due_offset_days,
                share_percent=m.share_percent,
            )
            for m in p.milestones.all()
        ],
        blind_review=p.blind_review,
        published_at=p.published_at,
    )


def _input(payload: ProjectIn) -> services.ProjectInput:
    return services.ProjectInput(
        title=payload.title,
        summary=payload.summary,
        learning_outcomes=payload.learning_outcomes,
        duration_weeks=payload.duration_weeks,
        estimated_hours=payload.estimated_hours,
        stipend=str(payload.stipend),
        currency=payload.currency,
        seats=payload.seats,
        application_deadline=payload.application_deadline,
        start_date=payload.start_date,
        milestones=[services.MilestoneInput(**m.model_dump()) for m in payload.milestones],
        skill_slugs=payload.skills,
        work_mode=payload.work_mode,
        location=payload.location,
        jurisdiction=payload.jurisdiction,
        timezone_from=payload.timezone_from,
        timezone_to=payload.timezone_to,
        screening_questions=payload.screening_questions,
        rubric_uuid=str(payload.rubric) if payload.rubric else None,
        ip_licence=payload.ip_licence,
        blind_review=payload.blind_review,
        offer_valid_days=payload.offer_valid_days,
        review_rounds=payload.review_rounds,
        template_uuid=str(payload.template) if payload.template else None,
    )


def writable_project(request: HttpRequest, project_uuid: UUID) -> tuple[Project, Membership | None]:
    return selectors.get_project_for_user(request_user(request), str(project_uuid), write=True)


@router.get("", response={200: SearchOut, 400: ErrorOut}, auth=None, summary="Search open micro-internships")
def search(request: HttpRequest, filters: Query[SearchIn]) -> SearchOut:
    if (filters.min_hourly is not None or filters.min_total is not None) and not filters.currency:
        raise DomainError("Choose a currency to filter by pay.", field="currency", code="invalid")
    params = selectors.SearchParams(**filters.model_dump(exclude={"page"}))
    params.currency = params.currency.upper()
    result = selectors.search_projects(params, page=filters.page)
    seats = selectors.seats_for_many(result.items)
    return SearchOut(
        items=[project_out(p, seats[p.pk]) for p in result.items],
        page=result.page,
        has_next=result.has_next,
        total=result.total_label,
        suggestion=result.suggestion,
    )


@router.get(
    "/{uuid:project_uuid}",
    response={200: ProjectOut, **ERRORS},
    auth=None,
    summary="A published project (drafts only for their organisation)",
)
def get_project(request: HttpRequest, project_uuid: UUID) -> ProjectOut:
    user = request_user(request) if request.user.is_authenticated else None
    project, _ = selectors.get_project_for_user(user, str(project_uuid))
    return project_out(project)


@router.post("", response={201: ProjectOut, **ERRORS}, summary="Write a draft project")
def create_project(request: HttpRequest, payload: ProjectIn) -> Status[ProjectOut]:
    org, membership = get_org_for_user(request_user(request), payload.organisation, permission="post_projects")
    return Status(201, project_out(services.create_project(org, membership=membership, data=_input(payload))))


@router.put("/{uuid:project_uuid}", response={200: ProjectOut, **ERRORS}, summary="Replace a draft")
def update_project(request: HttpRequest, project_uuid: UUID, payload: ProjectIn) -> ProjectOut:
    project, membership = writable_project(request, project_uuid)
    if payload.organisation != project.organisation.slug:
        raise NotFound("No such project in that organisation.")
    return project_out(services.update_project(project, membership=membership, data=_input(payload)))


@router.post(
    "/{uuid:project_uuid}/fund",
    response={201: FundingOut, **ERRORS},
    summary="Pay the stipends and the platform fee into escrow",
)
def fund(request: HttpRequest, project_uuid: UUID) -> Status[FundingOut]:
    project, membership = writable_project(request, project_uuid)
    deposit = services.fund_project(project, membership=membership)
    return Status(
        201,
        FundingOut(
            uuid=deposit.uuid,
            reference=deposit.reference,
            status=deposit.status,
            amount=format_money(deposit.amount_minor, deposit.currency),
            currency=deposit.currency,
            provider=deposit.provider,
        ),
    )


@router.post("/{uuid:project_uuid}/publish", response={200: ProjectOut, **ERRORS})
def publish(request: HttpRequest, project_uuid: UUID) -> ProjectOut:
    project, membership = writable_project(request, project_uuid)
    return project_out(services.publish_project(project, membership=membership))


@router.post("/{uuid:project_uuid}/duplicate", response={201: ProjectOut, **ERRORS})
def duplicate(request: HttpRequest, project_uuid: UUID, payload: DuplicateIn) -> Status[ProjectOut]:
    project, membership = writable_project(request, project_uuid)
    copy = services.duplicate_project(
        project, membership=membership, application_deadline=payload.application_deadline, start_date=payload.start_date
    )
    return Status(201, project_out(copy))


def _rubric_out(r: Rubric) -> RubricDefinitionOut:
    return RubricDefinitionOut(
        uuid=r.uuid,
        name=r.name,
        description=r.description,
        library=r.is_library,
        criteria=[
            RubricCriterionOut(
                id=c.pk,
                name=c.name,
                weight=c.weight,
                description=c.description,
                levels=[
                    RubricLevelOut(score=lv.score, label=lv.label, descriptor=lv.descriptor) for lv in c.levels.all()
                ],
            )
            for c in r.criteria.all()
        ],
    )


@router.get(
    "/rubrics/{slug}",
    response={200: list[RubricDefinitionOut], **ERRORS},
    summary="The rubric library and the organisation's own rubrics",
)
def list_rubrics(request: HttpRequest, slug: str) -> list[RubricDefinitionOut]:
    org, _ = get_org_for_user(request_user(request), slug)
    return [_rubric_out(r) for r in selectors.rubrics_for(org.pk).prefetch_related("criteria__levels")]


@router.post("/rubrics", response={201: RubricDefinitionOut, **ERRORS}, summary="Build an organisation's own rubric")
def create_rubric(request: HttpRequest, payload: RubricIn) -> Status[RubricDefinitionOut]:
    org, membership = get_org_for_user(request_user(request), payload.organisation, permission="post_projects")
    rubric = services.create_rubric(
        org,
        membership=membership,
        name=payload.name,
        description=payload.description,
        criteria=[
            services.CriterionInput(name=c.name, weight=c.weight, description=c.description, descriptors=c.descriptors)
            for c in payload.criteria
        ],
    )
    return Status(201, _rubric_out(rubric))


# --- Paid templates (docs/projects.md "Paid templates") ------------------------------------------


def _template_price_out(t: ProjectTemplate) -> TemplatePriceOut:
    return TemplatePriceOut(
        uuid=t.uuid,
        name=t.name,
        paid=t.is_paid,
        price=format_money(t.price_minor, t.currency) if t.is_paid else "",
        currency=t.currency,
        permitted_use=t.permitted_use,
        attribution=t.attribution,
        fee_percent=t.fee_percent,
    )


def _licence_out(lic: TemplateLicence) -> TemplateLicenceOut:
    return TemplateLicenceOut(
        uuid=lic.uuid,
        template=lic.template.uuid,
        template_name=lic.template.name,
        organisation=lic.buyer.slug,
        price=format_money(lic.price_minor, lic.currency),
        currency=lic.currency,
        author_share=format_money(lic.author_minor, lic.currency),
        fee_share=format_money(lic.fee_minor, lic.currency),
        bought_at=lic.bought_at,
        record=json.loads(lic.record_text),
        record_text=lic.record_text,
        signature=lic.signature,
        verification_method=lic.verification_method,
        verified=licences.verify_record(lic),
    )


@router.put(
    "/templates/{uuid:template_uuid}/price",
    response={200: TemplatePriceOut, **ERRORS},
    summary="Set a template's price and terms (its author's managers, or staff for Rung's own)",
    description="A price of 0 makes the template free. Licences already bought keep their price and terms.",
)
def set_template_price(request: HttpRequest, template_uuid: UUID, payload: TemplatePriceIn) -> TemplatePriceOut:
    user = request_user(request)
    template = licences.visible_template(user, str(template_uuid))
    template = licences.set_template_price(
        template,
        actor=user,
        price=payload.price.strip() or "0",
        currency=payload.currency.strip(),
        permitted_use=payload.permitted_use,
        attribution=payload.attribution,
    )
    return _template_price_out(template)


@router.post(
    "/templates/{uuid:template_uuid}/licences",
    response={200: TemplateLicenceOut, 201: TemplateLicenceOut, **ERRORS},
    summary="Buy a licence to a paid template for an organisation",
    description="Paid from the organisation's Rung balance, topped up through the payment provider when it "
    "holds too little. 201 with the signed licence record; 200 with the same record when it already holds one.",
)
def buy_template_licence(
    request: HttpRequest, template_uuid: UUID, payload: TemplateLicenceBuyIn
) -> Status[TemplateLicenceOut]:
    user = request_user(request)
    template = licences.visible_template(user, str(template_uuid))
    org, _ = get_org_for_user(user, payload.organisation)
    held = licences.licence_for(template, org)
    licence = held or licences.buy_template_licence(template, buyer=org, actor=user)
    return Status(200 if held else 201, _licence_out(licence))


@router.get(
    "/templates/licences",
    response={200: list[TemplateLicenceOut], **ERRORS},
    summary="The template licences an organisation holds (its members and staff)",
)
def list_template_licences(request: HttpRequest, organisation: str) -> list[TemplateLicenceOut]:
    user = request_user(request)
    org, _ = get_org_for_user(user, organisation)
    return [_licence_out(lic) for lic in licences.licences_of(org, user)]


@router.get(
    "/templates/licences/{uuid:licence_uuid}",
    response={200: TemplateLicenceOut, **ERRORS},
    summary="One template licence and its signed record (the buyer's members and staff)",
)
def get_template_licence(request: HttpRequest, licence_uuid: UUID) -> TemplateLicenceOut:
    licence = TemplateLicence.objects.select_related("template", "buyer").filter(uuid=licence_uuid).first()
    if licence is None or not licences.may_see_licence(request_user(request), licence):
        raise NotFound("No such licence.")
    return _licence_out(licence)
