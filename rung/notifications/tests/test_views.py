import pytest
from django.urls import reverse

from rung.notifications.context_processors import unread_count
from rung.notifications.models import Notification
from rung.notifications.services import notify

pytestmark = pytest.mark.django_db


def _tell(user, title="Your work was approved", url="/orgs/acme/", **kwargs):
    (notification,) = notify([user], verb="submission.approved", title=title, body="Well done.", url=url, email=False)
    return notification


def test_the_centre_lists_only_my_notifications_unread_first(client_for, alice, charlie):
    read = _tell(alice, "An old one")
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])
    _tell(alice, "A new one")
    _tell(charlie, "Charlie's business")
    body = client_for(alice).get(reverse("notifications:list")).content.decode()
    assert "Charlie&#x27;s business" not in body
    assert body.index("A new one") < body.index("An old one")
    assert "1 unread" in body
    assert "Mark all as read" in body
    assert reverse("notifications:open", args=[read.uuid]) in body


def test_an_empty_centre_says_what_will_appear(client_for, charlie):
    body = client_for(charlie).get(reverse("notifications:list")).content.decode()
    assert "No notifications yet" in body
    assert "an application that moves on" in body
    assert "Mark all as read" not in body


def test_the_centre_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_centre_pages_by_twenty(client_for, alice):
    for i in range(45):
        _tell(alice, f"Notification number {i:02}")
    client = client_for(alice)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count('class="badge warn"') == 20
    assert "Page 1 of 3" in first
    third = client.get(reverse("notifications:list") + "?page=3").content.decode()
    assert third.count('class="badge warn"') == 5


@pytest.mark.parametrize("existing", [1, 60])
def test_the_centre_costs_the_same_however_many_there_are(
    client_for, alice, bob, existing, django_assert_max_num_queries
):
    # The nav's unread count comes from the context processor installed in settings.
    for i in range(existing):
        notify([alice], verb="a.b", title=f"N{i}", body="", actor=bob, email=False)
    client = client_for(alice)
    # session, user, page count, page rows (actors joined), the unread count (view), the nav's count,
    # the nav's unread messages,
    # the nav's roles (memberships, rung/dashboard/roles.py)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.context["unread_notifications"] == existing


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, alice):
    notification = _tell(alice)
    response = client_for(alice).get(reverse("notifications:open", args=[notification.uuid]))
    assert response.status_code == 302
    assert response.url == "/orgs/acme/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_without_a_link_opens_the_centre(client_for, alice):
    notification = _tell(alice, url="")
    response = client_for(alice).get(reverse("notifications:open", args=[notification.uuid]))
    assert response.url == reverse("notifications:list")


def test_marking_one_read_without_javascript_redirects_back_to_the_page(client_for, alice):
    notification = _tell(alice)
    response = client_for(alice).post(reverse("notifications:mark_read", args=[notification.uuid]), {"page": "2"})
    assert response.status_code == 302
    assert response.url == reverse("notifications:list") + "?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_one_read_with_htmx_swaps_just_that_item(client_for, alice):
    notification = _tell(alice)
    _tell(alice, "Still unread")
    response = client_for(alice).post(
        reverse("notifications:mark_read", args=[notification.uuid]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="notification-{notification.uuid}">')
    assert "<html" not in body
    assert "Still unread" not in body
    assert "Mark as read" not in body  # it is read now
    assert ">Read<" in body
    # The navigation count and the summary are updated out of band.
    assert 'id="nav-unread-notifications" hx-swap-oob="true"> (1 unread)' in body
    assert 'id="notifications-summary"' in body


def test_mark_all_read(client_for, alice, bob):
    _tell(alice)
    _tell(alice)
    _tell(bob)
    response = client_for(alice).post(reverse("notifications:mark_all_read"), follow=True)
    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at=None).exists()
    assert Notification.objects.filter(recipient=bob, read_at=None).count() == 1


def test_an_outsider_cannot_see_or_mark_someone_elses_notification(client_for, alice, charlie):
    notification = _tell(alice)
    client = client_for(charlie)
    assert client.get(reverse("notifications:open", args=[notification.uuid])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[notification.uuid])).status_code == 404
    hx = client.post(reverse("notifications:mark_read", args=[notification.uuid]), headers={"HX-Request": "true"})
    assert hx.status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert "Your work was approved" not in client.get(reverse("notifications:list")).content.decode()


def test_marking_needs_a_post(client_for, alice):
    notification = _tell(alice)
    assert client_for(alice).get(reverse("notifications:mark_read", args=[notification.uuid])).status_code == 405
    assert client_for(alice).get(reverse("notifications:mark_all_read")).status_code == 405


def test_the_context_processor_counts_unread_with_one_query(rf, alice, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    _tell(alice)
    _tell(alice)
    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(1):
        assert unread_count(request) == {"unread_notifications": 2}
    request.user = AnonymousUser()
    assert unread_count(request) == {}
