"""Mentor training (modules with a knowledge check) and accreditation: once every module is passed
and the evidence of practice is there, Rung issues an "Accredited mentor" credential, valid for a
year and renewable."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError
from rung.lib.events import emit
from rung.mentoring.models import Accreditation, TrainingAttempt, TrainingModule
from rung.mentoring.selectors import accreditation_progress


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


def maybe_accredit(mentor: User) -> Accreditation | None:
    """Accredit the mentor when training and practice are both complete and no accreditation is in
    force. Idempotent: called after every attempt, held check-in and rating."""
    progress = accreditation_progress(mentor)
    if progress.accreditation is not None or not (progress.training_done and progress.practice_done):
        return None
    assert progress.mean_rating is not None
    now = timezone.now()
    with transaction.atomic():
        # One accreditation in force at a time, even if two events race here.
        User.objects.select_for_update().filter(pk=mentor.pk).first()
        if Accreditation.objects.filter(mentor=mentor, valid_until__gt=now).exists():
            return None
        accreditation = Accreditation.objects.create(
            mentor=mentor,
            awarded_at=now,
            valid_until=now + timedelta(days=round(30.44 * settings.MENTOR_ACCREDITATION_MONTHS)),
            checkins_held=progress.checkins_held,
            mean_rating=progress.mean_rating,
        )
        record("mentor.accredited", actor=None, obj=accreditation, data={"held": progress.checkins_held})
        emit("accreditation.awarded", mentor_id=mentor.pk)
    return accreditation
