"""Reads of pathways: where a candidate stands, who is ready for the next step.

Each candidate's figures are aggregated in SQL in one query per pathway (`candidate_metrics`: one
row per candidate with counts and maxima as subqueries); the criteria are then compared with
those figures, which costs no queries. The figures come from the engagements in the pathway's
scope (`scope_engagements`): completed, with the employer, in its projects or skills.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower

from rung.accounts.models import User
from rung.engagements.models import Engagement, EngagementMilestone, EngagementStatus, MilestoneStatus
from rung.lib.errors import NotFound
from rung.mentoring.models import Pairing
from rung.orgs.models import Organisation
from rung.pathways.models import Criterion, CriterionKind, Decision, Pathway, PathwayStep, Progress
from rung.projects.models import ProjectTemplate
from rung.reviews.models import Decision as ReviewDecision
from rung.reviews.models import ReviewScore, Submission


def pathways_of(org: Organisation) -> QuerySet[Pathway]:
    return Pathway.objects.filter(organisation=org, archived_at__isnull=True).order_by("title")


def archived_pathways_of(org: Organisation) -> QuerySet[Pathway]:
    """Archived ladders stay readable (their standings and decisions) from the organisation's page."""
    return Pathway.objects.filter(organisation=org, archived_at__isnull=False).order_by("-archived_at", "title")


def decisions_of(pathway: Pathway, *, limit: int = 50) -> list[Decision]:
    """The recorded decisions on the ladder, newest first, in one query."""
    return list(
        Decision.objects.filter(progress__pathway=pathway)
        .select_related("progress__candidate", "to_step", "decided_by")
        .order_by("-at", "-pk")[:limit]
    )


def get_pathway(org: Organisation, pathway_uuid: str) -> Pathway:
    pathway = (
        Pathway.objects.filter(organisation=org, uuid=pathway_uuid)
        .prefetch_related(
            Prefetch("steps", queryset=PathwayStep.objects.prefetch_related("criteria").order_by("position")),
            "skills",
            "projects",
        )
        .first()
    )
    if pathway is None:
        raise NotFound("No such pathway.")
    return pathway


def scope_engagements(pathway: Pathway) -> QuerySet[Engagement]:
    scope = Q(project__organisation_id=pathway.organisation_id, status=EngagementStatus.COMPLETED)
    # Lists, not subqueries: prefetched ladders (the dashboard's) then cost no query here.
    project_ids = [p.pk for p in pathway.projects.all()]
    skill_ids = [s.pk for s in pathway.skills.all()]
    narrow = Q(project__in=project_ids) | Q(project__skills__in=skill_ids)
    has_narrow = bool(project_ids or skill_ids)
    # Ids only: joining through skills would repeat engagements that share several of them.
    ids = Engagement.objects.filter(scope & narrow if has_narrow else scope).values("pk")
    return Engagement.objects.filter(pk__in=ids)


def _count(qs: QuerySet, candidate_path: str) -> Coalesce:
    sub = qs.filter(**{candidate_path: OuterRef("pk")}).order_by().values(candidate_path).annotate(n=Count("pk"))
    return Coalesce(Subquery(sub.values("n"), output_field=IntegerField()), Value(0))


def ladder_steps(pathway: Pathway) -> list[PathwayStep]:
    """The steps with their criteria: from the prefetch when there is one, else in two queries."""
    if "steps" in getattr(pathway, "_prefetched_objects_cache", {}):
        return sorted(pathway.steps.all(), key=lambda s: s.position)
    return list(pathway.steps.prefetch_related("criteria").order_by("position"))


def rubric_names(steps: list[PathwayStep]) -> list[str]:
    return sorted(
        {
            c.rubric_criterion.lower()
            for step in steps
            for c in step.criteria.all()
            if c.kind == CriterionKind.RUBRIC_LEVEL
        }
    )


def candidate_metrics(
    pathway: Pathway, candidates: QuerySet[User] | None = None, *, steps: list[PathwayStep] | None = None
) -> QuerySet[User]:
    """One row per candidate with a completed engagement in scope (or of `candidates`), with:
    m_completed, m_approved (milestones), m_first_time (approved without a round of changes),
    m_on_time (first version handed in by the due date), m_mentor (a wrap-up recommendation),
    and m_rubric_<i> (the best level on each named rubric criterion, in `rubric_names` order)."""
    engagements = scope_engagements(pathway)
    milestones = EngagementMilestone.objects.filter(engagement__in=engagements, status=MilestoneStatus.APPROVED)
    first_on_time = Submission.objects.filter(
        milestone=OuterRef("pk"), version=1, submitted_at__date__lte=F("milestone__due_date")
    )
    people = candidates if candidates is not None else User.objects.filter(engagements__in=engagements)
    rows = people.distinct().annotate(
        m_completed=_count(engagements, "candidate"),
        m_approved=_count(milestones, "engagement__candidate"),
        m_first_time=_count(milestones.filter(change_rounds_used=0), "engagement__candidate"),
        m_on_time=_count(milestones.filter(Exists(first_on_time)), "engagement__candidate"),
        m_mentor=Exists(
            Pairing.objects.filter(engagement__in=engagements, engagement__candidate=OuterRef("pk")).exclude(
                recommendation=""
            )
        ),
    )
    for i, name in enumerate(rubric_names(ladder_steps(pathway) if steps is None else steps)):
        best = (
            ReviewScore.objects.annotate(lname=Lower("criterion_name"))
            .filter(
                lname=name,
                review__decision=ReviewDecision.APPROVE,
                review__submission__milestone__engagement__in=engagements,
                review__submission__milestone__engagement__candidate=OuterRef("pk"),
            )
            .order_by()
            .values("review__submission__milestone__engagement__candidate")
            .annotate(best=Max("score"))
            .values("best")
        )
        rows = rows.annotate(**{f"m_rubric_{i}": Coalesce(Subquery(best, output_field=IntegerField()), Value(0))})
    return rows


@dataclass(frozen=True)
class CriterionResult:
    label: str
    met: bool
    value: str


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def evaluate(criterion: Criterion, row: User, names: list[str]) -> CriterionResult:
    m = row  # the annotated row of candidate_metrics
    match criterion.kind:
        case CriterionKind.COMPLETED:
            value = m.m_completed  # type: ignore[attr-defined]
            return CriterionResult(criterion.label, value >= criterion.threshold, f"{value} completed")
        case CriterionKind.FIRST_TIME:
            pct = _percent(m.m_first_time, m.m_approved)  # type: ignore[attr-defined]
            met = m.m_approved > 0 and pct >= criterion.threshold  # type: ignore[attr-defined]
            return CriterionResult(criterion.label, met, f"{pct} %")
        case CriterionKind.ON_TIME:
            pct = _percent(m.m_on_time, m.m_approved)  # type: ignore[attr-defined]
            met = m.m_approved > 0 and pct >= criterion.threshold  # type: ignore[attr-defined]
            return CriterionResult(criterion.label, met, f"{pct} %")
        case CriterionKind.RUBRIC_LEVEL:
            index = names.index(criterion.rubric_criterion.lower())
            level = getattr(m, f"m_rubric_{index}")
            return CriterionResult(criterion.label, level >= criterion.threshold, f"level {level}" if level else "—")
        case _:
            given = bool(m.m_mentor)  # type: ignore[attr-defined]
            return CriterionResult(criterion.label, given, "given" if given else "not yet")


@dataclass(frozen=True)
class Standing:
    pathway: Pathway
    candidate: User
    step: PathwayStep | None  # highest reached; None: the entry
    next_step: PathwayStep | None  # None: the top of the ladder
    criteria: list[CriterionResult]

    @property
    def met(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def ready(self) -> bool:
        return self.next_step is not None and self.met == self.total

    @property
    def summary(self) -> str:
        if self.next_step is None:
            return "At the top of this ladder"
        return f"{self.met} of {self.total} criteria met for {self.next_step.title.lower()}"


def _standing(pathway: Pathway, steps: list[PathwayStep], row: User, position: int, names: list[str]) -> Standing:
    current = next((s for s in steps if s.position == position), None)
    upcoming = next((s for s in steps if s.position > position), None)
    results = [evaluate(c, row, names) for c in upcoming.criteria.all()] if upcoming else []
    return Standing(pathway=pathway, candidate=row, step=current, next_step=upcoming, criteria=results)


def _positions(pathway: Pathway, candidate_ids: list[int]) -> dict[int, int]:
    rows = Progress.objects.filter(pathway=pathway, candidate_id__in=candidate_ids).values_list(
        "candidate_id", "step__position"
    )
    return {cid: pos or 0 for cid, pos in rows}


def standing_of(pathway: Pathway, candidate: User) -> Standing | None:
    """Where the candidate stands, or None when they have no completed engagement in scope."""
    steps = ladder_steps(pathway)
    row = candidate_metrics(pathway, User.objects.filter(pk=candidate.pk), steps=steps).first()
    if row is None or not row.m_completed:  # type: ignore[attr-defined]
        return None
    position = _positions(pathway, [candidate.pk]).get(candidate.pk, 0)
    return _standing(pathway, steps, row, position, rubric_names(steps))


def standings(pathway: Pathway, *, limit: int = 200) -> list[Standing]:
    """Everyone on the ladder, readiest first (for the employer). A fixed number of queries."""
    steps = ladder_steps(pathway)
    rows = list(candidate_metrics(pathway, steps=steps).order_by("full_name", "email")[:limit])
    positions = _positions(pathway, [r.pk for r in rows])
    names = rubric_names(steps)
    result = [_standing(pathway, steps, r, positions.get(r.pk, 0), names) for r in rows]
    return sorted(result, key=lambda s: (not s.ready, -(s.met - s.total), s.candidate.full_name))


def standings_for_candidate(user: User, *, limit: int = 5) -> list[Standing]:
    """The candidate's place on the ladders of every employer they completed work with (at most
    `limit` ladders, so the dashboard's cost stays bounded: a few queries per ladder)."""
    org_ids = Engagement.objects.filter(candidate=user, status=EngagementStatus.COMPLETED).values(
        "project__organisation_id"
    )
    pathways = (
        Pathway.objects.filter(organisation_id__in=org_ids, archived_at__isnull=True)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("steps", queryset=PathwayStep.objects.prefetch_related("criteria")), "skills", "projects"
        )
        .order_by("organisation__name", "title")[:limit]
    )
    found = [standing_of(p, user) for p in pathways]
    return [s for s in found if s is not None]


# ---------------------------------------------------------------------------------------------
# Outcomes of the project template catalogue. Pathways is the lowest layer that may read both the
# reviews and the outcomes, so the figures are computed here and shown on the catalogue page (in
# rung/projects) through `projects.extensions.register_template_notes`.

TEMPLATE_MIN_ENGAGEMENTS = 3  # fewer engagements started than this: "Not enough data yet"


@dataclass(frozen=True)
class CriterionLevel:
    criterion: str
    level: str  # the most common level in the approved final reviews (ties: the higher level)
    count: int  # approved scores at that level
    of: int  # approved scores for the criterion


@dataclass(frozen=True)
class TemplateOutcomes:
    projects: int  # projects started from the template
    started: int  # engagements on those projects that started (signed and under way, or done)
    completed: int
    levels: tuple[CriterionLevel, ...]
    known: int  # completed engagements with an outcome recorded (the base of the interview rate)
    interviewed: int  # of those, engagements whose candidate reached an interview

    @property
    def minimum(self) -> int:
        return TEMPLATE_MIN_ENGAGEMENTS

    @property
    def enough(self) -> bool:
        return self.started >= TEMPLATE_MIN_ENGAGEMENTS

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed / self.started) if self.started else 0

    @property
    def interview_percent(self) -> int:
        return round(100 * self.interviewed / self.known) if self.known else 0


def template_outcomes(templates: Sequence[ProjectTemplate]) -> dict[int, TemplateOutcomes]:
    """Per template pk, what happened on the projects started from it. Two queries whatever the
    number of templates or engagements: the counts, then the rubric levels grouped in SQL.

    The levels are those of approved reviews (the version accepted for each milestone) of completed
    engagements; an outcome counts for the interview rate when it is linked to a completed
    engagement on such a project and reached "interviewed" (also when it later moved on)."""
    ids = [t.pk for t in templates]
    if not ids:
        return {}
    e = "projects__engagements"
    done = Q(**{f"{e}__status": EngagementStatus.COMPLETED})
    counts: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in ProjectTemplate.objects.filter(pk__in=ids)
        .order_by()
        .values("pk")
        .annotate(
            n_projects=Count("projects", distinct=True),
            n_started=Count(e, filter=Q(**{f"{e}__started_at__isnull": False}) | done, distinct=True),
            n_completed=Count(e, filter=done, distinct=True),
            n_known=Count(e, filter=done & Q(**{f"{e}__outcomes__isnull": False}), distinct=True),
            n_interviewed=Count(e, filter=done & Q(**{f"{e}__outcomes__interviewed_at__isnull": False}), distinct=True),
        )
    }
    eng = "review__submission__milestone__engagement"
    rows = (
        ReviewScore.objects.filter(
            review__decision=ReviewDecision.APPROVE,
            **{f"{eng}__status": EngagementStatus.COMPLETED, f"{eng}__project__template_id__in": ids},
        )
        .order_by()
        .values("criterion_name", "level_label", "score", template_pk=F(f"{eng}__project__template_id"))
        .annotate(n=Count("id"), position=Min("criterion__position"))
    )
    # (template, criterion) -> [position, total, best (n, score, label)]
    tally: dict[tuple[int, str], list] = {}
    for row in rows:
        key = (row["template_pk"], row["criterion_name"])
        entry = tally.setdefault(key, [row["position"], 0, (0, -1, "")])
        entry[0] = min(entry[0], row["position"])
        entry[1] += row["n"]
        entry[2] = max(entry[2], (row["n"], row["score"], row["level_label"]))
    levels: dict[int, list[tuple[int, str, CriterionLevel]]] = {}
    for (pk, name), (position, total, (n, _score, label)) in tally.items():
        levels.setdefault(pk, []).append((position, name, CriterionLevel(name, label, n, total)))
    result = {}
    for pk in ids:
        c: dict[str, Any] = counts.get(pk, {})
        result[pk] = TemplateOutcomes(
            projects=c.get("n_projects", 0),
            started=c.get("n_started", 0),
            completed=c.get("n_completed", 0),
            levels=tuple(level for _, _, level in sorted(levels.get(pk, []), key=lambda x: (x[0], x[1]))),
            known=c.get("n_known", 0),
            interviewed=c.get("n_interviewed", 0),
        )
    return result


def template_outcome_notes(templates: Sequence[ProjectTemplate]) -> dict[int, list[TemplateOutcomes]]:
    """The catalogue's note provider: one block per template, also when it has no data yet."""
    return {pk: [outcomes] for pk, outcomes in template_outcomes(templates).items()}
