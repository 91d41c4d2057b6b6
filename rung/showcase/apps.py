from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "rung.showcase"
    verbose_name = "Showcase"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Words the notifications for consent requests and decisions, curation and take-downs.
        from rung.projects import extensions
        from rung.showcase import subscribers  # noqa: F401

        # On the project page: whether its work may be showcased or offered for licence.
        extensions.register_manage_panel("showcase/_policy_panel.html")
