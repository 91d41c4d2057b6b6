"""The webhooks API, for an organisation's owners: endpoints, deliveries, replay, rotation."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.orgs.models import Organisation
from rung.orgs.selectors import get_org_for_user
from rung.webhooks import selectors, services
from rung.webhooks.models import Delivery, Endpoint
from rung.webhooks.schemas import DeliveryOut, EndpointIn, EndpointOut, EndpointPatch, EndpointSecretOut

router = Router(tags=["webhooks"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _owned(request: HttpRequest, slug: str) -> Organisation:
    user = request_user(request)
    org, _ = get_org_for_user(user, slug)
    services.check_owner(user, org)
    return org


@router.get("/orgs/{slug}/endpoints", response={200: list[EndpointOut], **ERRORS})
def list_endpoints(request: HttpRequest, slug: str) -> QuerySet[Endpoint]:
    return selectors.endpoints_of(_owned(request, slug))[:100]


@router.post("/orgs/{slug}/endpoints", response={201: EndpointSecretOut, **ERRORS}, summary="Add an endpoint")
def create_endpoint(request: HttpRequest, slug: str, payload: EndpointIn) -> Status[EndpointSecretOut]:
    org = _owned(request, slug)
    endpoint, secret = services.create_endpoint(
        org, actor=request_user(request), url=payload.url, events=payload.events, description=payload.description
    )
    return Status(201, EndpointSecretOut(endpoint=EndpointOut.from_orm(endpoint), secret=secret))


@router.patch("/orgs/{slug}/endpoints/{uuid:endpoint_uuid}", response={200: EndpointOut, **ERRORS})
def update_endpoint(request: HttpRequest, slug: str, endpoint_uuid: UUID, payload: EndpointPatch) -> Endpoint:
    org = _owned(request, slug)
    endpoint = selectors.get_endpoint(org, str(endpoint_uuid))
    return services.update_endpoint(
        endpoint,
        actor=request_user(request),
        url=payload.url,
        events=payload.events,
        active=payload.active,
        description=payload.description,
    )


@router.post(
    "/orgs/{slug}/endpoints/{uuid:endpoint_uuid}/rotate",
    response={200: EndpointSecretOut, **ERRORS},
    summary="Rotate the secret (the old one still signs for the grace period)",
)
def rotate(request: HttpRequest, slug: str, endpoint_uuid: UUID) -> EndpointSecretOut:
    org = _owned(request, slug)
    endpoint = selectors.get_endpoint(org, str(endpoint_uuid))
    secret = services.rotate_secret(endpoint, actor=request_user(request))
    return EndpointSecretOut(endpoint=EndpointOut.from_orm(endpoint), secret=secret)


@router.get("/orgs/{slug}/endpoints/{uuid:endpoint_uuid}/deliveries", response={200: list[DeliveryOut], **ERRORS})
@paginate(Pagination)
def deliveries(request: HttpRequest, slug: str, endpoint_uuid: UUID) -> QuerySet[Delivery]:
    org = _owned(request, slug)
    return selectors.deliveries_of(selectors.get_endpoint(org, str(endpoint_uuid))).select_related("replay_of")


@router.post(
    "/orgs/{slug}/deliveries/{uuid:delivery_uuid}/replay",
    response={201: DeliveryOut, **ERRORS},
    summary="Send an event again (same event id, new delivery)",
)
def replay(request: HttpRequest, slug: str, delivery_uuid: UUID) -> Status[Delivery]:
    org = _owned(request, slug)
    again = services.replay_delivery(selectors.get_delivery(org, str(delivery_uuid)), actor=request_user(request))
    again.refresh_from_db()
    return Status(201, again)
