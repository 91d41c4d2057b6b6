from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "rung.mentoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.mentoring import subscribers  # noqa: F401  (registers the event subscribers)
