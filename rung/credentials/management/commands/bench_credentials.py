"""`rung bench_credentials`: credentials per second per core, for issuing and verifying.

Run through scripts/bench-credentials, which gives it a throwaway database and key file. Everything
is measured in CPU time of this one process (time.process_time), so the figure is per core and does
not depend on what else the machine is doing; the database writes of the real issue service are
included in "issue service" and rolled back at the end.

`--cohort N` then issues N credentials through issue_cohort (signing in one process per core) and
prints wall-clock figures: credentials per second, and the time that makes for 10 000. Wall-clock,
because that is what parallel processes change; it does depend on what else the machine is doing.
"""

import copy
import resource
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.credentials.bulk import default_processes
from rung.credentials.cohort import CohortMember, issue_cohort
from rung.credentials.dids import key_resolver
from rung.credentials.issuer import issuer_profile, own_did_document, signer_for
from rung.credentials.models import IssuedCredential, StatusList
from rung.credentials.proofs import sign_credential, verify_proof
from rung.credentials.services import (
    AchievementInput,
    RubricCriterionInput,
    RubricResultInput,
    SkillInput,
    StipendInput,
    build_credential,
    issue_credential,
)
from rung.credentials.verify import verify_credential
from rung.orgs.models import Organisation, OrgKind, Verification

LEVELS = ["Beginning", "Developing", "Proficient", "Exemplary"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # processes that have ended and been waited for
    return usage.ru_utime + usage.ru_stime


class _Rollback(Exception):
    pass


def _achievement(org: Organisation) -> AchievementInput:
    return AchievementInput(
        name="Sales dashboard micro-internship",
        description="Built a sales dashboard from raw CRM exports.",
        creator=org,
        activity_start=date(2026, 3, 2),
        activity_end=date(2026, 3, 13),
        duration_weeks=2,
        hours=40,
        deliverables=["A cleaned data set", "A dashboard with five charts", "A short write-up"],
        rubric=[RubricCriterionInput(name, LEVELS) for name in ("Data quality", "Communication", "Delivery")],
        results=[RubricResultInput("Data quality", "Exemplary"), RubricResultInput("Communication", "Proficient")],
        skills=[SkillInput("SQL"), SkillInput("Data visualisation")],
        stipend=StipendInput(amount_minor=80000, currency="EUR", paid_on=date(2026, 3, 16)),
        achievement_ref="project:bench",
    )


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f} per second per core ({seconds / count * 1000:6.1f} ms each)"


class Command(BaseCommand):
    help = "Measure credentials issued and verified per second per core."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=300, help="credentials per measurement")
        parser.add_argument("--cohort", type=int, default=0, help="also issue a cohort of this many (wall clock)")
        parser.add_argument("--processes", type=int, default=None, help="signing processes for the cohort")

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        try:
            with transaction.atomic():
                self._run(count)
                if options["cohort"]:
                    self._cohort(options["cohort"], options["processes"])
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, count: int) -> None:
        org = Organisation.objects.create(
            name="Bench Analytics",
            slug=f"bench-{uuid.uuid4().hex[:8]}",
            kind=OrgKind.EMPLOYER,
            verification=Verification.VERIFIED,
            verified_at=timezone.now(),
        )
        users = [
            User.objects.create_user(f"bench-{i}-{uuid.uuid4().hex[:6]}@example.org", None, full_name=f"Intern {i}")
            for i in range(count)
        ]
        achievement = _achievement(org)
        signer = signer_for()
        profile = issuer_profile(signer.did)
        status_list = StatusList(issuer_did=signer.did)
        self.stdout.write(f"Issuer {signer.did}; {count} credentials per measurement; CPU time of one process.")

        def build(i: int) -> dict[str, Any]:
            return build_credential(
                credential_uuid=uuid.uuid4(),
                recipient=users[i],
                achievement=achievement,
                engagement_ref=f"engagement:bench-{i}",
                issuer=profile,
                status_list=status_list,
                status_index=i,
                issued_at=timezone.now(),
            )

        build(0)  # warm caches (contexts, schema) once, as a long-running worker would have them
        started = time.process_time()
        signed = [
            sign_credential(build(i), private_key=signer.private_key, verification_method=signer.verification_method)
            for i in range(count)
        ]
        sign_seconds = time.process_time() - started
        self.stdout.write(f"sign (build + canonicalise + Ed25519):    {_rate(count, sign_seconds)}")

        # Each credential signed at a different moment, so no two share a proof configuration:
        # the verifying figure is for credentials from anywhere, not a batch of one issuer's second.
        base = datetime(2026, 1, 1, tzinfo=UTC)
        varied = [
            sign_credential(
                {k: v for k, v in doc.items() if k != "proof"},
                private_key=signer.private_key,
                verification_method=signer.verification_method,
                created=(base + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            for i, doc in enumerate(signed)
        ]
        document = own_did_document(signer.did)
        resolve = key_resolver({signer.did: document} if document else {})
        started = time.process_time()
        assert all(verify_proof(doc, resolve_key=resolve).ok for doc in varied)
        proof_seconds = time.process_time() - started
        self.stdout.write(f"verify the proof (canonicalise + Ed25519): {_rate(count, proof_seconds)}")

        started = time.process_time()
        issued = [
            issue_credential(
                recipient=users[i], achievement=achievement, engagement_ref=f"engagement:bench-{i}", issued_by=None
            )
            for i in range(count)
        ]
        issue_seconds = time.process_time() - started
        self.stdout.write(f"issue service (+ schema, status list, DB): {_rate(count, issue_seconds)}")

        started = time.process_time()
        reports = [verify_credential(copy.deepcopy(c.document)) for c in issued]
        verify_seconds = time.process_time() - started
        assert all(r.verified for r in reports), reports[0].errors
        self.stdout.write(f"verify service (every check, DB lookups):  {_rate(count, verify_seconds)}")
        assert IssuedCredential.objects.filter(organisation=org).count() == count

        per_core = issue_seconds / count * 10_000
        self.stdout.write(
            f"A cohort of 10 000 through the issue service: {per_core:,.0f} s on one core"
            f" ({'within' if per_core < 60 else 'over'} the one-minute goal on one core;"
            f" {per_core / 2:,.0f} s if both cores of this machine issue in parallel)."
        )

    def _cohort(self, count: int, processes: int | None) -> None:
        org = Organisation.objects.create(
            name="Bench Cohort",
            slug=f"bench-{uuid.uuid4().hex[:8]}",
            kind=OrgKind.EMPLOYER,
            verification=Verification.VERIFIED,
            verified_at=timezone.now(),
        )
        User.objects.bulk_create(
            [
                User(email=f"cohort-{i}-{uuid.uuid4().hex[:6]}@example.org", full_name=f"Intern {i}")
                for i in range(count)
            ]
        )
        users = list(User.objects.filter(email__startswith="cohort-").order_by("id")[:count])
        achievement = _achievement(org)
        members = [CohortMember(user, achievement, f"engagement:cohort-{i}") for i, user in enumerate(users)]
        started = time.monotonic()
        cpu_started = time.process_time() + _children_cpu()
        result = issue_cohort(members, issued_by=None, processes=processes)
        seconds = time.monotonic() - started
        cpu = time.process_time() + _children_cpu() - cpu_started
        assert not result.failed, result.failed[:3]
        assert len(result.issued) == count
        rate = count / seconds
        self.stdout.write(
            f"cohort through issue_cohort ({processes or 'one per core'} signing processes, wall clock): "
            f"{count} in {seconds:.1f} s = {rate:.1f} credentials per second"
        )
        self.stdout.write(f"A cohort of 10 000 at that rate: {10_000 / rate:.0f} s.")
        cores = default_processes()
        self.stdout.write(
            f"CPU time of this process and its signing processes: {cpu:.1f} s ({cpu / count * 1000:.1f} ms each);"
            f" 10 000 on {cores} otherwise idle cores would take about {cpu / count * 10_000 / cores:.0f} s"
            " (the wall-clock figure above includes whatever else the machine was running)."
        )
