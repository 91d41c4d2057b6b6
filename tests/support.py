"""Small helpers shared by tests."""

import re
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from rung.lib.errors import DomainError


def link_in(text: str, *, strip_host: str | None = None) -> str:
    """The first web address in `text` (an e-mail body), optionally made relative to `strip_host`."""
    match = re.search(r"https?://\S+", text)
    assert match is not None, f"no link in: {text!r}"
    link = match.group(0)
    return link.replace(strip_host, "") if strip_host else link


def race(*jobs: Callable[[], object], outcome: Callable[[object], str] = repr) -> list[str]:
    """Run the jobs at the same instant, each in its own thread and database connection (PostgreSQL).

    Each job's result is `outcome(what it returned)`, or the code of the DomainError it raised; the
    results come in the order the jobs finished.
    """
    if connection.vendor != "postgresql":
        pytest.skip("races need PostgreSQL's row locks and real concurrent connections")
    barrier = threading.Barrier(len(jobs))
    results: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            result = outcome(job())
        except DomainError as exc:
            result = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
