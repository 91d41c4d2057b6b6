"""Every change to accounts: sign-up, verification, log-in throttling, e-mail change, API tokens."""

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import ApiToken, LoginFailure, RevokedBecause, Scope, User, hash_token, normalise_email
from rung.audit.services import record
from rung.lib import ratelimit
from rung.lib.errors import DomainError
from rung.lib.mail import send_templated_mail
from rung.lib.ratelimit import Backoff, fingerprint
from rung.lib.request_context import current_ip

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
        # Counted, so that signing up is no way around the limit on confirmation e-mails.
        email_request_wait("verify", email=email, ip=current_ip())
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
#
# Waits belong to (e-mail, address) pairs and to addresses, never to an account alone: an attacker
# hammering alice's account from anywhere slows only themselves, and alice logs in from her own
# address as usual. docs/operations.md says why this over django-axes.


class LoginThrottled(AccountError):
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _pair_backoff() -> Backoff:
    return Backoff(
        scope="login-pair",
        free=settings.LOGIN_FAILURE_LIMIT,
        base=settings.LOGIN_BACKOFF_BASE_SECONDS,
        cap=settings.LOGIN_BACKOFF_MAX_SECONDS,
        memory=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def _ip_backoff() -> Backoff:
    return Backoff(
        scope="login-ip",
        free=settings.LOGIN_IP_FAILURE_LIMIT,
        base=settings.LOGIN_BACKOFF_BASE_SECONDS,
        cap=settings.LOGIN_BACKOFF_MAX_SECONDS,
        memory=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


def login_wait(*, email: str, ip: str | None) -> int:
    """Seconds before this e-mail may be tried again from this address (0: now)."""
    email = normalise_email(email)
    waits = [_pair_backoff().wait(fingerprint(f"{email}|{ip or 'unknown'}"))]
    if ip:
        waits.append(_ip_backoff().wait(ip))
    return max(waits)


def log_in(*, request: HttpRequest | None, email: str, password: str, ip: str | None) -> User:
    """Check the credentials, refusing while this address must wait after failed attempts."""
    email = normalise_email(email)
    pair = fingerprint(f"{email}|{ip or 'unknown'}")
    wait = login_wait(email=email, ip=ip)
    if wait:
        log.warning("login throttled email=%s ip=%s wait=%ss", email, ip, wait)
        raise LoginThrottled(
            f"Too many failed attempts from your address. For your security, please wait {_in_words(wait)} "
            "and try again, or reset your password.",
            retry_after=wait,
        )
    user = authenticate(request, username=email, password=password)
    if user is None:
        LoginFailure.objects.create(email=email, ip_address=ip)
        _pair_backoff().fail(pair)
        if ip:
            _ip_backoff().fail(ip)
        log.warning("login failed email=%s ip=%s", email, ip)
        raise AccountError("That e-mail and password do not match an account.", code="bad_credentials")
    assert isinstance(user, User)
    if not user.is_verified:
        if email_request_wait("verify", email=user.email, ip=ip):
            raise AccountError(
                "Please confirm your e-mail address first. We sent you a confirmation link a short while "
                "ago: look for it in your inbox (and your spam folder).",
                code="unverified",
            )
        send_verification_email(user)
        raise AccountError(
            "Please confirm your e-mail address first. We have sent you a new confirmation link.",
            code="unverified",
        )
    # The right password from this address forgives this pair's failures; the address's own stay.
    _pair_backoff().reset(pair)
    return user


# --- E-mails a person can ask for ------------------------------------------------------------------


class EmailThrottled(AccountError):
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def email_request_wait(kind: str, *, email: str, ip: str | None) -> int:
    """Count one request for an e-mail of `kind` to `email` from `ip`; seconds to wait if over a limit.

    Limited per account (so nobody can flood one inbox) and per address (so nobody can flood many).
    """
    by_account = ratelimit.hit(
        f"mail-{kind}-account",
        fingerprint(normalise_email(email)),
        limit=settings.EMAIL_REQUESTS_PER_ACCOUNT_PER_HOUR,
        window=3600,
    )
    if not by_account.allowed:
        return by_account.retry_after
    by_ip = ratelimit.hit(
        f"mail-{kind}-ip", ip or "unknown", limit=settings.EMAIL_REQUESTS_PER_IP_PER_HOUR, window=3600
    )
    return by_ip.retry_after


def check_password_reset_request(*, email: str, ip: str | None) -> None:
    """Refuse a password-reset e-mail asked for too often for this address or from this address."""
    wait = email_request_wait("reset", email=email, ip=ip)
    if wait:
        log.warning("password reset throttled email=%s ip=%s", normalise_email(email), ip)
        raise EmailThrottled(
            f"We have already sent several password-reset e-mails. Please look for them in your inbox "
            f"(and spam folder), or try again in {_in_words(wait)}.",
            retry_after=wait,
        )


# --- Changing the e-mail address ---------------------------------------------------------------


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    new_email = normalise_email(new_email)
    if not user.check_password(password):
        raise AccountError("Your current password is not correct.", code="bad_password", field="password")
    if new_email == user.email:
        raise AccountError("That is already your e-mail address.", code="unchanged", field="new_email")
    if User.objects.filter(email=new_email).exists():
        raise AccountError("Another account already uses this e-mail address.", code="email_taken", field="new_email")
    wait = email_request_wait("change", email=user.email, ip=current_ip())
    if wait:
        raise EmailThrottled(
            f"We have already sent several confirmation links. Please try again in {_in_words(wait)}.",
            retry_after=wait,
        )
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
#
# Only a logged-in session creates tokens (the API refuses a token to mint one), so a leaked token
# cannot outlive its own revocation by making others. Revoking one token touches nothing else; a
# password change or "log out everywhere" revokes them all.

MAX_ACTIVE_TOKENS = 20
MAX_TOKEN_LIFETIME = timedelta(days=366)


def _clean_scopes(scopes: Iterable[str]) -> str:
    wanted = {str(scope).strip().lower() for scope in scopes if str(scope).strip()}
    unknown = wanted - set(Scope.values)
    if unknown:
        raise AccountError(
            f"Unknown scope {', '.join(sorted(unknown))}: choose from {', '.join(Scope.values)}.", field="scopes"
        )
    if not wanted:
        raise AccountError("Choose at least one scope: what may this token do?", field="scopes")
    return " ".join(scope for scope in Scope.values if scope in wanted)


def active_tokens(user: User) -> QuerySet[ApiToken]:
    now = timezone.now()
    return user.api_tokens.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def create_api_token(
    user: User, *, name: str, scopes: Iterable[str], expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw secret, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise AccountError("Give the token a name so you can recognise it later.", field="name")
    if len(name) > 100:
        raise AccountError("A token name can be at most 100 characters.", field="name")
    scope_text = _clean_scopes(scopes)
    now = timezone.now()
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise AccountError("Give the expiry with a time zone, e.g. 2027-01-31T00:00:00Z.", field="expires_at")
        if expires_at <= now:
            raise AccountError("The expiry must be in the future.", field="expires_at")
        if expires_at > now + MAX_TOKEN_LIFETIME:
            raise AccountError("A token can live at most a year; leave the expiry empty for none.", field="expires_at")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the user row so that two requests at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
            raise AccountError(
                f"You already have {MAX_ACTIVE_TOKENS} active tokens. Revoke one you no longer use first.",
                code="too_many_tokens",
            )
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:12],
            token_hash=hash_token(raw),
            scopes=scope_text,
            expires_at=expires_at,
        )
        record("account.token.created", actor=user, obj=token, data={"scopes": scope_text})
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    """Revoke this one token; the user's other tokens and sessions are untouched."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_because=RevokedBecause.REVOKED
        )
        if not updated:
            raise AccountError("This token was already revoked.", code="already_revoked")
        token.refresh_from_db()
        record("account.token.revoked", actor=actor, obj=token)
    return token


def revoke_all_api_tokens(user: User, *, actor: User, because: RevokedBecause) -> int:
    """Revoke every token of the user still in force; returns how many."""
    with transaction.atomic():
        count = user.api_tokens.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_because=because
        )
        if count:
            record("account.token.revoked_all", actor=actor, obj=user, data={"count": count, "because": because})
    return count


def password_changed(user: User) -> int:
    """After a password change or reset: every API token dies with the old password. Returns how many."""
    return revoke_all_api_tokens(user, actor=user, because=RevokedBecause.PASSWORD_CHANGED)


def log_out_everywhere(user: User) -> int:
    """End every session of the user (this one too) and revoke every token. Returns the tokens revoked."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])
        count = revoke_all_api_tokens(user, actor=user, because=RevokedBecause.LOGGED_OUT_EVERYWHERE)
        record("account.sessions.ended", actor=user, obj=user, data={"tokens_revoked": count})
    return count


def token_for_api_request(raw: str) -> ApiToken | None:
    """The token in force for this raw secret (with its user loaded), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw), revoked_at__isnull=True).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy script should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_api_token(raw: str) -> User | None:
    token = token_for_api_request(raw)
    return token.user if token is not None else None
