import logging
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rung.accounts.requests import request_user
from rung.applications.selectors import applications_for_staff, my_applications, projects_awaiting_decisions
from rung.credentials.selectors import wallet_for_user
from rung.dashboard.context_processors import request_roles
from rung.dashboard.roles import Roles
from rung.engagements.models import Engagement, EngagementStatus
from rung.engagements.selectors import engagements_for
from rung.ledger.selectors import overdue_payouts, unmatched_deposits, waiting_payouts_for
from rung.lib.money import format_money
from rung.orgs import selectors as org_selectors
from rung.outcomes.selectors import pending_confirmations
from rung.pathways.selectors import standings_for_candidate
from rung.profiles.selectors import get_or_create_profile, profile_completeness
from rung.projects.models import Project
from rung.projects.selectors import open_projects_sample, projects_for_staff
from rung.reviews.selectors import review_queue
from rung.showcase import selectors as showcase_selectors
from rung.showcase.services import is_curator

log = logging.getLogger(__name__)

STAFF_FIND_LIMIT = 25
OPEN_ENGAGEMENTS = (EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "dashboard/landing.html", {"sample_projects": open_projects_sample(3)})
    user = request_user(request)
    roles = request_roles(request)
    context: dict[str, Any] = {"nav": "dashboard", "roles": roles}
    context["invitations"] = list(org_selectors.invitations_for_user(user))
    context["payout_waiting"] = [format_money(t, c) for c, t in waiting_payouts_for(user).items()]
    if roles.candidate:
        context.update(_candidate(user))
    if roles.posting or roles.reviewing or (roles.employer and not roles.mentoring):
        context.update(_employer(user, roles))
    if roles.reviewing:
        context["decisions"] = list(projects_awaiting_decisions(user)[:8])
        queue = review_queue(user)
        context["submissions_to_review"] = list(queue[:8])
        context["submissions_to_review_count"] = queue.count()
    if roles.posting:
        context["consent_waiting_count"] = showcase_selectors.waiting_consent_count(user)
    if roles.mentoring:
        context.update(_mentor(user, roles))
    if is_curator(user):
        context["curation_queue_count"] = showcase_selectors.curation_queue().count()
    if user.is_staff:
        context.update(
            verification_queue_count=org_selectors.verification_queue().count(),
            unmatched_deposit_count=unmatched_deposits().count(),
            open_report_count=showcase_selectors.moderation_queue().count(),
        )
        overdue = overdue_payouts()
        context.update(overdue_payouts=overdue[:5], overdue_payout_count=len(overdue))
    return render(request, "dashboard/home.html", context)


def _candidate(user: Any) -> dict[str, Any]:
    return {
        "completeness": profile_completeness(get_or_create_profile(user)),
        "applications": list(my_applications(user).order_by("-created_at")[:5]),
        "my_engagements": list(engagements_for(user).filter(candidate=user)[:5]),
        "credential_count": wallet_for_user(user).count(),
        # Ladders of the employers they worked for (bounded: at most three on the dashboard).
        "pathway_standings": standings_for_candidate(user, limit=3),
        "outcomes_to_confirm": pending_confirmations(user),
    }


def _employer(user: Any, roles: Roles) -> dict[str, Any]:
    orgs = [m.organisation for m in roles.employer]
    return {
        "employer_projects": list(
            Project.objects.filter(organisation__in=orgs).select_related("organisation").order_by("-created_at")[:6]
        ),
        "employer_engagements": list(
            engagements_for(user)
            .filter(project__organisation__in=orgs, status__in=OPEN_ENGAGEMENTS)
            .exclude(candidate=user)[:6]
        ),
    }


def _mentor(user: Any, roles: Roles) -> dict[str, Any]:
    """Interns this person mentors by name first; then the open engagements of the organisations
    where mentoring is their role, so a new mentor sees whom they will be helping."""
    orgs = [m.organisation for m in roles.mentoring]
    mentees = list(
        Engagement.objects.filter(mentor=user)
        .select_related("project", "project__organisation", "candidate")
        .order_by("-created_at")[:8]
    )
    at_orgs = list(
        engagements_for(user)
        .filter(project__organisation__in=orgs, status__in=OPEN_ENGAGEMENTS)
        .exclude(mentor=user)[:8]
    )
    return {"mentees": mentees, "mentor_org_engagements": at_orgs}


@staff_member_required
def staff_find(request: HttpRequest) -> HttpResponse:
    """Staff find any project (by title or organisation) and any application (also by e-mail)."""
    query = request.GET.get("q", "").strip()[:120]
    context: dict[str, Any] = {"q": query, "nav": "staff_find"}
    if query:
        context["projects"] = list(projects_for_staff(query)[:STAFF_FIND_LIMIT])
        context["found_applications"] = list(applications_for_staff(query)[:STAFF_FIND_LIMIT])
        context["limit"] = STAFF_FIND_LIMIT
    return render(request, "dashboard/staff_find.html", context)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # Any database failure means "not healthy"; the log says which.
        log.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
