from typing import Any

from django.core.management.base import BaseCommand

from rung.reviews.services import auto_approve_overdue


class Command(BaseCommand):
    help = "Approve submissions whose review deadline has passed without a review. Run every 15 minutes."

    def handle(self, *args: Any, **options: Any) -> None:
        approved = auto_approve_overdue()
        self.stdout.write(f"Approved {approved} overdue submission(s) automatically.")
