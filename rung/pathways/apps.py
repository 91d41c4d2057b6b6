from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "rung.pathways"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.pathways import selectors, subscribers  # noqa: F401  (registers the event subscribers)
        from rung.projects import extensions

        extensions.register_template_notes("pathways/_template_outcomes.html", selectors.template_outcome_notes)
