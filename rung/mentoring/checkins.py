"""The mentorship protocol in practice: check-ins placed within both people's weekly availability,
calendar files, recording (held, missed, moved), the mentee's rating, and the sweep that reminds
and flags check-ins nobody recorded."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.mentoring.models import (
    CHECKIN_TRANSITIONS,
    CheckIn,
    CheckInStatus,
    MenteeGoals,
    MentoringSettings,
    Pairing,
    PairingStatus,
    Protocol,
    ProtocolStep,
    StepKind,
)
from rung.mentoring.scoring import week_intervals

MAX_NOTES = 5000
MAX_ACTIONS = 10


class CheckInError(DomainError):
    pass


def default_protocol() -> Protocol:
    protocol = Protocol.objects.filter(organisation__isnull=True).order_by("pk").first()
    if protocol is None:  # the seed migration makes it; a flushed test database may not have it
        raise CheckInError("No mentorship protocol is set up.", code="no_protocol")
    return protocol


def protocol_for(pairing: Pairing) -> Protocol:
    config = MentoringSettings.objects.filter(organisation=pairing.engagement.project.organisation).first()
    return config.protocol if config and config.protocol else default_protocol()


@dataclass(frozen=True)
class Placement:
    step: ProtocolStep
    target: date
    allowed: tuple[date, ...]  # days it may fall on, in order of preference


def plan(protocol: Protocol, start: date, end: date, *, today: date) -> list[Placement]:
    """Where each step falls: kickoff in the first two days, a weekly check-in on each later week,
    the mid-point review halfway, the wrap-up on one of the last days. Steps already past are left out."""
    steps = list(protocol.steps.all())
    midpoint = start + (end - start) / 2
    placements: list[Placement] = []
    reserved: list[date] = []
    for step in steps:
        if step.kind == StepKind.KICKOFF:
            first = max(start, today)
            placements.append(Placement(step, first, (first, first + timedelta(days=1))))
        elif step.kind == StepKind.MIDPOINT:
            placements.append(
                Placement(step, midpoint, (midpoint, midpoint + timedelta(days=1), midpoint - timedelta(days=1)))
            )
        elif step.kind == StepKind.WRAPUP:
            placements.append(Placement(step, end, (end, end - timedelta(days=1), end - timedelta(days=2))))
    reserved = [p.target for p in placements]
    for step in steps:
        if step.kind != StepKind.WEEKLY:
            continue
        day = start + timedelta(days=7)
        while day < end - timedelta(days=1):
            if all(abs((day - other).days) > 2 for other in reserved):
                placements.append(Placement(step, day, (day, day + timedelta(days=1), day - timedelta(days=1))))
            day += timedelta(days=7)
    return sorted((p for p in placements if max(p.allowed) >= today), key=lambda p: p.target)


def _free_slot(
    day: date, minutes: int, mentor: tuple[list[dict[str, object]], str], mentee: tuple[list[dict[str, object]], str]
) -> datetime | None:
    """The earliest start on `day` (UTC) when both are free for `minutes`; the mentee's windows are
    ignored when they gave none."""
    ours = [iv for iv in week_intervals(mentor[0], mentor[1], day) if iv[0].date() <= day <= iv[1].date()]
    if mentee[0]:
        theirs = week_intervals(mentee[0], mentee[1], day)
        both = []
        for a_start, a_end in ours:
            for b_start, b_end in theirs:
                start, end = max(a_start, b_start), min(a_end, b_end)
                if end > start:
                    both.append((start, end))
        ours = both
    fitting = sorted(
        start for start, end in ours if (end - start) >= timedelta(minutes=minutes) and start.date() == day
    )
    return fitting[0] if fitting else None


def schedule_checkins(pairing: Pairing, *, today: date | None = None) -> list[CheckIn]:
    """Create the pairing's check-ins from its organisation's protocol (or the platform default)."""
    today = today or timezone.now().date()
    protocol = protocol_for(pairing)
    engagement = pairing.engagement
    profile = pairing.mentor.mentor_profile
    goals = MenteeGoals.objects.filter(user_id=engagement.candidate_id).first()
    mentor_side = (profile.weekly_windows, profile.timezone)
    mentee_side = (goals.weekly_windows, goals.timezone) if goals else ([], "UTC")
    created = []
    for placement in plan(protocol, engagement.start_date, engagement.end_date, today=today):
        slot = None
        for day in placement.allowed:
            if day >= today and (slot := _free_slot(day, protocol.minutes, mentor_side, mentee_side)):
                break
        within = slot is not None
        if slot is None:
            import zoneinfo

            target = max(placement.target, today)
            slot = datetime.combine(target, time(12), tzinfo=zoneinfo.ZoneInfo(profile.timezone)).astimezone(UTC)
        created.append(
            CheckIn.objects.create(
                pairing=pairing,
                kind=placement.step.kind,
                title=placement.step.title,
                agenda=placement.step.agenda,
                prompts=placement.step.prompts,
                due_at=slot,
                minutes=protocol.minutes,
                within_availability=within,
            )
        )
    record("checkins.scheduled", actor=None, obj=pairing, data={"count": len(created), "protocol": protocol.name})
    return created


def calendar_file(checkins: list[CheckIn], *, site_name: str | None = None) -> bytes:
    """An iCalendar file (RFC 5545) with one event per check-in, for any calendar program."""
    name = site_name or settings.SITE_NAME
    cal = Calendar()
    cal.add("prodid", f"-//{name}//Mentoring check-ins//EN")
    cal.add("version", "2.0")
    for checkin in checkins:
        event = Event()
        event.add("uid", f"checkin-{checkin.uuid}@{name.lower()}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", checkin.due_at)
        event.add("duration", timedelta(minutes=checkin.minutes))
        pairing = checkin.pairing
        event.add(
            "summary",
            f"{checkin.title}: {pairing.mentor.full_name or 'mentor'} and "
            f"{pairing.engagement.candidate.full_name or 'intern'}",
        )
        prompts = "\n".join(f"- {p}" for p in checkin.prompts)
        event.add("description", f"{checkin.agenda}\n\n{prompts}".strip())
        if checkin.status == CheckInStatus.MISSED:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    return cal.to_ical()


@dataclass
class CheckInRecord:
    status: str
    private_notes: str = ""
    summary: str = ""
    actions: list[str] = field(default_factory=list)
    moved_to: datetime | None = None
    recommendation: str = ""


def _check_text(value: str, name: str, label: str) -> str:
    value = value.strip()
    if len(value) > MAX_NOTES:
        raise CheckInError(f"Keep the {label} under {MAX_NOTES} characters.", field=name)
    return value


def record_checkin(checkin: CheckIn, *, actor: User, data: CheckInRecord, now: datetime | None = None) -> CheckIn:
    """The mentor records a check-in: held (with a shared summary and agreed actions), missed, or moved."""
    now = now or timezone.now()
    pairing = checkin.pairing
    if actor.pk != pairing.mentor_id:
        raise PermissionDenied("Only the mentor records a check-in.")
    if pairing.status != PairingStatus.ACTIVE:
        raise CheckInError("Check-ins are recorded while the pairing is active.", code="pairing_not_active")
    if data.status not in CHECKIN_TRANSITIONS[checkin.status]:
        raise CheckInError(
            f"A check-in that is “{CheckInStatus(checkin.status).label}” cannot be recorded as “{data.status}”.",
            code="bad_transition",
        )
    actions = [a.strip() for a in data.actions if a.strip()]
    if len(actions) > MAX_ACTIONS or any(len(a) > 300 for a in actions):
        raise CheckInError(f"Agree at most {MAX_ACTIONS} actions of up to 300 characters each.", field="actions")
    changes: dict[str, object] = {
        "status": data.status,
        "private_notes": _check_text(data.private_notes, "private_notes", "private notes"),
        "summary": _check_text(data.summary, "summary", "summary"),
        "actions": actions,
    }
    if data.status == CheckInStatus.MOVED:
        latest = datetime.combine(pairing.engagement.end_date + timedelta(days=7), time(23, 59), tzinfo=UTC)
        if data.moved_to is None or data.moved_to <= now or data.moved_to > latest:
            raise CheckInError(
                "Give the new time: in the future and at most a week after the engagement ends.", field="moved_to"
            )
        changes.update(due_at=data.moved_to, reminded_at=None, flagged_overdue_at=None)
    else:
        if checkin.due_at > now + timedelta(hours=1) and data.status == CheckInStatus.HELD:
            raise CheckInError("A check-in can be recorded as held once its time has come.", code="not_yet")
        changes["recorded_at"] = now
    if data.status == CheckInStatus.HELD and not changes["summary"]:
        raise CheckInError("Write a short shared summary of what you discussed.", field="summary")
    with transaction.atomic():
        if not CheckIn.objects.filter(pk=checkin.pk, status=checkin.status).update(**changes):
            raise CheckInError("This check-in changed a moment ago. Reload the page.", code="conflict")
        if checkin.kind == StepKind.WRAPUP and data.recommendation.strip():
            Pairing.objects.filter(pk=pairing.pk).update(recommendation=data.recommendation.strip()[:2000])
        checkin.refresh_from_db()
        record(
            f"checkin.{data.status}",
            actor=actor,
            obj=checkin,
            data={"due": checkin.due_at.isoformat(), "kind": checkin.kind},
        )
        emit("checkin.recorded", checkin_id=checkin.pk, actor_id=actor.pk)
        if data.status == CheckInStatus.HELD:
            from rung.mentoring.training import maybe_accredit

            transaction.on_commit(lambda: maybe_accredit(pairing.mentor))
    return checkin


def rate_checkin(
    checkin: CheckIn, *, actor: User, rating: int, comment: str = "", now: datetime | None = None
) -> CheckIn:
    """The mentee may rate a held check-in, once, 1 to 5 with an optional comment."""
    if actor.pk != checkin.pairing.engagement.candidate_id:
        raise PermissionDenied("Only the mentee rates a check-in.")
    if checkin.status != CheckInStatus.HELD:
        raise CheckInError("You can rate a check-in once your mentor has recorded it as held.", code="not_held")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise CheckInError("Choose a rating from 1 to 5.", field="rating")
    comment = comment.strip()
    if len(comment) > 500:
        raise CheckInError("Keep the comment under 500 characters.", field="comment")
    with transaction.atomic():
        if not CheckIn.objects.filter(pk=checkin.pk, rating__isnull=True).update(
            rating=rating, rating_comment=comment, rated_at=now or timezone.now()
        ):
            raise CheckInError("You have already rated this check-in.", code="already_rated")
        checkin.refresh_from_db()
        record("checkin.rated", actor=actor, obj=checkin, data={"rating": rating})
        from rung.mentoring.training import maybe_accredit

        transaction.on_commit(lambda: maybe_accredit(checkin.pairing.mentor))
    return checkin


def sweep_checkins(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind both people a day ahead, and flag to the mentor and the coordinators any check-in not
    recorded a day after it was due. Each row is claimed with compare-and-set: safe to run concurrently."""
    now = now or timezone.now()
    open_statuses = [CheckInStatus.SCHEDULED, CheckInStatus.MOVED]
    live = CheckIn.objects.filter(status__in=open_statuses, pairing__status=PairingStatus.ACTIVE)
    reminded = 0
    for pk in live.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + timedelta(days=1)).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if CheckIn.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                emit("checkin.due_soon", checkin_id=pk)
                reminded += 1
    flagged = 0
    for pk in live.filter(flagged_overdue_at__isnull=True, due_at__lt=now - timedelta(days=1)).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if CheckIn.objects.filter(pk=pk, flagged_overdue_at__isnull=True, status__in=open_statuses).update(
                flagged_overdue_at=now
            ):
                record("checkin.overdue", actor=None, obj=CheckIn.objects.get(pk=pk))
                emit("checkin.overdue", checkin_id=pk)
                flagged += 1
    return reminded, flagged
