from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.ledger.payouts import alert_overdue_payouts, run_payouts
from rung.ledger.selectors import check_ledger


class Command(BaseCommand):
    help = (
        "Check the ledger's invariants (`rung ledger check`), or run the payouts (`rung ledger payouts`). "
        "Run the payouts from cron every few minutes, e.g. `*/5 * * * * rung ledger payouts`: each run "
        "pays what is owed, follows up payouts already sent and tells staff about overdue ones; "
        "overlapping or repeated runs never pay twice."
    )

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
            alerted = alert_overdue_payouts()
            if alerted:
                self.stdout.write(f"Staff told about {alerted} newly overdue payout{'s' if alerted != 1 else ''}.")
            for error in run.errors:
                self.stderr.write(f"  ✗ {error}")
            if run.errors:
                raise CommandError(f"{len(run.errors)} payout(s) need attention.")
