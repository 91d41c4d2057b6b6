"""The messaging pages, for each participant and for whoever must not see them."""

import pytest
from django.urls import reverse

from rung.audit.models import AuditEvent
from rung.messaging import selectors, services
from rung.messaging.models import Conversation, Message, MessageReport
from rung.messaging.tests.conftest import exe, pdf

HTMX = {"HX-Request": "true"}


def url(name: str, *args) -> str:
    return reverse(f"messaging:{name}", args=args)


# --- Inbox ----------------------------------------------------------------------------------


def test_the_inbox_has_an_empty_state(client_for, charlie):
    response = client_for(charlie).get(url("inbox"))
    assert response.status_code == 200
    assert "No conversations yet" in response.content.decode()


def test_the_inbox_lists_ones_conversations_with_unread_counts_in_bounded_queries(
    client_for, mentored, question, candidate, bob, django_assert_max_num_queries
):
    services.send_engagement_message(mentored, sender=candidate, body="Hello")
    services.send_engagement_message(mentored, sender=candidate, body="Are you there?")
    client = client_for(bob)
    with django_assert_max_num_queries(12):
        page = client.get(url("inbox")).content.decode()
    assert "2 unread" in page
    assert "1 unread" in page
    assert "A candidate&#x27;s question" in page or "A candidate's question" in page
    assert "Ana Asker" not in page


def test_the_inbox_of_the_intern_does_not_list_other_peoples_questions(client_for, conversation, question, candidate):
    page = client_for(candidate).get(url("inbox")).content.decode()
    assert str(conversation.uuid) in page
    assert str(question.conversation.uuid) not in page


def test_the_inbox_paginates(client_for, bob, published, django_assert_max_num_queries):
    from conftest import make_user

    for i in range(22):
        person = make_user(f"c{i}@student.example", f"Candidate {i}")
        services.ask_question(published, candidate=person, body=f"Question {i}")
    client = client_for(bob)
    with django_assert_max_num_queries(12):
        first = client.get(url("inbox")).content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in client.get(url("inbox") + "?page=2").content.decode()


def test_the_navigation_shows_unread_messages(client_for, conversation, bob):
    page = client_for(bob).get(reverse("dashboard:home")).content.decode()
    assert 'href="/messages/"' in page
    assert 'Messages<span id="nav-unread-messages"> (1 unread)</span>' in page


# --- A conversation -------------------------------------------------------------------------


def test_each_participant_reads_the_conversation_and_reading_marks_it_read(
    client_for, conversation, candidate, alice, bob, mentor
):
    for person in (candidate, alice, bob, mentor):
        response = client_for(person).get(url("conversation", conversation.uuid))
        assert response.status_code == 200
        assert "Where is the survey data?" in response.content.decode()
    assert selectors.unread_in(bob, conversation) == 0


@pytest.mark.parametrize("who", ["charlie", "viewer", "other_mentor", "sam"])
def test_outsiders_a_viewer_an_unassigned_mentor_and_staff_get_not_found(client_for, conversation, request, who):
    person = request.getfixturevalue(who)
    client = client_for(person)
    assert client.get(url("conversation", conversation.uuid)).status_code == 404
    assert client.post(url("conversation", conversation.uuid), {"body": "Let me in"}).status_code == 404
    assert client.get(url("updates", conversation.uuid), headers=HTMX).status_code == 404
    assert client.get(url("engagement", conversation.engagement.uuid)).status_code == 404
    assert client.get(url("report", conversation.messages.get().uuid)).status_code == 404
    assert Message.objects.count() == 1


def test_logged_out_people_are_sent_to_log_in(client, conversation):
    response = client.get(url("conversation", conversation.uuid))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_posting_without_javascript_redirects_to_the_new_message(client_for, conversation, bob):
    response = client_for(bob).post(url("conversation", conversation.uuid), {"body": "The data is in the drive."})
    message = Message.objects.latest("pk")
    assert message.body == "The data is in the drive."
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{message.uuid}")


@pytest.mark.parametrize(
    ("body", "words"),
    [("", "Write a message"), ("x" * 4001, "at most 4,000 characters"), ("Hi\x00", "NUL character")],
)
def test_a_refused_message_shows_why_and_keeps_the_text(client_for, conversation, bob, body, words):
    response = client_for(bob).post(url("conversation", conversation.uuid), {"body": body})
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert Message.objects.count() == 1
    if body and "\x00" not in body:
        assert body in page


def test_a_refused_file_is_explained_on_the_page(client_for, conversation, bob):
    response = client_for(bob).post(url("conversation", conversation.uuid), {"body": "See", "attachments": [exe()]})
    assert response.status_code == 400
    assert "program" in response.content.decode()
    assert Message.objects.count() == 1


def test_posting_with_htmx_returns_the_new_message_and_a_fresh_form(client_for, conversation, first_message, bob):
    response = client_for(bob).post(
        url("conversation", conversation.uuid), {"body": "On its way.", "after": str(first_message.uuid)}, headers=HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    message = Message.objects.latest("pk")
    assert 'hx-swap-oob="beforeend:#message-list"' in page
    assert f'id="message-{message.uuid}"' in page
    assert f'id="message-{first_message.uuid}"' not in page  # only what the page does not show yet
    assert f'value="{message.uuid}"' in page  # the poller moves on
    assert 'id="composer"' in page
    assert "On its way.</textarea>" not in page


def test_a_refused_htmx_post_returns_the_form_with_its_error(client_for, conversation, first_message, bob):
    response = client_for(bob).post(
        url("conversation", conversation.uuid), {"body": " ", "after": str(first_message.uuid)}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Write a message" in response.content.decode()
    assert Message.objects.count() == 1


def test_the_poll_answers_204_when_nothing_is_new_and_the_new_messages_otherwise(
    client_for, conversation, first_message, candidate, bob
):
    client = client_for(bob)
    poll = url("updates", conversation.uuid) + f"?after={first_message.uuid}"
    assert client.get(poll, headers=HTMX).status_code == 204
    new = services.send_message(conversation, sender=candidate, body="Anyone?")
    response = client.get(poll, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anyone?" in page
    assert "Where is the survey data?" not in page
    assert f"after={new.uuid}" in page
    assert 'id="nav-unread-messages" hx-swap-oob="true"' in page
    assert selectors.unread_in(bob, conversation) == 0


def test_the_poll_without_htmx_goes_to_the_conversation(client_for, conversation, bob):
    response = client_for(bob).get(url("updates", conversation.uuid))
    assert response.status_code == 302


def test_a_logged_out_poll_stops_polling_instead_of_showing_the_log_in_page(client, conversation, first_message):
    poll = url("updates", conversation.uuid) + f"?after={first_message.uuid}"
    assert client.get(poll, headers=HTMX).status_code == 286
    response = client.get(poll)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_poll_ignores_an_unknown_position(client_for, conversation, bob):
    response = client_for(bob).get(url("updates", conversation.uuid) + "?after=not-a-uuid", headers=HTMX)
    assert response.status_code == 204


def test_the_page_shows_the_latest_fifty_and_offers_the_earlier_ones(client_for, conversation, candidate, bob):
    for i in range(55):
        services.send_message(conversation, sender=candidate, body=f"Line {i}")
    client = client_for(bob)
    page = client.get(url("conversation", conversation.uuid)).content.decode()
    assert "Show 6 earlier messages" in page
    assert "Line 54" in page
    assert "Line 4<" not in page
    assert "Line 4<" in client.get(url("conversation", conversation.uuid) + "?all=1").content.decode()


# --- Starting ------------------------------------------------------------------------------


def test_the_engagement_page_links_participants_to_the_conversation_and_not_a_viewer(
    client_for, mentored, candidate, viewer
):
    detail = reverse("engagements:detail", args=[mentored.uuid])
    assert url("engagement", mentored.uuid) in client_for(candidate).get(detail).content.decode()
    viewer_page = client_for(viewer).get(detail)
    assert viewer_page.status_code == 200
    assert url("engagement", mentored.uuid) not in viewer_page.content.decode()


def test_an_engagement_conversation_is_started_from_its_page(client_for, mentored, bob, viewer):
    client = client_for(bob)
    start = client.get(url("engagement", mentored.uuid))
    assert start.status_code == 200
    assert "Nobody has written here yet" in start.content.decode()
    assert not Conversation.objects.exists()  # looking writes nothing
    response = client.post(url("engagement", mentored.uuid), {"body": "Welcome aboard!"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert client.get(url("engagement", mentored.uuid))["Location"] == url("conversation", conversation.uuid)
    assert client_for(viewer).post(url("engagement", mentored.uuid), {"body": "Hi"}).status_code == 404
    assert Message.objects.count() == 1


def test_the_project_page_offers_to_ask_a_question(client_for, published, asker):
    page = client_for(asker).get(reverse("projects:detail", args=[published.uuid])).content.decode()
    assert url("ask", published.uuid) in page
    assert "Ask a question" in page


def test_a_candidate_asks_a_question_from_the_project_page(client_for, published, asker):
    client = client_for(asker)
    form = client.get(url("ask", published.uuid))
    assert form.status_code == 200
    assert "They do not see your name" in form.content.decode()
    response = client.post(url("ask", published.uuid), {"body": "Is the data in English?"})
    conversation = Conversation.objects.get()
    assert conversation.candidate_id == asker.pk
    assert response.status_code == 302
    assert client.get(url("ask", published.uuid))["Location"] == url("conversation", conversation.uuid)


def test_asking_refuses_members_and_hides_drafts(client_for, published, owner_membership, org, bob, asker):
    from rung.projects import services as projects
    from rung.projects.tests.conftest import make_input

    assert client_for(bob).get(url("ask", published.uuid)).status_code == 403
    draft = projects.create_project(org, membership=owner_membership, data=make_input(title="Still a draft"))
    assert client_for(asker).get(url("ask", draft.uuid)).status_code == 404
    assert client_for(asker).post(url("ask", draft.uuid), {"body": "Hello?"}).status_code == 404
    assert not Conversation.objects.exists()


def test_an_empty_question_is_refused_on_the_page(client_for, published, asker):
    response = client_for(asker).post(url("ask", published.uuid), {"body": ""})
    assert response.status_code == 400
    assert "Write a message" in response.content.decode()
    assert not Conversation.objects.exists()


# --- Files ----------------------------------------------------------------------------------


def test_attachments_are_served_as_downloads_to_participants_only(
    client_for, conversation, bob, candidate, charlie, viewer, sam
):
    message = services.send_message(conversation, sender=bob, body="Data", files=[pdf("data.pdf")])
    attachment = message.attachments.get()
    response = client_for(candidate).get(url("download", attachment.uuid))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # read to the end, which closes it
    for person in (charlie, viewer, sam):
        assert client_for(person).get(url("download", attachment.uuid)).status_code == 404


# --- Reports and moderation -----------------------------------------------------------------


def test_a_participant_reports_a_message(client_for, first_message, bob):
    client = client_for(bob)
    assert client.get(url("report", first_message.uuid)).status_code == 200
    short = client.post(url("report", first_message.uuid), {"reason": "bad"})
    assert short.status_code == 400
    assert "at least 10 characters" in short.content.decode()
    response = client.post(url("report", first_message.uuid), {"reason": "It asks me to pay outside Rung."})
    assert response.status_code == 302
    assert MessageReport.objects.get().reporter_id == bob.pk


def test_the_moderation_list_is_for_staff_only(client_for, first_message, bob, alice):
    services.report_message(first_message, reporter=bob, reason="It asks me to pay outside Rung.")
    assert client_for(alice).get(url("moderation")).status_code == 404


def test_staff_see_the_reported_message_and_its_context_and_nothing_else(
    client_for, conversation, candidate, bob, sam, question
):
    messages = [services.send_message(conversation, sender=candidate, body=f"Note number {i}") for i in range(6)]
    report = services.report_message(messages[3], reporter=bob, reason="This is rude to me.")
    client = client_for(sam)
    listing = client.get(url("moderation")).content.decode()
    assert "This is rude to me." in listing
    assert "Is the survey data in English?" not in listing
    detail = client.get(url("moderation_report", report.uuid)).content.decode()
    # Two before and two after the reported "Note number 3": 1, 2 and 4, 5.
    for shown in (1, 2, 3, 4, 5):
        assert f"Note number {shown}<" in detail
    assert "Note number 0<" not in detail
    assert "Where is the survey data?" not in detail
    assert client.get(url("inbox")).content.decode().count("No conversations yet") == 1


def test_staff_hide_a_reported_message_and_participants_see_that_it_was_hidden(client_for, first_message, bob, sam):
    report = services.report_message(first_message, reporter=bob, reason="It asks me to pay outside Rung.")
    client = client_for(sam)
    refused = client.post(url("moderation_report", report.uuid), {"action": "hide", "note": ""})
    assert refused.status_code == 400
    response = client.post(url("moderation_report", report.uuid), {"action": "hide", "note": "Off-platform payment"})
    assert response.status_code == 302
    first_message.refresh_from_db()
    assert first_message.is_hidden
    assert AuditEvent.objects.filter(verb="message.hidden", actor=sam).exists()
    page = client_for(bob).get(url("conversation", first_message.conversation.uuid)).content.decode()
    assert "hidden by Rung staff" in page
    assert "Where is the survey data?" not in page


def test_staff_dismiss_a_report(client_for, first_message, bob, sam):
    report = services.report_message(first_message, reporter=bob, reason="It asks me to pay outside Rung.")
    response = client_for(sam).post(url("moderation_report", report.uuid), {"action": "dismiss", "note": "Fine"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "dismissed"
    first_message.refresh_from_db()
    assert not first_message.is_hidden


@pytest.mark.parametrize("extra", [1, 30])
def test_the_conversation_costs_the_same_however_many_messages_it_has(
    client_for, conversation, candidate, bob, extra, django_assert_max_num_queries
):
    for i in range(extra):
        services.send_message(conversation, sender=candidate, body=f"Line {i}", files=[pdf()] if i % 2 else [])
    client = client_for(bob)
    with django_assert_max_num_queries(15):
        response = client.get(url("conversation", conversation.uuid))
    assert response.status_code == 200
