"""Every write of outcomes: recording and advancing an outcome, the candidate's answer to it, the
follow-up sweep and its one-click answers, and the completion surveys."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.engagements.models import Engagement, EngagementStatus
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.lib.mail import send_templated_mail
from rung.orgs.models import Membership, Organisation, role_can
from rung.outcomes.models import (
    OUTCOME_TRANSITIONS,
    STAGES_IMPLIED,
    CandidateResponse,
    EmployerSurvey,
    EmploymentType,
    FollowUp,
    FollowUpStatus,
    InternSurvey,
    Outcome,
    OutcomeEvent,
    OutcomeSource,
    OutcomeStage,
    WouldHire,
)

FOLLOW_UP_SALT = "rung.outcomes.follow_up"
# Who may record outcomes and answer the employer's survey: the people who hire.
RECORD_PERMISSION = "review"


class OutcomeError(DomainError):
    pass


def _check_member(actor: User, organisation: Organisation, permission: str = RECORD_PERMISSION) -> Membership:
    membership = Membership.objects.filter(organisation=organisation, user=actor).first()
    if membership is None:
        raise NotFound("No such organisation.")
    if not role_can(membership.role, permission):
        raise PermissionDenied("Your role in this organisation does not allow recording outcomes.")
    return membership


@dataclass(frozen=True)
class OutcomeInput:
    stage: str
    role_title: str = ""
    employment_type: str = ""
    start_date: date | None = None


def _clean(data: OutcomeInput) -> OutcomeInput:
    if data.stage not in OutcomeStage.values:
        raise OutcomeError(f"Unknown stage “{data.stage}”.", field="stage")
    if data.employment_type and data.employment_type not in EmploymentType.values:
        raise OutcomeError(f"Unknown employment type “{data.employment_type}”.", field="employment_type")
    role_title = data.role_title.strip()
    if len(role_title) > 160:
        raise OutcomeError("The role title is too long (at most 160 characters).", field="role_title")
    if data.stage == OutcomeStage.HIRED:
        if data.start_date is None:
            raise OutcomeError("A hire needs its start date.", field="start_date")
        if not role_title:
            raise OutcomeError("A hire needs the role's title.", field="role_title")
        if not data.employment_type:
            raise OutcomeError("A hire needs its employment type.", field="employment_type")
    if data.start_date is not None:
        horizon = timedelta(days=settings.DATE_HORIZON_DAYS)
        today = timezone.now().date()
        if not today - horizon <= data.start_date <= today + horizon:
            raise OutcomeError("That start date is too far from today.", field="start_date")
    return OutcomeInput(
        stage=data.stage, role_title=role_title, employment_type=data.employment_type, start_date=data.start_date
    )


def _last_engagement(organisation: Organisation, candidate: User) -> Engagement | None:
    return (
        Engagement.objects.filter(project__organisation=organisation, candidate=candidate)
        .exclude(status=EngagementStatus.AWAITING_SIGNATURES)
        .order_by("-end_date", "-id")
        .first()
    )


def _mark(outcome: Outcome, stage: str, now: datetime) -> list[str]:
    """Set the `*_at` of every funnel stage this stage implies that is not yet set."""
    changed = []
    for reached in STAGES_IMPLIED[stage]:
        column = f"{reached}_at"
        if getattr(outcome, column) is None:
            setattr(outcome, column, now)
            changed.append(column)
    if stage in (OutcomeStage.DECLINED, OutcomeStage.NOT_SELECTED):
        outcome.closed_at = now
        changed.append("closed_at")
    return changed


def record_outcome(
    organisation: Organisation,
    *,
    candidate: User,
    actor: User,
    data: OutcomeInput,
    source: str = OutcomeSource.RUNG,
    external_ref: str = "",
) -> Outcome:
    """Record a new outcome for someone who has worked for the organisation through Rung.

    With `external_ref` (an applicant tracking system's id) a second push of the same id advances
    the existing outcome instead, and pushing the stage it is already at changes nothing."""
    _check_member(actor, organisation)
    data = _clean(data)
    external_ref = external_ref.strip()[:120]
    with transaction.atomic():
        if external_ref:
            existing = Outcome.objects.filter(organisation=organisation, external_ref=external_ref).first()
            if existing is not None:
                if existing.candidate_id != candidate.pk:
                    raise OutcomeError("That reference is already used for another candidate.", field="external_ref")
                if existing.stage == data.stage:
                    return existing
                return advance_outcome(existing, actor=actor, data=data)
        engagement = _last_engagement(organisation, candidate)
        if engagement is None:
            raise OutcomeError(
                "Rung records outcomes only for people who have worked on one of your projects.", field="candidate"
            )
        now = timezone.now()
        outcome = Outcome(
            organisation=organisation,
            candidate=candidate,
            engagement=engagement,
            stage=data.stage,
            role_title=data.role_title,
            employment_type=data.employment_type,
            start_date=data.start_date,
            source=source,
            external_ref=external_ref,
            recorded_by=actor,
            created_at=now,
            updated_at=now,
        )
        _mark(outcome, data.stage, now)
        try:
            with transaction.atomic():
                outcome.save()
        except IntegrityError:
            raise OutcomeError("That reference was just used; send it again.", field="external_ref") from None
        OutcomeEvent.objects.create(outcome=outcome, from_status="", to_status=data.stage, actor=actor, at=now)
        record("outcome.recorded", actor=actor, obj=outcome, data={"stage": data.stage, "source": source})
        _emit_recorded(outcome, actor)
    return outcome


def _emit_recorded(outcome: Outcome, actor: User | None) -> None:
    emit(
        "outcome.recorded",
        outcome_uuid=outcome.uuid,
        organisation_id=outcome.organisation_id,
        candidate_id=outcome.candidate_id,
        stage=outcome.stage,
        actor_id=actor.pk if actor else None,
    )


def advance_outcome(outcome: Outcome, *, actor: User, data: OutcomeInput) -> Outcome:
    """Move an outcome on (invited → interviewed → offered → hired, or declined / not selected).
    The candidate is asked to confirm again."""
    _check_member(actor, outcome.organisation)
    data = _clean(data)
    with transaction.atomic():
        locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if data.stage not in OUTCOME_TRANSITIONS[locked.stage]:
            raise OutcomeError(
                f"An outcome that is “{locked.get_stage_display()}” cannot become “{OutcomeStage(data.stage).label}”.",
                field="stage",
            )
        now = timezone.now()
        previous = locked.stage
        locked.stage = data.stage
        locked.role_title = data.role_title or locked.role_title
        locked.employment_type = data.employment_type or locked.employment_type
        locked.start_date = data.start_date or locked.start_date
        locked.updated_at = now
        locked.candidate_response = CandidateResponse.PENDING
        locked.candidate_note = ""
        locked.responded_at = None
        changed = _mark(locked, data.stage, now)
        locked.save(
            update_fields=[
                "stage",
                "role_title",
                "employment_type",
                "start_date",
                "updated_at",
                "candidate_response",
                "candidate_note",
                "responded_at",
                *changed,
            ]
        )
        OutcomeEvent.objects.create(outcome=locked, from_status=previous, to_status=data.stage, actor=actor, at=now)
        record("outcome.advanced", actor=actor, obj=locked, data={"from": previous, "to": data.stage})
        _emit_recorded(locked, actor)
    return locked


def respond_to_outcome(outcome: Outcome, *, candidate: User, confirm: bool, note: str = "") -> Outcome:
    """The candidate confirms an outcome about them, or disputes it with a reason the employer reads."""
    if outcome.candidate_id != candidate.pk:
        raise NotFound("No such outcome.")
    note = note.strip()
    if not confirm and not note:
        raise OutcomeError("Please say what is wrong, so the employer can put it right.", field="note")
    if len(note) > 2000:
        raise OutcomeError("Please keep the note under 2,000 characters.", field="note")
    with transaction.atomic():
        response = CandidateResponse.CONFIRMED if confirm else CandidateResponse.DISPUTED
        updated = Outcome.objects.filter(pk=outcome.pk, stage=outcome.stage, candidate=candidate).update(
            candidate_response=response, candidate_note=note, responded_at=timezone.now()
        )
        if not updated:
            raise OutcomeError("The employer has just changed this outcome; please look at it again.")
        outcome.refresh_from_db()
        record(f"outcome.{'confirmed' if confirm else 'disputed'}", actor=candidate, obj=outcome, data={"note": note})
        emit(
            "outcome.confirmed" if confirm else "outcome.disputed",
            outcome_uuid=outcome.uuid,
            organisation_id=outcome.organisation_id,
        )
    return outcome


# --- Follow-ups ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer days (31 Aug + 6 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def follow_up_token(follow_up: FollowUp) -> str:
    return signing.dumps(str(follow_up.uuid), salt=FOLLOW_UP_SALT)


def follow_up_link(follow_up: FollowUp) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("outcomes:follow_up", args=[follow_up_token(follow_up)])


# Follow-ups overdue by more than this are not sent late (e.g. after a long outage or on first deploy).
FOLLOW_UP_SEND_WINDOW_DAYS = 30


def sweep_follow_ups(*, today: date | None = None) -> int:
    """Schedule the 3- and 6-month follow-ups of completed engagements and e-mail those due.

    Safe to run concurrently: scheduling relies on the unique (engagement, months) constraint and
    each e-mail is claimed with a compare-and-set, so no intern gets the same follow-up twice.
    Returns how many e-mails were sent."""
    today = today or timezone.now().date()
    for months in settings.OUTCOMES_FOLLOW_UP_MONTHS:
        # end_date + months <= today  ⇔  end_date <= today − months (approximately; due_on is exact).
        latest_end = add_months(today, -months)
        engagements = Engagement.objects.filter(
            status=EngagementStatus.COMPLETED, end_date__lte=latest_end + timedelta(days=3)
        ).exclude(follow_ups__months=months)
        FollowUp.objects.bulk_create(
            [
                FollowUp(engagement_id=e.pk, months=months, due_on=add_months(e.end_date, months))
                for e in engagements.only("pk", "end_date")
                if add_months(e.end_date, months) <= today
            ],
            ignore_conflicts=True,
        )
    due = FollowUp.objects.filter(
        status=FollowUpStatus.SCHEDULED,
        due_on__lte=today,
        due_on__gt=today - timedelta(days=FOLLOW_UP_SEND_WINDOW_DAYS),
    ).select_related("engagement__candidate", "engagement__project__organisation")
    sent = 0
    for follow_up in due:
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.SCHEDULED).update(
                status=FollowUpStatus.SENT, sent_at=timezone.now()
            )
            if not claimed:
                continue  # another sweep sent it
            candidate = follow_up.engagement.candidate
            send_templated_mail(
                candidate.email,
                "outcomes/email/follow_up",
                {
                    "name": candidate.full_name or candidate.email,
                    "months": follow_up.months,
                    "project": follow_up.engagement.project.title,
                    "organisation": follow_up.engagement.project.organisation.name,
                    "link": follow_up_link(follow_up),
                    "link_days": settings.OUTCOMES_FOLLOW_UP_LINK_DAYS,
                },
            )
            sent += 1
    return sent


def follow_up_from_token(token: str) -> FollowUp:
    try:
        raw = signing.loads(token, salt=FOLLOW_UP_SALT, max_age=timedelta(days=settings.OUTCOMES_FOLLOW_UP_LINK_DAYS))
    except signing.SignatureExpired:
        raise OutcomeError("This link has expired. Thank you all the same.", code="expired") from None
    except signing.BadSignature:
        raise NotFound("This link is not valid.") from None
    try:
        key = uuid.UUID(str(raw))
    except ValueError:
        raise NotFound("This link is not valid.") from None
    follow_up = FollowUp.objects.filter(uuid=key).select_related("engagement__project__organisation").first()
    if follow_up is None:
        raise NotFound("This link is not valid.")
    return follow_up


@dataclass(frozen=True)
class FollowUpAnswer:
    employed: bool
    employer_name: str = ""
    role_title: str = ""
    through_this_employer: bool | None = None


def answer_follow_up(*, token: str, answer: FollowUpAnswer) -> FollowUp:
    """The one-click form's answer. The link is the proof of who answers; it works once."""
    follow_up = follow_up_from_token(token)
    employer_name, role_title = answer.employer_name.strip(), answer.role_title.strip()
    if len(employer_name) > 160 or len(role_title) > 160:
        raise OutcomeError("Please keep the employer and the role under 160 characters each.")
    if answer.employed and answer.through_this_employer is None:
        raise OutcomeError(
            f"Please say whether the work came through {follow_up.engagement.project.organisation.name}.",
            field="through_this_employer",
        )
    with transaction.atomic():
        updated = (
            FollowUp.objects.filter(pk=follow_up.pk)
            .exclude(status=FollowUpStatus.ANSWERED)
            .update(
                status=FollowUpStatus.ANSWERED,
                answered_at=timezone.now(),
                employed=answer.employed,
                employer_name=employer_name if answer.employed else "",
                role_title=role_title if answer.employed else "",
                through_this_employer=answer.through_this_employer if answer.employed else None,
            )
        )
        if not updated:
            raise OutcomeError("You have already answered this follow-up. Thank you.", code="already_answered")
        follow_up.refresh_from_db()
        record("follow_up.answered", actor=None, obj=follow_up, data={"months": follow_up.months})
        emit("follow_up.answered", follow_up_uuid=follow_up.uuid, months=follow_up.months)
    return follow_up


# --- Completion surveys ----------------------------------------------------------------------


def _score(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise OutcomeError("Please choose a number from 0 to 10.", field=field)
    return value


def answer_intern_survey(engagement: Engagement, *, candidate: User, recommend: int, comment: str = "") -> InternSurvey:
    if engagement.candidate_id != candidate.pk:
        raise NotFound("No such engagement.")
    if engagement.status != EngagementStatus.COMPLETED:
        raise OutcomeError("The survey opens when the micro-internship is complete.")
    recommend = _score(recommend, "recommend")
    comment = comment.strip()
    if len(comment) > 2000:
        raise OutcomeError("Please keep the comment under 2,000 characters.", field="comment")
    try:
        with transaction.atomic():
            survey = InternSurvey.objects.create(engagement=engagement, recommend=recommend, comment=comment)
    except IntegrityError:
        raise OutcomeError("You have already answered this survey. Thank you.") from None
    return survey


def answer_employer_survey(
    engagement: Engagement, *, actor: User, platform_score: int, would_hire: str
) -> EmployerSurvey:
    _check_member(actor, engagement.project.organisation)
    if engagement.status != EngagementStatus.COMPLETED:
        raise OutcomeError("The survey opens when the micro-internship is complete.")
    platform_score = _score(platform_score, "platform_score")
    if would_hire not in WouldHire.values:
        raise OutcomeError("Please say whether you would hire this intern.", field="would_hire")
    try:
        with transaction.atomic():
            survey = EmployerSurvey.objects.create(
                engagement=engagement, respondent=actor, platform_score=platform_score, would_hire=would_hire
            )
    except IntegrityError:
        raise OutcomeError("Someone at your organisation has already answered this survey.") from None
    return survey
