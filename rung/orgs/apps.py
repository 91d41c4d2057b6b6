from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "rung.orgs"
    verbose_name = "Organisations"
    default_auto_field = "django.db.models.BigAutoField"
