"""Two sweeps, or two workers, at the same moment: real threads on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, transaction

from rung.notifications.models import Notification
from rung.notifications.services import notify, send_notification_email

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _in_threads(target, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # surfaced below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    return results


def test_two_sweeps_with_the_same_dedupe_key_tell_someone_once(alice, mailoutbox):
    def sweep():
        with transaction.atomic():
            created = notify([alice], verb="review.reminder", title="A review is due", body="", dedupe_key="r:1")
            time.sleep(0.2)  # hold the row uncommitted so the other sweep collides with it
        return len(created)

    assert sorted(_in_threads(sweep)) == [0, 1]
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert len(mailoutbox) == 1


def test_two_workers_running_the_same_task_send_one_email(alice, mailoutbox):
    (notification,) = notify([alice], verb="a.b", title="Once only", body="", email=False)
    Notification.objects.filter(pk=notification.pk).update(email_template="notifications/email/generic")
    assert sorted(_in_threads(lambda: send_notification_email(notification.pk), n=4)) == [False, False, False, True]
    assert len(mailoutbox) == 1
