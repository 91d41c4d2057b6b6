from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "rung.webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.webhooks import subscribers  # noqa: F401  (registers the event subscribers)
