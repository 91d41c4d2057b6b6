"""The ledger's own reactions to domain events."""

from rung.lib.events import Event, subscribe


@subscribe("payout_details.confirmed")
def release_payouts_of_confirmed_payee(event: Event) -> None:
    # Immediately on confirmation: the intern's waiting payouts join the next batch.
    from rung.ledger.services import release_waiting_payouts

    release_waiting_payouts(user_ids=[int(event.payload["user_id"])])
