"""`rung bench_pilot`: fills the database with engagements across 1 000 pilots (bulk inserts, it is a
benchmark) and prints one pilot's dashboard time and query count at two sizes. Run it through
`scripts/bench-pilot`, which gives it a throwaway PostgreSQL database."""

import statistics
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from rung.orgs.models import Organisation, OrgKind
from rung.pilots import selectors
from rung.pilots.models import Pilot
from rung.pilots.tests.fill import STAGES, Person, fill, fund, make_project

GENDERS = ["woman", "man", "non_binary", ""]


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
    help = "Time one pilot's dashboard with 1 000 and 100 000 engagements across 1 000 pilots."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pilots", type=int, default=1000)
        parser.add_argument("--engagements", type=int, default=100_000)

    def measure(self, pilot: Pilot) -> tuple[float, int]:
        times = []
        for _ in range(5):
            # The fill ran more queries than the debug log keeps; an empty log counts from zero.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                selectors.pilot_dashboard(pilot)
                times.append(time.perf_counter() - began)
        if self.verbosity > 1:
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
                self.stdout.write(f"  {q['time']} s  {q['sql'][:300]}")
        return statistics.median(times) * 1000, len(queries)

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        n_pilots, total = options["pilots"], options["engagements"]
        per = max(1, total // n_pilots)
        began = time.perf_counter()
        projects = []
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
        self.stdout.write(
            f"filled {len(projects)} pilots with 1 engagement each in {time.perf_counter() - began:.0f} s"
        )
        target = projects[0][0]
        small_ms, small_q = self.measure(target)
        began = time.perf_counter()
        for i, (_, project) in enumerate(projects):
            fill(project, people(per - 1, i * per), prefix="b")
        self.stdout.write(f"filled to {per} engagements per pilot in {time.perf_counter() - began:.0f} s")
        large_ms, large_q = self.measure(target)
        from rung.engagements.models import Engagement

        n_small, n_large = len(projects), Engagement.objects.count()
        self.stdout.write(
            f"one pilot's dashboard, {n_small:,} engagements in the database: {small_ms:.0f} ms, {small_q} queries"
        )
        self.stdout.write(
            f"one pilot's dashboard, {n_large:,} engagements in the database ({per} in the pilot): "
            f"{large_ms:.0f} ms, {large_q} queries (goal ≤ 300 ms, the same number of queries)"
        )
