"""API rate limits: per token and per address, 429 with Retry-After in the one error shape."""

import pytest
from django.test import Client, override_settings

from rung.accounts import services
from rung.lib import ratelimit

pytestmark = pytest.mark.django_db


@override_settings(API_RATE_LIMIT_PER_TOKEN=5, API_RATE_LIMIT_PER_IP=1000)
def test_a_bounded_burst_with_one_token_gets_429_with_retry_after(alice):
    _, raw = services.create_api_token(alice, name="burst", scopes=["read"])
    statuses = []
    last = None
    for _ in range(8):
        last = Client(headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR="10.20.0.1").get("/api/v1/me")
        statuses.append(last.status_code)
    assert statuses == [200] * 5 + [429] * 3
    assert last is not None
    assert 1 <= int(last["Retry-After"]) <= 60
    body = last.json()
    assert body["code"] == "rate_limited"
    assert body["errors"] == []
    assert "Try again in" in body["detail"]
    # Another token of the same person has its own allowance.
    _, other = services.create_api_token(alice, name="other", scopes=["read"])
    assert Client(headers={"Authorization": f"Bearer {other}"}).get("/api/v1/me").status_code == 200


@override_settings(API_RATE_LIMIT_PER_IP=4, API_RATE_LIMIT_PER_TOKEN=1000)
def test_a_burst_from_one_address_gets_429_and_other_addresses_do_not(client):
    client = Client(REMOTE_ADDR="10.20.0.2")
    statuses = [client.get("/api/v1/projects").status_code for _ in range(6)]
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429, 429]
    assert Client(REMOTE_ADDR="10.20.0.3").get("/api/v1/projects").status_code == 200


@override_settings(API_RATE_LIMIT_BAD_TOKENS_PER_IP=5, API_RATE_LIMIT_PER_IP=1000)
def test_guessing_tokens_is_cut_short(alice):
    guesses = [
        Client(headers={"Authorization": f"Bearer rung_guess{n}"}, REMOTE_ADDR="10.20.0.4").get("/api/v1/me")
        for n in range(8)
    ]
    assert [r.status_code for r in guesses] == [401] * 5 + [429] * 3
    assert guesses[-1].json()["code"] == "rate_limited"
    # Even a real token from that address waits now; the same token elsewhere works.
    _, raw = services.create_api_token(alice, name="x", scopes=["read"])
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR="10.20.0.4").get("/api/v1/me").status_code == 429
    )
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR="10.20.0.5").get("/api/v1/me").status_code == 200
    )


@override_settings(API_RATE_LIMIT_PER_IP=2)
def test_pages_outside_the_api_are_not_counted(client):
    for _ in range(4):
        assert client.get("/").status_code == 200
    assert client.get("/api/v1/projects").status_code == 200


@override_settings(API_RATE_LIMIT_PER_IP=0, API_RATE_LIMIT_PER_TOKEN=0)
def test_a_limit_of_zero_is_off(client):
    assert all(client.get("/api/v1/projects").status_code == 200 for _ in range(5))


def test_a_fixed_window_resets_and_says_how_long_to_wait():
    first = [ratelimit.hit("t", "a", limit=2, window=60, now=120.0 + n) for n in range(3)]
    assert [f.allowed for f in first] == [True, True, False]
    assert first[2].retry_after == 58
    assert ratelimit.hit("t", "a", limit=2, window=60, now=181.0).allowed  # the next window
