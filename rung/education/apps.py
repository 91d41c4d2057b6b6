from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "rung.education"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.education import selectors, subscribers  # noqa: F401  (registers the event subscribers)
        from rung.projects import extensions

        # Students see the credit before they apply: on project pages, in results, and as a filter.
        extensions.register_notes("education/_credit_note.html", selectors.credit_notes_for)
        extensions.register_template_notes("education/_credit_note.html", selectors.template_credit_notes)
        extensions.register_search_flag("credit", "count for credit", selectors.counts_for_credit)
