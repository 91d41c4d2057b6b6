"""Every write of pathways: building a ladder (with its progression rubric) and the recorded
decision that moves a candidate up, which the candidate is told about."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.lib.money import to_minor
from rung.lib.validation import amount_problem, currency_problem
from rung.orgs.models import Membership, Organisation, role_can
from rung.pathways import selectors
from rung.pathways.models import Criterion, CriterionKind, Decision, Pathway, PathwayStep, Progress, StepKind
from rung.profiles.models import Skill
from rung.projects.models import Project
from rung.projects.selectors import templates_for


class PathwayError(DomainError):
    pass


def _check(actor: User, organisation: Organisation, permission: str) -> None:
    membership = Membership.objects.filter(organisation=organisation, user=actor).first()
    if membership is None:
        raise NotFound("No such organisation.")
    if not role_can(membership.role, permission):
        raise PermissionDenied("Your role in this organisation does not allow that.")


@dataclass(frozen=True)
class CriterionInput:
    kind: str
    threshold: int = 1
    rubric_criterion: str = ""


@dataclass(frozen=True)
class StepInput:
    kind: str
    title: str
    role_title: str = ""
    level: str = ""
    salary_min: str = ""
    salary_max: str = ""
    currency: str = ""
    criteria: list[CriterionInput] = field(default_factory=list)


@dataclass(frozen=True)
class PathwayInput:
    title: str
    description: str = ""
    skills: list[str] = field(default_factory=list)  # slugs
    projects: list[str] = field(default_factory=list)  # uuids of the employer's projects
    templates: list[str] = field(default_factory=list)  # uuids: their skills join the scope
    steps: list[StepInput] = field(default_factory=list)


def _clean_criterion(c: CriterionInput, where: str) -> CriterionInput:
    if c.kind not in CriterionKind.values:
        raise PathwayError(f"{where}: unknown criterion “{c.kind}”.", field="criteria")
    if isinstance(c.threshold, bool) or not isinstance(c.threshold, int) or c.threshold < 0:
        raise PathwayError(f"{where}: the threshold must be a whole number, 0 or more.", field="criteria")
    if c.kind in (CriterionKind.FIRST_TIME, CriterionKind.ON_TIME) and c.threshold > 100:
        raise PathwayError(f"{where}: a percentage goes up to 100.", field="criteria")
    if c.kind == CriterionKind.COMPLETED and c.threshold > 50:
        raise PathwayError(f"{where}: at most 50 completed micro-internships.", field="criteria")
    name = c.rubric_criterion.strip()
    if c.kind == CriterionKind.RUBRIC_LEVEL:
        if not name or len(name) > 80:
            raise PathwayError(f"{where}: name the rubric criterion (up to 80 characters).", field="criteria")
        if c.threshold > 10:
            raise PathwayError(f"{where}: rubric levels go up to 10.", field="criteria")
    return CriterionInput(kind=c.kind, threshold=c.threshold, rubric_criterion=name)


def _salary(step: StepInput, where: str) -> tuple[int | None, int | None, str]:
    if not step.salary_min and not step.salary_max:
        return None, None, ""
    currency = step.currency.strip().upper()
    problems = [currency_problem(currency), *(amount_problem(a) for a in (step.salary_min, step.salary_max) if a)]
    if any(problems):
        raise PathwayError(f"{where}: {next(p for p in problems if p)}", field="steps")
    try:
        low = to_minor(step.salary_min, currency) if step.salary_min else None
        high = to_minor(step.salary_max, currency) if step.salary_max else None
    except (DomainError, ValueError, ArithmeticError):
        raise PathwayError(f"{where}: give the salary band as amounts with a currency code.", field="steps") from None
    if (low is not None and low <= 0) or (high is not None and high <= 0):
        raise PathwayError(f"{where}: salaries are more than zero.", field="steps")
    if low is not None and high is not None and low > high:
        raise PathwayError(f"{where}: the band's lower end is above its upper end.", field="steps")
    return low, high, currency


def create_pathway(organisation: Organisation, *, actor: User, data: PathwayInput) -> Pathway:
    _check(actor, organisation, "post_projects")
    title = data.title.strip()
    if not title or len(title) > 120:
        raise PathwayError("Please give the ladder a title (up to 120 characters).", field="title")
    if not 1 <= len(data.steps) <= 10:
        raise PathwayError("A ladder has 1 to 10 steps above the micro-internship.", field="steps")
    projects = list(Project.objects.filter(organisation=organisation, uuid__in=data.projects))
    if len(projects) != len(set(data.projects)):
        raise PathwayError("Some of those projects are not yours.", field="projects")
    # The templates the catalogue offers this organisation: the public ones and its own.
    templates = list(templates_for(organisation.pk).filter(uuid__in=data.templates))
    if len(templates) != len(set(data.templates)):
        raise PathwayError("Some of those templates are not available to you.", field="templates")
    skills = list(Skill.objects.filter(slug__in=data.skills))
    if len(skills) != len(set(data.skills)):
        raise PathwayError("Some of those skills are unknown.", field="skills")
    skills += [s for t in templates for s in t.skills.all()]
    steps = []
    for position, step in enumerate(data.steps, start=1):
        where = f"Step {position}"
        if step.kind not in StepKind.values:
            raise PathwayError(f"{where}: unknown kind “{step.kind}”.", field="steps")
        step_title = step.title.strip()
        if not step_title or len(step_title) > 120:
            raise PathwayError(f"{where}: please give it a title (up to 120 characters).", field="steps")
        if step.kind == StepKind.ROLE and not step.role_title.strip():
            raise PathwayError(f"{where}: a full role needs its job title.", field="steps")
        if len(step.criteria) > 10:
            raise PathwayError(f"{where}: at most 10 criteria.", field="criteria")
        criteria = [_clean_criterion(c, where) for c in step.criteria]
        steps.append((position, step, step_title, _salary(step, where), criteria))
    with transaction.atomic():
        pathway = Pathway.objects.create(
            organisation=organisation, title=title, description=data.description.strip()[:3000], created_by=actor
        )
        pathway.projects.set(projects)
        pathway.skills.set({s.pk: s for s in skills}.values())
        for position, step, step_title, (low, high, currency), criteria in steps:
            row = PathwayStep.objects.create(
                pathway=pathway,
                position=position,
                kind=step.kind,
                title=step_title,
                role_title=step.role_title.strip()[:120],
                level=step.level.strip()[:40],
                salary_min_minor=low,
                salary_max_minor=high,
                currency=currency,
            )
            Criterion.objects.bulk_create(
                Criterion(step=row, position=i, kind=c.kind, threshold=c.threshold, rubric_criterion=c.rubric_criterion)
                for i, c in enumerate(criteria)
            )
        record("pathway.created", actor=actor, obj=pathway, data={"steps": len(steps)})
    return pathway


def move_up(pathway: Pathway, *, candidate: User, actor: User, reason: str, to_position: int | None = None) -> Progress:
    """Move the candidate to the next step: a person's decision, with a reason the candidate reads,
    recorded with the criteria as they stood (a decision may go ahead of the rubric; it says so).

    `to_position` is the step the person saw as next: if someone moved the candidate meanwhile (or
    the form was sent twice), the decision is refused instead of moving them two steps."""
    _check(actor, pathway.organisation, "review")
    reason = reason.strip()
    if not reason:
        raise PathwayError("Please give the reason for the decision; the candidate reads it.", field="reason")
    if len(reason) > 1000:
        raise PathwayError("Please keep the reason under 1,000 characters.", field="reason")
    if pathway.archived_at:
        raise PathwayError("This ladder is archived.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                progress, _ = Progress.objects.get_or_create(pathway=pathway, candidate=candidate)
        except IntegrityError:
            progress = Progress.objects.get(pathway=pathway, candidate=candidate)
        progress = Progress.objects.select_for_update().get(pk=progress.pk)
        standing = selectors.standing_of(pathway, candidate)
        if standing is None:
            raise PathwayError("This candidate has not completed a micro-internship on this ladder.")
        if standing.next_step is None:
            raise PathwayError("This candidate is already at the top of the ladder.")
        if to_position is not None and to_position != standing.next_step.position:
            raise PathwayError("Someone has just moved this candidate; please look at the ladder again.")
        previous = progress.step
        progress.step = standing.next_step
        progress.updated_at = timezone.now()
        progress.save(update_fields=["step", "updated_at"])
        decision = Decision.objects.create(
            progress=progress,
            from_step=previous,
            to_step=standing.next_step,
            decided_by=actor,
            reason=reason,
            criteria_met=standing.met,
            criteria_total=standing.total,
        )
        record(
            "pathway.step_reached",
            actor=actor,
            obj=progress,
            data={"step": standing.next_step.position, "met": standing.met, "total": standing.total},
        )
        emit(
            "pathway.step_reached",
            progress_uuid=progress.uuid,
            pathway_uuid=pathway.uuid,
            organisation_id=pathway.organisation_id,
            candidate_id=candidate.pk,
            step=standing.next_step.position,
            actor_id=actor.pk,
        )
    progress.latest_decision = decision  # type: ignore[attr-defined]
    return progress


def archive_pathway(pathway: Pathway, *, actor: User) -> Pathway:
    """Take the ladder out of the active lists and the candidates' dashboards. Nothing is deleted:
    the steps, positions and decisions stay readable on the ladder's page; nobody moves up on it."""
    _check(actor, pathway.organisation, "post_projects")
    with transaction.atomic():
        # Compare-and-set: of two archivings sent at once, one wins and the other is told.
        changed = Pathway.objects.filter(pk=pathway.pk, archived_at__isnull=True).update(archived_at=timezone.now())
        if not changed:
            raise PathwayError("This ladder is already archived.")
        pathway.refresh_from_db(fields=["archived_at"])
        record("pathway.archived", actor=actor, obj=pathway)
    return pathway
