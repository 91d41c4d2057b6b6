"""Every change to pilots and to a person's diversity answers. Audited; refusals are `PilotError`."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError, PermissionDenied
from rung.mentoring.models import Protocol
from rung.orgs.models import Membership, Organisation, role_can
from rung.pathways.models import Pathway
from rung.pilots.models import DIVERSITY_FIELDS, DiversityAnswers, Pilot
from rung.projects.models import Project


class PilotError(DomainError):
    code = "pilot_refused"


@dataclass
class PilotInput:
    name: str
    starts_on: date
    ends_on: date
    project_uuids: list[str] = field(default_factory=list)
    protocol_uuid: str | None = None
    pathway_uuid: str | None = None
    target_interview_percent: int | None = None
    target_hired_percent: int | None = None
    target_nps: int | None = None
    target_payment_days: Decimal | None = None


def _check_manager(org: Organisation, membership: Membership | None) -> None:
    if membership is None or membership.organisation_id != org.pk or not role_can(membership.role, "post_projects"):
        raise PermissionDenied("Only the organisation's owners and managers run pilots.")


def _between(value: int | Decimal | None, low: int, high: int, what: str, name: str) -> None:
    if value is not None and not low <= value <= high:
        raise PilotError(f"{what} must be between {low} and {high}.", field=name)


def _validated(org: Organisation, data: PilotInput) -> tuple[list[Project], Protocol | None, Pathway | None]:
    name = data.name.strip()
    if not name:
        raise PilotError("Give the pilot a name.", field="name")
    if len(name) > 120:
        raise PilotError("The name can be at most 120 characters.", field="name")
    data.name = name
    if data.ends_on < data.starts_on:
        raise PilotError("The pilot cannot end before it starts.", field="ends_on")
    if (data.ends_on - data.starts_on).days > 3 * 366:
        raise PilotError("A pilot can last at most three years.", field="ends_on")
    _between(data.target_interview_percent, 0, 100, "The interview conversion target", "target_interview_percent")
    _between(data.target_hired_percent, 0, 100, "The hiring target", "target_hired_percent")
    _between(data.target_nps, -100, 100, "The NPS target", "target_nps")
    _between(data.target_payment_days, 0, 365, "The payment target", "target_payment_days")
    wanted = {str(u) for u in data.project_uuids}
    projects = list(Project.objects.filter(organisation=org, uuid__in=wanted)) if wanted else []
    if len(projects) != len(wanted):
        raise PilotError("A pilot can only include your organisation's own projects.", field="projects")
    protocol = None
    if data.protocol_uuid:
        protocol = Protocol.objects.filter(uuid=data.protocol_uuid).first()
        if protocol is None or protocol.organisation_id not in (None, org.pk):
            raise PilotError("Choose one of your organisation's mentoring protocols.", field="protocol")
    pathway = None
    if data.pathway_uuid:
        pathway = Pathway.objects.filter(uuid=data.pathway_uuid, organisation=org).first()
        if pathway is None:
            raise PilotError("Choose one of your organisation's career pathways.", field="pathway")
    return projects, protocol, pathway


def _apply(pilot: Pilot, data: PilotInput, protocol: Protocol | None, pathway: Pathway | None) -> None:
    pilot.name, pilot.starts_on, pilot.ends_on = data.name, data.starts_on, data.ends_on
    pilot.protocol, pilot.pathway = protocol, pathway
    pilot.target_interview_percent = data.target_interview_percent
    pilot.target_hired_percent = data.target_hired_percent
    pilot.target_nps = data.target_nps
    pilot.target_payment_days = data.target_payment_days


def create_pilot(org: Organisation, *, membership: Membership | None, data: PilotInput) -> Pilot:
    _check_manager(org, membership)
    projects, protocol, pathway = _validated(org, data)
    try:
        with transaction.atomic():
            pilot = Pilot(organisation=org, created_by=membership.user if membership else None)
            _apply(pilot, data, protocol, pathway)
            pilot.save()
            pilot.projects.set(projects)
            record("pilots.pilot.created", actor=pilot.created_by, obj=pilot, data={"projects": len(projects)})
    except IntegrityError:
        raise PilotError("You already have a pilot with that name.", field="name") from None
    return pilot


def update_pilot(pilot: Pilot, *, membership: Membership | None, data: PilotInput) -> Pilot:
    _check_manager(pilot.organisation, membership)
    projects, protocol, pathway = _validated(pilot.organisation, data)
    try:
        with transaction.atomic():
            pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
            _apply(pilot, data, protocol, pathway)
            pilot.updated_at = timezone.now()
            pilot.save()
            pilot.projects.set(projects)
            record(
                "pilots.pilot.updated",
                actor=membership.user if membership else None,
                obj=pilot,
                data={"projects": len(projects)},
            )
    except IntegrityError:
        raise PilotError("You already have a pilot with that name.", field="name") from None
    return pilot


def delete_pilot(pilot: Pilot, *, membership: Membership | None) -> None:
    """A pilot holds no data of its own (only a view over projects), so removing it loses nothing."""
    _check_manager(pilot.organisation, membership)
    with transaction.atomic():
        record(
            "pilots.pilot.deleted", actor=membership.user if membership else None, obj=pilot, data={"name": pilot.name}
        )
        pilot.delete()


def save_diversity_answers(user: User, *, answers: dict[str, str]) -> DiversityAnswers:
    """Stores the person's own answers to the questions this deployment asks; blank is "prefer not to say"."""
    asked = [f for f in settings.PILOTS_DIVERSITY_FIELDS if f in DIVERSITY_FIELDS]
    unknown = set(answers) - set(asked)
    if unknown:
        raise PilotError("That question is not asked here.", field=sorted(unknown)[0])
    clean: dict[str, str] = {}
    for name in asked:
        value = (answers.get(name) or "").strip()
        allowed = {v for v, _ in DIVERSITY_FIELDS[name][1].choices}
        if value and value not in allowed:
            raise PilotError("Choose one of the answers offered, or prefer not to say.", field=name)
        clean[name] = value
    with transaction.atomic():
        row, _ = DiversityAnswers.objects.select_for_update().get_or_create(user=user)
        for name, value in clean.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.save()
        # The audit trail says that answers changed, never what they are.
        record("pilots.diversity.saved", actor=user, obj=None, data={})
    return row


def withdraw_diversity_answers(user: User) -> bool:
    """Deletes every answer the person gave. True if there was something to delete."""
    with transaction.atomic():
        deleted, _ = DiversityAnswers.objects.filter(user=user).delete()
        if deleted:
            record("pilots.diversity.withdrawn", actor=user, obj=None, data={})
    return bool(deleted)
