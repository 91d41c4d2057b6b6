"""Measure project search at scale on PostgreSQL. Prints figures; asserts nothing.

scripts/bench-search 1000000    # creates a throwaway database, fills it, measures, drops it

Two kinds of figures: the database (the selector called in this process) and HTTP (gunicorn started
here with production settings, hammered by a pool of client threads, each its own connection).
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from rung.projects import selectors
from rung.projects.models import Project

WORDS = [
    "data",
    "survey",
    "chart",
    "python",
    "design",
    "research",
    "marketing",
    "finance",
    "volunteer",
    "donor",
    "dashboard",
    "audit",
    "accessibility",
    "writing",
    "api",
    "customer",
    "support",
    "map",
    "retail",
    "energy",
    "health",
    "education",
    "climate",
]
# A word in exactly three projects, the oldest, one in the middle and one near the newest end: the
# worst case for a plan that walks the recency index backwards looking for matches.
RARE_WORD = "herbarium"


class Command(BaseCommand):
    help = "Fill a throwaway PostgreSQL database with published projects and time the search queries."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--http-requests", type=int, default=200, help="Requests per HTTP figure (0: skip)")
        parser.add_argument("--http-clients", type=int, default=8, help="Client threads (connections) at once")
        parser.add_argument("--http-workers", type=int, default=2, help="gunicorn worker processes")

    def handle(
        self,
        *args: Any,
        rows: int,
        repeat: int,
        http_requests: int,
        http_clients: int,
        http_workers: int,
        **options: Any,
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The search benchmark needs PostgreSQL (DATABASE_URL).")
        if Project.objects.exclude(title__startswith="[bench]").exists():
            raise CommandError("This database holds real projects. Run the benchmark on a throwaway database.")
        self._fill(rows)
        self._measure(repeat)
        if http_requests:
            self._measure_http(http_requests, http_clients, http_workers)

    def _fill(self, rows: int) -> None:
        existing = Project.objects.count()
        if existing >= rows:
            self.stdout.write(f"{existing:,} projects already there.")
            return
        started = time.perf_counter()
        from rung.orgs.models import Organisation

        org, _ = Organisation.objects.get_or_create(
            slug="bench",
            defaults={
                "name": "Bench Co",
                "kind": "employer",
                "email_domain": "bench.example",
                "verification": "verified",
            },
        )
        # One INSERT … SELECT generate_series: far faster than the ORM for a million rows.
        # (%% is a literal modulo: this query also takes parameters.)
        fill_sql = """
            INSERT INTO projects_project (uuid, organisation_id, status, title, summary, learning_outcomes,
                duration_weeks, estimated_hours, stipend_minor, currency, seats, application_deadline,
                start_date, work_mode, location, jurisdiction, screening_questions, ip_licence, blind_review,
                offer_valid_days, review_rounds, created_at, updated_at, published_at)
            SELECT gen_random_uuid(), %s, 'published',
                '[bench] ' || w[1 + (i %% 23)] || ' ' || w[1 + ((i / 23) %% 23)] || ' project ' || i,
                'Help us with ' || w[1 + ((i * 7) %% 23)] || ' and ' || w[1 + ((i * 11) %% 23)] || ' work.',
                '["learn"]'::jsonb, 1 + (i %% 4), 10 + (i %% 60), 60000 + (i %% 100) * 1000, 'EUR', 1,
                current_date + 30, current_date + 40, 'remote', '', '', '[]'::jsonb, 'non_exclusive', true,
                5, 2, now(), now(), now() - (i || ' seconds')::interval
            FROM generate_series(%s, %s) AS i, (SELECT %s::text[] AS w) AS words
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(fill_sql, [org.pk, existing + 1, rows, list(WORDS)])
            cursor.execute("""
                UPDATE projects_project SET search_vector =
                    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'C')
                WHERE search_vector IS NULL
            """)
            cursor.execute(
                """
                UPDATE projects_project SET summary = summary || ' Catalogue the ' || %s || ' specimens.',
                    search_vector = search_vector || to_tsvector('english', %s)
                WHERE id IN (SELECT min(id) FROM projects_project
                             UNION SELECT max(id) FROM projects_project
                             UNION SELECT (min(id) + max(id)) / 2 FROM projects_project)
                """,
                [RARE_WORD, RARE_WORD],
            )
            cursor.execute("ANALYZE projects_project")
        self.stdout.write(f"Filled {rows - existing:,} projects in {time.perf_counter() - started:.1f} s.")

    def _time(self, label: str, repeat: int, fn: Callable[[], object]) -> None:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        self.stdout.write(f"{label:<58} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")

    def _measure(self, repeat: int) -> None:
        total = Project.objects.count()
        self.stdout.write(f"\nSearch over {total:,} published projects ({repeat} runs each):")

        def page(**kwargs: Any) -> Callable[[], object]:
            return lambda: list(selectors.search_projects(selectors.SearchParams(**kwargs)).items)

        self._time("browse newest first (no text)", repeat, page())
        self._time("common word, newest first (GIN + recency)", repeat, page(q="data"))
        self._time("common word, best match (rank the 1,000 newest matches)", repeat, page(q="data", sort="relevance"))
        self._time("two common words, best match", repeat, page(q="climate accessibility", sort="relevance"))
        self._time(f"rare word ({RARE_WORD!r}, 3 projects), newest first", repeat, page(q=RARE_WORD))
        self._time(f"rare word ({RARE_WORD!r}), best match", repeat, page(q=RARE_WORD, sort="relevance"))
        self._time("typo ('herbarum'): respelled, newest first", repeat, page(q="herbarum"))
        self._time("employer name ('Bench Co'), newest first", repeat, page(q="Bench Co"))
        self._time("filters: 2 weeks, at least 25 EUR/h", repeat, page(durations=[2], currency="EUR", min_hourly=25))

        def naive_rank() -> object:
            with connection.cursor() as cursor:
                cursor.execute("""SELECT id FROM projects_project WHERE search_vector @@ websearch_to_tsquery('english',
                    'data') ORDER BY ts_rank(search_vector, websearch_to_tsquery('english', 'data')) DESC LIMIT 20""")
                return cursor.fetchall()

        def naive_count() -> object:
            with connection.cursor() as cursor:
                cursor.execute("""SELECT count(*) FROM projects_project
                    WHERE search_vector @@ websearch_to_tsquery('english', 'data')""")
                return cursor.fetchone()

        self.stdout.write("For comparison, what Rung avoids:")
        self._time("  rank every match for a common word", repeat, naive_rank)
        self._time("  count every match for a common word", repeat, naive_count)

    # --- HTTP ------------------------------------------------------------------------------

    def _measure_http(self, requests: int, clients: int, workers: int) -> None:
        import logging

        import httpx

        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns the figures

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "RUNG_ALLOW_DEV_SECRET": "true"}
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "rung.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self._wait_for(base)
            self.stdout.write(
                f"\nHTTP, gunicorn with {workers} workers, {clients} client connections at once, "
                f"{requests} requests each:"
            )
            shapes = [
                ("API browse newest first", "/api/v1/projects"),
                ("API common word, newest first", "/api/v1/projects?q=data"),
                ("API common word, best match", "/api/v1/projects?q=data&sort=relevance"),
                (f"API rare word ({RARE_WORD!r}), newest first", f"/api/v1/projects?q={RARE_WORD}"),
                (f"API rare word ({RARE_WORD!r}), best match", f"/api/v1/projects?q={RARE_WORD}&sort=relevance"),
                ("page /projects/ browse", "/projects/"),
                (f"page /projects/ rare word ({RARE_WORD!r})", f"/projects/?q={RARE_WORD}"),
            ]
            for label, path in shapes:
                self._http_figure(httpx, base, label, path, requests=requests, clients=clients)
        finally:
            server.terminate()
            server.wait(timeout=30)

    def _wait_for(self, base: str) -> None:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise CommandError("gunicorn did not start within a minute.")

    def _http_figure(self, httpx: Any, base: str, label: str, path: str, *, requests: int, clients: int) -> None:
        per_client = max(1, requests // clients)

        def run() -> list[float]:
            times = []
            with httpx.Client(base_url=base, timeout=60) as client:  # one keep-alive connection per thread
                for _ in range(per_client):
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{path} answered {response.status_code}")
            return times

        with httpx.Client(base_url=base, timeout=60) as warm:
            warm.get(path)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            times = [t for batch in pool.map(lambda _: run(), range(clients)) for t in batch]
        elapsed = time.perf_counter() - started
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        self.stdout.write(
            f"{label:<58} {len(times) / elapsed:7.1f} req/s   median {statistics.median(times):8.1f} ms   "
            f"p95 {p95:8.1f} ms"
        )
