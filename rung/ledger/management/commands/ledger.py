from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.ledger.selectors import check_ledger
from rung.ledger.services import run_payouts


class Command(BaseCommand):
    help = "Check the ledger's invariants, or run the payouts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("check", help="verify every ledger invariant; exit 1 listing any violation")
        actions.add_parser("payouts", help="pay everything owed and follow up payouts already sent")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            problems = check_ledger()
            if problems:
                for problem in problems:
                    self.stderr.write(f"  ✗ {problem}")
                raise CommandError(f"The ledger has {len(problems)} problem{'s' if len(problems) != 1 else ''}.")
            self.stdout.write(self.style.SUCCESS("The ledger is consistent."))
        elif options["action"] == "payouts":
            run = run_payouts()
            self.stdout.write(
                f"Payouts created: {run.created}, sent: {run.sent}, settled: {run.settled}, failed: {run.failed}"
            )
            for error in run.errors:
                self.stderr.write(f"  ✗ {error}")
            if run.errors:
                raise CommandError(f"{len(run.errors)} payout(s) need attention.")
