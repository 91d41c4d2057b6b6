from datetime import timedelta

import pytest
from django.utils import timezone

from rung.audit.models import AuditEvent
from rung.lib.errors import DomainError, PermissionDenied
from rung.notifications.models import Notification
from rung.orgs import services
from rung.orgs.models import Invitation, Membership, Organisation, Role, Verification

pytestmark = pytest.mark.django_db


def _membership(org, user) -> Membership:
    return Membership.objects.get(organisation=org, user=user)


def test_creating_an_organisation_makes_the_creator_owner_and_awaits_verification(
    charlie, sam, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        org = services.create_organisation(
            actor=charlie, name="  New   Co ", kind="employer", email_domain="https://www.NewCo.example/about"
        )
    assert org.name == "New Co"
    assert org.email_domain == "newco.example"
    assert org.verification == Verification.PENDING
    assert not org.can_publish
    assert _membership(org, charlie).role == Role.OWNER
    assert mailoutbox[0].to == [sam.email]  # staff are asked to verify
    assert AuditEvent.objects.filter(verb="org.created", object_id=str(org.uuid), actor=charlie).exists()


def test_an_organisation_needs_a_name_a_kind_and_a_domain(charlie):
    with pytest.raises(DomainError, match="name"):
        services.create_organisation(actor=charlie, name=" ", kind="employer", email_domain="x.example")
    with pytest.raises(DomainError, match="employer or an education partner"):
        services.create_organisation(actor=charlie, name="Co", kind="charity", email_domain="x.example")
    with pytest.raises(DomainError, match="domain"):
        services.create_organisation(actor=charlie, name="Co", kind="employer", email_domain="not a domain")
    assert not Organisation.objects.exists()


def test_slugs_never_shadow_pages(charlie):
    org = services.create_organisation(actor=charlie, name="New", kind="employer", email_domain="new.example")
    assert org.slug == "new-2"


def test_only_staff_verify_and_declining_needs_a_reason(org, alice, sam):
    org.verification = Verification.PENDING
    org.save()
    with pytest.raises(PermissionDenied):
        services.set_verification(org, staff=alice, status=Verification.VERIFIED)
    with pytest.raises(DomainError, match="Say why"):
        services.set_verification(org, staff=sam, status=Verification.REJECTED)
    services.set_verification(org, staff=sam, status=Verification.VERIFIED)
    org.refresh_from_db()
    assert org.is_verified
    assert org.verified_by == sam
    with pytest.raises(DomainError, match="cannot become"):
        services.set_verification(org, staff=sam, status=Verification.VERIFIED)
    assert AuditEvent.objects.filter(verb="org.verification.verified", actor=sam).count() == 1


def test_verifying_tells_the_owners_in_app_and_by_email_once(
    org, alice, bob, sam, mailoutbox, django_capture_on_commit_callbacks
):
    org.verification = Verification.PENDING
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_verification(org, staff=sam, status=Verification.VERIFIED)
    note = Notification.objects.get(verb="organisation.verified")
    assert note.recipient == alice  # the owner; bob is a reviewer
    assert org.name in note.title
    assert note.url == f"/orgs/{org.slug}/"
    assert [m.to for m in mailoutbox] == [[alice.email]]  # one e-mail: the verification letter


def test_refusing_verification_tells_the_owners_why(org, alice, sam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_verification(org, staff=sam, status=Verification.REJECTED, note="The company number is wrong.")
    note = Notification.objects.get(recipient=alice, verb="organisation.verification_withdrawn")
    assert "company number is wrong" in note.body


def test_nothing_is_told_when_verification_is_refused_for_want_of_a_reason(
    org, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        services.set_verification(org, staff=sam, status=Verification.REJECTED)
    assert not Notification.objects.exists()


def test_invitation_round_trip(org, alice, charlie, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = services.invite_member(
            org, membership=_membership(org, alice), email="Charlie@Elsewhere.example", role=Role.MENTOR
        )
    assert mailoutbox[0].to == ["charlie@elsewhere.example"]
    assert raw in mailoutbox[0].body
    assert raw not in invitation.token_hash
    membership = services.accept_invitation(raw_token=raw, user=charlie)
    assert membership.role == Role.MENTOR
    with pytest.raises(DomainError, match="accepted"):
        services.accept_invitation(raw_token=raw, user=charlie)
    assert AuditEvent.objects.filter(verb="org.member.invited").exists()
    assert AuditEvent.objects.filter(verb="org.member.joined", actor=charlie).exists()


def test_an_invitation_expires(org, alice, charlie):
    invitation, raw = services.invite_member(
        org, membership=_membership(org, alice), email=charlie.email, role=Role.VIEWER
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="expired"):
        services.accept_invitation(raw_token=raw, user=charlie)
    assert not Membership.objects.filter(user=charlie).exists()


def test_an_invitation_is_for_the_address_it_was_sent_to(org, alice, charlie, sam):
    _, raw = services.invite_member(org, membership=_membership(org, alice), email=charlie.email, role=Role.VIEWER)
    with pytest.raises(DomainError, match="sent to"):
        services.accept_invitation(raw_token=raw, user=sam)


def test_a_new_invitation_replaces_the_open_one(org, alice):
    first, _ = services.invite_member(org, membership=_membership(org, alice), email="x@y.example", role=Role.VIEWER)
    services.invite_member(org, membership=_membership(org, alice), email="x@y.example", role=Role.REVIEWER)
    first.refresh_from_db()
    assert first.status == "revoked"


def test_reviewers_cannot_invite_and_managers_cannot_invite_owners(org, alice, bob, charlie):
    with pytest.raises(PermissionDenied):
        services.invite_member(org, membership=_membership(org, bob), email="x@y.example", role=Role.VIEWER)
    services.change_role(_membership(org, bob), membership=_membership(org, alice), role=Role.MANAGER)
    with pytest.raises(PermissionDenied, match="owners"):
        services.invite_member(org, membership=_membership(org, bob), email="x@y.example", role=Role.OWNER)
    with pytest.raises(PermissionDenied):
        services.invite_member(org, membership=None, email="x@y.example", role=Role.VIEWER)


def test_inviting_an_existing_member_is_refused(org, alice, bob):
    with pytest.raises(DomainError, match="already a member"):
        services.invite_member(org, membership=_membership(org, alice), email=bob.email, role=Role.VIEWER)


def test_an_organisation_never_loses_its_last_owner(org, alice, bob):
    owner = _membership(org, alice)
    with pytest.raises(DomainError, match="always have an owner"):
        services.remove_member(owner, membership=owner)
    with pytest.raises(DomainError, match="always have an owner"):
        services.change_role(owner, membership=owner, role=Role.VIEWER)
    services.change_role(_membership(org, bob), membership=owner, role=Role.OWNER)
    services.remove_member(owner, membership=owner)  # now alice may leave
    assert list(org.memberships.values_list("user__email", "role")) == [(bob.email, Role.OWNER)]


def test_members_may_leave_but_not_remove_others(org, alice, bob):
    with pytest.raises(PermissionDenied):
        services.remove_member(_membership(org, alice), membership=_membership(org, bob))
    services.remove_member(_membership(org, bob), membership=_membership(org, bob))
    assert not Membership.objects.filter(user=bob).exists()
    assert AuditEvent.objects.filter(verb="org.member.left", actor=bob).exists()


def test_a_manager_cannot_remove_or_demote_an_owner(org, alice, bob):
    services.change_role(_membership(org, bob), membership=_membership(org, alice), role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        services.remove_member(_membership(org, alice), membership=_membership(org, bob))
    with pytest.raises(PermissionDenied):
        services.change_role(_membership(org, alice), membership=_membership(org, bob), role=Role.VIEWER)
