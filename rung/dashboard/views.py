import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rung.accounts.models import User
from rung.applications.selectors import my_applications
from rung.credentials.selectors import wallet_for_user
from rung.engagements.selectors import engagements_for
from rung.ledger.selectors import overdue_payouts, unmatched_deposits
from rung.orgs import selectors as org_selectors
from rung.orgs.models import OrgKind, role_can
from rung.profiles.selectors import get_or_create_profile, profile_completeness
from rung.projects.models import Project
from rung.reviews.selectors import review_queue

log = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "dashboard/landing.html")
    user = request.user
    assert isinstance(user, User)
    memberships = list(org_selectors.memberships_for_user(user))
    employer = [m for m in memberships if m.organisation.kind == OrgKind.EMPLOYER]
    education = [m for m in memberships if m.organisation.kind == OrgKind.EDUCATION]
    context = {
        "nav": "dashboard",
        "completeness": profile_completeness(get_or_create_profile(user)),
        "employer_memberships": employer,
        "education_memberships": education,
        "mentoring": [m for m in memberships if role_can(m.role, "mentor")],
        "reviewing": [m for m in employer if role_can(m.role, "review")],
        "invitations": org_selectors.invitations_for_user(user),
        "verification_queue_count": org_selectors.verification_queue().count() if user.is_staff else 0,
        "unmatched_deposit_count": unmatched_deposits().count() if user.is_staff else 0,
        "overdue_payout_count": len(overdue_payouts()) if user.is_staff else 0,
        "applications": my_applications(user)[:5],
        "engagements": list(engagements_for(user)[:5]),
        "review_queue_count": review_queue(user).count(),
        "credential_count": wallet_for_user(user).count(),
        "employer_projects": Project.objects.filter(organisation__in=[m.organisation for m in employer])
        .select_related("organisation")
        .order_by("-created_at")[:6],
    }
    return render(request, "dashboard/home.html", context)


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
