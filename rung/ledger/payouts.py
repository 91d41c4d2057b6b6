"""Paying interns what they are owed: payouts and their provider results, the batch export for the
bank (CSV and SEPA) and timeliness (overdue alerts, the cause of a delay).

Provider calls (network, in real life) happen outside database transactions.
"""

import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml.validation import ValidationError as SepaValidationError

from rung.accounts.models import User
from rung.audit.services import record
from rung.ledger.models import (
    PAYOUT_TRANSITIONS,
    Account,
    AccountKind,
    DelayCause,
    Entry,
    Payout,
    PayoutEvent,
    PayoutStatus,
    TransactionKind,
    account_key,
    business_days_between,
)
from rung.ledger.providers import (
    BatchExportProvider,
    PayoutProvider,
    PayoutResult,
    PayoutState,
    SepaDebtor,
    get_payout_provider,
    render_sepa,
)
from rung.ledger.selectors import overdue_payouts, payout_target_business_days
from rung.ledger.services import (
    BadTransition,
    LedgerError,
    Posting,
    _balance,
    _in_transit,
    _lock_accounts,
    _require_staff,
    _require_staff_or_system,
    _uuid,
    _world,
    post_transaction,
)
from rung.lib.errors import DomainError
from rung.lib.events import emit
from rung.lib.money import format_money, normalise_currency
from rung.payees.models import AccountFormChoice
from rung.payees.selectors import account_forms, has_payout_details, users_with_details
from rung.payees.services import export_plain_details
from rung.payees.validation import in_sepa_zone

logger = logging.getLogger(__name__)


# --- Payouts -------------------------------------------------------------------------------


def _oldest_unpaid_approval(payable: Account, owed: int) -> datetime | None:
    # Payouts pay the oldest money first, so what is still owed is the newest releases; walk back
    # from the newest until they cover `owed`, and that release's approval is the one waiting longest.
    rows = (
        Entry.objects.filter(
            account=payable,
            amount_minor__gt=0,
            transaction__kind__in=[TransactionKind.RELEASE, TransactionKind.KILL_FEE],
        )
        .order_by("-transaction__created_at", "-transaction_id")
        .values_list("amount_minor", "transaction__approved_at")
    )
    covered, oldest = 0, None
    for amount, approved_at in rows:
        covered += amount
        oldest = approved_at or oldest
        if covered >= owed:
            break
    return oldest


def _event(payout: Payout, old: str, new: str, *, actor: User | None, note: str = "") -> None:
    if old:
        assert new in PAYOUT_TRANSITIONS[old], f"{old} → {new} is not a payout transition"
    PayoutEvent.objects.create(payout=payout, from_status=old, to_status=new, actor=actor, note=note[:500])
    record(
        f"ledger.payout.{new}",
        actor=actor,
        obj=payout,
        data={"from": old, "amount_minor": payout.amount_minor, "currency": payout.currency, "note": note[:500]},
    )


def create_payout(
    *,
    engagement_uuid: uuid.UUID | str,
    intern: User,
    currency: str,
    actor: User | None = None,
    provider_name: str | None = None,
) -> Payout | None:
    """Start paying out everything the intern is owed for an engagement; None if nothing is owed."""
    engagement = _uuid(engagement_uuid, "engagement")
    currency = normalise_currency(currency)
    provider = get_payout_provider(provider_name)
    with transaction.atomic():
        payable = Account.objects.filter(key=account_key(AccountKind.INTERN_PAYABLE, currency, engagement)).first()
        if payable is None:
            return None
        if payable.intern_id != intern.pk:
            raise LedgerError("The money for this engagement is owed to someone else.", code="wrong_intern")
        # Held until commit: a second payout run waits here, then finds nothing left to pay.
        _lock_accounts([payable.pk])
        owed = _balance(payable.pk)
        if owed <= 0:
            return None
        # The release and the payout happen on time; only handing it to the bank waits for an account.
        waiting = provider.needs_payout_details and not has_payout_details(intern.pk)
        status = PayoutStatus.WAITING if waiting else PayoutStatus.PENDING
        payout = Payout.objects.create(
            intern=intern,
            engagement_uuid=engagement,
            amount_minor=owed,
            currency=currency,
            provider=provider.name,
            status=status,
            approved_at=_oldest_unpaid_approval(payable, owed),
        )
        _event(payout, "", status, actor=actor)
        emit("payout.created", payout_id=payout.pk, user_id=intern.pk)
        if waiting:
            emit("payout.waiting", payout_id=payout.pk, user_id=intern.pk)
        post_transaction(
            idempotency_key=f"payout:{payout.uuid}",
            kind=TransactionKind.PAYOUT,
            postings=[Posting(payable, -owed, currency), Posting(_in_transit(currency), owed, currency)],
            actor=actor,
            memo=f"Payout via {provider.name}",
            engagement_uuid=engagement,
            payout=payout,
        )
    return payout


def release_waiting_payouts(*, user_ids: Sequence[int] | None = None) -> int:
    """Waiting payouts of interns who now have payout details become pending (sent in the next batch).

    Compare-and-set, so two callers (the confirmation and a payout run) release each payout once. A
    payout released after its due date is recorded as delayed by the intern: never by the employer.
    """
    waiting = Payout.objects.filter(status=PayoutStatus.WAITING)
    if user_ids is not None:
        waiting = waiting.filter(intern_id__in=list(user_ids))
    candidates = list(waiting.only("pk", "intern_id"))
    ready = users_with_details(sorted({p.intern_id for p in candidates}))
    target = payout_target_business_days()
    released = 0
    for candidate in candidates:
        if candidate.intern_id not in ready:
            continue
        with transaction.atomic():
            if not Payout.objects.filter(pk=candidate.pk, status=PayoutStatus.WAITING).update(
                status=PayoutStatus.PENDING
            ):
                continue
            payout = Payout.objects.get(pk=candidate.pk)
            _event(payout, PayoutStatus.WAITING, PayoutStatus.PENDING, actor=None, note="Payout details confirmed")
            if payout.is_late(target) and not payout.delay_cause:
                payout.delay_cause = DelayCause.INTERN
                payout.delay_note = "Waited for the intern's payout details."
                payout.save(update_fields=["delay_cause", "delay_note"])
                record("ledger.payout.delay_cause", actor=None, obj=payout, data={"cause": DelayCause.INTERN})
            released += 1
    return released


def _claim_for_sending(payout: Payout, *, actor: User | None = None, batch_reference: str = "") -> bool:
    """Mark a pending payout sent, once. Only the caller that wins this may hand it to a provider."""
    with transaction.atomic():
        won = Payout.objects.filter(pk=payout.pk, status=PayoutStatus.PENDING).update(
            status=PayoutStatus.SENT, sent_at=timezone.now(), batch_reference=batch_reference
        )
        if won:
            payout.refresh_from_db()
            _event(payout, PayoutStatus.PENDING, PayoutStatus.SENT, actor=actor, note=batch_reference)
    return bool(won)


def _apply_result(payout: Payout, result: PayoutResult) -> Payout:
    if result.state == PayoutState.SETTLED:
        return settle_payout(payout, provider_reference=result.reference)
    if result.state == PayoutState.FAILED:
        return fail_payout(payout, reason=result.reason or "The payout provider refused it.")
    if result.reference:
        Payout.objects.filter(pk=payout.pk, provider_reference="").update(provider_reference=result.reference[:200])
        payout.refresh_from_db()
    return payout


def _send(payout: Payout, provider: PayoutProvider) -> tuple[Payout, bool]:
    if provider.name != payout.provider:
        raise LedgerError(f"This payout goes through {payout.provider}, not {provider.name}.")
    if not provider.automatic:
        raise LedgerError("These payouts are sent when staff export a batch.", code="manual_provider")
    if not _claim_for_sending(payout):
        payout.refresh_from_db()
        return payout, False
    # The claim is committed before the provider hears of it: if this process dies inside
    # send(), the payout stays "sent" and the next run asks the provider what became of it.
    result = provider.send(payout)
    return _apply_result(payout, result), True


def send_payout(payout: Payout, *, provider: PayoutProvider | None = None) -> Payout:
    """Hand a pending payout to its provider. A payout already sent is never sent again.

    Call it outside a database transaction, so the "sent" mark is committed before the provider
    moves money. If the provider raises, the exception propagates and the payout stays sent.
    """
    payout, _ = _send(payout, provider or get_payout_provider(payout.provider))
    return payout


def reconcile_payout(payout: Payout, *, provider: PayoutProvider | None = None) -> Payout:
    """Ask the provider about a sent payout and settle or fail it; leave it if the provider cannot say."""
    provider = provider or get_payout_provider(payout.provider)
    payout.refresh_from_db()
    if payout.status != PayoutStatus.SENT:
        return payout
    result = provider.status(payout)
    if result.state == PayoutState.UNKNOWN:
        # Never re-sent: a payout whose fate is unknown may have left. Staff see it among the
        # overdue payouts and settle or fail it by hand.
        logger.warning("Payout %s was sent but %s has no record of it", payout.uuid, provider.name)
        return payout
    return _apply_result(payout, result)


def settle_payout(
    payout: Payout, *, actor: User | None = None, provider_reference: str = "", settled_at: datetime | None = None
) -> Payout:
    """The money arrived: it leaves the platform for good. Settling twice moves nothing."""
    _require_staff_or_system(actor, "mark a payout as paid")
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status == PayoutStatus.SETTLED:
            return payout
        if PayoutStatus.SETTLED not in PAYOUT_TRANSITIONS[payout.status]:
            raise BadTransition(
                "This payout failed; the money is owed again and goes out in a new payout."
                if payout.status == PayoutStatus.FAILED
                else "This payout has not been sent yet, so it cannot have arrived."
            )
        old = payout.status
        payout.status = PayoutStatus.SETTLED
        payout.settled_at = settled_at or timezone.now()
        payout.provider_reference = provider_reference.strip()[:200] or payout.provider_reference
        payout.save(update_fields=["status", "settled_at", "provider_reference"])
        _event(payout, old, PayoutStatus.SETTLED, actor=actor, note=payout.provider_reference)
        currency, amount = payout.currency, payout.amount_minor
        post_transaction(
            idempotency_key=f"payout_settled:{payout.uuid}",
            kind=TransactionKind.PAYOUT_SETTLED,
            postings=[Posting(_in_transit(currency), -amount, currency), Posting(_world(currency), amount, currency)],
            actor=actor,
            memo=f"Paid to {payout.intern_id}",
            engagement_uuid=payout.engagement_uuid,
            payout=payout,
        )
        if payout.approved_at is not None:
            record(
                "ledger.payout.timeliness",
                actor=actor,
                obj=payout,
                data={
                    "seconds_from_approval": int((payout.settled_at - payout.approved_at).total_seconds()),
                    "business_days_from_approval": business_days_between(payout.approved_at, payout.settled_at),
                },
            )
    return payout


def fail_payout(payout: Payout, *, reason: str, actor: User | None = None) -> Payout:
    """The payout will not arrive: its money is owed to the intern again. Failing twice moves nothing."""
    _require_staff_or_system(actor, "mark a payout as failed")
    reason = reason.strip()
    if not reason:
        raise LedgerError("Say why the payout failed, so it can be put right.", field="reason")
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status == PayoutStatus.FAILED:
            return payout
        if PayoutStatus.FAILED not in PAYOUT_TRANSITIONS[payout.status]:
            raise BadTransition("This payout has been paid; it cannot fail any more.")
        old = payout.status
        payout.status = PayoutStatus.FAILED
        payout.failed_at = timezone.now()
        payout.failure_reason = reason[:500]
        payout.save(update_fields=["status", "failed_at", "failure_reason"])
        _event(payout, old, PayoutStatus.FAILED, actor=actor, note=payout.failure_reason)
        currency, amount = payout.currency, payout.amount_minor
        payable = Account.objects.get(key=account_key(AccountKind.INTERN_PAYABLE, currency, payout.engagement_uuid))
        post_transaction(
            idempotency_key=f"payout_failed:{payout.uuid}",
            kind=TransactionKind.PAYOUT_FAILED,
            postings=[Posting(_in_transit(currency), -amount, currency), Posting(payable, amount, currency)],
            actor=actor,
            memo=f"Payout failed: {payout.failure_reason}",
            engagement_uuid=payout.engagement_uuid,
            payout=payout,
        )
    return payout


@dataclass
class PayoutRun:
    created: int = 0
    sent: int = 0
    settled: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def run_payouts(
    *, providers: Mapping[str, PayoutProvider] | None = None, provider_name: str | None = None
) -> PayoutRun:
    """Pay everything owed, send what automatic providers can send, and follow up sent payouts.

    Safe to run from several workers at once and to re-run after a crash: each step claims its
    rows, so money is neither paid twice nor left behind. `providers` overrides by name (tests).
    """
    run = PayoutRun()

    def provider_for(name: str) -> PayoutProvider:
        return (providers or {}).get(name) or get_payout_provider(name)

    owed = (
        Account.objects.filter(kind=AccountKind.INTERN_PAYABLE)
        .annotate(balance=Sum("entries__amount_minor"))
        .filter(balance__gt=0)
        .select_related("intern")
        .order_by("pk")
    )
    for account in owed:
        assert account.intern is not None
        assert account.engagement_uuid is not None
        try:
            created = create_payout(
                engagement_uuid=account.engagement_uuid,
                intern=account.intern,
                currency=account.currency,
                provider_name=provider_name,
            )
        except DomainError as error:
            run.errors.append(f"{account.key}: {error.message}")
            continue
        run.created += created is not None

    release_waiting_payouts()

    for pending in Payout.objects.filter(status=PayoutStatus.PENDING).order_by("created_at", "pk"):
        provider = provider_for(pending.provider)
        if not provider.automatic:
            continue
        try:
            payout, claimed = _send(pending, provider)
        except Exception as error:
            # One provider hiccup must not hold up everyone else's pay; the payout stays sent.
            logger.exception("Sending payout %s failed", pending.uuid)
            run.errors.append(f"Payout {pending.uuid}: {type(error).__name__}: {error}")
            continue
        if claimed:
            run.sent += 1
            run.settled += payout.status == PayoutStatus.SETTLED
            run.failed += payout.status == PayoutStatus.FAILED

    for sent in Payout.objects.filter(status=PayoutStatus.SENT).order_by("sent_at", "pk"):
        provider = provider_for(sent.provider)
        if not provider.automatic:
            continue
        try:
            payout = reconcile_payout(sent, provider=provider)
        except Exception as error:
            logger.exception("Checking payout %s failed", sent.uuid)
            run.errors.append(f"Payout {sent.uuid}: {type(error).__name__}: {error}")
            continue
        run.settled += payout.status == PayoutStatus.SETTLED
        run.failed += payout.status == PayoutStatus.FAILED
    return run


class BatchFormat(StrEnum):
    CSV = "csv"  # any currency and account form, paid by hand through the bank
    SEPA = "sepa"  # a pain.001 SEPA credit transfer file: euro payouts to IBANs in the SEPA zone


@dataclass(frozen=True)
class PayoutBatch:
    reference: str
    payouts: list[Payout]
    file_format: str = BatchFormat.CSV
    content: bytes = b""

    @property
    def csv(self) -> str:
        return self.content.decode() if self.file_format == BatchFormat.CSV else ""

    @property
    def filename(self) -> str:
        return f"{self.reference}.{'xml' if self.file_format == BatchFormat.SEPA else 'csv'}"

    @property
    def content_type(self) -> str:
        return "application/xml" if self.file_format == BatchFormat.SEPA else "text/csv; charset=utf-8"


def sepa_debtor() -> SepaDebtor:
    """Rung's account the SEPA file pays from, checked; refused with what to set when it is missing."""
    name = str(getattr(settings, "PAYOUT_DEBTOR_NAME", "") or "").strip()
    raw_iban = str(getattr(settings, "PAYOUT_DEBTOR_IBAN", "") or "").strip()
    raw_bic = str(getattr(settings, "PAYOUT_DEBTOR_BIC", "") or "").strip()
    missing = [
        setting
        for setting, value in (
            ("PAYOUT_DEBTOR_NAME", name),
            ("PAYOUT_DEBTOR_IBAN", raw_iban),
            ("PAYOUT_DEBTOR_BIC", raw_bic),
        )
        if not value
    ]
    if missing:
        raise LedgerError(
            f"A SEPA file needs Rung's own bank account: set {', '.join(missing)}. "
            "Until then, export the CSV and pay it through the bank by hand.",
            code="sepa_not_configured",
        )
    try:
        iban, bic = IBAN(raw_iban), BIC(raw_bic)
    except SchwiftyException as error:
        raise LedgerError(
            f"PAYOUT_DEBTOR_IBAN or PAYOUT_DEBTOR_BIC is not valid ({error}).", code="sepa_not_configured"
        ) from None
    return SepaDebtor(name=name[:70], iban=iban.compact, bic=str(bic))


def sepa_configured() -> bool:
    try:
        sepa_debtor()
    except LedgerError:
        return False
    return True


def fits_sepa(payout: Payout, forms: Mapping[int, tuple[str, str]]) -> bool:
    """A euro payout to an intern whose account is an IBAN in the SEPA zone goes in the SEPA file."""
    country, form = forms.get(payout.intern_id, ("", ""))
    return payout.currency == "EUR" and form == AccountFormChoice.IBAN and in_sepa_zone(country)


def export_payout_batch(*, staff: User, file_format: str = BatchFormat.CSV) -> PayoutBatch:
    """Claim pending batch-export payouts into one batch and return its file for the bank.

    With Rung's SEPA account configured, euro payouts to SEPA IBANs go in a SEPA credit transfer
    file (`file_format="sepa"`) and the CSV carries the rest; without it the CSV carries them all
    (and a SEPA export is refused, saying what to set). Exporting marks the payouts sent, so a
    second export cannot pay them again; if the file cannot be made, nothing is claimed. The same
    batch can be listed again with `selectors.payout_batch_csv(reference)`, without account numbers.
    """
    _require_staff(staff, "export payouts")
    if file_format not in {f.value for f in BatchFormat}:
        raise LedgerError("Choose the CSV or the SEPA file.", code="invalid_format", field="format")
    sepa = file_format == BatchFormat.SEPA
    debtor = sepa_debtor() if sepa else None
    split = sepa or sepa_configured()
    provider = BatchExportProvider()
    reference = f"BATCH-{timezone.now():%Y%m%d}-{secrets.token_hex(3).upper()}"
    candidates = list(Payout.objects.filter(status=PayoutStatus.PENDING, provider=provider.name).order_by("pk"))
    forms = account_forms(sorted({p.intern_id for p in candidates}))
    if split:
        candidates = [p for p in candidates if fits_sepa(p, forms) == sepa]
    with transaction.atomic():
        # One transaction: if the file cannot be made, no payout is left marked sent without one.
        claimed = [
            payout.pk for payout in candidates if _claim_for_sending(payout, actor=staff, batch_reference=reference)
        ]
        payouts = list(Payout.objects.filter(pk__in=claimed).select_related("intern").order_by("created_at", "pk"))
        record(
            "ledger.payout_batch.exported",
            actor=staff,
            data={"reference": reference, "format": file_format, "payouts": [str(p.uuid) for p in payouts]},
        )
        if not payouts:
            return PayoutBatch(reference=reference, payouts=[], file_format=file_format)
        # The one place plain account details leave Rung, and payees audits it.
        accounts = export_plain_details([p.intern for p in payouts], staff=staff, reason=reference)
        if debtor is None:
            content = provider.render_csv(payouts, accounts).encode()
        else:
            try:
                content = render_sepa(
                    payouts, accounts, debtor=debtor, reference=reference, execution_date=timezone.now().date()
                )
            except (SepaValidationError, KeyError) as error:
                raise LedgerError(
                    f"The SEPA file could not be made ({type(error).__name__}: {error}); nothing was exported.",
                    code="sepa_invalid",
                ) from error
    return PayoutBatch(reference=reference, payouts=payouts, file_format=file_format, content=content)


# --- Timeliness ----------------------------------------------------------------------------


def record_payout_delay(payout: Payout, *, staff: User, cause: str, note: str = "") -> Payout:
    """Staff say who made a late payout late. Only an employer-caused delay counts against the employer.

    It may be corrected (each answer is in the audit trail), but only for a payout that is late:
    an on-time payout has no delay to explain.
    """
    _require_staff(staff, "record why a payout was late")
    if cause not in DelayCause.values:
        raise LedgerError(
            "Choose who caused the delay: the employer, Rung or the intern.", code="invalid_cause", field="cause"
        )
    note = note.strip()[:500]
    target = payout_target_business_days()
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if not payout.is_late(target):
            raise LedgerError(
                f"This payout is not late (the target is {target} business days from approval), "
                "so there is no delay to explain.",
                code="not_late",
            )
        previous = payout.delay_cause
        payout.delay_cause, payout.delay_note = cause, note
        payout.save(update_fields=["delay_cause", "delay_note"])
        record(
            "ledger.payout.delay_cause",
            actor=staff,
            obj=payout,
            data={"cause": cause, "previous": previous, "note": note},
        )
    return payout


def alert_overdue_payouts(*, now: datetime | None = None) -> int:
    """Tell Rung staff, once per payout, about each payout past its target; returns how many were new."""
    from rung.notifications.services import notify

    overdue = overdue_payouts(now=now)
    if not overdue:
        return 0
    staff = list(User.objects.filter(is_staff=True, is_active=True))
    target = payout_target_business_days()
    told = 0
    for payout in overdue:
        created = notify(
            staff,
            verb="ledger.payout_overdue",
            title=f"A payout of {format_money(payout.amount_minor, payout.currency)} is overdue",
            body=(
                f"The payout to {payout.intern.full_name or payout.intern.email} was approved on "
                f"{payout.approved_at:%d %B %Y} and has not arrived within {target} business days. "
                "Find out why, settle or fail it, and record who caused the delay."
            ),
            url=reverse("ledger:staff_payouts") + f"#payout-{payout.uuid}",
            dedupe_key=f"payout_overdue:{payout.uuid}",
        )
        told += bool(created)
    return told
