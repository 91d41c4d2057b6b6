from django.tasks import task

from rung.reviews import services


@task()
def sweep_reviews() -> int:
    # Safe to run twice, or alongside the management command: every row is claimed with compare-and-set.
    return services.auto_approve_overdue()
