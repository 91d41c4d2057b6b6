import re

import pytest
from django.urls import reverse

from rung.accounts.models import ApiToken, User
from tests.support import link_in

pytestmark = pytest.mark.django_db


def _token_in(html: str) -> str:
    match = re.search(r"rung_[\w-]+", html)
    assert match is not None
    return match.group(0)


def test_sign_up_shows_clear_errors_and_saves_nothing_on_bad_input(client):
    response = client.post(reverse("accounts:signup"), {"full_name": "", "email": "not-an-email", "password": "123"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert "This password is too short" in body
    assert not User.objects.exists()


def test_sign_up_then_verify_then_log_in(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {"full_name": "Nia Obi", "email": "nia@example.com", "password": "a long passphrase"},
        )
    assert "Check your e-mail" in response.content.decode()
    link = link_in(mailoutbox[0].body)
    response = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert "confirmed" in response.content.decode()
    response = client.post(
        reverse("accounts:login"), {"email": "nia@example.com", "password": "a long passphrase"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert "Hello, Nia" in response.content.decode()


def test_login_with_a_wrong_password_says_so(client, alice):
    response = client.post(reverse("accounts:login"), {"email": alice.email, "password": "wrong"})
    assert response.status_code == 400
    assert "do not match" in response.content.decode()


def test_login_ignores_an_offsite_next_url(client, alice, password):
    response = client.post(
        reverse("accounts:login"), {"email": alice.email, "password": password, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == reverse("dashboard:home")


def test_logout_needs_post(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_settings_pages_send_anonymous_visitors_to_log_in(client):
    for name in ("accounts:settings", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_creating_a_token_shows_it_once(client_for, alice):
    client = client_for(alice)
    response = client.post(reverse("accounts:create_token"), {"name": "My script", "scopes": ["read"]})
    raw = _token_in(response.content.decode())
    assert ApiToken.objects.get(user=alice).prefix == raw[:12]
    assert raw not in client.get(reverse("accounts:settings")).content.decode()


def test_an_outsider_cannot_revoke_someone_elses_token(client_for, alice, charlie):
    token = ApiToken.objects.create(user=alice, name="x", prefix="rung_abc", token_hash="h" * 64)
    response = client_for(charlie).post(reverse("accounts:revoke_token", args=[token.uuid]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_password_reset_mails_a_working_link(client, alice, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": alice.email})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Reset your Rung password"
    link = link_in(mailoutbox[0].body)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()


def test_change_email_form_reports_a_wrong_password(client_for, alice):
    response = client_for(alice).post(
        reverse("accounts:change_email"), {"new_email": "a@new.example", "password": "wrong"}
    )
    assert response.status_code == 400
    assert "current password is not correct" in response.content.decode()
