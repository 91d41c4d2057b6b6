import pytest

from rung.notifications.models import Notification
from rung.notifications.services import notify

pytestmark = pytest.mark.django_db


def _tell(user, title="Your work was approved", actor=None):
    (notification,) = notify([user], verb="submission.approved", title=title, body="", actor=actor, email=False)
    return notification


def test_list_is_mine_paginated_and_unread_first(api_for, alice, bob, charlie, django_assert_max_num_queries):
    old = _tell(alice, "Old", actor=bob)
    for i in range(24):
        _tell(alice, f"New {i}", actor=bob)
    _tell(charlie, "Not alice's")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    client = api_for(alice)
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/notifications").json()
    assert page["count"] == 25
    assert len(page["items"]) == 20
    item = page["items"][0]
    assert item["unread"] is True
    assert item["actor"] == "Bob Reviewer"
    assert item["verb"] == "submission.approved"
    last = client.get("/api/v1/notifications?page=2").json()["items"]
    assert [i["title"] for i in last][-1] == "Old"
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 24
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 24}
    assert api_for(charlie).get("/api/v1/notifications").json()["count"] == 1


def test_mark_one_read(api_for, alice):
    notification = _tell(alice)
    response = api_for(alice).post(f"/api/v1/notifications/{notification.uuid}/read")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(api_for, alice, bob):
    _tell(alice)
    _tell(alice)
    _tell(bob)
    assert api_for(alice).post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert Notification.objects.filter(read_at=None).get().recipient == bob


def test_an_outsider_gets_404_and_changes_nothing(api_for, alice, charlie):
    notification = _tell(alice)
    client = api_for(charlie)
    response = client.post(f"/api/v1/notifications/{notification.uuid}/read")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}
    assert client.get("/api/v1/notifications").json() == {"items": [], "count": 0}
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_needs_authentication(client, alice):
    notification = _tell(alice)
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post(f"/api/v1/notifications/{notification.uuid}/read").status_code == 401
