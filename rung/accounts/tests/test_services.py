import re

import pytest
from django.core import signing
from django.test import override_settings

from rung.accounts import services
from rung.accounts.models import ApiToken, LoginFailure, User
from rung.audit.models import AuditEvent
from rung.lib.errors import DomainError

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


@pytest.mark.argon2
def test_registering_creates_an_unverified_user_and_mails_a_link(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.register_user(email=" Nia@Example.COM ", full_name="Nia Obi", password="a long passphrase")
    assert user.email == "nia@example.com"
    assert not user.is_verified
    assert user.password.startswith("argon2")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nia@example.com"]
    assert "/accounts/verify/" in _link(mailoutbox[0])
    assert AuditEvent.objects.filter(verb="account.user.registered", object_id=str(user.uuid)).exists()


def test_registering_the_same_address_twice_is_refused_whatever_the_case(alice):
    with pytest.raises(DomainError, match="already exists"):
        services.register_user(email="ALICE@acme.example", full_name="Alice 2", password="a long passphrase")
    assert User.objects.filter(email__iexact="alice@acme.example").count() == 1


def test_the_verification_link_verifies_once_and_is_idempotent(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.register_user(email="nia@example.com", full_name="Nia Obi", password="a long passphrase")
    token = _link(mailoutbox[0]).rstrip("/").split("/")[-1]
    services.verify_email(token=token)
    user.refresh_from_db()
    first = user.email_verified_at
    assert first is not None
    services.verify_email(token=token)
    user.refresh_from_db()
    assert user.email_verified_at == first


def test_a_tampered_or_expired_verification_link_is_refused(alice):
    with pytest.raises(DomainError, match="not valid"):
        services.verify_email(token="nonsense")
    token = signing.dumps({"u": str(alice.uuid), "e": alice.email}, salt=services.VERIFY_SALT)
    with override_settings(EMAIL_VERIFICATION_MAX_AGE_SECONDS=-1), pytest.raises(DomainError, match="expired"):
        services.verify_email(token=token)


def test_log_in_refuses_a_wrong_password_and_records_the_failure(alice, password):
    with pytest.raises(DomainError, match="do not match"):
        services.log_in(request=None, email=alice.email, password="wrong", ip="10.0.0.1")
    assert LoginFailure.objects.filter(email=alice.email, ip_address="10.0.0.1").count() == 1
    assert services.log_in(request=None, email="ALICE@acme.example", password=password, ip="10.0.0.1") == alice
    # The failure stays in the security log; it no longer slows this address down.
    assert LoginFailure.objects.filter(email=alice.email).count() == 1
    assert services.login_wait(email=alice.email, ip="10.0.0.1") == 0


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failures_throttle_even_the_right_password(alice, password, caplog):
    for _ in range(3):
        with pytest.raises(DomainError):
            services.log_in(request=None, email=alice.email, password="wrong", ip="10.0.0.2")
    with pytest.raises(DomainError) as excinfo:
        services.log_in(request=None, email=alice.email, password=password, ip="10.0.0.2")
    assert excinfo.value.code == "throttled"
    assert "login throttled" in caplog.text


def test_an_unverified_user_cannot_log_in_and_gets_a_fresh_link(
    password, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.create_user("new@example.com", password, full_name="New Person")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as excinfo:
        services.log_in(request=None, email="new@example.com", password=password, ip=None)
    assert excinfo.value.code == "unverified"
    assert len(mailoutbox) == 1


def test_changing_email_needs_the_password_and_a_click_from_the_new_address(
    alice, password, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError, match="password"):
        services.request_email_change(alice, new_email="alice@new.example", password="wrong")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_email_change(alice, new_email="alice@new.example", password=password)
    alice.refresh_from_db()
    assert alice.email == "alice@acme.example"  # unchanged until confirmed
    to_new = next(m for m in mailoutbox if m.to == ["alice@new.example"])
    assert any(m.to == ["alice@acme.example"] for m in mailoutbox)  # the old address is told
    services.confirm_email_change(token=_link(to_new).rstrip("/").split("/")[-1])
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"


def test_changing_email_to_an_address_in_use_is_refused(alice, bob, password):
    with pytest.raises(DomainError, match="already uses"):
        services.request_email_change(alice, new_email=bob.email, password=password)


def test_api_tokens_are_stored_hashed_shown_once_and_revocable(alice):
    token, raw = services.create_api_token(alice, name="CI script", scopes=["read"])
    assert raw.startswith("rung_")
    assert raw not in token.token_hash
    assert services.user_for_api_token(raw) == alice
    token.refresh_from_db()
    assert token.last_used_at is not None
    services.revoke_api_token(token, actor=alice)
    assert services.user_for_api_token(raw) is None
    with pytest.raises(DomainError, match="already revoked"):
        services.revoke_api_token(token, actor=alice)


def test_a_token_needs_a_name_and_unknown_tokens_authenticate_nobody(alice):
    with pytest.raises(DomainError, match="name"):
        services.create_api_token(alice, name="   ", scopes=["read"])
    assert services.user_for_api_token("rung_not-a-real-token") is None
    assert services.user_for_api_token("Basic abc") is None
    assert ApiToken.objects.count() == 0
