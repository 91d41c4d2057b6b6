import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_landing_page_invites_anonymous_visitors_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("accounts:signup") in response.content.decode()


def test_the_landing_page_shows_real_open_projects_how_it_works_and_a_call_to_employers(
    client, org, owner_membership, published
):
    from rung.projects import services
    from rung.projects.tests.conftest import make_input

    draft = services.create_project(org, membership=owner_membership, data=make_input(title="Secret draft"))
    body = client.get("/").content.decode()
    assert reverse("projects:detail", args=[published.uuid]) in body
    assert reverse("projects:detail", args=[draft.uuid]) not in body  # drafts are nobody's business
    assert "How it works" in body
    assert body.count("<li><h3>") == 3
    assert "Post your first project" in body


def test_the_landing_page_says_so_when_nothing_is_open(client):
    body = client.get("/").content.decode()
    assert "New projects are published every week" in body


def test_healthz_reports_the_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy


def test_flash_messages_are_a_list_inside_a_status_region_not_a_list_with_another_role(client_for, charlie):
    from rung.orgs.models import Organisation

    response = client_for(charlie).post(
        reverse("orgs:create"),
        {"name": "Charlie Co", "kind": "employer", "email_domain": "charlie.example"},
        follow=True,
    )
    body = response.content.decode()
    assert Organisation.objects.filter(name="Charlie Co").exists()
    assert "Charlie Co is set up" in body
    # A <ul> given role="status" stops being a list, and axe reports its items (listitem, serious).
    assert 'role="status"' not in body.split('<div class="messages" role="status">')[0]
    assert '<div class="messages" role="status">\n        <ul><li class="message success">Charlie Co is set up' in body
