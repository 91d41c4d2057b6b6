"""Background work for webhooks: load by id → call the service (idempotent: an attempt is claimed)."""

from django.tasks import task

from rung.webhooks import services


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = services.attempt_delivery(delivery_id)
    return "not due" if delivery is None else str(delivery.status)


@task()
def retry_due_deliveries_task() -> int:
    return services.retry_due_deliveries()
