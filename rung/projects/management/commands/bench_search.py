"""Measure project search at scale on PostgreSQL. Prints figures; asserts nothing.

scripts/bench-search 1000000    # creates a throwaway database, fills it, measures, drops it
"""

import statistics
import time
from collections.abc import Callable
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


class Command(BaseCommand):
    help = "Fill a throwaway PostgreSQL database with published projects and time the search queries."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, rows: int, repeat: int, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The search benchmark needs PostgreSQL (DATABASE_URL).")
        if Project.objects.exclude(title__startswith="[bench]").exists():
            raise CommandError("This database holds real projects. Run the benchmark on a throwaway database.")
        self._fill(rows)
        self._measure(repeat)

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
        self._time("rare phrase, best match", repeat, page(q="climate accessibility", sort="relevance"))
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
