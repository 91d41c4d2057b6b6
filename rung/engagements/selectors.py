"""Reads of engagements, always scoped to the person asking: the intern, members of the employer, the mentor."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from rung.accounts.models import User
from rung.engagements.models import Contract, ContractStatus, Engagement, SignatureRole
from rung.lib.errors import NotFound
from rung.orgs.models import Membership, role_can


def engagements_for(user: User) -> QuerySet[Engagement]:
    """Every engagement the user takes part in: as the intern, as a member of the employer, or as mentor."""
    if not user.is_authenticated:
        return Engagement.objects.none()
    org_ids = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Engagement.objects.filter(Q(candidate=user) | Q(mentor=user) | Q(project__organisation_id__in=org_ids))
        .select_related("project", "project__organisation", "candidate")
        .order_by("-created_at", "-pk")
    )


def get_engagement_for_user(user: User, engagement_uuid: str) -> Engagement:
    """The engagement, if the user takes part in it. Everyone else gets NotFound, not PermissionDenied."""
    engagement = engagements_for(user).select_related("mentor").filter(uuid=engagement_uuid).first()
    if engagement is None:
        raise NotFound("No such engagement.")
    return engagement


def get_contract(engagement: Engagement, contract_uuid: str) -> Contract:
    contract = engagement.contracts.filter(uuid=contract_uuid).prefetch_related("signatures__signer").first()
    if contract is None:
        raise NotFound("No such contract.")
    return contract


@dataclass(frozen=True)
class Viewer:
    """What the person looking at an engagement may do there."""

    is_candidate: bool
    can_sign_for_employer: bool
    can_review: bool
    is_staff: bool = False

    @property
    def side(self) -> str | None:
        if self.is_candidate:
            return SignatureRole.CANDIDATE
        if self.can_sign_for_employer:
            return SignatureRole.EMPLOYER
        return None

    @property
    def is_party(self) -> bool:
        return self.side is not None

    @property
    def sees_signature_evidence(self) -> bool:
        """Signers' e-mail and IP address: for the parties and staff audits, not for every member
        (reviewers, mentors and viewers read the text and its status). The table is in docs/architecture.md."""
        return self.is_party or self.is_staff


def viewer(user: User, engagement: Engagement) -> Viewer:
    membership = Membership.objects.filter(user=user, organisation_id=engagement.project.organisation_id).first()
    role = membership.role if membership else ""
    return Viewer(
        is_candidate=engagement.candidate_id == user.pk,
        can_sign_for_employer=role_can(role, "post_projects"),
        can_review=role_can(role, "review"),
        is_staff=user.is_staff,
    )


def contracts_of(engagement: Engagement) -> list[Contract]:
    return list(engagement.contracts.prefetch_related("signatures__signer").order_by("version"))


def current_and_pending(contracts: list[Contract]) -> tuple[Contract | None, Contract | None]:
    """The contract that rules now (signed, or v1 while unsigned) and an amendment waiting for signatures."""
    signed = [c for c in contracts if c.status == ContractStatus.SIGNED]
    pending = [c for c in contracts if c.status == ContractStatus.AWAITING_SIGNATURES]
    first_unsigned = next((c for c in pending if c.version == 1), None)
    current = signed[-1] if signed else first_unsigned
    amendment = next((c for c in pending if c.version > 1), None)
    return current, amendment
