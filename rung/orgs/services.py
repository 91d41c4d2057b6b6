"""Every change to organisations, memberships, invitations and verification."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from rung.accounts.models import User, hash_token, normalise_email
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.lib.mail import send_templated_mail
from rung.orgs.models import (
    VERIFICATION_TRANSITIONS,
    Invitation,
    Membership,
    Organisation,
    OrgKind,
    Role,
    Verification,
    role_can,
)


class OrgError(DomainError):
    pass


def _require(membership: Membership | None, permission: str) -> Membership:
    if membership is None or not role_can(membership.role, permission):
        raise PermissionDenied("Your role in this organisation does not allow that.")
    return membership


def _lock(org: Organisation) -> Organisation:
    # Every change to an organisation's members locks its row first, so two owners leaving
    # at the same moment cannot both pass the "someone else is still an owner" check.
    return Organisation.objects.select_for_update().get(pk=org.pk)


RESERVED_SLUGS = {"new", "verification", "invitations"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organisation"
    slug, n = base, 1
    # Some slugs would shadow pages under /orgs/.
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def clean_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("@")
    for prefix in ("https://", "http://", "www."):
        domain = domain.removeprefix(prefix)
    domain = domain.split("/")[0]
    if "." not in domain or " " in domain or len(domain) > 120:
        raise OrgError("Give the e-mail domain your staff use, such as acme.com.", field="email_domain")
    return domain


def create_organisation(
    *, actor: User, name: str, kind: str, email_domain: str, website: str = "", description: str = ""
) -> Organisation:
    name = " ".join(name.split())
    if len(name) < 2:
        raise OrgError("Give the organisation's name.", field="name")
    if kind not in OrgKind.values:
        raise OrgError("Choose whether this is an employer or an education partner.", field="kind")
    domain = clean_domain(email_domain)
    with transaction.atomic():
        org = Organisation.objects.create(
            name=name[:120],
            slug=_unique_slug(name),
            kind=kind,
            email_domain=domain,
            website=website,
            description=description,
        )
        Membership.objects.create(organisation=org, user=actor, role=Role.OWNER)
        record("org.created", actor=actor, obj=org, data={"kind": kind, "email_domain": domain})
        staff = list(User.objects.filter(is_staff=True, is_active=True).values_list("email", flat=True))
        if staff:
            send_templated_mail(staff, "orgs/email/needs_verification", {"org": org, "actor": actor})
    return org


def update_organisation(
    org: Organisation, *, membership: Membership | None, name: str, website: str, description: str
) -> Organisation:
    _require(membership, "edit_org")
    name = " ".join(name.split())
    if len(name) < 2:
        raise OrgError("Give the organisation's name.", field="name")
    with transaction.atomic():
        org = _lock(org)
        org.name, org.website, org.description = name[:120], website, description
        org.save(update_fields=["name", "website", "description"])
        record("org.updated", actor=membership.user if membership else None, obj=org)
    return org


def set_verification(org: Organisation, *, staff: User, status: str, note: str = "") -> Organisation:
    if not staff.is_staff:
        raise PermissionDenied("Only Rung staff can verify organisations.")
    with transaction.atomic():
        org = _lock(org)
        if status not in VERIFICATION_TRANSITIONS.get(org.verification, set()):
            raise OrgError(
                f"An organisation that is “{org.get_verification_display()}” cannot become "
                f"“{Verification(status).label if status in Verification.values else status}”.",
                code="bad_transition",
            )
        if status == Verification.REJECTED and not note.strip():
            raise OrgError("Say why, so the organisation knows what to fix.", field="note")
        old = org.verification
        org.verification = status
        org.verification_note = note.strip()
        org.verified_at = timezone.now() if status == Verification.VERIFIED else None
        org.verified_by = staff if status == Verification.VERIFIED else None
        org.save(update_fields=["verification", "verification_note", "verified_at", "verified_by"])
        record(f"org.verification.{status}", actor=staff, obj=org, data={"from": old, "note": org.verification_note})
        owners = list(org.memberships.filter(role=Role.OWNER).values_list("user__email", flat=True))
        send_templated_mail(owners, "orgs/email/verification_changed", {"org": org})
        if status == Verification.VERIFIED:
            emit("organisation.verified", organisation_id=org.pk, actor_id=staff.pk)
        elif status == Verification.REJECTED:
            emit("organisation.verification_withdrawn", organisation_id=org.pk)
    return org


# --- Invitations -------------------------------------------------------------------------------


def invite_member(org: Organisation, *, membership: Membership | None, email: str, role: str) -> tuple[Invitation, str]:
    inviter = _require(membership, "manage_members")
    if role not in Role.values:
        raise OrgError("Choose a role.", field="role")
    if role == Role.OWNER and not role_can(inviter.role, "manage_owners"):
        raise PermissionDenied("Only owners can invite another owner.")
    email = normalise_email(email)
    if org.memberships.filter(user__email=email).exists():
        raise OrgError(f"{email} is already a member.", field="email", code="already_member")
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        org = _lock(org)
        # A new invitation replaces any open one for the same address.
        org.invitations.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            organisation=org,
            email=email,
            role=role,
            token_hash=hash_token(raw),
            invited_by=inviter.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        record("org.member.invited", actor=inviter.user, obj=org, data={"email": email, "role": role})
        link = settings.SITE_URL + reverse("orgs:accept_invitation", args=[raw])
        send_templated_mail(email, "orgs/email/invitation", {"invitation": invitation, "link": link})
    return invitation, raw


def revoke_invitation(invitation: Invitation, *, membership: Membership | None) -> Invitation:
    actor = _require(membership, "manage_members")
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise OrgError("This invitation is no longer open.", code="not_open")
        invitation.refresh_from_db()
        record(
            "org.member.invitation_revoked",
            actor=actor.user,
            obj=invitation.organisation,
            data={"email": invitation.email},
        )
    return invitation


def find_invitation(raw: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_token(raw)).first()


def accept_invitation(*, raw_token: str, user: User) -> Membership:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(raw_token)).first()
        if invitation is None:
            raise OrgError("This invitation link is not valid.", code="invalid")
        if invitation.status != "open":
            raise OrgError(
                f"This invitation has {invitation.status}. Ask the organisation for a new one.", code=invitation.status
            )
        if normalise_email(invitation.email) != user.email:
            raise OrgError(
                f"This invitation was sent to {invitation.email}. Log in with that address to accept it.",
                code="wrong_user",
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organisation=invitation.organisation, user=user, role=invitation.role
                )
        except IntegrityError:
            raise OrgError("You are already a member of this organisation.", code="already_member") from None
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record("org.member.joined", actor=user, obj=invitation.organisation, data={"role": invitation.role})
    return membership


# --- Members -----------------------------------------------------------------------------------


def _other_owners(org: Organisation, membership: Membership) -> int:
    return org.memberships.filter(role=Role.OWNER).exclude(pk=membership.pk).count()


def change_role(target: Membership, *, membership: Membership | None, role: str) -> Membership:
    actor = _require(membership, "manage_members")
    if role not in Role.values:
        raise OrgError("Choose a role.", field="role")
    with transaction.atomic():
        org = _lock(target.organisation)
        target = Membership.objects.get(pk=target.pk)
        if Role.OWNER in (role, target.role) and not role_can(actor.role, "manage_owners"):
            raise PermissionDenied("Only owners can make or unmake owners.")
        if target.role == Role.OWNER and role != Role.OWNER and _other_owners(org, target) == 0:
            raise OrgError(
                "An organisation must always have an owner. Make someone else owner first.", code="last_owner"
            )
        old = target.role
        target.role = role
        target.save(update_fields=["role"])
        record(
            "org.member.role_changed",
            actor=actor.user,
            obj=org,
            data={"member": target.user.email, "from": old, "to": role},
        )
    return target


def remove_member(target: Membership, *, membership: Membership | None) -> None:
    if membership is None:
        raise PermissionDenied("Your role in this organisation does not allow that.")
    leaving_self = membership.pk == target.pk
    if not leaving_self:
        _require(membership, "manage_members")
    with transaction.atomic():
        org = _lock(target.organisation)
        target = Membership.objects.select_related("user").get(pk=target.pk)
        if target.role == Role.OWNER and not leaving_self and not role_can(membership.role, "manage_owners"):
            raise PermissionDenied("Only owners can remove an owner.")
        if target.role == Role.OWNER and _other_owners(org, target) == 0:
            raise OrgError(
                "An organisation must always have an owner. Make someone else owner first.", code="last_owner"
            )
        email = target.user.email
        target.delete()
        record(
            "org.member.left" if leaving_self else "org.member.removed",
            actor=membership.user,
            obj=org,
            data={"member": email},
        )
