from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "rung.showcase"
    verbose_name = "Showcase"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Words the notifications for consent requests and decisions, curation and take-downs.
        from rung.showcase import subscribers  # noqa: F401
