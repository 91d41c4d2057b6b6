"""The domain-event list: delivered on commit only, checked names and payloads, plain values."""

import uuid

import pytest
from django.db import transaction

from rung.lib import events


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[events.Event]:
    monkeypatch.setattr(events, "_subscribers", {})
    got: list[events.Event] = []
    events.subscribe("offer.made")(got.append)
    return got


@pytest.mark.django_db
def test_it_delivers_an_event_when_the_transaction_commits(heard, django_capture_on_commit_callbacks):
    application = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("offer.made", application_uuid=application, project_uuid="p", actor_id=3)
        assert heard == []
    assert [(e.name, e.payload) for e in heard] == [
        ("offer.made", {"application_uuid": str(application), "project_uuid": "p", "actor_id": 3})
    ]


@pytest.mark.django_db(transaction=True)
def test_it_delivers_nothing_when_the_transaction_rolls_back(heard):
    def refused_offer() -> None:
        with transaction.atomic():
            events.emit("offer.made", application_uuid="a", project_uuid="p")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused_offer()
    assert heard == []


def test_it_refuses_an_event_that_is_not_on_the_list():
    with pytest.raises(ValueError, match="no such domain event"):
        events.emit("offer.misplaced", application_uuid="a")
    with pytest.raises(ValueError, match="no such domain event"):
        events.subscribe("offer.misplaced")


def test_it_refuses_missing_and_unknown_payload_keys():
    with pytest.raises(ValueError, match=r"unknown keys \['colour'\], missing keys \['project_uuid'\]"):
        events.emit("offer.made", application_uuid="a", colour="red")


def test_it_refuses_objects_in_a_payload():
    with pytest.raises(TypeError, match="plain values"):
        events.emit("offer.made", application_uuid=object(), project_uuid="p")


@pytest.mark.django_db
def test_a_wildcard_subscriber_hears_every_event(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(events, "_subscribers", {})
    got: list[str] = []
    events.subscribe("*")(lambda event: got.append(event.name))
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("project.published", project_uuid="p")
        events.emit("payout.settled", payout_id=1, user_id=2)
    assert got == ["project.published", "payout.settled"]


def test_every_event_is_named_in_dotted_words():
    for name, spec in events.EVENT_TYPES.items():
        assert name == spec.name
        assert name.count(".") == 1, name
        assert spec.payload, name
