import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.orgs.models import Membership, Organisation, OrgKind, Role
from rung.webhooks import services, signing
from rung.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(org, alice, receiver) -> tuple[Endpoint, str]:
    return services.create_endpoint(org, actor=alice, url=receiver.url, events=["outcome.recorded", "offer.accepted"])


def fire(django_capture_on_commit_callbacks, org, name="outcome.recorded", **extra):
    payloads: dict[str, dict[str, object]] = {
        "outcome.recorded": {
            "outcome_uuid": "3f0c1f5e-0000-4000-8000-000000000001",
            "candidate_id": 7,
            "stage": "hired",
        },
        "offer.accepted": {
            "application_uuid": "3f0c1f5e-0000-4000-8000-000000000002",
            "project_uuid": "3f0c1f5e-0000-4000-8000-000000000003",
            "engagement_uuid": "3f0c1f5e-0000-4000-8000-000000000004",
        },
        "application.submitted": {
            "application_uuid": "3f0c1f5e-0000-4000-8000-000000000005",
            "project_uuid": "3f0c1f5e-0000-4000-8000-000000000006",
        },
    }
    payload = payloads[name]
    with django_capture_on_commit_callbacks(execute=True):
        emit(name, organisation_id=org.pk, actor_id=1, **payload, **extra)


def test_a_delivery_is_signed_and_verifies(endpoint, org, receiver, django_capture_on_commit_callbacks):
    _, secret = endpoint
    fire(django_capture_on_commit_callbacks, org)
    [request] = receiver.requests
    assert request.path == "/hooks/rung"
    assert request.headers["Rung-Event"] == "outcome.recorded"
    assert signing.verify(request.body, request.headers["Rung-Signature"], secret=secret)
    assert not signing.verify(request.body, request.headers["Rung-Signature"], secret="whsec_wrong")
    assert not signing.verify(request.body + b" ", request.headers["Rung-Signature"], secret=secret)
    body = json.loads(request.body)
    assert body["type"] == "outcome.recorded"
    assert body["organisation"] == "acme"
    assert body["data"] == {"outcome_uuid": "3f0c1f5e-0000-4000-8000-000000000001", "candidate_id": 7, "stage": "hired"}
    assert "actor_id" not in body["data"]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert request.headers["Rung-Delivery"] == str(delivery.uuid)
    assert request.headers["Rung-Event-Id"] == str(delivery.event.uuid) == body["id"]
    assert DeliveryAttempt.objects.get().status_code == 200


def test_an_old_timestamp_does_not_verify(endpoint, org, receiver, django_capture_on_commit_callbacks):
    _, secret = endpoint
    fire(django_capture_on_commit_callbacks, org)
    [request] = receiver.requests
    later = timezone.now().timestamp() + 301
    assert not signing.verify(request.body, request.headers["Rung-Signature"], secret=secret, now=later)


def test_unsubscribed_events_are_not_sent(endpoint, org, receiver, django_capture_on_commit_callbacks):
    fire(django_capture_on_commit_callbacks, org, name="application.submitted")
    assert receiver.requests == []
    assert not WebhookEvent.objects.exists()


def test_an_outsider_organisation_gets_nothing(endpoint, org, receiver, django_capture_on_commit_callbacks):
    other = Organisation.objects.create(name="Rival", slug="rival", kind=OrgKind.EMPLOYER, email_domain="r.example")
    olga = make_user("olga@r.example", "Olga Rival")
    Membership.objects.create(organisation=other, user=olga, role=Role.OWNER)
    services.create_endpoint(other, actor=olga, url=receiver.url + "/rival", events=["outcome.recorded"])
    fire(django_capture_on_commit_callbacks, org)
    assert [r.path for r in receiver.requests] == ["/hooks/rung"]
    assert Delivery.objects.filter(endpoint__organisation=other).count() == 0


def test_it_retries_after_500s_with_backoff_then_delivers(endpoint, org, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 503]
    fire(django_capture_on_commit_callbacks, org)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.RETRYING, 1, 500)
    first_retry = delivery.next_attempt_at
    assert services.retry_due_deliveries() == 0  # not due yet
    assert services.retry_due_deliveries(now=first_retry) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 2)
    # base 60 s, doubled: 60 s after the first failure, 120 s after the second
    assert delivery.next_attempt_at - first_retry == timedelta(seconds=120)
    assert services.retry_due_deliveries(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 3
    assert len({r.headers["Rung-Event-Id"] for r in receiver.requests}) == 1
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500, 503, 200]


def test_it_gives_up_after_the_last_attempt(endpoint, org, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 500, 500, 500]
    fire(django_capture_on_commit_callbacks, org)
    far = timezone.now() + timedelta(days=1)
    services.retry_due_deliveries(now=far)
    services.retry_due_deliveries(now=far + timedelta(days=1))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert services.retry_due_deliveries(now=far + timedelta(days=2)) == 0
    assert len(receiver.requests) == 3


def test_an_unreachable_receiver_is_logged_and_retried(org, alice, django_capture_on_commit_callbacks):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    services.create_endpoint(org, actor=alice, url=f"http://127.0.0.1:{port}/", events=["outcome.recorded"])
    fire(django_capture_on_commit_callbacks, org)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "ConnectError" in delivery.attempt_log.get().error


def test_replay_sends_the_same_event_again(endpoint, org, alice, bob, receiver, django_capture_on_commit_callbacks):
    _, secret = endpoint
    fire(django_capture_on_commit_callbacks, org)
    original = Delivery.objects.get()
    with pytest.raises(PermissionDenied):
        services.replay_delivery(original, actor=bob)
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.replay_delivery(original, actor=alice)
    replay.refresh_from_db()
    assert replay.status == DeliveryStatus.SUCCEEDED
    assert replay.replay_of == original
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["Rung-Event-Id"] == second.headers["Rung-Event-Id"]
    assert first.headers["Rung-Delivery"] != second.headers["Rung-Delivery"]
    assert signing.verify(second.body, second.headers["Rung-Signature"], secret=secret)


def test_rotation_signs_with_both_secrets_for_the_grace_period(
    endpoint, org, alice, receiver, django_capture_on_commit_callbacks
):
    ep, old = endpoint
    new = services.rotate_secret(ep, actor=alice)
    assert new != old
    fire(django_capture_on_commit_callbacks, org)
    [request] = receiver.requests
    header = request.headers["Rung-Signature"]
    assert header.count("v1=") == 2
    assert signing.verify(request.body, header, secret=new)
    assert signing.verify(request.body, header, secret=old)
    # After the grace period only the new secret signs.
    Endpoint.objects.filter(pk=ep.pk).update(previous_secret_expires_at=timezone.now() - timedelta(seconds=1))
    fire(django_capture_on_commit_callbacks, org)
    header = receiver.requests[1].headers["Rung-Signature"]
    assert header.count("v1=") == 1
    assert signing.verify(receiver.requests[1].body, header, secret=new)
    assert not signing.verify(receiver.requests[1].body, header, secret=old)


def test_only_owners_manage_endpoints(org, bob, charlie, receiver):
    with pytest.raises(PermissionDenied):
        services.create_endpoint(org, actor=bob, url=receiver.url, events=["outcome.recorded"])
    with pytest.raises(NotFound):
        services.create_endpoint(org, actor=charlie, url=receiver.url, events=["outcome.recorded"])
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "events", "message"),
    [
        ("ftp://example.com/", ["outcome.recorded"], "https://"),
        ("https://user:pw@example.com/", ["outcome.recorded"], "passwords"),
        ("https://example.com/", [], "at least one"),
        ("https://example.com/", ["project.published"], "Unknown event"),
    ],
)
def test_it_refuses_bad_endpoints(org, alice, url, events, message):
    with pytest.raises(DomainError, match=message):
        services.create_endpoint(org, actor=alice, url=url, events=events)
    assert not Endpoint.objects.exists()


def test_private_addresses_and_plain_http_are_refused_in_production(org, alice, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    with pytest.raises(DomainError, match="https://"):
        services.create_endpoint(org, actor=alice, url="http://example.com/", events=["outcome.recorded"])
    for url in ("https://127.0.0.1/", "https://10.0.0.8/", "https://169.254.169.254/latest", "https://[::1]/"):
        with pytest.raises(DomainError, match="private network"):
            services.create_endpoint(org, actor=alice, url=url, events=["outcome.recorded"])


def test_a_switched_off_endpoint_gets_nothing(endpoint, org, alice, receiver, django_capture_on_commit_callbacks):
    ep, _ = endpoint
    services.update_endpoint(ep, actor=alice, active=False)
    fire(django_capture_on_commit_callbacks, org)
    assert receiver.requests == []


def test_two_sweeps_never_send_one_attempt_twice(endpoint, org, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500]
    fire(django_capture_on_commit_callbacks, org)
    delivery = Delivery.objects.get()
    due = delivery.next_attempt_at
    assert services.attempt_delivery(delivery.pk, now=due) is not None
    assert services.attempt_delivery(delivery.pk, now=due) is None  # already delivered
    assert len(receiver.requests) == 2
