import pytest
from django.urls import reverse

from rung.orgs.models import Invitation, Membership, Organisation, Role, Verification
from tests.support import link_in

pytestmark = pytest.mark.django_db


def _member(org, user):
    return Membership.objects.get(organisation=org, user=user)


def test_the_list_shows_my_organisations_with_an_empty_state_otherwise(client_for, alice, charlie, org):
    assert "Acme Analytics" in client_for(alice).get(reverse("orgs:list")).content.decode()
    body = client_for(charlie).get(reverse("orgs:list")).content.decode()
    assert "Acme Analytics" not in body
    assert "not part of any organisation yet" in body


def test_creating_an_organisation_through_the_form(client_for, charlie):
    response = client_for(charlie).post(
        reverse("orgs:create"),
        {"name": "Charlie Co", "kind": "employer", "email_domain": "charlie.example"},
        follow=True,
    )
    assert "Awaiting verification" in response.content.decode()
    assert Organisation.objects.get(name="Charlie Co").memberships.get().user == charlie


def test_the_create_form_explains_what_is_wrong(client_for, charlie):
    response = client_for(charlie).post(reverse("orgs:create"), {"name": "", "kind": "", "email_domain": "nodot"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert not Organisation.objects.exists()


def test_members_see_the_organisation_and_managers_see_invitations(client_for, alice, bob, org):
    owner_page = client_for(alice).get(reverse("orgs:detail", args=[org.slug])).content.decode()
    assert "Invite someone" in owner_page
    reviewer_page = client_for(bob).get(reverse("orgs:detail", args=[org.slug])).content.decode()
    assert "Alice Owner" in reviewer_page
    assert "Invite someone" not in reviewer_page


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("orgs:detail", "get", {}),
        ("orgs:edit", "get", {}),
        ("orgs:edit", "post", {"name": "Hacked"}),
        ("orgs:invite", "post", {"email": "x@y.example", "role": "owner"}),
        ("orgs:set_verification", "post", {"status": "rejected", "note": "spam"}),
    ],
)
def test_an_outsider_gets_not_found_on_every_organisation_page(client_for, charlie, org, name, method, extra):
    response = getattr(client_for(charlie), method)(reverse(name, args=[org.slug]), extra)
    assert response.status_code in (404, 302)  # 302: the staff-only page sends non-staff to log in
    org.refresh_from_db()
    assert org.name == "Acme Analytics"
    assert org.verification == Verification.VERIFIED
    assert not Invitation.objects.exists()


def test_an_outsider_cannot_touch_members_or_invitations(client_for, alice, bob, charlie, org):
    from rung.orgs.services import invite_member

    invitation, _ = invite_member(org, membership=_member(org, alice), email="new@acme.example", role=Role.VIEWER)
    client = client_for(charlie)
    bob_membership = _member(org, bob)
    for url, data in [
        (reverse("orgs:change_role", args=[org.slug, bob_membership.uuid]), {"role": "owner"}),
        (reverse("orgs:remove_member", args=[org.slug, bob_membership.uuid]), {}),
        (reverse("orgs:revoke_invitation", args=[org.slug, invitation.uuid]), {}),
    ]:
        assert client.post(url, data).status_code == 404
    assert _member(org, bob).role == Role.REVIEWER
    invitation.refresh_from_db()
    assert invitation.status == "open"


def test_a_reviewer_is_forbidden_from_managing_members(client_for, alice, bob, org):
    response = client_for(bob).post(
        reverse("orgs:change_role", args=[org.slug, _member(org, alice).uuid]), {"role": "viewer"}
    )
    assert response.status_code == 403
    assert _member(org, alice).role == Role.OWNER


def test_the_last_owner_is_told_why_they_cannot_leave(client_for, alice, org):
    response = client_for(alice).post(
        reverse("orgs:remove_member", args=[org.slug, _member(org, alice).uuid]), follow=True
    )
    assert "must always have an owner" in response.content.decode()
    assert Membership.objects.filter(user=alice, organisation=org).exists()


def test_inviting_and_accepting_through_the_pages(
    client_for, alice, charlie, org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(reverse("orgs:invite", args=[org.slug]), {"email": charlie.email, "role": "mentor"})
    link = link_in(mailoutbox[0].body, strip_host="http://127.0.0.1:8000")
    client = client_for(charlie)
    assert "Accept invitation" in client.get(link).content.decode()
    response = client.post(link, follow=True)
    assert "Welcome to Acme Analytics" in response.content.decode()
    assert _member(org, charlie).role == Role.MENTOR


def test_an_anonymous_visitor_opening_an_invitation_is_asked_to_log_in(client, alice, org):
    from rung.orgs.services import invite_member

    _, raw = invite_member(org, membership=_member(org, alice), email="new@example.com", role=Role.VIEWER)
    body = client.get(reverse("orgs:accept_invitation", args=[raw])).content.decode()
    assert "Log in" in body
    assert "new@example.com" in body
    assert "did not work" in client.get(reverse("orgs:accept_invitation", args=["bogus-token"])).content.decode()


def test_staff_verify_from_the_queue(client_for, sam, charlie):
    from rung.orgs.services import create_organisation

    pending = create_organisation(actor=charlie, name="Pending Co", kind="employer", email_domain="pending.example")
    client = client_for(sam)
    queue = client.get(reverse("orgs:verification_queue")).content.decode()
    assert "pending.example" in queue
    client.post(reverse("orgs:set_verification", args=[pending.slug]), {"status": "verified", "back": "queue"})
    pending.refresh_from_db()
    assert pending.is_verified


def test_non_staff_cannot_open_the_verification_queue(client_for, alice, org):
    response = client_for(alice).get(reverse("orgs:verification_queue"))
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]
