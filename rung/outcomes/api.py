"""The outcomes API: employers record outcomes (or push them from an applicant tracking system with a
`write` token), candidates confirm or dispute them, both sides answer the completion survey."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound
from rung.orgs.selectors import get_org_for_user
from rung.outcomes import selectors, services
from rung.outcomes.models import Outcome, OutcomeSource
from rung.outcomes.schemas import (
    EmployerSurveyIn,
    InternSurveyIn,
    OutcomeAdvanceIn,
    OutcomeOut,
    OutcomeRecordIn,
    OutcomeRespondIn,
    SurveyAnsweredOut,
)

router = Router(tags=["outcomes"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/mine", response=list[OutcomeOut], summary="Outcomes employers recorded about you")
@paginate(Pagination)
def mine(request: HttpRequest) -> QuerySet[Outcome]:
    return selectors.outcomes_for_candidate(request_user(request)).select_related("candidate")


@router.post("/mine/{uuid:outcome_uuid}/answer", response={200: OutcomeOut, **ERRORS}, summary="Confirm or dispute")
def respond(request: HttpRequest, outcome_uuid: UUID, payload: OutcomeRespondIn) -> Outcome:
    user = request_user(request)
    outcome = selectors.get_outcome_for_candidate(user, str(outcome_uuid))
    return services.respond_to_outcome(outcome, candidate=user, confirm=payload.confirm, note=payload.note)


@router.get("/orgs/{slug}", response={200: list[OutcomeOut], **ERRORS}, summary="An organisation's outcomes")
@paginate(Pagination)
def list_for_org(request: HttpRequest, slug: str) -> QuerySet[Outcome]:
    org, _ = get_org_for_user(request_user(request), slug)
    return selectors.outcomes_for_organisation(org).select_related("organisation")


@router.post("/orgs/{slug}", response={201: OutcomeOut, **ERRORS}, summary="Record or push an outcome")
def record(request: HttpRequest, slug: str, payload: OutcomeRecordIn) -> Status[Outcome]:
    user = request_user(request)
    org, _ = get_org_for_user(user, slug, permission="review")
    candidate = User.objects.filter(email__iexact=payload.candidate_email.strip()).first()
    if candidate is None:
        raise NotFound("No such candidate.")
    outcome = services.record_outcome(
        org,
        candidate=candidate,
        actor=user,
        data=services.OutcomeInput(
            stage=payload.stage,
            role_title=payload.role_title,
            employment_type=payload.employment_type,
            start_date=payload.start_date,
        ),
        source=OutcomeSource.API,
        external_ref=payload.external_ref,
    )
    return Status(201, outcome)


@router.post("/orgs/{slug}/{uuid:outcome_uuid}", response={200: OutcomeOut, **ERRORS}, summary="Move an outcome on")
def advance(request: HttpRequest, slug: str, outcome_uuid: UUID, payload: OutcomeAdvanceIn) -> Outcome:
    user = request_user(request)
    org, _ = get_org_for_user(user, slug, permission="review")
    outcome = selectors.get_outcome_for_organisation(org, str(outcome_uuid))
    return services.advance_outcome(
        outcome,
        actor=user,
        data=services.OutcomeInput(
            stage=payload.stage,
            role_title=payload.role_title,
            employment_type=payload.employment_type,
            start_date=payload.start_date,
        ),
    )


@router.post("/engagements/{uuid:engagement_uuid}/intern-survey", response={201: SurveyAnsweredOut, **ERRORS})
def intern_survey(request: HttpRequest, engagement_uuid: UUID, payload: InternSurveyIn) -> Status[SurveyAnsweredOut]:
    user = request_user(request)
    engagement = get_engagement_for_user(user, str(engagement_uuid))
    services.answer_intern_survey(engagement, candidate=user, recommend=payload.recommend, comment=payload.comment)
    return Status(201, SurveyAnsweredOut(answered=True))


@router.post("/engagements/{uuid:engagement_uuid}/employer-survey", response={201: SurveyAnsweredOut, **ERRORS})
def employer_survey(
    request: HttpRequest, engagement_uuid: UUID, payload: EmployerSurveyIn
) -> Status[SurveyAnsweredOut]:
    user = request_user(request)
    engagement = get_engagement_for_user(user, str(engagement_uuid))
    services.answer_employer_survey(
        engagement, actor=user, platform_score=payload.platform_score, would_hire=payload.would_hire
    )
    return Status(201, SurveyAnsweredOut(answered=True))
