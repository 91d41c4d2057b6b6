"""Reads of credentials, always scoped to the person asking.

Outsiders get NotFound rather than PermissionDenied: whether someone holds a credential is not
theirs to learn.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet

from rung.accounts.models import User
from rung.credentials.models import ImportedCredential, IssuedCredential, Revocation
from rung.lib.errors import NotFound, PermissionDenied
from rung.orgs.models import Membership, Role

# Who may revoke for an organisation (the same people who may issue for it through the API).
REVOKING_ROLES = frozenset({Role.OWNER, Role.MANAGER})


def _issued() -> QuerySet[IssuedCredential]:
    # One query for a whole list: the organisation, the share switch and any revocation come along.
    return IssuedCredential.objects.select_related("organisation", "share_link", "revocation")


def wallet_for_user(user: User) -> QuerySet[IssuedCredential]:
    """The credentials Rung issued to `user`, newest first."""
    return _issued().filter(recipient=user).order_by("-issued_at", "-id")


def imported_for_user(user: User) -> QuerySet[ImportedCredential]:
    return ImportedCredential.objects.filter(owner=user).order_by("-imported_at", "-id")


def get_wallet_credential(user: User, credential_uuid: UUID | str) -> IssuedCredential:
    credential = _issued().filter(uuid=credential_uuid, recipient=user).first() if user.is_authenticated else None
    if credential is None:
        raise NotFound("No such credential in your wallet.")
    return credential


def get_imported_credential(user: User, item_uuid: UUID | str) -> ImportedCredential:
    item = ImportedCredential.objects.filter(uuid=item_uuid, owner=user).first() if user.is_authenticated else None
    if item is None:
        raise NotFound("No such credential in your wallet.")
    return item


def get_shared_credential(credential_uuid: UUID | str) -> IssuedCredential | None:
    """A credential whose public page is on (every credential gets a share link, on until its holder says off)."""
    return _issued().select_related("recipient").filter(uuid=credential_uuid, share_link__enabled=True).first()


def revoking_capacity(user: User, credential: IssuedCredential) -> str | None:
    """ "staff", or the slug of the organisation `user` may revoke for; None if they may not."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff:
        return "staff"
    if credential.organisation_id is None:
        return None
    membership = (
        Membership.objects.filter(user=user, organisation_id=credential.organisation_id)
        .select_related("organisation")
        .first()
    )
    if membership is None or membership.role not in REVOKING_ROLES:
        return None
    return membership.organisation.slug


def issued_for_manager(user: User) -> QuerySet[IssuedCredential]:
    """What `user` may revoke: everything for staff, else their organisations' credentials (owner/manager)."""
    queryset = _issued().select_related("recipient").order_by("-issued_at", "-id")
    if user.is_staff:
        return queryset
    orgs = Membership.objects.filter(user=user, role__in=REVOKING_ROLES).values("organisation_id")
    return queryset.filter(organisation_id__in=orgs)


def get_credential_for_revoker(user: User, credential_uuid: UUID | str) -> tuple[IssuedCredential, str]:
    """The credential and the capacity `user` would revoke it in.

    A member of the issuing organisation without the role gets PermissionDenied (they can know it
    exists); anyone else gets NotFound.
    """
    credential = _issued().select_related("recipient").filter(uuid=credential_uuid).first()
    if credential is None:
        raise NotFound("No such credential.")
    capacity = revoking_capacity(user, credential)
    if capacity is not None:
        return credential, capacity
    org_id = credential.organisation_id
    if org_id is not None and Membership.objects.filter(user=user, organisation_id=org_id).exists():
        raise PermissionDenied("Only an owner or manager of the organisation can revoke its credentials.")
    raise NotFound("No such credential.")


def revocation_of(credential: IssuedCredential) -> Revocation | None:
    try:
        return credential.revocation
    except Revocation.DoesNotExist:
        return None


@dataclass(frozen=True)
class CredentialSummary:
    """One credential as an application shows it: Rung's own and imported ones side by side."""

    name: str
    issuer_name: str
    creator_name: str
    issued_on: datetime | None
    source: str  # "rung" or "imported"
    verified: bool
    revoked: bool


def credentials_for_applicant(user: User) -> list[CredentialSummary]:
    """Everything in `user`'s wallet that an application can show, Rung's first, newest first."""
    return credentials_for_applicants([user]).get(user.pk, [])


def credentials_for_applicants(users: Sequence[User]) -> dict[int, list[CredentialSummary]]:
    """The same for many people at once, in two queries however many there are (an applicants list)."""
    ids = [u.pk for u in users]
    summaries: dict[int, list[CredentialSummary]] = {pk: [] for pk in ids}
    issued = _issued().filter(recipient_id__in=ids).order_by("-issued_at", "-id")
    for c in issued:
        assert c.recipient_id is not None  # filtered on it above
        summaries[c.recipient_id].append(
            CredentialSummary(
                name=c.name,
                issuer_name=settings.CREDENTIALS_ISSUER_NAME,
                creator_name=c.organisation.name if c.organisation else "",
                issued_on=c.issued_at,
                source="rung",
                verified=revocation_of(c) is None,
                revoked=revocation_of(c) is not None,
            )
        )
    imported = ImportedCredential.objects.filter(owner_id__in=ids).order_by("-imported_at", "-id")
    for item in imported:
        summaries[item.owner_id].append(
            CredentialSummary(
                name=item.name or "Imported credential",
                issuer_name=item.issuer_name or item.issuer_id,
                creator_name=str((item.report.get("summary") or {}).get("creator_name") or ""),
                issued_on=item.issued_on,
                source="imported",
                verified=item.verified,
                revoked=False,
            )
        )
    return summaries


def reissuable_for_holder(user: User) -> list[IssuedCredential]:
    """The holder's credentials that still stand and do not yet name their bound DID."""
    from rung.credentials.services import current_holder_did  # services import selectors

    did = current_holder_did(user)
    if did is None:
        return []
    standing = wallet_for_user(user).filter(revocation__isnull=True)
    return [c for c in standing if c.document.get("credentialSubject", {}).get("id") != did]
