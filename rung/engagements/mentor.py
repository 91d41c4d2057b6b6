"""Who mentors an engagement. Pairing (rung.mentoring, above) decides; this records the outcome on
the engagement so that the lower apps — reviews' separation of roles, the participants of its
conversation — can read it without knowing about mentoring."""

from django.db import transaction

from rung.accounts.models import User
from rung.audit.services import record
from rung.engagements.models import Engagement


def set_mentor(engagement: Engagement, *, mentor: User | None, actor: User | None) -> Engagement:
    with transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(mentor=mentor)
        engagement.refresh_from_db(fields=["mentor"])
        record("engagement.mentor_set", actor=actor, obj=engagement, data={"mentor": mentor.email if mentor else None})
    return engagement
