"""The mentoring API: everything the pages do, for mentors, mentees, coordinators and reporters."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound
from rung.mentoring import checkins, protocols, safeguarding, selectors, services, training
from rung.mentoring.evidence import evidence_record
from rung.mentoring.models import (
    Accreditation,
    CheckIn,
    Concern,
    MatchRun,
    MenteeGoals,
    MentoringSettings,
    MentorProfile,
    Pairing,
    Protocol,
    TrainingModule,
)
from rung.mentoring.schemas import (
    AnswerIn,
    AttemptIn,
    AttemptOut,
    CheckInOut,
    ConcernIn,
    ConcernMoveIn,
    ConcernOut,
    MatchIn,
    MatchRunOut,
    MenteeGoalsIO,
    MentorAccreditationOut,
    MentorAccreditationRow,
    MentorConflictIn,
    MentoringSettingsIO,
    MentorProfileIn,
    MentorProfileOut,
    MentorRecordOut,
    MentorRecordPairing,
    PairIn,
    PairingOut,
    PoolOut,
    ProposalRow,
    ProtocolIO,
    ProtocolStepIO,
    PublishedOut,
    RankingsIn,
    RateIn,
    RecordIn,
    SuspendIn,
    WeeklyWindowSchema,
)
from rung.orgs.models import Organisation
from rung.projects.models import Project

router = Router(tags=["mentoring"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _name(user: User) -> str:
    return user.full_name or user.email


def pairing_out(p: Pairing) -> PairingOut:
    return PairingOut(
        uuid=p.uuid,
        engagement=p.engagement.uuid,
        project=p.engagement.project.title,
        mentor=_name(p.mentor),
        mentee=_name(p.engagement.candidate),
        status=p.status,
        mode=p.mode,
        score=p.score,
        reasons=list(p.reasons),
        respond_by=p.respond_by,
    )


def _profile_out(profile: MentorProfile) -> MentorProfileOut:
    return MentorProfileOut(
        uuid=profile.uuid,
        expertise=[s.slug for s in profile.expertise.all()],
        languages=profile.languages,
        timezone=profile.timezone,
        weekly_windows=[WeeklyWindowSchema(**w) for w in profile.weekly_windows],
        capacity=profile.capacity,
        offers=profile.offers,
        bio=profile.bio,
        pool_status=profile.pool_status,
        accredited=selectors.is_accredited(profile.user),
    )


@router.get("/profile", response={200: MentorProfileOut, **ERRORS}, summary="Your mentor profile")
def get_profile(request: HttpRequest) -> MentorProfileOut:
    profile = selectors.mentor_profile_of(request_user(request))
    if profile is None:
        raise NotFound("You have no mentor profile yet.")
    return _profile_out(profile)


@router.put("/profile", response={200: MentorProfileOut, **ERRORS}, summary="Write or change your mentor profile")
def put_profile(request: HttpRequest, payload: MentorProfileIn) -> MentorProfileOut:
    data = payload.dict()
    profile = services.save_mentor_profile(request_user(request), data=services.MentorProfileInput(**data))
    return _profile_out(profile)


def _goals_out(goals: MenteeGoals) -> MenteeGoalsIO:
    return MenteeGoalsIO(
        goal_skills=[s.slug for s in goals.goal_skills.all()],
        languages=goals.languages,
        timezone=goals.timezone,
        weekly_windows=[WeeklyWindowSchema(**w) for w in goals.weekly_windows],
        wants=goals.wants,
    )


@router.get("/goals", response={200: MenteeGoalsIO, **ERRORS}, summary="What you want from mentoring")
def get_goals(request: HttpRequest) -> MenteeGoalsIO:
    goals = MenteeGoals.objects.filter(user=request_user(request)).prefetch_related("goal_skills").first()
    if goals is None:
        raise NotFound("You have not said what you want from mentoring yet.")
    return _goals_out(goals)


@router.put("/goals", response={200: MenteeGoalsIO, **ERRORS}, summary="Say what you want from mentoring")
def put_goals(request: HttpRequest, payload: MenteeGoalsIO) -> MenteeGoalsIO:
    data = payload.dict()
    goals = services.save_mentee_goals(request_user(request), data=services.MenteeGoalsInput(**data))
    return _goals_out(MenteeGoals.objects.prefetch_related("goal_skills").get(pk=goals.pk))


@router.post(
    "/conflicts",
    response={204: None, **ERRORS},
    summary="Declare a conflict of interest: you are never paired with that person",
)
def declare_conflict(request: HttpRequest, payload: MentorConflictIn) -> Status:
    person = User.objects.filter(email__iexact=payload.email.strip()).first()
    if person is not None:
        services.declare_mentor_conflict(request_user(request), person=person, reason=payload.reason)
    # Whether an address has an account is not the declarer's to learn: the same answer either way.
    return Status(204, None)


@router.get("/pairings", response=list[PairingOut], summary="Pairings you are the mentor or the mentee of")
@paginate(Pagination)
def list_pairings(request: HttpRequest) -> list[PairingOut]:
    user = request_user(request)
    rows = (Pairing.objects.filter(mentor=user) | Pairing.objects.filter(engagement__candidate=user)).select_related(
        "engagement__project", "engagement__candidate", "mentor"
    )
    return [pairing_out(p) for p in rows.order_by("-proposed_at")]


@router.get("/pairings/{uuid:pairing_uuid}", response={200: PairingOut, **ERRORS})
def get_pairing(request: HttpRequest, pairing_uuid: UUID) -> PairingOut:
    return pairing_out(selectors.get_pairing_for_user(request_user(request), str(pairing_uuid)))


@router.post(
    "/pairings/{uuid:pairing_uuid}/answer",
    response={200: PairingOut, **ERRORS},
    summary="The mentor accepts or declines",
)
def answer(request: HttpRequest, pairing_uuid: UUID, payload: AnswerIn) -> PairingOut:
    user = request_user(request)
    pairing = selectors.get_pairing_for_user(user, str(pairing_uuid))
    return pairing_out(services.respond_to_pairing(pairing, actor=user, accept=payload.accept, reason=payload.reason))


def _org(request: HttpRequest, slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None or not selectors.can_coordinate(request_user(request), org):
        raise NotFound("No such organisation.")
    return org


@router.get("/orgs/{slug}/settings", response={200: MentoringSettingsIO, **ERRORS}, summary="Match weights")
def get_settings(request: HttpRequest, slug: str) -> MentoringSettingsIO:
    org = _org(request, slug)
    config = MentoringSettings.objects.filter(organisation=org).first()
    return MentoringSettingsIO(
        weights=selectors.weights_for(org), allow_unaccredited=bool(config and config.allow_unaccredited)
    )


@router.put("/orgs/{slug}/settings", response={200: MentoringSettingsIO, **ERRORS}, summary="Set the match weights")
def put_settings(request: HttpRequest, slug: str, payload: MentoringSettingsIO) -> MentoringSettingsIO:
    org = _org(request, slug)
    services.update_settings(
        org, actor=request_user(request), weights=payload.weights, allow_unaccredited=payload.allow_unaccredited
    )
    return get_settings(request, slug)


def _protocol_out(protocol: Protocol) -> ProtocolIO:
    return ProtocolIO(
        uuid=protocol.uuid,
        name=protocol.name,
        minutes=protocol.minutes,
        steps=[
            ProtocolStepIO(kind=s.kind, title=s.title, agenda=s.agenda, prompts=list(s.prompts))
            for s in protocol.steps.all()
        ],
    )


@router.get("/orgs/{slug}/protocol", response={200: ProtocolIO, **ERRORS}, summary="The protocol new pairings follow")
def get_protocol(request: HttpRequest, slug: str) -> ProtocolIO:
    org = _org(request, slug)
    config = MentoringSettings.objects.filter(organisation=org).select_related("protocol").first()
    return _protocol_out(config.protocol if config and config.protocol else checkins.default_protocol())


@router.put("/orgs/{slug}/protocol", response={200: ProtocolIO, **ERRORS}, summary="Write your own protocol")
def put_protocol(request: HttpRequest, slug: str, payload: ProtocolIO) -> ProtocolIO:
    org = _org(request, slug)
    protocol = protocols.save_protocol(
        org,
        actor=request_user(request),
        name=payload.name,
        minutes=payload.minutes,
        steps=[
            protocols.StepInput(kind=s.kind, title=s.title, agenda=s.agenda, prompts=s.prompts) for s in payload.steps
        ],
    )
    return _protocol_out(protocol)


@router.get(
    "/orgs/{slug}/mentors/{uuid:mentor_uuid}/record",
    response={200: MentorRecordOut, **ERRORS},
    summary="A coordinator's record of one mentor",
)
def get_mentor_record(request: HttpRequest, slug: str, mentor_uuid: UUID) -> MentorRecordOut:
    org = _org(request, slug)
    item = selectors.org_mentor_record(org, str(mentor_uuid))
    overall = item.overall
    return MentorRecordOut(
        mentor=_name(item.mentor),
        accredited=item.accredited,
        repeated_misses=item.repeated_misses,
        mean_checkin_rating=str(overall.mean_rating) if overall.mean_rating is not None else None,
        checkin_ratings=overall.ratings,
        mean_mentoring_rating=str(overall.engagement_mean) if overall.engagement_mean is not None else None,
        pairings=[
            MentorRecordPairing(
                pairing=r.pairing.uuid,
                intern=_name(r.pairing.engagement.candidate),
                project=r.pairing.engagement.project.title,
                status=r.pairing.status,
                due=r.due,
                held_on_time=r.held_on_time,
                held_late=r.held_late,
                missed=r.missed,
                flagged_overdue=r.flagged_overdue,
            )
            for r in item.rows
        ],
    )


@router.post("/orgs/{slug}/pairings", response={201: PairingOut, **ERRORS}, summary="A coordinator pairs by hand")
def pair(request: HttpRequest, slug: str, payload: PairIn) -> Status[PairingOut]:
    user = request_user(request)
    org = _org(request, slug)
    engagement = get_engagement_for_user(user, str(payload.engagement))
    mentor = User.objects.filter(email__iexact=payload.mentor_email.strip()).first()
    if mentor is None or engagement.project.organisation_id != org.pk:
        raise NotFound("No such mentor or engagement.")
    return Status(201, pairing_out(services.pair_by_hand(engagement, mentor=mentor, actor=user)))


def _run_out(run: MatchRun) -> MatchRunOut:
    emails = dict(User.objects.filter(pk__in=[r["mentor"] for r in run.proposal]).values_list("pk", "email"))
    return MatchRunOut(
        uuid=run.uuid,
        status=run.status,
        total=run.total,
        accredited_only=run.accredited_only,
        proposal=[
            ProposalRow(
                engagement=UUID(str(r["engagement"])),
                mentor_email=emails.get(int(str(r["mentor"])), ""),
                score=int(str(r["score"])),
                reasons=list(r["reasons"]),
            )
            for r in run.proposal
        ],
        unpaired=[UUID(u) for u in run.unpaired],
    )


@router.post("/orgs/{slug}/matching", response={201: MatchRunOut, **ERRORS}, summary="Propose an optimal matching")
def propose(request: HttpRequest, slug: str, payload: MatchIn) -> Status[MatchRunOut]:
    org = _org(request, slug)
    projects = None
    if payload.projects is not None:
        projects = list(Project.objects.filter(organisation=org, uuid__in=payload.projects))
        if len(projects) != len(set(payload.projects)):
            raise NotFound("No such project in this organisation.")
    run = services.propose_matching(
        org, actor=request_user(request), projects=projects, accredited_only=payload.accredited_only
    )
    return Status(201, _run_out(run))


@router.get("/matching/{uuid:run_uuid}", response={200: MatchRunOut, **ERRORS})
def get_run(request: HttpRequest, run_uuid: UUID) -> MatchRunOut:
    return _run_out(selectors.get_run_for_user(request_user(request), str(run_uuid)))


@router.post(
    "/matching/{uuid:run_uuid}/publish", response={200: PublishedOut, **ERRORS}, summary="Ask the proposed mentors"
)
def publish(request: HttpRequest, run_uuid: UUID) -> PublishedOut:
    user = request_user(request)
    published = services.publish_matching(selectors.get_run_for_user(user, str(run_uuid)), actor=user)
    return PublishedOut(pairings=[pairing_out(p) for p in published.pairings], skipped=published.skipped)


def _checkin_out(checkin: CheckIn, user: User) -> CheckInOut:
    return CheckInOut(
        uuid=checkin.uuid,
        pairing=checkin.pairing.uuid,
        kind=checkin.kind,
        title=checkin.title,
        agenda=checkin.agenda,
        prompts=list(checkin.prompts),
        due_at=checkin.due_at,
        minutes=checkin.minutes,
        status=checkin.status,
        summary=checkin.summary,
        actions=list(checkin.actions),
        private_notes=checkin.private_notes if selectors.can_see_private_notes(user, checkin) else None,
        rating=checkin.rating,
    )


@router.get("/pairings/{uuid:pairing_uuid}/check-ins", response={200: list[CheckInOut], **ERRORS})
def list_checkins(request: HttpRequest, pairing_uuid: UUID) -> list[CheckInOut]:
    user = request_user(request)
    pairing = selectors.get_pairing_for_user(user, str(pairing_uuid))
    return [_checkin_out(c, user) for c in pairing.checkins.select_related("pairing__engagement", "pairing__mentor")]


@router.post(
    "/check-ins/{uuid:checkin_uuid}/record",
    response={200: CheckInOut, **ERRORS},
    summary="The mentor records a check-in",
)
def record(request: HttpRequest, checkin_uuid: UUID, payload: RecordIn) -> CheckInOut:
    user = request_user(request)
    checkin = selectors.get_checkin_for_user(user, str(checkin_uuid))
    data = checkins.CheckInRecord(**payload.dict())
    return _checkin_out(checkins.record_checkin(checkin, actor=user, data=data), user)


@router.post(
    "/check-ins/{uuid:checkin_uuid}/rating", response={200: CheckInOut, **ERRORS}, summary="The mentee rates a check-in"
)
def rate(request: HttpRequest, checkin_uuid: UUID, payload: RateIn) -> CheckInOut:
    user = request_user(request)
    checkin = selectors.get_checkin_for_user(user, str(checkin_uuid))
    return _checkin_out(
        checkins.rate_checkin(checkin, actor=user, rating=payload.rating, comment=payload.comment), user
    )


@router.post(
    "/training/{slug}/attempts", response={201: AttemptOut, **ERRORS}, summary="Answer a module's knowledge check"
)
def attempt(request: HttpRequest, slug: str, payload: AttemptIn) -> Status[AttemptOut]:
    user = request_user(request)
    module = TrainingModule.objects.filter(slug=slug).first()
    if module is None:
        raise NotFound("No such training module.")
    result = training.submit_attempt(user, module=module, answers=payload.answers)
    return Status(
        201,
        AttemptOut(
            module=module.slug, percent=result.percent, passed=result.passed, accredited=selectors.is_accredited(user)
        ),
    )


def _accreditation_out(user: User) -> MentorAccreditationOut:
    rows = list(Accreditation.objects.filter(mentor=user).order_by("-awarded_at")[:20])
    current = selectors.accreditation_progress(user).accreditation
    return MentorAccreditationOut(
        accredited=current is not None,
        renewable_from=training.renewal_opens(current) if current else None,
        accreditations=[
            MentorAccreditationRow(
                uuid=a.uuid,
                awarded_at=a.awarded_at,
                valid_until=a.valid_until,
                withdrawn_at=a.withdrawn_at,
                credential=a.credential_uuid,
            )
            for a in rows
        ],
    )


@router.get("/accreditation", response={200: MentorAccreditationOut, **ERRORS}, summary="Your accreditations")
def get_accreditation(request: HttpRequest) -> MentorAccreditationOut:
    return _accreditation_out(request_user(request))


@router.post(
    "/accreditation/renew",
    response={201: MentorAccreditationOut, **ERRORS},
    summary="Renew your accreditation in its last weeks (a new credential)",
)
def renew_accreditation(request: HttpRequest) -> Status[MentorAccreditationOut]:
    user = request_user(request)
    training.renew_accreditation(user)
    return Status(201, _accreditation_out(user))


@router.post(
    "/engagements/{uuid:engagement_uuid}/concerns",
    response={201: ConcernOut, **ERRORS},
    summary="Raise a safeguarding concern (staff only read it)",
)
def concern(request: HttpRequest, engagement_uuid: UUID, payload: ConcernIn) -> Status[ConcernOut]:
    user = request_user(request)
    engagement = get_engagement_for_user(user, str(engagement_uuid))
    item = safeguarding.report_concern(engagement, reporter=user, text=payload.text)
    return Status(201, ConcernOut(uuid=item.uuid, status=item.status, created_at=item.created_at))


# --- the remaining actions of the pages -----------------------------------------------------------------


@router.post("/matching/{uuid:run_uuid}/discard", response={200: MatchRunOut, **ERRORS}, summary="Discard a proposal")
def discard(request: HttpRequest, run_uuid: UUID) -> MatchRunOut:
    user = request_user(request)
    run = selectors.get_run_for_user(user, str(run_uuid))
    return _run_out(services.discard_matching(run, actor=user))


@router.post("/pool", response={200: PoolOut, **ERRORS}, summary="Offer to mentor anyone on Rung (staff approve)")
def join_pool(request: HttpRequest) -> PoolOut:
    return PoolOut(pool_status=services.join_pool(request_user(request)).pool_status)


@router.delete("/pool", response={200: PoolOut, **ERRORS}, summary="Leave the platform pool")
def leave_pool(request: HttpRequest) -> PoolOut:
    return PoolOut(pool_status=services.leave_pool(request_user(request)).pool_status)


@router.put(
    "/engagements/{uuid:engagement_uuid}/rankings",
    response={200: list[str], **ERRORS},
    summary="The intern ranks up to three suggested mentors",
)
def put_rankings(request: HttpRequest, engagement_uuid: UUID, payload: RankingsIn) -> list[str]:
    user = request_user(request)
    engagement = get_engagement_for_user(user, str(engagement_uuid))
    mentors = []
    for email in payload.mentor_emails:
        mentor = User.objects.filter(email__iexact=email.strip()).first()
        if mentor is None:
            raise NotFound("No such mentor.")
        mentors.append(mentor)
    rows = services.rank_mentors(engagement, actor=user, mentors=mentors)
    return [r.mentor.email for r in rows]


@router.get("/evidence", summary="Your evidence record (training, check-ins held, accreditations)")
def get_evidence(request: HttpRequest) -> dict[str, object]:
    return evidence_record(request_user(request))


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.is_staff:
        raise NotFound("Not found.")
    return user


@router.post(
    "/staff/concerns/{uuid:concern_uuid}/move", response={200: ConcernOut, **ERRORS}, summary="Staff move a concern"
)
def move_concern(request: HttpRequest, concern_uuid: UUID, payload: ConcernMoveIn) -> ConcernOut:
    user = _staff(request)
    item = Concern.objects.filter(uuid=concern_uuid).first()
    if item is None:
        raise NotFound("No such concern.")
    if payload.to not in {"in_review", "resolved", "upheld"}:
        raise services.MentoringError("A concern can move to in_review, resolved or upheld.", field="to")
    item = safeguarding.move_concern(item, actor=user, to=payload.to, note=payload.note)
    return ConcernOut(uuid=item.uuid, status=item.status, created_at=item.created_at)


def _staff_pairing(request: HttpRequest, pairing_uuid: UUID) -> tuple[User, Pairing]:
    user = _staff(request)
    pairing = Pairing.objects.filter(uuid=pairing_uuid).first()
    if pairing is None:
        raise NotFound("No such pairing.")
    return user, pairing


@router.post("/staff/pairings/{uuid:pairing_uuid}/suspend", response={200: PairingOut, **ERRORS})
def suspend(request: HttpRequest, pairing_uuid: UUID, payload: SuspendIn) -> PairingOut:
    user, pairing = _staff_pairing(request, pairing_uuid)
    return pairing_out(services.suspend_pairing(pairing, actor=user, reason=payload.reason))


@router.post("/staff/pairings/{uuid:pairing_uuid}/resume", response={200: PairingOut, **ERRORS})
def resume(request: HttpRequest, pairing_uuid: UUID) -> PairingOut:
    user, pairing = _staff_pairing(request, pairing_uuid)
    return pairing_out(services.resume_pairing(pairing, actor=user))


@router.post("/staff/pool/{uuid:profile_uuid}", response={200: PoolOut, **ERRORS}, summary="Staff decide a volunteer")
def decide_pool(request: HttpRequest, profile_uuid: UUID, approve: bool) -> PoolOut:
    user = _staff(request)
    profile = MentorProfile.objects.filter(uuid=profile_uuid).first()
    if profile is None:
        raise NotFound("No such mentor profile.")
    return PoolOut(pool_status=services.decide_pool(profile, actor=user, approve=approve).pool_status)
