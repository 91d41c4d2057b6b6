"""Reads of pilots: who may see which pilot, and the dashboard's figures.

Every figure is an aggregate in SQL over a *scope* — the projects of one pilot, or every project for
staff — in a fixed number of queries whatever the amount of data (asserted in the tests at two sizes).
Diversity answers are read only here, only as counts per group, and any count of 1 to 4 people is
replaced by "fewer than 5" before it leaves this module.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, CumeDist, TruncMonth
from scipy.stats import binomtest

from rung.accounts.models import User
from rung.applications.models import Application, ApplicationEvent, ApplicationStatus
from rung.engagements.models import Engagement, EngagementMilestone, EngagementStatus, MilestoneStatus
from rung.ledger.models import AccountKind, Entry, LedgerTransaction, Payout, PayoutStatus, TransactionKind
from rung.lib.errors import NotFound, PermissionDenied
from rung.mentoring.models import Pairing, PairingStatus
from rung.orgs.models import Membership, Organisation, role_can
from rung.outcomes.models import Outcome
from rung.outcomes.selectors import annotate_hire_window, employer_survey_summary, intern_nps
from rung.pilots.models import DIVERSITY_FIELDS, DiversityAnswers, Pilot
from rung.pilots.sql import EpochDays, business_days_between
from rung.projects.models import Project
from rung.reviews.models import Decision, ExperienceRating, InternRating, ReviewScore

SUPPRESS_BELOW = 5
FOUR_FIFTHS = Decimal("0.8")


# --- who sees which pilot ----------------------------------------------------------------------


def pilots_for_organisation(org: Organisation) -> QuerySet[Pilot]:
    return (
        Pilot.objects.filter(organisation=org).annotate(project_count=Count("projects")).order_by("-starts_on", "-id")
    )


def _membership(user: User, org: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=org).first()


def get_org_for_pilots(user: User, slug: str) -> tuple[Organisation, Membership | None]:
    """The organisation, if `user` may read its pilots: owners and managers (who run them), and staff
    (read only, with no membership). Reviewers, mentors and viewers are refused: a dashboard shows
    the pool's diversity, which reviewers must never see. Outsiders get NotFound."""
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise NotFound("No such organisation.")
    membership = _membership(user, org)
    if membership is None:
        if user.is_authenticated and user.is_staff:
            return org, None
        raise NotFound("No such organisation.")
    if not role_can(membership.role, "post_projects"):
        raise PermissionDenied("Only the organisation's owners and managers see its pilots.")
    return org, membership


def get_pilot_for_user(user: User, slug: str, pilot_uuid: str) -> tuple[Pilot, Membership | None]:
    org, membership = get_org_for_pilots(user, slug)
    pilot = (
        Pilot.objects.filter(organisation=org, uuid=pilot_uuid)
        .select_related("organisation", "protocol", "pathway")
        .first()
    )
    if pilot is None:
        raise NotFound("No such pilot.")
    return pilot, membership


def projects_for_pilot_choice(org: Organisation) -> QuerySet[Project]:
    return Project.objects.filter(organisation=org).order_by("-created_at", "-id")


# --- small statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """k of n, with the 95 % Wilson score interval (None without a denominator)."""

    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.n:
            return None
        ci = binomtest(self.k, self.n).proportion_ci(confidence_level=0.95, method="wilson")
        return (float(ci.low), float(ci.high))

    def as_dict(self) -> dict[str, Any]:
        ci = self.interval
        return {
            "count": self.k,
            "of": self.n,
            "rate": self.value,
            "ci_low": ci[0] if ci else None,
            "ci_high": ci[1] if ci else None,
        }


def suppressed(count: int) -> int | None:
    """A count of people as it may be shown: None ("fewer than 5") for 1 to 4."""
    return None if 0 < count < SUPPRESS_BELOW else count


def _percentiles(values: QuerySet[Any], *, expression: Any, ps: tuple[float, ...] = (0.5, 0.9)) -> list[float | None]:
    """Nearest-rank percentiles of `expression` over `values`, one query each: the smallest value
    whose cumulative share (CUME_DIST) reaches p."""
    ranked = values.annotate(_v=expression).annotate(_cd=Window(CumeDist(), order_by=F("_v").asc()))
    out: list[float | None] = []
    for p in ps:
        found = ranked.filter(_cd__gte=p).order_by("_v").values_list("_v", flat=True)[:1]
        first = list(found)
        out.append(round(float(first[0]), 2) if first else None)
    return out


# --- the scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a dashboard counts: the applications and engagements of some projects.

    `project_ids` is the pilot's row of project ids (read from the pilot's own link table, so that
    every query starts from its few projects), or None for every project on the platform (which then
    filters nothing)."""

    projects: QuerySet[Project]
    label: str
    project_ids: QuerySet[Any] | None = None

    def applications(self) -> QuerySet[Application]:
        if self.project_ids is None:
            return Application.objects.all()
        return Application.objects.filter(project_id__in=self.project_ids)

    def engagements(self) -> QuerySet[Engagement]:
        if self.project_ids is None:
            return Engagement.objects.all()
        return Engagement.objects.filter(project_id__in=self.project_ids)


def scope_for_pilot(pilot: Pilot) -> Scope:
    ids = Pilot.projects.through.objects.filter(pilot_id=pilot.pk).values("project_id")
    return Scope(projects=Project.objects.filter(pk__in=ids), label=pilot.name, project_ids=ids)


def scope_for_platform() -> Scope:
    return Scope(projects=Project.objects.all(), label="The whole platform")


# --- the funnel --------------------------------------------------------------------------------

FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("applied", "Applied"),
    ("shortlisted", "Shortlisted"),
    ("offered", "Offered a micro-internship"),
    ("started", "Started"),
    ("completed", "Completed"),
    ("interviewed", "Interviewed for a role"),
    ("role_offered", "Offered a role"),
    ("hired", "Hired within six months"),
)


def _funnel_rows(scope: Scope) -> QuerySet[Application]:
    """Each application with a flag per funnel stage. The stages after the work count only for
    candidates who completed it (so each stage is a subset of the one before)."""
    same = Outcome.objects.filter(candidate=OuterRef("candidate"), organisation=OuterRef("project__organisation"))
    reached = ApplicationEvent.objects.filter(application=OuterRef("pk"))
    completed = Q(engagement__status=EngagementStatus.COMPLETED)
    return (
        scope.applications()
        .order_by()
        .annotate(
            f_shortlisted=Exists(reached.filter(to_status=ApplicationStatus.SHORTLISTED)),
            f_offered=Exists(reached.filter(to_status=ApplicationStatus.OFFERED)),
            f_interviewed=Exists(same.filter(interviewed_at__isnull=False)),
            f_role_offered=Exists(same.filter(offered_at__isnull=False)),
            f_hired=Exists(annotate_hire_window(same).filter(hired_within_window=True)),
        )
        .annotate(
            f_started=Q(engagement__started_at__isnull=False),
            f_completed=completed,
        )
    )


def _funnel_counts() -> dict[str, Count]:
    counts = {"applied": Count("candidate", distinct=True)}
    for stage in ("shortlisted", "offered", "started", "completed"):
        counts[stage] = Count("candidate", distinct=True, filter=Q(**{f"f_{stage}": True}))
    for stage in ("interviewed", "role_offered", "hired"):
        counts[stage] = Count("candidate", distinct=True, filter=Q(f_completed=True, **{f"f_{stage}": True}))
    return counts


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int
    rate: Rate | None  # of the stage before; None for the first


def _stages(counts: dict[str, int]) -> list[FunnelStage]:
    out: list[FunnelStage] = []
    previous: int | None = None
    for key, label in FUNNEL_STAGES:
        k = counts.get(key) or 0
        out.append(FunnelStage(key, label, k, None if previous is None else Rate(k, previous)))
        previous = k
    return out


def funnel(scope: Scope) -> list[FunnelStage]:
    """Distinct candidates at each stage, each rate against the stage before. One query."""
    return _stages(_funnel_rows(scope).aggregate(**_funnel_counts()))


# --- diversity of the pool ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupStage:
    count: int | None  # None: fewer than 5
    ratio: float | None  # adverse-impact ratio against the highest-rate group; None if not shown
    flagged: bool


@dataclass(frozen=True)
class DiversityGroup:
    value: str
    label: str
    applied: int | None  # None: fewer than 5 (the whole row is then withheld)
    stages: list[GroupStage]


@dataclass(frozen=True)
class DiversityTable:
    field: str
    question: str
    groups: list[DiversityGroup]
    stage_keys: list[str]


def _ratios(groups: dict[str, dict[str, int]], stage: str, before: str) -> dict[str, tuple[float | None, bool]]:
    """Adverse-impact ratio per group at one stage: its pass rate (stage ÷ the stage before) over the
    highest group's. Only groups whose counts at both stages are 0 or at least 5 take part, so that no
    ratio gives away a count of fewer than 5."""
    rates: dict[str, float] = {}
    for value, counts in groups.items():
        base, passed = counts.get(before) or 0, counts.get(stage) or 0
        if value and base >= SUPPRESS_BELOW and suppressed(passed) is not None:
            rates[value] = passed / base
    best = max(rates.values(), default=0.0)
    out: dict[str, tuple[float | None, bool]] = {}
    for value in groups:
        if value in rates and best > 0:
            ratio = rates[value] / best
            out[value] = (round(ratio, 3), Decimal(str(ratio)) < FOUR_FIFTHS)
        else:
            out[value] = (None, False)
    return out


def diversity_fields() -> list[str]:
    return [f for f in settings.PILOTS_DIVERSITY_FIELDS if f in DIVERSITY_FIELDS]


def _diversity_rows(scope: Scope) -> list[dict[str, Any]] | None:
    """The funnel grouped by every asked answer at once, or None if no question is asked. One query."""
    names = diversity_fields()
    if not names:
        return None
    answers = {
        f"g_{name}": Coalesce(
            Subquery(DiversityAnswers.objects.filter(user=OuterRef("candidate")).values(name)[:1]), Value("")
        )
        for name in names
    }
    return list(
        _funnel_rows(scope).annotate(**answers).values(*answers).annotate(**_funnel_counts()).order_by(*answers)
    )


def _funnel_from_groups(rows: list[dict[str, Any]]) -> list[FunnelStage]:
    """The whole funnel as the sum of the groups: each person has one combination of answers (the
    answers depend on the person alone), so distinct people add up across the groups."""
    return _stages({k: sum(r[k] or 0 for r in rows) for k, _ in FUNNEL_STAGES})


def diversity(scope: Scope, rows: list[dict[str, Any]] | None = None) -> list[DiversityTable]:
    """Per asked question, the funnel per answer. One query (none if `rows` are given): the funnel
    grouped by every asked answer at once (each person has one combination, so a group's count is the
    sum over the combinations that share its answer — a sum over at most a few hundred groups,
    whatever the data size)."""
    stage_keys = [k for k, _ in FUNNEL_STAGES]
    if rows is None:
        rows = _diversity_rows(scope)
    if rows is None:
        return []
    names = diversity_fields()
    tables: list[DiversityTable] = []
    for name in names:
        question, choices = DIVERSITY_FIELDS[name]
        found: dict[str, dict[str, int]] = {}
        for r in rows:
            counts = found.setdefault(r[f"g_{name}"], dict.fromkeys(stage_keys, 0))
            for k in stage_keys:
                counts[k] += r[k] or 0
        ratios = {stage: _ratios(found, stage, before) for before, stage in itertools.pairwise(stage_keys)}
        groups: list[DiversityGroup] = []
        for value, label in [*choices.choices, ("", "Not given")]:
            counts = found.get(value, dict.fromkeys(stage_keys, 0))
            applied = suppressed(counts["applied"])
            stages = []
            for i, key in enumerate(stage_keys):
                ratio, flagged = (None, False) if i == 0 else ratios[key].get(value, (None, False))
                if applied is None:
                    stages.append(GroupStage(None if counts[key] else 0, None, False))
                else:
                    stages.append(GroupStage(suppressed(counts[key]), ratio, flagged))
            groups.append(DiversityGroup(value, str(label), applied, stages))
        tables.append(DiversityTable(name, question, groups, stage_keys))
    return tables


# --- quality of work ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelCount:
    criterion: str
    level: str
    score: int
    count: int


@dataclass(frozen=True)
class Quality:
    approved: int
    approved_first_time: Rate
    rounds_total: int
    rounds: list[tuple[int, int]]  # (rounds of changes, milestones)
    levels: list[LevelCount]

    @property
    def mean_rounds(self) -> float | None:
        return round(self.rounds_total / self.approved, 2) if self.approved else None


def quality(scope: Scope) -> Quality:
    """Approved milestones, how many needed no changes, rounds of changes, and the rubric levels the
    approving reviews gave per criterion. Three queries."""
    milestones = EngagementMilestone.objects.filter(
        engagement__in=scope.engagements().values("pk"), status=MilestoneStatus.APPROVED
    ).order_by()
    totals = milestones.aggregate(
        approved=Count("pk"),
        first_time=Count("pk", filter=Q(change_rounds_used=0)),
        rounds=Sum("change_rounds_used"),
    )
    rounds = [
        (r["change_rounds_used"], r["n"])
        for r in milestones.values("change_rounds_used").annotate(n=Count("pk")).order_by("change_rounds_used")
    ]
    levels = [
        LevelCount(r["criterion_name"], r["level_label"], r["score"], r["n"])
        for r in ReviewScore.objects.filter(
            review__decision=Decision.APPROVE,
            review__submission__milestone__engagement__in=scope.engagements().values("pk"),
        )
        .values("criterion_name", "level_label", "score")
        .annotate(n=Count("pk"))
        .order_by("criterion_name", "score", "level_label")
    ]
    approved = totals["approved"] or 0
    return Quality(
        approved=approved,
        approved_first_time=Rate(totals["first_time"] or 0, approved),
        rounds_total=totals["rounds"] or 0,
        rounds=rounds,
        levels=levels,
    )


# --- satisfaction ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    nps: int | None
    nps_answers: int
    promoters: int
    passives: int
    detractors: int
    experience_ratings: int
    mentoring: float | None
    clarity: float | None
    respect: float | None
    pay_timeliness: float | None
    intern_ratings: int
    intern_overall: float | None
    employer_answers: int
    platform_score: float | None
    would_hire_yes: int


def _avg(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def satisfaction(scope: Scope) -> Satisfaction:
    """NPS of the interns' completion surveys, the two-sided ratings (1–5) and the employers' survey.
    Four queries; no single answer is returned."""
    engagements = scope.engagements()
    nps = intern_nps(engagements)
    experience = ExperienceRating.objects.filter(engagement__in=engagements.values("pk")).aggregate(
        n=Count("pk"), m=Avg("mentoring"), c=Avg("clarity"), r=Avg("respect"), p=Avg("pay_timeliness")
    )
    interns = InternRating.objects.filter(engagement__in=engagements.values("pk")).aggregate(
        n=Count("pk"), o=Avg("overall")
    )
    employer = employer_survey_summary(engagements)
    return Satisfaction(
        nps=nps.score,
        nps_answers=nps.answers,
        promoters=nps.promoters,
        passives=nps.passives,
        detractors=nps.detractors,
        experience_ratings=experience["n"] or 0,
        mentoring=_avg(experience["m"]),
        clarity=_avg(experience["c"]),
        respect=_avg(experience["r"]),
        pay_timeliness=_avg(experience["p"]),
        intern_ratings=interns["n"] or 0,
        intern_overall=_avg(interns["o"]),
        employer_answers=employer.answers,
        platform_score=employer.platform_score_mean,
        would_hire_yes=employer.would_hire_yes,
    )


# --- payment timeliness and decisions ----------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    settled: int
    median_days: float | None
    p90_days: float | None
    within_target: Rate
    target_business_days: int
    decided: int
    undecided: int
    decision_median_days: float | None
    decision_p90_days: float | None


def timeliness(scope: Scope) -> Timeliness:
    """Days from a milestone's approval to the intern's money arriving (settled payouts), the share
    within the target number of business days, and days from applying to the first decision.
    Six queries."""
    target = settings.PAYOUT_TARGET_BUSINESS_DAYS
    payouts = Payout.objects.filter(
        engagement_uuid__in=scope.engagements().values("uuid"), status=PayoutStatus.SETTLED, approved_at__isnull=False
    ).order_by()
    days = EpochDays("settled_at") - EpochDays("approved_at")
    totals = payouts.annotate(_bd=business_days_between("approved_at", "settled_at")).aggregate(
        n=Count("pk"), within=Count("pk", filter=Q(_bd__lte=target))
    )
    median, p90 = _percentiles(payouts, expression=days)
    first = (
        ApplicationEvent.objects.filter(
            application=OuterRef("pk"),
            to_status__in=(ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED, ApplicationStatus.OFFERED),
        )
        .order_by("at")
        .values("at")[:1]
    )
    applications = scope.applications().order_by().annotate(_first=Subquery(first))
    counted = applications.aggregate(decided=Count("pk", filter=Q(_first__isnull=False)), all=Count("pk"))
    decided = applications.filter(_first__isnull=False)
    d_median, d_p90 = _percentiles(decided, expression=EpochDays("_first") - EpochDays("created_at"))
    n = totals["n"] or 0
    return Timeliness(
        settled=n,
        median_days=median,
        p90_days=p90,
        within_target=Rate(totals["within"] or 0, n),
        target_business_days=target,
        decided=counted["decided"] or 0,
        undecided=(counted["all"] or 0) - (counted["decided"] or 0),
        decision_median_days=d_median,
        decision_p90_days=d_p90,
    )


# --- cost --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    currency: str
    stipends_minor: int
    kill_fees_minor: int
    platform_fees_minor: int
    completed: int
    hired: int

    @property
    def total_minor(self) -> int:
        return self.stipends_minor + self.kill_fees_minor + self.platform_fees_minor

    @property
    def per_completed_minor(self) -> int | None:
        return round(self.total_minor / self.completed) if self.completed else None

    @property
    def per_hire_minor(self) -> int | None:
        return round(self.total_minor / self.hired) if self.hired else None


def cost(scope: Scope, *, completed: int, hired: int) -> list[Cost]:
    """What the scope spent, per currency, from the ledger: stipends released to interns, kill fees,
    and the platform fee charged when its projects were funded. Two queries, each starting from the
    scope's own transactions (found through their engagement or project index): an OR across the
    join would read the whole ledger."""
    engagements = scope.engagements().order_by().values("uuid")
    projects = scope.projects.order_by().values("uuid")
    paid = LedgerTransaction.objects.filter(
        kind__in=(TransactionKind.RELEASE, TransactionKind.KILL_FEE), engagement_uuid__in=engagements
    ).values("pk")
    funded = LedgerTransaction.objects.filter(project_uuid__in=projects).values("pk")
    found: dict[str, dict[str, int]] = {}
    for r in (
        Entry.objects.filter(account__kind=AccountKind.INTERN_PAYABLE, transaction__in=paid)
        .values("currency")
        .annotate(
            s=Coalesce(Sum("amount_minor", filter=Q(transaction__kind=TransactionKind.RELEASE)), 0),
            k=Coalesce(Sum("amount_minor", filter=Q(transaction__kind=TransactionKind.KILL_FEE)), 0),
        )
        .order_by()
    ):
        found.setdefault(r["currency"], {"s": 0, "k": 0, "f": 0}).update(s=r["s"], k=r["k"])
    for fee in (
        Entry.objects.filter(account__kind=AccountKind.PLATFORM_FEES, transaction__in=funded)
        .values("currency")
        .annotate(f=Sum("amount_minor"))
        .order_by()
    ):
        found.setdefault(fee["currency"], {"s": 0, "k": 0, "f": 0})["f"] = fee["f"]
    return [
        Cost(currency, int(v["s"]), int(v["k"]), int(v["f"]), completed, hired) for currency, v in sorted(found.items())
    ]


# --- mentoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentoringSplit:
    with_mentor: bool
    started: int
    completion: Rate
    conversion: Rate  # hired within six months, of completed


def mentoring(scope: Scope) -> list[MentoringSplit]:
    """Completion and hire conversion of started engagements with a mentor (an accepted pairing, or a
    named mentor) and without. One query."""
    paired = Pairing.objects.filter(
        engagement=OuterRef("pk"), status__in=(PairingStatus.ACTIVE, PairingStatus.SUSPENDED, PairingStatus.ENDED)
    )
    same = Outcome.objects.filter(candidate=OuterRef("candidate"), organisation=OuterRef("project__organisation"))
    rows = (
        scope.engagements()
        .filter(started_at__isnull=False)
        .order_by()
        .annotate(_paired=Exists(paired), _hired=Exists(annotate_hire_window(same).filter(hired_within_window=True)))
        .annotate(_with=Q(_paired=True) | Q(mentor__isnull=False))
        .values("_with")
        .annotate(
            started=Count("pk"),
            completed=Count("pk", filter=Q(status=EngagementStatus.COMPLETED)),
            hired=Count("pk", filter=Q(status=EngagementStatus.COMPLETED, _hired=True)),
        )
    )
    found = {bool(r["_with"]): r for r in rows}
    out = []
    for with_mentor in (True, False):
        r = found.get(with_mentor, {"started": 0, "completed": 0, "hired": 0})
        out.append(
            MentoringSplit(
                with_mentor, r["started"], Rate(r["completed"], r["started"]), Rate(r["hired"], r["completed"])
            )
        )
    return out


# --- over time ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: date
    applied: int = 0
    completed: int = 0
    hired: int = 0


def over_time(scope: Scope) -> list[Month]:
    """Applications, completions and hires (by start date) per calendar month. Three queries."""
    months: dict[date, dict[str, int]] = {}

    def add(rows: Any, key: str) -> None:
        for r in rows:
            if r["m"] is not None:
                month = r["m"].date() if hasattr(r["m"], "date") and callable(r["m"].date) else r["m"]
                months.setdefault(month, {})[key] = r["n"]

    add(
        scope.applications().order_by().annotate(m=TruncMonth("created_at")).values("m").annotate(n=Count("pk")),
        "applied",
    )
    add(
        scope.engagements()
        .filter(status=EngagementStatus.COMPLETED)
        .order_by()
        .annotate(m=TruncMonth("completed_at"))
        .values("m")
        .annotate(n=Count("pk")),
        "completed",
    )
    completed_here = scope.engagements().filter(
        status=EngagementStatus.COMPLETED,
        candidate=OuterRef("candidate"),
        project__organisation=OuterRef("organisation"),
    )
    add(
        annotate_hire_window(
            # Narrowed to the scope's candidates and employers first, so that the correlated
            # EXISTS runs over a pilot's outcomes, not over every outcome on the platform.
            Outcome.objects.filter(
                candidate__in=scope.engagements().filter(status=EngagementStatus.COMPLETED).values("candidate"),
                organisation__in=scope.projects.order_by().values("organisation"),
            ).filter(Exists(completed_here))
        )
        .filter(hired_within_window=True)
        .order_by()
        .annotate(m=TruncMonth("start_date"))
        .values("m")
        .annotate(n=Count("pk")),
        "hired",
    )
    return [Month(m, **counts) for m, counts in sorted(months.items())]


# --- the whole dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    label: str
    funnel: list[FunnelStage]
    quality: Quality
    satisfaction: Satisfaction
    timeliness: Timeliness
    cost: list[Cost]
    mentoring: list[MentoringSplit]
    diversity: list[DiversityTable]
    months: list[Month]
    pilot: Pilot | None = None
    goals: list["Goal"] = field(default_factory=list)

    def stage(self, key: str) -> FunnelStage:
        return next(s for s in self.funnel if s.key == key)


@dataclass(frozen=True)
class Goal:
    label: str
    target: str
    actual: str
    met: bool | None  # None: no data yet


def _goals(pilot: Pilot, board: Dashboard) -> list[Goal]:
    goals: list[Goal] = []
    completed = board.stage("completed").count

    def pct(rate: Rate) -> str:
        return "no data" if rate.value is None else f"{100 * rate.value:.0f} % ({rate.k} of {rate.n})"

    if pilot.target_interview_percent is not None:
        rate = Rate(board.stage("interviewed").count, completed)
        met = None if rate.value is None else 100 * rate.value >= pilot.target_interview_percent
        goals.append(Goal("Interview conversion", f"≥ {pilot.target_interview_percent} %", pct(rate), met))
    if pilot.target_hired_percent is not None:
        rate = Rate(board.stage("hired").count, completed)
        met = None if rate.value is None else 100 * rate.value >= pilot.target_hired_percent
        goals.append(Goal("Hired within six months", f"≥ {pilot.target_hired_percent} %", pct(rate), met))
    if pilot.target_nps is not None:
        s = board.satisfaction
        actual = "no answers" if s.nps is None else f"{s.nps} ({s.nps_answers} answers)"
        goals.append(
            Goal("Intern NPS", f"≥ {pilot.target_nps}", actual, None if s.nps is None else s.nps >= pilot.target_nps)
        )
    if pilot.target_payment_days is not None:
        t = board.timeliness
        actual = "no payments" if t.median_days is None else f"{t.median_days} days ({t.settled} payments)"
        met = None if t.median_days is None else Decimal(str(t.median_days)) <= pilot.target_payment_days
        goals.append(Goal("Median days approval → payment", f"≤ {pilot.target_payment_days}", actual, met))
    return goals


def dashboard(scope: Scope, *, pilot: Pilot | None = None) -> Dashboard:
    """Every figure of one scope, in a fixed number of queries. The funnel is the sum of the diversity
    groups when questions are asked (one query for both), else its own query."""
    groups = _diversity_rows(scope)
    stages = funnel(scope) if groups is None else _funnel_from_groups(groups)
    completed = next(s.count for s in stages if s.key == "completed")
    hired = next(s.count for s in stages if s.key == "hired")
    board = Dashboard(
        label=scope.label,
        funnel=stages,
        quality=quality(scope),
        satisfaction=satisfaction(scope),
        timeliness=timeliness(scope),
        cost=cost(scope, completed=completed, hired=hired),
        mentoring=mentoring(scope),
        diversity=diversity(scope, groups),
        months=over_time(scope),
        pilot=pilot,
    )
    if pilot is not None:
        board.goals.extend(_goals(pilot, board))
    return board


def pilot_dashboard(pilot: Pilot) -> Dashboard:
    return dashboard(scope_for_pilot(pilot), pilot=pilot)
