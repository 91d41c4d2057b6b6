"""`rung bench_pilot`: fills the database with engagements across 1 000 pilots (bulk inserts, it is a
benchmark) and prints, at two sizes, the time and query count of one pilot's dashboard, of the
comparison of five pilots and of the staff view of the whole platform, with each query's time so
that a busy machine can be told from a slow query. Run it through `scripts/bench-pilot`, which gives
it a throwaway PostgreSQL database."""

import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

from rung.engagements.models import Engagement
from rung.orgs.models import Organisation, OrgKind
from rung.pilots import selectors
from rung.pilots.models import Pilot
from rung.pilots.tests.fill import STAGES, Person, fill, fund, make_project

GENDERS = ["woman", "man", "non_binary", ""]
RUNS = 5


def people(n: int, offset: int) -> list[Person]:
    out = []
    for i in range(offset, offset + n):
        stage = STAGES[3 + i % (len(STAGES) - 3)]  # every bench person starts: engagements are what we count
        out.append(
            Person(
                stage,
                mentor=i % 3 == 0,
                rounds=i % 3,
                level=1 + i % 4,
                recommend=i % 11,
                paid_after_days=0.5 + i % 6,
                decided_after_days=1 + i % 5,
                hire_months_after_end=1 + i % 8,
                diversity={"gender": GENDERS[i % 4]},
            )
        )
    return out


class Command(BaseCommand):
    help = "Time one pilot's dashboard, the comparison and the platform view at two database sizes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pilots", type=int, default=1000)
        parser.add_argument("--engagements", type=int, default=100_000)
        parser.add_argument(
            "--platform",
            action="store_true",
            help="Also time the staff view of the whole platform at the larger size (once: it takes minutes).",
        )
        parser.add_argument(
            "--measure-only", action="store_true", help="Measure a database an earlier run filled (no fill)."
        )

    def measure(self, label: str, read: Callable[[], object], runs: int = RUNS) -> tuple[float, int]:
        """Median of `runs` warm runs (one run first to warm the caches), and each query's median."""
        if runs > 1:
            read()
        times: list[float] = []
        per_query: list[list[float]] = []
        sql: list[str] = []
        for _ in range(runs):
            reset_queries()  # the fill ran more queries than the debug log keeps
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                read()
                times.append(time.perf_counter() - began)
            if not per_query:
                per_query = [[] for _ in queries.captured_queries]
                sql = [q["sql"] for q in queries.captured_queries]
            for slot, q in zip(per_query, queries.captured_queries, strict=False):
                slot.append(float(q["time"]))
        ms = statistics.median(times) * 1000
        self.stdout.write(f"{label}: {ms:.0f} ms, {len(sql)} queries")
        medians = [statistics.median(t) * 1000 for t in per_query]
        shown = sorted(range(len(sql)), key=lambda i: -medians[i]) if self.verbosity > 1 else []
        for i in shown[: 6 if self.verbosity < 3 else None]:
            self.stdout.write(f"    query {i + 1:2}: {medians[i]:6.1f} ms  {sql[i][:140]}")
        self.stdout.write(f"    sum of the queries' medians {sum(medians):.0f} ms")
        return ms, len(sql)

    def measure_all(self, target: Pilot, *, platform_runs: int = RUNS) -> dict[str, tuple[float, int]]:
        n = Engagement.objects.count()
        in_pilot = Engagement.objects.filter(project__pilots=target).count()
        self.stdout.write(f"\n{n:,} engagements in the database, {in_pilot} in the pilot; load {_load()}")
        compared = list(Pilot.objects.filter(organisation=target.organisation).order_by("id")[:5])
        out = {
            "pilot": self.measure("  one pilot's dashboard", lambda: selectors.pilot_dashboard(target)),
            "compare": self.measure(
                f"  comparison of {len(compared)} pilots",
                lambda: [selectors.pilot_dashboard(p) for p in compared],
            ),
        }
        if platform_runs:
            out["platform"] = self.measure(
                "  staff view of the whole platform",
                lambda: selectors.dashboard(selectors.scope_for_platform()),
                runs=platform_runs,
            )
        return out

    def analyze(self) -> None:
        # As autovacuum would after a load (some servers, like the bench's, run without it):
        # the planner needs row counts to start from the pilot's projects.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        platform_runs = 1 if options["platform"] else 0
        if options["measure_only"]:
            self.analyze()
            self.measure_all(Pilot.objects.order_by("id").first(), platform_runs=platform_runs)  # type: ignore[arg-type]
            return
        n_pilots, total = options["pilots"], options["engagements"]
        per = max(1, total // n_pilots)
        began = time.perf_counter()
        projects = []
        with transaction.atomic():  # one commit, not one per insert
            for o in range(max(1, n_pilots // 10)):
                org = Organisation.objects.create(name=f"Bench {o}", slug=f"bench-{o}", kind=OrgKind.EMPLOYER)
                for k in range(10):
                    project = make_project(org, f"Project {o}-{k}")
                    fund(project, fee_minor=6000)
                    pilot = Pilot.objects.create(
                        organisation=org,
                        name=f"Pilot {k}",
                        starts_on=date(2026, 3, 1),
                        ends_on=date(2026, 6, 1),
                        target_nps=40,
                    )
                    pilot.projects.add(project)
                    projects.append((pilot, project))
            for i, (_, project) in enumerate(projects):
                fill(project, people(1, i), prefix="a")
        self.analyze()
        self.stdout.write(
            f"filled {len(projects)} pilots with 1 engagement each in {time.perf_counter() - began:.0f} s"
        )
        target = projects[0][0]
        small = self.measure_all(target)
        began = time.perf_counter()
        with transaction.atomic():
            for i, (_, project) in enumerate(projects):
                fill(project, people(per - 1, i * per), prefix="b")
        self.analyze()
        self.stdout.write(f"\nfilled to {per} engagements per pilot in {time.perf_counter() - began:.0f} s")
        large = self.measure_all(target, platform_runs=platform_runs)
        self.stdout.write("\nsummary (goal for one pilot: ≤ 300 ms at the larger size, the same number of queries)")
        for key, label in (("pilot", "one pilot"), ("compare", "comparison"), ("platform", "whole platform")):
            (s_ms, s_q) = small[key]
            if key not in large:
                self.stdout.write(f"  {label:15} {s_ms:6.0f} ms {s_q:3} queries → (not timed; --platform)")
                continue
            (l_ms, l_q) = large[key]
            self.stdout.write(f"  {label:15} {s_ms:6.0f} ms {s_q:3} queries → {l_ms:6.0f} ms {l_q:3} queries")


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
