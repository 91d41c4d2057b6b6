import pytest

from rung.orgs.models import Invitation, Membership, Organisation, Role, Verification
from rung.orgs.services import invite_member

pytestmark = pytest.mark.django_db


def _member(org, user):
    return Membership.objects.get(organisation=org, user=user)


def test_list_is_scoped_and_paginated(api_for, alice, charlie, org, django_assert_max_num_queries):
    for i in range(25):
        other = Organisation.objects.create(
            name=f"Org {i:02}", slug=f"org-{i}", kind="employer", email_domain=f"o{i}.example"
        )
        Membership.objects.create(organisation=other, user=alice, role=Role.OWNER)
    client = api_for(alice)
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/orgs").json()
    assert page["count"] == 26
    assert len(page["items"]) == 20
    assert len(client.get("/api/v1/orgs?page=2").json()["items"]) == 6
    assert api_for(charlie).get("/api/v1/orgs").json() == {"items": [], "count": 0}


def test_create_an_organisation(api_for, charlie):
    response = api_for(charlie).post(
        "/api/v1/orgs",
        {"name": "Charlie Co", "kind": "employer", "email_domain": "charlie.example"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["verification"] == "pending"


def test_create_with_bad_fields_lists_each_problem(api_for, charlie):
    response = api_for(charlie).post("/api/v1/orgs", {"name": "", "kind": "charity"}, content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"name", "kind", "email_domain"} <= fields


def test_an_outsider_gets_404_on_every_organisation_endpoint(api_for, alice, bob, charlie, org):
    invitation, _ = invite_member(org, membership=_member(org, alice), email="x@y.example", role=Role.VIEWER)
    bob_m = _member(org, bob)
    client = api_for(charlie)
    calls = [
        ("get", f"/api/v1/orgs/{org.slug}", None),
        ("patch", f"/api/v1/orgs/{org.slug}", {"name": "Hacked"}),
        ("get", f"/api/v1/orgs/{org.slug}/members", None),
        ("patch", f"/api/v1/orgs/{org.slug}/members/{bob_m.uuid}", {"role": "owner"}),
        ("delete", f"/api/v1/orgs/{org.slug}/members/{bob_m.uuid}", None),
        ("get", f"/api/v1/orgs/{org.slug}/invitations", None),
        ("post", f"/api/v1/orgs/{org.slug}/invitations", {"email": "me@evil.example", "role": "owner"}),
        ("delete", f"/api/v1/orgs/{org.slug}/invitations/{invitation.uuid}", None),
    ]
    for method, url, data in calls:
        kwargs = {"content_type": "application/json"} if data is not None else {}
        response = getattr(client, method)(url, data, **kwargs) if data is not None else getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["code"] == "not_found"
    org.refresh_from_db()
    assert org.name == "Acme Analytics"
    assert _member(org, bob).role == Role.REVIEWER
    assert Invitation.objects.count() == 1


def test_an_outsider_cannot_verify(api_for, charlie, org):
    response = api_for(charlie).post(
        f"/api/v1/orgs/{org.slug}/verification", {"status": "rejected", "note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.verification == Verification.VERIFIED


def test_a_reviewer_may_read_but_not_invite(api_for, bob, org):
    client = api_for(bob)
    assert client.get(f"/api/v1/orgs/{org.slug}/members").json()["count"] == 2
    response = client.post(
        f"/api/v1/orgs/{org.slug}/invitations",
        {"email": "x@y.example", "role": "viewer"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_invite_and_accept_through_the_api(api_for, alice, charlie, org):
    created = api_for(alice).post(
        f"/api/v1/orgs/{org.slug}/invitations",
        {"email": charlie.email, "role": "reviewer"},
        content_type="application/json",
    )
    assert created.status_code == 201
    accepted = api_for(charlie).post(
        "/api/v1/orgs/invitations/accept", {"token": created.json()["token"]}, content_type="application/json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "reviewer"


def test_invalid_invitation_email_is_a_field_error(api_for, alice, org):
    response = api_for(alice).post(
        f"/api/v1/orgs/{org.slug}/invitations", {"email": "nope", "role": "viewer"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_the_last_owner_cannot_leave_via_the_api(api_for, alice, org):
    response = api_for(alice).delete(f"/api/v1/orgs/{org.slug}/members/{_member(org, alice).uuid}")
    assert response.status_code == 400
    assert response.json()["code"] == "last_owner"


def test_staff_verify_through_the_api(api_for, sam, charlie):
    from rung.orgs.services import create_organisation

    pending = create_organisation(actor=charlie, name="P Co", kind="employer", email_domain="p.example")
    response = api_for(sam).post(
        f"/api/v1/orgs/{pending.slug}/verification", {"status": "verified"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["verification"] == "verified"
