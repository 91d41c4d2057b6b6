"""Licence sales from the showcase: the buyer pays, and ONE balanced sale splits the price between
the author (a royalty owed on their engagement and paid out like a stipend), the original employer and
the platform fee.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.providers import PaymentProvider, SandboxProvider, get_payment_provider, require_sandbox_allowed
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
