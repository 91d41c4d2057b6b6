"""/api/v1/conversations through the real URLconf: lists, messages, reads, reports; outsiders see nothing."""

import pytest

from rung.messaging import selectors, services
from rung.messaging.models import Conversation, Message, MessageReport
from rung.messaging.tests.conftest import exe, pdf

API = "/api/v1/conversations"


def test_the_list_has_only_your_conversations_with_unread_counts(
    api_for, conversation, question, bob, candidate, charlie, django_assert_max_num_queries
):
    client = api_for(bob)
    with django_assert_max_num_queries(10):
        body = client.get(API).json()
    assert body["count"] == 2
    assert {item["uuid"]: item["unread"] for item in body["items"]} == {
        str(conversation.uuid): 1,
        str(question.conversation.uuid): 1,
    }
    assert api_for(candidate).get(API).json()["count"] == 1
    assert api_for(charlie).get(API).json() == {"items": [], "count": 0}


def test_logged_out_scripts_are_refused(client, conversation):
    response = client.get(API)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_participant_gets_the_conversation_and_its_messages(api_for, conversation, alice):
    client = api_for(alice)
    detail = client.get(f"{API}/{conversation.uuid}").json()
    assert detail["kind"] == "engagement"
    assert detail["engagement"] == str(conversation.engagement.uuid)
    assert "Nia Candidate (intern)" in detail["audience"]
    messages = client.get(f"{API}/{conversation.uuid}/messages").json()
    assert messages["count"] == 1
    assert messages["items"][0]["sender"] == "Nia Candidate"
    assert messages["items"][0]["mine"] is False


@pytest.mark.parametrize("who", ["charlie", "viewer", "other_mentor", "sam"])
def test_everyone_else_gets_404_everywhere(api_for, conversation, first_message, request, who):
    client = api_for(request.getfixturevalue(who))
    assert client.get(f"{API}/{conversation.uuid}").status_code == 404
    assert client.get(f"{API}/{conversation.uuid}/messages").status_code == 404
    assert client.post(f"{API}/{conversation.uuid}/messages", {"body": "Let me in"}).status_code == 404
    assert client.post(f"{API}/{conversation.uuid}/read").status_code == 404
    report = client.post(
        f"{API}/messages/{first_message.uuid}/report", {"reason": "Let me see this."}, content_type="application/json"
    )
    assert report.status_code == 404
    assert report.json()["code"] == "not_found"
    assert Message.objects.count() == 1
    assert not MessageReport.objects.exists()


def test_posting_a_message_with_a_file(api_for, conversation, bob):
    response = api_for(bob).post(f"{API}/{conversation.uuid}/messages", {"body": "The data", "files": [pdf()]})
    assert response.status_code == 201
    body = response.json()
    assert body["sender"] == "You"
    assert body["attachments"][0]["name"] == "notes.pdf"
    message = Message.objects.get(uuid=body["uuid"])
    assert message.attachments.count() == 1
    download = api_for(bob).get(body["attachments"][0]["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"body": ""}, "Write a message"),
        ({"body": "x" * 4001}, "at most 4,000"),
        ({"body": "Hello\x00"}, "NUL character"),
    ],
)
def test_refused_messages_answer_in_the_error_shape(api_for, conversation, bob, data, words):
    response = api_for(bob).post(f"{API}/{conversation.uuid}/messages", data)
    assert response.status_code == 400
    body = response.json()
    assert words in body["detail"]
    assert body["errors"] == [{"field": "body", "message": body["detail"]}]
    assert Message.objects.count() == 1


def test_a_refused_file_answers_in_the_error_shape(api_for, conversation, bob):
    response = api_for(bob).post(f"{API}/{conversation.uuid}/messages", {"body": "See", "files": [exe()]})
    assert response.status_code == 400
    assert response.json()["code"] == "file_refused"
    assert Message.objects.count() == 1


def test_marking_read(api_for, conversation, bob):
    assert selectors.unread_in(bob, conversation) == 1
    response = api_for(bob).post(f"{API}/{conversation.uuid}/read")
    assert response.status_code == 200
    assert response.json() == {"unread": 0}
    assert selectors.unread_in(bob, conversation) == 0
    assert api_for(bob).get(f"{API}/unread-count").json() == {"unread": 0}


def test_reporting_a_message(api_for, first_message, bob):
    client = api_for(bob)
    path = f"{API}/messages/{first_message.uuid}/report"
    short = client.post(path, {"reason": "bad"}, content_type="application/json")
    assert short.status_code == 400
    assert short.json()["errors"][0]["field"] == "reason"
    response = client.post(path, {"reason": "It asks me to pay outside Rung."}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "open"
    assert MessageReport.objects.get().reporter_id == bob.pk


def test_starting_an_engagement_conversation_and_asking_a_question(api_for, mentored, published, bob, asker, viewer):
    started = api_for(bob).post(f"{API}/engagements/{mentored.uuid}/messages", {"body": "Welcome!"})
    assert started.status_code == 201
    assert Conversation.objects.filter(engagement=mentored).exists()
    assert api_for(viewer).post(f"{API}/engagements/{mentored.uuid}/messages", {"body": "Hi"}).status_code == 404
    asked = api_for(asker).post(f"{API}/projects/{published.uuid}/questions", {"body": "Is the data in English?"})
    assert asked.status_code == 201
    thread = Conversation.objects.get(kind="question")
    assert thread.candidate_id == asker.pk
    employer_view = api_for(bob).get(f"{API}/{thread.uuid}/messages").json()
    assert employer_view["items"][0]["sender"] == "The candidate"
    member = api_for(bob).post(f"{API}/projects/{published.uuid}/questions", {"body": "Me too"})
    assert member.status_code == 403


def test_hidden_messages_have_no_text_or_files_in_the_api(api_for, conversation, candidate, bob, sam):
    message = services.send_message(conversation, sender=candidate, body="Something rude", files=[pdf()])
    report = services.report_message(message, reporter=bob, reason="Rude, please hide it.")
    services.hide_message(report, staff=sam, note="Rude")
    items = api_for(bob).get(f"{API}/{conversation.uuid}/messages").json()["items"]
    hidden = next(i for i in items if i["uuid"] == str(message.uuid))
    assert hidden["hidden"] is True
    assert hidden["body"] == ""
    assert hidden["attachments"] == []
