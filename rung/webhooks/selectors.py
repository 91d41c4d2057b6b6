"""Reads of webhooks, scoped to an organisation its owner is looking at."""

from django.db.models import QuerySet

from rung.lib.errors import NotFound
from rung.orgs.models import Organisation
from rung.webhooks.models import Delivery, Endpoint


def endpoints_of(org: Organisation) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(organisation=org).order_by("created_at", "id")


def get_endpoint(org: Organisation, endpoint_uuid: str) -> Endpoint:
    endpoint = endpoints_of(org).filter(uuid=endpoint_uuid).select_related("organisation").first()
    if endpoint is None:
        raise NotFound("No such endpoint.")
    return endpoint


def deliveries_of(endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.select_related("event").order_by("-created_at", "-id")


def get_delivery(org: Organisation, delivery_uuid: str) -> Delivery:
    delivery = (
        Delivery.objects.filter(endpoint__organisation=org, uuid=delivery_uuid)
        .select_related("endpoint__organisation", "event")
        .first()
    )
    if delivery is None:
        raise NotFound("No such delivery.")
    return delivery
