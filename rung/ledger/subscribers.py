"""The ledger's own reactions to domain events: releasing payouts, and asking interns where to pay them."""

from django.urls import reverse

from rung.ledger.models import LedgerTransaction, Payout, PayoutStatus, ProjectName, TransactionKind
from rung.lib.events import Event, subscribe
from rung.lib.money import format_money
from rung.notifications.services import notify


@subscribe("payout_details.confirmed")
def release_payouts_of_confirmed_payee(event: Event) -> None:
    # Immediately on confirmation: the intern's waiting payouts join the next batch.
    from rung.ledger.payouts import release_waiting_payouts

    release_waiting_payouts(user_ids=[int(event.payload["user_id"])])


def _project_title(payout: Payout) -> str:
    project_uuid = (
        LedgerTransaction.objects.filter(
            engagement_uuid=payout.engagement_uuid, kind__in=[TransactionKind.RELEASE, TransactionKind.KILL_FEE]
        )
        .order_by("pk")
        .values_list("project_uuid", flat=True)
        .first()
    )
    if project_uuid is None:
        return ""
    return ProjectName.objects.filter(project_uuid=project_uuid).values_list("title", flat=True).first() or ""


@subscribe("payout.waiting")
def ask_for_payout_details(event: Event) -> None:
    """Tell the intern, once per waiting payout, that their money waits only for their bank details."""
    payout = Payout.objects.select_related("intern").filter(pk=event.payload["payout_id"]).first()
    if payout is None or payout.status != PayoutStatus.WAITING:
        return  # already released: the details arrived before this was delivered
    amount = format_money(payout.amount_minor, payout.currency)
    title = _project_title(payout)
    for_what = f" for “{title}”" if title else ""
    notify(
        [payout.intern],
        verb="payout.waiting",
        title=f"Add your payout details to receive {amount}",
        body=(
            f"{amount}{for_what} is approved and ready to pay, but we do not know where to send it. "
            "Add your bank details and confirm them from the e-mail we send; the payout goes out straight after."
        ),
        url=reverse("payees:details"),
        email_template="ledger/email/payout_waiting",
        context={"amount": amount, "project_title": title},
        dedupe_key=f"payout_waiting:{payout.uuid}",
    )
