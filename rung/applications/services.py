"""Every change to applications: apply, withdraw, the blind first pass, rejections, offers and the
sweep that makes sure nobody is left without an answer."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.applications.models import (
    APPLICATION_TRANSITIONS,
    REJECTION_TEMPLATES,
    UNDECIDED_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationStatus,
)
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.orgs.models import Membership, Role, role_can
from rung.profiles.models import CandidateProfile
from rung.profiles.services import refuse_if_conflicted
from rung.projects.models import Project, ProjectStatus
from rung.projects.selectors import seats_for

MAX_ANSWER = 1500


class ApplicationError(DomainError):
    pass


def _transition(application: Application, new: str, *, actor: User | None, **changes: object) -> Application:
    """Compare-and-set the status: of two people acting at once, one wins and the other is told."""
    old = application.status
    if new not in APPLICATION_TRANSITIONS[old]:
        raise ApplicationError(
            f"An application that is “{ApplicationStatus(old).label}” cannot become “{ApplicationStatus(new).label}”.",
            code="bad_transition",
        )
    if not Application.objects.filter(pk=application.pk, status=old).update(status=new, **changes):
        raise ApplicationError("This application changed a moment ago. Reload the page to see it.", code="conflict")
    application.refresh_from_db()
    ApplicationEvent.objects.create(application=application, from_status=old, to_status=new, actor=actor)
    record(
        f"application.{new}", actor=actor, obj=application, data={"from": old, "project": str(application.project.uuid)}
    )
    return application


def reviewers(project: Project) -> list[User]:
    memberships = Membership.objects.filter(organisation=project.organisation).select_related("user")
    return [m.user for m in memberships if role_can(m.role, "review") or m.role == Role.MANAGER]


def _require_reviewer(membership: Membership | None, application: Application) -> Membership:
    if (
        membership is None
        or membership.organisation_id != application.project.organisation_id
        or not role_can(membership.role, "review")
    ):
        raise PermissionDenied("Only reviewers, managers and owners of the employer decide on applications.")
    # Mentoring stays apart from assessment, and nobody judges a relative or a friend.
    refuse_if_conflicted(membership.user, application.candidate, doing="decide on this application")
    return membership


def availability_clashes(candidate: User, project: Project) -> bool:
    """True if the candidate's stated availability does not cover the project. Flagged, never hidden."""
    profile = CandidateProfile.objects.filter(user=candidate).first()
    if profile is None:
        return False
    if profile.hours_per_week and profile.hours_per_week < project.hours_per_week:
        return True
    windows = list(profile.windows.all())
    covered = any(w.starts_on <= project.start_date and w.ends_on >= project.end_date for w in windows)
    return bool(windows) and not covered


def apply(project: Project, *, candidate: User, answers: list[str], note: str = "") -> Application:
    if not project.is_open:
        raise ApplicationError("This project is not open for applications.", code="not_open")
    if seats_for(project).full:
        raise ApplicationError(
            "Every seat on this project is taken, so it is not taking applications. "
            "Have a look at other open projects.",
            code="full",
        )
    if Membership.objects.filter(organisation=project.organisation, user=candidate).exists():
        raise ApplicationError(
            "You are a member of this organisation, so you cannot apply to its projects.", code="conflict_of_interest"
        )
    questions = list(project.screening_questions)
    cleaned = [a.strip() for a in answers]
    if len(cleaned) != len(questions) or any(not a for a in cleaned):
        raise ApplicationError("Answer every question, briefly.", field="answers")
    if any(len(a) > MAX_ANSWER for a in cleaned):
        raise ApplicationError(
            f"Keep each answer under {MAX_ANSWER} characters: short answers are enough.", field="answers"
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                project=project,
                candidate=candidate,
                answers=cleaned,
                note=note.strip()[:1500],
                availability_clash=availability_clashes(candidate, project),
            )
            ApplicationEvent.objects.create(application=application, to_status=application.status, actor=candidate)
            record("application.submitted", actor=candidate, obj=application, data={"project": str(project.uuid)})
            emit(
                "application.submitted",
                application_uuid=application.uuid,
                project_uuid=project.uuid,
                organisation_id=project.organisation_id,
                actor_id=candidate.pk,
            )
    except IntegrityError:
        raise ApplicationError("You have already applied to this project.", code="already_applied") from None
    return application


def withdraw(application: Application, *, candidate: User) -> Application:
    if application.candidate_id != candidate.pk:
        raise PermissionDenied("Only the candidate can withdraw an application.")
    with transaction.atomic():
        application = _transition(application, ApplicationStatus.WITHDRAWN, actor=candidate, decided_at=timezone.now())
        emit(
            "application.withdrawn",
            application_uuid=application.uuid,
            project_uuid=application.project.uuid,
            actor_id=candidate.pk,
        )
    return application


def shortlist(application: Application, *, membership: Membership | None) -> Application:
    reviewer = _require_reviewer(membership, application)
    with transaction.atomic():
        application = _transition(application, ApplicationStatus.SHORTLISTED, actor=reviewer.user)
        emit(
            "application.shortlisted",
            application_uuid=application.uuid,
            project_uuid=application.project.uuid,
            actor_id=reviewer.user.pk,
        )
    return application


MAX_NOTE = 2000


def add_private_note(application: Application, *, membership: Membership | None, body: str) -> ApplicationNote:
    """A reviewer's note for the employer's own people; the candidate never sees it."""
    reviewer = _require_reviewer(membership, application)
    body = body.strip()
    if not body:
        raise ApplicationError("Write the note first.", field="body")
    if len(body) > MAX_NOTE:
        raise ApplicationError(f"Keep a note under {MAX_NOTE} characters.", field="body")
    with transaction.atomic():
        note = ApplicationNote.objects.create(application=application, author=reviewer.user, body=body)
        # The audit trail records that a note was written, not what it says.
        record(
            "application.note_added",
            actor=reviewer.user,
            obj=application,
            data={"note": str(note.uuid), "length": len(body)},
        )
    return note


def rejection_text(project: Project, template: str) -> str:
    """One of the kind rejection messages, filled in for this project (the first one if unknown)."""
    text = REJECTION_TEMPLATES.get(template) or next(iter(REJECTION_TEMPLATES.values()))
    skills = ", ".join(project.skills.values_list("name", flat=True)[:3]) or "the skills this project needs"
    return text.format(skills=skills)


def reject(application: Application, *, membership: Membership | None, message: str) -> Application:
    reviewer = _require_reviewer(membership, application)
    message = message.strip()
    if len(message) < 20:
        raise ApplicationError("Write a short, kind message to the candidate (at least a sentence).", field="message")
    with transaction.atomic():
        application = _transition(
            application,
            ApplicationStatus.REJECTED,
            actor=reviewer.user,
            decided_at=timezone.now(),
            decided_by=reviewer.user,
            message=message,
        )
        emit(
            "application.rejected",
            application_uuid=application.uuid,
            project_uuid=application.project.uuid,
            actor_id=reviewer.user.pk,
        )
    return application


def _accepted(project: Project) -> int:
    """Seats taken: a cancelled engagement's seat counts until its escrow is funded again."""
    return seats_for(project).taken


def make_offer(application: Application, *, membership: Membership | None, message: str = "") -> Application:
    reviewer = _require_reviewer(membership, application)
    project = application.project
    if project.status not in (ProjectStatus.PUBLISHED, ProjectStatus.CLOSED):
        raise ApplicationError("Offers can only be made on published projects.", code="not_open")
    if application.status != ApplicationStatus.SHORTLISTED:
        raise ApplicationError("Shortlist the candidate before making an offer.", code="not_shortlisted")
    if _accepted(project) >= project.seats:
        raise ApplicationError("Every seat is already taken.", code="full")
    expires = timezone.now() + timedelta(days=project.offer_valid_days)
    with transaction.atomic():
        application = _transition(
            application,
            ApplicationStatus.OFFERED,
            actor=reviewer.user,
            decided_at=timezone.now(),
            decided_by=reviewer.user,
            message=message.strip(),
            offer_expires_at=expires,
        )
        emit("offer.made", application_uuid=application.uuid, project_uuid=project.uuid, actor_id=reviewer.user.pk)
    return application


def take_seat(application: Application, *, candidate: User) -> Application:
    """The application's part of accepting an offer: take one of the project's seats.

    Called by `rung.engagements.services.accept_offer`, which creates the engagement and its contract
    in the same transaction; never call it on its own.
    """
    if application.candidate_id != candidate.pk:
        raise PermissionDenied("Only the candidate can accept this offer.")
    with transaction.atomic():
        # Lock the project row: every acceptance of this project queues here, so counting the
        # accepted seats and taking one happen as one step and seats are never exceeded.
        project = Project.objects.select_for_update().get(pk=application.project_id)
        application = Application.objects.select_related("project").get(pk=application.pk)
        if application.status != ApplicationStatus.OFFERED:
            raise ApplicationError("There is no open offer to accept.", code="no_offer")
        if application.offer_expires_at and application.offer_expires_at < timezone.now():
            raise ApplicationError("This offer has expired.", code="expired")
        if _accepted(project) >= project.seats:
            raise ApplicationError(
                "Sorry — every seat was taken before you accepted. The employer has been told.", code="full"
            )
        return _transition(application, ApplicationStatus.ACCEPTED, actor=candidate)


def decline_offer(application: Application, *, candidate: User) -> Application:
    if application.candidate_id != candidate.pk:
        raise PermissionDenied("Only the candidate can decline this offer.")
    with transaction.atomic():
        application = _transition(application, ApplicationStatus.DECLINED, actor=candidate)
        emit(
            "offer.declined",
            application_uuid=application.uuid,
            project_uuid=application.project.uuid,
            actor_id=candidate.pk,
        )
    return application


COURTEOUS_CLOSE = (
    "Thank you for applying to {project}. The employer did not reach a decision by the deadline, so Rung has "
    "closed your application rather than leave you waiting. This says nothing about your application; "
    "we count it against the employer's responsiveness record."
)


def sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Close undecided applications past the decision deadline and expire lapsed offers.

    Each row is claimed with compare-and-set, so two sweeps running at once never act twice.
    Returns (closed, expired).
    """
    now = now or timezone.now()
    deadline_day = now.date() - timedelta(days=settings.DECISION_DEADLINE_DAYS)
    closed = expired = 0
    overdue = Application.objects.filter(
        status__in=UNDECIDED_STATUSES, project__application_deadline__lt=deadline_day
    ).select_related("project")
    for application in overdue:
        with transaction.atomic():
            if not Application.objects.filter(pk=application.pk, status=application.status).update(
                status=ApplicationStatus.CLOSED, closed_by_sweep=True, decided_at=now
            ):
                continue
            ApplicationEvent.objects.create(
                application=application, from_status=application.status, to_status=ApplicationStatus.CLOSED, actor=None
            )
            record("application.closed", actor=None, obj=application, data={"reason": "decision deadline passed"})
            emit(
                "application.closed",
                application_uuid=application.uuid,
                project_uuid=application.project.uuid,
                reason="decision_deadline",
            )
            closed += 1
    for application in Application.objects.filter(status=ApplicationStatus.OFFERED, offer_expires_at__lt=now):
        with transaction.atomic():
            if not Application.objects.filter(pk=application.pk, status=ApplicationStatus.OFFERED).update(
                status=ApplicationStatus.EXPIRED
            ):
                continue
            ApplicationEvent.objects.create(
                application=application,
                from_status=ApplicationStatus.OFFERED,
                to_status=ApplicationStatus.EXPIRED,
                actor=None,
            )
            record("application.expired", actor=None, obj=application)
            emit("offer.expired", application_uuid=application.uuid, project_uuid=application.project.uuid)
            expired += 1
    return closed, expired


def close_for_ended_project(project: Project, *, actor: User | None, cancelled: bool) -> int:
    """The project was cancelled (or closed): applications still waiting get a courteous answer.

    Closing a project keeps shortlists and offers alive (the employer may still choose); cancelling
    answers everyone still waiting. Returns how many applications were closed.
    """
    statuses = [*UNDECIDED_STATUSES, ApplicationStatus.OFFERED] if cancelled else []
    closed = 0
    for application in Application.objects.filter(project=project, status__in=statuses).select_related("candidate"):
        if not Application.objects.filter(pk=application.pk, status=application.status).update(
            status=ApplicationStatus.CLOSED, decided_at=timezone.now()
        ):
            continue
        ApplicationEvent.objects.create(
            application=application,
            from_status=application.status,
            to_status=ApplicationStatus.CLOSED,
            actor=actor,
            note="project cancelled",
        )
        record("application.closed", actor=actor, obj=application, data={"reason": "project cancelled"})
        emit(
            "application.closed",
            application_uuid=application.uuid,
            project_uuid=project.uuid,
            reason="project_cancelled",
        )
        closed += 1
    return closed
