"""Issuing a whole cohort's credentials at once (a cohort finishing together): the same credentials
issue_credential would issue, faster, signing in one worker process per core.
"""

import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.credentials.bulk import CohortSigner, default_processes
from rung.credentials.issuer import Signer, issuer_profile
from rung.credentials.models import (
    HolderBinding,
    IssuedCredential,
    ShareLink,
    StatusList,
    StatusPurpose,
    canonical_json,
    sha256_hex,
)
from rung.credentials.services import (
    AchievementInput,
    CredentialError,
    _check_achievement,
    _signer,
    build_credential,
    subject_id,
)
from rung.credentials.verify import parse_datetime
from rung.lib.request_context import current_ip

# --- a cohort at once -----------------------------------------------------------------------------

# A cohort is stored in transactions of this many credentials: big enough that the per-transaction
# cost vanishes, small enough that a single issue waiting for the status-list lock waits seconds,
# and that an interrupted cohort keeps what it finished (a rerun skips those, see issue_cohort).
COHORT_BATCH = 500
COHORT_FLUSH = 50


@dataclass(frozen=True)
class CohortMember:
    recipient: User
    achievement: AchievementInput
    engagement_ref: str


@dataclass(frozen=True)
class CohortResult:
    issued: list[IssuedCredential]
    already_issued: list[IssuedCredential]
    # (engagement_ref, why) for every member that could not be issued; the others are issued regardless.
    failed: list[tuple[str, str]]


def _allocate_status_indexes(did: str, count: int) -> list[tuple[StatusList, int]]:
    """`count` distinct random unused bits in this issuer's open status lists. Call inside a transaction.

    The same rule as _allocate_status_index (a list takes credentials up to half its length, at
    random places so an index says nothing about when or to whom it was issued), read once per
    list instead of once per credential.
    """
    picked: list[tuple[StatusList, int]] = []
    chooser = random.SystemRandom()
    while len(picked) < count:
        status_list = (
            StatusList.objects.select_for_update()
            .filter(issuer_did=did, purpose=StatusPurpose.REVOCATION, full=False)
            .order_by("created_at")
            .first()
        ) or StatusList.objects.create(issuer_did=did)
        used = set(IssuedCredential.objects.filter(status_list=status_list).values_list("status_index", flat=True))
        room = status_list.length // 2 - len(used)
        if room <= 0:
            status_list.full = True
            status_list.save(update_fields=["full"])
            continue
        take = min(room, count - len(picked))
        free = [index for index in range(status_list.length) if index not in used]
        picked += [(status_list, index) for index in chooser.sample(free, take)]
        if take == room:
            status_list.full = True
            status_list.save(update_fields=["full"])
    return picked


def issue_cohort(
    members: Sequence[CohortMember],
    *,
    issued_by: User | None,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CohortResult:
    """Issue the credentials of a whole cohort: the same credentials issue_credential would issue, faster.

    Every member is checked as issue_credential checks one; a member whose engagement has its
    credential already is skipped (so an interrupted run can be run again), one issued to someone
    else is refused, and one that cannot be signed is reported without stopping the rest. Signing
    runs in `processes` worker processes (default: one per core); the database writes stay here, in
    transactions of COHORT_BATCH. `progress(done, total)` is called after each transaction.
    """
    failed: list[tuple[str, str]] = []
    pending: list[CohortMember] = []
    seen: set[str] = set()
    for member in members:
        ref = member.engagement_ref.strip()
        if not ref:
            failed.append(("", "Say which engagement the credential is for."))
            continue
        if ref in seen:
            failed.append((ref, "This engagement is in the cohort twice."))
            continue
        seen.add(ref)
        try:
            _check_achievement(member.achievement)
        except CredentialError as exc:
            failed.append((ref, exc.message))
            continue
        pending.append(CohortMember(member.recipient, member.achievement, ref))
    existing = {
        c.engagement_ref: c
        for c in IssuedCredential.objects.filter(engagement_ref__in=[m.engagement_ref for m in pending])
    }
    already: list[IssuedCredential] = []
    todo: list[CohortMember] = []
    for member in pending:
        found = existing.get(member.engagement_ref)
        if found is None:
            todo.append(member)
        elif found.recipient_id != member.recipient.pk:
            failed.append((member.engagement_ref, "A credential for this engagement was issued to someone else."))
        else:
            already.append(found)
    issued: list[IssuedCredential] = []
    total = len(todo)
    if progress is not None:
        progress(0, total)
    if not todo:
        return CohortResult(issued=issued, already_issued=already, failed=failed)
    signer = _signer()
    profile = issuer_profile(signer.did)
    holders: dict[int, str] = {}
    for user_id, did in (
        HolderBinding.objects.filter(user__in=[m.recipient for m in todo])
        .order_by("bound_at", "id")
        .values_list("user_id", "did")
    ):
        holders[user_id] = did  # the latest binding wins, as in current_holder_did
    workers = processes if processes is not None else default_processes()
    with CohortSigner(
        private_key=signer.private_key, verification_method=signer.verification_method, processes=workers
    ) as cohort_signer:
        for start in range(0, total, COHORT_BATCH):
            batch = todo[start : start + COHORT_BATCH]
            try:
                issued += _issue_cohort_batch(
                    batch,
                    signer=signer,
                    profile=profile,
                    holders=holders,
                    cohort_signer=cohort_signer,
                    issued_by=issued_by,
                    failed=failed,
                )
            except IntegrityError:
                # Another run issued one of these engagements meanwhile; this batch is rolled back whole.
                raise CredentialError(
                    "Some of these credentials were issued by another run at the same time. Run the cohort again: "
                    "what is issued already is skipped.",
                    code="conflict",
                ) from None
            if progress is not None:
                progress(min(start + len(batch), total), total)
    return CohortResult(issued=issued, already_issued=already, failed=failed)


def _issue_cohort_batch(
    batch: Sequence[CohortMember],
    *,
    signer: Signer,
    profile: Mapping[str, Any],
    holders: Mapping[int, str],
    cohort_signer: CohortSigner,
    issued_by: User | None,
    failed: list[tuple[str, str]],
) -> list[IssuedCredential]:
    """Sign and store one batch of a cohort in one transaction; refusals are appended to `failed`."""
    with transaction.atomic():
        slots = _allocate_status_indexes(signer.did, len(batch))
        uuids = [uuid.uuid4() for _ in batch]
        issued_at = timezone.now()
        unsigned = [
            build_credential(
                credential_uuid=credential_uuid,
                recipient=member.recipient,
                achievement=member.achievement,
                engagement_ref=member.engagement_ref,
                issuer=profile,
                status_list=status_list,
                status_index=index,
                issued_at=issued_at,
                subject=holders.get(member.recipient.pk) or subject_id(member.recipient),
            )
            for member, credential_uuid, (status_list, index) in zip(batch, uuids, slots, strict=True)
        ]
        stored: list[IssuedCredential] = []
        rows: list[IssuedCredential] = []

        def flush() -> None:
            # Stored while the workers sign what follows, so the writes overlap the signing.
            IssuedCredential.objects.bulk_create(rows)
            ShareLink.objects.bulk_create([ShareLink(credential=row) for row in rows])
            # One insert for the batch's audit events: the fields audit.services.record writes for one.
            actor = issued_by if issued_by is not None and issued_by.is_authenticated else None
            ip_address = current_ip()
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        actor=actor,
                        actor_email=actor.email if actor is not None else "",
                        verb="credential.issued",
                        object_type=row._meta.label,
                        object_id=str(row.uuid),
                        object_repr=str(row)[:200],
                        data={
                            "engagement": row.engagement_ref,
                            "recipient": row.recipient.email if row.recipient else "",
                            "key": signer.key_id,
                            "cohort": True,
                        },
                        ip_address=ip_address,
                    )
                    for row in rows
                ]
            )
            stored.extend(rows)
            rows.clear()

        for member, credential_uuid, (status_list, index), signed in zip(
            batch, uuids, slots, cohort_signer.sign(unsigned), strict=True
        ):
            if isinstance(signed, str):
                failed.append((member.engagement_ref, signed))
                continue
            text = canonical_json(signed)
            rows.append(
                IssuedCredential(
                    uuid=credential_uuid,
                    recipient=member.recipient,
                    organisation=member.achievement.creator,
                    engagement_ref=member.engagement_ref,
                    name=str(signed.get("name") or "Credential")[:300],
                    issuer_did=signer.did,
                    verification_method=signer.verification_method,
                    document_text=text,
                    document_sha256=sha256_hex(text),
                    status_list=status_list,
                    status_index=index,
                    valid_from=parse_datetime(signed.get("validFrom")) or issued_at,
                    issued_by=issued_by,
                )
            )
            if len(rows) >= COHORT_FLUSH:
                flush()
        flush()
    return stored
