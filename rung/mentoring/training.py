"""Mentor training (modules with a knowledge check) and accreditation: once every module is passed
and the evidence of practice is there, Rung issues an "Accredited mentor" Open Badges credential,
valid for MENTOR_ACCREDITATION_MONTHS and renewable in the last MENTOR_ACCREDITATION_RENEW_DAYS (a
renewal issues a new credential; the old one stays verifiable until it lapses). An upheld
safeguarding concern about the mentor withdraws the accreditation and revokes its credentials."""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.achievements import (
    Achievement,
    AchievementEvidenceInput,
    issue_achievement_credential,
    withdraw_credential,
)
from rung.credentials.models import IssuedCredential
from rung.credentials.services import CredentialError
from rung.lib.errors import DomainError
from rung.lib.events import emit
from rung.mentoring.models import Accreditation, TrainingAttempt, TrainingModule
from rung.mentoring.selectors import AccreditationProgress, accreditation_progress

log = logging.getLogger(__name__)


class TrainingError(DomainError):
    pass


def submit_attempt(user: User, *, module: TrainingModule, answers: Sequence[int]) -> TrainingAttempt:
    """Mark a knowledge check. Retries are allowed; each attempt is kept."""
    questions = list(module.questions.all())
    if len(answers) != len(questions):
        raise TrainingError(f"Answer all {len(questions)} questions.", field="answers")
    for question, answer in zip(questions, answers, strict=True):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(question.choices):
            raise TrainingError(f"Choose one of the answers to “{question.text}”.", field="answers")
    right = sum(1 for q, a in zip(questions, answers, strict=True) if q.correct == a)
    percent = round(100 * right / len(questions)) if questions else 100
    with transaction.atomic():
        attempt = TrainingAttempt.objects.create(
            user=user, module=module, answers=list(answers), percent=percent, passed=percent >= module.pass_mark
        )
        record("training.attempted", actor=user, obj=attempt, data={"module": module.slug, "percent": percent})
        transaction.on_commit(lambda: maybe_accredit(user))
    return attempt


def accredited_mentor_achievement() -> Achievement:
    return Achievement(
        ref="mentoring:accredited-mentor",
        name="Accredited mentor",
        description=(
            f"A mentor of paid micro-internships on {settings.SITE_NAME}, trained in the mentoring protocol, "
            "feedback, inclusion, safeguarding and boundaries, and rated well by their mentees."
        ),
        criteria_narrative=(
            f"Passed every module of {settings.SITE_NAME}'s mentor training (knowledge checks with a pass mark), "
            f"held at least {settings.MENTOR_ACCREDITATION_MIN_CHECKINS} check-ins with mentees whose mean rating "
            f"was at least {settings.MENTOR_ACCREDITATION_MIN_RATING} out of 5, with no upheld safeguarding concern."
        ),
        achievement_type="Certificate",
    )


def issue_accreditation_credential(accreditation: Accreditation) -> IssuedCredential | None:
    """Issue the accreditation's credential (idempotent). None when Rung cannot sign right now: the
    accreditation stands and the next call to maybe_accredit tries again."""
    try:
        issued = issue_achievement_credential(
            recipient=accreditation.mentor,
            achievement=accredited_mentor_achievement(),
            issue_ref=f"accreditation:{accreditation.uuid}",
            valid_from=accreditation.awarded_at,
            valid_until=accreditation.valid_until,
            evidence=[
                AchievementEvidenceInput(
                    name="Mentoring practice",
                    narrative=(
                        f"{accreditation.checkins_held} check-ins held; mean mentee rating "
                        f"{Decimal(accreditation.mean_rating):.2f} out of 5."
                    ),
                    genre="Practice record",
                )
            ],
            narrative=f"{accreditation.mentor.full_name or 'The holder'} completed the training and the practice.",
        )
    except CredentialError as exc:
        log.error("could not issue the credential of accreditation %s: %s", accreditation.uuid, exc)
        return None
    Accreditation.objects.filter(pk=accreditation.pk).update(credential_uuid=issued.uuid)
    accreditation.credential_uuid = issued.uuid
    return issued


def _award(mentor: User, progress: AccreditationProgress, *, renewal: bool) -> Accreditation:
    assert progress.mean_rating is not None
    now = timezone.now()
    accreditation = Accreditation.objects.create(
        mentor=mentor,
        awarded_at=now,
        valid_until=now + timedelta(days=round(30.44 * settings.MENTOR_ACCREDITATION_MONTHS)),
        checkins_held=progress.checkins_held,
        mean_rating=progress.mean_rating,
    )
    record(
        "mentor.renewed" if renewal else "mentor.accredited",
        actor=None,
        obj=accreditation,
        data={"held": progress.checkins_held},
    )
    emit("accreditation.awarded", mentor_id=mentor.pk)
    return accreditation


def maybe_accredit(mentor: User) -> Accreditation | None:
    """Accredit the mentor when training and practice are both complete and no accreditation is in
    force. Idempotent: called after every attempt, held check-in and rating. Also issues a credential
    that could not be signed the first time."""
    progress = accreditation_progress(mentor)
    if progress.accreditation is not None:
        if progress.accreditation.credential_uuid is None:
            issue_accreditation_credential(progress.accreditation)
        return None
    if not (progress.training_done and progress.practice_done):
        return None
    with transaction.atomic():
        # One accreditation in force at a time, even if two events race here.
        User.objects.select_for_update().filter(pk=mentor.pk).first()
        if Accreditation.objects.filter(mentor=mentor, valid_until__gt=timezone.now()).exists():
            return None
        accreditation = _award(mentor, progress, renewal=False)
    issue_accreditation_credential(accreditation)
    return accreditation


def renewal_opens(accreditation: Accreditation) -> datetime:
    return accreditation.valid_until - timedelta(days=settings.MENTOR_ACCREDITATION_RENEW_DAYS)


def renew_accreditation(mentor: User) -> Accreditation:
    """Renew in the last weeks of an accreditation: a new one (and credential) valid from now; the old
    credential stays verifiable until it lapses. The evidence must still hold."""
    progress = accreditation_progress(mentor)
    current = progress.accreditation
    if current is None:
        raise TrainingError("You have no accreditation in force to renew.", code="not_accredited")
    now = timezone.now()
    if now < renewal_opens(current):
        raise TrainingError(
            f"You can renew from {renewal_opens(current):%d %B %Y}, "
            f"{settings.MENTOR_ACCREDITATION_RENEW_DAYS} days before it lapses.",
            code="too_early",
        )
    if not (progress.training_done and progress.practice_done):
        raise TrainingError("The training and the evidence of practice must still hold to renew.", code="not_met")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=mentor.pk).first()
        latest = Accreditation.objects.filter(mentor=mentor, valid_until__gt=now).order_by("-valid_until").first()
        if latest is not None and now < renewal_opens(latest):
            raise TrainingError("Your accreditation was renewed a moment ago.", code="conflict")
        accreditation = _award(mentor, progress, renewal=True)
    issue_accreditation_credential(accreditation)
    return accreditation


def withdraw_accreditation(mentor: User, *, actor: User | None, reason: str) -> int:
    """End every accreditation of `mentor` in force now and revoke its credentials; how many ended."""
    now = timezone.now()
    ended = 0
    with transaction.atomic():
        for accreditation in Accreditation.objects.select_for_update().filter(mentor=mentor, valid_until__gt=now):
            if accreditation.credential_uuid is not None:
                credential = IssuedCredential.objects.filter(uuid=accreditation.credential_uuid).first()
                if credential is not None:
                    withdraw_credential(credential, reason=reason, actor=actor)
            accreditation.valid_until = now
            accreditation.withdrawn_at = now
            accreditation.save(update_fields=["valid_until", "withdrawn_at"])
            record("mentor.accreditation_withdrawn", actor=actor, obj=accreditation, data={"reason": reason})
            ended += 1
    return ended
