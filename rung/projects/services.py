"""Every change to projects: drafts, publishing (fair pay, verified employer, funded escrow),
closing, cancelling, duplicating, templates and rubrics."""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.lib.money import from_minor, normalise_currency, to_minor
from rung.lib.validation import date_problem
from rung.orgs.models import Membership, Organisation, OrgKind, role_can
from rung.profiles.models import Skill
from rung.projects.fairpay import check_fair_pay, minimum_wages
from rung.projects.licences import may_use_template
from rung.projects.models import (
    PROJECT_TRANSITIONS,
    IpLicence,
    Project,
    ProjectEvent,
    ProjectMilestone,
    ProjectStatus,
    ProjectTemplate,
    Rubric,
    RubricCriterion,
    RubricLevel,
    WorkMode,
)

MAX_MILESTONES = 8
MAX_QUESTIONS = 3
MAX_SEATS = 50


class ProjectError(DomainError):
    pass


@dataclass
class MilestoneInput:
    title: str
    due_offset_days: int
    share_percent: int
    description: str = ""


@dataclass
class ProjectInput:
    title: str
    summary: str
    learning_outcomes: list[str]
    duration_weeks: int
    estimated_hours: int
    stipend: str  # a decimal amount as typed, e.g. "600.00"
    currency: str
    seats: int
    application_deadline: date
    start_date: date
    milestones: list[MilestoneInput]
    skill_slugs: list[str] = field(default_factory=list)
    work_mode: str = WorkMode.REMOTE
    location: str = ""
    jurisdiction: str = ""
    timezone_from: int | None = None
    timezone_to: int | None = None
    screening_questions: list[str] = field(default_factory=list)
    rubric_uuid: str | None = None
    ip_licence: str = IpLicence.NON_EXCLUSIVE
    blind_review: bool = True
    offer_valid_days: int = 5
    review_rounds: int = 2
    template_uuid: str | None = None  # the template it was started from (recorded on create only)


def _require_poster(membership: Membership | None) -> Membership:
    if membership is None or not role_can(membership.role, "post_projects"):
        raise PermissionDenied("Only owners and managers of the organisation can change its projects.")
    return membership


def _fail(message: str, field: str | None = None, code: str = "invalid") -> None:
    raise ProjectError(message, field=field, code=code)


def validate_project_input(data: ProjectInput, *, organisation: Organisation) -> dict[str, Any]:
    """Check every rule a person can break in the form; return the cleaned model fields."""
    title = " ".join(data.title.split())
    if not 5 <= len(title) <= 120:
        _fail("Give the project a title of 5 to 120 characters.", "title")
    summary = data.summary.strip()
    if len(summary) < 30:
        _fail("Describe the project in at least a couple of sentences (30 characters or more).", "summary")
    outcomes = [o.strip() for o in data.learning_outcomes if o.strip()]
    if not outcomes:
        _fail("Say what the intern will learn: at least one learning outcome is required.", "learning_outcomes")
    if not 1 <= data.duration_weeks <= 4:
        _fail("A micro-internship lasts 1 to 4 weeks.", "duration_weeks")
    if not 1 <= data.estimated_hours <= 40 * data.duration_weeks:
        _fail(
            f"Estimate between 1 and {40 * data.duration_weeks} hours for {data.duration_weeks} week(s).",
            "estimated_hours",
        )
    try:
        currency = normalise_currency(data.currency)
        stipend_minor = to_minor(data.stipend, currency)
    except (ValueError, DomainError) as exc:
        raise ProjectError(f"The stipend is not a valid amount: {exc}", field="stipend") from None
    if stipend_minor <= 0:
        _fail("Every project on Rung is paid: give a stipend above zero.", "stipend", code="unpaid")
    fair = check_fair_pay(
        stipend_minor=stipend_minor,
        currency=currency,
        estimated_hours=data.estimated_hours,
        jurisdiction=data.jurisdiction,
    )
    if not fair.ok:
        _fail(fair.message, "stipend", code="below_floor")
    if not 1 <= data.seats <= MAX_SEATS:
        _fail(f"Offer between 1 and {MAX_SEATS} seats.", "seats")
    for value, what, name in (
        (data.application_deadline, "application deadline", "application_deadline"),
        (data.start_date, "start date", "start_date"),
    ):
        problem = date_problem(value, what=what)
        if problem:
            _fail(problem, name)
    if data.jurisdiction and data.jurisdiction.upper() not in minimum_wages():
        _fail(
            f"Rung has no minimum-wage table for “{data.jurisdiction}”; choose a listed country or leave it empty.",
            "jurisdiction",
        )
    if data.start_date <= data.application_deadline:
        _fail("The project must start after the application deadline, so there is time to choose.", "start_date")
    if data.work_mode != WorkMode.REMOTE and not data.location.strip():
        _fail("Say where the work happens for on-site or hybrid projects.", "location")
    if (data.timezone_from is None) != (data.timezone_to is None):
        _fail("Give both ends of the time-zone range, or neither.", "timezone_from")
    if (
        data.timezone_from is not None
        and data.timezone_to is not None
        and not (-12 <= data.timezone_from <= data.timezone_to <= 14)
    ):
        _fail("The time-zone range must run from UTC−12 to UTC+14, earliest first.", "timezone_from")
    questions = [q.strip() for q in data.screening_questions if q.strip()]
    if len(questions) > MAX_QUESTIONS:
        _fail(f"Ask at most {MAX_QUESTIONS} screening questions: short applications are fairer.", "screening_questions")
    if any(len(q) > 300 for q in questions):
        _fail("Keep each screening question under 300 characters.", "screening_questions")
    if not data.milestones:
        _fail("Add at least one milestone (a deliverable with a due day and a share of the stipend).", "milestones")
    if len(data.milestones) > MAX_MILESTONES:
        _fail(f"Use at most {MAX_MILESTONES} milestones.", "milestones")
    days = data.duration_weeks * 7
    for m in data.milestones:
        if not m.title.strip():
            _fail("Every milestone needs a title.", "milestones")
        if not 1 <= m.due_offset_days <= days:
            _fail(f"Milestone “{m.title}” must be due between day 1 and day {days} of the project.", "milestones")
        if m.share_percent < 1:
            _fail(f"Milestone “{m.title}” must carry a share of the stipend.", "milestones")
    if sum(m.share_percent for m in data.milestones) != 100:
        _fail("The milestones' shares of the stipend must add up to 100%.", "milestones")
    if data.ip_licence not in IpLicence.values:
        _fail("Choose an intellectual-property licence.", "ip_licence")
    if data.work_mode not in WorkMode.values:
        _fail("Choose remote, hybrid or on site.", "work_mode")
    if not 1 <= data.offer_valid_days <= 14:
        _fail("Offers should stay open for 1 to 14 days.", "offer_valid_days")
    if not 1 <= data.review_rounds <= 5:
        _fail("Allow between 1 and 5 rounds of changes.", "review_rounds")
    rubric = None
    if data.rubric_uuid:
        rubric = Rubric.objects.filter(uuid=data.rubric_uuid).first()
        if rubric is None or not (rubric.is_library or rubric.organisation_id == organisation.pk):
            _fail("Choose one of the library rubrics or one of your organisation's.", "rubric")
    skills = list(Skill.objects.filter(slug__in=data.skill_slugs))
    if len(skills) != len(set(data.skill_slugs)):
        _fail("Choose skills from the list.", "skills")
    return {
        "title": title,
        "summary": summary,
        "learning_outcomes": outcomes,
        "duration_weeks": data.duration_weeks,
        "estimated_hours": data.estimated_hours,
        "stipend_minor": stipend_minor,
        "currency": currency,
        "seats": data.seats,
        "application_deadline": data.application_deadline,
        "start_date": data.start_date,
        "work_mode": data.work_mode,
        "location": data.location.strip(),
        "jurisdiction": data.jurisdiction.upper(),
        "timezone_from": data.timezone_from,
        "timezone_to": data.timezone_to,
        "screening_questions": questions,
        "rubric": rubric,
        "ip_licence": data.ip_licence,
        "blind_review": data.blind_review,
        "offer_valid_days": data.offer_valid_days,
        "review_rounds": data.review_rounds,
        "_skills": skills,
    }


def _write(project: Project, cleaned: dict[str, Any], milestones: list[MilestoneInput]) -> None:
    skills = cleaned.pop("_skills")
    for name, value in cleaned.items():
        setattr(project, name, value)
    project.save()
    project.skills.set(skills)
    project.milestones.all().delete()
    ProjectMilestone.objects.bulk_create(
        ProjectMilestone(
            project=project,
            position=i,
            title=m.title.strip(),
            description=m.description.strip(),
            due_offset_days=m.due_offset_days,
            share_percent=m.share_percent,
        )
        for i, m in enumerate(sorted(milestones, key=lambda m: m.due_offset_days))
    )
    update_search_vector(project)


def update_search_vector(project: Project) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    skills = " ".join(project.skills.values_list("name", flat=True))
    Project.objects.filter(pk=project.pk).update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector(Value(skills), weight="B", config="english")
        + SearchVector("summary", weight="C", config="english")
    )


def _transition(project: Project, new: str, *, actor: User | None, note: str = "") -> Project:
    """Compare-and-set the status, so two people acting at once cannot both succeed."""
    old = project.status
    if new not in PROJECT_TRANSITIONS[old]:
        raise ProjectError(
            f"A project that is “{ProjectStatus(old).label}” cannot become “{ProjectStatus(new).label}”.",
            code="bad_transition",
        )
    now = timezone.now()
    stamps: dict[str, str] = {
        ProjectStatus.PUBLISHED: "published_at",
        ProjectStatus.CLOSED: "closed_at",
        ProjectStatus.CANCELLED: "cancelled_at",
    }
    changes: dict[str, Any] = {"status": new}
    if new in stamps:
        changes[stamps[new]] = now
    if not Project.objects.filter(pk=project.pk, status=old).update(**changes):
        raise ProjectError(
            "Someone else changed this project a moment ago. Reload the page and try again.", code="conflict"
        )
    project.refresh_from_db()
    ProjectEvent.objects.create(project=project, from_status=old, to_status=new, actor=actor, note=note)
    record(f"project.{new}", actor=actor, obj=project, data={"from": old, "note": note})
    return project


def create_project(organisation: Organisation, *, membership: Membership | None, data: ProjectInput) -> Project:
    poster = _require_poster(membership)
    if organisation.kind != OrgKind.EMPLOYER:
        raise ProjectError("Only employers post projects.", code="not_employer")
    cleaned = validate_project_input(data, organisation=organisation)
    template = _template_for(organisation, data.template_uuid)
    with transaction.atomic():
        project = Project(organisation=organisation, created_by=poster.user, template=template)
        _write(project, cleaned, data.milestones)
        ProjectEvent.objects.create(project=project, to_status=ProjectStatus.DRAFT, actor=poster.user)
        record("project.created", actor=poster.user, obj=project)
    return project


def _template_for(organisation: Organisation, template_uuid: str | None) -> ProjectTemplate | None:
    """The template a new project starts from: a public one or the organisation's own."""
    if not template_uuid:
        return None
    try:
        key = uuid.UUID(str(template_uuid))
    except ValueError:
        key = None
    template = (
        ProjectTemplate.objects.filter(Q(public=True) | Q(organisation=organisation), uuid=key).first() if key else None
    )
    if template is None:
        raise ProjectError("That template is not in the catalogue or your organisation's templates.", field="template")
    if not may_use_template(template, organisation):
        raise ProjectError(
            "This is a paid template: buy a licence for your organisation before starting a project from it.",
            field="template",
            code="needs_licence",
        )
    return template


def update_project(project: Project, *, membership: Membership | None, data: ProjectInput) -> Project:
    poster = _require_poster(membership)
    cleaned = validate_project_input(data, organisation=project.organisation)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status != ProjectStatus.DRAFT:
            raise ProjectError(
                "Only drafts can be edited. A published project's terms are fixed for applicants; "
                "close it and publish a new one, or amend a signed contract.",
                code="not_draft",
            )
        _write(project, cleaned, data.milestones)
        record("project.updated", actor=poster.user, obj=project)
    return project


def is_funded(project: Project) -> bool:
    from rung.ledger.selectors import is_project_funded

    return is_project_funded(
        project_uuid=project.uuid, required_minor=project.stipend_minor * project.seats, currency=project.currency
    )


def pending_deposit(project: Project) -> Any:
    """The deposit still waiting for the employer's transfer, if there is one."""
    from rung.ledger.models import Deposit, DepositStatus

    return Deposit.objects.filter(project_uuid=project.uuid, status=DepositStatus.PENDING).first()


def fund_project(project: Project, *, membership: Membership | None) -> Any:
    """Ask for the project's stipends (and the platform fee) to be paid into escrow."""
    from rung.ledger.services import request_deposit

    poster = _require_poster(membership)
    if project.status != ProjectStatus.DRAFT:
        raise ProjectError("Only a draft needs funding before it is published.", code="not_draft")
    if is_funded(project):
        raise ProjectError("This project is already funded: you can publish it.", code="already_funded")
    waiting = pending_deposit(project)
    if waiting is not None:
        raise ProjectError(
            f"A deposit is already waiting for your transfer (reference {waiting.reference}). "
            "Pay that one, or cancel it on the money page first.",
            code="deposit_pending",
        )
    return request_deposit(
        organisation=project.organisation,
        project_uuid=project.uuid,
        stipend_minor=project.stipend_minor,
        seats=project.seats,
        currency=project.currency,
        actor=poster.user,
        project_title=project.title,
    )


def fund_freed_seats(project: Project, *, membership: Membership | None) -> Any:
    """Fund again the seats of cancelled engagements (their escrow went back), so they reopen."""
    from rung.ledger.services import request_deposit
    from rung.projects.selectors import seats_for

    poster = _require_poster(membership)
    if project.status != ProjectStatus.PUBLISHED:
        raise ProjectError("Only a project open for applications can reopen a seat.", code="not_open")
    freed = seats_for(project).unfunded
    if not freed:
        raise ProjectError("No cancelled seat is waiting to be funded again.", code="nothing_to_fund")
    if pending_deposit(project) is not None:
        raise ProjectError("A deposit for this project is already waiting for your transfer.", code="deposit_pending")
    return request_deposit(
        organisation=project.organisation,
        project_uuid=project.uuid,
        stipend_minor=project.stipend_minor,
        seats=freed,
        currency=project.currency,
        actor=poster.user,
    )


def publish_project(project: Project, *, membership: Membership | None) -> Project:
    poster = _require_poster(membership)
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("organisation").get(pk=project.pk)
        if not project.organisation.can_publish:
            raise ProjectError(
                "Rung staff have not verified your organisation yet, so it cannot publish. "
                "You can keep preparing drafts meanwhile.",
                code="unverified_org",
            )
        fair = check_fair_pay(
            stipend_minor=project.stipend_minor,
            currency=project.currency,
            estimated_hours=project.estimated_hours,
            jurisdiction=project.jurisdiction,
        )
        if not fair.ok:
            raise ProjectError(fair.message, field="stipend", code="below_floor")
        if not project.learning_outcomes:
            raise ProjectError("Add at least one learning outcome before publishing.", code="no_outcomes")
        if project.application_deadline < timezone.now().date():
            raise ProjectError(
                "The application deadline has passed: choose new dates before publishing.",
                field="application_deadline",
                code="deadline_passed",
            )
        if not is_funded(project):
            raise ProjectError(
                f"Fund the project first: {project.seats} × "
                f"{from_minor(project.stipend_minor, project.currency)} {project.currency} must be held in escrow "
                "before candidates can apply.",
                code="unfunded",
            )
        from rung.ledger.services import name_project

        name_project(project_uuid=project.uuid, title=project.title)  # how statements name it from now on
        project = _transition(project, ProjectStatus.PUBLISHED, actor=poster.user)
        emit("project.published", project_uuid=project.uuid, actor_id=poster.user.pk)
        return project


def mark_closed(project: Project, *, membership: Membership | None) -> Project:
    """The project's own part of closing: its status. The whole flow (refunds of unused seats, and
    completion if nothing is left open) is `rung.engagements.winddown.close_project`."""
    poster = _require_poster(membership)
    with transaction.atomic():
        project = _transition(project, ProjectStatus.CLOSED, actor=poster.user, note="closed to applications")
        emit("project.closed", project_uuid=project.uuid, actor_id=poster.user.pk)
        return project


def mark_cancelled(project: Project, *, membership: Membership | None, reason: str) -> Project:
    """The project's own part of cancelling: its status and the reason. The whole flow (waiting
    applicants answered, engagements cancelled, escrow refunded) is
    `rung.engagements.winddown.cancel_project`."""
    poster = _require_poster(membership)
    if not reason.strip():
        raise ProjectError("Say why the project is cancelled; applicants will read it.", field="reason")
    with transaction.atomic():
        project = _transition(project, ProjectStatus.CANCELLED, actor=poster.user, note=reason.strip())
        emit("project.cancelled", project_uuid=project.uuid, actor_id=poster.user.pk)
        return project


def project_to_input(project: Project) -> ProjectInput:
    return ProjectInput(
        title=project.title,
        summary=project.summary,
        learning_outcomes=list(project.learning_outcomes),
        duration_weeks=project.duration_weeks,
        estimated_hours=project.estimated_hours,
        stipend=str(from_minor(project.stipend_minor, project.currency)),
        currency=project.currency,
        seats=project.seats,
        application_deadline=project.application_deadline,
        start_date=project.start_date,
        milestones=[
            MilestoneInput(
                title=m.title,
                description=m.description,
                due_offset_days=m.due_offset_days,
                share_percent=m.share_percent,
            )
            for m in project.milestones.all()
        ],
        skill_slugs=list(project.skills.values_list("slug", flat=True)),
        work_mode=project.work_mode,
        location=project.location,
        jurisdiction=project.jurisdiction,
        timezone_from=project.timezone_from,
        timezone_to=project.timezone_to,
        screening_questions=list(project.screening_questions),
        rubric_uuid=str(project.rubric.uuid) if project.rubric else None,
        ip_licence=project.ip_licence,
        blind_review=project.blind_review,
        offer_valid_days=project.offer_valid_days,
        review_rounds=project.review_rounds,
    )


def duplicate_project(
    project: Project, *, membership: Membership | None, application_deadline: date, start_date: date
) -> Project:
    data = project_to_input(project)
    data.title = f"{data.title} (copy)"[:120]
    data.application_deadline, data.start_date = application_deadline, start_date
    return create_project(project.organisation, membership=membership, data=data)


def save_as_template(project: Project, *, membership: Membership | None, name: str) -> ProjectTemplate:
    poster = _require_poster(membership)
    if not name.strip():
        raise ProjectError("Name the template.", field="name")
    data = asdict(project_to_input(project))
    for key in ("application_deadline", "start_date", "template_uuid"):
        data.pop(key)
    with transaction.atomic():
        template = ProjectTemplate.objects.create(organisation=project.organisation, name=name.strip()[:120], data=data)
        template.skills.set(project.skills.all())
        record("project.template.saved", actor=poster.user, obj=template)
    return template


def input_from_template(template: ProjectTemplate, *, application_deadline: date, start_date: date) -> ProjectInput:
    data = dict(template.data)
    data.pop("template_uuid", None)
    milestones = [MilestoneInput(**m) for m in data.pop("milestones", [])]
    return ProjectInput(
        **data,
        milestones=milestones,
        application_deadline=application_deadline,
        start_date=start_date,
        template_uuid=str(template.uuid),
    )


def curate_template(template: ProjectTemplate, *, staff: User, featured: bool, public: bool) -> ProjectTemplate:
    if not staff.is_staff:
        raise PermissionDenied("Only Rung staff curate the template catalogue.")
    with transaction.atomic():
        ProjectTemplate.objects.filter(pk=template.pk).update(featured=featured, public=public)
        template.refresh_from_db()
        record("project.template.curated", actor=staff, obj=template, data={"featured": featured, "public": public})
    return template


# --- Rubrics -----------------------------------------------------------------------------------


@dataclass
class CriterionInput:
    name: str
    weight: int
    descriptors: list[str]  # one per level, lowest first
    description: str = ""


def create_rubric(
    organisation: Organisation,
    *,
    membership: Membership | None,
    name: str,
    description: str,
    criteria: list[CriterionInput],
) -> Rubric:
    """An organisation's own rubric. Rubrics are never edited once made — reviews are scored against
    them — so changing one means making a new one (start from a copy)."""
    from rung.projects.library import LEVELS

    poster = _require_poster(membership)
    name = " ".join(name.split())
    if not 3 <= len(name) <= 120:
        raise ProjectError("Name the rubric (3 to 120 characters).", field="name")
    if not 1 <= len(criteria) <= 8:
        raise ProjectError("A rubric has 1 to 8 criteria.", field="criteria")
    for criterion in criteria:
        if not criterion.name.strip():
            raise ProjectError("Every criterion needs a name.", field="criteria")
        if not 1 <= criterion.weight <= 5:
            raise ProjectError(f"The weight of “{criterion.name}” must be from 1 to 5.", field="criteria")
        if len(criterion.descriptors) != len(LEVELS) or any(not d.strip() for d in criterion.descriptors):
            raise ProjectError(
                f"Describe all {len(LEVELS)} levels of “{criterion.name}”, so reviewers score "
                "against words, not gut feeling.",
                field="criteria",
            )
    if len({c.name.strip().lower() for c in criteria}) != len(criteria):
        raise ProjectError("Give each criterion a different name.", field="criteria")
    with transaction.atomic():
        rubric = Rubric.objects.create(organisation=organisation, name=name, description=description.strip())
        for position, criterion in enumerate(criteria):
            row = RubricCriterion.objects.create(
                rubric=rubric,
                position=position,
                name=criterion.name.strip()[:80],
                description=criterion.description.strip(),
                weight=criterion.weight,
            )
            RubricLevel.objects.bulk_create(
                RubricLevel(criterion=row, score=score, label=label, descriptor=text.strip())
                for (score, label), text in zip(LEVELS, criterion.descriptors, strict=True)
            )
        record("project.rubric.created", actor=poster.user, obj=rubric)
    return rubric


def rubric_to_input(rubric: Rubric) -> list[CriterionInput]:
    return [
        CriterionInput(
            name=c.name,
            weight=c.weight,
            description=c.description,
            descriptors=[level.descriptor for level in c.levels.all()],
        )
        for c in rubric.criteria.prefetch_related("levels")
    ]


def complete_project(project: Project, *, actor: User | None) -> Project:
    """A closed project whose every engagement has ended (called by the engagements app)."""
    with transaction.atomic():
        project = _transition(project, ProjectStatus.COMPLETED, actor=actor, note="every engagement has ended")
        emit("project.completed", project_uuid=project.uuid)
        return project
