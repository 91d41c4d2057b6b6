"""Reads for mentoring: who may mentor for an organisation, scores, and the lists each person sees."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.lib.errors import NotFound
from rung.mentoring.models import (
    HOLDING_STATUSES,
    Accreditation,
    CheckIn,
    CheckInStatus,
    ConcernStatus,
    MatchRun,
    MenteeGoals,
    MentoringSettings,
    MentorProfile,
    Pairing,
    PairingStatus,
    PoolStatus,
    TrainingAttempt,
    TrainingModule,
)
from rung.mentoring.scoring import MenteeFacts, MentorFacts, Score, score_pair
from rung.orgs.models import Membership, Organisation, OrgKind, Role, role_can

# Below this many ratings, a mentor's mean rating is not shown: no single rating can be traced.
MIN_RATINGS_SHOWN = 3


def can_coordinate(user: User, org: Organisation) -> bool:
    """Coordinators are the organisation's owners and managers (and Rung staff)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    membership = Membership.objects.filter(user=user, organisation=org).first()
    return membership is not None and role_can(membership.role, "manage_members")


def is_accredited(user: User, *, at: datetime | None = None) -> bool:
    return Accreditation.objects.filter(mentor=user, valid_until__gt=at or timezone.now()).exists()


def accredited_ids(user_ids: "list[int] | set[int]") -> set[int]:
    """Which of these people hold an accreditation in force now (one query)."""
    now = timezone.now()
    return set(
        Accreditation.objects.filter(mentor_id__in=list(user_ids), valid_until__gt=now).values_list(
            "mentor_id", flat=True
        )
    )


def live_load(mentor: User) -> int:
    return Pairing.objects.filter(mentor=mentor, status__in=HOLDING_STATUSES).count()


def eligible_mentors(org: Organisation, *, accredited_only: bool) -> list[User]:
    """People with a mentor profile who may mentor this organisation's interns: its own members with
    the mentor permission, members of education partners with the mentor role, and volunteers staff
    approved for the platform pool."""
    mentor_roles = [role for role in Role.values if role_can(role, "mentor")]
    own = Membership.objects.filter(organisation=org, role__in=mentor_roles).values("user_id")
    partners = Membership.objects.filter(organisation__kind=OrgKind.EDUCATION, role=Role.MENTOR).values("user_id")
    people = (
        User.objects.filter(is_active=True, mentor_profile__isnull=False)
        .filter(Q(pk__in=own) | Q(pk__in=partners) | Q(mentor_profile__pool_status=PoolStatus.APPROVED))
        .select_related("mentor_profile")
        .prefetch_related("mentor_profile__expertise")
        .order_by("pk")
    )
    if accredited_only:
        people = people.filter(accreditations__valid_until__gt=timezone.now()).distinct()
    return list(people)


def mentor_facts(mentor: User) -> MentorFacts:
    profile = mentor.mentor_profile
    return MentorFacts(
        key=mentor.pk,
        skills={s.slug: s.name for s in profile.expertise.all()},
        languages=frozenset(profile.languages),
        timezone=profile.timezone,
        windows=profile.weekly_windows,
        offers=frozenset(profile.offers),
    )


def mentee_facts(engagement: Engagement) -> MenteeFacts:
    skills = {s.slug: s.name for s in engagement.project.skills.all()}
    goals = MenteeGoals.objects.filter(user_id=engagement.candidate_id).prefetch_related("goal_skills").first()
    ranked = dict(engagement.mentor_rankings.values_list("mentor_id", "rank"))
    if goals is None:
        profile_tz = getattr(getattr(engagement.candidate, "profile", None), "timezone", "") or "UTC"
        return MenteeFacts(
            key=str(engagement.uuid), skills=skills, languages=frozenset(), timezone=profile_tz, windows=(),
            wants=frozenset(), ranked=ranked,
        )  # fmt: skip
    skills.update({s.slug: s.name for s in goals.goal_skills.all()})
    return MenteeFacts(
        key=str(engagement.uuid),
        skills=skills,
        languages=frozenset(goals.languages),
        timezone=goals.timezone,
        windows=goals.weekly_windows,
        wants=frozenset(goals.wants),
        ranked=ranked,
    )


def weights_for(org: Organisation) -> dict[str, int]:
    from rung.mentoring.models import DEFAULT_WEIGHTS

    config = MentoringSettings.objects.filter(organisation=org).first()
    return {key: config.weight(key) for key in DEFAULT_WEIGHTS} if config else dict(DEFAULT_WEIGHTS)


def score_for(
    engagement: Engagement,
    mentor: User,
    *,
    mentee: MenteeFacts | None = None,
    mentor_fact: MentorFacts | None = None,
    weights: dict[str, int] | None = None,
) -> Score:
    return score_pair(
        mentor_fact or mentor_facts(mentor),
        mentee or mentee_facts(engagement),
        weights=weights or weights_for(engagement.project.organisation),
        week_of=engagement.start_date,
    )


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    score: Score
    accredited: bool
    free_seats: int


def suggestions_for(engagement: Engagement, *, limit: int = 5) -> list[Suggestion]:
    """The mentee's top suggestions with reasons: mentors with a free seat, best first."""
    mentee = mentee_facts(engagement)
    weights = weights_for(engagement.project.organisation)
    accredited = set(Accreditation.objects.filter(valid_until__gt=timezone.now()).values_list("mentor_id", flat=True))
    loads = dict(
        Pairing.objects.filter(status__in=HOLDING_STATUSES)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    rows = []
    from rung.profiles.models import Conflict

    conflicted = set(Conflict.objects.filter(person_id=engagement.candidate_id).values_list("holder_id", flat=True))
    for mentor in eligible_mentors(engagement.project.organisation, accredited_only=False):
        if mentor.pk == engagement.candidate_id or mentor.pk in conflicted:
            continue
        free = mentor.mentor_profile.capacity - loads.get(mentor.pk, 0)
        if free <= 0:
            continue
        score = score_for(engagement, mentor, mentee=mentee, weights=weights)
        rows.append(Suggestion(mentor=mentor, score=score, accredited=mentor.pk in accredited, free_seats=free))
    rows.sort(key=lambda s: (-s.score.points, s.mentor.pk))
    return rows[:limit]


# --- what each person sees ------------------------------------------------------------------------------


def pairings_for_mentor(user: User) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(mentor=user)
        .select_related("engagement__project__organisation", "engagement__candidate")
        .order_by("-proposed_at")
    )


def pairings_for_org(org: Organisation) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(engagement__project__organisation=org)
        .select_related("engagement__project", "engagement__candidate", "mentor")
        .order_by("-proposed_at")
    )


def get_pairing_for_user(user: User, pairing_uuid: str) -> Pairing:
    """The pairing, for its mentor, its mentee, the organisation's coordinators and staff; NotFound otherwise."""
    pairing = (
        Pairing.objects.select_related("engagement__project__organisation", "engagement__candidate", "mentor", "run")
        .filter(uuid=pairing_uuid)
        .first()
    )
    if pairing is None or not user.is_authenticated:
        raise NotFound("No such pairing.")
    if user.pk in (pairing.mentor_id, pairing.engagement.candidate_id) or can_coordinate(
        user, pairing.engagement.project.organisation
    ):
        return pairing
    raise NotFound("No such pairing.")


def get_run_for_user(user: User, run_uuid: str) -> MatchRun:
    run = MatchRun.objects.select_related("organisation").filter(uuid=run_uuid).first()
    if run is None or not can_coordinate(user, run.organisation):
        raise NotFound("No such matching.")
    return run


def get_checkin_for_user(user: User, checkin_uuid: str) -> CheckIn:
    """Check-ins belong to the mentor and the mentee; coordinators see them without private notes
    (views decide what to show through `can_see_private_notes`)."""
    checkin = (
        CheckIn.objects.select_related(
            "pairing__engagement__project__organisation", "pairing__engagement__candidate", "pairing__mentor"
        )
        .filter(uuid=checkin_uuid)
        .first()
    )
    if checkin is None:
        raise NotFound("No such check-in.")
    get_pairing_for_user(user, str(checkin.pairing.uuid))
    return checkin


def can_see_private_notes(user: User, checkin: CheckIn) -> bool:
    return user.pk in (checkin.pairing.mentor_id, checkin.pairing.engagement.candidate_id)


@dataclass(frozen=True)
class Adherence:
    due: int
    held_on_time: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.held_on_time / self.due) if self.due else None


def adherence_for_org(org: Organisation, *, now: datetime | None = None) -> Adherence:
    """Share of check-ins that were due and were held and recorded within a day of their time."""
    from django.db.models import ExpressionWrapper, F
    from django.db.models.fields import DurationField

    now = now or timezone.now()
    due = CheckIn.objects.filter(pairing__engagement__project__organisation=org, due_at__lte=now)
    late = ExpressionWrapper(F("recorded_at") - F("due_at"), output_field=DurationField())
    from datetime import timedelta

    on_time = due.filter(status=CheckInStatus.HELD).annotate(late=late).filter(late__lte=timedelta(days=1))
    return Adherence(due=due.count(), held_on_time=on_time.count())


@dataclass(frozen=True)
class MentorRecord:
    held: int
    missed: int
    flagged_overdue: int
    ratings: int
    mean_rating: Decimal | None  # None below MIN_RATINGS_SHOWN ratings
    engagement_ratings: int
    engagement_mean: Decimal | None  # interns' "mentoring" rating of the engagement, 3 or more only


def mentor_record(mentor: User) -> MentorRecord:
    from rung.reviews.models import ExperienceRating

    checkins = CheckIn.objects.filter(pairing__mentor=mentor).aggregate(
        held=Count("pk", filter=Q(status=CheckInStatus.HELD)),
        missed=Count("pk", filter=Q(status=CheckInStatus.MISSED)),
        flagged=Count("pk", filter=Q(flagged_overdue_at__isnull=False)),
        ratings=Count("rating"),
        mean=Avg("rating"),
    )
    experience = ExperienceRating.objects.filter(engagement__mentor=mentor).aggregate(
        n=Count("pk"), mean=Avg("mentoring")
    )

    def shown(n: int, mean: float | None) -> Decimal | None:
        return Decimal(str(round(mean, 2))) if n >= MIN_RATINGS_SHOWN and mean is not None else None

    return MentorRecord(
        held=checkins["held"],
        missed=checkins["missed"],
        flagged_overdue=checkins["flagged"],
        ratings=checkins["ratings"],
        mean_rating=shown(checkins["ratings"], checkins["mean"]),
        engagement_ratings=experience["n"],
        engagement_mean=shown(experience["n"], experience["mean"]),
    )


@dataclass(frozen=True)
class AccreditationProgress:
    modules_total: int
    modules_passed: list[TrainingModule]
    checkins_held: int
    checkins_needed: int
    ratings: int
    mean_rating: Decimal | None
    rating_needed: Decimal
    upheld_concern: bool
    accreditation: Accreditation | None

    @property
    def training_done(self) -> bool:
        return len(self.modules_passed) == self.modules_total

    @property
    def practice_done(self) -> bool:
        return (
            self.checkins_held >= self.checkins_needed
            and self.mean_rating is not None
            and self.mean_rating >= self.rating_needed
            and not self.upheld_concern
        )


def accreditation_progress(mentor: User) -> AccreditationProgress:
    from rung.mentoring.models import Concern

    modules = list(TrainingModule.objects.all())
    passed_ids = set(TrainingAttempt.objects.filter(user=mentor, passed=True).values_list("module_id", flat=True))
    held = CheckIn.objects.filter(pairing__mentor=mentor, status=CheckInStatus.HELD).aggregate(
        n=Count("pk"), ratings=Count("rating"), mean=Avg("rating")
    )
    mean = Decimal(str(round(held["mean"], 2))) if held["mean"] is not None else None
    return AccreditationProgress(
        modules_total=len(modules),
        modules_passed=[m for m in modules if m.pk in passed_ids],
        checkins_held=held["n"],
        checkins_needed=settings.MENTOR_ACCREDITATION_MIN_CHECKINS,
        ratings=held["ratings"],
        mean_rating=mean,
        rating_needed=Decimal(settings.MENTOR_ACCREDITATION_MIN_RATING),
        upheld_concern=Concern.objects.filter(about=mentor, status=ConcernStatus.UPHELD).exists(),
        accreditation=Accreditation.objects.filter(mentor=mentor, valid_until__gt=timezone.now()).first(),
    )


def mentor_profile_of(user: User) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).prefetch_related("expertise").first()


def pairing_of(engagement: Engagement) -> Pairing | None:
    return (
        Pairing.objects.filter(engagement=engagement, status__in=[*HOLDING_STATUSES]).select_related("mentor").first()
    )


def active_statuses() -> tuple[str, ...]:
    return (PairingStatus.ACTIVE,)


@dataclass(frozen=True)
class PairingRecordRow:
    pairing: Pairing
    due: int
    held_on_time: int
    held_late: int
    missed: int
    flagged_overdue: int


@dataclass(frozen=True)
class OrgMentorRecord:
    mentor: User
    rows: list[PairingRecordRow]
    overall: MentorRecord  # across every organisation; ratings only once MIN_RATINGS_SHOWN rated
    accredited: bool

    @property
    def missed(self) -> int:
        return sum(r.missed for r in self.rows)

    @property
    def flagged_overdue(self) -> int:
        return sum(r.flagged_overdue for r in self.rows)

    @property
    def repeated_misses(self) -> bool:
        """Two or more check-ins missed or left unrecorded past their day, for this organisation."""
        return self.missed + self.flagged_overdue >= 2


def org_mentor_record(org: Organisation, mentor_uuid: str, *, now: datetime | None = None) -> OrgMentorRecord:
    """A coordinator's view of one mentor: their pairings with this organisation's interns, the
    check-ins of each (held on time, late, missed, flagged overdue), counted in SQL. NotFound unless
    the person mentored or may mentor for this organisation."""
    from datetime import timedelta

    from django.db.models import F

    now = now or timezone.now()
    mentor = User.objects.filter(uuid=mentor_uuid).first() if _is_uuid(mentor_uuid) else None
    if mentor is None:
        raise NotFound("No such mentor.")
    pairings = list(
        pairings_for_org(org)
        .filter(mentor=mentor)
        .annotate(
            due=Count("checkins", filter=Q(checkins__due_at__lte=now)),
            on_time=Count(
                "checkins",
                filter=Q(
                    checkins__status=CheckInStatus.HELD,
                    checkins__recorded_at__lte=F("checkins__due_at") + timedelta(days=1),
                ),
            ),
            held=Count("checkins", filter=Q(checkins__status=CheckInStatus.HELD)),
            missed=Count("checkins", filter=Q(checkins__status=CheckInStatus.MISSED)),
            flagged=Count("checkins", filter=Q(checkins__flagged_overdue_at__isnull=False)),
        )
    )
    if not pairings and mentor.pk not in {m.pk for m in eligible_mentors(org, accredited_only=False)}:
        raise NotFound("No such mentor.")
    rows = [
        PairingRecordRow(
            pairing=p,
            due=p.due,
            held_on_time=p.on_time,
            held_late=p.held - p.on_time,
            missed=p.missed,
            flagged_overdue=p.flagged,
        )
        for p in pairings
    ]
    return OrgMentorRecord(mentor=mentor, rows=rows, overall=mentor_record(mentor), accredited=is_accredited(mentor))


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
