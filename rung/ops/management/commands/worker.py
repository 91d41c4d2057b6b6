from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from rung.ops.catchup import catch_up


class Command(BaseCommand):
    help = (
        "Run the background task worker (`rung worker`). On start-up it first does what a worker that died "
        "may have left undone: approvals without a payout get one and pending payouts are sent (the ledger's "
        "idempotent `run_payouts`), so nothing waits for the next cron run. Other options go to db_worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-catch-up", action="store_true", help="skip the start-up catch-up")
        parser.add_argument("--batch", action="store_true", help="run the queued tasks, then exit")
        parser.add_argument("--queue-name", default=None)
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_catch_up"]:
            summary = catch_up()
            self.stdout.write(f"Start-up catch-up: {summary}")
        worker_options: dict[str, Any] = {"batch": options["batch"], "verbosity": options["verbosity"]}
        if options["queue_name"]:
            worker_options["queue_name"] = options["queue_name"]
        if options["worker_id"]:
            worker_options["worker_id"] = options["worker_id"]
        call_command("db_worker", **worker_options)
