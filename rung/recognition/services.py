"""Every change in recognition: endorsing, hiding and withdrawing; rounds, nominations, blind scoring,
calibration and results. Each function checks who acts, changes state in one transaction, audits it
and emits its domain event."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials import endorsements as endorsement_credentials
from rung.credentials.models import IssuedCredential
from rung.credentials.services import subject_id
from rung.engagements.models import Engagement
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.orgs.models import Organisation
from rung.profiles.models import Conflict, Skill
from rung.profiles.services import declare_conflict
from rung.projects.models import Project
from rung.recognition import selectors
from rung.recognition.models import (
    DEFAULT_LEVELS,
    ENDORSEMENT_TRANSITIONS,
    ROUND_TRANSITIONS,
    CohortKind,
    Criterion,
    CriterionScore,
    Endorsement,
    EndorsementEvent,
    EndorsementKind,
    EndorsementStatus,
    Nomination,
    NominationRound,
    Outcome,
    Panelist,
    PanelScore,
    RoundEvent,
    RoundStatus,
)

MAX_EVIDENCE_LINKS = 5


class RecognitionError(DomainError):
    pass


def _clean(text: str, *, what: str, field: str, low: int, high: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(text) < low:
        raise RecognitionError(f"Write {what} (at least {low} characters).", field=field)
    if len(text) > high:
        raise RecognitionError(f"Keep {what} under {high} characters.", field=field)
    return text


# --- endorsements ----------------------------------------------------------------------------------


def _move_endorsement(endorsement: Endorsement, to: str, *, actor: User | None, note: str) -> None:
    if to not in ENDORSEMENT_TRANSITIONS[endorsement.status]:
        raise RecognitionError(
            f"This endorsement is {endorsement.get_status_display().lower()}; it cannot be changed now.",
            code="invalid_transition",
        )
    EndorsementEvent.objects.create(
        endorsement=endorsement, from_status=endorsement.status, to_status=to, actor=actor, note=note
    )
    endorsement.status = to


def _endorse(
    *,
    endorser: User,
    engagement: Engagement,
    statement: str,
    kind: str,
    credential: IssuedCredential | None = None,
    skill: Skill | None = None,
) -> Endorsement:
    capacity = selectors.capacity_on(endorser, engagement)
    if capacity is None:
        raise PermissionDenied(
            "Only a mentor, reviewer or employer who worked with this intern on Rung can endorse them."
        )
    statement = _clean(statement, what="a short statement", field="statement", low=10, high=1000)
    intern = engagement.candidate
    project = engagement.project
    if kind == EndorsementKind.CREDENTIAL:
        assert credential is not None
        duplicate = Endorsement.objects.filter(
            endorser=endorser, endorsed_credential=credential, status=EndorsementStatus.ACTIVE
        )
    else:
        assert skill is not None
        duplicate = Endorsement.objects.filter(
            endorser=endorser, intern=intern, skill=skill, status=EndorsementStatus.ACTIVE, kind=kind
        )
    if duplicate.exists():
        raise RecognitionError(
            "You have endorsed this already; withdraw it first to write a new one.", code="duplicate"
        )
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                endorser=endorser,
                intern=intern,
                engagement=engagement,
                capacity=capacity,
                kind=kind,
                endorsed_credential=credential,
                skill=skill,
                statement=statement,
            )
            if credential is not None:
                target_id, words = credential.credential_id, f"{intern.full_name}'s credential “{credential.name}”"
            else:
                assert skill is not None
                target_id, words = subject_id(intern), f"{intern.full_name} for the skill “{skill.name}”"
            issued = endorsement_credentials.issue_endorsement(
                endorsement_credentials.EndorsementInput(
                    endorser_name=endorser.full_name or endorser.email,
                    capacity=selectors.capacity_words(endorsement),
                    statement=statement,
                    subject_id=target_id,
                    subject_words=words,
                    ref=f"endorsement:{endorsement.uuid}",
                ),
                recipient=intern,
                organisation=project.organisation,
                issued_by=endorser,
            )
            endorsement.credential = issued
            endorsement.save(update_fields=["credential"])
            EndorsementEvent.objects.create(
                endorsement=endorsement, to_status=EndorsementStatus.ACTIVE, actor=endorser, note=kind
            )
            record(
                "endorsement.issued",
                actor=endorser,
                obj=endorsement,
                data={"kind": kind, "capacity": capacity, "credential": str(issued.uuid)},
            )
            emit("endorsement.issued", endorsement_id=str(endorsement.uuid), actor_id=endorser.pk)
    except IntegrityError:
        raise RecognitionError(
            "You have endorsed this already; withdraw it first to write a new one.", code="duplicate"
        ) from None
    return endorsement


def endorse_credential(*, endorser: User, credential: IssuedCredential, statement: str) -> Endorsement:
    """Endorse the completion credential of an engagement the endorser worked on."""
    engagement = selectors.engagement_of_credential(credential)
    if engagement is None or credential.recipient_id != engagement.candidate_id:
        raise RecognitionError(
            "Only credentials Rung issued for a micro-internship can be endorsed.", field="credential"
        )
    if hasattr(credential, "revocation"):
        raise RecognitionError("This credential was revoked; it cannot be endorsed.", field="credential")
    return _endorse(
        endorser=endorser,
        engagement=engagement,
        statement=statement,
        kind=EndorsementKind.CREDENTIAL,
        credential=credential,
    )


def endorse_skill(*, endorser: User, engagement: Engagement, skill: Skill, statement: str) -> Endorsement:
    """Endorse a skill the intern showed: one of the project's skills or on the intern's profile."""
    on_project = engagement.project.skills.filter(pk=skill.pk).exists()
    on_profile = Skill.objects.filter(pk=skill.pk, profiles__user=engagement.candidate).exists()
    if not (on_project or on_profile):
        raise RecognitionError(
            "Endorse a skill the project asked for or the intern lists on their profile.", field="skill"
        )
    return _endorse(
        endorser=endorser, engagement=engagement, statement=statement, kind=EndorsementKind.SKILL, skill=skill
    )


def set_endorsement_hidden(endorsement: Endorsement, *, actor: User, hidden: bool) -> Endorsement:
    """The intern shows or hides an endorsement wherever Rung shows it (credential page, portfolio)."""
    if actor.pk != endorsement.intern_id:
        raise PermissionDenied("Only the person endorsed can hide or show an endorsement.")
    with transaction.atomic():
        locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
        if locked.hidden != hidden:
            locked.hidden = hidden
            locked.save(update_fields=["hidden"])
            record(f"endorsement.{'hidden' if hidden else 'shown'}", actor=actor, obj=locked)
    endorsement.hidden = hidden
    return endorsement


def _end_endorsement(
    endorsement: Endorsement, *, actor: User, reason: str, to: str, acting_as: str, verb: str
) -> Endorsement:
    reason = _clean(reason, what="the reason", field="reason", low=5, high=2000)
    with transaction.atomic():
        locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
        _move_endorsement(locked, to, actor=actor, note=reason)
        locked.ended_at = timezone.now()
        locked.end_reason = reason
        locked.save(update_fields=["status", "ended_at", "end_reason"])
        if locked.credential is not None:
            endorsement_credentials.revoke_endorsement(
                locked.credential, actor=actor, reason=reason, acting_as=acting_as
            )
        record(verb, actor=actor, obj=locked, data={"reason": reason})
    return locked


def withdraw_endorsement(endorsement: Endorsement, *, actor: User, reason: str) -> Endorsement:
    """The endorser (or staff) withdraws an endorsement: its credential is revoked."""
    if actor.pk != endorsement.endorser_id and not actor.is_staff:
        raise PermissionDenied("Only the endorser or Rung staff can withdraw an endorsement.")
    acting_as = "endorser" if actor.pk == endorsement.endorser_id else "staff"
    return _end_endorsement(
        endorsement,
        actor=actor,
        reason=reason,
        to=EndorsementStatus.WITHDRAWN,
        acting_as=acting_as,
        verb="endorsement.withdrawn",
    )


def take_down_endorsement(endorsement: Endorsement, *, actor: User, reason: str) -> Endorsement:
    """Moderation (staff) takes a public endorsement down: revoked, no longer shown anywhere."""
    if not actor.is_staff:
        raise PermissionDenied("Only Rung staff can take an endorsement down.")
    return _end_endorsement(
        endorsement,
        actor=actor,
        reason=reason,
        to=EndorsementStatus.TAKEN_DOWN,
        acting_as="staff",
        verb="endorsement.taken_down",
    )


# --- rounds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    name: str
    description: str = ""
    weight: int = 1


@dataclass(frozen=True)
class RoundInput:
    title: str
    cohort_kind: str
    opens_at: datetime
    closes_at: datetime
    criteria: Sequence[CriterionInput]
    description: str = ""
    projects: Sequence[Project] = ()
    season_start: date | None = None
    season_end: date | None = None
    levels: Sequence[str] = tuple(DEFAULT_LEVELS)
    spread: int = 20
    winners_count: int = 1


def _check_round(data: RoundInput, organisation: Organisation | None) -> None:
    if data.cohort_kind not in CohortKind.values:
        raise RecognitionError(
            "Choose who the round is for: a set of projects, an organisation or a season.", field="cohort_kind"
        )
    if data.cohort_kind == CohortKind.PROJECTS:
        if not data.projects:
            raise RecognitionError("Choose at least one project for the cohort.", field="projects")
        if organisation is not None and any(p.organisation_id != organisation.pk for p in data.projects):
            raise RecognitionError("Choose only your organisation's projects.", field="projects")
    if data.cohort_kind == CohortKind.ORGANISATION and organisation is None:
        raise RecognitionError(
            "A platform round cannot be for one organisation's engagements; choose a season.", field="cohort_kind"
        )
    if data.cohort_kind == CohortKind.SEASON and not (data.season_start and data.season_end):
        raise RecognitionError("A season needs its first and last day.", field="season_start")
    if data.season_start and data.season_end and data.season_end < data.season_start:
        raise RecognitionError("The season cannot end before it starts.", field="season_end")
    if data.closes_at <= data.opens_at:
        raise RecognitionError("The nomination window must close after it opens.", field="closes_at")
    if not data.criteria or len(data.criteria) > 10:
        raise RecognitionError("Write the criteria as a rubric: one to ten criteria.", field="criteria")
    for criterion in data.criteria:
        if not criterion.name.strip() or len(criterion.name) > 120:
            raise RecognitionError("Each criterion needs a name (under 120 characters).", field="criteria")
        if not 1 <= criterion.weight <= 10:
            raise RecognitionError("A criterion's weight is between 1 and 10.", field="criteria")
    levels = [lv.strip() for lv in data.levels]
    if not 2 <= len(levels) <= 6 or any(not lv or len(lv) > 40 for lv in levels):
        raise RecognitionError("The rubric needs two to six named levels.", field="levels")
    if not 1 <= data.spread <= 100:
        raise RecognitionError("The calibration spread is between 1 and 100 percentage points.", field="spread")
    if not 1 <= data.winners_count <= 20:
        raise RecognitionError("A round names between 1 and 20 winners.", field="winners_count")


def create_round(*, actor: User, organisation: Organisation | None, data: RoundInput) -> NominationRound:
    """An organisation's owner or manager opens a round for its cohort; staff for the platform."""
    probe = NominationRound(organisation=organisation)
    if not selectors.can_organise(actor, probe):
        raise PermissionDenied(
            "Only an owner or manager of the organisation (or Rung staff, for a platform round) can run a round."
        )
    title = _clean(data.title, what="a title", field="title", low=3, high=150)
    _check_round(data, organisation)
    with transaction.atomic():
        nomination_round = NominationRound.objects.create(
            title=title,
            description=data.description.strip()[:3000],
            organisation=organisation,
            cohort_kind=data.cohort_kind,
            season_start=data.season_start,
            season_end=data.season_end,
            levels=[lv.strip() for lv in data.levels],
            opens_at=data.opens_at,
            closes_at=data.closes_at,
            spread=data.spread,
            winners_count=data.winners_count,
            created_by=actor,
        )
        if data.cohort_kind == CohortKind.PROJECTS:
            nomination_round.projects.set(data.projects)
        Criterion.objects.bulk_create(
            Criterion(
                round=nomination_round,
                name=c.name.strip(),
                description=c.description.strip()[:1000],
                weight=c.weight,
                position=i,
            )
            for i, c in enumerate(data.criteria)
        )
        RoundEvent.objects.create(round=nomination_round, to_status=RoundStatus.DRAFT, actor=actor)
        record("round.created", actor=actor, obj=nomination_round, data={"cohort": data.cohort_kind})
    return nomination_round


def _organiser(nomination_round: NominationRound, actor: User) -> None:
    if not selectors.can_organise(actor, nomination_round):
        raise PermissionDenied("Only the round's organisers can do this.")


def _move_round(nomination_round: NominationRound, to: str, *, actor: User, note: str = "") -> NominationRound:
    """The one place a round changes status: locked, checked against ROUND_TRANSITIONS, recorded."""
    locked = NominationRound.objects.select_for_update().get(pk=nomination_round.pk)
    if to not in ROUND_TRANSITIONS[locked.status]:
        raise RecognitionError(
            f"The round is {locked.get_status_display().lower()}: it cannot move to “{RoundStatus(to).label.lower()}”.",
            code="invalid_transition",
        )
    RoundEvent.objects.create(round=locked, from_status=locked.status, to_status=to, actor=actor, note=note)
    record(f"round.{to}", actor=actor, obj=locked, data={"from": locked.status, "note": note})
    locked.status = to
    fields = ["status"]
    if to == RoundStatus.FINALISED:
        locked.finalised_at = timezone.now()
        fields.append("finalised_at")
    locked.save(update_fields=fields)
    nomination_round.status = locked.status
    nomination_round.finalised_at = locked.finalised_at
    return locked


def add_panelist(nomination_round: NominationRound, *, actor: User, user: User) -> Panelist:
    _organiser(nomination_round, actor)
    if nomination_round.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise RecognitionError("The panel is fixed once scoring starts.", code="invalid_transition")
    if nomination_round.organisation_id is not None and not (
        user.is_staff or user.memberships.filter(organisation_id=nomination_round.organisation_id).exists()
    ):
        raise RecognitionError("Panelists are members of the organisation (or Rung staff).", field="user")
    with transaction.atomic():
        panelist, created = Panelist.objects.get_or_create(round=nomination_round, user=user)
        if created:
            record("round.panelist_added", actor=actor, obj=nomination_round, data={"panelist": user.email})
    return panelist


def open_round(nomination_round: NominationRound, *, actor: User) -> NominationRound:
    _organiser(nomination_round, actor)
    with transaction.atomic():
        if not nomination_round.panelists.exists():
            raise RecognitionError("Add at least one panelist before opening the round.", code="no_panel")
        return _move_round(nomination_round, RoundStatus.OPEN, actor=actor)


def close_nominations(nomination_round: NominationRound, *, actor: User) -> NominationRound:
    """Nominations close and the panel starts scoring."""
    _organiser(nomination_round, actor)
    with transaction.atomic():
        return _move_round(nomination_round, RoundStatus.SCORING, actor=actor)


def cancel_round(nomination_round: NominationRound, *, actor: User, reason: str) -> NominationRound:
    _organiser(nomination_round, actor)
    reason = _clean(reason, what="the reason", field="reason", low=5, high=1000)
    with transaction.atomic():
        return _move_round(nomination_round, RoundStatus.CANCELLED, actor=actor, note=reason)


# --- nominations -----------------------------------------------------------------------------------


def _evidence(links: Sequence[str]) -> list[str]:
    cleaned = [link.strip() for link in links if link.strip()]
    if len(cleaned) > MAX_EVIDENCE_LINKS:
        raise RecognitionError(f"Give at most {MAX_EVIDENCE_LINKS} evidence links.", field="evidence_links")
    for link in cleaned:
        if not link.startswith(("https://", "http://")) or " " in link or len(link) > 500:
            raise RecognitionError(f"Evidence must be web links; “{link[:60]}” is not one.", field="evidence_links")
    return cleaned


def nominate(
    nomination_round: NominationRound,
    *,
    nominator: User,
    nominee: User,
    statement: str,
    evidence_links: Sequence[str] = (),
    conflict_note: str = "",
) -> Nomination:
    """Nominate a fellow intern of the cohort; nominators declare any conflict of interest."""
    if nominee.pk == nominator.pk:
        raise RecognitionError("You cannot nominate yourself.", code="self_nomination", field="nominee")
    if nomination_round.status != RoundStatus.OPEN:
        raise RecognitionError("This round is not taking nominations.", code="closed")
    now = timezone.now()
    if not nomination_round.opens_at <= now < nomination_round.closes_at:
        raise RecognitionError(
            f"Nominations are open from {nomination_round.opens_at:%d %B %Y, %H:%M} to "
            f"{nomination_round.closes_at:%d %B %Y, %H:%M} UTC.",
            code="outside_window",
        )
    capacity = selectors.nominator_capacity(nominator, nomination_round)
    if capacity is None:
        raise PermissionDenied("Only mentors, reviewers and interns of this round's cohort can nominate.")
    if not selectors.in_cohort(nominee, nomination_round):
        raise RecognitionError("The person you nominate must be an intern of this round's cohort.", field="nominee")
    statement = _clean(statement, what="why you nominate them", field="statement", low=20, high=3000)
    links = _evidence(evidence_links)
    conflict_note = " ".join(conflict_note.split())[:300]
    existing = Conflict.objects.filter(holder=nominator, person=nominee).order_by("kind").first()
    if existing is not None and not conflict_note:
        conflict_note = existing.reason
    try:
        with transaction.atomic():
            if conflict_note and existing is None:
                declare_conflict(nominator, person=nominee, reason=conflict_note)
            nomination = Nomination.objects.create(
                round=nomination_round,
                nominee=nominee,
                nominator=nominator,
                capacity=capacity,
                statement=statement,
                evidence_links=links,
                conflict_note=conflict_note,
            )
            record(
                "nomination.submitted",
                actor=nominator,
                obj=nomination,
                data={"round": str(nomination_round.uuid), "capacity": capacity, "conflict": bool(conflict_note)},
            )
    except IntegrityError:
        raise RecognitionError("You have nominated this person in this round already.", code="duplicate") from None
    return nomination


# --- blind scoring and calibration -----------------------------------------------------------------


def _may_score(nomination: Nomination, panelist: User) -> None:
    if not Panelist.objects.filter(round_id=nomination.round_id, user=panelist).exists():
        raise PermissionDenied("Only the round's panelists score nominations.")
    if nomination.nominator_id == panelist.pk:
        raise RecognitionError("You made this nomination, so you do not score it.", code="conflict_of_interest")
    if nomination.nominee_id == panelist.pk:
        raise RecognitionError("This nomination is about you, so you do not score it.", code="conflict_of_interest")
    if Conflict.objects.filter(holder=panelist, person_id=nomination.nominee_id).exists():
        raise RecognitionError(
            "You declared a conflict of interest with this nominee, so you do not score it.",
            code="conflict_of_interest",
        )


def _recalibrate(nomination: Nomination, *, actor: User) -> None:
    """Flag a nomination whose panelists' totals differ by more than the round's spread."""
    scores = list(PanelScore.objects.filter(nomination=nomination))
    spread = selectors.score_spread(scores)
    if spread is not None and spread > nomination.round.spread and nomination.flagged_at is None:
        nomination.flagged_at = timezone.now()
        nomination.save(update_fields=["flagged_at"])
        record(
            "nomination.flagged",
            actor=actor,
            obj=nomination,
            data={"spread": spread, "allowed": nomination.round.spread},
        )


def score_nomination(
    nomination: Nomination, *, panelist: User, levels: Mapping[int, int], comment: str = ""
) -> PanelScore:
    """A panelist scores (or changes their score for) a nomination on the round's rubric."""
    nomination_round = nomination.round
    if nomination_round.status != RoundStatus.SCORING:
        raise RecognitionError("The panel scores only while the round is in scoring.", code="invalid_transition")
    _may_score(nomination, panelist)
    criteria = list(nomination_round.criteria.all())
    wanted = {c.pk for c in criteria}
    if set(levels) != wanted:
        raise RecognitionError("Score every criterion of the rubric, and only those.", field="levels")
    top = nomination_round.max_level
    if any(not 1 <= int(level) <= top for level in levels.values()):
        raise RecognitionError(f"Each level is between 1 and {top}.", field="levels")
    points = sum(c.weight * int(levels[c.pk]) for c in criteria)
    max_points = sum(c.weight * top for c in criteria)
    comment = comment.strip()[:2000]
    now = timezone.now()
    with transaction.atomic():
        locked = Nomination.objects.select_for_update(of=("self",)).select_related("round").get(pk=nomination.pk)
        # Re-read under the nomination's lock: finalising locks every nomination of the round, so a score
        # either lands before finalising reads the scores or sees the round finalised and is refused.
        if locked.round.status != RoundStatus.SCORING:
            raise RecognitionError("The panel scores only while the round is in scoring.", code="invalid_transition")
        score, created = PanelScore.objects.get_or_create(
            nomination=locked,
            panelist=panelist,
            defaults={
                "points": points,
                "max_points": max_points,
                "comment": comment,
                "scored_at": now,
                "settled_at": now,
            },
        )
        before = score.points
        if not created:
            score.points, score.max_points, score.comment = points, max_points, comment
            score.scored_at = score.settled_at = now
            score.save(update_fields=["points", "max_points", "comment", "scored_at", "settled_at"])
            score.levels.all().delete()
        CriterionScore.objects.bulk_create(
            CriterionScore(score=score, criterion_id=c.pk, level=int(levels[c.pk])) for c in criteria
        )
        record(
            "nomination.scored" if created else "nomination.rescored",
            actor=panelist,
            obj=locked,
            data={"points": points, "max_points": max_points, **({} if created else {"before": before})},
        )
        _recalibrate(locked, actor=panelist)
    nomination.flagged_at = locked.flagged_at
    return score


def confirm_score(nomination: Nomination, *, panelist: User) -> PanelScore:
    """After a calibration flag, a panelist keeps their score as it is (after the discussion)."""
    with transaction.atomic():
        locked = Nomination.objects.select_for_update(of=("self",)).select_related("round").get(pk=nomination.pk)
        if locked.flagged_at is None:
            raise RecognitionError("This nomination is not flagged for calibration.", code="not_flagged")
        if locked.round.status != RoundStatus.SCORING:
            raise RecognitionError("The round is not in scoring.", code="invalid_transition")
        score = PanelScore.objects.select_for_update().filter(nomination=locked, panelist=panelist).first()
        if score is None:
            raise RecognitionError("You have not scored this nomination yet.", code="no_score")
        score.settled_at = timezone.now()
        score.save(update_fields=["settled_at"])
        record("nomination.score_confirmed", actor=panelist, obj=locked, data={"points": score.points})
    return score


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    nomination: Nomination
    winner: bool
    reason: str


def finalisation_problems(nomination_round: NominationRound) -> list[str]:
    """Why the round cannot be finalised yet (empty when it can)."""
    problems = []
    panel = list(nomination_round.panelists.values_list("user_id", flat=True))
    nominations = list(nomination_round.nominations.prefetch_related("scores"))
    conflicts = set(
        Conflict.objects.filter(holder_id__in=panel, person_id__in=[n.nominee_id for n in nominations]).values_list(
            "holder_id", "person_id"
        )
    )
    for number, nomination in enumerate(nominations):
        alias = selectors.alias_for(number)
        scores = list(nomination.scores.all())
        scored_by = {s.panelist_id for s in scores}
        expected = {
            p
            for p in panel
            if p not in (nomination.nominator_id, nomination.nominee_id) and (p, nomination.nominee_id) not in conflicts
        }
        if not expected:
            problems.append(f"{alias}: no panelist is free of conflicts to score it; add a panelist.")
        elif expected - scored_by:
            problems.append(f"{alias}: {len(expected - scored_by)} panelist(s) have not scored it yet.")
        if nomination.flagged_at is not None:
            unsettled = [s for s in scores if s.settled_at < nomination.flagged_at]
            if unsettled:
                problems.append(
                    f"{alias}: flagged for discussion (scores differ by more than {nomination_round.spread} points); "
                    f"{len(unsettled)} panelist(s) must confirm or change their score."
                )
    return problems


def finalise_round(
    nomination_round: NominationRound, *, actor: User, decisions: Sequence[DecisionInput]
) -> NominationRound:
    """Publish the results: every nomination gets an outcome and a reason; winners get an Award."""
    from rung.recognition import awards

    _organiser(nomination_round, actor)
    with transaction.atomic():
        locked = NominationRound.objects.select_for_update().get(pk=nomination_round.pk)
        if locked.status != RoundStatus.SCORING:
            raise RecognitionError("Only a round in scoring can be finalised.", code="invalid_transition")
        # Wait for scores and confirmations in flight (they lock their nomination), then read them all.
        list(Nomination.objects.select_for_update().filter(round=locked).values_list("pk", flat=True))
        problems = finalisation_problems(locked)
        if problems:
            raise RecognitionError("The round cannot be finalised yet: " + " ".join(problems), code="not_ready")
        nominations = {n.pk: n for n in locked.nominations.select_related("nominee")}
        decided = {d.nomination.pk: d for d in decisions}
        if set(decided) != set(nominations):
            raise RecognitionError("Decide every nomination of the round, and only those.", field="decisions")
        winners = [d for d in decisions if d.winner]
        if not winners:
            raise RecognitionError("Name at least one winner.", field="decisions")
        if len({nominations[d.nomination.pk].nominee_id for d in winners}) > locked.winners_count:
            raise RecognitionError(f"This round names at most {locked.winners_count} winner(s).", field="decisions")
        for d in decisions:
            _clean(d.reason, what="the reason for each result", field="decisions", low=10, high=2000)
        locked = _move_round(locked, RoundStatus.FINALISED, actor=actor)
        nomination_round.status, nomination_round.finalised_at = locked.status, locked.finalised_at
        now = timezone.now()
        winner_ids = {nominations[d.nomination.pk].nominee_id for d in winners}
        for d in decisions:
            nomination = nominations[d.nomination.pk]
            # A person nominated several times wins (or not) once: every nomination of them says so.
            nomination.outcome = Outcome.WINNER if nomination.nominee_id in winner_ids else Outcome.NOT_SELECTED
            nomination.reason = d.reason.strip()
            nomination.acknowledged_at = now
            nomination.save(update_fields=["outcome", "reason", "acknowledged_at"])
            record(
                "nomination.decided",
                actor=actor,
                obj=nomination,
                data={"outcome": nomination.outcome, "reason": nomination.reason},
            )
        issued: dict[int, IssuedCredential] = {}
        for nomination in nominations.values():
            if nomination.outcome != Outcome.WINNER:
                continue
            if nomination.nominee_id in issued:
                continue  # one Award per person, linked from their first nomination
            issued[nomination.nominee_id] = awards.issue_award(locked, nomination, actor=actor)
            nomination.award = issued[nomination.nominee_id]
            nomination.save(update_fields=["award"])
        emit("nomination.awarded", round_id=str(locked.uuid))
    return locked
