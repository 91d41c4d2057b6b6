"""Background work after an engagement changes: payouts. Load by id, call a service."""

from django.tasks import task

from rung.engagements import services
from rung.engagements.models import Engagement


@task()
def pay_out_engagement(engagement_id: int) -> int:
    # Safe to run twice: a repeat finds nothing owed and no pending payout left to send.
    engagement = Engagement.objects.select_related("candidate").filter(pk=engagement_id).first()
    if engagement is None:
        return 0
    return services.start_payout(engagement)
