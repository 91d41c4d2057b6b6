from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import PermissionDenied
from rung.orgs import selectors, services
from rung.orgs.models import Invitation, Membership, Organisation
from rung.orgs.schemas import (
    AcceptIn,
    InvitationCreatedOut,
    InvitationOut,
    InviteIn,
    MemberOut,
    OrgIn,
    OrgOut,
    OrgUpdateIn,
    RoleIn,
    VerificationIn,
)

router = Router(tags=["organisations"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _member_out(m: Membership) -> MemberOut:
    return MemberOut(uuid=m.uuid, email=m.user.email, full_name=m.user.full_name, role=m.role, joined_at=m.joined_at)


def _invitation_out(inv: Invitation) -> InvitationOut:
    return InvitationOut(
        uuid=inv.uuid,
        email=inv.email,
        role=inv.role,
        created_at=inv.created_at,
        expires_at=inv.expires_at,
        status=inv.status,
    )


@router.get("", response=list[OrgOut], summary="Organisations you belong to")
@paginate(Pagination)
def list_orgs(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.orgs_for_user(request_user(request))


@router.post("", response={201: OrgOut, **ERRORS}, summary="Set up an organisation; you become its owner")
def create_org(request: HttpRequest, payload: OrgIn) -> Status[Organisation]:
    return Status(201, services.create_organisation(actor=request_user(request), **payload.model_dump()))


@router.get("/{slug}", response={200: OrgOut, **ERRORS})
def get_org(request: HttpRequest, slug: str) -> Organisation:
    org, _ = selectors.get_org_for_user(request_user(request), slug)
    return org


@router.patch("/{slug}", response={200: OrgOut, **ERRORS}, summary="Change an organisation's details")
def update_org(request: HttpRequest, slug: str, payload: OrgUpdateIn) -> Organisation:
    org, membership = selectors.get_org_for_user(request_user(request), slug, permission="edit_org")
    return services.update_organisation(org, membership=membership, **payload.model_dump())


@router.get("/{slug}/members", response={200: list[MemberOut], **ERRORS})
@paginate(Pagination)
def list_members(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    org, _ = selectors.get_org_for_user(request_user(request), slug)
    return [_member_out(m) for m in selectors.members_of(org)]


@router.patch(
    "/{slug}/members/{uuid:member_uuid}", response={200: MemberOut, **ERRORS}, summary="Change a member's role"
)
def change_role(request: HttpRequest, slug: str, member_uuid: UUID, payload: RoleIn) -> MemberOut:
    org, membership = selectors.get_org_for_user(request_user(request), slug)
    target = get_object_or_404(Membership.objects.select_related("user"), uuid=member_uuid, organisation=org)
    return _member_out(services.change_role(target, membership=membership, role=payload.role))


@router.delete(
    "/{slug}/members/{uuid:member_uuid}",
    response={204: None, **ERRORS},
    summary="Remove a member (or leave, with your own membership)",
)
def remove_member(request: HttpRequest, slug: str, member_uuid: UUID) -> Status[None]:
    org, membership = selectors.get_org_for_user(request_user(request), slug)
    target = get_object_or_404(Membership, uuid=member_uuid, organisation=org)
    services.remove_member(target, membership=membership)
    return Status(204, None)


@router.get("/{slug}/invitations", response={200: list[InvitationOut], **ERRORS})
@paginate(Pagination)
def list_invitations(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    org, _ = selectors.get_org_for_user(request_user(request), slug, permission="manage_members")
    return [_invitation_out(i) for i in selectors.open_invitations(org)]


@router.post("/{slug}/invitations", response={201: InvitationCreatedOut, **ERRORS}, summary="Invite by e-mail")
def invite(request: HttpRequest, slug: str, payload: InviteIn) -> Status[InvitationCreatedOut]:
    org, membership = selectors.get_org_for_user(request_user(request), slug, permission="manage_members")
    invitation, raw = services.invite_member(org, membership=membership, email=payload.email, role=payload.role)
    return Status(201, InvitationCreatedOut(**_invitation_out(invitation).model_dump(), token=raw))


@router.delete("/{slug}/invitations/{uuid:invitation_uuid}", response={204: None, **ERRORS})
def revoke_invitation(request: HttpRequest, slug: str, invitation_uuid: UUID) -> Status[None]:
    org, membership = selectors.get_org_for_user(request_user(request), slug, permission="manage_members")
    invitation = get_object_or_404(Invitation, uuid=invitation_uuid, organisation=org)
    services.revoke_invitation(invitation, membership=membership)
    return Status(204, None)


@router.post(
    "/invitations/accept",
    response={200: MemberOut, **ERRORS},
    summary="Accept an invitation sent to your e-mail address",
)
def accept_invitation(request: HttpRequest, payload: AcceptIn) -> MemberOut:
    membership = services.accept_invitation(raw_token=payload.token, user=request_user(request))
    return _member_out(membership)


@router.post("/{slug}/verification", response={200: OrgOut, **ERRORS}, summary="Staff: verify or decline")
def set_verification(request: HttpRequest, slug: str, payload: VerificationIn) -> Organisation:
    user = request_user(request)
    if not user.is_staff:
        raise PermissionDenied("Only Rung staff can verify organisations.")
    org = get_object_or_404(Organisation, slug=slug)
    return services.set_verification(org, staff=user, status=payload.status, note=payload.note)
