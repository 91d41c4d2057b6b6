"""Rows for the dashboard tests and the benchmark, bulk-inserted directly.

The dashboard only reads, so its tests and `scripts/bench-pilot` write the rows it reads without the
services (which would take hours for 100 000 engagements). Each `Person` says how far one candidate
got; `fill` writes their application, its history, the engagement, milestone, review, payout, ledger
entries, outcome, survey and diversity answers in a handful of bulk inserts.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password

from rung.accounts.models import User
from rung.applications.models import Application, ApplicationEvent, ApplicationStatus
from rung.engagements.models import Engagement, EngagementMilestone, EngagementStatus, MilestoneStatus
from rung.ledger.models import Account, AccountKind, Entry, LedgerTransaction, Payout, PayoutStatus, TransactionKind
from rung.orgs.models import Organisation
from rung.outcomes.models import InternSurvey, Outcome, OutcomeStage
from rung.pilots.models import DiversityAnswers
from rung.projects.models import Project, ProjectStatus, Rubric
from rung.reviews.models import Decision, Review, ReviewScore, Submission, SubmissionStatus

STAGES = ("applied", "shortlisted", "offered", "started", "completed", "interviewed", "role_offered", "hired")


def _t0() -> datetime:
    from datetime import UTC

    return datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Person:
    stage: str = "applied"
    rejected: bool = False  # a decision without shortlisting (for time to first decision)
    decided_after_days: float = 2.0
    mentor: bool = False
    rounds: int = 0  # rounds of changes on the one milestone
    level: int = 3  # rubric level given on each criterion
    paid_after_days: float | None = 1.0  # approval → settled; None: no settled payout
    recommend: int | None = None  # 0–10 survey answer
    hire_months_after_end: int = 2
    kill_fee_minor: int = 0
    diversity: dict[str, str] | None = field(default=None)


def make_project(org: Organisation, title: str, *, stipend_minor: int = 60000, currency: str = "EUR") -> Project:
    start = _t0().date()
    return Project.objects.create(
        organisation=org,
        status=ProjectStatus.PUBLISHED,
        title=title,
        summary="A three-week project.",
        duration_weeks=3,
        estimated_hours=60,
        stipend_minor=stipend_minor,
        currency=currency,
        seats=50,
        application_deadline=start,
        start_date=start,
        published_at=_t0(),
    )


def fund(project: Project, *, fee_minor: int, currency: str = "EUR") -> None:
    """The platform fee of funding `project`, as the ledger records it (escrow funding)."""
    fees, _ = Account.objects.get_or_create(
        key=f"{AccountKind.PLATFORM_FEES}:{currency}",
        defaults={"kind": AccountKind.PLATFORM_FEES, "currency": currency},
    )
    funding, _ = Account.objects.get_or_create(
        key=f"{AccountKind.EMPLOYER_FUNDING}:{project.organisation.uuid}:{currency}",
        defaults={"kind": AccountKind.EMPLOYER_FUNDING, "currency": currency, "organisation": project.organisation},
    )
    tx = LedgerTransaction.objects.create(
        idempotency_key=f"test-funding:{project.uuid}",
        kind=TransactionKind.ESCROW_FUNDING,
        fingerprint="-",
        organisation=project.organisation,
        project_uuid=project.uuid,
    )
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=funding, amount_minor=-fee_minor, currency=currency),
            Entry(transaction=tx, account=fees, amount_minor=fee_minor, currency=currency),
        ]
    )


def fill(project: Project, people: list[Person], *, prefix: str = "p", mentor: User | None = None) -> None:
    """Writes everything `people` did on `project`, in bulk."""
    org, t0, cur = project.organisation, _t0(), project.currency
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}-{project.uuid.hex[:8]}@uni.example", full_name=f"Candidate {i}", password=password)
            for i in range(len(people))
        ]
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                project=project,
                candidate=u,
                status=_app_status(p),
                created_at=t0,
                decided_at=t0 + timedelta(days=p.decided_after_days) if p.stage != "applied" or p.rejected else None,
            )
            for u, p in zip(users, people, strict=True)
        ]
    )
    events: list[ApplicationEvent] = []
    answers: list[DiversityAnswers] = []
    for a, p in zip(apps, people, strict=True):
        events.append(ApplicationEvent(application=a, to_status=ApplicationStatus.SUBMITTED, at=t0))
        decided = t0 + timedelta(days=p.decided_after_days)
        if _reached(p, "shortlisted"):
            events.append(ApplicationEvent(application=a, to_status=ApplicationStatus.SHORTLISTED, at=decided))
        elif p.rejected:
            events.append(ApplicationEvent(application=a, to_status=ApplicationStatus.REJECTED, at=decided))
        if _reached(p, "offered"):
            events.append(
                ApplicationEvent(application=a, to_status=ApplicationStatus.OFFERED, at=decided + timedelta(days=1))
            )
        if p.diversity is not None:
            answers.append(DiversityAnswers(user_id=a.candidate_id, **p.diversity))
    ApplicationEvent.objects.bulk_create(events)
    DiversityAnswers.objects.bulk_create(answers)

    started = [(a, p) for a, p in zip(apps, people, strict=True) if _reached(p, "started")]
    start, end = t0.date() + timedelta(days=7), t0.date() + timedelta(days=28)
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                project=project,
                application=a,
                candidate_id=a.candidate_id,
                mentor=mentor if p.mentor else None,
                status=_engagement_status(p),
                start_date=start,
                end_date=end,
                stipend_minor=project.stipend_minor,
                currency=cur,
                started_at=t0 + timedelta(days=7),
                completed_at=t0 + timedelta(days=28) if _reached(p, "completed") else None,
            )
            for a, p in started
        ]
    )
    done = [(e, p) for e, (_, p) in zip(engagements, started, strict=True) if _reached(p, "completed")]
    approved_at = t0 + timedelta(days=27)
    milestones = EngagementMilestone.objects.bulk_create(
        [
            EngagementMilestone(
                engagement=e,
                position=0,
                title="Final report",
                due_date=end,
                share_percent=100,
                amount_minor=e.stipend_minor,
                status=MilestoneStatus.APPROVED,
                change_rounds_used=p.rounds,
                approved_at=approved_at,
            )
            for e, p in done
        ]
    )
    _reviews(milestones, [p for _, p in done])
    _money(project, [(e, p) for e, (_, p) in zip(engagements, started, strict=True)], approved_at)
    Outcome.objects.bulk_create([o for e, p in done if (o := _outcome(org, e, p, end, approved_at)) is not None])
    InternSurvey.objects.bulk_create(
        [InternSurvey(engagement=e, recommend=p.recommend) for e, p in done if p.recommend is not None]
    )


def _engagement_status(p: Person) -> str:
    if _reached(p, "completed"):
        return EngagementStatus.COMPLETED
    return EngagementStatus.CANCELLED if p.kill_fee_minor else EngagementStatus.ACTIVE


def _app_status(p: Person) -> str:
    if _reached(p, "started"):
        return ApplicationStatus.ACCEPTED
    if _reached(p, "offered"):
        return ApplicationStatus.OFFERED
    if _reached(p, "shortlisted"):
        return ApplicationStatus.SHORTLISTED
    return ApplicationStatus.REJECTED if p.rejected else ApplicationStatus.SUBMITTED


def _reached(p: Person, stage: str) -> bool:
    return STAGES.index(p.stage) >= STAGES.index(stage)


def _reviews(milestones: list[EngagementMilestone], people: list[Person]) -> None:
    rubric = Rubric.objects.filter(organisation__isnull=True).prefetch_related("criteria").order_by("id").first()
    if rubric is None:
        return
    criteria = list(rubric.criteria.all())[:2]
    subs = Submission.objects.bulk_create(
        [
            Submission(
                milestone=m,
                version=1,
                submitted_by_id=m.engagement.candidate_id,
                status=SubmissionStatus.APPROVED,
                review_due_at=m.approved_at or _t0(),
            )
            for m in milestones
        ]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(
                submission=s,
                reviewer_id=m.engagement.candidate_id,
                decision=Decision.APPROVE,
                feedback="Good.",
                rubric=rubric,
                points=p.level * len(criteria),
                max_points=4 * len(criteria),
            )
            for s, m, p in zip(subs, milestones, people, strict=True)
        ]
    )
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(
                review=r,
                criterion=c,
                criterion_name=c.name,
                weight=1,
                score=p.level,
                max_score=4,
                level_label=f"Level {p.level}",
            )
            for r, p in zip(reviews, people, strict=True)
            for c in criteria
        ]
    )


def _money(project: Project, started: list[tuple[Engagement, Person]], approved_at: datetime) -> None:
    """Releases for completed work, kill fees for cancelled work, and the settled payouts."""
    cur = project.currency
    done = [(e, p) for e, p in started if _reached(p, "completed") or p.kill_fee_minor]
    escrow, _ = Account.objects.get_or_create(
        key=f"{AccountKind.ESCROW}:{project.uuid}:{cur}",
        defaults={
            "kind": AccountKind.ESCROW,
            "currency": cur,
            "project_uuid": project.uuid,
            "organisation": project.organisation,
        },
    )
    payables = Account.objects.bulk_create(
        [
            Account(
                key=f"{AccountKind.INTERN_PAYABLE}:{e.uuid}:{cur}",
                kind=AccountKind.INTERN_PAYABLE,
                currency=cur,
                engagement_uuid=e.uuid,
                intern_id=e.candidate_id,
            )
            for e, _ in done
        ]
    )
    txs: list[LedgerTransaction] = []
    lines: list[tuple[int, Account, int]] = []
    for (e, p), payable in zip(done, payables, strict=True):
        release = e.stipend_minor if _reached(p, "completed") else 0
        for kind, amount in ((TransactionKind.RELEASE, release), (TransactionKind.KILL_FEE, p.kill_fee_minor)):
            if amount:
                txs.append(
                    LedgerTransaction(
                        idempotency_key=f"test-{kind}:{e.uuid}",
                        kind=kind,
                        fingerprint="-",
                        organisation=project.organisation,
                        project_uuid=project.uuid,
                        engagement_uuid=e.uuid,
                        milestone_uuid=uuid.uuid4() if kind == TransactionKind.RELEASE else None,
                        approved_at=approved_at,
                    )
                )
                lines.append((len(txs) - 1, payable, amount))
    txs = LedgerTransaction.objects.bulk_create(txs)
    Entry.objects.bulk_create(
        [
            entry
            for i, payable, amount in lines
            for entry in (
                Entry(transaction=txs[i], account=escrow, amount_minor=-amount, currency=cur),
                Entry(transaction=txs[i], account=payable, amount_minor=amount, currency=cur),
            )
        ]
    )
    Payout.objects.bulk_create(
        [
            Payout(
                intern_id=e.candidate_id,
                engagement_uuid=e.uuid,
                amount_minor=e.stipend_minor,
                currency=cur,
                status=PayoutStatus.SETTLED,
                provider="sandbox",
                approved_at=approved_at,
                settled_at=approved_at + timedelta(days=p.paid_after_days),
            )
            for e, p in done
            if p.paid_after_days is not None and _reached(p, "completed")
        ]
    )


def _outcome(org: Organisation, e: Engagement, p: Person, end: date, at: datetime) -> Outcome | None:
    if not _reached(p, "interviewed"):
        return None
    hired = _reached(p, "hired")
    month = end.month - 1 + p.hire_months_after_end
    start = date(end.year + month // 12, month % 12 + 1, min(end.day, 28))
    return Outcome(
        organisation=org,
        candidate_id=e.candidate_id,
        engagement=e,
        stage=OutcomeStage.HIRED
        if hired
        else (OutcomeStage.OFFERED if _reached(p, "role_offered") else OutcomeStage.INTERVIEWED),
        invited_at=at,
        interviewed_at=at,
        offered_at=at if _reached(p, "role_offered") else None,
        hired_at=at if hired else None,
        start_date=start if hired else None,
    )
