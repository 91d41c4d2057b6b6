import pytest
from django.db import transaction

from rung.lib.errors import NotFound
from rung.notifications.models import Notification
from rung.notifications.services import mark_all_read, mark_read, notify, send_notification_email
from rung.notifications.tasks import deliver_notification_email

pytestmark = pytest.mark.django_db


def _notify(recipients, **kwargs):
    defaults = {
        "verb": "application.shortlisted",
        "title": "You're on the shortlist",
        "body": "Acme shortlisted your application for Data cleaning.",
        "url": "/orgs/acme/",
    }
    return notify(recipients, **{**defaults, **kwargs})


def test_it_creates_a_row_per_recipient_and_emails_each_once_on_commit(
    alice, bob, charlie, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = _notify([alice, bob], actor=charlie)
        assert mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 2
    assert {n.recipient for n in created} == {alice, bob}
    row = Notification.objects.get(recipient=alice)
    assert (row.verb, row.actor, row.read_at) == ("application.shortlisted", charlie, None)
    assert row.emailed_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == [alice.email, bob.email]
    message = next(m for m in mailoutbox if m.to == [alice.email])
    # The generic template: subject is the title (not HTML-escaped), a full link, and the footer.
    assert message.subject == "You're on the shortlist"
    assert "http://127.0.0.1:8000/orgs/acme/" in message.body
    assert "You receive this because you use Rung" in message.body
    assert "Acme shortlisted your application" in message.alternatives[0].content


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(alice, mailoutbox, django_capture_on_commit_callbacks):
    def failing_transition():
        with transaction.atomic():
            _notify([alice])
            raise RuntimeError("the transition failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_transition()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_specific_template_is_rendered_from_the_stored_context(
    alice, mailoutbox, django_capture_on_commit_callbacks, settings, tmp_path
):
    (tmp_path / "shortlisted_subject.txt").write_text("Shortlisted for {{ project_title }}")
    (tmp_path / "shortlisted.txt").write_text("{{ recipient.full_name }}: {{ project_title }} {{ link }}")
    (tmp_path / "shortlisted.html").write_text("<p>{{ project_title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify([alice], email_template="shortlisted", context={"project_title": "Data cleaning"})
    assert notification.context == {"project_title": "Data cleaning"}
    assert mailoutbox[0].subject == "Shortlisted for Data cleaning"
    assert mailoutbox[0].body == "Alice Owner: Data cleaning http://127.0.0.1:8000/orgs/acme/"


def test_in_app_only_notifications_send_no_email(alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (notification,) = _notify([alice], email=False)
    assert callbacks == []
    assert mailoutbox == []
    assert send_notification_email(notification.pk) is False


def test_the_task_is_idempotent(alice, mailoutbox):
    (notification,) = _notify([alice])  # not committed in this test, so nothing was enqueued yet
    deliver_notification_email.call(notification.pk)
    deliver_notification_email.call(notification.pk)
    deliver_notification_email.enqueue(notification.pk)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failed_send_releases_the_claim_so_a_retry_can_deliver(alice, mailoutbox, monkeypatch):
    (notification,) = _notify([alice])

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP is down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(ConnectionError):
        send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert send_notification_email(notification.pk) is True
    assert len(mailoutbox) == 1


def test_a_dedupe_key_tells_each_person_only_once(alice, bob, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_notify([alice], dedupe_key="review-reminder:42")) == 1
        second = _notify([alice, bob], dedupe_key="review-reminder:42")
        third = _notify([alice, bob], dedupe_key="review-reminder:42")
    assert [n.recipient for n in second] == [bob]
    assert third == []
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert len(mailoutbox) == 2
    # The key is per recipient and per key: another key is another notification.
    assert len(_notify([alice], dedupe_key="review-reminder:43")) == 1


def test_a_duplicate_key_race_is_absorbed_without_breaking_the_callers_transaction(alice, monkeypatch):
    from rung.notifications import services

    # A concurrent sweep's row appears after our pre-check: blind the pre-check to see that.
    Notification.objects.create(recipient=alice, verb="a.b", title="Earlier", dedupe_key="k")
    real_filter = Notification.objects.filter

    def blind_filter(*args, **kwargs):
        return real_filter(pk=-1) if "dedupe_key" in kwargs else real_filter(*args, **kwargs)

    monkeypatch.setattr(services.Notification.objects, "filter", blind_filter)
    with transaction.atomic():
        assert _notify([alice], dedupe_key="k") == []
        assert Notification.objects.count() == 1  # the transaction is still usable


def test_inactive_people_and_repeats_are_skipped(alice, bob, charlie, mailoutbox, django_capture_on_commit_callbacks):
    charlie.is_active = False
    charlie.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        created = _notify([alice, charlie, alice, bob])
    assert [n.recipient for n in created] == [alice, bob]
    assert not Notification.objects.filter(recipient=charlie).exists()
    assert sorted(m.to[0] for m in mailoutbox) == [alice.email, bob.email]


def test_no_email_goes_to_someone_deactivated_before_the_task_ran(alice, mailoutbox):
    (notification,) = _notify([alice])
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert send_notification_email(notification.pk) is False
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("verb", "Shortlisted"),
        ("title", " "),
        ("url", "https://evil.example/"),
        ("url", "//evil.example/"),
        ("url", "/\\evil.example/"),
        ("url", "orgs/acme/"),
        ("context", {"when": object()}),
    ],
)
def test_it_refuses_calls_it_cannot_honour(alice, field, value):
    with pytest.raises(ValueError, match=field):
        _notify([alice], **{field: value})
    assert not Notification.objects.exists()


def test_mark_read_is_for_the_recipient_only_and_keeps_the_first_time(alice, charlie):
    (notification,) = _notify([alice], email=False)
    with pytest.raises(NotFound):
        mark_read(notification, user=charlie)
    assert Notification.objects.get().read_at is None
    first = mark_read(notification, user=alice).read_at
    assert first is not None
    assert mark_read(Notification.objects.get(), user=alice).read_at == first


def test_mark_all_read_touches_only_my_unread(alice, bob):
    _notify([alice, bob], email=False)
    _notify([alice], email=False)
    assert mark_all_read(alice) == 2
    assert mark_all_read(alice) == 0
    assert Notification.objects.filter(recipient=bob, read_at=None).count() == 1
