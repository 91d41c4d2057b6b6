"""Tokens that die: they cannot mint tokens, they carry scopes and an expiry, and a password change
or "log out everywhere" revokes them all, while revoking one revokes nothing else."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rung.accounts import services
from rung.accounts.auth import parse_bearer, required_scopes
from rung.accounts.models import ApiToken, RevokedBecause
from rung.lib.errors import DomainError

pytestmark = pytest.mark.django_db


def _bearer(raw: str, scheme: str = "Bearer") -> Client:
    return Client(headers={"Authorization": f"{scheme} {raw}"})


def test_a_token_cannot_mint_a_token(alice):
    _, raw = services.create_api_token(alice, name="script", scopes=["read", "write", "money", "credentials"])
    response = _bearer(raw).post("/api/v1/tokens", {"name": "child"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "token_cannot_mint"
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_a_logged_in_session_mints_a_token_with_scopes_and_expiry(client_for, alice):
    expires = (timezone.now() + timedelta(days=30)).isoformat()
    response = client_for(alice).post(
        "/api/v1/tokens",
        {"name": "sync", "scopes": ["read", "money"], "expires_at": expires},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["scopes"] == ["read", "money"]
    assert body["expires_at"] is not None
    token = ApiToken.objects.get(uuid=body["uuid"])
    assert token.scopes == "read money"
    listed = _bearer(body["token"]).get("/api/v1/tokens").json()["items"][0]
    assert listed["scopes"] == ["read", "money"]
    assert listed["expires_at"]
    assert listed["is_active"]


def test_revoking_one_token_revokes_nothing_else(client_for, alice):
    _, first = services.create_api_token(alice, name="one", scopes=["read", "write"])
    _, second = services.create_api_token(alice, name="two", scopes=["read"])
    session = client_for(alice)
    token = ApiToken.objects.get(name="one")
    assert _bearer(first).post(f"/api/v1/tokens/{token.uuid}/revoke").status_code == 200
    assert _bearer(first).get("/api/v1/me").status_code == 401
    assert _bearer(second).get("/api/v1/me").status_code == 200
    assert session.get("/api/v1/me").status_code == 200
    token.refresh_from_db()
    assert token.revoked_because == RevokedBecause.REVOKED


def test_a_password_change_revokes_every_token_and_says_so(client_for, alice, password):
    _, raw = services.create_api_token(alice, name="one", scopes=["read"])
    services.create_api_token(alice, name="two", scopes=["read"])
    client = client_for(alice)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
        follow=True,
    )
    assert "Your 2 API tokens were revoked" in response.content.decode()
    assert _bearer(raw).get("/api/v1/me").status_code == 401
    assert set(ApiToken.objects.values_list("revoked_because", flat=True)) == {RevokedBecause.PASSWORD_CHANGED}
    assert client.get(reverse("accounts:settings")).status_code == 200  # this session goes on


def test_a_password_reset_revokes_every_token(client, alice, mailoutbox, django_capture_on_commit_callbacks):
    _, raw = services.create_api_token(alice, name="one", scopes=["read"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": alice.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line).strip()
    path = link[link.index("/accounts/") :]
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": "another new passphrase", "new_password2": "another new passphrase"},
        follow=True,
    )
    assert response.status_code == 200
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_log_out_everywhere_ends_every_session_and_token(client_for, alice):
    _, raw = services.create_api_token(alice, name="one", scopes=["read"])
    phone, laptop = client_for(alice), client_for(alice)
    response = laptop.post(reverse("accounts:log_out_everywhere"), follow=True)
    assert "logged out on every device" in response.content.decode()
    assert "Your 1 API token was revoked" in response.content.decode()
    assert phone.get(reverse("accounts:settings")).status_code == 302  # sent to log in
    assert laptop.get(reverse("accounts:settings")).status_code == 302
    assert _bearer(raw).get("/api/v1/me").status_code == 401
    assert ApiToken.objects.get().revoked_because == RevokedBecause.LOGGED_OUT_EVERYWHERE


def test_log_out_everywhere_needs_a_logged_in_post(client, client_for, alice):
    assert client.post(reverse("accounts:log_out_everywhere")).status_code == 302
    assert client_for(alice).get(reverse("accounts:log_out_everywhere")).status_code == 405


def test_an_expired_token_stops_working(alice):
    token, raw = services.create_api_token(
        alice, name="short", scopes=["read"], expires_at=timezone.now() + timedelta(days=1)
    )
    assert _bearer(raw).get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_expiry_and_scopes_are_checked(alice):
    with pytest.raises(DomainError, match="future"):
        services.create_api_token(alice, name="x", scopes=["read"], expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(DomainError, match="at most a year"):
        services.create_api_token(alice, name="x", scopes=["read"], expires_at=timezone.now() + timedelta(days=400))
    with pytest.raises(DomainError, match="Unknown scope admin"):
        services.create_api_token(alice, name="x", scopes=["admin"])
    with pytest.raises(DomainError, match="at least one scope"):
        services.create_api_token(alice, name="x", scopes=[])
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "needed"),
    [
        ("GET", "/api/v1/projects", {"read"}),
        ("POST", "/api/v1/projects", {"write"}),
        ("POST", "/api/v1/projects/8d2f0f0e-1111-4111-8111-111111111111/fund", {"write", "money"}),
        ("GET", "/api/v1/money/earnings", {"read", "money"}),
        ("POST", "/api/v1/money/staff/payouts/x/settle", {"write", "money"}),
        ("GET", "/api/v1/engagements/x/cancellation", {"read", "money"}),
        ("POST", "/api/v1/credentials/x/share", {"write", "credentials"}),
        ("GET", "/api/v1/credentials", {"read", "credentials"}),
        ("POST", "/api/v1/recognition/endorsements", {"write", "credentials"}),
        ("GET", "/api/v1/recognition/endorsements", {"read", "credentials"}),
        ("POST", "/api/v1/recognition/endorsements/x/withdraw", {"write", "credentials"}),
        ("POST", "/api/v1/recognition/rounds/x/finalise", {"write", "credentials"}),
        ("POST", "/api/v1/recognition/rounds/x/open", {"write"}),
        ("POST", "/api/v1/recognition/endorsementsx", {"write"}),
    ],
)
def test_every_operation_needs_its_scopes(method, path, needed):
    assert required_scopes(method, path) == needed


def test_scopes_are_enforced_with_a_403_that_names_the_missing_scope(alice):
    _, reader = services.create_api_token(alice, name="reader", scopes=["read"])
    _, writer = services.create_api_token(alice, name="writer", scopes=["read", "write"])
    assert _bearer(reader).get("/api/v1/me").status_code == 200
    refused = _bearer(reader).put("/api/v1/profile", {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert "write" in refused.json()["detail"]
    money = _bearer(writer).get("/api/v1/money/earnings")
    assert money.status_code == 403
    assert "money" in money.json()["detail"]
    creds = _bearer(writer).get("/api/v1/credentials")
    assert creds.status_code == 403
    assert "credentials" in creds.json()["detail"]


def test_every_api_operation_is_covered_by_the_scope_rule():
    # Each operation in the OpenAPI document gets read or write, and money/credentials by its path.
    from rung.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            needed = required_scopes(method.upper(), path)
            assert needed & {"read", "write"}, (method, path)
            if path.startswith("/api/v1/money/"):
                assert "money" in needed
            if path.startswith(("/api/v1/credentials", "/api/v1/recognition/endorsements")):
                assert "credentials" in needed


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "BeArEr"])
def test_the_bearer_scheme_name_is_case_insensitive_as_rfc_9110_says(alice, scheme):
    _, raw = services.create_api_token(alice, name="x", scopes=["read"])
    assert _bearer(raw, scheme).get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Token {raw}", "Basic {raw}", "Bearer", "Bearer{raw}", "Bearer {raw} extra", "Bearer {raw},", "Bearerx {raw}"],
)
def test_anything_but_the_rfc_6750_bearer_syntax_authenticates_nobody(alice, header):
    _, raw = services.create_api_token(alice, name="x", scopes=["read"])
    response = Client(headers={"Authorization": header.format(raw=raw)}).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_parse_bearer_follows_the_b64token_grammar():
    assert parse_bearer("Bearer ab=c") is None  # "=" only at the end
    assert parse_bearer("Bearer abc-._~+/==") == "abc-._~+/=="
    assert parse_bearer("Bearer  abc") == "abc"  # 1*SP
    assert parse_bearer("Bearer\tabc") is None


def test_the_tokens_page_shows_scopes_expiry_and_why_a_token_was_revoked(client_for, alice):
    services.create_api_token(alice, name="keeps", scopes=["read", "credentials"])
    token, _ = services.create_api_token(
        alice, name="expiring", scopes=["read"], expires_at=timezone.now() + timedelta(days=7)
    )
    services.revoke_all_api_tokens(alice, actor=alice, because=RevokedBecause.PASSWORD_CHANGED)
    services.create_api_token(alice, name="fresh", scopes=["read", "write"])
    html = client_for(alice).get(reverse("accounts:settings")).content.decode()
    assert "read, credentials" in html
    assert "read, write" in html
    assert "revoked when the password changed" in html
    assert token.expires_at is not None
    assert token.expires_at.strftime("%Y") in html


def test_the_token_form_creates_a_scoped_expiring_token(client_for, alice):
    response = client_for(alice).post(
        reverse("accounts:create_token"), {"name": "sync", "scopes": ["read", "write"], "expires_in_days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    assert token.scopes == "read write"
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "It stops working on" in response.content.decode()


def test_the_token_form_refuses_a_token_without_scopes(client_for, alice):
    response = client_for(alice).post(reverse("accounts:create_token"), {"name": "sync"})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0
