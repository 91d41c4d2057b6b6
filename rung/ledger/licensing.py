"""Licence sales: the buyer pays, and ONE balanced sale splits the price between the payees and the
platform fee. Two callers share it: showcased work (`sell_licence`: the intern author's royalty owed on
their engagement and paid out like a stipend, the original employer's share, the fee) and paid project
templates (`sell_template_licence`: the author organisation's royalty into its Rung balance, the fee;
Rung's own templates pay the fee alone). Both go through `_sell`.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.providers import PaymentProvider, get_payment_provider
from rung.ledger.services import (
    InsufficientFunds,
    LedgerError,
    Posting,
    _amount,
    _balance,
    _fees,
    _funding,
    _lock_accounts,
    _may_fund,
    _payable,
    _uuid,
    _world,
    post_transaction,
)
from rung.lib.errors import PermissionDenied
from rung.lib.money import MoneyError, format_money, normalise_currency
from rung.orgs.models import Organisation

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


@dataclass(frozen=True)
class _InternRoyalty:
    intern: User
    engagement_uuid: uuid.UUID
    amount_minor: int


def _sell(
    *,
    sale_uuid: uuid.UUID | str,
    buyer: Organisation,
    currency: str,
    price_minor: int,
    fee_minor: int,
    intern: _InternRoyalty | None,
    organisations: list[tuple[Organisation, int]],
    actor: User,
    provider: PaymentProvider | None,
    memo: str,
) -> LedgerTransaction:
    """Funded first, then ONE balanced `licence_sale:<sale>` transaction paying each payee and the fee.

    The buyer's funding balance pays; when it holds too little the payment provider is asked for the
    price (`licence_payment:<sale>`, a top-up). Only a provider that confirms at once (the sandbox) can
    fund on the spot; otherwise the purchase is refused and nothing is written. Exactly once per sale:
    a repeated or raced purchase returns the first sale.
    """
    sale = _uuid(sale_uuid, "licence sale")
    currency = normalise_currency(currency)
    if not _may_fund(buyer, actor):
        raise PermissionDenied("Only an owner or manager of this organisation can buy licences for it.")
    price = _amount(price_minor, "The price")
    parts = [fee_minor, *(amount for _, amount in organisations)]
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, int) or part < 0:
            raise MoneyError("Each share of the price must be a whole number of minor units, zero or more.")
    if intern is not None:
        _amount(intern.amount_minor, "The author's royalty")
    if sum(parts) + (intern.amount_minor if intern else 0) != price:
        raise LedgerError("The shares do not add up to the price.", code="bad_split")
    if any(org.pk == buyer.pk for org, _ in organisations):
        raise LedgerError("An organisation cannot buy a licence to its own work.", code="own_work")
    key = f"licence_sale:{sale}"
    provider = provider or get_payment_provider()
    with transaction.atomic():
        funding = _funding(buyer, currency)
        # One buyer's purchases queue here, so a race sees the first sale once it has committed.
        _lock_accounts([funding.pk])
        existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        balance = _balance(funding.pk)
        if balance < price:
            top_up = price - balance
            start = provider.start_payment(reference=str(sale), amount_minor=top_up, currency=currency)
            if start.declined:
                raise InsufficientFunds(f"The payment of {format_money(top_up, currency)} failed: {start.declined}")
            if not start.confirmed:
                raise InsufficientFunds(
                    f"Your Rung balance holds {format_money(balance, currency)}, less than the "
                    f"{format_money(price, currency)} this licence costs, and a payment by "
                    f"{provider.name.replace('_', ' ')} cannot pay for it on the spot. Fund your balance first; "
                    "nothing was bought."
                )
            post_transaction(
                idempotency_key=f"licence_payment:{sale}",
                kind=TransactionKind.LICENCE_PAYMENT,
                postings=[Posting(_world(currency), -top_up, currency), Posting(funding, top_up, currency)],
                actor=actor,
                memo=(memo or "Licence payment")[:500],
                organisation=buyer,
            )
        postings = [Posting(funding, -price, currency)]
        if intern is not None:
            postings.append(
                Posting(_payable(intern.engagement_uuid, currency, intern.intern), intern.amount_minor, currency)
            )
        for org, amount in organisations:
            if amount:
                postings.append(Posting(_funding(org, currency), amount, currency))
        if fee_minor:
            postings.append(Posting(_fees(currency), fee_minor, currency))
        return post_transaction(
            idempotency_key=key,
            kind=TransactionKind.LICENCE_SALE,
            postings=postings,
            actor=actor,
            memo=(memo or "Licence sold: royalties and the platform fee")[:500],
            organisation=buyer,
            engagement_uuid=intern.engagement_uuid if intern else None,
            approved_at=timezone.now(),
        )


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
    """A licence of showcased work: the author's royalty (owed on their engagement and paid out like a
    stipend), the original employer's share and the fee, in one sale (see `_sell`)."""
    engagement = _uuid(author_engagement_uuid, "engagement")
    for part, what in ((split.employer_minor, "The employer's share"), (split.fee_minor, "The fee")):
        if isinstance(part, bool) or not isinstance(part, int) or part < 0:
            raise MoneyError(f"{what} must be a whole number of minor units, zero or more.")
    if split.employer_minor and employer is None:
        raise LedgerError("A share for the original employer needs the employer.", code="no_employer")
    if employer is not None and employer.pk == buyer.pk:
        raise LedgerError("An employer cannot buy a licence to its own interns' work.", code="own_work")
    return _sell(
        sale_uuid=sale_uuid,
        buyer=buyer,
        currency=currency,
        price_minor=split.price_minor,
        fee_minor=split.fee_minor,
        intern=_InternRoyalty(author, engagement, split.author_minor),
        organisations=[(employer, split.employer_minor)] if employer is not None and split.employer_minor else [],
        actor=actor,
        provider=provider,
        memo=memo,
    )


def sell_template_licence(
    *,
    sale_uuid: uuid.UUID | str,
    buyer: Organisation,
    currency: str,
    price_minor: int,
    fee_minor: int,
    author: Organisation | None,
    actor: User,
    provider: PaymentProvider | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """A licence of a paid project template: the author organisation's royalty goes into its Rung
    balance and the rest is the platform fee; a template of Rung's own (`author=None`) is all fee."""
    if isinstance(fee_minor, bool) or not isinstance(fee_minor, int) or isinstance(price_minor, bool):
        raise MoneyError("The fee must be a whole number of minor units.")
    if author is None and fee_minor != price_minor:
        raise LedgerError("A template of Rung's own pays the whole price as the platform fee.", code="bad_split")
    return _sell(
        sale_uuid=sale_uuid,
        buyer=buyer,
        currency=currency,
        price_minor=price_minor,
        fee_minor=fee_minor,
        intern=None,
        organisations=[(author, price_minor - fee_minor)] if author is not None else [],
        actor=actor,
        provider=provider,
        memo=memo,
    )
