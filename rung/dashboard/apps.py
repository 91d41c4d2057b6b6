from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "rung.dashboard"
