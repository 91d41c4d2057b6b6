"""Pages and endpoints for owners, and what everyone else gets."""

import pytest
from django.urls import reverse

from rung.webhooks import services
from rung.webhooks.models import Delivery, Endpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(org, alice, receiver):
    return services.create_endpoint(org, actor=alice, url=receiver.url, events=["outcome.recorded"])[0]


@pytest.fixture
def delivered(endpoint, org):
    event = WebhookEvent.objects.create(organisation=org, name="outcome.recorded", data={"stage": "hired"})
    delivery = Delivery.objects.create(endpoint=endpoint, event=event)
    services.attempt_delivery(delivery.pk)
    return delivery


def test_the_owner_adds_an_endpoint_and_sees_the_secret_once(org, alice, receiver, client_for):
    client = client_for(alice)
    page = client.post(
        reverse("webhooks:endpoints", args=["acme"]), {"url": receiver.url, "events": ["offer.accepted"]}
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in page.content.decode()
    assert endpoint.secret not in client.get(reverse("webhooks:endpoints", args=["acme"])).content.decode()
    assert (
        endpoint.secret not in client.get(reverse("webhooks:endpoint", args=["acme", endpoint.uuid])).content.decode()
    )


def test_everyone_but_owners_is_refused(endpoint, delivered, bob, charlie, client_for):
    urls = [
        reverse("webhooks:endpoints", args=["acme"]),
        reverse("webhooks:endpoint", args=["acme", endpoint.uuid]),
        reverse("webhooks:delivery", args=["acme", delivered.uuid]),
    ]
    for url in urls:
        assert client_for(charlie).get(url).status_code == 404
        assert client_for(bob).get(url).status_code == 403
    assert client_for(charlie).post(reverse("webhooks:replay", args=["acme", delivered.uuid])).status_code == 404
    assert client_for(bob).post(reverse("webhooks:rotate", args=["acme", endpoint.uuid])).status_code == 403
    assert Delivery.objects.count() == 1


def test_the_owner_reads_the_log_and_replays(
    endpoint, delivered, alice, receiver, client_for, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    log = client.get(reverse("webhooks:delivery", args=["acme", delivered.uuid])).content.decode()
    assert "200" in log
    assert "outcome.recorded" in log
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("webhooks:replay", args=["acme", delivered.uuid])).status_code == 302
    assert Delivery.objects.filter(replay_of=delivered).count() == 1
    assert len(receiver.requests) == 2


def test_an_endpoint_of_another_organisation_is_404(endpoint, org, alice, client_for):
    from conftest import make_user
    from rung.orgs.models import Membership, Organisation, OrgKind, Role

    other = Organisation.objects.create(name="Rival", slug="rival", kind=OrgKind.EMPLOYER, email_domain="r.example")
    Membership.objects.create(organisation=other, user=make_user("o@r.example", "O"), role=Role.OWNER)
    Membership.objects.create(organisation=other, user=alice, role=Role.OWNER)
    # alice owns both, but the endpoint belongs to Acme: under Rival's address it does not exist
    assert client_for(alice).get(reverse("webhooks:endpoint", args=["rival", endpoint.uuid])).status_code == 404


def test_the_api_for_owners_only(endpoint, delivered, alice, bob, charlie, receiver, api_for):
    base = "/api/v1/webhooks/orgs/acme"
    assert api_for(charlie).get(f"{base}/endpoints").status_code == 404
    assert api_for(bob).get(f"{base}/endpoints").status_code == 403
    created = api_for(alice).post(
        f"{base}/endpoints", {"url": receiver.url, "events": ["credential.issued"]}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    assert "secret" not in api_for(alice).get(f"{base}/endpoints").json()[0]
    bad = api_for(alice).post(f"{base}/endpoints", {"url": "ftp://x", "events": ["x"]}, content_type="application/json")
    assert bad.status_code == 400
    log = api_for(alice).get(f"{base}/endpoints/{endpoint.uuid}/deliveries").json()
    assert [(d["event"], d["status"]) for d in log["items"]] == [("outcome.recorded", "succeeded")]
    assert api_for(bob).post(f"{base}/deliveries/{delivered.uuid}/replay").status_code == 403
    replay = api_for(alice).post(f"{base}/deliveries/{delivered.uuid}/replay")
    assert replay.status_code == 201
    assert replay.json()["replay_of"] == str(delivered.uuid)
    rotated = api_for(alice).post(f"{base}/endpoints/{endpoint.uuid}/rotate")
    assert rotated.json()["secret"] != endpoint.secret
    off = api_for(alice).patch(f"{base}/endpoints/{endpoint.uuid}", {"active": False}, content_type="application/json")
    assert off.json()["active"] is False


def test_the_delivery_log_costs_the_same_at_two_sizes(endpoint, org, alice, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for _ in range(n):
            event = WebhookEvent.objects.create(organisation=org, name="outcome.recorded", data={})
            Delivery.objects.create(endpoint=endpoint, event=event)

    client = client_for(alice)
    url = reverse("webhooks:endpoint", args=["acme", endpoint.uuid])
    add(1)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(5)
    with CaptureQueriesContext(connection) as large:
        body = client.get(url).content.decode()
    assert body.count("outcome.recorded</a>") == 6
    assert len(small) == len(large)
