"""Reads of money: balances, statements, deposits to match, overdue payouts, and the ledger's invariants."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.models import (
    OPEN_PAYOUT_STATUSES,
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
    add_business_days,
    entries_fingerprint,
    normalise_reference,
)
from rung.ledger.providers import BatchExportProvider
from rung.lib.errors import NotFound, PermissionDenied
from rung.lib.money import MoneyError, format_money, normalise_currency
from rung.orgs.models import Membership, Organisation, role_can
from rung.orgs.selectors import get_org_for_user
from rung.payees.selectors import account_forms

# --- Balances ------------------------------------------------------------------------------


def balance(account: Account) -> int:
    total: int = account.entries.aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]
    return total


def balance_of(key: str) -> int:
    """The balance of the account with this key; 0 for an account that was never used."""
    total: int = Entry.objects.filter(account__key=key).aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]
    return total


def escrow_balance(*, project_uuid: uuid.UUID | str, currency: str) -> int:
    return balance_of(account_key(AccountKind.ESCROW, normalise_currency(currency), uuid.UUID(str(project_uuid))))


def payable_balance(*, engagement_uuid: uuid.UUID | str, currency: str) -> int:
    key = account_key(AccountKind.INTERN_PAYABLE, normalise_currency(currency), uuid.UUID(str(engagement_uuid)))
    return balance_of(key)


def is_project_funded(*, project_uuid: uuid.UUID | str, required_minor: int, currency: str) -> bool:
    """Whether the project's escrow holds at least `required_minor` (stipend × seats) in `currency`."""
    return escrow_balance(project_uuid=project_uuid, currency=currency) >= required_minor


def platform_balances() -> dict[str, dict[str, int]]:
    """Currency → account kind → total balance, across the whole platform (for staff)."""
    result: dict[str, dict[str, int]] = defaultdict(dict)
    rows = Entry.objects.values("currency", "account__kind").annotate(total=Sum("amount_minor")).order_by()
    for row in rows:
        result[row["currency"]][row["account__kind"]] = row["total"]
    return dict(result)


# --- Statements ----------------------------------------------------------------------------


@dataclass
class InternTotals:
    earned: int = 0  # every release and kill fee, ever
    owed: int = 0  # approved, not yet in a payout
    in_transit: int = 0  # in a payout that has not arrived
    paid: int = 0  # arrived
    royalties: int = 0  # from licences of showcased work, ever (owed and paid out like stipends)


@dataclass
class InternStatement:
    totals: dict[str, InternTotals]
    payouts: list[Payout]

    @property
    def pending(self) -> dict[str, int]:
        """Earned and not yet paid, per currency: what the intern is still waiting for."""
        return {currency: t.owed + t.in_transit for currency, t in self.totals.items()}


def statement_for_intern(user: User) -> InternStatement:
    """The person's own money: what they earned, what is on its way and what has arrived."""
    totals: dict[str, InternTotals] = defaultdict(InternTotals)
    earned = (
        Entry.objects.filter(
            account__intern=user,
            account__kind=AccountKind.INTERN_PAYABLE,
            transaction__kind__in=[TransactionKind.RELEASE, TransactionKind.KILL_FEE],
        )
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    for row in earned:
        totals[row["currency"]].earned = row["total"]
    royalties = (
        Entry.objects.filter(
            account__intern=user,
            account__kind=AccountKind.INTERN_PAYABLE,
            transaction__kind=TransactionKind.LICENCE_SALE,
        )
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    for row in royalties:
        totals[row["currency"]].royalties = row["total"]
    owed = (
        Entry.objects.filter(account__intern=user, account__kind=AccountKind.INTERN_PAYABLE)
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    for row in owed:
        totals[row["currency"]].owed = row["total"]
    payouts = list(Payout.objects.filter(intern=user).order_by("-created_at", "-pk"))
    for payout in payouts:
        if payout.status in OPEN_PAYOUT_STATUSES:
            totals[payout.currency].in_transit += payout.amount_minor
        elif payout.status == PayoutStatus.SETTLED:
            totals[payout.currency].paid += payout.amount_minor
    return InternStatement(totals=dict(totals), payouts=payouts)


@dataclass
class EmployerTotals:
    deposited: int = 0
    fees: int = 0
    in_escrow: int = 0
    released: int = 0  # to interns: milestone releases and kill fees
    refunded: int = 0  # from escrow back to the funding balance
    funding_balance: int = 0  # refunded and not yet used
    royalties: int = 0  # its share of licences sold for its interns' showcased work
    licences_bought: int = 0  # paid for licences of other employers' interns' work


@dataclass
class EmployerStatement:
    totals: dict[str, EmployerTotals]
    deposits: list[Deposit]
    escrow_by_project: dict[uuid.UUID, dict[str, int]]
    movements: list[LedgerTransaction] = field(default_factory=list)


def statement_for_employer(
    user: User, organisation: Organisation, *, movements_limit: int | None = None
) -> EmployerStatement:
    """An organisation's money, for its members and Rung staff only (the latest `movements_limit` movements)."""
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if not user.is_staff and (membership is None or not role_can(membership.role, "view")):
        raise PermissionDenied("Only members of this organisation can see its money.")
    totals: dict[str, EmployerTotals] = defaultdict(EmployerTotals)
    flows = (
        Entry.objects.filter(transaction__organisation=organisation)
        .values("transaction__kind", "account__kind", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    for row in flows:
        t, kind, into, total = totals[row["currency"]], row["transaction__kind"], row["account__kind"], row["total"]
        if kind == TransactionKind.DEPOSIT and into == AccountKind.EMPLOYER_FUNDING:
            t.deposited += total
        elif kind == TransactionKind.ESCROW_FUNDING and into == AccountKind.PLATFORM_FEES:
            t.fees += total
        elif kind in (TransactionKind.RELEASE, TransactionKind.KILL_FEE) and into == AccountKind.INTERN_PAYABLE:
            t.released += total
        elif kind == TransactionKind.REFUND and into == AccountKind.EMPLOYER_FUNDING:
            t.refunded += total
    # Licence sales name the buyer; the original employer's share is an entry into its own funding.
    licence_lines = (
        Entry.objects.filter(
            account__organisation=organisation,
            account__kind=AccountKind.EMPLOYER_FUNDING,
            transaction__kind=TransactionKind.LICENCE_SALE,
        )
        .values("currency")
        .annotate(
            received=Coalesce(Sum("amount_minor", filter=Q(amount_minor__gt=0)), 0),
            paid=Coalesce(Sum("amount_minor", filter=Q(amount_minor__lt=0)), 0),
        )
        .order_by()
    )
    for sale in licence_lines:
        totals[sale["currency"]].royalties += sale["received"]
        totals[sale["currency"]].licences_bought -= sale["paid"]
    escrow_by_project: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    accounts = (
        Account.objects.filter(organisation=organisation)
        .annotate(balance=Coalesce(Sum("entries__amount_minor"), 0))
        .order_by("pk")
    )
    for account in accounts:
        if account.kind == AccountKind.ESCROW and account.project_uuid is not None:
            escrow_by_project[account.project_uuid][account.currency] = account.balance
            totals[account.currency].in_escrow += account.balance
        elif account.kind == AccountKind.EMPLOYER_FUNDING:
            totals[account.currency].funding_balance += account.balance
    return EmployerStatement(
        totals=dict(totals),
        deposits=list(Deposit.objects.filter(organisation=organisation).order_by("-created_at", "-pk")),
        escrow_by_project=dict(escrow_by_project),
        movements=list(
            LedgerTransaction.objects.filter(organisation=organisation)
            .prefetch_related("entries__account")
            .order_by("-created_at", "-pk")[:movements_limit]
        ),
    )


def org_for_money(user: User, slug: str) -> Organisation:
    """The organisation whose money `user` may see: its members and Rung staff; outsiders get NotFound."""
    org, _ = get_org_for_user(user, slug, permission="view")
    return org


def deposits_for_org(organisation: Organisation) -> QuerySet[Deposit]:
    return Deposit.objects.filter(organisation=organisation).order_by("-created_at", "-pk")


def get_deposit_for_org(organisation: Organisation, deposit_uuid: uuid.UUID | str) -> Deposit:
    deposit = deposits_for_org(organisation).filter(uuid=deposit_uuid).select_related("organisation").first()
    if deposit is None:
        raise NotFound("No such deposit.")
    return deposit


def may_fund(user: User, organisation: Organisation) -> bool:
    """Whether `user` may request or cancel the organisation's deposits (owners and managers)."""
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    return membership is not None and role_can(membership.role, "post_projects")


def project_titles(project_uuids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of projects the ledger knows only by uuid, for display.

    The ledger sits below projects, so it never reads their tables: the titles are the ones the
    projects app recorded with `services.name_project` when it funded and published each project.
    """
    wanted = {u for u in project_uuids if u is not None}
    if not wanted:
        return {}
    return dict(ProjectName.objects.filter(project_uuid__in=wanted).values_list("project_uuid", "title"))


@dataclass
class StatementLine:
    """One change to what an intern is owed: money earned, paid out, or returned by a failed payout."""

    at: datetime
    kind: str
    description: str
    amount_minor: int  # + owed more, - paid out
    currency: str
    owed_after: int
    engagement_uuid: uuid.UUID | None
    project_uuid: uuid.UUID | None
    payout: Payout | None = None


_LINE_DESCRIPTIONS = {
    TransactionKind.RELEASE: "Milestone approved",
    TransactionKind.KILL_FEE: "Kill fee (engagement cancelled)",
    TransactionKind.PAYOUT: "Payout",
    TransactionKind.PAYOUT_FAILED: "Payout failed; owed again",
    TransactionKind.LICENCE_SALE: "Royalty from a licence of your showcased work",
}


def intern_statement_lines(user: User) -> list[StatementLine]:
    """Every change to what the person is owed, oldest first, with the balance after each (per currency)."""
    entries = (
        Entry.objects.filter(account__intern=user, account__kind=AccountKind.INTERN_PAYABLE)
        .select_related("transaction", "transaction__payout")
        .order_by("transaction__created_at", "transaction_id")
    )
    owed: dict[str, int] = defaultdict(int)
    lines: list[StatementLine] = []
    project_of: dict[uuid.UUID, uuid.UUID] = {}
    for entry in entries:
        txn = entry.transaction
        owed[entry.currency] += entry.amount_minor
        if txn.engagement_uuid and txn.project_uuid:
            project_of[txn.engagement_uuid] = txn.project_uuid
        description = _LINE_DESCRIPTIONS.get(TransactionKind(txn.kind), txn.get_kind_display())
        if txn.kind == TransactionKind.PAYOUT_FAILED and txn.payout and txn.payout.failure_reason:
            description = f"{description}: {txn.payout.failure_reason}"
        lines.append(
            StatementLine(
                at=txn.created_at,
                kind=txn.kind,
                description=description,
                amount_minor=entry.amount_minor,
                currency=entry.currency,
                owed_after=owed[entry.currency],
                engagement_uuid=txn.engagement_uuid,
                project_uuid=txn.project_uuid,
                payout=txn.payout,
            )
        )
    for line in lines:
        # Payouts name only the engagement; its releases name the project.
        if line.project_uuid is None and line.engagement_uuid in project_of:
            line.project_uuid = project_of[line.engagement_uuid]
    return lines


@dataclass(frozen=True)
class YearlyLine:
    employer: str
    month: int  # 1-12
    currency: str
    paid_minor: int


@dataclass
class YearlyStatement:
    """What arrived in the person's bank account in one calendar year, by employer and by month."""

    year: int
    lines: list[YearlyLine]  # employer × month × currency, in that order

    @property
    def currencies(self) -> list[str]:
        return sorted({line.currency for line in self.lines})

    def by_employer(self) -> list[tuple[str, str, int]]:
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for line in self.lines:
            totals[(line.employer, line.currency)] += line.paid_minor
        return [(employer, currency, total) for (employer, currency), total in sorted(totals.items())]

    def by_month(self) -> list[tuple[int, str, int]]:
        totals: dict[tuple[int, str], int] = defaultdict(int)
        for line in self.lines:
            totals[(line.month, line.currency)] += line.paid_minor
        return [(month, currency, total) for (month, currency), total in sorted(totals.items())]

    def total(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.currency] += line.paid_minor
        return dict(sorted(totals.items()))


UNKNOWN_EMPLOYER = "Employer not recorded"


def yearly_earnings(user: User, year: int) -> YearlyStatement:
    """Payouts that arrived (settled) in `year` (UTC), summed in SQL by employer, month and currency.

    Failed payouts never arrived, and money still on its way belongs to the year it arrives in.
    The employer is the organisation whose escrow released the engagement's money.
    """
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    employer = Subquery(
        LedgerTransaction.objects.filter(
            engagement_uuid=OuterRef("engagement_uuid"),
            kind__in=[TransactionKind.RELEASE, TransactionKind.KILL_FEE],
            organisation__isnull=False,
        )
        .order_by("pk")
        .values("organisation__name")[:1]
    )
    rows = (
        Payout.objects.filter(intern=user, status=PayoutStatus.SETTLED, settled_at__gte=start, settled_at__lt=end)
        .annotate(employer=employer, month=ExtractMonth("settled_at", tzinfo=UTC))
        .values("employer", "month", "currency")
        .annotate(paid=Sum("amount_minor"))
        .order_by("employer", "month", "currency")
    )
    lines = [
        YearlyLine(r["employer"] or UNKNOWN_EMPLOYER, int(r["month"]), r["currency"], int(r["paid"])) for r in rows
    ]
    lines.sort(key=lambda line: (line.employer.casefold(), line.month, line.currency))
    return YearlyStatement(year=year, lines=lines)


def earning_years(user: User) -> list[int]:
    """The calendar years in which money arrived for the person, newest first, always with this year."""
    years = {
        d.year
        for d in Payout.objects.filter(intern=user, status=PayoutStatus.SETTLED, settled_at__isnull=False).datetimes(
            "settled_at", "year", tzinfo=UTC
        )
    }
    years.add(timezone.now().year)
    return sorted(years, reverse=True)


def payouts_for_intern(user: User) -> QuerySet[Payout]:
    return Payout.objects.filter(intern=user).order_by("-created_at", "-pk")


def employer_caused_delays(organisation: Organisation) -> int:
    """How many late payouts Rung staff found the employer caused: its payout reliability record."""
    engagements = LedgerTransaction.objects.filter(
        organisation=organisation, kind__in=[TransactionKind.RELEASE, TransactionKind.KILL_FEE]
    ).values("engagement_uuid")
    return Payout.objects.filter(delay_cause=DelayCause.EMPLOYER, engagement_uuid__in=engagements).count()


# --- Staff work lists ----------------------------------------------------------------------


def payouts_with_status(status: str, *, limit: int | None = None) -> list[Payout]:
    """Payouts in one status, the longest-waiting first (the latest first for settled and failed)."""
    order = ["created_at", "pk"] if status in OPEN_PAYOUT_STATUSES else ["-created_at", "-pk"]
    return list(Payout.objects.filter(status=status).select_related("intern").order_by(*order)[:limit])


def late_payouts(*, now: datetime | None = None, settled_within_days: int = 30) -> list[Payout]:
    """Payouts past their target: still open, or settled late in the last `settled_within_days` days."""
    now = now or timezone.now()
    target = payout_target_business_days()
    candidates = (
        Payout.objects.filter(approved_at__isnull=False)
        .filter(
            Q(status__in=OPEN_PAYOUT_STATUSES)
            | Q(status=PayoutStatus.SETTLED, settled_at__gte=now - timedelta(days=settled_within_days))
        )
        .select_related("intern")
        .order_by("approved_at", "pk")
    )
    return [p for p in candidates if p.is_late(target, now=now)]


@dataclass(frozen=True)
class BatchSummary:
    reference: str
    currency: str
    count: int
    total_minor: int
    exported_at: datetime | None


def payout_batches(*, limit: int = 20) -> list[BatchSummary]:
    """The latest exported payout batches, to download again."""
    rows = (
        Payout.objects.exclude(batch_reference="")
        .values("batch_reference", "currency")
        .annotate(count=Count("pk"), total=Sum("amount_minor"), exported_at=Min("sent_at"))
        .order_by("-exported_at", "batch_reference")[:limit]
    )
    return [BatchSummary(r["batch_reference"], r["currency"], r["count"], r["total"], r["exported_at"]) for r in rows]


@dataclass(frozen=True)
class Reconciliation:
    problems: list[str]
    checked_at: datetime

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if self.ok:
            return (
                "The ledger is consistent: every movement balances, no account holds less than nothing, "
                "each milestone was paid once, and deposits and payouts agree with the money they moved."
            )
        n = len(self.problems)
        return f"The ledger has {n} problem{'s' if n != 1 else ''}. Nothing is lost yet, but each needs a look."


def reconciliation_status() -> Reconciliation:
    return Reconciliation(problems=check_ledger(), checked_at=timezone.now())


# --- Staff work lists ----------------------------------------------------------------------


def unmatched_deposits() -> QuerySet[Deposit]:
    """Invoice deposits still waiting for the employer's transfer, oldest first."""
    return (
        Deposit.objects.filter(status=DepositStatus.PENDING).select_related("organisation").order_by("created_at", "pk")
    )


def find_deposit_by_reference(reference: str) -> Deposit | None:
    return Deposit.objects.filter(reference=normalise_reference(reference)).select_related("organisation").first()


def payout_target_business_days() -> int:
    return int(getattr(settings, "PAYOUT_TARGET_BUSINESS_DAYS", 3))


def overdue_payouts(*, now: datetime | None = None) -> list[Payout]:
    """Payouts not yet arrived more than the target number of business days after approval."""
    now = now or timezone.now()
    target = payout_target_business_days()
    open_payouts = (
        Payout.objects.filter(status__in=OPEN_PAYOUT_STATUSES, approved_at__isnull=False)
        .select_related("intern")
        .order_by("approved_at", "pk")
    )
    return [p for p in open_payouts if p.approved_at and add_business_days(p.approved_at, target) < now]


def payout_account_forms(payouts: Iterable[Payout]) -> dict[int, tuple[str, str]]:
    """The account country and form of each payout's intern (never the numbers), to choose its file."""
    return account_forms(sorted({p.intern_id for p in payouts}))


@dataclass(frozen=True)
class WaitingSummary:
    count: int
    interns: int
    totals: dict[str, int]


def waiting_payouts_summary() -> WaitingSummary:
    """Payouts held because their interns have not given payout details: how many, for whom, how much."""
    rows = (
        Payout.objects.filter(status=PayoutStatus.WAITING)
        .values("currency")
        .annotate(n=Count("pk"), total=Sum("amount_minor"))
        .order_by("currency")
    )
    people = Payout.objects.filter(status=PayoutStatus.WAITING).values("intern_id").distinct().count()
    return WaitingSummary(
        count=sum(r["n"] for r in rows), interns=people, totals={r["currency"]: r["total"] for r in rows}
    )


def waiting_payouts_for(user: User) -> dict[str, int]:
    """Currency → amount of the person's payouts held until they give payout details (empty if none)."""
    if not user.is_authenticated:
        return {}
    rows = (
        Payout.objects.filter(intern=user, status=PayoutStatus.WAITING)
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("currency")
    )
    return {r["currency"]: r["total"] for r in rows}


def payout_batch_csv(reference: str) -> str:
    """The CSV of an exported batch again (account columns empty: plain details leave only at export, audited)."""
    payouts = Payout.objects.filter(batch_reference=reference).select_related("intern").order_by("created_at", "pk")
    return BatchExportProvider().render_csv(payouts)


# --- Invariants ----------------------------------------------------------------------------


def _fmt(minor: int, currency: str) -> str:
    try:
        return format_money(minor, currency)
    except MoneyError:
        return f"{minor} {currency}"


@dataclass
class _Txn:
    key: str
    kind: str
    fingerprint: str
    milestone: uuid.UUID | None
    engagement: uuid.UUID | None
    payout_id: int | None
    deposit_id: int | None
    lines: list[tuple[int, str, int]] = field(default_factory=list)  # account id, currency, amount


def check_ledger() -> list[str]:
    """Every invariant of the ledger, checked from the rows themselves; one line per violation.

    An empty list means: every transaction balances per currency and matches the fingerprint it
    was posted with; nothing that holds real money is below zero; each milestone was released and
    each kill fee paid once; payouts and deposits agree with the entries they posted, and what is
    in transit is exactly the payouts not yet settled or failed. It reads the ledger in one pass
    (six queries), so it is cheap enough to run after every step of a property test.
    """
    problems: list[str] = []
    accounts = {
        pk: (key, kind, currency, may_go_negative)
        for pk, key, kind, currency, may_go_negative in Account.objects.values_list(
            "pk", "key", "kind", "currency", "may_go_negative"
        )
    }
    txns = {
        pk: _Txn(key, kind, fingerprint, milestone, engagement, payout_id, deposit_id)
        for pk, key, kind, fingerprint, milestone, engagement, payout_id, deposit_id in (
            LedgerTransaction.objects.order_by("pk").values_list(
                "pk",
                "idempotency_key",
                "kind",
                "fingerprint",
                "milestone_uuid",
                "engagement_uuid",
                "payout_id",
                "deposit_id",
            )
        )
    }
    balances: dict[int, int] = defaultdict(int)
    entries = Entry.objects.order_by().values_list("transaction_id", "account_id", "currency", "amount_minor")
    for txn_id, account_id, currency, amount in entries.iterator(chunk_size=5000):
        txns[txn_id].lines.append((account_id, currency, amount))
        balances[account_id] += amount

    problems += _check_transactions(txns, accounts)
    problems += _check_balances(balances, accounts)
    problems += _check_once_only(txns)
    problems += _check_payouts(txns, accounts, balances)
    problems += _check_deposits(txns, accounts)
    problems += _check_licence_sales(txns, accounts)
    return problems


def _check_transactions(txns: dict[int, _Txn], accounts: dict[int, tuple[str, str, str, bool]]) -> list[str]:
    problems = []
    for txn in txns.values():
        if len(txn.lines) < 2:
            problems.append(f"Transaction {txn.key} has {len(txn.lines)} entries; it needs at least two.")
        totals: dict[str, int] = defaultdict(int)
        for account_id, currency, amount in txn.lines:
            totals[currency] += amount
            key, _, account_currency, _ = accounts[account_id]
            if currency != account_currency:
                problems.append(f"Transaction {txn.key} put {currency} into {key}, which holds {account_currency}.")
            if amount == 0:
                problems.append(f"Transaction {txn.key} has an entry of zero.")
        for currency, total in sorted(totals.items()):
            if total != 0:
                problems.append(
                    f"Transaction {txn.key} does not balance in {currency}: its entries sum to {_fmt(total, currency)}."
                )
        # Taken from the entries when they were written: a mismatch means a row was changed or
        # added behind the ledger's back.
        lines = [(accounts[a][0], c, amount) for a, c, amount in txn.lines]
        if entries_fingerprint(txn.kind, lines) != txn.fingerprint:
            problems.append(f"Transaction {txn.key}'s entries differ from those it was posted with.")
    return problems


def _check_balances(balances: dict[int, int], accounts: dict[int, tuple[str, str, str, bool]]) -> list[str]:
    problems = []
    per_currency: dict[str, int] = defaultdict(int)
    for account_id, (key, kind, currency, may_go_negative) in sorted(accounts.items(), key=lambda a: a[1][0]):
        held = balances.get(account_id, 0)
        per_currency[currency] += held
        # Escrow, what is owed, fees, funding and transit hold real money: none may go below zero.
        if held < 0 and (kind != AccountKind.EXTERNAL_WORLD or not may_go_negative):
            problems.append(f"{key} is below zero: {_fmt(held, currency)}.")
    for currency, total in sorted(per_currency.items()):
        if total != 0:
            problems.append(f"All {currency} accounts together sum to {_fmt(total, currency)}, not 0.")
    return problems


def _check_once_only(txns: dict[int, _Txn]) -> list[str]:
    problems = []
    seen: dict[tuple[str, object], int] = defaultdict(int)
    for txn in txns.values():
        if txn.kind == TransactionKind.RELEASE:
            ref: object = txn.milestone
        elif txn.kind == TransactionKind.KILL_FEE:
            ref = txn.engagement
        else:
            continue
        if ref is None or txn.key != f"{txn.kind}:{ref}":
            problems.append(f"{txn.kind} transaction {txn.key} should have the key {txn.kind}:{ref}.")
        seen[(txn.kind, ref)] += 1
    for (kind, ref), n in sorted(seen.items(), key=str):
        if n > 1:
            problems.append(f"{ref} has {n} {kind} transactions; it may have only one.")
    return problems


def _check_payouts(
    txns: dict[int, _Txn], accounts: dict[int, tuple[str, str, str, bool]], balances: dict[int, int]
) -> list[str]:
    problems = []
    moved: dict[int, dict[str, int]] = defaultdict(dict)
    for txn in txns.values():
        for account_id, _, amount in txn.lines:
            if accounts[account_id][1] != AccountKind.PAYOUTS_IN_TRANSIT:
                continue
            if txn.payout_id is None:
                problems.append(f"Transaction {txn.key} moved money through payouts in transit without a payout.")
            else:
                moved[txn.payout_id][txn.kind] = amount
    history: dict[int, str] = {}
    events = PayoutEvent.objects.order_by("occurred_at", "pk").values_list("payout_id", "from_status", "to_status")
    for payout_id, old, new in events:
        if old and new not in PAYOUT_TRANSITIONS[old]:
            problems.append(f"Payout history has a step {old} → {new}, which is not allowed.")
        history[payout_id] = new

    # What sits in transit must be exactly the payouts that have left what is owed but not arrived.
    open_total: dict[str, int] = defaultdict(int)
    payouts = Payout.objects.order_by("pk").values_list("pk", "uuid", "status", "amount_minor", "currency")
    for pk, payout_uuid, status, amount, currency in payouts:
        got, name = moved.get(pk, {}), f"Payout {payout_uuid}"
        if status in OPEN_PAYOUT_STATUSES:
            open_total[currency] += amount
        if got.get(TransactionKind.PAYOUT) != amount:
            problems.append(f"{name} never moved its {_fmt(amount, currency)} out of what was owed.")
        for kind, final in (
            (TransactionKind.PAYOUT_SETTLED, PayoutStatus.SETTLED),
            (TransactionKind.PAYOUT_FAILED, PayoutStatus.FAILED),
        ):
            posted = kind in got
            if posted != (status == final) or (posted and got[kind] != -amount):
                problems.append(f"{name} is {status}, but its {kind} posting says otherwise.")
        if history.get(pk) != status:
            problems.append(f"{name} is {status}, but its history ends at {history.get(pk)}.")
    in_transit: dict[str, int] = defaultdict(int)
    for account_id, (_, account_kind, currency, _) in accounts.items():
        if account_kind == AccountKind.PAYOUTS_IN_TRANSIT:
            in_transit[currency] += balances.get(account_id, 0)
    for currency in sorted(set(in_transit) | set(open_total)):
        if in_transit[currency] != open_total[currency]:
            problems.append(
                f"Payouts in transit hold {_fmt(in_transit[currency], currency)} but pending and sent payouts "
                f"add up to {_fmt(open_total[currency], currency)}."
            )
    return problems


def _check_deposits(txns: dict[int, _Txn], accounts: dict[int, tuple[str, str, str, bool]]) -> list[str]:
    problems = []
    moved: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for txn in txns.values():
        if txn.deposit_id is not None:
            for account_id, _, amount in txn.lines:
                moved[txn.deposit_id][(txn.kind, accounts[account_id][1])] = amount
    deposits = Deposit.objects.order_by("pk").values_list(
        "pk", "reference", "status", "amount_minor", "escrow_minor", "fee_minor"
    )
    for pk, reference, status, amount, escrow, fee in deposits:
        got = moved.get(pk, {})
        if status != DepositStatus.CONFIRMED:
            if got:
                problems.append(f"Deposit {reference} is {status} but moved money.")
            continue
        expected = {
            (TransactionKind.DEPOSIT, AccountKind.EXTERNAL_WORLD): -amount,
            (TransactionKind.DEPOSIT, AccountKind.EMPLOYER_FUNDING): amount,
            (TransactionKind.ESCROW_FUNDING, AccountKind.EMPLOYER_FUNDING): -amount,
            (TransactionKind.ESCROW_FUNDING, AccountKind.ESCROW): escrow,
        }
        if fee:
            expected[(TransactionKind.ESCROW_FUNDING, AccountKind.PLATFORM_FEES)] = fee
        if got != expected:
            problems.append(f"Deposit {reference} is confirmed but its postings do not match its amounts.")
    return problems


def _check_licence_sales(txns: dict[int, _Txn], accounts: dict[int, tuple[str, str, str, bool]]) -> list[str]:
    """A sale takes the price from the buyer's funding only and pays at most one intern author,
    organisations (the original employer, a template's author) and the fee; a licence payment only
    funds a sale under the same reference."""
    problems = []
    sales = {t.key.removeprefix("licence_sale:") for t in txns.values() if t.kind == TransactionKind.LICENCE_SALE}
    for txn in txns.values():
        if txn.kind == TransactionKind.LICENCE_SALE:
            if not txn.key.startswith("licence_sale:"):
                problems.append(f"Licence sale {txn.key} should have a key licence_sale:<sale>.")
            taken = [(accounts[a][1], amount) for a, _, amount in txn.lines if amount < 0]
            given = [(accounts[a][1], amount) for a, _, amount in txn.lines if amount > 0]
            if len(taken) != 1 or taken[0][0] != AccountKind.EMPLOYER_FUNDING:
                problems.append(f"Licence sale {txn.key} must take its price from one buyer's funding balance.")
            # Showcased work pays one intern author (and maybe the original employer); a paid template
            # pays its author organisation or, for Rung's own, the fee alone.
            if (
                not given
                or sum(1 for kind, _ in given if kind == AccountKind.INTERN_PAYABLE) > 1
                or any(
                    kind not in (AccountKind.INTERN_PAYABLE, AccountKind.EMPLOYER_FUNDING, AccountKind.PLATFORM_FEES)
                    for kind, _ in given
                )
            ):
                problems.append(
                    f"Licence sale {txn.key} must pay at most one intern author, organisations' shares and the fee."
                )
        elif txn.kind == TransactionKind.LICENCE_PAYMENT:
            kinds = sorted(accounts[a][1] for a, _, _ in txn.lines)
            if kinds != sorted([AccountKind.EMPLOYER_FUNDING, AccountKind.EXTERNAL_WORLD]):
                problems.append(f"Licence payment {txn.key} must move money from outside into a funding balance.")
            if txn.key.removeprefix("licence_payment:") not in sales:
                problems.append(f"Licence payment {txn.key} funded no licence sale.")
    return problems
