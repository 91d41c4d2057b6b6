"""Every movement of money: postings, deposits, escrow releases and refunds, kill fees.

Paying interns out is in `rung.ledger.payouts`, licence sales in `rung.ledger.licensing`; both post
through `post_transaction` and the account helpers here.

The ledger checks the money (balances, currencies, idempotency); callers in the project
lifecycle check the business (who may cancel, whether a milestone was approved) before calling.
Provider calls (network, in real life) happen outside database transactions.
"""

import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.ledger.models import (
    DEPOSIT_TRANSITIONS,
    MAY_GO_NEGATIVE,
    Account,
    AccountKind,
    Deposit,
    DepositStatus,
    Entry,
    LedgerTransaction,
    Payout,
    ProjectName,
    TransactionKind,
    account_key,
    entries_fingerprint,
    normalise_reference,
)
from rung.ledger.providers import (
    PaymentProvider,
    get_payment_provider,
)
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.money import MAX_MINOR, MoneyError, format_money, normalise_currency, percent_of
from rung.orgs.models import Membership, Organisation, OrgKind, role_can

logger = logging.getLogger(__name__)


class LedgerError(DomainError):
    pass


class UnbalancedTransaction(LedgerError):
    code = "unbalanced"


class InsufficientFunds(LedgerError):
    code = "insufficient_funds"


class IdempotencyConflict(LedgerError):
    code = "idempotency_conflict"


class BadTransition(LedgerError):
    code = "bad_transition"


# --- Small guards --------------------------------------------------------------------------


def _uuid(value: uuid.UUID | str, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise LedgerError(f"“{value}” is not a valid {what} identifier.", code="invalid_id") from None


def _amount(value: int, what: str = "The amount") -> int:
    # bool is an int to Python; True must not become one cent.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MoneyError(f"{what} must be a whole number of minor units (cents).")
    if value <= 0:
        raise MoneyError(f"{what} must be more than zero.", code="not_positive")
    if value > MAX_MINOR:
        raise MoneyError(f"{what} is too large.", code="amount_too_large")
    return value


def _require_staff(actor: User | None, doing: str) -> User:
    if actor is None or not actor.is_staff:
        raise PermissionDenied(f"Only Rung staff can {doing}.")
    return actor


def _require_staff_or_system(actor: User | None, doing: str) -> None:
    # None is the system itself (a provider's answer, a worker); a person must be staff.
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(f"Only Rung staff can {doing}.")


def _may_fund(organisation: Organisation, actor: User) -> bool:
    membership = Membership.objects.filter(organisation=organisation, user=actor).first()
    return membership is not None and role_can(membership.role, "post_projects")


# --- Accounts ------------------------------------------------------------------------------


def _get_account(kind: str, currency: str, owner: object = None, **owners: object) -> Account:
    account, _ = Account.objects.get_or_create(
        key=account_key(kind, currency, owner),
        defaults={"kind": kind, "currency": currency, "may_go_negative": kind in MAY_GO_NEGATIVE, **owners},
    )
    return account


def _world(currency: str) -> Account:
    return _get_account(AccountKind.EXTERNAL_WORLD, currency)


def _fees(currency: str) -> Account:
    return _get_account(AccountKind.PLATFORM_FEES, currency)


def _in_transit(currency: str) -> Account:
    return _get_account(AccountKind.PAYOUTS_IN_TRANSIT, currency)


def _funding(organisation: Organisation, currency: str) -> Account:
    return _get_account(AccountKind.EMPLOYER_FUNDING, currency, organisation.uuid, organisation=organisation)


def _escrow(project_uuid: uuid.UUID, currency: str, organisation: Organisation) -> Account:
    account = _get_account(
        AccountKind.ESCROW, currency, project_uuid, project_uuid=project_uuid, organisation=organisation
    )
    if account.organisation_id != organisation.pk:
        raise LedgerError("This project's escrow belongs to another organisation.", code="wrong_organisation")
    return account


def _payable(engagement_uuid: uuid.UUID, currency: str, intern: User) -> Account:
    account = _get_account(
        AccountKind.INTERN_PAYABLE, currency, engagement_uuid, engagement_uuid=engagement_uuid, intern=intern
    )
    if account.intern_id != intern.pk:
        raise LedgerError("The money for this engagement is owed to someone else.", code="wrong_intern")
    return account


def _existing_escrow(project_uuid: uuid.UUID, currency: str) -> Account:
    accounts = list(Account.objects.filter(kind=AccountKind.ESCROW, project_uuid=project_uuid))
    for account in accounts:
        if account.currency == currency:
            return account
    if accounts:
        raise LedgerError(
            f"This project's escrow is in {accounts[0].currency}, not {currency}.", code="currency_mismatch"
        )
    raise LedgerError("This project has no money in escrow. Fund it first.", code="not_funded")


def _check_project_owner(project_uuid: uuid.UUID, organisation: Organisation, currency: str) -> None:
    for account in Account.objects.filter(kind=AccountKind.ESCROW, project_uuid=project_uuid):
        if account.organisation_id != organisation.pk:
            raise LedgerError("This project's escrow belongs to another organisation.", code="wrong_organisation")
        if account.currency != currency:
            raise LedgerError(
                f"This project's escrow is in {account.currency}; fund it in {account.currency} too.",
                code="currency_mismatch",
            )


def _balance(account_id: int) -> int:
    total: int = Entry.objects.filter(account_id=account_id).aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]
    return total


def _lock_accounts(account_ids: Sequence[int]) -> None:
    # Always in primary-key order, so two transactions drawing on the same accounts queue up
    # instead of deadlocking.
    list(Account.objects.select_for_update().filter(pk__in=sorted(set(account_ids))).order_by("pk").values("pk"))


# --- The core: posting a balanced transaction ----------------------------------------------


@dataclass(frozen=True)
class Posting:
    """One intended entry: +amount into the account, −amount out of it."""

    account: Account
    amount_minor: int
    currency: str


def _validate_postings(postings: Sequence[Posting]) -> None:
    if len(postings) < 2:
        raise UnbalancedTransaction("A movement of money needs at least two entries: where from and where to.")
    seen: set[int] = set()
    totals: dict[str, int] = {}
    for p in postings:
        if p.account.pk is None:
            raise LedgerError("An entry names an account that was never saved.")
        if p.account.pk in seen:
            raise LedgerError(f"The account {p.account.key} appears twice in one movement.", code="duplicate_account")
        seen.add(p.account.pk)
        if isinstance(p.amount_minor, bool) or not isinstance(p.amount_minor, int):
            raise MoneyError("Entry amounts must be whole numbers of minor units (cents).")
        if p.amount_minor == 0:
            raise MoneyError("An entry of zero moves nothing.", code="zero_entry")
        if abs(p.amount_minor) > MAX_MINOR:
            raise MoneyError("That amount is too large.", code="amount_too_large")
        currency = normalise_currency(p.currency)
        if currency != p.account.currency:
            raise LedgerError(
                f"The account {p.account.key} holds {p.account.currency}; it cannot take an entry in {currency}.",
                code="currency_mismatch",
            )
        totals[currency] = totals.get(currency, 0) + p.amount_minor
    unbalanced = {c: t for c, t in totals.items() if t != 0}
    if unbalanced:
        detail = ", ".join(format_money(t, c) for c, t in unbalanced.items())
        raise UnbalancedTransaction(
            f"Money in and money out must match in each currency, but these entries add up to {detail}, not zero."
        )


def _already_posted(key: str, fingerprint: str) -> LedgerTransaction | None:
    existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"The key “{key}” was already used for a different movement of money; nothing was changed."
        )
    return existing


def post_transaction(
    *,
    idempotency_key: str,
    kind: str,
    postings: Sequence[Posting],
    actor: User | None = None,
    memo: str = "",
    organisation: Organisation | None = None,
    project_uuid: uuid.UUID | None = None,
    engagement_uuid: uuid.UUID | None = None,
    milestone_uuid: uuid.UUID | None = None,
    deposit: Deposit | None = None,
    payout: Payout | None = None,
    approved_at: datetime | None = None,
) -> LedgerTransaction:
    """Record one balanced movement of money, exactly once per idempotency key.

    Posting the same key again with the same entries returns the first transaction; with
    different entries it is refused. Accounts that may not go negative are locked and checked.
    """
    key = idempotency_key.strip()
    if not key or len(key) > 200:
        raise LedgerError("A movement of money needs an idempotency key of at most 200 characters.")
    if kind not in TransactionKind.values:
        raise LedgerError(f"“{kind}” is not a kind of ledger transaction.")
    _validate_postings(postings)
    fingerprint = entries_fingerprint(kind, ((p.account.key, p.account.currency, p.amount_minor) for p in postings))
    drawn = [p for p in postings if p.amount_minor < 0 and not p.account.may_go_negative]
    with transaction.atomic():
        if existing := _already_posted(key, fingerprint):
            return existing
        _lock_accounts([p.account.pk for p in drawn])
        # Checked again under the lock: whoever held it may have just posted this very key.
        if existing := _already_posted(key, fingerprint):
            return existing
        for p in drawn:
            held = _balance(p.account.pk)
            if held + p.amount_minor < 0:
                raise InsufficientFunds(
                    f"{p.account.label} holds {format_money(held, p.currency)}; "
                    f"{format_money(-p.amount_minor, p.currency)} cannot be taken from it."
                )
        try:
            with transaction.atomic():
                txn = LedgerTransaction.objects.create(
                    idempotency_key=key,
                    kind=kind,
                    memo=memo[:500],
                    fingerprint=fingerprint,
                    created_by=actor,
                    organisation=organisation,
                    project_uuid=project_uuid,
                    engagement_uuid=engagement_uuid,
                    milestone_uuid=milestone_uuid,
                    deposit=deposit,
                    payout=payout,
                    approved_at=approved_at,
                )
        except IntegrityError:
            if existing := _already_posted(key, fingerprint):
                return existing
            raise LedgerError(
                "This movement of money has already been made under another key.", code="duplicate"
            ) from None
        Entry.objects.bulk_create(
            Entry(transaction=txn, account=p.account, amount_minor=p.amount_minor, currency=p.account.currency)
            for p in postings
        )
        record(
            f"ledger.{kind}",
            actor=actor,
            obj=txn,
            data={
                "key": key,
                "entries": [{"account": p.account.key, "amount_minor": p.amount_minor} for p in postings],
            },
        )
    return txn


# --- Funding: deposits into escrow ---------------------------------------------------------


@dataclass(frozen=True)
class FundingQuote:
    currency: str
    stipend_minor: int
    seats: int
    escrow_minor: int
    fee_percent: Decimal
    fee_minor: int
    total_minor: int

    def __str__(self) -> str:
        return (
            f"{self.seats} × {format_money(self.stipend_minor, self.currency)} + {self.fee_percent}% fee "
            f"= {format_money(self.total_minor, self.currency)}"
        )


def _percent_setting(name: str, default: int) -> Decimal:
    raw = getattr(settings, name, default)
    try:
        percent = Decimal(str(raw))
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if not (0 <= percent < 100) or percent != percent.quantize(Decimal("0.01")):
        raise ImproperlyConfigured(f"{name} must be from 0 to 99.99, not {raw!r}")
    return percent.quantize(Decimal("0.01"))


def platform_fee_percent() -> Decimal:
    return _percent_setting("PLATFORM_FEE_PERCENT", 10)


def quote_funding(*, stipend_minor: int, seats: int, currency: str) -> FundingQuote:
    """What an employer pays to publish: every seat's stipend into escrow, plus the platform fee."""
    currency = normalise_currency(currency)
    stipend = _amount(stipend_minor, "The stipend")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise LedgerError("A project needs at least one seat.", field="seats")
    escrow = _amount(stipend * seats, "The stipends in total")
    percent = platform_fee_percent()
    fee = percent_of(escrow, percent)
    return FundingQuote(currency, stipend, seats, escrow, percent, fee, _amount(escrow + fee, "The total"))


_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud on a phone


def _new_reference() -> str:
    while True:
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"RUNG-{code[:4]}-{code[4:]}"
        if not Deposit.objects.filter(reference=reference).exists():
            return reference


def name_project(*, project_uuid: uuid.UUID | str, title: str) -> None:
    """Record the title statements show for a project (the ledger knows projects only by uuid).

    Called by the projects app when it funds and publishes a project; later calls replace the title.
    """
    title = " ".join(title.split())[:200]
    if not title:
        return
    ProjectName.objects.update_or_create(project_uuid=_uuid(project_uuid, "project"), defaults={"title": title})


def request_deposit(
    *,
    organisation: Organisation,
    project_uuid: uuid.UUID | str,
    stipend_minor: int,
    seats: int,
    currency: str,
    actor: User,
    provider: PaymentProvider | None = None,
    project_title: str = "",
) -> Deposit:
    """Ask the employer to pay the project's stipends and fee; a sandbox deposit is confirmed at once.

    `project_title` is how statements and receipts will name the project (see `name_project`).
    """
    if not _may_fund(organisation, actor):
        raise PermissionDenied("Only an owner or manager of this organisation can fund its projects.")
    if organisation.kind != OrgKind.EMPLOYER:
        raise LedgerError("Only employers fund projects.", code="not_employer")
    project = _uuid(project_uuid, "project")
    quote = quote_funding(stipend_minor=stipend_minor, seats=seats, currency=currency)
    provider = provider or get_payment_provider()
    _check_project_owner(project, organisation, quote.currency)
    with transaction.atomic():
        if project_title.strip():
            name_project(project_uuid=project, title=project_title)
        deposit = Deposit.objects.create(
            reference=_new_reference(),
            organisation=organisation,
            project_uuid=project,
            currency=quote.currency,
            stipend_minor=quote.stipend_minor,
            seats=quote.seats,
            escrow_minor=quote.escrow_minor,
            fee_minor=quote.fee_minor,
            amount_minor=quote.total_minor,
            fee_percent=quote.fee_percent,
            provider=provider.name,
            requested_by=actor,
        )
        record(
            "ledger.deposit.requested",
            actor=actor,
            obj=deposit,
            data={"project": str(project), "amount_minor": quote.total_minor, "currency": quote.currency},
        )
    start = provider.start(deposit)
    if start.confirmed:
        return _confirm(deposit, actor=None, provider_reference=start.provider_reference)
    if start.provider_reference:
        Deposit.objects.filter(pk=deposit.pk).update(provider_reference=start.provider_reference)
        deposit.refresh_from_db()
    return deposit


def confirm_deposit(
    deposit: Deposit,
    *,
    staff: User,
    provider_reference: str = "",
    amount_minor: int | None = None,
    reference: str | None = None,
) -> Deposit:
    """Staff matched the employer's transfer: the money goes into escrow. Confirming twice moves nothing.

    `reference` and `amount_minor` are what the bank statement says; when given they must match
    the deposit, so a transfer is never matched to the wrong deposit or for the wrong amount.
    """
    _require_staff(staff, "confirm a deposit")
    if reference is not None and normalise_reference(reference) != deposit.reference:
        raise LedgerError(
            f"The transfer quotes “{reference.strip()}”, but this deposit's reference is {deposit.reference}. "
            "Nothing was confirmed.",
            code="reference_mismatch",
            field="reference",
        )
    return _confirm(deposit, actor=staff, provider_reference=provider_reference, amount_minor=amount_minor)


def _confirm(
    deposit: Deposit, *, actor: User | None, provider_reference: str = "", amount_minor: int | None = None
) -> Deposit:
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().select_related("organisation").get(pk=deposit.pk)
        if deposit.status == DepositStatus.CONFIRMED:
            return deposit
        if DepositStatus.CONFIRMED not in DEPOSIT_TRANSITIONS[deposit.status]:
            raise BadTransition("This deposit was cancelled; the employer needs to request a new one.")
        if amount_minor is not None and amount_minor != deposit.amount_minor:
            raise LedgerError(
                f"The transfer was {format_money(amount_minor, deposit.currency)} but this deposit is for "
                f"{format_money(deposit.amount_minor, deposit.currency)}. Nothing was confirmed.",
                code="amount_mismatch",
                field="amount",
            )
        org, currency, amount = deposit.organisation, deposit.currency, deposit.amount_minor
        funding = _funding(org, currency)
        post_transaction(
            idempotency_key=f"deposit:{deposit.uuid}",
            kind=TransactionKind.DEPOSIT,
            postings=[Posting(_world(currency), -amount, currency), Posting(funding, amount, currency)],
            memo=f"Deposit {deposit.reference}",
            actor=actor,
            organisation=org,
            project_uuid=deposit.project_uuid,
            deposit=deposit,
        )
        postings = [
            Posting(funding, -amount, currency),
            Posting(_escrow(deposit.project_uuid, currency, org), deposit.escrow_minor, currency),
        ]
        if deposit.fee_minor:
            postings.append(Posting(_fees(currency), deposit.fee_minor, currency))
        post_transaction(
            idempotency_key=f"escrow_funding:{deposit.uuid}",
            kind=TransactionKind.ESCROW_FUNDING,
            postings=postings,
            memo=f"Stipends for {deposit.seats} seat(s) and the platform fee",
            actor=actor,
            organisation=org,
            project_uuid=deposit.project_uuid,
            deposit=deposit,
        )
        deposit.status = DepositStatus.CONFIRMED
        deposit.confirmed_at = timezone.now()
        deposit.confirmed_by = actor
        deposit.provider_reference = provider_reference.strip()[:200] or deposit.provider_reference
        deposit.save(update_fields=["status", "confirmed_at", "confirmed_by", "provider_reference"])
        record("ledger.deposit.confirmed", actor=actor, obj=deposit, data={"reference": deposit.reference})
    return deposit


def cancel_deposit(deposit: Deposit, *, actor: User, reason: str = "") -> Deposit:
    """Withdraw a deposit that was never paid. A received one is refunded from escrow instead."""
    if not actor.is_staff and not _may_fund(deposit.organisation, actor):
        raise PermissionDenied("Only an owner or manager of this organisation, or Rung staff, can cancel it.")
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
        if DepositStatus.CANCELLED not in DEPOSIT_TRANSITIONS[deposit.status]:
            raise BadTransition(
                "This deposit has already been cancelled."
                if deposit.status == DepositStatus.CANCELLED
                else "This deposit has been received; refund the project's escrow instead."
            )
        deposit.status = DepositStatus.CANCELLED
        deposit.cancelled_at = timezone.now()
        deposit.cancel_reason = reason.strip()[:500]
        deposit.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        record("ledger.deposit.cancelled", actor=actor, obj=deposit, data={"reason": deposit.cancel_reason})
    return deposit


# --- Escrow out: releases, refunds, kill fees ----------------------------------------------


def release_milestone(
    *,
    project_uuid: uuid.UUID | str,
    engagement_uuid: uuid.UUID | str,
    milestone_uuid: uuid.UUID | str,
    intern: User,
    amount_minor: int,
    currency: str,
    approved_at: datetime | None,
    actor: User | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Move an approved milestone's stipend from the project's escrow to what the intern is owed.

    Exactly once per milestone (key `release:<milestone uuid>`): a repeat returns the first release.
    """
    project = _uuid(project_uuid, "project")
    engagement = _uuid(engagement_uuid, "engagement")
    milestone = _uuid(milestone_uuid, "milestone")
    amount = _amount(amount_minor)
    currency = normalise_currency(currency)
    if approved_at is None:
        raise LedgerError(
            "This milestone has not been approved, so its stipend cannot be released.", code="not_approved"
        )
    if approved_at > timezone.now() + timedelta(minutes=5):
        raise LedgerError("A milestone cannot be approved in the future.", code="not_approved")
    with transaction.atomic():
        escrow = _existing_escrow(project, currency)
        payable = _payable(engagement, currency, intern)
        return post_transaction(
            idempotency_key=f"release:{milestone}",
            kind=TransactionKind.RELEASE,
            postings=[Posting(escrow, -amount, currency), Posting(payable, amount, currency)],
            actor=actor,
            memo=memo or "Milestone approved",
            organisation=escrow.organisation,
            project_uuid=project,
            engagement_uuid=engagement,
            milestone_uuid=milestone,
            approved_at=approved_at,
        )


def refund_escrow(
    *,
    project_uuid: uuid.UUID | str,
    currency: str,
    reference: str,
    amount_minor: int | None = None,
    actor: User | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Return escrow to the employer's funding balance (cancellation, unused seats).

    `reference` names the reason once (e.g. "cancelled", "unused-seat:2"): a repeat returns the
    first refund. Without an amount, everything still in escrow is refunded.
    """
    project = _uuid(project_uuid, "project")
    currency = normalise_currency(currency)
    reference = reference.strip()
    if not reference:
        raise LedgerError("Say what the refund is for, so it is made only once.", field="reference")
    key = f"refund:{project}:{reference}"
    with transaction.atomic():
        escrow = _existing_escrow(project, currency)
        assert escrow.organisation is not None
        funding = _funding(escrow.organisation, currency)
        _lock_accounts([escrow.pk])
        existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None and amount_minor is None:
            return existing
        if amount_minor is None:
            amount = _balance(escrow.pk)
            if amount <= 0:
                raise LedgerError("There is nothing left in this project's escrow to refund.", code="nothing_to_refund")
        else:
            amount = _amount(amount_minor)
        return post_transaction(
            idempotency_key=key,
            kind=TransactionKind.REFUND,
            postings=[Posting(escrow, -amount, currency), Posting(funding, amount, currency)],
            actor=actor,
            memo=memo or f"Refund: {reference}",
            organisation=escrow.organisation,
            project_uuid=project,
        )


def kill_fee_percent() -> Decimal:
    return _percent_setting("KILL_FEE_PERCENT", 25)


def quote_kill_fee(*, unreleased_minor: int) -> int:
    """The kill fee on cancellation after the start: a share of the stipend not yet released."""
    if isinstance(unreleased_minor, bool) or not isinstance(unreleased_minor, int) or unreleased_minor < 0:
        raise MoneyError("The unreleased stipend must be a whole number of minor units, zero or more.")
    return percent_of(unreleased_minor, kill_fee_percent())


def pay_kill_fee(
    *,
    project_uuid: uuid.UUID | str,
    engagement_uuid: uuid.UUID | str,
    intern: User,
    amount_minor: int,
    currency: str,
    cancelled_at: datetime | None = None,
    actor: User | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Owe the intern the kill fee of a cancelled engagement, once (key `kill_fee:<engagement uuid>`)."""
    project = _uuid(project_uuid, "project")
    engagement = _uuid(engagement_uuid, "engagement")
    amount = _amount(amount_minor, "The kill fee")
    currency = normalise_currency(currency)
    with transaction.atomic():
        escrow = _existing_escrow(project, currency)
        payable = _payable(engagement, currency, intern)
        return post_transaction(
            idempotency_key=f"kill_fee:{engagement}",
            kind=TransactionKind.KILL_FEE,
            postings=[Posting(escrow, -amount, currency), Posting(payable, amount, currency)],
            actor=actor,
            memo=memo or "Kill fee for a cancelled engagement",
            organisation=escrow.organisation,
            project_uuid=project,
            engagement_uuid=engagement,
            approved_at=cancelled_at or timezone.now(),
        )
