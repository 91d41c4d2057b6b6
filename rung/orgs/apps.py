from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "rung.orgs"
    verbose_name = "Organisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.orgs import subscribers  # noqa: F401  (registers the notification subscribers)
