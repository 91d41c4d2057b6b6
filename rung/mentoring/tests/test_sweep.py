"""The check-in sweep: reminds a day ahead and flags unrecorded check-ins once, to the right people;
`rung mentoring sweep` runs it with the pairing expiry."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rung.mentoring import checkins, services
from rung.mentoring.models import CheckIn


@pytest.fixture
def active(interns, mentor, alice):
    pairing = services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    return services.respond_to_pairing(pairing, actor=mentor, accept=True)


def test_it_flags_an_unrecorded_check_in_once_to_the_mentor_and_coordinators(
    active, mentor, alice, bob, django_capture_on_commit_callbacks
):
    first = active.checkins.order_by("due_at").first()
    CheckIn.objects.filter(pk=first.pk).update(due_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert checkins.sweep_checkins()[1] == 1
        assert checkins.sweep_checkins()[1] == 0
    assert mentor.notifications.filter(verb="checkin.overdue").count() == 1
    assert alice.notifications.filter(verb="checkin.overdue").count() == 1
    assert not bob.notifications.filter(verb="checkin.overdue").exists()  # a reviewer is not a coordinator
    first.refresh_from_db()
    assert first.flagged_overdue_at is not None


def test_it_reminds_both_a_day_ahead(active, mentor, django_capture_on_commit_callbacks):
    first = active.checkins.order_by("due_at").first()
    CheckIn.objects.filter(pk=first.pk).update(due_at=timezone.now() + timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        reminded, _ = checkins.sweep_checkins()
    assert reminded == 1
    assert active.engagement.candidate.notifications.filter(verb="checkin.due_soon").exists()
    assert mentor.notifications.filter(verb="checkin.due_soon").exists()


def test_the_command_runs_the_sweeps(active, capsys):
    call_command("mentoring", "sweep")
    assert "Expired 0 unanswered pairing(s)" in capsys.readouterr().out


def test_check_ins_fall_inside_both_peoples_availability(active):
    # The mentor is free 17:00–20:00 London on weekdays; the intern gave no windows.
    placed = [c for c in active.checkins.all() if c.within_availability]
    assert placed
    for checkin in placed:
        london = timezone.localtime(checkin.due_at, timezone=__import__("zoneinfo").ZoneInfo("Europe/London"))
        assert london.weekday() < 5
        assert 17 <= london.hour < 20
