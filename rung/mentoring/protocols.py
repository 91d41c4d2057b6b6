"""An organisation's own mentorship protocol: a sequence of check-ins placed relative to the
engagement's dates (kickoff in the first two days, a weekly check-in on each later week, a mid-point
review halfway, a wrap-up on one of the last days), each with an agenda and prompts.

Saving writes a new Protocol and points the organisation's settings at it: check-ins already
scheduled keep the text they were made with."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.mentoring.models import MentoringSettings, Protocol, ProtocolStep, StepKind
from rung.mentoring.selectors import can_coordinate
from rung.orgs.models import Organisation

MAX_STEPS = 12
MAX_PROMPTS = 8
MIN_MINUTES, MAX_MINUTES = 15, 120


class ProtocolError(DomainError):
    pass


@dataclass(frozen=True)
class StepInput:
    kind: str
    title: str
    agenda: str
    prompts: Sequence[str] = ()


def save_protocol(org: Organisation, *, actor: User, name: str, minutes: int, steps: Sequence[StepInput]) -> Protocol:
    if not can_coordinate(actor, org):
        raise PermissionDenied("Only an owner or manager of the organisation writes its protocol.")
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ProtocolError("Give the protocol a name of up to 120 characters.", field="name")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ProtocolError(f"Each check-in lasts from {MIN_MINUTES} to {MAX_MINUTES} minutes.", field="minutes")
    if not steps:
        raise ProtocolError("A protocol needs at least one check-in.", field="steps")
    if len(steps) > MAX_STEPS:
        raise ProtocolError(f"A protocol has at most {MAX_STEPS} check-ins.", field="steps")
    seen: set[str] = set()
    for number, step in enumerate(steps, start=1):
        if step.kind not in StepKind.values:
            raise ProtocolError(f"Check-in {number}: choose when it happens.", field="steps")
        if step.kind != StepKind.WEEKLY and step.kind in seen:
            raise ProtocolError(
                f"Check-in {number}: a protocol has only one “{StepKind(step.kind).label}”.", field="steps"
            )
        seen.add(step.kind)
        if not step.title.strip() or len(step.title) > 120:
            raise ProtocolError(f"Check-in {number}: give it a title of up to 120 characters.", field="steps")
        if not step.agenda.strip() or len(step.agenda) > 2000:
            raise ProtocolError(f"Check-in {number}: write its agenda (up to 2000 characters).", field="steps")
        prompts = [p for p in step.prompts if p.strip()]
        if len(prompts) > MAX_PROMPTS or any(len(p) > 300 for p in prompts):
            raise ProtocolError(
                f"Check-in {number}: up to {MAX_PROMPTS} prompts of up to 300 characters each.", field="steps"
            )
    with transaction.atomic():
        protocol = Protocol.objects.create(organisation=org, name=name, minutes=minutes)
        ProtocolStep.objects.bulk_create(
            ProtocolStep(
                protocol=protocol,
                kind=step.kind,
                title=step.title.strip(),
                agenda=step.agenda.strip(),
                prompts=[p.strip() for p in step.prompts if p.strip()],
                order=order,
            )
            for order, step in enumerate(steps)
        )
        config, _ = MentoringSettings.objects.get_or_create(organisation=org)
        config.protocol = protocol
        config.save(update_fields=["protocol"])
        record(
            "mentoring.protocol_saved", actor=actor, obj=org, data={"protocol": str(protocol.uuid), "steps": len(steps)}
        )
    return protocol


def use_default_protocol(org: Organisation, *, actor: User) -> None:
    if not can_coordinate(actor, org):
        raise PermissionDenied("Only an owner or manager of the organisation chooses its protocol.")
    with transaction.atomic():
        MentoringSettings.objects.filter(organisation=org).update(protocol=None)
        record("mentoring.protocol_reset", actor=actor, obj=org)
