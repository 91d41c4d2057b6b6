"""Reads of education, scoped to the person asking: a partner's members see their affiliated students'
claims with the consented evidence only; a student sees their own; outsiders see nothing (404)."""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rung.accounts.models import User
from rung.education.models import (
    Affiliation,
    AffiliationStatus,
    AgreementScope,
    AgreementStatus,
    CreditAgreement,
    CreditClaim,
    CreditStatus,
    Stack,
    Transcript,
)
from rung.education.services import StackProgress, condition_labels, stack_progress
from rung.lib.errors import NotFound, PermissionDenied
from rung.orgs.models import Membership, Organisation, OrgKind
from rung.orgs.selectors import get_org_for_user
from rung.projects.models import Project


def get_partner_for_user(user: User, slug: str, *, permission: str = "view") -> tuple[Organisation, Membership]:
    """An education partner the user is a member of (NotFound for outsiders and for employers)."""
    org, membership = get_org_for_user(user, slug, permission=permission)
    if org.kind != OrgKind.EDUCATION or membership is None:
        raise NotFound("No such education partner.")
    return org, membership


def partners_to_join() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrgKind.EDUCATION, verification="verified").order_by("name")


def _with_approved(affiliations: QuerySet[Affiliation]) -> QuerySet[Affiliation]:
    # How much approved credit each has: whether a transcript can be issued, and what stops it.
    return affiliations.annotate(approved_credits=Count("claims", filter=Q(claims__status=CreditStatus.APPROVED)))


def affiliations_of(student: User) -> QuerySet[Affiliation]:
    return _with_approved(Affiliation.objects.filter(student=student)).select_related("partner").order_by("-created_at")


def get_affiliation_for_student(student: User, pk: str) -> Affiliation:
    found = Affiliation.objects.filter(uuid=pk, student=student).select_related("partner").first()
    if found is None:
        raise NotFound("No such affiliation.")
    return found


def get_affiliation_for_partner(user: User, pk: str, *, permission: str = "view") -> tuple[Affiliation, Membership]:
    found = Affiliation.objects.filter(uuid=pk).select_related("partner", "student").first()
    if found is None:
        raise NotFound("No such affiliation.")
    _, membership = get_partner_for_user(user, found.partner.slug, permission=permission)
    return found, membership


def partner_affiliations(partner: Organisation) -> QuerySet[Affiliation]:
    return (
        _with_approved(Affiliation.objects.filter(partner=partner))
        .exclude(status=AffiliationStatus.ENDED)
        .select_related("student")
        .order_by("status", "-created_at")
    )


def claims_of(student: User) -> QuerySet[CreditClaim]:
    return (
        CreditClaim.objects.filter(affiliation__student=student)
        .select_related("agreement__partner", "engagement__project")
        .order_by("-created_at")
    )


def partner_claims(partner: Organisation, *, status: str = "") -> QuerySet[CreditClaim]:
    # Claims of ended affiliations stay for the record, but the partner no longer sees new ones.
    claims = CreditClaim.objects.filter(agreement__partner=partner).select_related(
        "affiliation__student", "agreement", "engagement__project__organisation"
    )
    if status:
        claims = claims.filter(status=status)
    return claims.order_by("-created_at", "-id")


def get_claim_for_user(user: User, pk: str) -> tuple[CreditClaim, Membership | None]:
    """The claim, for its student or a member of the partner; NotFound for anyone else."""
    claim = (
        CreditClaim.objects.filter(uuid=pk)
        .select_related(
            "agreement__partner",
            "affiliation__student",
            "engagement__project__organisation",
            "credential",
            "decided_by",
        )
        .first()
    )
    if claim is None:
        raise NotFound("No such credit.")
    if claim.affiliation.student_id == user.pk:
        return claim, None
    membership = Membership.objects.filter(user=user, organisation=claim.agreement.partner).first()
    if membership is None:
        raise NotFound("No such credit.")
    return claim, membership


def partner_agreements(partner: Organisation) -> QuerySet[CreditAgreement]:
    return (
        CreditAgreement.objects.filter(partner=partner)
        .select_related("employer", "template")
        .annotate(
            claims_total=Count("claims", distinct=True),
            claims_approved=Count("claims", filter=Q(claims__status=CreditStatus.APPROVED), distinct=True),
        )
        .order_by("title", "-version")
    )


def get_agreement_for_user(user: User, pk: str) -> tuple[CreditAgreement, Membership | None]:
    """Members of the partner, and of the employer it names, see the agreement (to co-sign it)."""
    agreement = CreditAgreement.objects.filter(uuid=pk).select_related("partner", "employer", "template").first()
    if agreement is None:
        raise NotFound("No such agreement.")
    orgs = [agreement.partner_id] + ([agreement.employer_id] if agreement.employer_id else [])
    membership = Membership.objects.filter(user=user, organisation_id__in=orgs).select_related("organisation")
    found = membership.first()
    if found is None:
        raise NotFound("No such agreement.")
    return agreement, found


def get_agreement_to_read(user: User, pk: str) -> tuple[CreditAgreement, Membership | None]:
    """Who may read an agreement: the members of its partner and employer (every version, drafts too),
    and, once the partner has signed it, the partner's students — affiliated (not ended), or holding
    credit under it — so that a student can read the terms their credit is given under. Only members
    get a membership back, and only they can sign."""
    try:
        return get_agreement_for_user(user, pk)
    except NotFound:
        pass
    agreement = (
        CreditAgreement.objects.filter(uuid=pk)
        .exclude(text="")
        .select_related("partner", "employer", "template")
        .first()
    )
    if agreement is not None and (
        Affiliation.objects.filter(student=user, partner_id=agreement.partner_id)
        .exclude(status=AffiliationStatus.ENDED)
        .exists()
        or CreditClaim.objects.filter(agreement=agreement, affiliation__student=user).exists()
    ):
        return agreement, None
    raise NotFound("No such agreement.")


def conditions_of(agreement: CreditAgreement) -> list[str]:
    return condition_labels(agreement)


# --- credit shown on projects ------------------------------------------------------------------


def _covering(today: Any) -> QuerySet[CreditAgreement]:
    return CreditAgreement.objects.filter(
        status=AgreementStatus.ACTIVE, valid_from__lte=today, valid_until__gte=today, partner__verification="verified"
    )


def counts_for_credit(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Projects covered by an active agreement today, as one EXISTS in the same query (flat counts)."""
    today = timezone.now().date()
    active = _covering(today)
    by_employer = active.filter(scope=AgreementScope.EMPLOYER, employer_id=OuterRef("organisation_id"))
    by_skill = active.filter(scope=AgreementScope.SKILLS, skills__projects=OuterRef("pk"))
    by_template = active.filter(scope=AgreementScope.TEMPLATE, template_id=OuterRef("template_id"))
    return projects.filter(Exists(by_employer) | Exists(by_skill) | Exists(by_template))


@dataclass(frozen=True)
class CreditNote:
    partner: str
    credit: str
    conditions: list[str]
    agreement_uuid: str


def credit_notes_for(projects: Sequence[Project]) -> dict[int, list[CreditNote]]:
    """For each project, the credit it counts for and its conditions: two queries for any number of projects."""
    if not projects:
        return {}
    today = timezone.now().date()
    by_org: dict[int, list[int]] = {}
    for project in projects:
        by_org.setdefault(project.organisation_id, []).append(project.pk)
    templates = {p.template_id for p in projects if p.template_id is not None}
    agreements = list(
        _covering(today)
        .filter(
            Q(scope=AgreementScope.EMPLOYER, employer_id__in=list(by_org))
            | Q(scope=AgreementScope.SKILLS, skills__projects__in=[p.pk for p in projects])
            | Q(scope=AgreementScope.TEMPLATE, template_id__in=templates)
        )
        .distinct()
        .select_related("partner")
        .order_by("partner__name", "title")
    )
    skill_links = CreditAgreement.skills.through.objects.filter(
        creditagreement_id__in=[a.pk for a in agreements if a.scope == AgreementScope.SKILLS]
    ).values_list("creditagreement_id", "skill_id")
    skills_of: dict[int, set[int]] = {}
    for agreement_id, skill_id in skill_links:
        skills_of.setdefault(agreement_id, set()).add(skill_id)
    project_skills = Project.skills.through.objects.filter(project_id__in=[p.pk for p in projects]).values_list(
        "project_id", "skill_id"
    )
    skills_by_project: dict[int, set[int]] = {}
    for project_id, skill_id in project_skills:
        skills_by_project.setdefault(project_id, set()).add(skill_id)
    notes: dict[int, list[CreditNote]] = {p.pk: [] for p in projects}
    for agreement in agreements:
        note = CreditNote(
            partner=agreement.partner.name,
            credit=agreement.credit_label,
            conditions=condition_labels(agreement)[1:],
            agreement_uuid=str(agreement.uuid),
        )
        for project in projects:
            if agreement.scope == AgreementScope.EMPLOYER:
                covered = agreement.employer_id == project.organisation_id
            elif agreement.scope == AgreementScope.TEMPLATE:
                covered = project.template_id is not None and agreement.template_id == project.template_id
            else:
                covered = bool(skills_of.get(agreement.pk, set()) & skills_by_project.get(project.pk, set()))
            if covered:
                notes[project.pk].append(note)
    return notes


def template_credit_notes(templates: Sequence[Any]) -> dict[int, list[CreditNote]]:
    """For the template catalogue: the credit that projects started from each template count for (one query)."""
    if not templates:
        return {}
    today = timezone.now().date()
    notes: dict[int, list[CreditNote]] = {t.pk: [] for t in templates}
    agreements = (
        _covering(today)
        .filter(scope=AgreementScope.TEMPLATE, template_id__in=list(notes))
        .select_related("partner")
        .order_by("partner__name", "title")
    )
    for agreement in agreements:
        assert agreement.template_id is not None
        notes[agreement.template_id].append(
            CreditNote(
                partner=agreement.partner.name,
                credit=agreement.credit_label,
                conditions=condition_labels(agreement)[1:],
                agreement_uuid=str(agreement.uuid),
            )
        )
    return notes


# --- progress, dashboard, export ---------------------------------------------------------------


def progress_of(student: User) -> list[StackProgress]:
    partners = Affiliation.objects.filter(student=student, status=AffiliationStatus.VERIFIED).values("partner_id")
    approved = list(
        CreditClaim.objects.filter(affiliation__student=student, status=CreditStatus.APPROVED)
        .select_related("agreement")
        .prefetch_related("engagement__project__skills")
    )
    return stack_progress(list(Stack.objects.filter(partner_id__in=partners).select_related("partner")), approved)


def transcripts_of(student: User) -> QuerySet[Transcript]:
    return Transcript.objects.filter(student=student).select_related("partner", "credential")


def partner_transcripts(partner: Organisation) -> QuerySet[Transcript]:
    return Transcript.objects.filter(partner=partner).select_related("student", "credential__revocation")


def partner_dashboard(partner: Organisation) -> dict[str, Any]:
    """Every figure in SQL aggregates: a fixed number of queries whatever the size."""
    students = Affiliation.objects.filter(partner=partner).aggregate(
        verified=Count("pk", filter=Q(status=AffiliationStatus.VERIFIED)),
        pending=Count("pk", filter=Q(status=AffiliationStatus.PENDING)),
    )
    claims = CreditClaim.objects.filter(agreement__partner=partner).aggregate(
        pending=Count("pk", filter=Q(status=CreditStatus.PENDING)),
        approved=Count("pk", filter=Q(status=CreditStatus.APPROVED)),
        declined=Count("pk", filter=Q(status=CreditStatus.DECLINED)),
        automatic=Count("pk", filter=Q(status=CreditStatus.APPROVED, automatic=True)),
    )
    by_agreement: list[dict[str, Any]] = [
        dict(row)
        for row in CreditAgreement.objects.filter(partner=partner)
        .exclude(status=AgreementStatus.DRAFT)
        .values("uuid", "title", "version", "status", "credit_unit")
        .annotate(
            completions=Count("claims"),
            approved=Count("claims", filter=Q(claims__status=CreditStatus.APPROVED)),
            credits=Sum("credit_amount", filter=Q(claims__status=CreditStatus.APPROVED)),
        )
        .order_by("title", "-version")
    ]
    agreements = CreditAgreement.objects.filter(partner=partner).aggregate(
        active=Count("pk", filter=Q(status=AgreementStatus.ACTIVE)),
        drafts=Count("pk", filter=Q(status=AgreementStatus.DRAFT)),
    )
    for row in by_agreement:
        row["credits_text"] = f"{(row['credits'] or Decimal(0)).normalize():f}"
    stacks = Stack.objects.filter(partner=partner).count()
    return {
        "students": students,
        "claims": claims,
        "agreements": agreements,
        "by_agreement": by_agreement,
        "stacks": stacks,
        "by_month": approvals_by_month(partner),
    }


CHART_MONTHS = 12


def _month_starts(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, ending with this month."""
    year, month = today.year, today.month
    starts = []
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def approvals_by_month(partner: Organisation, *, months: int = CHART_MONTHS) -> list[dict[str, Any]]:
    """Credit approved in each of the last months (by a reviewer and automatically), empty months
    included: one query."""
    starts = _month_starts(timezone.localdate(), months)
    counted = (
        CreditClaim.objects.filter(
            agreement__partner=partner, status=CreditStatus.APPROVED, decided_at__date__gte=starts[0]
        )
        .annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(
            by_reviewer=Count("pk", filter=Q(automatic=False)),
            automatic=Count("pk", filter=Q(automatic=True)),
        )
    )
    found: dict[tuple[int, int], dict[str, Any]] = {(r["month"].year, r["month"].month): dict(r) for r in counted}
    out = []
    for start in starts:
        row = found.get((start.year, start.month), {})
        by_reviewer, automatic = row.get("by_reviewer", 0), row.get("automatic", 0)
        out.append(
            {
                "month": start,
                "by_reviewer": by_reviewer,
                "automatic": automatic,
                "total": by_reviewer + automatic,
            }
        )
    return out


def dashboard_charts(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The dashboard's charts, in the shape the site's chart script draws (static/rung/charts.js);
    each has a table with the same figures beneath it on the page."""
    claims = figures["claims"]
    return [
        {
            "id": "chart-credit-by-month",
            "type": "bar",
            "stacked": True,
            "labels": [f"{row['month']:%b %Y}" for row in figures["by_month"]],
            "series": [
                {"label": "Approved by a reviewer", "data": [row["by_reviewer"] for row in figures["by_month"]]},
                {"label": "Approved automatically", "data": [row["automatic"] for row in figures["by_month"]]},
            ],
        },
        {
            "id": "chart-credit-status",
            "type": "bar",
            "labels": ["Pending", "Approved", "Declined"],
            "series": [{"label": "Credit claims", "data": [claims["pending"], claims["approved"], claims["declined"]]}],
        },
        {
            "id": "chart-outcomes",
            "type": "bar",
            "labels": [f"{row['title']} v{row['version']}" for row in figures["by_agreement"]],
            "series": [
                {"label": "Completions", "data": [row["completions"] for row in figures["by_agreement"]]},
                {"label": "Credit approved", "data": [row["approved"] for row in figures["by_agreement"]]},
            ],
        },
    ]


CSV_COLUMNS = [
    "student_email",
    "student_name",
    "student_number",
    "course_code",
    "course_name",
    "credit_amount",
    "credit_unit",
    "agreement",
    "agreement_version",
    "project",
    "employer",
    "approved_at",
    "automatic",
]


def awarded_credit_csv(partner: Organisation) -> str:
    """Approved credit, one row per award, for a student information system."""
    rows = (
        CreditClaim.objects.filter(agreement__partner=partner, status=CreditStatus.APPROVED)
        .select_related("affiliation__student", "agreement", "engagement__project__organisation")
        .order_by("decided_at", "id")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for claim in rows.iterator(chunk_size=500):
        agreement = claim.agreement
        writer.writerow(
            [
                _cell(claim.affiliation.student.email),
                _cell(claim.affiliation.student.full_name),
                _cell(claim.affiliation.student_number),
                _cell(agreement.course_code),
                _cell(agreement.course_name),
                f"{agreement.credit_amount.normalize():f}",
                agreement.credit_unit,
                _cell(agreement.title),
                agreement.version,
                _cell(claim.engagement.project.title),
                _cell(claim.engagement.project.organisation.name),
                claim.decided_at.isoformat() if claim.decided_at else "",
                "yes" if claim.automatic else "no",
            ]
        )
    return out.getvalue()


def _cell(value: str) -> str:
    # A cell starting like a formula would run in a spreadsheet: quote it as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def require_review(membership: Membership | None) -> None:
    from rung.orgs.models import role_can

    if membership is None or not role_can(membership.role, "review"):
        raise PermissionDenied("Your role at the partner does not allow reviewing credit.")
