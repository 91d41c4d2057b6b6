"""The recognition API: endorsing, hiding and withdrawing; running a round, nominating, blind scoring."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.credentials.models import IssuedCredential
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound, PermissionDenied
from rung.orgs.models import Organisation
from rung.profiles.models import Skill
from rung.projects.models import Project
from rung.recognition import selectors, services
from rung.recognition.models import Endorsement, Nomination, NominationRound, RoundStatus
from rung.recognition.schemas import (
    BlindNominationOut,
    CohortMemberOut,
    EndorseIn,
    EndorsementOut,
    FinaliseIn,
    HideIn,
    NominateIn,
    NominationOut,
    PanelistIn,
    PanelScoreIn,
    PanelScoreOut,
    RecognitionReasonIn,
    RoundCriterionOut,
    RoundIn,
    RoundOut,
    RoundResultOut,
)

router = Router(tags=["recognition"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _endorsement_out(e: Endorsement) -> EndorsementOut:
    return EndorsementOut(
        uuid=e.uuid,
        kind=e.kind,
        capacity=e.capacity,
        endorser=e.endorser.full_name or "A Rung member",
        intern=e.intern.full_name or "A Rung member",
        statement=e.statement,
        skill=e.skill.name if e.skill else None,
        endorsed_credential=e.endorsed_credential.uuid if e.endorsed_credential else None,
        credential=e.credential.uuid if e.credential else None,
        status=e.status,
        hidden=e.hidden,
        created_at=e.created_at,
    )


@router.post("/endorsements", response={201: EndorsementOut, **ERRORS}, summary="Endorse a credential or a skill")
def endorse(request: HttpRequest, payload: EndorseIn) -> Status[EndorsementOut]:
    user = request_user(request)
    if payload.credential is not None:
        credential = IssuedCredential.objects.filter(uuid=payload.credential).first()
        if credential is None or credential.recipient_id is None:
            raise NotFound("No such credential.")
        engagement = selectors.engagement_of_credential(credential)
        if engagement is None or selectors.capacity_on(user, engagement) is None:
            raise NotFound("No such credential.")
        endorsement = services.endorse_credential(endorser=user, credential=credential, statement=payload.statement)
    elif payload.engagement is not None and payload.skill:
        engagement = selectors.engagements_to_endorse(user).filter(uuid=payload.engagement).first()
        skill = Skill.objects.filter(slug=payload.skill).first()
        if engagement is None:
            raise NotFound("No such engagement.")
        if skill is None:
            raise services.RecognitionError("No such skill.", field="skill")
        endorsement = services.endorse_skill(
            endorser=user, engagement=engagement, skill=skill, statement=payload.statement
        )
    else:
        raise services.RecognitionError("Give a credential, or an engagement and a skill.", field="credential")
    return Status(201, _endorsement_out(endorsement))


@router.get("/endorsements", response=list[EndorsementOut], summary="Endorsements you received")
@paginate(Pagination)
def list_endorsements(request: HttpRequest) -> list[EndorsementOut]:
    return [_endorsement_out(e) for e in selectors.endorsements_received(request_user(request))]


@router.get("/endorsements/{uuid:endorsement_uuid}", response={200: EndorsementOut, **ERRORS})
def get_endorsement(request: HttpRequest, endorsement_uuid: UUID) -> EndorsementOut:
    return _endorsement_out(selectors.get_endorsement_for_user(request_user(request), endorsement_uuid))


@router.post("/endorsements/{uuid:endorsement_uuid}/hide", response={200: EndorsementOut, **ERRORS})
def hide(request: HttpRequest, endorsement_uuid: UUID, payload: HideIn) -> EndorsementOut:
    user = request_user(request)
    endorsement = selectors.get_endorsement_for_user(user, endorsement_uuid)
    return _endorsement_out(services.set_endorsement_hidden(endorsement, actor=user, hidden=payload.hidden))


@router.post("/endorsements/{uuid:endorsement_uuid}/withdraw", response={200: EndorsementOut, **ERRORS})
def withdraw(request: HttpRequest, endorsement_uuid: UUID, payload: RecognitionReasonIn) -> EndorsementOut:
    user = request_user(request)
    endorsement = selectors.get_endorsement_for_user(user, endorsement_uuid)
    return _endorsement_out(services.withdraw_endorsement(endorsement, actor=user, reason=payload.reason))


# --- rounds ----------------------------------------------------------------------------------------


def _round_out(r: NominationRound) -> RoundOut:
    return RoundOut(
        uuid=r.uuid,
        title=r.title,
        description=r.description,
        organisation=r.organisation.slug if r.organisation else None,
        cohort_kind=r.cohort_kind,
        status=r.status,
        opens_at=r.opens_at,
        closes_at=r.closes_at,
        levels=list(r.levels),
        spread=r.spread,
        winners_count=r.winners_count,
        criteria=[
            RoundCriterionOut(id=c.pk, name=c.name, description=c.description, weight=c.weight)
            for c in r.criteria.all()
        ],
    )


def _round(request: HttpRequest, round_uuid: UUID) -> tuple[NominationRound, selectors.RoundAccess]:
    return selectors.get_round_for_user(request_user(request), round_uuid)


def _organised(request: HttpRequest, round_uuid: UUID) -> NominationRound:
    found, access = _round(request, round_uuid)
    if not access.organiser:
        raise PermissionDenied("Only the round's organisers can do this.")
    return found


@router.post("/rounds", response={201: RoundOut, **ERRORS}, summary="Draft a nomination round")
def create_round(request: HttpRequest, payload: RoundIn) -> Status[RoundOut]:
    user = request_user(request)
    organisation = None
    if payload.organisation:
        organisation = Organisation.objects.filter(slug=payload.organisation, memberships__user=user).first()
        if organisation is None:
            raise NotFound("No such organisation.")
    projects = list(Project.objects.filter(uuid__in=payload.projects))
    if len(projects) != len(set(payload.projects)):
        raise NotFound("No such project.")
    created = services.create_round(
        actor=user,
        organisation=organisation,
        data=services.RoundInput(
            title=payload.title,
            description=payload.description,
            cohort_kind=payload.cohort_kind,
            projects=projects,
            season_start=payload.season_start,
            season_end=payload.season_end,
            opens_at=payload.opens_at,
            closes_at=payload.closes_at,
            criteria=[services.CriterionInput(c.name, c.description, c.weight) for c in payload.criteria],
            levels=payload.levels,
            spread=payload.spread,
            winners_count=payload.winners_count,
        ),
    )
    return Status(201, _round_out(created))


@router.get("/rounds", response=list[RoundOut], summary="Rounds you organise, score or may nominate in")
@paginate(Pagination)
def list_rounds(request: HttpRequest) -> list[RoundOut]:
    rows = selectors.rounds_for_user(request_user(request)).prefetch_related("criteria")
    return [_round_out(r) for r in rows]


@router.get("/rounds/{uuid:round_uuid}", response={200: RoundOut, **ERRORS})
def get_round(request: HttpRequest, round_uuid: UUID) -> RoundOut:
    return _round_out(_round(request, round_uuid)[0])


@router.post("/rounds/{uuid:round_uuid}/panelists", response={200: RoundOut, **ERRORS}, summary="Add a panelist")
def add_panelist(request: HttpRequest, round_uuid: UUID, payload: PanelistIn) -> RoundOut:
    found = _organised(request, round_uuid)
    user = User.objects.filter(email__iexact=payload.email.strip()).first()
    if user is None:
        raise services.RecognitionError("No Rung account has that e-mail address.", field="email")
    services.add_panelist(found, actor=request_user(request), user=user)
    return _round_out(found)


@router.post("/rounds/{uuid:round_uuid}/open", response={200: RoundOut, **ERRORS}, summary="Open for nominations")
def open_round(request: HttpRequest, round_uuid: UUID) -> RoundOut:
    found = _organised(request, round_uuid)
    return _round_out(services.open_round(found, actor=request_user(request)))


@router.post("/rounds/{uuid:round_uuid}/close", response={200: RoundOut, **ERRORS}, summary="Close nominations")
def close_round(request: HttpRequest, round_uuid: UUID) -> RoundOut:
    found = _organised(request, round_uuid)
    return _round_out(services.close_nominations(found, actor=request_user(request)))


@router.get("/rounds/{uuid:round_uuid}/cohort", response={200: list[CohortMemberOut], **ERRORS})
def cohort(request: HttpRequest, round_uuid: UUID) -> list[CohortMemberOut]:
    """The interns a nominator may nominate (while the round is open)."""
    user = request_user(request)
    found, access = _round(request, round_uuid)
    if not access.nominator_capacity or found.status != RoundStatus.OPEN:
        raise PermissionDenied("Only nominators see the cohort, while the round is open.")
    interns = {e.candidate for e in selectors.cohort_engagements(found).select_related("candidate")} - {user}
    return [CohortMemberOut(uuid=i.uuid, name=i.full_name or i.email) for i in sorted(interns, key=lambda i: i.pk)]


@router.post("/rounds/{uuid:round_uuid}/nominations", response={201: NominationOut, **ERRORS}, summary="Nominate")
def nominate(request: HttpRequest, round_uuid: UUID, payload: NominateIn) -> Status[NominationOut]:
    found, _ = _round(request, round_uuid)
    nominee = User.objects.filter(uuid=payload.nominee).first()
    if nominee is None:
        raise services.RecognitionError("Choose an intern of the cohort.", field="nominee")
    nomination = services.nominate(
        found,
        nominator=request_user(request),
        nominee=nominee,
        statement=payload.statement,
        evidence_links=payload.evidence_links,
        conflict_note=payload.conflict_note,
    )
    return Status(
        201,
        NominationOut(
            uuid=nomination.uuid,
            round=found.uuid,
            capacity=nomination.capacity,
            outcome=nomination.outcome,
            created_at=nomination.created_at,
        ),
    )


@router.get(
    "/rounds/{uuid:round_uuid}/panel",
    response={200: list[BlindNominationOut], **ERRORS},
    summary="The nominations, blind (for panelists)",
)
def panel(request: HttpRequest, round_uuid: UUID) -> list[BlindNominationOut]:
    user = request_user(request)
    found, access = _round(request, round_uuid)
    if not access.panelist:
        raise PermissionDenied("Only the round's panelists see the panel's view.")
    return [
        BlindNominationOut(
            uuid=row.uuid,
            alias=row.alias,
            capacity=row.capacity,
            statement=row.statement,
            evidence_links=row.evidence_links,
            conflict_note=row.conflict_note,
            flagged=row.flagged,
            spread=row.spread,
            my_levels=row.my_levels,
            needs_confirmation=row.needs_confirmation,
            may_score=row.may_score,
        )
        for row in selectors.blind_nominations(found, user)
    ]


def _panel_nomination(request: HttpRequest, nomination_uuid: UUID) -> Nomination:
    nomination = Nomination.objects.select_related("round").filter(uuid=nomination_uuid).first()
    if nomination is None or not selectors.is_panelist(request_user(request), nomination.round):
        raise NotFound("No such nomination.")
    return nomination


@router.post("/nominations/{uuid:nomination_uuid}/score", response={200: PanelScoreOut, **ERRORS}, summary="Score")
def score(request: HttpRequest, nomination_uuid: UUID, payload: PanelScoreIn) -> PanelScoreOut:
    nomination = _panel_nomination(request, nomination_uuid)
    result = services.score_nomination(
        nomination, panelist=request_user(request), levels=payload.levels, comment=payload.comment
    )
    return PanelScoreOut(
        uuid=result.uuid,
        points=result.points,
        max_points=result.max_points,
        percent=result.percent,
        flagged=nomination.flagged_at is not None,
    )


@router.post(
    "/nominations/{uuid:nomination_uuid}/confirm",
    response={200: PanelScoreOut, **ERRORS},
    summary="Keep your score after a calibration flag",
)
def confirm(request: HttpRequest, nomination_uuid: UUID) -> PanelScoreOut:
    nomination = _panel_nomination(request, nomination_uuid)
    result = services.confirm_score(nomination, panelist=request_user(request))
    return PanelScoreOut(
        uuid=result.uuid, points=result.points, max_points=result.max_points, percent=result.percent, flagged=True
    )


@router.post(
    "/rounds/{uuid:round_uuid}/finalise",
    response={200: list[RoundResultOut], **ERRORS},
    summary="Publish the results, with a reason for each",
)
def finalise(request: HttpRequest, round_uuid: UUID, payload: FinaliseIn) -> list[RoundResultOut]:
    found = _organised(request, round_uuid)
    nominations = {n.uuid: n for n in found.nominations.all()}
    unknown = [d.nomination for d in payload.decisions if d.nomination not in nominations]
    if unknown:
        raise services.RecognitionError("A decision names a nomination outside this round.", field="decisions")
    services.finalise_round(
        found,
        actor=request_user(request),
        decisions=[services.DecisionInput(nominations[d.nomination], d.winner, d.reason) for d in payload.decisions],
    )
    return [
        RoundResultOut(
            nomination=n.uuid,
            nominee=n.nominee.full_name or n.nominee.email,
            outcome=n.outcome,
            reason=n.reason,
            award=n.award.uuid if n.award else None,
        )
        for n in found.nominations.select_related("nominee", "award")
    ]
