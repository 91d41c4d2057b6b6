"""Webhooks listen to the domain events (rung.lib.events) and turn each one into deliveries to the
endpoints of the organisation it is about. No service calls webhook code; this is the only door."""

from rung.lib.events import Event, subscribe
from rung.webhooks.models import WEBHOOK_EVENTS
from rung.webhooks.services import fan_out


@subscribe(*WEBHOOK_EVENTS)
def deliver(event: Event) -> None:
    fan_out(event.name, event.payload, occurred_at=event.occurred_at)
