from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "rung.engagements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.engagements import subscribers  # noqa: F401  (registers the notification subscribers)
