from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "rung.profiles"
    default_auto_field = "django.db.models.BigAutoField"
