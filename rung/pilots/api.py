"""The pilots API: read a pilot's dashboard as JSON and manage pilots (owners and managers); staff
read the whole platform's; everyone manages their own diversity answers."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound, PermissionDenied
from rung.pilots import report, selectors, services
from rung.pilots.models import DiversityAnswers, Pilot
from rung.pilots.schemas import DiversityAnswersIn, DiversityAnswersOut, PilotDashboardOut, PilotIn, PilotOut

router = Router(tags=["pilots"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _full(pilot: Pilot) -> Pilot:
    return Pilot.objects.select_related("protocol", "pathway").prefetch_related("projects").get(pk=pilot.pk)


def _input(payload: PilotIn) -> services.PilotInput:
    return services.PilotInput(
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        project_uuids=[str(u) for u in payload.projects],
        protocol_uuid=str(payload.protocol) if payload.protocol else None,
        pathway_uuid=str(payload.pathway) if payload.pathway else None,
        target_interview_percent=payload.target_interview_percent,
        target_hired_percent=payload.target_hired_percent,
        target_nps=payload.target_nps,
        target_payment_days=payload.target_payment_days,
    )


def _manager(membership):  # type: ignore[no-untyped-def]
    if membership is None:
        raise PermissionDenied("Staff read pilots; only the organisation's owners and managers change them.")
    return membership


@router.get("/orgs/{slug}", response={200: list[PilotOut], **ERRORS}, summary="An organisation's pilots")
@paginate(Pagination)
def list_pilots(request: HttpRequest, slug: str) -> QuerySet[Pilot]:
    org, _ = selectors.get_org_for_pilots(request_user(request), slug)
    return selectors.pilots_for_organisation(org).select_related("protocol", "pathway").prefetch_related("projects")


@router.post("/orgs/{slug}", response={201: PilotOut, **ERRORS}, summary="Start a pilot")
def create_pilot(request: HttpRequest, slug: str, payload: PilotIn) -> Status[Pilot]:
    org, membership = selectors.get_org_for_pilots(request_user(request), slug)
    pilot = services.create_pilot(org, membership=_manager(membership), data=_input(payload))
    return Status(201, _full(pilot))


@router.get("/orgs/{slug}/{uuid:pilot_uuid}", response={200: PilotOut, **ERRORS}, summary="One pilot")
def get_pilot(request: HttpRequest, slug: str, pilot_uuid: UUID) -> Pilot:
    pilot, _ = selectors.get_pilot_for_user(request_user(request), slug, str(pilot_uuid))
    return _full(pilot)


@router.put("/orgs/{slug}/{uuid:pilot_uuid}", response={200: PilotOut, **ERRORS}, summary="Change a pilot")
def update_pilot(request: HttpRequest, slug: str, pilot_uuid: UUID, payload: PilotIn) -> Pilot:
    pilot, membership = selectors.get_pilot_for_user(request_user(request), slug, str(pilot_uuid))
    return _full(services.update_pilot(pilot, membership=_manager(membership), data=_input(payload)))


@router.delete("/orgs/{slug}/{uuid:pilot_uuid}", response={204: None, **ERRORS}, summary="Remove a pilot")
def delete_pilot(request: HttpRequest, slug: str, pilot_uuid: UUID) -> Status[None]:
    pilot, membership = selectors.get_pilot_for_user(request_user(request), slug, str(pilot_uuid))
    services.delete_pilot(pilot, membership=_manager(membership))
    return Status(204, None)


@router.get(
    "/orgs/{slug}/{uuid:pilot_uuid}/dashboard",
    response={200: PilotDashboardOut, **ERRORS},
    summary="A pilot's dashboard: every table, as numbers",
)
def pilot_dashboard(request: HttpRequest, slug: str, pilot_uuid: UUID) -> dict[str, object]:
    pilot, _ = selectors.get_pilot_for_user(request_user(request), slug, str(pilot_uuid))
    return report.as_json(selectors.pilot_dashboard(pilot))


@router.get("/platform/dashboard", response={200: PilotDashboardOut, **ERRORS}, summary="The whole platform (staff)")
def platform_dashboard(request: HttpRequest) -> dict[str, object]:
    if not request_user(request).is_staff:
        raise NotFound("Not found.")
    return report.as_json(selectors.dashboard(selectors.scope_for_platform()))


def _answers_out(row: DiversityAnswers | None) -> DiversityAnswersOut:
    if row is None:
        return DiversityAnswersOut()
    return DiversityAnswersOut(
        gender=row.gender,
        ethnicity=row.ethnicity,
        first_generation=row.first_generation,
        disability=row.disability,
        age_band=row.age_band,
    )


@router.get("/me/diversity", response={200: DiversityAnswersOut, **ERRORS}, summary="Your own diversity answers")
def my_diversity(request: HttpRequest) -> DiversityAnswersOut:
    return _answers_out(DiversityAnswers.objects.filter(user=request_user(request)).first())


@router.put("/me/diversity", response={200: DiversityAnswersOut, **ERRORS}, summary="Give or change your answers")
def put_my_diversity(request: HttpRequest, payload: DiversityAnswersIn) -> DiversityAnswersOut:
    asked = set(selectors.diversity_fields())
    answers = {k: v for k, v in payload.dict().items() if k in asked or v}
    return _answers_out(services.save_diversity_answers(request_user(request), answers=answers))


@router.delete("/me/diversity", response={204: None, **ERRORS}, summary="Delete all your answers")
def delete_my_diversity(request: HttpRequest) -> Status[None]:
    services.withdraw_diversity_answers(request_user(request))
    return Status(204, None)
