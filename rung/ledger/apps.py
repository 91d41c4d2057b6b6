from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rung.ledger"
    verbose_name = "Ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.ledger import checks, subscribers  # noqa: F401  (registers the deploy check and subscribers)
