from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "rung.reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rung.reviews import subscribers  # noqa: F401  (registers the notification subscribers)
