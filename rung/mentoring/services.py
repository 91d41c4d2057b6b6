"""Every change to mentors and pairings: profiles and the pool, pairing by hand, the mentee's own
choices, optimal matching of a cohort (proposed, reviewed, published), the mentor's answer, expiry
and re-matching, suspension. Check-ins live in checkins.py, training and accreditation in
training.py, safeguarding concerns in safeguarding.py."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.engagements.mentor import set_mentor
from rung.engagements.models import Engagement, EngagementStatus
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.mentoring.models import (
    HOLDING_STATUSES,
    OFFER_LABELS,
    PAIRING_TRANSITIONS,
    POOL_TRANSITIONS,
    MatchRun,
    MenteeGoals,
    MenteeRanking,
    MentoringSettings,
    MentorProfile,
    Pairing,
    PairingEvent,
    PairingMode,
    PairingStatus,
    PoolStatus,
    RunStatus,
)
from rung.mentoring.scoring import LANGUAGE_NAMES, WindowError, parse_windows
from rung.mentoring.selectors import (
    can_coordinate,
    eligible_mentors,
    is_accredited,
    live_load,
    mentee_facts,
    mentor_facts,
    score_for,
    weights_for,
)
from rung.mentoring.solver import solve_indexed
from rung.orgs.models import Organisation
from rung.profiles.models import Conflict, ConflictKind, Skill
from rung.profiles.services import declare_conflict, has_conflict
from rung.projects.models import Project

MAX_BIO = 2000
LIVE_ENGAGEMENT = (EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE)


class MentoringError(DomainError):
    pass


# --- profiles and the pool -------------------------------------------------------------------------


@dataclass
class MentorProfileInput:
    expertise: list[str] = field(default_factory=list)  # skill slugs from the vocabulary
    languages: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    weekly_windows: list[dict[str, object]] = field(default_factory=list)
    capacity: int = 2
    offers: list[str] = field(default_factory=list)
    bio: str = ""


def _languages(codes: Iterable[str]) -> list[str]:
    cleaned = sorted({code.strip().lower() for code in codes if code.strip()})
    unknown = [c for c in cleaned if c not in LANGUAGE_NAMES]
    if unknown:
        raise MentoringError(
            f"Unknown language code: {', '.join(unknown)}. Use two letters, e.g. en, de.", field="languages"
        )
    return cleaned


def _windows(raw: object) -> list[dict[str, object]]:
    try:
        return parse_windows(raw)
    except WindowError as exc:
        raise MentoringError(str(exc), field="weekly_windows") from None


def _timezone(name: str) -> str:
    import zoneinfo

    if name not in zoneinfo.available_timezones():
        raise MentoringError("Choose a time zone from the list, e.g. Europe/Berlin.", field="timezone")
    return name


def _skills(slugs: Sequence[str]) -> list[Skill]:
    skills = list(Skill.objects.filter(slug__in=slugs, curated=True))
    if len(skills) != len(set(slugs)):
        raise MentoringError("Choose skills from the list.", field="expertise")
    return skills


def save_mentor_profile(user: User, *, data: MentorProfileInput) -> MentorProfile:
    if not 1 <= data.capacity <= 10:
        raise MentoringError("Capacity is how many mentees you take at once: 1 to 10.", field="capacity")
    if len(data.bio) > MAX_BIO:
        raise MentoringError(f"Keep the bio under {MAX_BIO} characters.", field="bio")
    offers = sorted(set(data.offers))
    if any(o not in OFFER_LABELS for o in offers):
        raise MentoringError("Choose what you offer from the list.", field="offers")
    languages = _languages(data.languages)
    if not languages:
        raise MentoringError("Name at least one language you mentor in.", field="languages")
    values = {
        "languages": languages,
        "timezone": _timezone(data.timezone),
        "weekly_windows": _windows(data.weekly_windows),
        "capacity": data.capacity,
        "offers": offers,
        "bio": data.bio.strip(),
    }
    skills = _skills(data.expertise)
    with transaction.atomic():
        profile, created = MentorProfile.objects.select_for_update().get_or_create(user=user, defaults=values)
        if not created:
            for key, value in values.items():
                setattr(profile, key, value)
            profile.save(update_fields=[*values, "updated_at"])
        profile.expertise.set(skills)
        record("mentor.profile_saved", actor=user, obj=profile, data={"capacity": data.capacity})
    return profile


@dataclass
class MenteeGoalsInput:
    goal_skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    weekly_windows: list[dict[str, object]] = field(default_factory=list)
    wants: list[str] = field(default_factory=list)


def save_mentee_goals(user: User, *, data: MenteeGoalsInput) -> MenteeGoals:
    wants = sorted(set(data.wants))
    if any(w not in OFFER_LABELS for w in wants):
        raise MentoringError("Choose what you would like from the list.", field="wants")
    values = {
        "languages": _languages(data.languages),
        "timezone": _timezone(data.timezone),
        "weekly_windows": _windows(data.weekly_windows),
        "wants": wants,
    }
    skills = list(Skill.objects.filter(slug__in=data.goal_skills, curated=True))
    if len(skills) != len(set(data.goal_skills)):
        raise MentoringError("Choose skills from the list.", field="goal_skills")
    with transaction.atomic():
        goals, _ = MenteeGoals.objects.update_or_create(user=user, defaults=values)
        goals.goal_skills.set(skills)
        record("mentee.goals_saved", actor=user, obj=goals)
    return goals


def _pool_transition(profile: MentorProfile, new: str, *, actor: User) -> MentorProfile:
    profile.refresh_from_db(fields=["pool_status"])
    old = profile.pool_status
    if new not in POOL_TRANSITIONS[old]:
        raise MentoringError(
            f"A mentor who is “{PoolStatus(old).label}” cannot become “{PoolStatus(new).label}”.", code="bad_transition"
        )
    if not MentorProfile.objects.filter(pk=profile.pk, pool_status=old).update(pool_status=new, pool_decided_by=actor):
        raise MentoringError("This profile changed a moment ago. Reload the page.", code="conflict")
    profile.refresh_from_db()
    record(f"mentor.pool_{new}", actor=actor, obj=profile, data={"from": old})
    return profile


def join_pool(user: User) -> MentorProfile:
    """A volunteer offers to mentor anyone on Rung; staff approve them first."""
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is None:
        raise MentoringError("Write your mentor profile first: matching needs it.", code="no_profile")
    return _pool_transition(profile, PoolStatus.PENDING, actor=user)


def leave_pool(user: User) -> MentorProfile:
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is None:
        raise MentoringError("You have no mentor profile.", code="no_profile")
    return _pool_transition(profile, PoolStatus.NOT_IN_POOL, actor=user)


def decide_pool(profile: MentorProfile, *, actor: User, approve: bool) -> MentorProfile:
    if not actor.is_staff:
        raise PermissionDenied("Only Rung staff approve volunteers for the mentor pool.")
    return _pool_transition(profile, PoolStatus.APPROVED if approve else PoolStatus.REFUSED, actor=actor)


def declare_mentor_conflict(mentor: User, *, person: User, reason: str) -> None:
    """A mentor declares a conflict of interest: they are never proposed to that person."""
    declare_conflict(mentor, person=person, reason=reason)


def update_settings(
    org: Organisation, *, actor: User, weights: dict[str, int], allow_unaccredited: bool
) -> MentoringSettings:
    from rung.mentoring.models import DEFAULT_WEIGHTS

    if not can_coordinate(actor, org):
        raise PermissionDenied("Only an owner or manager of the organisation changes its mentoring settings.")
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise MentoringError(f"Unknown weight: {', '.join(sorted(unknown))}.", field="weights")
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 1000 for v in weights.values()):
        raise MentoringError("Each weight is a whole number from 0 to 1000.", field="weights")
    with transaction.atomic():
        config, _ = MentoringSettings.objects.update_or_create(
            organisation=org, defaults={"weights": weights, "allow_unaccredited": allow_unaccredited}
        )
        record("mentoring.settings_changed", actor=actor, obj=org, data={"weights": weights})
    return config


# --- pairing ---------------------------------------------------------------------------------------


def _pairing_transition(
    pairing: Pairing, new: str, *, actor: User | None, note: str = "", **changes: object
) -> Pairing:
    old = pairing.status
    if new not in PAIRING_TRANSITIONS[old]:
        raise MentoringError(
            f"A pairing that is “{PairingStatus(old).label}” cannot become “{PairingStatus(new).label}”.",
            code="bad_transition",
        )
    if not Pairing.objects.filter(pk=pairing.pk, status=old).update(status=new, **changes):
        raise MentoringError("This pairing changed a moment ago. Reload the page.", code="conflict")
    pairing.refresh_from_db()
    PairingEvent.objects.create(pairing=pairing, from_status=old, to_status=new, actor=actor, note=note)
    record(f"pairing.{new}", actor=actor, obj=pairing, data={"from": old, "note": note})
    return pairing


def _respond_by(now: datetime) -> datetime:
    return now + timedelta(days=settings.MENTORING_RESPONSE_DAYS)


def _check_pair_allowed(engagement: Engagement, mentor: User) -> None:
    if engagement.status not in LIVE_ENGAGEMENT:
        raise MentoringError("Only an engagement that has not ended can get a mentor.", code="engagement_ended")
    if mentor.pk == engagement.candidate_id:
        raise MentoringError("Nobody mentors themselves.", code="self")
    if has_conflict(mentor, engagement.candidate):
        raise MentoringError(
            f"{mentor.full_name or mentor.email} declared a conflict of interest with this intern.",
            code="conflict_of_interest",
        )


def _claim_seat(mentor: User) -> MentorProfile:
    """Lock the mentor's profile and check a seat is free: capacity holds even when two coordinators
    publish, or two proposals are accepted, at once (the lock serialises them)."""
    profile = MentorProfile.objects.select_for_update().filter(user=mentor).first()
    if profile is None:
        raise MentoringError("This person has no mentor profile yet.", code="no_profile")
    if live_load(mentor) >= profile.capacity:
        raise MentoringError(
            f"{mentor.full_name or mentor.email} already mentors as many people as they offered ({profile.capacity}).",
            code="capacity",
        )
    return profile


def _propose(
    engagement: Engagement, mentor: User, *, actor: User, mode: str, run: MatchRun | None, now: datetime
) -> Pairing:
    _check_pair_allowed(engagement, mentor)
    _claim_seat(mentor)
    score = score_for(engagement, mentor)
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                engagement=engagement,
                mentor=mentor,
                mode=mode,
                run=run,
                score=score.points,
                reasons=list(score.reasons),
                proposed_by=actor,
                proposed_at=now,
                respond_by=_respond_by(now),
            )
    except IntegrityError:
        raise MentoringError(
            "This intern already has a mentor, or one has been asked.", code="already_paired"
        ) from None
    PairingEvent.objects.create(pairing=pairing, from_status="", to_status=PairingStatus.PROPOSED, actor=actor)
    record("pairing.proposed", actor=actor, obj=pairing, data={"mode": mode, "score": score.points})
    emit("pairing.proposed", pairing_id=pairing.pk)
    return pairing


def pair_by_hand(engagement: Engagement, *, mentor: User, actor: User, now: datetime | None = None) -> Pairing:
    """A coordinator asks a mentor from the ranked table to mentor one intern."""
    org = engagement.project.organisation
    if not can_coordinate(actor, org):
        raise PermissionDenied("Only an owner or manager of the employer pairs mentors.")
    if mentor.pk not in {m.pk for m in eligible_mentors(org, accredited_only=False)}:
        raise MentoringError(
            "This person is not one of the mentors available to your organisation.", code="not_a_mentor"
        )
    with transaction.atomic():
        return _propose(engagement, mentor, actor=actor, mode=PairingMode.BY_HAND, run=None, now=now or timezone.now())


def rank_mentors(engagement: Engagement, *, actor: User, mentors: Sequence[User]) -> list[MenteeRanking]:
    """The mentee ranks up to three suggested mentors; optimal matching weighs these strongly."""
    if actor.pk != engagement.candidate_id:
        raise PermissionDenied("Only the intern ranks their own mentors.")
    if len(mentors) > 3:
        raise MentoringError("Choose up to three mentors.", field="mentors")
    if len({m.pk for m in mentors}) != len(mentors):
        raise MentoringError("Choose each mentor once.", field="mentors")
    allowed = {m.pk for m in eligible_mentors(engagement.project.organisation, accredited_only=False)}
    if any(m.pk not in allowed for m in mentors):
        raise MentoringError("Choose among the suggested mentors.", field="mentors")
    with transaction.atomic():
        MenteeRanking.objects.filter(engagement=engagement).delete()
        rankings = [
            MenteeRanking.objects.create(engagement=engagement, mentor=m, rank=i)
            for i, m in enumerate(mentors, start=1)
        ]
        record("mentee.ranked", actor=actor, obj=engagement, data={"mentors": [m.pk for m in mentors]})
    return rankings


# --- optimal matching -------------------------------------------------------------------------------


def cohort_engagements(org: Organisation, projects: Sequence[Project] | None = None) -> list[Engagement]:
    """The interns to pair: live engagements of the chosen projects (or all of the organisation's)
    that have no mentor yet and no pairing waiting."""
    engagements = Engagement.objects.filter(project__organisation=org, status__in=LIVE_ENGAGEMENT).exclude(
        pairings__status__in=HOLDING_STATUSES
    )
    if projects is not None:
        engagements = engagements.filter(project__in=projects)
    return list(engagements.select_related("candidate", "project").order_by("created_at", "pk"))


def _optimal_proposal(
    engagements: Sequence[Engagement],
    mentors: Sequence[User],
    *,
    excluded: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[dict[str, object]], list[str], int]:
    """Score every allowed pair and solve; returns (proposal rows, unpaired engagement uuids, total)."""
    if not engagements or not mentors:
        return [], [str(e.uuid) for e in engagements], 0
    # One query each for the mentors' loads and the declared conflicts, not one per mentor or pair.
    loads = dict(
        Pairing.objects.filter(mentor__in=mentors, status__in=HOLDING_STATUSES)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    capacity = np.array([max(0, _capacity(m) - loads.get(m.pk, 0)) for m in mentors], dtype=np.int64)
    conflicted = set(
        Conflict.objects.filter(holder__in=mentors, person__in=[e.candidate_id for e in engagements]).values_list(
            "holder_id", "person_id"
        )
    )
    facts = [mentor_facts(m) for m in mentors]
    weights = weights_for(engagements[0].project.organisation)  # a cohort is one organisation's
    rows_mentee: list[int] = []
    rows_mentor: list[int] = []
    scores: list[int] = []
    reasons: dict[tuple[int, int], tuple[str, ...]] = {}
    for i, engagement in enumerate(engagements):
        mentee = mentee_facts(engagement)
        for j, mentor in enumerate(mentors):
            if (engagement.pk, mentor.pk) in excluded or mentor.pk == engagement.candidate_id:
                continue
            if (mentor.pk, engagement.candidate_id) in conflicted:
                continue
            score = score_for(engagement, mentor, mentee=mentee, mentor_fact=facts[j], weights=weights)
            rows_mentee.append(i)
            rows_mentor.append(j)
            scores.append(score.points)
            reasons[(i, j)] = score.reasons
    used = solve_indexed(
        len(engagements),
        capacity,
        np.array(rows_mentee, np.int64),
        np.array(rows_mentor, np.int64),
        np.array(scores, np.int64),
    )
    proposal = []
    paired: set[int] = set()
    for k in used:
        i, j = rows_mentee[k], rows_mentor[k]
        paired.add(i)
        proposal.append(
            {
                "engagement": str(engagements[i].uuid),
                "mentor": mentors[j].pk,
                "score": scores[k],
                "reasons": list(reasons[(i, j)]),
            }
        )
    proposal.sort(key=lambda row: str(row["engagement"]))
    unpaired = [str(e.uuid) for i, e in enumerate(engagements) if i not in paired]
    return proposal, unpaired, int(sum(scores[k] for k in used))


def _capacity(mentor: User) -> int:
    profile = getattr(mentor, "mentor_profile", None)
    return profile.capacity if profile is not None else 0


def propose_matching(
    org: Organisation, *, actor: User, projects: Sequence[Project] | None = None, accredited_only: bool | None = None
) -> MatchRun:
    """Optimal matching for a cohort: the proposal is saved as a draft for the coordinator to review."""
    if not can_coordinate(actor, org):
        raise PermissionDenied("Only an owner or manager of the organisation runs matching.")
    if projects is not None and any(p.organisation_id != org.pk for p in projects):
        raise MentoringError("Choose projects of your own organisation.", field="projects")
    config = MentoringSettings.objects.filter(organisation=org).first()
    if accredited_only is None:
        accredited_only = True
    if not accredited_only and not (config and config.allow_unaccredited):
        raise MentoringError(
            "Optimal matching uses accredited mentors only; an owner can allow others in the mentoring settings.",
            code="unaccredited",
        )
    engagements = cohort_engagements(org, projects)
    if not engagements:
        raise MentoringError("Everyone in this cohort already has a mentor or one has been asked.", code="empty_cohort")
    mentors = eligible_mentors(org, accredited_only=accredited_only)
    if not mentors:
        raise MentoringError(
            "No accredited mentor is available." if accredited_only else "No mentor is available.", code="no_mentors"
        )
    proposal, unpaired, total = _optimal_proposal(engagements, mentors)
    with transaction.atomic():
        run = MatchRun.objects.create(
            organisation=org,
            created_by=actor,
            accredited_only=accredited_only,
            proposal=proposal,
            unpaired=unpaired,
            total=total,
        )
        record("matching.proposed", actor=actor, obj=run, data={"pairs": len(proposal), "total": total})
    return run


@dataclass(frozen=True)
class Published:
    pairings: list[Pairing]
    skipped: list[str]  # why a proposed pair could not be made


def publish_matching(run: MatchRun, *, actor: User, now: datetime | None = None) -> Published:
    """Ask each proposed mentor; pairs that became impossible since the proposal are skipped and said."""
    now = now or timezone.now()
    if not can_coordinate(actor, run.organisation):
        raise PermissionDenied("Only an owner or manager of the organisation publishes matching.")
    made: list[Pairing] = []
    skipped: list[str] = []
    with transaction.atomic():
        if not MatchRun.objects.filter(pk=run.pk, status=RunStatus.DRAFT).update(
            status=RunStatus.PUBLISHED, published_at=now, published_by=actor
        ):
            raise MentoringError("This proposal was already published or discarded.", code="conflict")
        by_uuid = {str(e.uuid): e for e in Engagement.objects.filter(uuid__in=[r["engagement"] for r in run.proposal])}
        mentors = {u.pk: u for u in User.objects.filter(pk__in=[r["mentor"] for r in run.proposal])}
        for row in run.proposal:
            engagement, mentor = by_uuid.get(str(row["engagement"])), mentors.get(int(str(row["mentor"])))
            if engagement is None or mentor is None:
                skipped.append(f"{row['engagement']}: no longer exists")
                continue
            try:
                with transaction.atomic():
                    made.append(_propose(engagement, mentor, actor=actor, mode=PairingMode.OPTIMAL, run=run, now=now))
            except MentoringError as exc:
                skipped.append(f"{engagement.candidate.full_name or engagement.candidate.email}: {exc.message}")
        record("matching.published", actor=actor, obj=run, data={"made": len(made), "skipped": skipped})
    run.refresh_from_db()
    return Published(pairings=made, skipped=skipped)


def discard_matching(run: MatchRun, *, actor: User) -> MatchRun:
    if not can_coordinate(actor, run.organisation):
        raise PermissionDenied("Only an owner or manager of the organisation discards a proposal.")
    if not MatchRun.objects.filter(pk=run.pk, status=RunStatus.DRAFT).update(status=RunStatus.DISCARDED):
        raise MentoringError("Only a proposal that was not published can be discarded.", code="conflict")
    record("matching.discarded", actor=actor, obj=run)
    run.refresh_from_db()
    return run


def _rematch(pairing: Pairing, *, now: datetime) -> Pairing | None:
    """After a decline or silence, propose the best remaining mentor for the intern who is left
    (never one who already declined or let this intern's proposal lapse)."""
    engagement = pairing.engagement
    if engagement.status not in LIVE_ENGAGEMENT:
        return None
    org = engagement.project.organisation
    accredited_only = pairing.run.accredited_only if pairing.run else False
    tried = set(
        Pairing.objects.filter(
            engagement=engagement, status__in=[PairingStatus.DECLINED, PairingStatus.EXPIRED]
        ).values_list("mentor_id", flat=True)
    )
    mentors = [m for m in eligible_mentors(org, accredited_only=accredited_only) if m.pk not in tried]
    proposal, _, _ = _optimal_proposal([engagement], mentors)
    if not proposal:
        return None
    mentor = next(m for m in mentors if m.pk == proposal[0]["mentor"])
    try:
        with transaction.atomic():
            return _propose(engagement, mentor, actor=pairing.proposed_by, mode=pairing.mode, run=pairing.run, now=now)
    except MentoringError:
        return None


def respond_to_pairing(
    pairing: Pairing, *, actor: User, accept: bool, reason: str = "", now: datetime | None = None
) -> Pairing:
    """The mentor accepts (the pairing starts and its check-ins are scheduled) or declines with a reason
    (the intern is matched again)."""
    from rung.mentoring.checkins import schedule_checkins

    now = now or timezone.now()
    if actor.pk != pairing.mentor_id:
        raise PermissionDenied("Only the mentor who was asked can answer.")
    if pairing.status == PairingStatus.PROPOSED and pairing.respond_by < now:
        raise MentoringError("The time to answer has passed; the intern has been matched again.", code="expired")
    with transaction.atomic():
        if accept:
            _claim_seat_for_accept(pairing)
            pairing = _pairing_transition(pairing, PairingStatus.ACTIVE, actor=actor, decided_at=now)
            set_mentor(pairing.engagement, mentor=actor, actor=actor)
            declare_conflict(
                actor, person=pairing.engagement.candidate, reason="Mentor of this intern", kind=ConflictKind.MENTORING
            )
            schedule_checkins(pairing)
            emit("pairing.accepted", pairing_id=pairing.pk, actor_id=actor.pk)
        else:
            reason = reason.strip()
            if not reason:
                raise MentoringError("Say briefly why, so the coordinator can match better.", field="reason")
            pairing = _pairing_transition(
                pairing, PairingStatus.DECLINED, actor=actor, decided_at=now, decline_reason=reason[:300]
            )
            emit("pairing.declined", pairing_id=pairing.pk)
            _rematch(pairing, now=now)
    return pairing


def _claim_seat_for_accept(pairing: Pairing) -> None:
    # The proposal already holds a seat; the lock still serialises two acceptances so that a mentor
    # whose capacity was lowered meanwhile cannot go over it.
    profile = MentorProfile.objects.select_for_update().get(user_id=pairing.mentor_id)
    active = Pairing.objects.filter(
        mentor_id=pairing.mentor_id, status__in=[PairingStatus.ACTIVE, PairingStatus.SUSPENDED]
    )
    if active.count() >= profile.capacity:
        raise MentoringError(
            f"You already mentor as many people as you offered ({profile.capacity}). Raise your capacity first.",
            code="capacity",
        )


def expire_pairings(*, now: datetime | None = None) -> int:
    """Sweep: proposals not answered in time expire and the intern is matched again. Safe to run
    concurrently: each proposal is claimed with compare-and-set."""
    now = now or timezone.now()
    count = 0
    for pk in Pairing.objects.filter(status=PairingStatus.PROPOSED, respond_by__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            pairing = Pairing.objects.select_related("engagement__project__organisation", "run").get(pk=pk)
            try:
                pairing = _pairing_transition(pairing, PairingStatus.EXPIRED, actor=None, decided_at=now)
            except MentoringError:
                continue
            emit("pairing.declined", pairing_id=pairing.pk)
            _rematch(pairing, now=now)
            count += 1
    return count


def suspend_pairing(pairing: Pairing, *, actor: User, reason: str) -> Pairing:
    if not actor.is_staff:
        raise PermissionDenied("Only Rung staff suspend a pairing.")
    if not reason.strip():
        raise MentoringError("Say why the pairing is suspended.", field="reason")
    with transaction.atomic():
        return _pairing_transition(pairing, PairingStatus.SUSPENDED, actor=actor, note=reason.strip()[:500])


def resume_pairing(pairing: Pairing, *, actor: User) -> Pairing:
    if not actor.is_staff:
        raise PermissionDenied("Only Rung staff resume a suspended pairing.")
    with transaction.atomic():
        return _pairing_transition(pairing, PairingStatus.ACTIVE, actor=actor)


def mentor_is_accredited(user: User) -> bool:
    return is_accredited(user)
