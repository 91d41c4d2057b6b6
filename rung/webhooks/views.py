"""Webhook pages for an organisation's owners: endpoints, their deliveries, replay and rotation.
Everyone else gets 404 (outsiders) or 403 (members who are not owners)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.requests import request_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.orgs.models import Organisation
from rung.orgs.selectors import get_org_for_user
from rung.webhooks import selectors, services
from rung.webhooks.forms import EndpointForm
from rung.webhooks.models import WEBHOOK_EVENTS


def _owned(request: HttpRequest, slug: str) -> Organisation:
    user = request_user(request)
    try:
        org = get_org_for_user(user, slug)[0]
        services.check_owner(user, org)
    except NotFound:
        raise Http404("Not found") from None
    except PermissionDenied as exc:
        raise DjangoDenied(exc.message) from None
    return org


def _or_404(fetch):  # type: ignore[no-untyped-def]
    try:
        return fetch()
    except NotFound:
        raise Http404("Not found") from None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoints(request: HttpRequest, slug: str) -> HttpResponse:
    org = _owned(request, slug)
    form = EndpointForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, secret = services.create_endpoint(
                org,
                actor=request_user(request),
                url=data["url"],
                events=data["events"],
                description=data["description"],
            )
            form = EndpointForm()
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "webhooks/endpoints.html",
        {"org": org, "form": form, "endpoints": selectors.endpoints_of(org), "secret": secret, "names": WEBHOOK_EVENTS},
    )


@login_required
@require_GET
def endpoint(request: HttpRequest, slug: str, endpoint_uuid: str) -> HttpResponse:
    org = _owned(request, slug)
    ep = _or_404(lambda: selectors.get_endpoint(org, str(endpoint_uuid)))
    page = Paginator(selectors.deliveries_of(ep), 25).get_page(request.GET.get("page"))
    return render(
        request, "webhooks/endpoint.html", {"org": org, "endpoint": ep, "page": page, "names": WEBHOOK_EVENTS}
    )


@never_cache
@login_required
@require_POST
def rotate(request: HttpRequest, slug: str, endpoint_uuid: str) -> HttpResponse:
    org = _owned(request, slug)
    ep = _or_404(lambda: selectors.get_endpoint(org, str(endpoint_uuid)))
    secret = services.rotate_secret(ep, actor=request_user(request))
    ep.refresh_from_db()
    return render(request, "webhooks/rotated.html", {"org": org, "endpoint": ep, "secret": secret})


@login_required
@require_POST
def switch(request: HttpRequest, slug: str, endpoint_uuid: str) -> HttpResponse:
    org = _owned(request, slug)
    ep = _or_404(lambda: selectors.get_endpoint(org, str(endpoint_uuid)))
    services.update_endpoint(ep, actor=request_user(request), active=not ep.active)
    messages.success(request, "Endpoint switched on." if ep.active else "Endpoint switched off.")
    return redirect("webhooks:endpoint", slug=org.slug, endpoint_uuid=ep.uuid)


@login_required
@require_GET
def delivery(request: HttpRequest, slug: str, delivery_uuid: str) -> HttpResponse:
    org = _owned(request, slug)
    item = _or_404(lambda: selectors.get_delivery(org, str(delivery_uuid)))
    body = services.envelope(item.event).decode()
    return render(
        request,
        "webhooks/delivery.html",
        {"org": org, "delivery": item, "attempts": item.attempt_log.all()[:50], "body": body},
    )


@login_required
@require_POST
def replay(request: HttpRequest, slug: str, delivery_uuid: str) -> HttpResponse:
    org = _owned(request, slug)
    item = _or_404(lambda: selectors.get_delivery(org, str(delivery_uuid)))
    try:
        again = services.replay_delivery(item, actor=request_user(request))
        messages.success(request, "Sent again as a new delivery of the same event.")
        return redirect("webhooks:delivery", slug=org.slug, delivery_uuid=again.uuid)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("webhooks:delivery", slug=org.slug, delivery_uuid=item.uuid)
