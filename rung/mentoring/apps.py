from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "rung.mentoring"
    default_auto_field = "django.db.models.BigAutoField"
