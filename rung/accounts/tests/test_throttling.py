"""Log-in throttling that hands an attacker no lock, and e-mails nobody can be flooded with."""

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from rung.accounts import services
from rung.lib.errors import DomainError

pytestmark = pytest.mark.django_db


def _fail(email: str, ip: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(DomainError):
            services.log_in(request=None, email=email, password="wrong", ip=ip)


def _login_post(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def test_the_owner_logs_in_from_her_address_while_her_account_is_attacked_from_another(client, alice, password):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_login_post(attacker, alice.email, f"guess-{n}").status_code for n in range(12)]
    assert statuses[:4] == [400] * 4
    assert 429 in statuses  # the attacker is slowed down…
    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = _login_post(owner, alice.email, password)
    assert response.status_code == 302  # …and alice, from her own address, is not
    assert owner.get(reverse("accounts:settings")).status_code == 200


def test_a_throttled_attempt_answers_429_with_retry_after_even_with_the_right_password(alice, password):
    attacker = Client(REMOTE_ADDR="203.0.113.10")
    for n in range(5):
        _login_post(attacker, alice.email, f"guess-{n}")
    response = attacker.post(reverse("accounts:login"), {"email": alice.email, "password": password})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "wait" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_BACKOFF_BASE_SECONDS=3, LOGIN_BACKOFF_MAX_SECONDS=20)
def test_the_wait_doubles_with_each_failure_and_is_capped(alice):
    pair = services._pair_backoff()
    ident = "x"
    assert [pair.fail(ident, now=1000.0) for _ in range(6)] == [0, 3, 6, 12, 20, 20]


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_many_accounts_tried_from_one_address_slow_that_address_only(alice, bob, charlie, password):
    for n in range(6):
        with pytest.raises(DomainError):
            services.log_in(request=None, email=f"nobody{n}@example.com", password="x", ip="192.0.2.50")
    with pytest.raises(DomainError) as excinfo:
        services.log_in(request=None, email=bob.email, password=password, ip="192.0.2.50")
    assert excinfo.value.code == "throttled"
    assert services.log_in(request=None, email=bob.email, password=password, ip="192.0.2.51") == bob


def test_a_right_password_forgives_its_own_pair_but_not_other_failures(alice, password):
    _fail(alice.email, "10.1.1.1", 3)
    assert services.log_in(request=None, email=alice.email, password=password, ip="10.1.1.1") == alice
    _fail(alice.email, "10.1.1.1", 4)  # four more do not reach the limit of five: the pair started again
    assert services.log_in(request=None, email=alice.email, password=password, ip="10.1.1.1") == alice


@override_settings(EMAIL_REQUESTS_PER_ACCOUNT_PER_HOUR=3)
def test_password_reset_e_mails_are_limited_per_account(alice, mailoutbox):
    statuses = [
        Client(REMOTE_ADDR=f"10.9.0.{n}").post(reverse("accounts:password_reset"), {"email": alice.email}).status_code
        for n in range(6)
    ]
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert len(mailoutbox) == 3


@override_settings(EMAIL_REQUESTS_PER_IP_PER_HOUR=4, EMAIL_REQUESTS_PER_ACCOUNT_PER_HOUR=10)
def test_password_reset_e_mails_are_limited_per_address(alice, bob, charlie, mailoutbox):
    client = Client(REMOTE_ADDR="10.8.0.1")
    emails = [alice.email, bob.email, charlie.email, "x@example.com", alice.email, bob.email]
    statuses = [client.post(reverse("accounts:password_reset"), {"email": e}).status_code for e in emails]
    assert statuses == [302, 302, 302, 302, 429, 429]
    response = client.post(reverse("accounts:password_reset"), {"email": charlie.email})
    assert int(response["Retry-After"]) > 0
    assert "already sent" in response.content.decode()
    assert len(mailoutbox) == 3  # x@example.com has no account, so nothing was sent there


@override_settings(EMAIL_REQUESTS_PER_ACCOUNT_PER_HOUR=2)
def test_confirmation_links_on_log_in_are_limited_per_account(password, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.register_user(email="new@example.com", full_name="New Person", password=password)
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as excinfo:
            services.log_in(request=None, email="new@example.com", password=password, ip="10.7.0.1")
        assert excinfo.value.code == "unverified"
    # One at sign-up, one at the first log-in; the later attempts are told to look in their inbox.
    assert len(mailoutbox) == 2
    assert "a short while ago" in excinfo.value.message
