import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.audit.models import AppendOnlyModel
from rung.lib.money import format_money


class AccountKind(models.TextChoices):
    EMPLOYER_FUNDING = "employer_funding", "Employer funding"
    ESCROW = "escrow", "Escrow"
    INTERN_PAYABLE = "intern_payable", "Owed to intern"
    PLATFORM_FEES = "platform_fees", "Platform fees"
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", "Payouts in transit"
    EXTERNAL_WORLD = "external_world", "Outside world"


# The outside world is the mirror of everything Rung holds: each deposit takes from it and each
# settled payout gives back, so its balance is minus the money on the platform. Every other
# account holds real money and going below zero would mean paying out what was never paid in.
MAY_GO_NEGATIVE: frozenset[str] = frozenset({AccountKind.EXTERNAL_WORLD})


def account_key(kind: str, currency: str, owner: object = None) -> str:
    """The unique, readable name of an account, e.g. `escrow:<project uuid>:EUR`."""
    return f"{kind}:{owner}:{currency}" if owner is not None else f"{kind}:{currency}"


def entries_fingerprint(kind: str, lines: Iterable[tuple[str, str, int]]) -> str:
    """sha256 of a transaction's kind and its (account key, currency, amount) lines, in any order."""
    return hashlib.sha256(json.dumps([kind, sorted(lines)]).encode()).hexdigest()


class Account(AppendOnlyModel):
    """A bucket of money in one currency. Its balance is the SUM of its entries, never stored."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=24, choices=AccountKind.choices)
    currency = models.CharField(max_length=3)
    may_go_negative = models.BooleanField(default=False)
    # Owners, by kind: an employer's funding and escrow name the organisation; escrow names the
    # project; what is owed to an intern names the engagement and the person.
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    project_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    engagement_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    intern = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(may_go_negative=False) | Q(kind=AccountKind.EXTERNAL_WORLD),
                name="ledger_only_external_world_goes_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.ESCROW) | Q(project_uuid__isnull=False, organisation__isnull=False),
                name="ledger_escrow_has_project_and_org",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.INTERN_PAYABLE) | Q(engagement_uuid__isnull=False, intern__isnull=False),
                name="ledger_payable_has_engagement_and_intern",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.EMPLOYER_FUNDING) | Q(organisation__isnull=False),
                name="ledger_funding_has_org",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        """How a person would name this account in a sentence."""
        if self.kind == AccountKind.ESCROW:
            return f"The escrow of project {self.project_uuid}"
        if self.kind == AccountKind.INTERN_PAYABLE:
            return f"The amount owed for engagement {self.engagement_uuid}"
        if self.kind == AccountKind.EMPLOYER_FUNDING:
            return "The employer's funding balance"
        return f"The {AccountKind(self.kind).label.lower()} account"


class TransactionKind(models.TextChoices):
    DEPOSIT = "deposit", "Deposit received"
    ESCROW_FUNDING = "escrow_funding", "Escrow funded"
    RELEASE = "release", "Milestone released"
    KILL_FEE = "kill_fee", "Kill fee"
    REFUND = "refund", "Escrow refunded"
    PAYOUT = "payout", "Payout started"
    PAYOUT_SETTLED = "payout_settled", "Payout settled"
    PAYOUT_FAILED = "payout_failed", "Payout failed"
    # A licence bought from the showcase: the buyer's payment in, then one sale paying each royalty and the fee.
    LICENCE_PAYMENT = "licence_payment", "Licence payment received"
    LICENCE_SALE = "licence_sale", "Licence sold"


class LedgerTransaction(AppendOnlyModel):
    """One movement of money: two or more entries that sum to zero in each currency."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A retried request, a double click or two workers racing all carry the same key, and the
    # unique index lets exactly one of them move money.
    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    memo = models.CharField(max_length=500, blank=True)
    # sha256 of the kind and the entries: a reused key must describe the very same movement.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Like the audit trail: no constraint, so removing a staff account never rewrites history.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    project_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    engagement_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    milestone_uuid = models.UUIDField(null=True, blank=True)
    deposit = models.ForeignKey(
        "ledger.Deposit", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    payout = models.ForeignKey(
        "ledger.Payout", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    # When the money became owed (a milestone's approval, a cancellation): payout timeliness
    # is measured from here.
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Belt and braces beside the `release:<milestone>` key: a milestone is paid once even if
            # some future caller invents another key for it.
            models.UniqueConstraint(
                fields=["milestone_uuid"],
                condition=Q(kind=TransactionKind.RELEASE),
                name="ledger_one_release_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["engagement_uuid"],
                condition=Q(kind=TransactionKind.KILL_FEE),
                name="ledger_one_kill_fee_per_engagement",
            ),
            models.UniqueConstraint(
                fields=["payout", "kind"], condition=Q(payout__isnull=False), name="ledger_one_posting_per_payout_step"
            ),
            models.UniqueConstraint(
                fields=["deposit", "kind"],
                condition=Q(deposit__isnull=False),
                name="ledger_one_posting_per_deposit_step",
            ),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class Entry(AppendOnlyModel):
    """One side of a transaction: a signed amount into (+) or out of (−) one account."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["transaction_id", "id"]
        verbose_name_plural = "entries"
        constraints = [models.CheckConstraint(condition=~Q(amount_minor=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account.key} {format_money(self.amount_minor, self.currency)}"


# --- Deposits ------------------------------------------------------------------------------


class DepositStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    CONFIRMED = "confirmed", "Received"
    CANCELLED = "cancelled", "Cancelled"


DEPOSIT_TRANSITIONS: dict[str, set[str]] = {
    DepositStatus.PENDING: {DepositStatus.CONFIRMED, DepositStatus.CANCELLED},
    DepositStatus.CONFIRMED: set(),
    DepositStatus.CANCELLED: set(),
}


def normalise_reference(reference: str) -> str:
    """A deposit reference as stored: banks add spaces and change case on the way."""
    return "".join(reference.split()).upper()


class Deposit(models.Model):
    """An employer paying stipends (and the platform fee) in, to be held in a project's escrow."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the employer quotes on the bank transfer, so staff can match it to this deposit.
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="deposits")
    project_uuid = models.UUIDField(db_index=True)
    currency = models.CharField(max_length=3)
    stipend_minor = models.BigIntegerField()
    seats = models.PositiveIntegerField()
    escrow_minor = models.BigIntegerField(help_text="stipend × seats, held in the project's escrow")
    fee_minor = models.BigIntegerField()
    amount_minor = models.BigIntegerField(help_text="what the employer pays: escrow + fee")
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    status = models.CharField(max_length=10, choices=DepositStatus.choices, default=DepositStatus.PENDING)
    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor=models.F("escrow_minor") + models.F("fee_minor")),
                name="ledger_deposit_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(escrow_minor__gt=0, fee_minor__gte=0), name="ledger_deposit_amounts_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {format_money(self.amount_minor, self.currency)}"


class ProjectName(models.Model):
    """The title of a project the ledger holds money for, as the projects app told it.

    The ledger sits below projects and knows them only by uuid; so that statements, receipts and
    exports can name a project without the ledger reading another app's tables, the projects app
    names its project when it asks for funding and again when it publishes (when the title is final).
    """

    project_uuid = models.UUIDField(unique=True)
    title = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


# --- Payouts -------------------------------------------------------------------------------


class PayoutStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the intern's payout details"
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    SETTLED = "settled", "Paid"
    FAILED = "failed", "Failed"


# A payout that has been handed to a provider never goes back to pending: that is how it is
# never sent twice. A failure returns the money to what is owed, and a new payout carries it.
# A payout whose provider needs a bank account waits until the intern has confirmed one.
PAYOUT_TRANSITIONS: dict[str, set[str]] = {
    PayoutStatus.WAITING: {PayoutStatus.PENDING},
    PayoutStatus.PENDING: {PayoutStatus.SENT, PayoutStatus.FAILED},
    PayoutStatus.SENT: {PayoutStatus.SETTLED, PayoutStatus.FAILED},
    PayoutStatus.SETTLED: set(),
    PayoutStatus.FAILED: set(),
}
OPEN_PAYOUT_STATUSES = (PayoutStatus.WAITING, PayoutStatus.PENDING, PayoutStatus.SENT)


class DelayCause(models.TextChoices):
    """Who made a payout late. Only EMPLOYER counts against the employer's reliability record."""

    EMPLOYER = "employer", "The employer"
    PLATFORM = "platform", "Rung"
    INTERN = "intern", "The intern (e.g. wrong bank details)"


class Payout(models.Model):
    """Money leaving Rung to an intern: everything owed for one engagement at the time."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intern = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    engagement_uuid = models.UUIDField(db_index=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=200, blank=True)
    batch_reference = models.CharField(max_length=40, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    # The approval of the oldest release this payout carries: the clock of "paid within days".
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Set by staff when a payout is late (past PAYOUT_TARGET_BUSINESS_DAYS). Blank: not yet looked
    # into. A lateness the employer caused is theirs; one Rung or the intern caused is not.
    delay_cause = models.CharField(max_length=10, choices=DelayCause.choices, blank=True)
    delay_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_minor__gt=0), name="ledger_payout_positive")]
        indexes = [models.Index(fields=["status", "provider"])]

    def __str__(self) -> str:
        return f"Payout {format_money(self.amount_minor, self.currency)} to {self.intern} ({self.status})"

    @property
    def business_days_to_settle(self) -> int | None:
        if self.approved_at is None or self.settled_at is None:
            return None
        return business_days_between(self.approved_at, self.settled_at)

    def due_by(self, target_business_days: int) -> datetime | None:
        """When the money should have arrived: the target number of business days after approval."""
        return None if self.approved_at is None else add_business_days(self.approved_at, target_business_days)

    def is_late(self, target_business_days: int, *, now: datetime | None = None) -> bool:
        """Arrived after its due date, or still on its way past it (failed payouts are carried by a new one)."""
        due = self.due_by(target_business_days)
        if due is None or self.status == PayoutStatus.FAILED:
            return False
        arrived_or_now = self.settled_at if self.status == PayoutStatus.SETTLED else (now or timezone.now())
        return arrived_or_now is not None and arrived_or_now > due


class PayoutEvent(AppendOnlyModel):
    """The append-only history of one payout's status."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, choices=PayoutStatus.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.payout_id}: {self.from_status or '∅'} → {self.to_status}"


# --- Business days -------------------------------------------------------------------------


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` weekdays (Saturdays and Sundays do not count)."""
    current, added = start, 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def business_days_between(start: datetime, end: datetime) -> int:
    """Weekdays after `start`'s date up to and including `end`'s date (UTC)."""
    first, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count
