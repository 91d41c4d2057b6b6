from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "rung.ops"
    verbose_name = "Operations"
