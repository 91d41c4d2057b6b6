from django.tasks import task

from rung.notifications import services


@task()
def deliver_notification_email(notification_id: int) -> bool:
    # Safe to run twice: the service claims the row before sending.
    return services.send_notification_email(notification_id)
