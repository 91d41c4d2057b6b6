from django.apps import AppConfig


class PayeesConfig(AppConfig):
    name = "rung.payees"
    label = "payees"
    verbose_name = "Payees"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.payees import checks  # noqa: F401  (registers the key check)
