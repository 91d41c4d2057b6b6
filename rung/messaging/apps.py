from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "rung.messaging"
    verbose_name = "Messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the e-mail and staff notifications for message.sent and message.reported.
        from rung.messaging import subscribers  # noqa: F401
