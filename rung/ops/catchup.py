"""What a worker does when it starts: finish the money work a dead worker may have left behind.

An approval releases money to the intern's payable account and enqueues the payout on commit; if
the worker dies between the two, the payout would wait for the next `rung ledger payouts` from cron.
`run_payouts` creates the missing payouts and sends the pending ones; every step claims its rows,
so running it at every start, on several workers at once, never pays twice.

It then queues the webhooks' retry pass (`rung.webhooks.tasks.ensure_retry_pass`), which re-enqueues
itself: with a worker running, due webhook retries need no cron.
"""

import logging

from rung.ledger.payouts import run_payouts
from rung.webhooks.tasks import ensure_retry_pass

log = logging.getLogger("rung.ops")


def catch_up() -> str:
    run = run_payouts()
    for error in run.errors:
        log.error("start-up catch-up: %s", error)
    summary = f"payouts created {run.created}, sent {run.sent}, settled {run.settled}, failed {run.failed}"
    if run.errors:
        summary += f", {len(run.errors)} need attention (see the log)"
    summary += f"; {ensure_retry_pass()}"
    log.info("start-up catch-up: %s", summary)
    return summary
