from dataclasses import asdict
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.applications import selectors, services
from rung.applications.models import Application
from rung.applications.schemas import (
    ApplicantOut,
    ApplicantPageOut,
    ApplicationOut,
    ApplyIn,
    MessageIn,
    NoteIn,
    NoteOut,
)
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound
from rung.projects.selectors import get_project_for_user

router = Router(tags=["applications"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def application_out(a: Application) -> ApplicationOut:
    return ApplicationOut(
        uuid=a.uuid,
        project=a.project.uuid,
        project_title=a.project.title,
        status=a.status,
        answers=list(a.answers),
        availability_clash=a.availability_clash,
        message=a.message,
        offer_expires_at=a.offer_expires_at,
        created_at=a.created_at,
    )


@router.get("", response=list[ApplicationOut], summary="Your applications, newest first")
@paginate(Pagination)
def mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [application_out(a) for a in selectors.my_applications(request_user(request))]


@router.post("", response={201: ApplicationOut, **ERRORS}, summary="Apply to an open project")
def apply(request: HttpRequest, payload: ApplyIn) -> Status[ApplicationOut]:
    user = request_user(request)
    project, _ = get_project_for_user(user, str(payload.project))
    return Status(
        201, application_out(services.apply(project, candidate=user, answers=payload.answers, note=payload.note))
    )


@router.post(
    "/{uuid:application_uuid}/offer",
    response={200: ApplicationOut, **ERRORS},
    summary="Reviewer: offer a seat to a shortlisted candidate",
)
def offer(request: HttpRequest, application_uuid: UUID, payload: MessageIn) -> ApplicationOut:
    application, membership = selectors.get_application_for_reviewer(request_user(request), str(application_uuid))
    return application_out(services.make_offer(application, membership=membership, message=payload.message))


@router.post(
    "/{uuid:application_uuid}/reject",
    response={200: ApplicationOut, **ERRORS},
    summary="Reviewer: decline, with a kind message the candidate reads",
)
def reject(request: HttpRequest, application_uuid: UUID, payload: MessageIn) -> ApplicationOut:
    application, membership = selectors.get_application_for_reviewer(request_user(request), str(application_uuid))
    return application_out(services.reject(application, membership=membership, message=payload.message))


@router.post(
    "/{uuid:application_uuid}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Reviewer: a private note on an application (the employer's reviewers and managers only)",
)
def add_note(request: HttpRequest, application_uuid: UUID, payload: NoteIn) -> Status[NoteOut]:
    application, membership = selectors.get_application_for_reviewer(request_user(request), str(application_uuid))
    note = services.add_private_note(application, membership=membership, body=payload.body)
    return Status(201, NoteOut(author=membership.user.full_name, body=note.body, created_at=note.created_at))


@router.post(
    "/{uuid:application_uuid}/{action}",
    response={200: ApplicationOut, **ERRORS},
    summary="Candidate: withdraw or decline; reviewer: shortlist",
)
def act(request: HttpRequest, application_uuid: UUID, action: str) -> ApplicationOut:
    user = request_user(request)
    candidate_actions = {
        "withdraw": services.withdraw,
        "decline": services.decline_offer,
    }
    if action in candidate_actions:
        application = selectors.get_own_application(user, str(application_uuid))
        return application_out(candidate_actions[action](application, candidate=user))
    if action == "shortlist":
        application, membership = selectors.get_application_for_reviewer(user, str(application_uuid))
        return application_out(services.shortlist(application, membership=membership))
    raise NotFound("Unknown action: use withdraw, accept, decline, shortlist, offer or reject.")


@router.get(
    "/review/{uuid:project_uuid}",
    response={200: ApplicantPageOut, **ERRORS},
    summary="Applicants of a project, oldest first, a page at a time; blind until shortlisted",
)
def review(
    request: HttpRequest, project_uuid: UUID, page: int = Query(1, ge=1), page_size: int = Query(25, ge=1, le=100)
) -> ApplicantPageOut:
    user = request_user(request)
    project, _ = get_project_for_user(user, str(project_uuid))
    selectors.reviewer_membership(user, project)
    result = selectors.applicant_page(project, page=page, page_size=page_size)
    return ApplicantPageOut(
        items=[
            ApplicantOut(**{k: v for k, v in asdict(card).items() if k in ApplicantOut.model_fields})
            for card in result.cards
        ],
        count=result.count,
        page=result.page,
        pages=result.pages,
    )
