"""A real HTTP receiver: http.server in a thread on a free port, answering with the statuses a test
queues (200 when none are left) and keeping every request it got."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"receiver says no")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/rung"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings) -> None:
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_BACKOFF_BASE_SECONDS = 60
    settings.WEBHOOKS_MAX_ATTEMPTS = 3


@pytest.fixture(autouse=True)
def _only_webhooks_listen(monkeypatch) -> None:
    """The events these tests fire name objects that do not exist; only the webhooks subscriber hears
    them (the other apps' subscribers are tested in their apps)."""
    from rung.lib import events
    from rung.webhooks.models import WEBHOOK_EVENTS
    from rung.webhooks.subscribers import deliver

    monkeypatch.setattr(events, "_subscribers", {name: [deliver] for name in WEBHOOK_EVENTS})
