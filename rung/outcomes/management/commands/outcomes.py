from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Outcomes: `sweep` schedules and e-mails the 3- and 6-month follow-ups that are due (run it daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Schedule follow-ups and e-mail those due (safe to run concurrently)")

    def handle(self, *args: Any, **options: Any) -> None:
        from rung.outcomes.services import sweep_follow_ups

        self.stdout.write(f"Sent {sweep_follow_ups()} follow-up e-mail(s).")
