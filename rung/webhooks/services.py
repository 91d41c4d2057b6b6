"""Every write of webhooks: endpoints (owners only), the events and deliveries a domain event makes,
each attempt (claimed with a compare-and-set, so two workers never send one attempt twice), retries
with exponential backoff, replay and secret rotation."""

import ipaddress
import json
import socket
import time
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.orgs.models import Membership, Organisation, Role
from rung.webhooks import signing
from rung.webhooks.models import (
    DUE_STATUSES,
    WEBHOOK_EVENTS,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Endpoint,
    WebhookEvent,
)

USER_AGENT = "Rung-Webhooks/1"
# A worker that died mid-attempt leaves a delivery "sending"; after this long it is retried.
STALE_CLAIM = timedelta(minutes=5)


class WebhookError(DomainError):
    pass


def check_owner(actor: User, organisation: Organisation) -> None:
    """Endpoints receive the organisation's data: only its owners manage them."""
    membership = Membership.objects.filter(organisation=organisation, user=actor).first()
    if membership is None:
        raise NotFound("No such organisation.")
    if membership.role != Role.OWNER:
        raise PermissionDenied("Only the organisation's owners manage its webhooks.")


def _refused_address(host: str) -> str | None:
    """Why Rung will not send to this host, or None. Private, loopback and link-local addresses are
    refused (a webhook must not reach Rung's own network) unless WEBHOOKS_ALLOW_PRIVATE_URLS."""
    if settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        return None
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return "Rung cannot find that host."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "That address is on a private network; Rung only sends to public addresses."
    return None


def check_url(url: str) -> str:
    url = url.strip()
    if len(url) > 500:
        raise WebhookError("The address is too long (at most 500 characters).", field="url")
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise WebhookError("Please give a full https:// address.", field="url")
    if parts.username or parts.password:
        raise WebhookError("Please leave user names and passwords out of the address.", field="url")
    reason = _refused_address(parts.hostname)
    if reason:
        raise WebhookError(reason, field="url")
    return url


def _check_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown:
        raise WebhookError(f"Unknown event(s): {', '.join(unknown)}.", field="events")
    if not events:
        raise WebhookError("Please choose at least one event.", field="events")
    return [name for name in WEBHOOK_EVENTS if name in events]


def create_endpoint(
    organisation: Organisation, *, actor: User, url: str, events: list[str], description: str = ""
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (returned once; shown to the owner once)."""
    check_owner(actor, organisation)
    url = check_url(url)
    events = _check_events(events)
    description = description.strip()[:200]
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            organisation=organisation,
            url=url,
            events=events,
            description=description,
            secret=secret,
            created_by=actor,
        )
        record("webhook.endpoint_created", actor=actor, obj=endpoint, data={"url": url, "events": events})
    return endpoint, secret


def update_endpoint(
    endpoint: Endpoint,
    *,
    actor: User,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
    description: str | None = None,
) -> Endpoint:
    check_owner(actor, endpoint.organisation)
    changed: dict[str, Any] = {}
    if url is not None:
        changed["url"] = check_url(url)
    if events is not None:
        changed["events"] = _check_events(events)
    if active is not None:
        changed["active"] = active
    if description is not None:
        changed["description"] = description.strip()[:200]
    with transaction.atomic():
        for key, value in changed.items():
            setattr(endpoint, key, value)
        if changed:
            endpoint.save(update_fields=list(changed))
            record("webhook.endpoint_changed", actor=actor, obj=endpoint, data={k: str(v) for k, v in changed.items()})
    return endpoint


def rotate_secret(endpoint: Endpoint, *, actor: User, now: datetime | None = None) -> str:
    """A new secret signs from now on; the old one also signs (a second `v1`) for
    WEBHOOKS_SECRET_GRACE_HOURS, so the receiver can switch without losing a delivery."""
    check_owner(actor, endpoint.organisation)
    now = now or timezone.now()
    secret = signing.new_secret()
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_expires_at = now + timedelta(hours=settings.WEBHOOKS_SECRET_GRACE_HOURS)
        locked.secret = secret
        locked.rotated_at = now
        locked.save(update_fields=["previous_secret", "previous_secret_expires_at", "secret", "rotated_at"])
        record("webhook.secret_rotated", actor=actor, obj=locked)
    endpoint.refresh_from_db()
    return secret


def secrets_in_force(endpoint: Endpoint, now: datetime) -> list[str]:
    keys = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        keys.append(endpoint.previous_secret)
    return keys


# --- From a domain event to deliveries --------------------------------------------------------


def _enqueue(delivery_id: int, *, run_after: datetime | None = None) -> None:
    from django.tasks import default_task_backend

    from rung.webhooks.tasks import deliver_webhook

    if run_after is None:
        deliver_webhook.enqueue(delivery_id)
    elif default_task_backend.supports_defer:
        deliver_webhook.using(run_after=run_after).enqueue(delivery_id)
    # Otherwise (the immediate backend of tests and the demo) `rung webhooks retry` sends it when due.


def fan_out(name: str, payload: dict[str, Any], *, occurred_at: datetime) -> list[Delivery]:
    """Store the event for its organisation and create one delivery per subscribed active endpoint.
    An event about another organisation's objects never reaches these endpoints."""
    organisation_id = payload.get("organisation_id")
    if name not in WEBHOOK_EVENTS or not isinstance(organisation_id, int):
        return []
    endpoints = [
        e for e in Endpoint.objects.filter(organisation_id=organisation_id, active=True) if name in (e.events or [])
    ]
    if not endpoints:
        return []
    # Internal user ids mean nothing outside Rung; objects are named by their uuids.
    data = {k: v for k, v in payload.items() if k not in ("organisation_id", "actor_id")}
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            organisation_id=organisation_id, name=name, data=data, occurred_at=occurred_at
        )
        deliveries = [Delivery.objects.create(endpoint=e, event=event) for e in endpoints]
        for delivery in deliveries:
            transaction.on_commit(partial(_enqueue, delivery.pk))
    return deliveries


def envelope(event: WebhookEvent) -> bytes:
    body = {
        "id": str(event.uuid),
        "type": event.name,
        "created": event.occurred_at.isoformat(),
        "organisation": event.organisation.slug,
        "data": event.data,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: base × 2^(attempts − 1), capped."""
    seconds = settings.WEBHOOKS_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOKS_BACKOFF_MAX_SECONDS))


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    claimed = Delivery.objects.filter(pk=delivery_id, status__in=DUE_STATUSES, next_attempt_at__lte=now).update(
        status=DeliveryStatus.SENDING, claimed_at=now
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint__organisation", "event__organisation").get(pk=delivery_id)


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
    """Send one attempt of a due delivery. Returns None if it was not due (sent, or claimed by another
    worker). A 2xx answer delivers it; anything else schedules a retry, until the last attempt."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    body = envelope(delivery.event)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Rung-Event": delivery.event.name,
        "Rung-Event-Id": str(delivery.event.uuid),
        "Rung-Delivery": str(delivery.uuid),
        signing.HEADER: signing.signature_header(
            body, secrets_in_force=secrets_in_force(endpoint, now), timestamp=timestamp
        ),
    }
    status_code: int | None = None
    error = ""
    excerpt = ""
    started = time.monotonic()
    reason = _refused_address(urlsplit(endpoint.url).hostname or "")  # again: DNS may have changed
    if reason:
        error = reason
    else:
        try:
            response = httpx.post(
                endpoint.url,
                content=body,
                headers=headers,
                timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
                follow_redirects=False,
            )
            status_code = response.status_code
            excerpt = response.text[:500]
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
    duration = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    attempts = delivery.attempts + 1
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=attempts,
            at=now,
            status_code=status_code,
            error=error,
            duration_ms=duration,
            response_excerpt=excerpt,
        )
        if ok:
            status, next_at = DeliveryStatus.SUCCEEDED, delivery.next_attempt_at
        elif attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            status, next_at = DeliveryStatus.FAILED, delivery.next_attempt_at
        else:
            status, next_at = DeliveryStatus.RETRYING, now + backoff(attempts)
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=status,
            attempts=attempts,
            next_attempt_at=next_at,
            last_status_code=status_code,
            last_error=error or ("" if ok else f"HTTP {status_code}"),
            delivered_at=now if ok else None,
        )
        if status == DeliveryStatus.RETRYING:
            transaction.on_commit(partial(_enqueue, delivery.pk, run_after=next_at))
    delivery.refresh_from_db()
    return delivery


def retry_due_deliveries(*, now: datetime | None = None, limit: int = 500) -> int:
    """Attempt every delivery that is due (and any a dead worker left "sending"). Safe to run
    beside the worker: each attempt is claimed. Returns how many attempts were made."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=DeliveryStatus.RETRYING, next_attempt_at=now
    )
    due = list(
        Delivery.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if attempt_delivery(pk, now=now) is not None)


def replay_delivery(delivery: Delivery, *, actor: User) -> Delivery:
    """Send an event again (e.g. after the receiver was fixed): a new delivery of the same event,
    with the same event id, a fresh timestamp and the current secret."""
    check_owner(actor, delivery.endpoint.organisation)
    if not delivery.endpoint.active:
        raise WebhookError("This endpoint is switched off; switch it on to replay.")
    with transaction.atomic():
        replay = Delivery.objects.create(
            endpoint=delivery.endpoint, event=delivery.event, replay_of=delivery, replayed_by=actor
        )
        record("webhook.replayed", actor=actor, obj=replay, data={"of": str(delivery.uuid)})
        transaction.on_commit(partial(_enqueue, replay.pk))
    return replay
