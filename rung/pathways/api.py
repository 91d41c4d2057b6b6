"""The pathways API: ladders for employers, standings for both sides, the decision to move up."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut
from rung.lib.errors import NotFound
from rung.orgs.selectors import get_org_for_user
from rung.pathways import selectors, services
from rung.pathways.models import Pathway
from rung.pathways.schemas import (
    CriterionResultOut,
    MoveUpIn,
    PathwayCriterionOut,
    PathwayIn,
    PathwayOut,
    PathwayStepOut,
    StandingOut,
)

router = Router(tags=["pathways"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def pathway_out(p: Pathway) -> PathwayOut:
    return PathwayOut(
        uuid=p.uuid,
        organisation=p.organisation.slug,
        title=p.title,
        description=p.description,
        archived_at=p.archived_at,
        skills=[s.slug for s in p.skills.all()],
        steps=[
            PathwayStepOut(
                uuid=s.uuid,
                position=s.position,
                kind=s.kind,
                title=s.title,
                role_title=s.role_title,
                level=s.level,
                salary_min_minor=s.salary_min_minor,
                salary_max_minor=s.salary_max_minor,
                currency=s.currency,
                criteria=[
                    PathwayCriterionOut(
                        kind=c.kind, threshold=c.threshold, rubric_criterion=c.rubric_criterion, label=c.label
                    )
                    for c in s.criteria.all()
                ],
            )
            for s in selectors.ladder_steps(p)
        ],
    )


def standing_out(s: selectors.Standing) -> StandingOut:
    return StandingOut(
        pathway=s.pathway.uuid,
        pathway_title=s.pathway.title,
        organisation=s.pathway.organisation.slug,
        candidate=s.candidate.uuid,
        candidate_name=s.candidate.full_name or s.candidate.email,
        step=s.step.position if s.step else 0,
        next_step=s.next_step.title if s.next_step else None,
        met=s.met,
        total=s.total,
        ready=s.ready,
        summary=s.summary,
        criteria=[CriterionResultOut(label=c.label, met=c.met, value=c.value) for c in s.criteria],
    )


@router.get("/mine", response=list[StandingOut], summary="Where you stand on employers' ladders")
def mine(request: HttpRequest) -> list[StandingOut]:
    return [standing_out(s) for s in selectors.standings_for_candidate(request_user(request), limit=20)]


@router.get("/orgs/{slug}", response={200: list[PathwayOut], **ERRORS}, summary="An organisation's ladders")
def list_for_org(request: HttpRequest, slug: str) -> list[PathwayOut]:
    org, _ = get_org_for_user(request_user(request), slug)
    rows = selectors.pathways_of(org).select_related("organisation").prefetch_related("skills", "steps__criteria")
    return [pathway_out(p) for p in rows[:50]]


@router.post("/orgs/{slug}", response={201: PathwayOut, **ERRORS}, summary="Build a ladder")
def create(request: HttpRequest, slug: str, payload: PathwayIn) -> Status[PathwayOut]:
    user = request_user(request)
    org, _ = get_org_for_user(user, slug, permission="post_projects")
    pathway = services.create_pathway(
        org,
        actor=user,
        data=services.PathwayInput(
            title=payload.title,
            description=payload.description,
            skills=payload.skills,
            projects=[str(u) for u in payload.projects],
            templates=[str(u) for u in payload.templates],
            steps=[
                services.StepInput(
                    kind=s.kind,
                    title=s.title,
                    role_title=s.role_title,
                    level=s.level,
                    salary_min=s.salary_min,
                    salary_max=s.salary_max,
                    currency=s.currency,
                    criteria=[
                        services.CriterionInput(kind=c.kind, threshold=c.threshold, rubric_criterion=c.rubric_criterion)
                        for c in s.criteria
                    ],
                )
                for s in payload.steps
            ],
        ),
    )
    return Status(201, pathway_out(selectors.get_pathway(org, str(pathway.uuid))))


@router.post(
    "/orgs/{slug}/{uuid:pathway_uuid}/archive",
    response={200: PathwayOut, **ERRORS},
    summary="Archive a ladder (it stays readable; nobody moves up on it)",
)
def archive(request: HttpRequest, slug: str, pathway_uuid: UUID) -> PathwayOut:
    user = request_user(request)
    org, _ = get_org_for_user(user, slug, permission="post_projects")
    services.archive_pathway(selectors.get_pathway(org, str(pathway_uuid)), actor=user)
    return pathway_out(selectors.get_pathway(org, str(pathway_uuid)))


@router.get(
    "/orgs/{slug}/{uuid:pathway_uuid}/standings",
    response={200: list[StandingOut], **ERRORS},
    summary="Who stands where, readiest first",
)
def standings(request: HttpRequest, slug: str, pathway_uuid: UUID) -> list[StandingOut]:
    org, _ = get_org_for_user(request_user(request), slug, permission="review")
    return [standing_out(s) for s in selectors.standings(selectors.get_pathway(org, str(pathway_uuid)))]


@router.post(
    "/orgs/{slug}/{uuid:pathway_uuid}/move-up",
    response={200: StandingOut, **ERRORS},
    summary="Move a candidate up (a recorded decision with a reason)",
)
def move_up(request: HttpRequest, slug: str, pathway_uuid: UUID, payload: MoveUpIn) -> StandingOut:
    user = request_user(request)
    org, _ = get_org_for_user(user, slug, permission="review")
    pathway = selectors.get_pathway(org, str(pathway_uuid))
    candidate = User.objects.filter(uuid=payload.candidate).first()
    if candidate is None:
        raise NotFound("No such candidate.")
    services.move_up(pathway, candidate=candidate, actor=user, reason=payload.reason, to_position=payload.step)
    standing = selectors.standing_of(selectors.get_pathway(org, str(pathway_uuid)), candidate)
    assert standing is not None  # they were just moved up, so they are in scope
    return standing_out(standing)
