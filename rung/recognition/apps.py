from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "rung.recognition"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.credentials import endorsements
        from rung.recognition import selectors, subscribers  # noqa: F401  (registers the event subscribers)

        endorsements.register_lister(selectors.shown_endorsements_for_credential)
