"""Rules and refusals of the messaging services: who takes part, what a message may be, reads, reports."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from rung.audit.models import AuditEvent
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.messaging import selectors, services
from rung.messaging.models import (
    Conversation,
    ConversationKind,
    Message,
    MessageAttachment,
    MessageReport,
    ReadMarker,
    ReportStatus,
)
from rung.messaging.tests.conftest import exe, pdf
from rung.projects.models import Project, ProjectStatus
from rung.reviews.files import FileRefused


def stored_files(media_root: Path) -> list[Path]:
    folder = Path(media_root) / "messages"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- Who takes part -------------------------------------------------------------------------


def test_the_first_message_creates_the_engagements_conversation_and_later_ones_join_it(mentored, candidate, bob):
    first = services.send_engagement_message(mentored, sender=candidate, body="Hello!")
    second = services.send_engagement_message(mentored, sender=bob, body="Welcome, Nia.")
    assert first.conversation_id == second.conversation_id
    conversation = Conversation.objects.get()
    assert conversation.kind == ConversationKind.ENGAGEMENT
    assert conversation.engagement_id == mentored.pk
    assert conversation.candidate_id == candidate.pk
    assert conversation.last_message_at == second.created_at
    # What you wrote, you have read.
    assert ReadMarker.objects.get(conversation=conversation, user=bob).last_read_message_id == second.pk


def test_the_intern_the_owner_the_reviewer_and_the_assigned_mentor_take_part(
    conversation, candidate, alice, bob, mentor
):
    people = {u.email for u in selectors.participants(conversation)}
    assert people == {candidate.email, alice.email, bob.email, mentor.email}
    for person in (candidate, alice, bob, mentor):
        message = services.send_message(conversation, sender=person, body=f"Hi from {person.full_name}")
        assert message.conversation_id == conversation.pk
        assert selectors.get_conversation_for_user(person, str(conversation.uuid)) == conversation


def test_a_viewer_an_unassigned_mentor_an_outsider_and_staff_neither_read_nor_write(
    conversation, viewer, other_mentor, charlie, sam
):
    for person in (viewer, other_mentor, charlie, sam):
        assert not selectors.is_participant(person, conversation)
        assert not selectors.conversations_for(person).exists()
        with pytest.raises(NotFound):
            selectors.get_conversation_for_user(person, str(conversation.uuid))
        with pytest.raises(NotFound):
            services.send_message(conversation, sender=person, body="Let me in")
        with pytest.raises(NotFound):
            services.send_engagement_message(conversation.engagement, sender=person, body="Let me in")
    assert Message.objects.count() == 1


def test_a_reviewer_who_leaves_the_organisation_no_longer_takes_part(conversation, bob, org):
    org.memberships.filter(user=bob).delete()
    with pytest.raises(NotFound):
        selectors.get_conversation_for_user(bob, str(conversation.uuid))


# --- What a message may be ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "Write a message"),
        ("   \n\t  ", "Write a message"),
        ("x" * 4001, "at most 4,000 characters (this one has 4,001)"),
        ("Hello\x00there", "NUL character"),
    ],
)
def test_empty_over_long_and_nul_messages_are_refused_and_nothing_is_written(conversation, bob, body, words):
    with pytest.raises(DomainError) as refused:
        services.send_message(conversation, sender=bob, body=body)
    assert words in refused.value.message
    assert refused.value.field == "body"
    assert Message.objects.count() == 1


def test_a_message_of_exactly_the_limit_is_kept_with_its_line_breaks(conversation, bob):
    text = "a\r\n" + "b" * 3998
    message = services.send_message(conversation, sender=bob, body=text)
    message.refresh_from_db()
    assert message.body == "a\n" + "b" * 3998


def test_files_are_checked_like_submissions_and_a_refused_one_leaves_nothing(conversation, bob, media_root):
    with pytest.raises(FileRefused) as refused:
        services.send_message(conversation, sender=bob, body="See attached", files=[pdf("ok.pdf"), exe("report.pdf")])
    assert "program" in refused.value.message
    assert Message.objects.count() == 1
    assert MessageAttachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_file_alone_is_a_message_and_is_stored_under_a_generated_name(conversation, bob, media_root):
    message = services.send_message(conversation, sender=bob, body="", files=[pdf("../../etc/Brief.pdf")])
    attachment = message.attachments.get()
    assert attachment.original_name == "Brief.pdf"
    assert attachment.content_type == "application/pdf"
    assert len(attachment.sha256) == 64
    name = attachment.file.name or ""
    assert name.startswith(f"messages/{message.uuid}/")
    assert "Brief" not in name
    assert default_storage.exists(name)


def test_more_than_five_files_are_refused(conversation, bob):
    with pytest.raises(DomainError, match="at most 5 files"):
        services.send_message(conversation, sender=bob, body="Many", files=[pdf(f"{i}.pdf") for i in range(6)])
    assert MessageAttachment.objects.count() == 0


def test_sending_is_audited_without_the_words(conversation, bob):
    message = services.send_message(conversation, sender=bob, body="A private remark")
    event = AuditEvent.objects.get(verb="message.sent", object_id=str(message.uuid))
    assert event.actor_id == bob.pk
    assert "A private remark" not in str(event.data)
    assert event.data["characters"] == len("A private remark")


# --- Questions before applying --------------------------------------------------------------


def test_a_candidate_asks_a_private_question_and_keeps_one_thread_per_project(question, published, asker, bob):
    again = services.ask_question(published, candidate=asker, body="And may I use R instead of Python?")
    assert again.conversation_id == question.conversation_id
    conversation = question.conversation
    assert conversation.kind == ConversationKind.QUESTION
    assert conversation.organisation_id == published.organisation_id
    reply = services.send_message(conversation, sender=bob, body="Yes, R is fine.")
    assert reply.conversation_id == conversation.pk


def test_the_employer_sees_the_asker_as_the_candidate_not_by_name(question, bob, asker):
    conversation = question.conversation
    assert selectors.sender_label(question, viewer=bob, conversation=conversation) == "The candidate"
    assert selectors.sender_label(question, viewer=asker, conversation=conversation) == "You"
    assert "Ana Asker" not in selectors.audience(conversation, bob)
    assert "Ana Asker" not in selectors.title_for(conversation, bob)


def test_question_threads_are_private_to_the_asker_and_the_answering_roles(question, charlie, viewer, candidate, sam):
    conversation = question.conversation
    for person in (charlie, viewer, candidate, sam):
        with pytest.raises(NotFound):
            selectors.get_conversation_for_user(person, str(conversation.uuid))


def test_members_of_the_organisation_cannot_ask_it_as_candidates(published, bob):
    with pytest.raises(PermissionDenied, match="member of Acme"):
        services.ask_question(published, candidate=bob, body="Hello?")
    assert not Conversation.objects.exists()


def test_a_new_question_needs_a_project_open_for_applications(published, asker):
    Project.objects.filter(pk=published.pk).update(status=ProjectStatus.CLOSED)
    published.refresh_from_db()
    with pytest.raises(DomainError, match="open for applications"):
        services.ask_question(published, candidate=asker, body="Still open?")
    assert not Conversation.objects.exists()


def test_a_started_thread_continues_after_the_project_closes(question, published, asker):
    Project.objects.filter(pk=published.pk).update(status=ProjectStatus.CLOSED)
    published.refresh_from_db()
    later = services.ask_question(published, candidate=asker, body="Thanks for the answer.")
    assert later.conversation_id == question.conversation_id


# --- Reading --------------------------------------------------------------------------------


def test_unread_counts_follow_each_persons_read_marker(conversation, candidate, alice, bob):
    services.send_message(conversation, sender=bob, body="One")
    services.send_message(conversation, sender=bob, body="Two")
    assert selectors.unread_in(alice, conversation) == 3  # Nia's first message and Bob's two
    assert selectors.unread_in(candidate, conversation) == 2
    assert selectors.unread_in(bob, conversation) == 0
    assert selectors.unread_count(alice) == 3
    services.mark_read(conversation, user=alice)
    assert selectors.unread_in(alice, conversation) == 0
    assert selectors.unread_count(alice) == 0
    assert selectors.unread_in(candidate, conversation) == 2  # one person's reading is theirs alone


def test_a_read_marker_never_moves_back(conversation, first_message, bob, alice):
    latest = services.send_message(conversation, sender=bob, body="Newer")
    services.mark_read(conversation, user=alice)
    services.mark_read(conversation, user=alice, up_to=first_message.pk)
    assert ReadMarker.objects.get(conversation=conversation, user=alice).last_read_message_id == latest.pk


def test_marking_beyond_the_conversation_stops_at_its_last_message(conversation, first_message, alice):
    assert services.mark_read(conversation, user=alice, up_to=first_message.pk + 1000) == first_message.pk


def test_outsiders_cannot_mark_a_conversation_read(conversation, charlie):
    with pytest.raises(NotFound):
        services.mark_read(conversation, user=charlie)
    assert not ReadMarker.objects.filter(user=charlie).exists()


def test_the_inbox_lists_only_ones_conversations_with_unread_counts(conversation, question, bob, candidate, asker):
    bob_inbox = {c.uuid: c.unread for c in selectors.inbox(bob)}  # type: ignore[attr-defined]
    assert bob_inbox == {conversation.uuid: 1, question.conversation.uuid: 1}
    assert [c.uuid for c in selectors.inbox(candidate)] == [conversation.uuid]
    assert [c.uuid for c in selectors.inbox(asker)] == [question.conversation.uuid]


# --- Reports and moderation -----------------------------------------------------------------


def test_a_participant_reports_a_message_with_a_reason(first_message, bob):
    report = services.report_message(first_message, reporter=bob, reason="It asks me to pay outside Rung.")
    assert report.status == ReportStatus.OPEN
    assert AuditEvent.objects.filter(verb="message.reported", object_id=str(report.uuid)).exists()


@pytest.mark.parametrize(
    ("reason", "words"),
    [("", "at least 10"), ("bad", "at least 10"), ("x" * 1001, "at most 1,000"), ("Bad\x00!!!!!!!!", "NUL")],
)
def test_a_report_needs_a_reason_a_person_can_act_on(first_message, bob, reason, words):
    with pytest.raises(DomainError, match=words):
        services.report_message(first_message, reporter=bob, reason=reason)
    assert not MessageReport.objects.exists()


def test_nobody_reports_their_own_message_or_the_same_one_twice(first_message, candidate, bob):
    with pytest.raises(DomainError, match="your own message"):
        services.report_message(first_message, reporter=candidate, reason="Reporting myself for fun")
    services.report_message(first_message, reporter=bob, reason="It is not appropriate.")
    with pytest.raises(DomainError, match="already reported"):
        services.report_message(first_message, reporter=bob, reason="It is still not appropriate.")
    assert MessageReport.objects.count() == 1


def test_outsiders_cannot_report_a_message(first_message, charlie, viewer, sam):
    for person in (charlie, viewer, sam):
        with pytest.raises(NotFound):
            services.report_message(first_message, reporter=person, reason="I should not see this at all.")
    assert not MessageReport.objects.exists()


def test_staff_see_reported_messages_only_with_their_immediate_context(conversation, candidate, bob, sam):
    messages = [services.send_message(conversation, sender=candidate, body=f"Message {i}") for i in range(6)]
    reported = messages[3]
    report = services.report_message(reported, reporter=bob, reason="This one is rude to me.")
    assert list(selectors.reports_for_staff(sam)) == [report]
    context = selectors.get_report_for_staff(sam, str(report.uuid))
    assert [m.body for m in context.before] == ["Message 1", "Message 2"]
    assert [m.body for m in context.after] == ["Message 4", "Message 5"]
    # Staff reach no conversation as such, reported or not.
    with pytest.raises(NotFound):
        selectors.get_conversation_for_user(sam, str(conversation.uuid))


def test_only_staff_see_reports(first_message, bob, alice):
    report = services.report_message(first_message, reporter=bob, reason="This one is rude to me.")
    assert not selectors.reports_for_staff(alice).exists()
    with pytest.raises(NotFound):
        selectors.get_report_for_staff(alice, str(report.uuid))


def test_staff_hide_a_reported_message_and_every_report_of_it_is_resolved(first_message, bob, alice, sam):
    first = services.report_message(first_message, reporter=bob, reason="This one is rude to me.")
    second = services.report_message(first_message, reporter=alice, reason="Rude to my colleague.")
    message = services.hide_message(first, staff=sam, note="Abusive language")
    assert message.is_hidden
    assert message.hidden_by_id == sam.pk
    assert set(MessageReport.objects.values_list("status", flat=True)) == {ReportStatus.HIDDEN}
    assert AuditEvent.objects.filter(verb="message.hidden", object_id=str(message.uuid), actor=sam).exists()
    with pytest.raises(DomainError, match="already resolved"):
        services.dismiss_report(second, staff=sam, note="Changed my mind")
    assert selectors.unread_in(alice, first_message.conversation) == 0  # hidden messages are not unread


def test_only_staff_hide_or_dismiss_and_they_say_why(first_message, bob, alice, sam):
    report = services.report_message(first_message, reporter=bob, reason="This one is rude to me.")
    with pytest.raises(PermissionDenied):
        services.hide_message(report, staff=alice, note="I do not like it")
    with pytest.raises(DomainError, match="why"):
        services.hide_message(report, staff=sam, note="  ")
    first_message.refresh_from_db()
    assert not first_message.is_hidden
    dismissed = services.dismiss_report(report, staff=sam, note="Blunt, not abusive")
    assert dismissed.status == ReportStatus.DISMISSED
    assert AuditEvent.objects.filter(verb="message.report_dismissed", actor=sam).exists()


def test_hidden_messages_cannot_be_reported_again(first_message, bob, alice, sam):
    report = services.report_message(first_message, reporter=bob, reason="This one is rude to me.")
    services.hide_message(report, staff=sam, note="Abusive")
    first_message.refresh_from_db()
    with pytest.raises(DomainError, match="already hidden"):
        services.report_message(first_message, reporter=alice, reason="Also rude to me, I think.")


# --- Attachments ----------------------------------------------------------------------------


def test_attachments_are_for_participants_and_for_staff_only_once_reported(
    conversation, bob, candidate, charlie, viewer, sam
):
    message = services.send_message(conversation, sender=bob, body="The data", files=[pdf()])
    attachment = message.attachments.get()
    assert selectors.get_attachment_for_user(candidate, str(attachment.uuid)) == attachment
    for person in (charlie, viewer, sam):
        with pytest.raises(NotFound):
            selectors.get_attachment_for_user(person, str(attachment.uuid))
    report = services.report_message(message, reporter=candidate, reason="The file looks like malware.")
    assert selectors.get_attachment_for_user(sam, str(attachment.uuid)) == attachment
    services.hide_message(report, staff=sam, note="Malware")
    with pytest.raises(NotFound):
        selectors.get_attachment_for_user(candidate, str(attachment.uuid))
