"""Money pages: an employer's deposits, escrow and receipts; an intern's earnings; staff reconciliation.

Each view fetches with permission, calls a service, and redirects; the ledger's services decide.
"""

import csv
import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rung.accounts.requests import request_user
from rung.ledger import payouts, pdf, selectors, services
from rung.ledger.forms import CancelForm, ConfirmDepositForm, DelayForm, FailPayoutForm, SettlePayoutForm
from rung.ledger.models import (
    AccountKind,
    DelayCause,
    Deposit,
    DepositStatus,
    LedgerTransaction,
    Payout,
    PayoutStatus,
    TransactionKind,
    normalise_reference,
)
from rung.ledger.providers import PAYMENT_PROVIDERS, BatchExportProvider, InvoiceProvider, spreadsheet_safe
from rung.lib.dates import month_name
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.money import format_money, from_minor, to_minor
from rung.orgs.models import Organisation

DEPOSITS_PER_PAGE = 20
MOVEMENTS_SHOWN = 50
FAILED_SHOWN = 50
STATEMENT_LINES_SHOWN = 50


def staff_required[**P](
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Logged-out people are sent to log in; logged-in people who are not staff find nothing here."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request_user(request).is_staff:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


def _org(request: HttpRequest, slug: str) -> Organisation:
    try:
        return selectors.org_for_money(request_user(request), slug)
    except NotFound:
        raise Http404("No such organisation") from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _deposit(org: Organisation, deposit_uuid: uuid.UUID) -> Deposit:
    try:
        return selectors.get_deposit_for_org(org, deposit_uuid)
    except NotFound:
        raise Http404("No such deposit") from None


def _instructions(deposit: Deposit) -> str:
    provider = PAYMENT_PROVIDERS.get(deposit.provider)
    return provider().instructions(deposit) if provider else ""


def _paid_by(deposit: Deposit) -> str:
    return "Bank transfer" if deposit.provider == InvoiceProvider.name else "Sandbox (no money moved)"


# --- Employers -----------------------------------------------------------------------------


@dataclass
class Movement:
    at: Any
    label: str
    project_uuid: uuid.UUID | None
    amount: str
    note: str = ""
    project_title: str = ""


# What each movement means to the employer, read off the entry into this kind of account.
_MOVEMENT_LABELS: dict[tuple[str, str], str] = {
    (TransactionKind.DEPOSIT, AccountKind.EMPLOYER_FUNDING): "Deposit received",
    (TransactionKind.ESCROW_FUNDING, AccountKind.ESCROW): "Stipends into escrow",
    (TransactionKind.ESCROW_FUNDING, AccountKind.PLATFORM_FEES): "Platform fee",
    (TransactionKind.RELEASE, AccountKind.INTERN_PAYABLE): "Released to an intern (milestone approved)",
    (TransactionKind.KILL_FEE, AccountKind.INTERN_PAYABLE): "Kill fee to an intern (engagement cancelled)",
    (TransactionKind.REFUND, AccountKind.EMPLOYER_FUNDING): "Refunded from escrow to your funding balance",
}


def _movements(transactions: Iterable[LedgerTransaction]) -> list[Movement]:
    rows = []
    for txn in transactions:
        for entry in txn.entries.all():
            label = _MOVEMENT_LABELS.get((txn.kind, entry.account.kind))
            if label and entry.amount_minor > 0:
                note = txn.memo if txn.kind in (TransactionKind.DEPOSIT, TransactionKind.REFUND) else ""
                rows.append(
                    Movement(
                        txn.created_at, label, txn.project_uuid, format_money(entry.amount_minor, entry.currency), note
                    )
                )
    return rows


@login_required
def org_money(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    org = _org(request, slug)
    statement = selectors.statement_for_employer(user, org, movements_limit=MOVEMENTS_SHOWN)
    page = Paginator(selectors.deposits_for_org(org), DEPOSITS_PER_PAGE).get_page(request.GET.get("page"))
    deposits = list(page.object_list)
    waiting = list(selectors.deposits_for_org(org).filter(status=DepositStatus.PENDING))
    movements = _movements(statement.movements)
    titles = selectors.project_titles(
        [d.project_uuid for d in deposits + waiting]
        + list(statement.escrow_by_project)
        + [m.project_uuid for m in movements if m.project_uuid]
    )
    for movement in movements:
        movement.project_title = titles.get(movement.project_uuid, "") if movement.project_uuid else ""
    escrow = [
        {"project_uuid": project, "project_title": titles.get(project, ""), "amount": format_money(amount, currency)}
        for project, balances in statement.escrow_by_project.items()
        for currency, amount in balances.items()
    ]
    return render(
        request,
        "ledger/org_money.html",
        {
            "org": org,
            "totals": [
                {
                    "currency": currency,
                    "deposited": format_money(t.deposited, currency),
                    "fees": format_money(t.fees, currency),
                    "in_escrow": format_money(t.in_escrow, currency),
                    "released": format_money(t.released, currency),
                    "refunded": format_money(t.refunded, currency),
                    "funding_balance": format_money(t.funding_balance, currency),
                    "royalties": format_money(t.royalties, currency) if t.royalties else "",
                    "licences_bought": format_money(t.licences_bought, currency) if t.licences_bought else "",
                }
                for currency, t in sorted(statement.totals.items())
            ],
            "page_obj": page,
            "deposits": [
                {
                    "deposit": d,
                    "project_title": titles.get(d.project_uuid, ""),
                    "amount": format_money(d.amount_minor, d.currency),
                    "escrow": format_money(d.escrow_minor, d.currency),
                    "fee": format_money(d.fee_minor, d.currency),
                }
                for d in deposits
            ],
            "waiting": [
                {
                    "deposit": d,
                    "project_title": titles.get(d.project_uuid, ""),
                    "amount": format_money(d.amount_minor, d.currency),
                    "instructions": _instructions(d),
                }
                for d in waiting
            ],
            "escrow": escrow,
            "movements": movements,
            "movements_shown": MOVEMENTS_SHOWN,
            "can_fund": selectors.may_fund(user, org),
            "employer_delays": selectors.employer_caused_delays(org),
            "nav": "orgs",
        },
    )


def _receipt_context(org: Organisation, deposit: Deposit) -> dict[str, Any]:
    if deposit.status != DepositStatus.CONFIRMED:
        raise Http404("Only a received deposit has a receipt")
    currency = deposit.currency
    return {
        "org": org,
        "deposit": deposit,
        "project": selectors.project_titles([deposit.project_uuid]).get(deposit.project_uuid, "A project"),
        "stipend": format_money(deposit.stipend_minor, currency),
        "escrow": format_money(deposit.escrow_minor, currency),
        "fee": format_money(deposit.fee_minor, currency),
        "amount": format_money(deposit.amount_minor, currency),
        "paid_by": _paid_by(deposit),
        "nav": "orgs",
    }


@login_required
def receipt(request: HttpRequest, slug: str, deposit_uuid: uuid.UUID) -> HttpResponse:
    org = _org(request, slug)
    return render(request, "ledger/receipt.html", _receipt_context(org, _deposit(org, deposit_uuid)))


@login_required
def receipt_pdf(request: HttpRequest, slug: str, deposit_uuid: uuid.UUID) -> HttpResponse:
    org = _org(request, slug)
    deposit = _deposit(org, deposit_uuid)
    context = _receipt_context(org, deposit)
    document = pdf.receipt_pdf(
        reference=deposit.reference,
        organisation=org.name,
        project=context["project"],
        received_at=deposit.confirmed_at,
        seats=deposit.seats,
        stipend_minor=deposit.stipend_minor,
        escrow_minor=deposit.escrow_minor,
        fee_percent=str(deposit.fee_percent),
        fee_minor=deposit.fee_minor,
        amount_minor=deposit.amount_minor,
        currency=deposit.currency,
        paid_by=context["paid_by"],
        bank_reference=deposit.provider_reference if deposit.provider == InvoiceProvider.name else "",
    )
    return _download(document, "application/pdf", f"rung-receipt-{deposit.reference}.pdf")


@login_required
@require_POST
def cancel_deposit(request: HttpRequest, slug: str, deposit_uuid: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    org = _org(request, slug)
    if not selectors.may_fund(user, org):
        raise DjangoPermissionDenied("Only an owner or manager can withdraw a deposit.")
    deposit = _deposit(org, deposit_uuid)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_deposit(deposit, actor=user, reason=reason or "Withdrawn by the employer")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Deposit {deposit.reference} was withdrawn. Do not transfer money for it.")
    return redirect("ledger:org", slug=org.slug)


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Interns -------------------------------------------------------------------------------


def waiting_amounts(user: Any) -> list[str]:
    """The person's payouts held for want of payout details, formatted, for the banner asking for them."""
    return [format_money(total, currency) for currency, total in selectors.waiting_payouts_for(user).items()]


def _payout_status(payout: Payout) -> str:
    if payout.status == PayoutStatus.SETTLED and payout.settled_at:
        return f"Paid on {timezone.localtime(payout.settled_at):%d %b %Y}"
    if payout.status == PayoutStatus.FAILED:
        return f"Failed: {payout.failure_reason} (the money is owed to you again)"
    if payout.status == PayoutStatus.WAITING:
        return "Waiting for your payout details"
    return payout.get_status_display()


def _pending_note(owed: int, in_transit: int, currency: str) -> str:
    parts = []
    if owed:
        parts.append(f"{format_money(owed, currency)} approved and waiting for the next payout")
    if in_transit:
        parts.append(f"{format_money(in_transit, currency)} sent to your bank")
    return ", ".join(parts)


@login_required
def earnings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    statement = selectors.statement_for_intern(user)
    lines = selectors.intern_statement_lines(user)
    recent = list(reversed(lines))[:STATEMENT_LINES_SHOWN]
    titles = selectors.project_titles(line.project_uuid for line in recent if line.project_uuid)
    target = selectors.payout_target_business_days()
    return render(
        request,
        "ledger/earnings.html",
        {
            "totals": [
                {
                    "currency": currency,
                    "earned": format_money(t.earned, currency),
                    "owed": format_money(t.owed, currency),
                    "in_transit": format_money(t.in_transit, currency),
                    "pending": format_money(t.owed + t.in_transit, currency),
                    "pending_note": _pending_note(t.owed, t.in_transit, currency),
                    "paid": format_money(t.paid, currency),
                    "royalties": format_money(t.royalties, currency) if t.royalties else "",
                }
                for currency, t in sorted(statement.totals.items())
            ],
            "payouts": [
                {
                    "payout": p,
                    "amount": format_money(p.amount_minor, p.currency),
                    "status": _payout_status(p),
                    "due_by": p.due_by(target),
                    "late": p.is_late(target),
                }
                for p in statement.payouts
            ],
            "lines": [
                {
                    "line": line,
                    "amount": format_money(line.amount_minor, line.currency),
                    "owed_after": format_money(line.owed_after, line.currency),
                    "project_title": titles.get(line.project_uuid, "") if line.project_uuid else "",
                }
                for line in recent
            ],
            "more_lines": len(lines) > len(recent),
            "target": target,
            "payout_waiting": waiting_amounts(user),
            "nav": "earnings",
        },
    )


def _signed(minor: int, currency: str) -> str:
    return ("+" if minor > 0 else "") + format_money(minor, currency)


@login_required
def statement_csv(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    lines = selectors.intern_statement_lines(user)
    titles = selectors.project_titles(line.project_uuid for line in lines if line.project_uuid)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["date", "what", "project", "engagement", "amount", "currency", "owed_after", "payout", "payout_status"]
    )
    for line in lines:
        writer.writerow(
            [
                line.at.isoformat(),
                spreadsheet_safe(line.description),
                spreadsheet_safe(titles.get(line.project_uuid, "")) if line.project_uuid else "",
                line.engagement_uuid or "",
                from_minor(line.amount_minor, line.currency),
                line.currency,
                from_minor(line.owed_after, line.currency),
                line.payout.uuid if line.payout else "",
                line.payout.status if line.payout else "",
            ]
        )
    return _download(out.getvalue(), "text/csv; charset=utf-8", f"rung-earnings-{timezone.now():%Y-%m-%d}.csv")


@login_required
def statement_pdf(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    statement = selectors.statement_for_intern(user)
    lines = selectors.intern_statement_lines(user)
    titles = selectors.project_titles(line.project_uuid for line in lines if line.project_uuid)
    document = pdf.statement_pdf(
        name=user.full_name or user.email,
        email=user.email,
        totals=[
            pdf.StatementTotals(currency, t.earned, t.owed + t.in_transit, t.paid)
            for currency, t in sorted(statement.totals.items())
        ],
        payouts=[
            pdf.Row(
                [
                    f"{timezone.localtime(p.created_at):%d %b %Y}",
                    format_money(p.amount_minor, p.currency),
                    _payout_status(p),
                    f"{timezone.localtime(p.settled_at):%d %b %Y}" if p.settled_at else "—",
                ]
            )
            for p in statement.payouts
        ],
        lines=[
            pdf.Row(
                [
                    f"{timezone.localtime(line.at):%d %b %Y}",
                    line.description,
                    titles.get(line.project_uuid, "") if line.project_uuid else "",
                    _signed(line.amount_minor, line.currency),
                    format_money(line.owed_after, line.currency),
                ]
            )
            for line in lines
        ],
    )
    return _download(document, "application/pdf", f"rung-earnings-{timezone.now():%Y-%m-%d}.pdf")


FIRST_YEAR = 2000


def _statement_year(raw: str | None) -> tuple[int, str]:
    """The year asked for, or this year with a message saying why the one asked for was not used."""
    this_year = timezone.now().year
    if raw in (None, ""):
        return this_year, ""
    try:
        year = int(str(raw).strip())
    except ValueError:
        return this_year, "Choose a year such as 2025."
    if not FIRST_YEAR <= year <= this_year:
        return this_year, f"Choose a year from {FIRST_YEAR} to {this_year}."
    return year, ""


def _yearly_rows(statement: selectors.YearlyStatement) -> dict[str, list[dict[str, str]]]:
    return {
        "totals": [{"currency": c, "paid": format_money(t, c)} for c, t in statement.total().items()],
        "by_employer": [
            {"employer": e, "currency": c, "paid": format_money(t, c)} for e, c, t in statement.by_employer()
        ],
        "by_month": [
            {"month": month_name(m), "currency": c, "paid": format_money(t, c)} for m, c, t in statement.by_month()
        ],
        "lines": [
            {
                "employer": line.employer,
                "month": month_name(line.month),
                "currency": line.currency,
                "paid": format_money(line.paid_minor, line.currency),
            }
            for line in statement.lines
        ],
    }


@login_required
def yearly_statement(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year, error = _statement_year(request.GET.get("year"))
    statement = selectors.yearly_earnings(user, year)
    years = selectors.earning_years(user)
    return render(
        request,
        "ledger/yearly.html",
        {
            "year": year,
            "years": years if year in years else sorted({*years, year}, reverse=True),
            "error": error,
            "payout_waiting": waiting_amounts(user),
            **_yearly_rows(statement),
            "nav": "earnings",
        },
        status=400 if error else 200,
    )


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.now().year:
        raise Http404("No statement for that year")
    return year


@login_required
def yearly_statement_csv(request: HttpRequest, year: int) -> HttpResponse:
    statement = selectors.yearly_earnings(request_user(request), _year_or_404(year))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "employer", "month", "currency", "paid"])
    for line in statement.lines:
        writer.writerow(
            [
                year,
                spreadsheet_safe(line.employer),
                line.month,
                line.currency,
                from_minor(line.paid_minor, line.currency),
            ]
        )
    for employer, currency, total in statement.by_employer():
        writer.writerow([year, spreadsheet_safe(employer), "all", currency, from_minor(total, currency)])
    for month, currency, total in statement.by_month():
        writer.writerow([year, "all", month, currency, from_minor(total, currency)])
    for currency, total in statement.total().items():
        writer.writerow([year, "all", "all", currency, from_minor(total, currency)])
    return _download(out.getvalue(), "text/csv; charset=utf-8", f"rung-earnings-{year}.csv")


@login_required
def yearly_statement_pdf(request: HttpRequest, year: int) -> HttpResponse:
    user = request_user(request)
    statement = selectors.yearly_earnings(user, _year_or_404(year))
    rows = _yearly_rows(statement)
    document = pdf.yearly_statement_pdf(
        name=user.full_name or user.email,
        email=user.email,
        year=year,
        totals=[pdf.Row([r["currency"], r["paid"]], bold=True) for r in rows["totals"]],
        by_employer=[pdf.Row([r["employer"], r["currency"], r["paid"]]) for r in rows["by_employer"]],
        by_month=[pdf.Row([r["month"], r["currency"], r["paid"]]) for r in rows["by_month"]],
    )
    return _download(document, "application/pdf", f"rung-earnings-{year}.pdf")


# --- Staff ---------------------------------------------------------------------------------

_KIND_ORDER = [
    AccountKind.EMPLOYER_FUNDING,
    AccountKind.ESCROW,
    AccountKind.INTERN_PAYABLE,
    AccountKind.PAYOUTS_IN_TRANSIT,
    AccountKind.PLATFORM_FEES,
    AccountKind.EXTERNAL_WORLD,
]
_KIND_HELP = {
    AccountKind.EMPLOYER_FUNDING: "paid in or refunded, not yet in a project's escrow",
    AccountKind.ESCROW: "held for approved-to-be milestones",
    AccountKind.INTERN_PAYABLE: "approved, not yet in a payout",
    AccountKind.PAYOUTS_IN_TRANSIT: "in payouts that have not arrived",
    AccountKind.PLATFORM_FEES: "Rung's revenue",
    AccountKind.EXTERNAL_WORLD: "minus everything Rung holds: the mirror of the accounts above",
}


@staff_required
def staff_overview(request: HttpRequest) -> HttpResponse:
    balances = selectors.platform_balances()
    currencies = sorted(balances)
    now = timezone.now()
    return render(
        request,
        "ledger/staff_overview.html",
        {
            "reconciliation": selectors.reconciliation_status(),
            "currencies": currencies,
            "balance_rows": [
                {
                    "label": AccountKind(kind).label,
                    "help": _KIND_HELP[kind],
                    "amounts": [format_money(balances[c].get(kind, 0), c) for c in currencies],
                }
                for kind in _KIND_ORDER
            ],
            "unmatched": selectors.unmatched_deposits().count(),
            "pending": Payout.objects.filter(status=PayoutStatus.PENDING).count(),
            "sent": Payout.objects.filter(status=PayoutStatus.SENT).count(),
            "overdue": len(selectors.overdue_payouts(now=now)),
            "target": selectors.payout_target_business_days(),
            "staff_nav": "overview",
            "nav": "money_staff",
        },
    )


@staff_required
def staff_deposits(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    deposits = list(selectors.unmatched_deposits())
    if query:
        wanted = normalise_reference(query)
        deposits = [d for d in deposits if wanted in d.reference]
    titles = selectors.project_titles(d.project_uuid for d in deposits)
    return render(
        request,
        "ledger/staff_deposits.html",
        {
            "deposits": [
                {
                    "deposit": d,
                    "amount": format_money(d.amount_minor, d.currency),
                    "amount_plain": from_minor(d.amount_minor, d.currency),
                    "project_title": titles.get(d.project_uuid, ""),
                }
                for d in deposits
            ],
            "query": query,
            "staff_nav": "deposits",
            "nav": "money_staff",
        },
    )


def _staff_deposit(deposit_uuid: uuid.UUID) -> Deposit:
    return get_object_or_404(Deposit.objects.select_related("organisation"), uuid=deposit_uuid)


@staff_required
@require_POST
def staff_confirm_deposit(request: HttpRequest, deposit_uuid: uuid.UUID) -> HttpResponse:
    deposit = _staff_deposit(deposit_uuid)
    form = ConfirmDepositForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"To confirm {deposit.reference}, give the reference and the amount received.")
        return redirect("ledger:staff_deposits")
    try:
        amount = to_minor(form.cleaned_data["amount"], deposit.currency)
        deposit = services.confirm_deposit(
            deposit,
            staff=request_user(request),
            reference=form.cleaned_data["reference"],
            amount_minor=amount,
            provider_reference=form.cleaned_data["bank_reference"],
        )
    except DomainError as exc:
        messages.error(request, f"{deposit.reference}: {exc.message}")
    else:
        messages.success(
            request,
            f"Deposit {deposit.reference} from {deposit.organisation.name} confirmed: "
            f"{format_money(deposit.escrow_minor, deposit.currency)} is in escrow. The employer can publish now.",
        )
    return redirect("ledger:staff_deposits")


@staff_required
@require_POST
def staff_cancel_deposit(request: HttpRequest, deposit_uuid: uuid.UUID) -> HttpResponse:
    deposit = _staff_deposit(deposit_uuid)
    form = CancelForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["reason"].strip():
        messages.error(request, f"Say why {deposit.reference} is cancelled; the employer will see it.")
        return redirect("ledger:staff_deposits")
    try:
        services.cancel_deposit(deposit, actor=request_user(request), reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, f"{deposit.reference}: {exc.message}")
    else:
        messages.success(request, f"Deposit {deposit.reference} was cancelled.")
    return redirect("ledger:staff_deposits")


def _payout_rows(payouts: Iterable[Payout], target: int) -> list[dict[str, Any]]:
    return [
        {
            "payout": p,
            "amount": format_money(p.amount_minor, p.currency),
            "due_by": p.due_by(target),
            "late": p.is_late(target),
        }
        for p in payouts
    ]


@staff_required
def staff_payouts(request: HttpRequest) -> HttpResponse:
    target = selectors.payout_target_business_days()
    pending = selectors.payouts_with_status(PayoutStatus.PENDING)
    exportable = [p for p in pending if p.provider == BatchExportProvider.name]
    sepa_ready = payouts.sepa_configured()
    forms = selectors.payout_account_forms(exportable) if sepa_ready else {}
    in_sepa = sum(payouts.fits_sepa(p, forms) for p in exportable) if sepa_ready else 0
    return render(
        request,
        "ledger/staff_payouts.html",
        {
            "late": _payout_rows(selectors.late_payouts(), target),
            "pending": _payout_rows(pending, target),
            "exportable": len(exportable),
            "exportable_sepa": in_sepa,
            "exportable_csv": len(exportable) - in_sepa,
            "sepa_ready": sepa_ready,
            "waiting": selectors.waiting_payouts_summary(),
            "sent": _payout_rows(selectors.payouts_with_status(PayoutStatus.SENT), target),
            "failed": _payout_rows(selectors.payouts_with_status(PayoutStatus.FAILED, limit=FAILED_SHOWN), target),
            "failed_shown": FAILED_SHOWN,
            "batches": [
                {"batch": b, "total": format_money(b.total_minor, b.currency)} for b in selectors.payout_batches()
            ],
            "causes": DelayCause.choices,
            "target": target,
            "staff_nav": "payouts",
            "nav": "money_staff",
        },
    )


@staff_required
@require_POST
def staff_export_batch(request: HttpRequest) -> HttpResponse:
    try:
        batch = payouts.export_payout_batch(
            staff=request_user(request), file_format=request.POST.get("format", payouts.BatchFormat.CSV)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:staff_payouts")
    if not batch.payouts:
        messages.info(request, "There are no pending payouts to export in this file.")
        return redirect("ledger:staff_payouts")
    # The file is the batch: its payouts are now marked sent, so it is downloaded at once (and
    # can be listed again from the list of batches).
    return _download(batch.content, batch.content_type, batch.filename)


@staff_required
def staff_batch_csv(request: HttpRequest, reference: str) -> HttpResponse:
    if not Payout.objects.filter(batch_reference=reference).exists():
        raise Http404("No such batch")
    return _download(selectors.payout_batch_csv(reference), "text/csv; charset=utf-8", f"{reference}.csv")


def _staff_payout(payout_uuid: uuid.UUID) -> Payout:
    return get_object_or_404(Payout.objects.select_related("intern"), uuid=payout_uuid)


def _back_to_payouts(payout: Payout) -> HttpResponse:
    return redirect(reverse("ledger:staff_payouts") + f"#payout-{payout.uuid}")


@staff_required
@require_POST
def staff_settle_payout(request: HttpRequest, payout_uuid: uuid.UUID) -> HttpResponse:
    payout = _staff_payout(payout_uuid)
    form = SettlePayoutForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    try:
        payout = payouts.settle_payout(payout, actor=request_user(request), provider_reference=reference)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Marked paid: {format_money(payout.amount_minor, payout.currency)} to {payout.intern.full_name}."
        )
    return _back_to_payouts(payout)


@staff_required
@require_POST
def staff_fail_payout(request: HttpRequest, payout_uuid: uuid.UUID) -> HttpResponse:
    payout = _staff_payout(payout_uuid)
    form = FailPayoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the payout failed, so it can be put right.")
        return _back_to_payouts(payout)
    try:
        payout = payouts.fail_payout(payout, actor=request_user(request), reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Marked failed: {format_money(payout.amount_minor, payout.currency)} is owed to "
            f"{payout.intern.full_name} again and goes out in the next payout run.",
        )
    return _back_to_payouts(payout)


@staff_required
@require_POST
def staff_payout_delay(request: HttpRequest, payout_uuid: uuid.UUID) -> HttpResponse:
    payout = _staff_payout(payout_uuid)
    form = DelayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose who caused the delay.")
        return _back_to_payouts(payout)
    try:
        payout = payouts.record_payout_delay(
            payout, staff=request_user(request), cause=form.cleaned_data["cause"], note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Recorded who caused the delay: {payout.get_delay_cause_display()}.")
    return _back_to_payouts(payout)
