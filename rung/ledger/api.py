"""/api/v1/money: statements for employers and interns, and the staff's deposit and payout desk."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.ledger import payouts as ledger_payouts
from rung.ledger import selectors, services
from rung.ledger.models import Deposit, LedgerTransaction, Payout, PayoutStatus
from rung.ledger.schemas import (
    BalanceOut,
    ConfirmDepositIn,
    DelayIn,
    DepositCancelIn,
    DepositOut,
    EmployerStatementOut,
    EmployerTotalsOut,
    EscrowOut,
    FailIn,
    InternStatementOut,
    InternTotalsOut,
    MovementOut,
    PlatformOut,
    SettleIn,
    StaffPayoutOut,
)
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound, PermissionDenied
from rung.lib.money import to_minor

router = Router(tags=["money"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
MOVEMENTS_SHOWN = 100


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.is_staff:
        raise PermissionDenied("Only Rung staff can do this.")
    return user


def _movement_out(txn: LedgerTransaction) -> MovementOut:
    return MovementOut(
        uuid=txn.uuid,
        kind=txn.kind,
        created_at=txn.created_at,
        project_uuid=txn.project_uuid,
        memo=txn.memo,
        entries=[
            {"account_kind": e.account.kind, "currency": e.currency, "amount_minor": e.amount_minor}
            for e in txn.entries.all()
        ],
    )


# --- Employers and interns -----------------------------------------------------------------


@router.get(
    "/orgs/{slug}/statement",
    response={200: EmployerStatementOut, **ERRORS},
    summary="An organisation's money: totals, escrow by project, latest movements",
)
def employer_statement(request: HttpRequest, slug: str) -> EmployerStatementOut:
    user = request_user(request)
    org = selectors.org_for_money(user, slug)
    statement = selectors.statement_for_employer(user, org, movements_limit=MOVEMENTS_SHOWN)
    return EmployerStatementOut(
        organisation=org.slug,
        totals=[
            EmployerTotalsOut(
                currency=currency,
                deposited_minor=t.deposited,
                fees_minor=t.fees,
                in_escrow_minor=t.in_escrow,
                released_minor=t.released,
                refunded_minor=t.refunded,
                funding_balance_minor=t.funding_balance,
            )
            for currency, t in sorted(statement.totals.items())
        ],
        escrow=[
            EscrowOut(project_uuid=project, currency=currency, balance_minor=amount)
            for project, balances in statement.escrow_by_project.items()
            for currency, amount in balances.items()
        ],
        movements=[_movement_out(txn) for txn in statement.movements],
        employer_caused_delays=selectors.employer_caused_delays(org),
    )


@router.get("/orgs/{slug}/deposits", response={200: list[DepositOut], **ERRORS}, summary="An organisation's deposits")
@paginate(Pagination)
def org_deposits(request: HttpRequest, slug: str) -> QuerySet[Deposit]:
    org = selectors.org_for_money(request_user(request), slug)
    return selectors.deposits_for_org(org).select_related("organisation")


@router.get("/orgs/{slug}/deposits/{uuid:deposit_uuid}", response={200: DepositOut, **ERRORS})
def org_deposit(request: HttpRequest, slug: str, deposit_uuid: UUID) -> Deposit:
    org = selectors.org_for_money(request_user(request), slug)
    return selectors.get_deposit_for_org(org, deposit_uuid)


@router.get("/earnings", response={200: InternStatementOut, **ERRORS}, summary="Your earnings and payouts")
def intern_statement(request: HttpRequest) -> dict[str, Any]:
    statement = selectors.statement_for_intern(request_user(request))
    # A dict, so ninja validates the payouts (model instances) against PayoutOut with its resolvers.
    return {
        "totals": [
            InternTotalsOut(
                currency=currency,
                earned_minor=t.earned,
                owed_minor=t.owed,
                in_transit_minor=t.in_transit,
                pending_minor=t.owed + t.in_transit,
                paid_minor=t.paid,
            )
            for currency, t in sorted(statement.totals.items())
        ],
        "payouts": statement.payouts,
    }


# --- Staff ---------------------------------------------------------------------------------


@router.get("/staff/platform", response={200: PlatformOut, **ERRORS}, summary="Staff: balances and reconciliation")
def platform(request: HttpRequest) -> PlatformOut:
    _staff(request)
    reconciliation = selectors.reconciliation_status()
    return PlatformOut(
        consistent=reconciliation.ok,
        summary=reconciliation.summary,
        problems=reconciliation.problems,
        balances=[
            BalanceOut(currency=currency, account_kind=kind, balance_minor=amount)
            for currency, kinds in sorted(selectors.platform_balances().items())
            for kind, amount in sorted(kinds.items())
        ],
        overdue_payouts=len(selectors.overdue_payouts()),
    )


@router.get(
    "/staff/deposits/unmatched",
    response={200: list[DepositOut], **ERRORS},
    summary="Staff: deposits waiting for a bank transfer, oldest first",
)
@paginate(Pagination)
def unmatched_deposits(request: HttpRequest) -> QuerySet[Deposit]:
    _staff(request)
    return selectors.unmatched_deposits()


def _deposit(deposit_uuid: UUID) -> Deposit:
    deposit = Deposit.objects.select_related("organisation").filter(uuid=deposit_uuid).first()
    if deposit is None:
        raise NotFound("No such deposit.")
    return deposit


@router.post(
    "/staff/deposits/{uuid:deposit_uuid}/confirm",
    response={200: DepositOut, **ERRORS},
    summary="Staff: a transfer arrived; check its reference and amount and put the money in escrow",
)
def confirm_deposit(request: HttpRequest, deposit_uuid: UUID, payload: ConfirmDepositIn) -> Deposit:
    staff = _staff(request)
    deposit = _deposit(deposit_uuid)
    return services.confirm_deposit(
        deposit,
        staff=staff,
        reference=payload.reference,
        amount_minor=to_minor(payload.amount, deposit.currency),
        provider_reference=payload.bank_reference,
    )


@router.post("/staff/deposits/{uuid:deposit_uuid}/cancel", response={200: DepositOut, **ERRORS})
def cancel_deposit(request: HttpRequest, deposit_uuid: UUID, payload: DepositCancelIn) -> Deposit:
    staff = _staff(request)
    return services.cancel_deposit(_deposit(deposit_uuid), actor=staff, reason=payload.reason)


@router.get("/staff/payouts", response={200: list[StaffPayoutOut], **ERRORS}, summary="Staff: payouts, newest first")
@paginate(Pagination)
def payouts(request: HttpRequest, status: PayoutStatus | None = None) -> QuerySet[Payout]:
    _staff(request)
    found = Payout.objects.select_related("intern").order_by("-created_at", "-pk")
    return found.filter(status=status) if status else found


def _payout(payout_uuid: UUID) -> Payout:
    payout = Payout.objects.select_related("intern").filter(uuid=payout_uuid).first()
    if payout is None:
        raise NotFound("No such payout.")
    return payout


@router.post(
    "/staff/payouts/{uuid:payout_uuid}/settle",
    response={200: StaffPayoutOut, **ERRORS},
    summary="Staff: the money arrived",
)
def settle_payout(request: HttpRequest, payout_uuid: UUID, payload: SettleIn) -> Payout:
    staff = _staff(request)
    return ledger_payouts.settle_payout(_payout(payout_uuid), actor=staff, provider_reference=payload.reference)


@router.post(
    "/staff/payouts/{uuid:payout_uuid}/fail",
    response={200: StaffPayoutOut, **ERRORS},
    summary="Staff: the payout will not arrive; the money is owed to the intern again",
)
def fail_payout(request: HttpRequest, payout_uuid: UUID, payload: FailIn) -> Payout:
    staff = _staff(request)
    return ledger_payouts.fail_payout(_payout(payout_uuid), actor=staff, reason=payload.reason)


@router.post(
    "/staff/payouts/{uuid:payout_uuid}/delay",
    response={200: StaffPayoutOut, **ERRORS},
    summary="Staff: record who caused a late payout",
)
def payout_delay(request: HttpRequest, payout_uuid: UUID, payload: DelayIn) -> Payout:
    staff = _staff(request)
    return ledger_payouts.record_payout_delay(_payout(payout_uuid), staff=staff, cause=payload.cause, note=payload.note)
