from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rung.accounts.requests import request_user
from rung.lib.errors import NotFound
from rung.notifications import selectors, services
from rung.notifications.models import Notification

PAGE_SIZE = 20


def _fetch(request: HttpRequest, notification_uuid: UUID) -> Notification:
    try:
        return selectors.get_notification_for_user(request_user(request), notification_uuid)
    except NotFound:
        raise Http404("No such notification") from None


def _list_url(page: str | None) -> str:
    url = reverse("notifications:list")
    return f"{url}?page={page}" if page and page.isdigit() and page != "1" else url


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.notifications_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "unread_notifications": selectors.unread_count(user), "nav": "notifications"},
    )


@login_required
def notification_open(request: HttpRequest, notification_uuid: UUID) -> HttpResponse:
    """Follow a notification's link: opening it is reading it."""
    notification = services.mark_read(_fetch(request, notification_uuid), user=request_user(request))
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_read(request: HttpRequest, notification_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    notification = services.mark_read(_fetch(request, notification_uuid), user=user)
    if request.headers.get("HX-Request") == "true":
        # Just this row, plus the navigation's unread count swapped out of band.
        return render(
            request,
            "notifications/list.html#item",
            {
                "notification": notification,
                "page_number": request.POST.get("page", ""),
                "unread_notifications": selectors.unread_count(user),
                "oob": True,
            },
        )
    return redirect(_list_url(request.POST.get("page")))


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.mark_all_read(request_user(request))
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect("notifications:list")
