import re
from datetime import date, timedelta

import pytest
from django.core import mail, signing
from django.db import connection
from django.utils import timezone

from rung.engagements.models import Engagement
from rung.lib.errors import DomainError, NotFound
from rung.outcomes import selectors, services
from rung.outcomes.models import FollowUp, FollowUpStatus

pytestmark = pytest.mark.django_db


def test_the_sweep_schedules_and_sends_each_follow_up_once(make_intern, django_capture_on_commit_callbacks):
    person, engagement = make_intern(end=date(2026, 8, 31))
    make_intern(end=date(2026, 11, 1))  # not yet three months
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_follow_ups(today=date(2026, 11, 30)) == 1  # 31 Aug + 3 = 30 Nov
        assert services.sweep_follow_ups(today=date(2026, 11, 30)) == 0
    follow_up = FollowUp.objects.get()
    assert (follow_up.months, follow_up.due_on, follow_up.status) == (3, date(2026, 11, 30), FollowUpStatus.SENT)
    assert [m.to for m in mail.outbox] == [[person.email]]
    found = re.search(r"/outcomes/follow-up/([^/\s]+)/", str(mail.outbox[0].body))
    assert found is not None
    token = found.group(1)
    assert services.follow_up_from_token(token) == follow_up
    with django_capture_on_commit_callbacks(execute=True):
        # the first intern's 6-month one (31 Aug + 6 = 28 Feb) and the second's 3-month one (1 Nov + 3 = 1 Feb)
        assert services.sweep_follow_ups(today=date(2027, 2, 28)) == 2
    assert FollowUp.objects.filter(engagement=engagement).count() == 2


def test_late_follow_ups_are_not_sent_months_later(make_intern):
    make_intern(end=date(2025, 1, 31))
    assert services.sweep_follow_ups(today=date(2026, 11, 30)) == 0
    assert FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).count() == 2


def test_the_one_click_answer_works_once(make_intern):
    _person, _engagement = make_intern(end=date(2026, 8, 31))
    services.sweep_follow_ups(today=date(2026, 11, 30))
    token = services.follow_up_token(FollowUp.objects.get())
    with pytest.raises(DomainError, match="whether the work came through"):
        services.answer_follow_up(token=token, answer=services.FollowUpAnswer(employed=True, employer_name="Acme"))
    answered = services.answer_follow_up(
        token=token,
        answer=services.FollowUpAnswer(
            employed=True, employer_name="Acme", role_title="Analyst", through_this_employer=True
        ),
    )
    assert answered.status == FollowUpStatus.ANSWERED
    assert answered.employed is True
    with pytest.raises(DomainError, match="already answered"):
        services.answer_follow_up(token=token, answer=services.FollowUpAnswer(employed=False))
    with pytest.raises(NotFound):
        services.answer_follow_up(token=token + "x", answer=services.FollowUpAnswer(employed=False))
    with pytest.raises(NotFound):
        services.follow_up_from_token(signing.dumps("not-a-uuid-of-ours", salt=services.FOLLOW_UP_SALT))


def test_an_expired_link_is_refused(make_intern, settings):
    make_intern(end=date(2026, 8, 31))
    services.sweep_follow_ups(today=date(2026, 11, 30))
    token = services.follow_up_token(FollowUp.objects.get())
    settings.OUTCOMES_FOLLOW_UP_LINK_DAYS = -1
    with pytest.raises(DomainError, match="expired"):
        services.follow_up_from_token(token)


def test_response_rates_by_hand(make_intern):
    for _ in range(3):
        make_intern(end=date(2026, 8, 31))
    services.sweep_follow_ups(today=date(2026, 11, 30))
    first, second, _ = FollowUp.objects.all()
    services.answer_follow_up(
        token=services.follow_up_token(first),
        answer=services.FollowUpAnswer(employed=True, employer_name="Acme", through_this_employer=True),
    )
    services.answer_follow_up(token=services.follow_up_token(second), answer=services.FollowUpAnswer(employed=False))
    rates = {r.months: r for r in selectors.follow_up_rates(Engagement.objects.all())}
    assert (rates[3].sent, rates[3].answered, rates[3].employed, rates[3].through_this_employer) == (3, 2, 1, 1)
    assert (rates[6].sent, rates[6].answered) == (0, 0)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_follow_up_once(make_intern):
    import threading

    for _ in range(4):
        make_intern(end=date(2026, 8, 31))
    results: list[int] = []

    def run() -> None:
        try:
            results.append(services.sweep_follow_ups(today=date(2026, 11, 30)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 4
    assert FollowUp.objects.filter(status=FollowUpStatus.SENT).count() == 4
    sent_at = FollowUp.objects.values_list("sent_at", flat=True).first()
    assert sent_at is not None
    assert timezone.now() - sent_at < timedelta(minutes=5)


def test_the_commands_run_the_sweeps():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("outcomes", "sweep", stdout=out)
    assert "Sent 0 follow-up e-mail(s)." in out.getvalue()
    call_command("webhooks", "retry", stdout=out)
    assert "Made 0 delivery attempt(s)." in out.getvalue()
