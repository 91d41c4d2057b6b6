"""Every change of payout details: requested on a page or the API, applied only from the e-mail link."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.lib.mail import send_templated_mail
from rung.payees import crypto
from rung.payees.models import CHANGE_TRANSITIONS, ChangeStatus, PayoutDetails, PayoutDetailsChange
from rung.payees.validation import clean_payout_details

CHANGE_TTL = timedelta(hours=24)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_payout_details_change(*, user: User, values: dict[str, Any]) -> tuple[PayoutDetailsChange, str]:
    """Check new payout details and e-mail the person a link to confirm them; nothing applies before that.

    Returns the pending change and a note to show (e.g. a tax identifier whose format Rung cannot check).
    A newer request replaces an older one still waiting.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to give your payout details.")
    clean = clean_payout_details(values)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # Lock the person's row so two requests at once queue up instead of both being pending.
        User.objects.select_for_update().filter(pk=user.pk).first()
        superseded = PayoutDetailsChange.objects.filter(user=user, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.SUPERSEDED, resolved_at=now
        )
        change = PayoutDetailsChange.objects.create(
            user=user,
            country=clean.country,
            form=clean.form,
            tax_residence=clean.tax_residence,
            masked=clean.masked,
            secret=crypto.encrypt(clean.secret),
            token_hash=_hash(token),
            expires_at=now + CHANGE_TTL,
        )
        # The audit trail says what changed in the form anyone may see, never the numbers themselves.
        record(
            "payees.change.requested",
            actor=user,
            obj=change,
            data={"country": clean.country, "form": clean.form, "masked": clean.masked, "superseded": superseded},
        )
        link = settings.SITE_URL.rstrip("/") + reverse("payees:confirm", args=[token])
        send_templated_mail(
            user.email,
            "payees/email/confirm_change",
            {"user": user, "masked": clean.masked, "link": link, "site_name": settings.SITE_NAME, "hours": 24},
        )
    return change, clean.tax_id_note


def confirm_payout_details_change(*, token: str, user: User) -> PayoutDetails:
    """Apply the change the link names, once, for the person it was sent to."""
    now = timezone.now()
    with transaction.atomic():
        change = PayoutDetailsChange.objects.select_for_update().filter(token_hash=_hash(token or "")).first()
        if change is None or change.user_id != user.pk:
            raise DomainError("This confirmation link is not valid for your account.", code="invalid_link")
        if change.status != ChangeStatus.PENDING:
            raise DomainError(
                "This link was already used or replaced by a newer change. Your current details are unchanged.",
                code="link_used",
            )
        if change.expires_at <= now:
            assert ChangeStatus.EXPIRED in CHANGE_TRANSITIONS[change.status]
            change.status, change.resolved_at = ChangeStatus.EXPIRED, now
            change.save(update_fields=["status", "resolved_at"])
            record("payees.change.expired", actor=user, obj=change, data={"masked": change.masked})
            # Raising would roll the expiry back, so it is reported after the block commits.
            expired = True
        else:
            expired = False
            assert ChangeStatus.CONFIRMED in CHANGE_TRANSITIONS[change.status]
            details, created = PayoutDetails.objects.select_for_update().get_or_create(
                user=user,
                defaults={
                    "country": change.country,
                    "form": change.form,
                    "tax_residence": change.tax_residence,
                    "masked": change.masked,
                    "secret": change.secret,
                    "confirmed_at": now,
                },
            )
            previous = "" if created else details.masked
            if not created:
                details.country, details.form, details.tax_residence = change.country, change.form, change.tax_residence
                details.masked, details.secret, details.confirmed_at = change.masked, change.secret, now
                details.save(update_fields=["country", "form", "tax_residence", "masked", "secret", "confirmed_at"])
            change.status, change.resolved_at = ChangeStatus.CONFIRMED, now
            change.save(update_fields=["status", "resolved_at"])
            record(
                "payees.details.confirmed",
                actor=user,
                obj=details,
                data={"masked": details.masked, "previous": previous, "country": details.country},
            )
            emit("payout_details.confirmed", user_id=user.pk)
    if expired:
        raise DomainError("This confirmation link has expired. Enter your payout details again.", code="link_expired")
    return details


def export_plain_details(users: Iterable[User], *, staff: User, reason: str) -> dict[int, dict[str, str]]:
    """The decrypted details of these people, for a payout batch file; every export is audited.

    The only way plain details leave Rung: pages and the API show the masked form.
    """
    if not staff.is_staff:
        raise PermissionDenied("Only Rung staff can export payout details.")
    ids = sorted({u.pk for u in users})
    rows = PayoutDetails.objects.filter(user_id__in=ids).values_list("user_id", "country", "form", "secret")
    plain = {uid: {"country": country, "form": form, **crypto.decrypt(secret)} for uid, country, form, secret in rows}
    record("payees.details.exported", actor=staff, data={"users": sorted(plain), "reason": reason[:200]})
    return plain


def rotate_encryption_keys() -> int:
    """Re-encrypt every stored detail under the newest PAYOUT_DETAILS_KEY; returns how many rows."""
    count = 0
    for model in (PayoutDetails, PayoutDetailsChange):
        for pk, secret in model.objects.values_list("pk", "secret").iterator():
            try:
                with transaction.atomic():
                    model.objects.filter(pk=pk, secret=secret).update(secret=crypto.rotate(secret))
            except IntegrityError:  # pragma: no cover - a concurrent change already rewrote it
                continue
            count += 1
    return count
