"""E-mails of credit: the partner's reviewers when covered work awaits them, the student when credit is
approved or declined (with the condition that failed) and when a transcript is issued. Recipients and
content are checked, in plain text and HTML, and nobody else is written to."""

from typing import cast

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from rung.education import services
from rung.education.models import CreditClaim, CreditStatus
from rung.education.tests.conftest import active_agreement, affiliate, complete

pytestmark = pytest.mark.django_db


def _html(message) -> str:
    return str(cast(EmailMultiAlternatives, message).alternatives[0][0])


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def done(engagement, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    settings.SITE_URL = "https://rung.example"
    return engagement


@pytest.fixture
def pending(done, candidate, bob, rey_m, pat_m, vic, django_capture_on_commit_callbacks) -> CreditClaim:
    active_agreement(pat_m)
    affiliate(candidate, rey_m)
    mail.outbox.clear()
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    assert claim.status == CreditStatus.PENDING
    return claim


def test_the_partners_reviewers_are_written_to_when_credit_awaits_them(pending, pat, rey, vic, alice, bob):
    (to_rey,) = _to(rey.email)
    (to_pat,) = _to(pat.email)
    assert _to(vic.email) == [], "a viewer cannot decide credit, so is not asked to"
    assert not [m for m in mail.outbox if "Credit to review" in m.subject and m.to[0] in (alice.email, bob.email)]
    assert to_rey.subject == "Credit to review: Nia Candidate, “Clean and chart our volunteer survey”"
    body = str(to_rey.body)
    assert "Hello Rey," in body
    assert "Nia Candidate completed “Clean and chart our volunteer survey” with Acme Analytics." in body
    assert "your agreement “Work placement credit (version 1)” (2.5 ECTS (DATA2001))" in body
    assert "- At least 20 hours: met" in body
    assert "- Outcome “Clean real survey data”: met" in body
    assert f"https://rung.example/education/claims/{pending.uuid}/" in body
    html = _html(to_rey)
    assert "<li>At least 20 hours: <strong>met</strong></li>" in html
    assert f'href="https://rung.example/education/claims/{pending.uuid}/"' in html
    assert to_pat.subject == to_rey.subject


def test_the_student_learns_of_a_decline_and_the_condition_that_failed(
    pending, candidate, rey_m, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(
            pending,
            membership=rey_m,
            approve=False,
            comment="The hours on the contract are below what the module needs.",
            failed_condition="At least 20 hours",
        )
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject == "Credit declined by University of Example for “Clean and chart our volunteer survey”"
    body = str(message.body)
    assert "University of Example declined credit for “Clean and chart our volunteer survey” (Acme Analytics)" in body
    assert "The condition not met: At least 20 hours" in body
    assert "The reviewer wrote: The hours on the contract are below what the module needs." in body
    assert f"https://rung.example/education/claims/{pending.uuid}/" in body
    assert "The condition not met: <strong>At least 20 hours</strong>" in _html(message)


def test_the_student_learns_of_an_approval_with_the_reviewers_comment(
    pending, candidate, rey_m, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(pending, membership=rey_m, approve=True, comment="Well evidenced; well done.")
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject == "Credit approved: 2.5 ECTS (DATA2001) from University of Example"
    body = str(message.body)
    assert "University of Example approved your credit for “Clean and chart our volunteer survey”" in body
    assert "2.5 ECTS (DATA2001), Applied data practice." in body
    assert "The reviewer wrote: Well evidenced; well done." in body
    assert "condition not met" not in body
    assert "<strong>approved</strong>" in _html(message)


def test_an_automatic_approval_says_every_condition_was_met_and_asks_no_reviewer(
    done, candidate, bob, rey, pat, rey_m, pat_m, django_capture_on_commit_callbacks
):
    active_agreement(pat_m, auto_approve=True)
    affiliate(candidate, rey_m)
    mail.outbox.clear()
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    assert CreditClaim.objects.get().status == CreditStatus.APPROVED
    assert _to(rey.email) == []
    assert _to(pat.email) == []
    (message,) = [m for m in _to(candidate.email) if m.subject.startswith("Credit approved")]
    assert "so it was approved automatically" in str(message.body)


def test_the_student_is_told_when_a_transcript_is_issued(
    pending, candidate, rey_m, pat_m, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(pending, membership=rey_m, approve=True, comment="")
    affiliation = pending.affiliation
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transcript = services.issue_transcript(affiliation, membership=pat_m)
    (message,) = [m for m in mail.outbox if "transcript" in m.subject]
    assert message.to == [candidate.email]
    assert message.subject == "Your transcript from University of Example is in your wallet"
    body = str(message.body)
    assert "University of Example issued you “Transcript from University of Example”" in body
    assert "- 2.5 ECTS (DATA2001)" in body
    assert f"https://rung.example/wallet/{transcript.credential.uuid}/" in body
    assert "<li>2.5 ECTS (DATA2001)</li>" in _html(message)


def test_a_long_comment_reaches_the_student_whole(pending, candidate, rey_m, django_capture_on_commit_callbacks):
    comment = "The evidence is thin. " * 90  # about 1,980 characters: more than a notification body holds
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(
            pending, membership=rey_m, approve=False, comment=comment, failed_condition="At least 20 hours"
        )
    (message,) = mail.outbox
    assert " ".join(comment.split()) in str(message.body)
    assert len(candidate.notifications.get(verb="credit.decided").body) <= 600
