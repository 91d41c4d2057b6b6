from django.tasks import task

from rung.reviews import services


@task()
def sweep_reviews() -> int:
    # Safe to run twice, or alongside the management command: every row is claimed with compare-and-set.
    return services.auto_approve_overdue()


@task()
def issue_engagement_credential(engagement_id: int) -> None:
    # Safe to run twice: a credential is issued once per engagement.
    from rung.engagements.models import Engagement

    engagement = Engagement.objects.select_related("project", "candidate").filter(pk=engagement_id).first()
    if engagement is not None:
        services.issue_completion_credential(engagement)
