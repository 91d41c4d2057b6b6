"""Conversations built on real engagements (published project → apply → offer → accept → sign).

People: nia the intern, alice (owner) and bob (reviewer) of Acme, mo the engagement's mentor,
val a viewer at Acme and olga a mentor at Acme not assigned to this engagement (neither takes part),
charlie the outsider, sam staff, and ana a candidate who asks about the project before applying.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.messaging import services
from rung.messaging.models import Conversation, Message
from rung.orgs.models import Membership, Role
from rung.reviews.tests.conftest import (  # noqa: F401
    EXE,
    PDF,
    candidate,
    draft,
    engagement,
    make_input,
    media_root,
    mentor,
    owner_membership,
    published,
    reviewer_membership,
    sandbox_payments,
    unsigned,
    viewer,
)


@pytest.fixture
def other_mentor(org) -> User:
    user = make_user("olga@acme.example", "Olga Othermentor")
    Membership.objects.create(organisation=org, user=user, role=Role.MENTOR)
    return user


@pytest.fixture
def asker(db) -> User:
    return make_user("ana@student.example", "Ana Asker")


@pytest.fixture
def mentored(engagement, mentor) -> Engagement:  # noqa: F811
    # Assigning a mentor has no page yet (pairing is its own work); the field is what counts here.
    Engagement.objects.filter(pk=engagement.pk).update(mentor=mentor)
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def first_message(mentored, candidate) -> Message:  # noqa: F811
    return services.send_engagement_message(mentored, sender=candidate, body="Hello! Where is the survey data?")


@pytest.fixture
def conversation(first_message) -> Conversation:
    return first_message.conversation


@pytest.fixture
def question(published, asker) -> Message:  # noqa: F811
    return services.ask_question(published, candidate=asker, body="Is the survey data in English?")


def pdf(name: str = "notes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def exe(name: str = "notes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE, content_type="application/pdf")
