from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "rung.applications"
    default_auto_field = "django.db.models.BigAutoField"
