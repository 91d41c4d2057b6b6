"""Reads of organisations, always scoped to the person asking."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from rung.accounts.models import User
from rung.lib.errors import NotFound, PermissionDenied
from rung.orgs.models import Invitation, Membership, Organisation, Verification, role_can


def orgs_for_user(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def memberships_for_user(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def membership_of(user: User, org: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=org).first()


def get_org_for_user(user: User, slug: str, *, permission: str = "view") -> tuple[Organisation, Membership | None]:
    """The organisation, if the user may do `permission` there.

    Outsiders get NotFound, not PermissionDenied: whether an organisation exists is not
    theirs to learn. Staff may view every organisation (to verify it) but act in none.
    """
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise NotFound("No such organisation.")
    membership = membership_of(user, org)
    if membership is None:
        if user.is_staff and permission == "view":
            return org, None
        raise NotFound("No such organisation.")
    if not role_can(membership.role, permission):
        raise PermissionDenied("Your role in this organisation does not allow that.")
    return org, membership


def members_of(org: Organisation) -> QuerySet[Membership]:
    return org.memberships.select_related("user").order_by("role", "user__email")


def open_invitations(org: Organisation) -> QuerySet[Invitation]:
    return org.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def invitations_for_user(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        email__iexact=user.email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("organisation")


def verification_queue() -> QuerySet[Organisation]:
    return Organisation.objects.filter(verification=Verification.PENDING).order_by("created_at")


def organisations_for_staff(*, query: str = "", kind: str = "", verification: str = "") -> QuerySet[Organisation]:
    """Every organisation, for staff: search by name, domain or website; filter by kind and status."""
    orgs = Organisation.objects.all()
    query = query.strip()
    if query:
        orgs = orgs.filter(Q(name__icontains=query) | Q(email_domain__icontains=query) | Q(website__icontains=query))
    if kind:
        orgs = orgs.filter(kind=kind)
    if verification:
        orgs = orgs.filter(verification=verification)
    return orgs.annotate(member_count=Count("memberships")).order_by("name", "pk")
