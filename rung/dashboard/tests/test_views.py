import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_landing_page_invites_anonymous_visitors_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("accounts:signup") in response.content.decode()


def test_the_dashboard_shows_the_owner_their_organisation_and_profile_progress(client_for, alice, org):
    response = client_for(alice).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme Analytics" in body
    assert "Complete your profile" in body


def test_an_outsider_sees_no_organisation_on_their_dashboard(client_for, charlie, org):
    body = client_for(charlie).get("/").content.decode()
    assert "Acme Analytics" not in body
    assert "Set up an organisation" in body


def test_staff_see_how_many_organisations_await_verification(client_for, sam, alice):
    from rung.orgs.services import create_organisation

    create_organisation(actor=alice, name="Pending Co", kind="employer", email_domain="pending.example")
    body = client_for(sam).get("/").content.decode()
    assert "1 organisation awaiting verification" in body


def test_healthz_reports_the_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
