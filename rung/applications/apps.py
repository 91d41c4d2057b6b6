from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "rung.applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.applications import subscribers  # noqa: F401  (registers the notification subscribers)
