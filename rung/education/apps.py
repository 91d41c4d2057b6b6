from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "rung.education"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.education import subscribers  # noqa: F401  (registers the event subscribers)
