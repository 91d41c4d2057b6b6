"""Reads of recognition: who worked with whom, what a person may see, the blind panel's view."""

import re
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from rung.accounts.models import User
from rung.credentials.endorsements import ShownEndorsement
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement, EngagementStatus
from rung.lib.errors import NotFound
from rung.mentoring.models import Pairing, PairingStatus
from rung.orgs.models import Membership, Role
from rung.recognition.models import (
    Capacity,
    Endorsement,
    EndorsementStatus,
    Nomination,
    NominationRound,
    Outcome,
    Panelist,
    PanelScore,
    RoundStatus,
)
from rung.reviews.models import Review

WORKED_STATUSES = (EngagementStatus.ACTIVE, EngagementStatus.COMPLETED)
ORGANISING_ROLES = (Role.OWNER, Role.MANAGER)
EMPLOYER_ROLES = (Role.OWNER, Role.MANAGER, Role.REVIEWER, Role.MENTOR)
MENTORED = (PairingStatus.ACTIVE, PairingStatus.SUSPENDED, PairingStatus.ENDED)


def _name(user: User) -> str:
    return user.full_name or "A Rung member"


# --- who worked with the intern --------------------------------------------------------------------


def capacity_on(user: User, engagement: Engagement) -> str | None:
    """How `user` worked with the engagement's intern (mentor, reviewer, employer), or None."""
    if not user.is_authenticated or user.pk == engagement.candidate_id:
        return None
    if engagement.status not in WORKED_STATUSES:
        return None
    if (
        engagement.mentor_id == user.pk
        or Pairing.objects.filter(engagement=engagement, mentor=user, status__in=MENTORED).exists()
    ):
        return Capacity.MENTOR
    if Review.objects.filter(submission__milestone__engagement=engagement, reviewer=user.pk).exists():
        return Capacity.REVIEWER
    if Membership.objects.filter(
        user=user, organisation_id=engagement.project.organisation_id, role__in=EMPLOYER_ROLES
    ).exists():
        return Capacity.EMPLOYER
    return None


def engagements_to_endorse(user: User) -> QuerySet[Engagement]:
    """Engagements whose intern `user` may endorse (worked with them as mentor, reviewer or employer)."""
    reviewed = Review.objects.filter(submission__milestone__engagement=OuterRef("pk"), reviewer=user.pk)
    mentored = Pairing.objects.filter(engagement=OuterRef("pk"), mentor=user, status__in=MENTORED)
    orgs = Membership.objects.filter(user=user, role__in=EMPLOYER_ROLES).values("organisation_id")
    return (
        Engagement.objects.filter(status__in=WORKED_STATUSES)
        .exclude(candidate=user)
        .filter(Q(mentor=user) | Exists(mentored) | Exists(reviewed) | Q(project__organisation_id__in=orgs))
        .select_related("candidate", "project", "project__organisation")
        .order_by("-created_at", "-id")
    )


def engagement_credential(engagement: Engagement) -> IssuedCredential | None:
    return IssuedCredential.objects.filter(engagement_ref=f"engagement:{engagement.uuid}", revocation=None).first()


def engagement_of_credential(credential: IssuedCredential) -> Engagement | None:
    ref = credential.engagement_ref
    if not ref.startswith("engagement:"):
        return None
    try:
        engagement_uuid = UUID(ref.removeprefix("engagement:"))
    except ValueError:
        return None
    return Engagement.objects.select_related("project", "candidate").filter(uuid=engagement_uuid).first()


# --- endorsements ----------------------------------------------------------------------------------


def capacity_words(endorsement: Endorsement) -> str:
    project = endorsement.engagement.project
    role = {"mentor": "mentor", "reviewer": "reviewer", "employer": "employer"}.get(endorsement.capacity, "colleague")
    return f"{role} on “{project.title}” at {project.organisation.name}"


def _shown(qs: QuerySet[Endorsement]) -> list[ShownEndorsement]:
    return [
        ShownEndorsement(
            endorser=_name(e.endorser),
            capacity=capacity_words(e),
            statement=e.statement,
            issued_at=e.created_at,
            credential_uuid=e.credential.uuid,
        )
        for e in qs
        if e.credential is not None
    ]


def _visible_endorsements() -> QuerySet[Endorsement]:
    # A credential revoked through the credentials pages (staff, the organisation) stops showing too.
    return Endorsement.objects.filter(
        status=EndorsementStatus.ACTIVE, hidden=False, credential__isnull=False, credential__revocation__isnull=True
    ).select_related("endorser", "credential", "engagement__project__organisation", "skill")


def shown_endorsements_for_credential(credential: IssuedCredential) -> list[ShownEndorsement]:
    """The endorsements the credential pages show: active, not hidden by the intern."""
    return _shown(_visible_endorsements().filter(endorsed_credential=credential))


def endorsements_for_portfolio(user: User) -> QuerySet[Endorsement]:
    """What a portfolio may show of `user`'s endorsements (the showcase app reads this)."""
    return _visible_endorsements().filter(intern=user)


def awards_for_portfolio(user: User) -> QuerySet[Nomination]:
    """`user`'s wins in finalised rounds, each with its Award credential."""
    return (
        Nomination.objects.filter(
            nominee=user, outcome=Outcome.WINNER, round__status=RoundStatus.FINALISED, award__isnull=False
        )
        .select_related("round", "award")
        .order_by("-round__finalised_at")
    )


def endorsements_received(user: User) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(intern=user).select_related(
        "endorser", "credential", "engagement__project__organisation", "skill", "endorsed_credential"
    )


def endorsements_given(user: User) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(endorser=user).select_related(
        "intern", "credential", "engagement__project__organisation", "skill", "endorsed_credential"
    )


def get_endorsement_for_user(user: User, endorsement_uuid: UUID | str) -> Endorsement:
    """The intern, the endorser or staff; anyone else is told it does not exist."""
    endorsement = (
        Endorsement.objects.select_related("intern", "endorser", "credential", "engagement__project__organisation")
        .filter(uuid=endorsement_uuid)
        .first()
        if user.is_authenticated
        else None
    )
    if endorsement is None or not (user.is_staff or user.pk in (endorsement.intern_id, endorsement.endorser_id)):
        raise NotFound("No such endorsement.")
    return endorsement


# --- nomination rounds -----------------------------------------------------------------------------


def cohort_engagements(nomination_round: NominationRound) -> QuerySet[Engagement]:
    """The engagements of the round's cohort (started or finished)."""
    qs = Engagement.objects.filter(status__in=WORKED_STATUSES)
    project_ids = list(nomination_round.projects.values_list("pk", flat=True))
    if project_ids:
        qs = qs.filter(project_id__in=project_ids)
    elif nomination_round.organisation_id is not None:
        qs = qs.filter(project__organisation_id=nomination_round.organisation_id)
    if nomination_round.season_start and nomination_round.season_end:
        qs = qs.filter(end_date__gte=nomination_round.season_start, start_date__lte=nomination_round.season_end)
    return qs


def in_cohort(user: User, nomination_round: NominationRound) -> bool:
    return cohort_engagements(nomination_round).filter(candidate=user).exists()


def nominator_capacity(user: User, nomination_round: NominationRound) -> str | None:
    """Mentors, reviewers and fellow interns of the round's cohort may nominate."""
    if not user.is_authenticated:
        return None
    cohort = cohort_engagements(nomination_round)
    if cohort.filter(Q(mentor=user) | Q(pairings__mentor=user, pairings__status__in=MENTORED)).exists():
        return Capacity.MENTOR
    if Review.objects.filter(submission__milestone__engagement__in=cohort, reviewer=user.pk).exists():
        return Capacity.REVIEWER
    if cohort.filter(candidate=user).exists():
        return Capacity.INTERN
    return None


def can_organise(user: User, nomination_round: NominationRound) -> bool:
    if not user.is_authenticated:
        return False
    if nomination_round.organisation_id is None:
        return bool(user.is_staff)
    return Membership.objects.filter(
        user=user, organisation_id=nomination_round.organisation_id, role__in=ORGANISING_ROLES
    ).exists()


def is_panelist(user: User, nomination_round: NominationRound) -> bool:
    return user.is_authenticated and Panelist.objects.filter(round=nomination_round, user=user).exists()


@dataclass(frozen=True)
class RoundAccess:
    organiser: bool
    panelist: bool
    nominator_capacity: str | None


def get_round_for_user(user: User, round_uuid: UUID | str) -> tuple[NominationRound, RoundAccess]:
    """A round its organisers, panelists and eligible nominators may see; others get NotFound."""
    found = (
        NominationRound.objects.select_related("organisation").filter(uuid=round_uuid).first()
        if user.is_authenticated
        else None
    )
    if found is None:
        raise NotFound("No such nomination round.")
    access = RoundAccess(
        organiser=can_organise(user, found),
        panelist=is_panelist(user, found),
        nominator_capacity=None if found.status == RoundStatus.DRAFT else nominator_capacity(user, found),
    )
    if not (access.organiser or access.panelist or access.nominator_capacity):
        raise NotFound("No such nomination round.")
    return found, access


def rounds_for_user(user: User) -> QuerySet[NominationRound]:
    """Rounds `user` organises or sits on the panel of, and rounds open to them (their cohorts)."""
    organising = Membership.objects.filter(user=user, role__in=ORGANISING_ROLES).values("organisation_id")
    q = Q(organisation_id__in=organising) | Q(panelists__user=user)
    if user.is_staff:
        q |= Q(organisation__isnull=True)
    # Rounds of organisations whose projects the person worked on, or staff rounds: eligibility is
    # checked on the round's page, this only keeps the list short.
    worked_orgs = Engagement.objects.filter(
        Q(candidate=user) | Q(mentor=user) | Q(pairings__mentor=user), status__in=WORKED_STATUSES
    ).values("project__organisation_id")
    q |= Q(status__in=[RoundStatus.OPEN], organisation_id__in=worked_orgs)
    q |= Q(status__in=[RoundStatus.OPEN], organisation__isnull=True)
    return NominationRound.objects.filter(q).select_related("organisation").distinct().order_by("-created_at", "-id")


# --- the blind panel -------------------------------------------------------------------------------


def redact(text: str, names: list[str]) -> str:
    """Takes the nominee's names out of what the panel reads (blind scoring)."""
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "the nominee", text, flags=re.IGNORECASE)
    return text


def _names_of(user: User) -> list[str]:
    """What would identify the nominee in a statement: their names, e-mail and school."""
    parts = (user.full_name or "").split()
    names = [user.full_name or "", *parts, user.email, user.email.split("@")[0]]
    try:
        institution = user.profile.institution
    except ObjectDoesNotExist:
        institution = ""
    return [*names, institution] if institution else names


@dataclass
class BlindNomination:
    """What a panelist sees: no name, school or photo of the nominee."""

    uuid: UUID
    alias: str
    capacity: str
    statement: str
    evidence_links: list[str]
    conflict_note: str
    flagged: bool
    spread: int | None
    my_score: PanelScore | None
    my_levels: dict[int, int] = field(default_factory=dict)
    needs_confirmation: bool = False
    may_score: bool = True
    why_not: str = ""


def alias_for(number: int) -> str:
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"Nominee {letters}"


def score_spread(scores: list[PanelScore]) -> int | None:
    if len(scores) < 2:
        return None
    percents = [s.percent for s in scores]
    return max(percents) - min(percents)


def blind_nominations(nomination_round: NominationRound, panelist: User) -> list[BlindNomination]:
    """The round's nominations as `panelist` sees them, in a fixed order, with their own scores."""
    from rung.profiles.models import Conflict

    nominations = list(
        nomination_round.nominations.select_related("nominee", "nominee__profile").prefetch_related(
            Prefetch("scores", queryset=PanelScore.objects.prefetch_related("levels"))
        )
    )
    conflicted = set(
        Conflict.objects.filter(holder=panelist, person_id__in=[n.nominee_id for n in nominations]).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for number, nomination in enumerate(nominations):
        scores = list(nomination.scores.all())
        mine = next((s for s in scores if s.panelist_id == panelist.pk), None)
        names = _names_of(nomination.nominee)
        why_not = ""
        if nomination.nominator_id == panelist.pk:
            why_not = "You made this nomination, so you do not score it."
        elif nomination.nominee_id in conflicted:
            why_not = "You declared a conflict of interest with this nominee, so you do not score it."
        elif nomination.nominee_id == panelist.pk:
            why_not = "This nomination is about you, so you do not score it."
        rows.append(
            BlindNomination(
                uuid=nomination.uuid,
                alias=alias_for(number),
                capacity=Capacity(nomination.capacity).label,
                statement=redact(nomination.statement, names),
                evidence_links=list(nomination.evidence_links),
                conflict_note=redact(nomination.conflict_note, names),
                flagged=nomination.flagged_at is not None,
                spread=score_spread(scores),
                my_score=mine,
                my_levels={lv.criterion_id: lv.level for lv in mine.levels.all()} if mine else {},
                needs_confirmation=bool(
                    mine and nomination.flagged_at is not None and mine.settled_at < nomination.flagged_at
                ),
                may_score=not why_not,
                why_not=why_not,
            )
        )
    return rows


@dataclass(frozen=True)
class ResultRow:
    nomination: Nomination
    alias: str
    scores: list[PanelScore]
    mean_percent: int | None
    spread: int | None


def results_for_organiser(nomination_round: NominationRound) -> list[ResultRow]:
    """The organiser's view for deciding: names, the panel's scores, means and spreads."""
    nominations = list(
        nomination_round.nominations.select_related("nominee", "nominator", "award").prefetch_related(
            Prefetch("scores", queryset=PanelScore.objects.select_related("panelist"))
        )
    )
    rows = []
    for number, nomination in enumerate(nominations):
        scores = list(nomination.scores.all())
        mean = round(sum(s.percent for s in scores) / len(scores)) if scores else None
        rows.append(ResultRow(nomination, alias_for(number), scores, mean, score_spread(scores)))
    return rows


def nominations_of(user: User) -> QuerySet[Nomination]:
    """A nominee's own nominations in finalised rounds (their acknowledgements and awards)."""
    return (
        Nomination.objects.filter(nominee=user, round__status=RoundStatus.FINALISED)
        .select_related("round", "award")
        .order_by("-round__finalised_at", "-id")
    )
