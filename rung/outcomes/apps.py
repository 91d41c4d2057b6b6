from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rung.outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.outcomes import subscribers  # noqa: F401  (registers the event subscribers)
