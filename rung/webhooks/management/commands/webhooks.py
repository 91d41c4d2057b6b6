from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Webhooks: `retry` attempts every delivery that is due (run it from cron beside the worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("retry", help="Attempt due deliveries and those a dead worker left half-sent")

    def handle(self, *args: Any, **options: Any) -> None:
        from rung.webhooks.services import retry_due_deliveries

        self.stdout.write(f"Made {retry_due_deliveries()} delivery attempt(s).")
