"""Every movement of money: postings, deposits, escrow releases and refunds, kill fees, payouts.

The ledger checks the money (balances, currencies, idempotency); callers in the project
lifecycle check the business (who may cancel, whether a milestone was approved) before calling.
Provider calls (network, in real life) happen outside database transactions.
"""

import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml.validation import ValidationError as SepaValidationError

from rung.accounts.models import User
from rung.audit.services import record
from rung.ledger.models import (
    DEPOSIT_TRANSITIONS,
    MAY_GO_NEGATIVE,
    PAYOUT_TRANSITIONS,
    Account,
    AccountKind,
    DelayCause,
    Deposit,
    DepositStatus,
    Entry,
    LedgerTransaction,
    Payout,
    PayoutEvent,
    PayoutStatus,
    ProjectName,
    TransactionKind,
    account_key,
    business_days_between,
    entries_fingerprint,
    normalise_reference,
)
from rung.ledger.providers import (
    BatchExportProvider,
    PaymentProvider,
    PayoutProvider,
    PayoutResult,
    PayoutState,
    SandboxProvider,
    SepaDebtor,
    get_payment_provider,
    get_payout_provider,
    render_sepa,
    require_sandbox_allowed,
)
from rung.ledger.selectors import overdue_payouts, payout_target_business_days
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.lib.money import MAX_MINOR, MoneyError, format_money, normalise_currency, percent_of
from rung.orgs.models import Membership, Organisation, OrgKind, role_can
from rung.payees.models import AccountFormChoice
from rung.payees.selectors import account_forms, has_payout_details, users_with_details
from rung.payees.services import export_plain_details
from rung.payees.validation import in_sepa_zone

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


# --- Licence sales (the showcase) ----------------------------------------------------------


@dataclass(frozen=True)
class LicenceSplit:
    """Who a licence's price goes to, in minor units; the parts add up to the price."""

    author_minor: int
    employer_minor: int
    fee_minor: int

    @property
    def price_minor(self) -> int:
        return self.author_minor + self.employer_minor + self.fee_minor


def sell_licence(
    *,
    sale_uuid: uuid.UUID | str,
    buyer: Organisation,
    currency: str,
    split: LicenceSplit,
    author: User,
    author_engagement_uuid: uuid.UUID | str,
    employer: Organisation | None,
    actor: User,
    provider: PaymentProvider | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """A licence bought through Rung: funded first, then ONE balanced sale that pays the author's royalty
    (owed on their engagement and paid out like a stipend), the original employer's share and the fee.

    The buyer's funding balance pays; when it holds too little, a payment provider that confirms at once
    (the sandbox) takes the price first (`licence_payment:<sale>`); otherwise the buyer funds first. Exactly
    once per sale (key `licence_sale:<sale uuid>`): a repeated or raced purchase returns the first sale.
    """
    sale = _uuid(sale_uuid, "licence sale")
    engagement = _uuid(author_engagement_uuid, "engagement")
    currency = normalise_currency(currency)
    if not _may_fund(buyer, actor):
        raise PermissionDenied("Only an owner or manager of this organisation can buy licences for it.")
    price = _amount(split.price_minor, "The price")
    _amount(split.author_minor, "The author's royalty")
    for part, what in ((split.employer_minor, "The employer's share"), (split.fee_minor, "The fee")):
        if isinstance(part, bool) or not isinstance(part, int) or part < 0:
            raise MoneyError(f"{what} must be a whole number of minor units, zero or more.")
    if split.employer_minor and employer is None:
        raise LedgerError("A share for the original employer needs the employer.", code="no_employer")
    if employer is not None and employer.pk == buyer.pk:
        raise LedgerError("An employer cannot buy a licence to its own interns' work.", code="own_work")
    key = f"licence_sale:{sale}"
    provider = provider or get_payment_provider()
    with transaction.atomic():
        funding = _funding(buyer, currency)
        # One buyer's purchases queue here, so a race sees the first sale once it has committed.
        _lock_accounts([funding.pk])
        existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        if _balance(funding.pk) < price:
            if provider.name != SandboxProvider.name:
                raise InsufficientFunds(
                    f"Your Rung balance holds less than {format_money(price, currency)}; fund it first."
                )
            require_sandbox_allowed()
            post_transaction(
                idempotency_key=f"licence_payment:{sale}",
                kind=TransactionKind.LICENCE_PAYMENT,
                postings=[Posting(_world(currency), -price, currency), Posting(funding, price, currency)],
                actor=actor,
                memo=memo or "Licence payment",
                organisation=buyer,
            )
        postings = [
            Posting(funding, -price, currency),
            Posting(_payable(engagement, currency, author), split.author_minor, currency),
        ]
        if split.employer_minor and employer is not None:
            postings.append(Posting(_funding(employer, currency), split.employer_minor, currency))
        if split.fee_minor:
            postings.append(Posting(_fees(currency), split.fee_minor, currency))
        return post_transaction(
            idempotency_key=key,
            kind=TransactionKind.LICENCE_SALE,
            postings=postings,
            actor=actor,
            memo=memo or "Licence sold: royalties and the platform fee",
            organisation=buyer,
            engagement_uuid=engagement,
            approved_at=timezone.now(),
        )


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
