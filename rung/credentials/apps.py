from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "rung.credentials"
    verbose_name = "Credentials"
    default_auto_field = "django.db.models.BigAutoField"
