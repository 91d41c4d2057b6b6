import pytest
from django.core.management import call_command

from rung.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_engagement_conversation_and_a_question_and_reruns_without_duplicates(
    settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    engagement = Conversation.objects.get(kind="engagement")
    assert engagement.candidate.email == "maya@student.example"
    senders = set(engagement.messages.values_list("sender__email", flat=True))
    assert {"maya@student.example", "ravi@northwind.example"} <= senders
    assert Conversation.objects.filter(kind="question").count() == 1
    count = Message.objects.count()
    call_command("demo")
    assert Message.objects.count() == count
