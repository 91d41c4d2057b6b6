"""Every change to accounts: sign-up, verification, log-in throttling, e-mail change, API tokens."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import ApiToken, LoginFailure, User, hash_token, normalise_email
from rung.audit.services import record
from rung.lib.errors import DomainError
from rung.lib.mail import send_templated_mail

log = logging.getLogger("rung.security")

VERIFY_SALT = "rung.accounts.verify-email"
CHANGE_SALT = "rung.accounts.change-email"
TOKEN_PREFIX = "rung_"


class AccountError(DomainError):
    pass


# --- Sign-up and verification ---------------------------------------------------------------


def register_user(*, email: str, full_name: str, password: str) -> User:
    email = normalise_email(email)
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise AccountError("An account with this e-mail address already exists.", code="email_taken", field="email")
        user = User.objects.create_user(email, password, full_name=full_name.strip())
        record("account.user.registered", actor=user, obj=user)
        send_verification_email(user)
    return user


def _verification_link(user: User) -> str:
    token = signing.dumps({"u": str(user.uuid), "e": user.email}, salt=VERIFY_SALT)
    return settings.SITE_URL + reverse("accounts:verify_email", args=[token])


def send_verification_email(user: User) -> None:
    send_templated_mail(user.email, "accounts/email/verify", {"user": user, "link": _verification_link(user)})


def verify_email(*, token: str) -> User:
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise AccountError(
            "This confirmation link has expired. Log in to get a new one.", code="link_expired"
        ) from None
    except signing.BadSignature:
        raise AccountError(
            "This confirmation link is not valid. Check that you copied all of it.", code="link_invalid"
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(uuid=payload["u"], email=payload["e"]).first()
        if user is None:
            raise AccountError("This confirmation link no longer matches an account.", code="link_invalid")
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            record("account.email.verified", actor=user, obj=user)
    return user


# --- Log-in with throttling --------------------------------------------------------------------


def _recent_failures(email: str, ip: str | None) -> int:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    by_email = LoginFailure.objects.filter(email=email, occurred_at__gte=since).count()
    by_ip = LoginFailure.objects.filter(ip_address=ip, occurred_at__gte=since).count() if ip else 0
    # Per-IP allows more: several people may share one address (a campus, an office).
    return max(by_email, by_ip // 4)


def log_in(*, request: HttpRequest | None, email: str, password: str, ip: str | None) -> User:
    """Check the credentials, refusing while too many recent attempts have failed."""
    email = normalise_email(email)
    if _recent_failures(email, ip) >= settings.LOGIN_FAILURE_LIMIT:
        log.warning("login throttled email=%s ip=%s", email, ip)
        minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
        raise AccountError(
            f"Too many failed attempts. For your security, please wait {minutes} minutes and try again, "
            "or reset your password.",
            code="throttled",
        )
    user = authenticate(request, username=email, password=password)
    if user is None:
        LoginFailure.objects.create(email=email, ip_address=ip)
        log.warning("login failed email=%s ip=%s", email, ip)
        raise AccountError("That e-mail and password do not match an account.", code="bad_credentials")
    assert isinstance(user, User)
    if not user.is_verified:
        send_verification_email(user)
        raise AccountError(
            "Please confirm your e-mail address first. We have sent you a new confirmation link.",
            code="unverified",
        )
    LoginFailure.objects.filter(email=email).delete()
    return user


# --- Changing the e-mail address ---------------------------------------------------------------


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    new_email = normalise_email(new_email)
    if not user.check_password(password):
        raise AccountError("Your current password is not correct.", code="bad_password", field="password")
    if new_email == user.email:
        raise AccountError("That is already your e-mail address.", code="unchanged", field="new_email")
    if User.objects.filter(email=new_email).exists():
        raise AccountError("Another account already uses this e-mail address.", code="email_taken", field="new_email")
    token = signing.dumps({"u": str(user.uuid), "e": new_email}, salt=CHANGE_SALT)
    link = settings.SITE_URL + reverse("accounts:confirm_email_change", args=[token])
    with transaction.atomic():
        record("account.email.change_requested", actor=user, obj=user, data={"new_email": new_email})
        # The link goes to the new address (proving it is theirs); the old one is told.
        send_templated_mail(new_email, "accounts/email/change_email", {"user": user, "link": link})
        send_templated_mail(user.email, "accounts/email/change_email_notice", {"user": user, "new_email": new_email})


def confirm_email_change(*, token: str) -> User:
    try:
        payload = signing.loads(token, salt=CHANGE_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)
    except signing.BadSignature:
        raise AccountError(
            "This link is not valid or has expired. Please ask for a new one.", code="link_invalid"
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(uuid=payload["u"]).first()
        if user is None:
            raise AccountError("This link no longer matches an account.", code="link_invalid")
        if User.objects.filter(email=payload["e"]).exclude(pk=user.pk).exists():
            raise AccountError("Another account already uses this e-mail address.", code="email_taken")
        old = user.email
        user.email = payload["e"]
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email", "email_verified_at"])
        record("account.email.changed", actor=user, obj=user, data={"old": old, "new": user.email})
    return user


# --- API tokens --------------------------------------------------------------------------------


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw secret, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise AccountError("Give the token a name so you can recognise it later.", field="name")
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise AccountError(
            "You already have 20 active tokens. Revoke one you no longer use first.", code="too_many_tokens"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:12], token_hash=hash_token(raw))
        record("account.token.created", actor=user, obj=token)
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not updated:
            raise AccountError("This token was already revoked.", code="already_revoked")
        token.refresh_from_db()
        record("account.token.revoked", actor=actor, obj=token)
    return token


def user_for_api_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy script should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
