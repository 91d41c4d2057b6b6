"""message.sent tells the other participants (batched), message.reported alerts staff, via domain events."""

from datetime import timedelta

import pytest
from django.urls import reverse

from rung.messaging import services
from rung.messaging.subscribers import NOTIFY_WINDOW
from rung.notifications.models import Notification


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, verb="message.sent").order_by("pk"))


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def test_a_message_tells_every_other_participant_by_e_mail_with_a_link_back(
    mentored, candidate, alice, bob, mentor, viewer, other_mentor, mailoutbox, run_on_commit, settings
):
    message = run_on_commit(services.send_engagement_message, mentored, sender=candidate, body="Where is the data?")
    url = reverse("messaging:conversation", args=[message.conversation.uuid])
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([alice.email, bob.email, mentor.email])
    for person in (alice, bob, mentor):
        [notification] = told(person)
        assert notification.url == url
        assert notification.actor_id == candidate.pk
    for person in (candidate, viewer, other_mentor):
        assert told(person) == []
    mail = next(m for m in mailoutbox if m.to == [bob.email])
    assert "Nia Candidate" in mail.subject
    assert settings.SITE_URL + url in mail.body
    assert "Replies to this e-mail are not read" in mail.body
    assert "Where is the data?" not in mail.body  # the words stay on Rung


def test_more_messages_before_reading_send_no_more_e_mail(conversation, candidate, bob, mailoutbox, run_on_commit):
    # The conversation fixture's first message was sent outside this capture: tell bob about it now.
    run_on_commit(services.send_message, conversation, sender=candidate, body="Second")
    mailed = len(mailoutbox)
    for n in range(3):
        run_on_commit(services.send_message, conversation, sender=candidate, body=f"And {n}")
    assert len(mailoutbox) == mailed
    assert len(told(bob)) == 1


def test_after_reading_and_a_quiet_while_the_next_message_is_told_again(
    conversation, candidate, bob, mailoutbox, run_on_commit
):
    run_on_commit(services.send_message, conversation, sender=candidate, body="Second")
    services.mark_read(conversation, user=bob)
    # Read, but within the window: bob is in the conversation, which refreshes itself.
    run_on_commit(services.send_message, conversation, sender=candidate, body="Third")
    assert len(told(bob)) == 1
    Notification.objects.filter(recipient=bob, verb="message.sent").update(
        created_at=told(bob)[0].created_at - NOTIFY_WINDOW - timedelta(seconds=1)
    )
    services.mark_read(conversation, user=bob)
    run_on_commit(services.send_message, conversation, sender=candidate, body="Fourth")
    assert len(told(bob)) == 2
    assert sum(1 for m in mailoutbox if m.to == [bob.email]) == 2


def test_a_question_does_not_name_the_candidate_to_the_employer(
    published, asker, alice, bob, mailoutbox, run_on_commit
):
    run_on_commit(services.ask_question, published, candidate=asker, body="Is the data in English?")
    for person in (alice, bob):
        [notification] = told(person)
        assert notification.actor is None
        assert "Ana" not in notification.title
    for mail in mailoutbox:
        assert "Ana Asker" not in mail.subject + mail.body
        assert "A candidate" in mail.subject


def test_the_employers_answer_names_them_to_the_candidate_and_tells_their_colleagues(
    question, asker, alice, bob, mailoutbox, run_on_commit
):
    run_on_commit(services.send_message, question.conversation, sender=bob, body="Yes, it is.")
    [notification] = told(asker)
    assert "Bob Reviewer" in notification.title
    assert sorted(m.to[0] for m in mailoutbox) == sorted([asker.email, alice.email])


def test_a_report_alerts_staff_once_per_message(first_message, bob, alice, sam, run_on_commit):
    run_on_commit(services.report_message, first_message, reporter=bob, reason="It asks me to pay outside Rung.")
    run_on_commit(services.report_message, first_message, reporter=alice, reason="Same problem, I agree.")
    [alert] = Notification.objects.filter(recipient=sam, verb="message.reported")
    assert alert.url == reverse("messaging:moderation")
    assert not Notification.objects.filter(verb="message.reported").exclude(recipient=sam).exists()


def test_a_message_hidden_before_the_event_is_delivered_tells_nobody(
    conversation, candidate, bob, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.send_message(conversation, sender=candidate, body="Something rude")
    report = services.report_message(message, reporter=bob, reason="Rude, please hide it.")
    services.hide_message(report, staff=sam, note="Rude")
    for callback in callbacks:
        callback()
    assert told(bob) == []
