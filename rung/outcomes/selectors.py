"""Reads of outcomes: per-person lists, and the aggregates the pilot dashboards show.

Aggregates run in SQL (a fixed number of queries, whatever the data size) and take a queryset of
engagements as their scope — a pilot passes its projects' engagements, staff pass all of them.
Survey answers are confidential: nothing here returns one person's answer, only counts and sums.

- `annotate_hire_window(outcomes)` — each outcome with `last_engagement_end` (the end date of the
  candidate's last completed engagement with that employer) and `hired_within_window` (hired, start
  date within OUTCOMES_HIRE_WINDOW_MONTHS of that end).
- `outcome_funnel(engagements)` — distinct candidates of those engagements who reached each stage
  with the engagement's employer: invited, interviewed, offered, hired, hired within the window.
- `follow_up_rates(engagements)` — per follow-up month: sent, answered, employed, employed through
  this employer.
- `intern_nps(engagements)` — answers, promoters (9–10), passives, detractors (0–6), the NPS.
- `employer_survey_summary(engagements)` — answers, the sum and mean of the 0–10 platform score,
  would-hire counts.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from rung.accounts.models import User
from rung.engagements.models import Engagement, EngagementStatus
from rung.lib.errors import NotFound
from rung.orgs.models import Organisation
from rung.outcomes.models import (
    CandidateResponse,
    EmployerSurvey,
    FollowUp,
    FollowUpStatus,
    InternSurvey,
    Outcome,
    OutcomeStage,
    WouldHire,
)


def outcomes_for_candidate(user: User) -> QuerySet[Outcome]:
    return Outcome.objects.filter(candidate=user).select_related("organisation").order_by("-updated_at", "-id")


def outcomes_for_organisation(org: Organisation) -> QuerySet[Outcome]:
    return Outcome.objects.filter(organisation=org).select_related("candidate").order_by("-updated_at", "-id")


def get_outcome_for_candidate(user: User, outcome_uuid: str) -> Outcome:
    outcome = outcomes_for_candidate(user).filter(uuid=outcome_uuid).first()
    if outcome is None:
        raise NotFound("No such outcome.")
    return outcome


def get_outcome_for_organisation(org: Organisation, outcome_uuid: str) -> Outcome:
    outcome = outcomes_for_organisation(org).filter(uuid=outcome_uuid).first()
    if outcome is None:
        raise NotFound("No such outcome.")
    return outcome


def pending_confirmations(user: User) -> int:
    return Outcome.objects.filter(candidate=user, candidate_response=CandidateResponse.PENDING).count()


def annotate_hire_window(outcomes: QuerySet[Outcome], *, months: int | None = None) -> QuerySet[Any]:
    """Adds `last_engagement_end` and `hired_within_window`, in SQL. (Typed QuerySet[Any] so that
    callers may filter on the annotations.)

    "Within N months" compares calendar months: with m = 12·(Δyear) + Δmonth between the end and the
    start date, the start is within N months when m < N, or m = N and its day of the month is not
    later than the end's (31 August + 6 months reaches 28 February; 1 March is outside)."""
    months = settings.OUTCOMES_HIRE_WINDOW_MONTHS if months is None else months
    last_end = (
        Engagement.objects.filter(
            candidate=OuterRef("candidate"),
            project__organisation=OuterRef("organisation"),
            status=EngagementStatus.COMPLETED,
        )
        .order_by()
        .values("candidate")
        .annotate(last=Max("end_date"))
        .values("last")
    )
    gap = (ExtractYear("start_date") - ExtractYear("last_engagement_end")) * 12 + (
        ExtractMonth("start_date") - ExtractMonth("last_engagement_end")
    )
    return outcomes.annotate(
        last_engagement_end=Subquery(last_end, output_field=DateField()),
        month_gap=gap,
        hired_within_window=Case(
            When(
                Q(stage=OutcomeStage.HIRED, last_engagement_end__isnull=False, start_date__isnull=False)
                & (
                    Q(month_gap__lt=months)
                    | Q(month_gap=months, start_date__day__lte=ExtractDay("last_engagement_end"))
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


@dataclass(frozen=True)
class Funnel:
    candidates: int
    invited: int
    interviewed: int
    offered: int
    hired: int
    hired_within_window: int
    window_months: int


def outcome_funnel(engagements: QuerySet[Engagement], *, months: int | None = None) -> Funnel:
    """Distinct candidates of `engagements` who reached each stage with that engagement's employer.
    One query."""
    months = settings.OUTCOMES_HIRE_WINDOW_MONTHS if months is None else months
    same = Outcome.objects.filter(candidate=OuterRef("candidate"), organisation=OuterRef("project__organisation"))
    in_window = annotate_hire_window(same, months=months).filter(hired_within_window=True)
    rows = engagements.order_by().annotate(
        o_invited=Exists(same.filter(invited_at__isnull=False)),
        o_interviewed=Exists(same.filter(interviewed_at__isnull=False)),
        o_offered=Exists(same.filter(offered_at__isnull=False)),
        o_hired=Exists(same.filter(hired_at__isnull=False)),
        o_window=Exists(in_window),
    )
    totals = rows.aggregate(
        candidates=Count("candidate", distinct=True),
        invited=Count("candidate", distinct=True, filter=Q(o_invited=True)),
        interviewed=Count("candidate", distinct=True, filter=Q(o_interviewed=True)),
        offered=Count("candidate", distinct=True, filter=Q(o_offered=True)),
        hired=Count("candidate", distinct=True, filter=Q(o_hired=True)),
        hired_within_window=Count("candidate", distinct=True, filter=Q(o_window=True)),
    )
    return Funnel(window_months=months, **{k: v or 0 for k, v in totals.items()})


@dataclass(frozen=True)
class FollowUpRate:
    months: int
    sent: int
    answered: int
    employed: int
    through_this_employer: int


def follow_up_rates(engagements: QuerySet[Engagement]) -> list[FollowUpRate]:
    """Per follow-up mark (3, 6 months): how many were sent and answered, and what they said. One query."""
    rows = (
        FollowUp.objects.filter(engagement__in=engagements.order_by().values("pk"))
        .exclude(status=FollowUpStatus.SCHEDULED)
        .order_by()
        .values("months")
        .annotate(
            n_sent=Count("pk"),
            n_answered=Count("pk", filter=Q(status=FollowUpStatus.ANSWERED)),
            n_employed=Count("pk", filter=Q(employed=True)),
            n_through=Count("pk", filter=Q(employed=True, through_this_employer=True)),
        )
    )
    found: dict[int, dict[str, int]] = {
        r["months"]: {k: int(r[k]) for k in ("n_sent", "n_answered", "n_employed", "n_through")} for r in rows
    }
    return [
        FollowUpRate(
            months=m,
            sent=found.get(m, {}).get("n_sent", 0),
            answered=found.get(m, {}).get("n_answered", 0),
            employed=found.get(m, {}).get("n_employed", 0),
            through_this_employer=found.get(m, {}).get("n_through", 0),
        )
        for m in sorted({*settings.OUTCOMES_FOLLOW_UP_MONTHS, *found})
    ]


@dataclass(frozen=True)
class Nps:
    answers: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> int | None:
        """% promoters − % detractors, rounded to a whole number; None without answers."""
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)


def intern_nps(engagements: QuerySet[Engagement]) -> Nps:
    totals = InternSurvey.objects.filter(engagement__in=engagements.order_by().values("pk")).aggregate(
        answers=Count("pk"),
        promoters=Count("pk", filter=Q(recommend__gte=9)),
        passives=Count("pk", filter=Q(recommend__in=(7, 8))),
        detractors=Count("pk", filter=Q(recommend__lte=6)),
    )
    return Nps(**{k: v or 0 for k, v in totals.items()})


@dataclass(frozen=True)
class EmployerSurveySummary:
    answers: int
    platform_score_sum: int
    would_hire_yes: int
    would_hire_maybe: int
    would_hire_no: int

    @property
    def platform_score_mean(self) -> float | None:
        return round(self.platform_score_sum / self.answers, 1) if self.answers else None


def employer_survey_summary(engagements: QuerySet[Engagement]) -> EmployerSurveySummary:
    totals = EmployerSurvey.objects.filter(engagement__in=engagements.order_by().values("pk")).aggregate(
        answers=Count("pk"),
        platform_score_sum=Sum("platform_score", output_field=IntegerField()),
        would_hire_yes=Count("pk", filter=Q(would_hire=WouldHire.YES)),
        would_hire_maybe=Count("pk", filter=Q(would_hire=WouldHire.MAYBE)),
        would_hire_no=Count("pk", filter=Q(would_hire=WouldHire.NO)),
    )
    return EmployerSurveySummary(**{k: v or 0 for k, v in totals.items()})


def surveys_owed_by_organisation(org: Organisation) -> QuerySet[Engagement]:
    """The organisation's completed engagements without its survey (for the outcomes page)."""
    return (
        Engagement.objects.filter(
            project__organisation=org, status=EngagementStatus.COMPLETED, employer_survey__isnull=True
        )
        .select_related("project", "candidate")
        .order_by("-completed_at", "-id")
    )


def surveys_owed_by_candidate(user: User) -> QuerySet[Engagement]:
    """The candidate's completed engagements without their survey (for the dashboard's reminder)."""
    return Engagement.objects.filter(
        candidate=user, status=EngagementStatus.COMPLETED, intern_survey__isnull=True
    ).select_related("project")
