from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "rung.pathways"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.pathways import subscribers  # noqa: F401  (registers the event subscribers)
