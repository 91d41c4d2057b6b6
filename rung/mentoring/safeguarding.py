"""Safeguarding: anyone in an engagement can raise a concern confidentially; staff work a queue
(open → in review → resolved / upheld), every step audited; the reporter is told the outcome."""

from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.engagements.models import Engagement
from rung.engagements.selectors import engagements_for
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.mentoring.models import CONCERN_TRANSITIONS, Concern, ConcernEvent, ConcernStatus
from rung.mentoring.training import withdraw_accreditation

MAX_TEXT = 5000


class ConcernError(DomainError):
    pass


def report_concern(engagement: Engagement, *, reporter: User, text: str, about: User | None = None) -> Concern:
    if not engagements_for(reporter).filter(pk=engagement.pk).exists():
        raise NotFound("No such engagement.")
    text = text.strip()
    if not text:
        raise ConcernError("Say what worries you; only Rung staff will read it.", field="text")
    if len(text) > MAX_TEXT:
        raise ConcernError(f"Keep it under {MAX_TEXT} characters.", field="text")
    with transaction.atomic():
        concern = Concern.objects.create(engagement=engagement, reporter=reporter, about=about, text=text)
        ConcernEvent.objects.create(concern=concern, from_status="", to_status=ConcernStatus.OPEN, actor=reporter)
        # The audit trail names the engagement, not what was said: the text stays in the concern.
        record("concern.reported", actor=reporter, obj=concern, data={"engagement": str(engagement.uuid)})
        emit("concern.reported", concern_id=concern.pk)
    return concern


def move_concern(concern: Concern, *, actor: User, to: str, note: str = "") -> Concern:
    if not actor.is_staff:
        raise PermissionDenied("Only Rung staff work safeguarding concerns.")
    old = concern.status
    if to not in CONCERN_TRANSITIONS[old]:
        raise ConcernError(
            f"A concern that is “{ConcernStatus(old).label}” cannot become “{ConcernStatus(to).label}”.",
            code="bad_transition",
        )
    closing = to in (ConcernStatus.RESOLVED, ConcernStatus.UPHELD)
    note = note.strip()
    if closing and not note:
        raise ConcernError("Write the outcome: the reporter is told it.", field="note")
    changes: dict[str, object] = {"status": to}
    if closing:
        changes.update(outcome=note[:MAX_TEXT], closed_at=timezone.now())
    with transaction.atomic():
        if not Concern.objects.filter(pk=concern.pk, status=old).update(**changes):
            raise ConcernError("This concern changed a moment ago. Reload the page.", code="conflict")
        concern.refresh_from_db()
        ConcernEvent.objects.create(concern=concern, from_status=old, to_status=to, actor=actor, note=note)
        record(f"concern.{to}", actor=actor, obj=concern, data={"from": old})
        if to == ConcernStatus.UPHELD and concern.about is not None:
            withdraw_accreditation(concern.about, actor=actor, reason="A safeguarding concern was upheld.")
    if closing:
        emit("concern.closed", concern_id=concern.pk)
    return concern
