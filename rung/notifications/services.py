"""Every change to notifications: telling people, e-mailing them once, marking things read."""

import json
import logging
import re
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from rung.accounts.models import User
from rung.lib.errors import NotFound
from rung.lib.mail import render_mail
from rung.notifications.models import Notification

log = logging.getLogger(__name__)

GENERIC_TEMPLATE = "notifications/email/generic"
_VERB = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def _check_arguments(*, verb: str, title: str, body: str, url: str, context: dict[str, Any]) -> None:
    # These are mistakes in the calling code, not in anything a person typed: fail loudly.
    if not _VERB.match(verb) or len(verb) > 80:
        raise ValueError(f"notify(verb={verb!r}): use dotted lower-case words, e.g. 'application.shortlisted'")
    if not title.strip() or len(title) > 150:
        raise ValueError("notify(title=...) must be a short, non-empty line (at most 150 characters)")
    if len(body) > 2000:
        raise ValueError("notify(body=...) must be a sentence or two (at most 2000 characters)")
    # Relative links only: a notification must never send someone to another site.
    if url and (
        not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None) or len(url) > 500
    ):
        raise ValueError(f"notify(url={url!r}) must be a relative link such as '/orgs/acme/'")
    try:
        json.dumps(context, cls=DjangoJSONEncoder)
    except TypeError as exc:
        raise ValueError(
            f"notify(context=...) is stored as JSON for the e-mail task; pass plain values, not objects ({exc})"
        ) from None


def _unique_active(recipients: Iterable[User]) -> list[User]:
    # One person can reach a list twice (owner and reviewer); they are told once. Deactivated
    # accounts are told nothing.
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def notify(
    recipients: Iterable[User],
    *,
    verb: str,
    title: str,
    body: str,
    url: str = "",
    actor: User | None = None,
    email_template: str | None = None,
    context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Tell each active recipient, in the centre and (unless email=False) by e-mail after commit.

    `email_template` is a prefix rendered as `<prefix>_subject.txt`, `<prefix>.txt` and
    `<prefix>.html` with `notification`, `recipient`, `actor`, `link` and the keys of `context`;
    without one the generic template is used. With `dedupe_key`, a recipient who already has a
    notification with that key is skipped, so sweeps can call this as often as they like.
    Returns the notifications created (skipped recipients have none).
    """
    context = context or {}
    dedupe_key = dedupe_key or None  # an empty key would silently dedupe unrelated calls
    _check_arguments(verb=verb, title=title, body=body, url=url, context=context)
    template = (email_template or GENERIC_TEMPLATE) if email else ""
    users = _unique_active(recipients)
    created: list[Notification] = []
    with transaction.atomic():
        if dedupe_key is not None:
            already = set(
                Notification.objects.filter(recipient__in=users, dedupe_key=dedupe_key).values_list(
                    "recipient_id", flat=True
                )
            )
            users = [u for u in users if u.pk not in already]
        for user in users:
            notification = Notification(
                recipient=user,
                verb=verb,
                title=title.strip(),
                body=body.strip(),
                url=url,
                actor=actor,
                email_template=template,
                context=context,
                dedupe_key=dedupe_key,
            )
            if dedupe_key is None:
                notification.save()
            else:
                # Another sweep may have told this person a moment ago; the unique constraint
                # decides, and the savepoint keeps the caller's transaction usable.
                try:
                    with transaction.atomic():
                        notification.save()
                except IntegrityError:
                    continue
            created.append(notification)
            if template:
                transaction.on_commit(partial(_enqueue_email, notification.pk))
    return created


def _enqueue_email(notification_id: int) -> None:
    from rung.notifications.tasks import deliver_notification_email

    deliver_notification_email.enqueue(notification_id)


def _email_context(notification: Notification) -> dict[str, Any]:
    path = notification.url or reverse("notifications:list")
    return {
        **notification.context,
        "notification": notification,
        "recipient": notification.recipient,
        "actor": notification.actor,
        "link": settings.SITE_URL + path,
        "centre_link": settings.SITE_URL + reverse("notifications:list"),
    }


def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification, at most once however often it is called. True if it was sent.

    The row is claimed by setting `emailed_at` only where it is still empty, so a retried or
    duplicated task finds nothing to do. If sending fails the claim is released, so a retry
    can try again.
    """
    notification = (
        Notification.objects.select_related("recipient", "actor").filter(pk=notification_id, emailed_at=None).first()
    )
    if notification is None or not notification.email_template:
        return False
    if not notification.recipient.is_active:
        return False
    claimed_at = timezone.now()
    if not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=claimed_at):
        return False  # another worker got there first
    try:
        subject, text, html = render_mail(notification.email_template, _email_context(notification))
        message = EmailMultiAlternatives(subject=subject, body=text, to=[notification.recipient.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(emailed_at=None)
        log.exception("Could not e-mail notification %s", notification.pk)
        raise
    return True


def mark_read(notification: Notification, *, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise NotFound("No such notification.")
    now = timezone.now()
    # Compare-and-set: marking twice keeps the first time it was read.
    if Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=now):
        notification.read_at = now
    else:
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of `user` read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
