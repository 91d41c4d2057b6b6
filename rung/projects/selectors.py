"""Reads of projects: who may see which, the search, the template catalogue."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rung.accounts.models import User
from rung.lib.errors import NotFound
from rung.lib.money import to_minor
from rung.orgs.models import Membership, role_can
from rung.projects.models import Project, ProjectStatus, ProjectTemplate, Rubric

PAGE_SIZE = 20
# Counting every match for a common word is slow at scale; past this we say "1,000+".
COUNT_CAP = 1000
# Relevance ranking only looks at this many of the most recent matches (see docs/search.md).
RANK_CANDIDATES = 1000


def get_project_for_user(
    user: User | None, project_uuid: str, *, write: bool = False
) -> tuple[Project, Membership | None]:
    """A project the user may see (or, with write=True, change). Others get NotFound."""
    project = Project.objects.select_related("organisation", "rubric").filter(uuid=project_uuid).first()
    if project is None:
        raise NotFound("No such project.")
    membership = None
    if user is not None and user.is_authenticated:
        membership = Membership.objects.filter(organisation=project.organisation, user=user).first()
    if write:
        if membership is None or not role_can(membership.role, "post_projects"):
            raise NotFound("No such project.")
        return project, membership
    if project.status == ProjectStatus.DRAFT and membership is None:
        raise NotFound("No such project.")
    return project, membership


def projects_of_org(org_id: int) -> QuerySet[Project]:
    return Project.objects.filter(organisation_id=org_id).order_by("-created_at")


@dataclass
class SearchParams:
    q: str = ""
    skills: list[str] = field(default_factory=list)
    currency: str = ""
    min_hourly: Decimal | None = None
    min_total: Decimal | None = None
    max_hours_per_week: int | None = None
    durations: list[int] = field(default_factory=list)
    start_from: date | None = None
    start_to: date | None = None
    work_modes: list[str] = field(default_factory=list)
    organisation: str = ""
    sort: str = "recent"  # or "relevance"


@dataclass
class SearchPage:
    items: Sequence[Project]
    page: int
    has_next: bool
    has_previous: bool
    total_label: str


def _filtered(params: SearchParams) -> QuerySet[Project]:
    qs = Project.objects.filter(status=ProjectStatus.PUBLISHED)
    if params.skills:
        qs = qs.filter(skills__slug__in=params.skills)
    if params.currency:
        qs = qs.filter(currency=params.currency)
        if params.min_hourly is not None:
            # stipend / hours >= rate  <=>  stipend >= rate * hours (no division in SQL).
            qs = qs.filter(stipend_minor__gte=to_minor(params.min_hourly, params.currency) * F("estimated_hours"))
        if params.min_total is not None:
            qs = qs.filter(stipend_minor__gte=to_minor(params.min_total, params.currency))
    if params.max_hours_per_week is not None:
        qs = qs.filter(estimated_hours__lte=params.max_hours_per_week * F("duration_weeks"))
    if params.durations:
        qs = qs.filter(duration_weeks__in=params.durations)
    if params.start_from:
        qs = qs.filter(start_date__gte=params.start_from)
    if params.start_to:
        qs = qs.filter(start_date__lte=params.start_to)
    if params.work_modes:
        qs = qs.filter(work_mode__in=params.work_modes)
    if params.organisation:
        qs = qs.filter(organisation__slug=params.organisation)
    if params.skills:
        qs = qs.distinct()
    return qs


def _text(qs: QuerySet[Project], q: str) -> QuerySet[Project]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return qs.filter(search_vector=SearchQuery(q, search_type="websearch", config="english"))
    # SQLite fallback: every word must appear in the title, summary or a skill name.
    for word in q.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(skills__name__icontains=word))
    return qs.distinct()


def search_projects(params: SearchParams, *, page: int = 1) -> SearchPage:
    page = max(1, page)
    qs = _filtered(params)
    q = " ".join(params.q.split())[:200]
    if q:
        qs = _text(qs, q)
    total = qs.values("pk")[: COUNT_CAP + 1].count()
    label = f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"
    offset = (page - 1) * PAGE_SIZE
    if q and params.sort == "relevance" and connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # Rank only the most recent candidates: ranking every match for a common word is what is slow.
        candidates = list(qs.order_by("-published_at").values_list("pk", flat=True)[:RANK_CANDIDATES])
        query = SearchQuery(q, search_type="websearch", config="english")
        ordered: QuerySet[Project] = (
            Project.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at")
        )
    else:
        ordered = qs.order_by("-published_at", "-id")
    window = list(ordered.select_related("organisation").prefetch_related("skills")[offset : offset + PAGE_SIZE + 1])
    return SearchPage(
        items=window[:PAGE_SIZE], page=page, has_next=len(window) > PAGE_SIZE, has_previous=page > 1, total_label=label
    )


def rubrics_for(org_id: int) -> QuerySet[Rubric]:
    return Rubric.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=org_id)).order_by(
        F("organisation_id").asc(nulls_first=True), "name"
    )


def templates_for(org_id: int | None) -> QuerySet[ProjectTemplate]:
    scope = Q(public=True)
    if org_id is not None:
        scope |= Q(organisation_id=org_id)
    return ProjectTemplate.objects.filter(scope).prefetch_related("skills")


def projects_for_staff(query: str = "") -> QuerySet[Project]:
    """Staff find any project, in any status, by its title or its organisation's name."""
    projects = Project.objects.select_related("organisation")
    query = query.strip()
    if query:
        projects = projects.filter(Q(title__icontains=query) | Q(organisation__name__icontains=query))
    return projects.order_by("-created_at", "-pk")


def open_projects_sample(limit: int = 3) -> list[Project]:
    """A few open projects for the landing page: the newest ones still taking applications."""
    today = timezone.now().date()
    return list(
        Project.objects.filter(status=ProjectStatus.PUBLISHED, application_deadline__gte=today)
        .select_related("organisation")
        .prefetch_related("skills")
        .order_by("-published_at", "-pk")[:limit]
    )
