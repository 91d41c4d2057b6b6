"""Reads of projects: who may see which, the search, the template catalogue."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from rung.accounts.models import User
from rung.lib.errors import NotFound
from rung.lib.money import to_minor
from rung.orgs.models import Membership, role_can
from rung.projects import extensions
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


# Engagement statuses, spelled here as plain values: the projects app reads its engagements through
# the reverse relation (`project.engagements`) and never imports the engagements app (a lower layer).
_LIVE_ENGAGEMENT = ("awaiting_signatures", "active")
_CANCELLED_ENGAGEMENT = "cancelled"


@dataclass(frozen=True)
class Seats:
    """How many of a project's seats are taken.

    A seat is taken by every engagement (signing, under way or completed). A cancelled engagement's
    escrow went back to the employer, so its seat stays taken until the employer funds it again.
    """

    total: int
    taken: int
    # Seats freed by a cancellation whose escrow went back: funding them again reopens them.
    unfunded: int = 0

    @property
    def left(self) -> int:
        return max(0, self.total - self.taken)

    @property
    def full(self) -> bool:
        return self.left == 0

    @property
    def label(self) -> str:
        if self.full:
            return "Full: every seat is taken"
        return f"{self.left} of {self.total} seat{'s' if self.total != 1 else ''} open"


def _refunded_seats(project: Project, *, engaged: int, cancelled: int) -> int:
    """How many cancelled engagements' seats the escrow has been funded for again."""
    from rung.ledger.selectors import escrow_balance

    live = project.engagements.filter(status__in=_LIVE_ENGAGEMENT)
    owed = int(live.aggregate(total=Sum("stipend_minor"))["total"] or 0)
    released = int(
        live.filter(milestones__status="approved").aggregate(total=Sum("milestones__amount_minor"))["total"] or 0
    )
    never_used = max(0, project.seats - engaged - cancelled)
    headroom = escrow_balance(project_uuid=project.uuid, currency=project.currency) - (owed - released)
    headroom -= never_used * project.stipend_minor
    return min(cancelled, max(0, headroom // project.stipend_minor))


def _seats(project: Project, *, engaged: int, cancelled: int) -> Seats:
    taken = engaged + cancelled
    unfunded = 0
    if cancelled and taken >= project.seats:
        refunded = _refunded_seats(project, engaged=engaged, cancelled=cancelled)
        taken -= refunded
        unfunded = min(cancelled - refunded, max(0, project.seats - engaged))
    return Seats(total=project.seats, taken=taken, unfunded=unfunded)


def seats_for(project: Project) -> Seats:

    counts = project.engagements.aggregate(
        engaged=Count("id", filter=~Q(status=_CANCELLED_ENGAGEMENT)),
        cancelled=Count("id", filter=Q(status=_CANCELLED_ENGAGEMENT)),
    )
    return _seats(project, engaged=counts["engaged"], cancelled=counts["cancelled"])


def seats_for_many(projects: Sequence[Project]) -> dict[int, Seats]:
    """Seats of a page of projects in one query (plus one per project with a cancelled, full seat)."""
    rows = (
        Project.objects.filter(pk__in=[p.pk for p in projects])
        .annotate(
            engaged=Count("engagements", filter=~Q(engagements__status=_CANCELLED_ENGAGEMENT)),
            cancelled=Count("engagements", filter=Q(engagements__status=_CANCELLED_ENGAGEMENT)),
        )
        .values_list("pk", "engaged", "cancelled")
    )
    counts = {pk: (engaged, cancelled) for pk, engaged, cancelled in rows}
    return {
        p.pk: _seats(p, engaged=counts.get(p.pk, (0, 0))[0], cancelled=counts.get(p.pk, (0, 0))[1]) for p in projects
    }


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
    flags: list[str] = field(default_factory=list)  # registered by apps above (extensions.py)


@dataclass
class SearchPage:
    items: Sequence[Project]
    page: int
    has_next: bool
    has_previous: bool
    total_label: str
    # When nothing matched the words as typed: the respelling whose results are shown instead.
    suggestion: str | None = None


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
    if params.flags:
        qs = extensions.apply_flags(qs, params.flags)
    if params.skills:
        qs = qs.distinct()
    return qs


_WORD = re.compile(r"[^\W_]+")


# Short forms people type for words postings spell out; each is searched as well as the word typed.
ABBREVIATIONS = {
    "viz": "visual",
    "vis": "visual",
    "dataviz": "visual",
    "ux": "user",
    "ml": "machine",
    "ai": "artificial",
    "db": "database",
    "js": "javascript",
    "dev": "develop",
    "eng": "engineer",
    "ops": "operation",
    "comms": "communication",
    "admin": "administ",
    "stats": "statistic",
}


def _words(q: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(q)][:8]


def _forms(word: str) -> list[str]:
    return [word, ABBREVIATIONS[word]] if word in ABBREVIATIONS else [word]


def _tsquery(words: list[str]) -> str:
    """Every word as a prefix, with its long form: ('data':*) & ('viz':* | 'visual':*)."""
    return " & ".join("(" + " | ".join(f"'{f}':*" for f in _forms(w)) + ")" for w in words)


def _org_ids_matching(q: str) -> list[int]:
    """Employers whose name contains the whole query (a small table: read it directly)."""
    from rung.orgs.models import Organisation

    return list(Organisation.objects.filter(name__icontains=q).values_list("pk", flat=True)[:50])


def _text(qs: QuerySet[Project], q: str) -> QuerySet[Project]:
    """Projects whose words start with the words searched (so "data viz" finds "visualisation"),
    or whose employer's name contains the query."""
    words = _words(q)
    orgs = _org_ids_matching(q)
    by_org = Q(organisation_id__in=orgs) if orgs else Q(pk__in=[])
    if not words:
        return qs.filter(by_org)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        # The words are letters and digits only, so they are safe inside the raw tsquery.
        raw = _tsquery(words)
        return qs.filter(Q(search_vector=SearchQuery(raw, search_type="raw", config="english")) | by_org)
    # SQLite fallback: every word must appear in the title, summary or a skill name.
    text = Q()
    for word in words:
        either = Q()
        for form in _forms(word):
            either |= Q(title__icontains=form) | Q(summary__icontains=form) | Q(skills__name__icontains=form)
        text &= either
    return qs.filter(text | by_org).distinct()


def _closest_word(word: str) -> str | None:
    """The word of a published title that is spelled most like `word` (pg_trgm, or difflib on SQLite)."""
    if len(word) < 4:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The trigram index finds titles holding a word like this one; the word itself is then
            # picked out of those few titles.
            cursor.execute(
                """
                SELECT w FROM (
                    SELECT regexp_split_to_table(lower(title), '[^[:alnum:]]+') AS w
                    FROM (SELECT title FROM projects_project
                          WHERE status = 'published' AND %s <%% lower(title)
                          ORDER BY %s <<-> lower(title) LIMIT 20) AS near
                ) AS words
                WHERE length(w) > 2 AND w <> %s AND similarity(w, %s) > 0.3
                ORDER BY similarity(w, %s) DESC, w LIMIT 1
                """,
                [word, word, word, word, word],
            )
            row = cursor.fetchone()
        return str(row[0]) if row else None
    import difflib

    vocabulary: set[str] = set()
    titles = Project.objects.filter(status=ProjectStatus.PUBLISHED).order_by("-published_at")
    for title in titles.values_list("title", flat=True)[:2000]:
        vocabulary.update(w for w in _words(title) if len(w) > 2)
    vocabulary.discard(word)
    close = difflib.get_close_matches(word, sorted(vocabulary), n=1, cutoff=0.75)
    return close[0] if close else None


def suggest_spelling(q: str) -> str | None:
    """A respelling of the query that the search understands, or None."""
    words = _words(q)
    changed = False
    out = []
    for word in words:
        better = _closest_word(word)
        if better:
            changed = True
            out.append(better)
        else:
            out.append(word)
    return " ".join(out) if changed else None


def _page_of(qs: QuerySet[Project], params: SearchParams, q: str, page: int) -> tuple[list[Project], str]:
    """One page of matches and the label of how many there are.

    One bounded, unordered walk of the matches gives both: the count, and — when few rows match,
    as for a rare word — every candidate, which is then sorted by date (or ranked) without the
    planner walking the recency index backwards through rows that do not match. Only when more
    than COUNT_CAP match does an ordered query run, and then recency finds a page at once.
    """
    offset = (page - 1) * PAGE_SIZE
    if not q:
        # Browsing: the recency index serves the page directly; a bounded count is an index-only scan.
        total = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
        label = f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"
        return list(_rows(qs.order_by("-published_at", "-id"))[offset : offset + PAGE_SIZE + 1]), label
    found = list(qs.order_by().values_list("pk", "published_at")[: COUNT_CAP + 1])
    total = len(found)
    label = f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"
    relevance = bool(q) and params.sort == "relevance" and connection.vendor == "postgresql"
    if total <= COUNT_CAP and not relevance:
        newest = sorted(found, key=lambda row: (row[1] is not None, row[1], row[0]), reverse=True)
        pks = [pk for pk, _ in newest[offset : offset + PAGE_SIZE + 1]]
        by_pk = {p.pk: p for p in _rows(Project.objects.filter(pk__in=pks))}
        return [by_pk[pk] for pk in pks if pk in by_pk], label
    if relevance:
        from django.contrib.postgres.search import SearchQuery, SearchRank

        if total <= COUNT_CAP:
            candidates = [pk for pk, _ in found]
        else:
            # Rank only the most recent candidates: ranking every match for a common word is slow.
            candidates = list(qs.order_by("-published_at").values_list("pk", flat=True)[:RANK_CANDIDATES])
        raw = _tsquery(_words(q)) or "''"
        query = SearchQuery(raw, search_type="raw", config="english")
        ordered: QuerySet[Project] = (
            Project.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-id")
        )
    else:
        ordered = qs.order_by("-published_at", "-id")
    return list(_rows(ordered)[offset : offset + PAGE_SIZE + 1]), label


def _rows(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related("organisation").prefetch_related("skills", "milestones")


def search_projects(params: SearchParams, *, page: int = 1) -> SearchPage:
    page = max(1, page)
    q = " ".join(params.q.split())[:200]
    base = _filtered(params)
    qs = _text(base, q) if q else base
    window, label = _page_of(qs, params, q, page)
    suggestion = None
    if q and not window and page == 1:
        # Nothing matched as typed: respell against the titles and, if that finds work, show it.
        suggestion = suggest_spelling(q)
        if suggestion:
            window, label = _page_of(_text(base, suggestion), params, suggestion, page)
            if not window:
                suggestion = None
    return SearchPage(
        items=window[:PAGE_SIZE],
        page=page,
        has_next=len(window) > PAGE_SIZE,
        has_previous=page > 1,
        total_label=label,
        suggestion=suggestion,
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
