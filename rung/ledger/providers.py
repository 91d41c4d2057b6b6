"""The two seams to the outside world: payment providers bring money in, payout providers send it out.

Services call these and nothing else talks to a provider. The sandbox ones are fakes that move no
real money; they exist for the demo and the tests.
"""

import csv
import datetime as dt
import io
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rung.ledger.models import Deposit, Payout
from rung.lib.errors import DomainError
from rung.lib.money import format_money, from_minor


def require_sandbox_allowed() -> None:
    """Refuse to let a fake provider "move" money unless the site says it is a sandbox.

    settings.py already refuses to start with a sandbox provider configured and USE_SANDBOX_PAYMENTS
    off; this is the same rule at the point of use, for code that names or builds a sandbox itself.
    """
    if not getattr(settings, "USE_SANDBOX_PAYMENTS", False):
        raise ImproperlyConfigured(
            "The sandbox payment providers are fakes that move no money; they are refused because "
            "USE_SANDBOX_PAYMENTS is off."
        )


# --- Money in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepositStart:
    confirmed: bool
    provider_reference: str = ""
    # Why the provider refused to take the money at all (a card declined); empty when it did not refuse.
    declined: str = ""


class PaymentProvider(ABC):
    name: ClassVar[str]

    @abstractmethod
    def start(self, deposit: Deposit) -> DepositStart:
        """Ask the employer to pay `deposit`; say whether the money is already in."""

    @abstractmethod
    def instructions(self, deposit: Deposit) -> str:
        """What the employer is told to do to pay, in a sentence or two."""

    def start_payment(self, *, reference: str, amount_minor: int, currency: str) -> DepositStart:
        """Take a one-off payment (a licence top-up) that is not a project's deposit.

        Only a provider that confirms at once can fund a purchase on the spot; the default says the
        money is not in, and the purchase is refused with nothing written.
        """
        return DepositStart(confirmed=False)


class InvoiceProvider(PaymentProvider):
    """A bank transfer quoting the deposit's reference; staff confirm it when it lands."""

    name = "invoice"

    def start(self, deposit: Deposit) -> DepositStart:
        return DepositStart(confirmed=False)

    def instructions(self, deposit: Deposit) -> str:
        return (
            f"Transfer {format_money(deposit.amount_minor, deposit.currency)} quoting the reference "
            f"{deposit.reference}. The project's stipends are in escrow as soon as Rung staff match it."
        )


class SandboxProvider(PaymentProvider):
    """FAKE — moves no money. Every deposit counts as paid at once (demo, tests, development)."""

    name = "sandbox"

    def start(self, deposit: Deposit) -> DepositStart:
        require_sandbox_allowed()
        return DepositStart(confirmed=True, provider_reference=f"sandbox-{deposit.uuid}")

    def instructions(self, deposit: Deposit) -> str:
        return "Sandbox: no money moved; the deposit counts as paid."

    def start_payment(self, *, reference: str, amount_minor: int, currency: str) -> DepositStart:
        require_sandbox_allowed()
        return DepositStart(confirmed=True, provider_reference=f"sandbox-{reference}")


# --- Money out -----------------------------------------------------------------------------


class PayoutState(StrEnum):
    ACCEPTED = "accepted"  # the provider has it; the money is on its way
    SETTLED = "settled"  # it arrived
    FAILED = "failed"  # it will not arrive; the money can be paid again
    UNKNOWN = "unknown"  # the provider has no record of it


@dataclass(frozen=True)
class PayoutResult:
    state: PayoutState
    reference: str = ""
    reason: str = ""


class PayoutProvider(ABC):
    name: ClassVar[str]
    # False: run_payouts leaves its payouts alone; staff export them and record the outcome.
    automatic: ClassVar[bool] = True
    # True: a payout waits (status "waiting") until the intern has confirmed payout details.
    needs_payout_details: ClassVar[bool] = False

    @abstractmethod
    def send(self, payout: Payout) -> PayoutResult:
        """Hand `payout` to the provider. Called at most once per payout, after it is marked sent."""

    @abstractmethod
    def status(self, payout: Payout) -> PayoutResult:
        """What became of a payout that was marked sent (perhaps by a worker that then died)."""


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    # A name such as "=HYPERLINK(...)" would run as a formula when staff open the file.
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class BatchExportProvider(PayoutProvider):
    """Staff download a CSV of payouts, pay it through the bank, then mark each one paid or failed."""

    name = "batch_export"
    automatic = False
    needs_payout_details = True

    def send(self, payout: Payout) -> PayoutResult:
        return PayoutResult(PayoutState.ACCEPTED, reference=payout.batch_reference)

    def status(self, payout: Payout) -> PayoutResult:
        # Only the staff member holding the bank statement knows; they settle or fail it by hand.
        return PayoutResult(PayoutState.ACCEPTED, reference=payout.batch_reference)

    def render_csv(self, payouts: Iterable[Payout], accounts: dict[int, dict[str, str]] | None = None) -> str:
        """The batch for the bank; `accounts` (by intern id) are the decrypted payout details."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        account_columns = ["account_holder", "country", "iban", "bic", "sort_code", "account_number", "routing_number"]
        writer.writerow(["payout", "batch", "name", "email", "amount", "currency", "engagement", *account_columns])
        for payout in payouts:
            account = (accounts or {}).get(payout.intern_id, {})
            writer.writerow(
                [
                    payout.uuid,
                    spreadsheet_safe(payout.batch_reference),
                    spreadsheet_safe(payout.intern.full_name),
                    spreadsheet_safe(payout.intern.email),
                    from_minor(payout.amount_minor, payout.currency),
                    payout.currency,
                    payout.engagement_uuid,
                    *(spreadsheet_safe(account.get(column, "")) for column in account_columns),
                ]
            )
        return out.getvalue()


@dataclass(frozen=True)
class SepaDebtor:
    """Rung's own account, which the SEPA file debits (PAYOUT_DEBTOR_NAME, _IBAN, _BIC)."""

    name: str
    iban: str
    bic: str


# The ISO 20022 schema version written; banks across SEPA accept pain.001.001.03.
SEPA_SCHEMA = "pain.001.001.03"


def render_sepa(
    payouts: Iterable[Payout],
    accounts: dict[int, dict[str, str]],
    *,
    debtor: SepaDebtor,
    reference: str,
    execution_date: dt.date,
) -> bytes:
    """A SEPA credit transfer initiation (pain.001) paying each payout to its intern's IBAN.

    sepaxml writes the file and validates it against the schema it ships; it transliterates
    names to the Latin characters SEPA allows.
    """
    from sepaxml import SepaTransfer

    transfer = SepaTransfer(
        {"name": debtor.name, "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True, "currency": "EUR"},
        schema=SEPA_SCHEMA,
    )
    for payout in payouts:
        account = accounts[payout.intern_id]
        transfer.add_payment(
            {
                "name": account.get("account_holder") or payout.intern.full_name or payout.intern.email,
                "IBAN": account["iban"],
                "BIC": account["bic"],
                "amount": payout.amount_minor,
                "currency": "EUR",
                "execution_date": execution_date,
                "description": f"Rung stipend {reference}",
                # 32 hex characters: within the 35 SEPA allows, and it names the payout on the statement.
                "endtoend_id": payout.uuid.hex,
            }
        )
    out: bytes = transfer.export(validate=True)
    return out


class SandboxPayoutProvider(PayoutProvider):
    """FAKE — moves no money. Every payout is settled the moment it is sent.

    It remembers (in this process only) which payouts it was given, so `status` can answer for
    a worker that died after sending, as a real provider's API would.
    """

    name = "sandbox"
    _sent: ClassVar[set[uuid.UUID]] = set()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, payout: Payout) -> PayoutResult:
        require_sandbox_allowed()
        with self._lock:
            self._sent.add(payout.uuid)
        return PayoutResult(PayoutState.SETTLED, reference=f"sandbox-{payout.uuid}")

    def status(self, payout: Payout) -> PayoutResult:
        with self._lock:
            known = payout.uuid in self._sent
        if known:
            return PayoutResult(PayoutState.SETTLED, reference=f"sandbox-{payout.uuid}")
        return PayoutResult(PayoutState.UNKNOWN)


# --- Choosing one --------------------------------------------------------------------------

PAYMENT_PROVIDERS: dict[str, type[PaymentProvider]] = {p.name: p for p in (InvoiceProvider, SandboxProvider)}
PAYOUT_PROVIDERS: dict[str, type[PayoutProvider]] = {p.name: p for p in (BatchExportProvider, SandboxPayoutProvider)}


def get_payment_provider(name: str | None = None) -> PaymentProvider:
    name = name or getattr(settings, "PAYMENT_PROVIDER", InvoiceProvider.name)
    if name not in PAYMENT_PROVIDERS:
        raise DomainError(f"There is no payment provider called “{name}”.", code="unknown_provider")
    if name == SandboxProvider.name:
        require_sandbox_allowed()
    return PAYMENT_PROVIDERS[name]()


def get_payout_provider(name: str | None = None) -> PayoutProvider:
    name = name or getattr(settings, "PAYOUT_PROVIDER", BatchExportProvider.name)
    if name not in PAYOUT_PROVIDERS:
        raise DomainError(f"There is no payout provider called “{name}”.", code="unknown_provider")
    if name == SandboxPayoutProvider.name:
        require_sandbox_allowed()
    return PAYOUT_PROVIDERS[name]()
