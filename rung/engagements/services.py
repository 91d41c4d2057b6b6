"""Every change to engagements: creating one from an accepted offer, signing the contract and its
amendments, milestone submissions, approvals (which release the stipend) and changes, completion and
cancellation with the kill fee.

The reviews app calls `mark_submitted`, `request_changes` and `approve_milestone`; money moves only
through `rung.ledger.services` (and `rung.ledger.payouts` to pay the intern), inside the same
transaction as the change of state that causes it.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.applications.models import Application, ApplicationStatus
from rung.applications.services import take_seat
from rung.audit.services import record
from rung.engagements.contracts import CONTRACT_TEMPLATE_VERSION, render_contract_text, sha256_text
from rung.engagements.models import (
    CONTRACT_TRANSITIONS,
    ENGAGEMENT_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    Contract,
    ContractStatus,
    Engagement,
    EngagementEvent,
    EngagementMilestone,
    EngagementStatus,
    MilestoneStatus,
    Signature,
    SignatureRole,
    SignedContractError,
)
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.lib.money import format_money, split_minor
from rung.lib.request_context import current_ip
from rung.orgs.models import Membership, role_can
from rung.projects.models import Project, ProjectStatus

logger = logging.getLogger(__name__)

# Milestones still open: cancelled with the engagement, and what "the rest" of the stipend is.
OPEN_MILESTONE_STATUSES = (MilestoneStatus.PENDING, MilestoneStatus.SUBMITTED, MilestoneStatus.CHANGES_REQUESTED)
MAX_CHANGE_SUMMARY = 2000
MAX_SCOPE = 4000
MAX_REASON = 2000

__all__ = [
    "CancellationQuote",
    "EngagementError",
    "SignedContractError",
    "accept_offer",
    "approve_milestone",
    "cancel_engagement",
    "complete_engagement",
    "create_engagement",
    "mark_submitted",
    "propose_amendment",
    "quote_cancellation",
    "request_changes",
    "sign_contract",
    "start_payout",
    "verify_contract_hash",
    "withdraw_amendment",
]


class EngagementError(DomainError):
    pass


# --- Who is who ----------------------------------------------------------------------------


def _membership(user: User | None, project: Project) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(organisation_id=project.organisation_id, user=user).first()


def can_sign_for_employer(user: User | None, project: Project) -> bool:
    """Owners and managers sign contracts (and cancel, and amend) for the employer."""
    membership = _membership(user, project)
    return membership is not None and role_can(membership.role, "post_projects")


def can_review(user: User | None, project: Project) -> bool:
    membership = _membership(user, project)
    return membership is not None and role_can(membership.role, "review")


def _side(engagement: Engagement, actor: User) -> str:
    """Which party the actor acts for; PermissionDenied if neither."""
    if actor.pk == engagement.candidate_id:
        return SignatureRole.CANDIDATE
    if can_sign_for_employer(actor, engagement.project):
        return SignatureRole.EMPLOYER
    raise PermissionDenied("Only the intern, or an owner or manager of the employer, can do that.")


def employer_people(project: Project, *, permission: str = "review") -> list[User]:
    memberships = Membership.objects.filter(organisation_id=project.organisation_id).select_related("user")
    return [m.user for m in memberships if role_can(m.role, permission)]


def everyone(engagement: Engagement) -> list[User]:
    people = [engagement.candidate, *employer_people(engagement.project)]
    if engagement.mentor is not None:
        people.append(engagement.mentor)
    return people


def _url(engagement: Engagement) -> str:
    return reverse("engagements:detail", args=[engagement.uuid])


def _title(text: str) -> str:
    return text if len(text) <= 150 else text[:149] + "…"


def _money(minor: int, engagement: Engagement) -> str:
    return format_money(minor, engagement.currency)


# --- Transitions ---------------------------------------------------------------------------


def _lock(engagement: Engagement) -> Engagement:
    # Every service that changes an engagement, its milestones or its contracts takes this lock
    # first (always in this order), so approvals, signatures and cancellation queue up.
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("project", "project__organisation", "candidate", "mentor")
        .get(pk=engagement.pk)
    )


def _transition(engagement: Engagement, new: str, *, actor: User | None, note: str = "", **changes: Any) -> Engagement:
    old = engagement.status
    if new not in ENGAGEMENT_TRANSITIONS[old]:
        raise EngagementError(
            f"An engagement that is “{EngagementStatus(old).label}” cannot become “{EngagementStatus(new).label}”.",
            code="bad_transition",
        )
    if not Engagement.objects.filter(pk=engagement.pk, status=old).update(status=new, **changes):
        raise EngagementError("This engagement changed a moment ago. Reload the page to see it.", code="conflict")
    engagement.refresh_from_db()
    EngagementEvent.objects.create(engagement=engagement, from_status=old, to_status=new, actor=actor, note=note)
    record(f"engagement.{new}", actor=actor, obj=engagement, data={"from": old, "note": note})
    return engagement


def _transition_milestone(
    milestone: EngagementMilestone, new: str, *, actor: User | None, note: str = "", **changes: Any
) -> EngagementMilestone:
    old = milestone.status
    if new not in MILESTONE_TRANSITIONS[old]:
        raise EngagementError(
            f"A milestone that is “{MilestoneStatus(old).label}” cannot become “{MilestoneStatus(new).label}”.",
            code="bad_transition",
        )
    if not EngagementMilestone.objects.filter(pk=milestone.pk, status=old).update(status=new, **changes):
        raise EngagementError("This milestone changed a moment ago. Reload the page to see it.", code="conflict")
    milestone.refresh_from_db()
    EngagementEvent.objects.create(
        engagement_id=milestone.engagement_id,
        milestone=milestone,
        from_status=old,
        to_status=new,
        actor=actor,
        note=note,
    )
    record(
        f"engagement.milestone.{new}",
        actor=actor,
        obj=milestone,
        data={"from": old, "engagement": str(milestone.engagement.uuid), "note": note},
    )
    return milestone


def _transition_contract(contract: Contract, new: str, *, actor: User | None, **changes: Any) -> Contract:
    old = contract.status
    if new not in CONTRACT_TRANSITIONS[old]:
        raise EngagementError(
            f"A contract that is “{ContractStatus(old).label}” cannot become “{ContractStatus(new).label}”.",
            code="bad_transition",
        )
    if not Contract.objects.filter(pk=contract.pk, status=old).update(status=new, **changes):
        raise EngagementError("This contract changed a moment ago. Reload the page to see it.", code="conflict")
    contract.refresh_from_db()
    record(
        f"engagement.contract.{new}",
        actor=actor,
        obj=contract,
        data={"from": old, "version": contract.version, "sha256": contract.text_sha256},
    )
    return contract


# --- Terms and contract text -----------------------------------------------------------------


def _settings_terms() -> dict[str, Any]:
    from rung.ledger.selectors import payout_target_business_days
    from rung.ledger.services import kill_fee_percent

    return {
        "kill_fee_percent": str(kill_fee_percent().normalize()),
        "review_deadline_days": int(settings.REVIEW_DEADLINE_DAYS),
        "payout_target_business_days": payout_target_business_days(),
        "site_name": settings.SITE_NAME,
    }


def _milestone_terms(milestone: EngagementMilestone) -> dict[str, Any]:
    return {
        "uuid": str(milestone.uuid),
        "title": milestone.title,
        "description": milestone.description,
        "due_date": milestone.due_date.isoformat(),
        "share_percent": milestone.share_percent,
        "amount_minor": milestone.amount_minor,
        "approved": milestone.status == MilestoneStatus.APPROVED,
    }


def _terms(engagement: Engagement, milestones: Iterable[EngagementMilestone]) -> dict[str, Any]:
    """The terms in force right now, as structured data (what a contract's text is rendered from)."""
    project = engagement.project
    return {
        "template_version": CONTRACT_TEMPLATE_VERSION,
        "version": 1,
        "amends_version": None,
        "change_summary": "",
        "engagement": str(engagement.uuid),
        "project": {"uuid": str(project.uuid), "title": project.title},
        "employer": {"uuid": str(project.organisation.uuid), "name": project.organisation.name},
        "intern": {"name": engagement.candidate.full_name, "email": engagement.candidate.email},
        "scope": engagement.scope,
        "learning_outcomes": list(project.learning_outcomes),
        "estimated_hours": project.estimated_hours,
        "start_date": engagement.start_date.isoformat(),
        "end_date": engagement.end_date.isoformat(),
        "currency": engagement.currency,
        "stipend_minor": engagement.stipend_minor,
        "milestones": [_milestone_terms(m) for m in milestones],
        "ip_licence": project.ip_licence,
        "ip_licence_label": project.get_ip_licence_display(),
        "review_rounds": engagement.review_rounds,
        **_settings_terms(),
    }


def _new_contract(
    engagement: Engagement, terms: dict[str, Any], *, actor: User | None, change_summary: str = ""
) -> Contract:
    text = render_contract_text(terms)
    return Contract.objects.create(
        engagement=engagement,
        version=terms["version"],
        template_version=terms["template_version"],
        terms=terms,
        text=text,
        text_sha256=sha256_text(text),
        change_summary=change_summary,
        proposed_by=actor,
    )


def verify_contract_hash(contract: Contract) -> bool:
    """True if the stored text still has the stored hash, and every signature signed that hash."""
    if sha256_text(contract.text) != contract.text_sha256:
        return False
    return all(s.text_sha256 == contract.text_sha256 for s in contract.signatures.all())


def contract_in_force(engagement: Engagement) -> Contract | None:
    """The latest contract both sides signed; None before version 1 is signed."""
    return engagement.contracts.filter(status=ContractStatus.SIGNED).order_by("-version").first()


def pending_amendment(engagement: Engagement) -> Contract | None:
    return engagement.contracts.filter(status=ContractStatus.AWAITING_SIGNATURES, version__gt=1).first()


# --- Creating an engagement ------------------------------------------------------------------


def accept_offer(application: Application, *, candidate: User) -> Application:
    """The candidate accepts an offer: the application takes a seat, and in the same transaction it
    becomes an engagement with contract version 1 — an accepted seat without a contract to sign
    never exists."""
    with transaction.atomic():
        application = take_seat(application, candidate=candidate)
        engagement = create_engagement(application, actor=candidate)
        project = application.project
        emit(
            "offer.accepted",
            application_uuid=application.uuid,
            project_uuid=project.uuid,
            organisation_id=project.organisation_id,
            engagement_uuid=engagement.uuid,
            actor_id=candidate.pk,
        )
    return application


def create_engagement(application: Application, *, actor: User | None) -> Engagement:
    """Turn an accepted offer into an engagement with dated milestones and contract version 1.

    Called inside `accept_offer`'s transaction; safe to call again (returns the engagement).
    """
    with transaction.atomic():
        application = Application.objects.select_related("project", "project__organisation", "candidate").get(
            pk=application.pk
        )
        existing = Engagement.objects.filter(application=application).first()
        if existing is not None:
            return existing
        if application.status != ApplicationStatus.ACCEPTED:
            raise EngagementError("Only an accepted offer becomes an engagement.", code="not_accepted")
        project = application.project
        project_milestones = list(project.milestones.order_by("position", "due_offset_days"))
        if not project_milestones:
            raise EngagementError("This project has no milestones to work to.", code="no_milestones")
        amounts = split_minor(project.stipend_minor, [m.share_percent for m in project_milestones])
        engagement = Engagement.objects.create(
            project=project,
            application=application,
            candidate=application.candidate,
            start_date=project.start_date,
            end_date=project.end_date,
            stipend_minor=project.stipend_minor,
            currency=project.currency,
            scope=project.summary,
            review_rounds=project.review_rounds,
        )
        milestones = EngagementMilestone.objects.bulk_create(
            EngagementMilestone(
                engagement=engagement,
                project_milestone=pm,
                position=position,
                title=pm.title,
                description=pm.description,
                # Day 1 is the start date itself.
                due_date=project.start_date + timedelta(days=pm.due_offset_days - 1),
                share_percent=pm.share_percent,
                amount_minor=amount,
            )
            for position, (pm, amount) in enumerate(zip(project_milestones, amounts, strict=True))
        )
        contract = _new_contract(engagement, _terms(engagement, milestones), actor=actor)
        EngagementEvent.objects.create(engagement=engagement, to_status=engagement.status, actor=actor)
        record(
            "engagement.created",
            actor=actor,
            obj=engagement,
            data={"application": str(application.uuid), "contract_sha256": contract.text_sha256},
        )

    return engagement


# --- Signing -------------------------------------------------------------------------------


def _same_name(typed: str, full_name: str) -> bool:
    def norm(value: str) -> str:
        return " ".join(value.split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(full_name)


def sign_contract(
    contract: Contract,
    *,
    signer: User,
    role: str,
    typed_name: str,
    consent: bool,
    ip: str | None = None,
    text_sha256: str | None = None,
) -> Contract:
    """Sign one side of a contract (or amendment) with a typed full name and an explicit consent.

    `text_sha256`, if given, is the hash of the text the signer was shown: a signature is refused
    if it differs from the stored text's, so nobody signs a text they did not see.
    """
    if role not in SignatureRole.values:
        raise EngagementError("Sign as the employer or as the intern.", field="role")
    with transaction.atomic():
        engagement = _lock(contract.engagement)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if role == SignatureRole.CANDIDATE and signer.pk != engagement.candidate_id:
            raise PermissionDenied("Only the intern named in the contract can sign as the intern.")
        if role == SignatureRole.EMPLOYER and not can_sign_for_employer(signer, engagement.project):
            raise PermissionDenied(
                f"Only an owner or manager of {engagement.project.organisation.name} can sign for the employer."
            )
        if contract.status != ContractStatus.AWAITING_SIGNATURES:
            raise EngagementError(
                {
                    ContractStatus.SIGNED: "Both sides have already signed this contract.",
                    ContractStatus.SUPERSEDED: "This contract was replaced by an amendment; there is nothing to sign.",
                    ContractStatus.WITHDRAWN: "This amendment was withdrawn; there is nothing to sign.",
                }[ContractStatus(contract.status)],
                code="not_signable",
            )
        if engagement.status in (EngagementStatus.CANCELLED, EngagementStatus.COMPLETED):
            raise EngagementError("This engagement has ended; there is nothing to sign.", code="ended")
        signatures = {s.role: s for s in contract.signatures.all()}
        if role in signatures:
            raise EngagementError("This side has already signed.", code="already_signed")
        if any(s.signer_id == signer.pk for s in signatures.values()):
            raise EngagementError("One person cannot sign for both sides.", code="already_signed")
        if not consent:
            raise EngagementError(
                "Tick the box to confirm you agree to the contract and to signing it electronically.", field="consent"
            )
        if not _same_name(typed_name, signer.full_name):
            raise EngagementError(
                f"Type your full name exactly as on your account (“{signer.full_name}”) to sign.", field="typed_name"
            )
        stored_hash = sha256_text(contract.text)
        if stored_hash != contract.text_sha256:
            logger.error("Contract %s text no longer matches its hash", contract.uuid)
            raise EngagementError(
                "This contract's text does not match its hash, so it cannot be signed. Rung staff have been told.",
                code="tampered",
            )
        if text_sha256 is not None and text_sha256.strip().lower() != stored_hash:
            raise EngagementError(
                "The contract changed since you opened it. Read the current text, then sign again.",
                code="stale_text",
            )
        if not signatures and contract.is_amendment:
            _check_amendment_still_applies(engagement, contract)
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    contract=contract,
                    role=role,
                    signer=signer,
                    typed_name=" ".join(typed_name.split()),
                    consent=True,
                    ip_address=ip or current_ip(),
                    text_sha256=stored_hash,
                )
        except IntegrityError:
            raise EngagementError("This side has already signed.", code="already_signed") from None
        record(
            "engagement.contract.signature",
            actor=signer,
            obj=contract,
            data={"role": role, "sha256": stored_hash, "ip": signature.ip_address, "version": contract.version},
        )
        emit("contract.signed", engagement_uuid=engagement.uuid, contract_id=contract.pk, actor_id=signer.pk)
        if len(signatures) + 1 < len(SignatureRole.values):
            return contract
        return _both_signed(engagement, contract, actor=signer)


def _both_signed(engagement: Engagement, contract: Contract, *, actor: User) -> Contract:
    now = timezone.now()
    if contract.is_amendment:
        _check_amendment_still_applies(engagement, contract)
        previous = contract_in_force(engagement)
        contract = _transition_contract(contract, ContractStatus.SIGNED, actor=actor, signed_at=now)
        if previous is not None:
            _transition_contract(previous, ContractStatus.SUPERSEDED, actor=actor)
        _apply_terms(engagement, contract, actor=actor)
    else:
        contract = _transition_contract(contract, ContractStatus.SIGNED, actor=actor, signed_at=now)
        _transition(engagement, EngagementStatus.ACTIVE, actor=actor, note="contract signed", started_at=now)
    emit("contract.executed", engagement_uuid=engagement.uuid, contract_id=contract.pk, actor_id=actor.pk)
    return contract


# --- Amendments ----------------------------------------------------------------------------


def _released(engagement: Engagement) -> int:
    total = engagement.milestones.filter(status=MilestoneStatus.APPROVED).aggregate(total=Sum("amount_minor"))["total"]
    return int(total or 0)


def _escrow_headroom(engagement: Engagement) -> int:
    """What the project's escrow holds beyond what its engagements and open seats still need."""
    from rung.ledger.selectors import escrow_balance

    project = engagement.project
    held = escrow_balance(project_uuid=project.uuid, currency=engagement.currency)
    needed = 0
    live = Engagement.objects.filter(
        project=project, status__in=[EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE]
    )
    for other in live:
        needed += other.stipend_minor - _released(other)
    if project.status in (ProjectStatus.PUBLISHED, ProjectStatus.CLOSED):
        open_seats = max(0, project.seats - Engagement.objects.filter(project=project).count())
        needed += open_seats * project.stipend_minor
    return held - needed


def _check_stipend(engagement: Engagement, new_stipend: int) -> None:
    from rung.projects.fairpay import check_fair_pay

    project = engagement.project
    fair = check_fair_pay(
        stipend_minor=new_stipend,
        currency=engagement.currency,
        estimated_hours=project.estimated_hours,
        jurisdiction=project.jurisdiction,
    )
    if not fair.ok:
        raise EngagementError(fair.message, field="stipend", code="below_floor")
    increase = new_stipend - engagement.stipend_minor
    if increase > 0:
        headroom = _escrow_headroom(engagement)
        if increase > headroom:
            raise EngagementError(
                f"The stipend would rise by {_money(increase, engagement)}, but the project's escrow holds only "
                f"{_money(max(headroom, 0), engagement)} that no one else is owed. Fund the difference into the "
                "project's escrow first.",
                field="stipend",
                code="unfunded",
            )


def _check_amendment_still_applies(engagement: Engagement, contract: Contract) -> None:
    """An amendment is priced against the milestones approved when it was proposed; refuse it if that changed."""
    approved_now = sorted(
        str(u) for u in engagement.milestones.filter(status=MilestoneStatus.APPROVED).values_list("uuid", flat=True)
    )
    approved_then = sorted(m["uuid"] for m in contract.terms["milestones"] if m.get("approved"))
    if approved_now != approved_then:
        raise EngagementError(
            "A milestone was approved after this amendment was proposed, so its figures are out of date. "
            "Withdraw it and propose a new one.",
            code="amendment_stale",
        )
    if engagement.status != EngagementStatus.ACTIVE:
        raise EngagementError("Only an engagement in progress can be amended.", code="not_active")
    _check_stipend(engagement, contract.terms["stipend_minor"])


def propose_amendment(
    engagement: Engagement,
    *,
    actor: User,
    change_summary: str,
    scope: str | None = None,
    milestone_dates: dict[str, date] | None = None,
    stipend_minor: int | None = None,
) -> Contract:
    """Propose a change of scope, milestone dates or stipend as contract version n+1.

    Nothing changes until both sides sign it; until then the contract in force rules.
    `milestone_dates` maps a milestone's UUID (as text) to its new due date.
    """
    change_summary = " ".join(change_summary.split())
    if not change_summary:
        raise EngagementError("Say what changes and why; both sides read it before signing.", field="change_summary")
    if len(change_summary) > MAX_CHANGE_SUMMARY:
        raise EngagementError(f"Keep the summary under {MAX_CHANGE_SUMMARY} characters.", field="change_summary")
    with transaction.atomic():
        engagement = _lock(engagement)
        _side(engagement, actor)
        if engagement.status != EngagementStatus.ACTIVE:
            raise EngagementError(
                "Only an engagement in progress can be amended: sign the contract first."
                if engagement.status == EngagementStatus.AWAITING_SIGNATURES
                else "This engagement has ended; it cannot be amended.",
                code="not_active",
            )
        if pending_amendment(engagement) is not None:
            raise EngagementError(
                "An amendment is already waiting for signatures. Sign or withdraw it before proposing another.",
                code="amendment_pending",
            )
        in_force = contract_in_force(engagement)
        assert in_force is not None, "an active engagement has a signed contract"
        milestones = list(engagement.milestones.all())
        terms = _terms(engagement, milestones)
        changed: list[str] = []

        if scope is not None:
            cleaned_scope = scope.strip()
            if len(cleaned_scope) < 30:
                raise EngagementError("Describe the scope in at least a couple of sentences.", field="scope")
            if len(cleaned_scope) > MAX_SCOPE:
                raise EngagementError(f"Keep the scope under {MAX_SCOPE} characters.", field="scope")
            if cleaned_scope != engagement.scope.strip():
                terms["scope"] = cleaned_scope
                changed.append("scope")

        by_uuid = {str(m.uuid): t for m, t in zip(milestones, terms["milestones"], strict=True)}
        status_of = {str(m.uuid): m.status for m in milestones}
        for key, due in (milestone_dates or {}).items():
            item = by_uuid.get(str(key))
            if item is None:
                raise EngagementError("That milestone is not part of this engagement.", field="milestone_dates")
            if due.isoformat() == item["due_date"]:
                continue
            if status_of[str(key)] not in OPEN_MILESTONE_STATUSES:
                raise EngagementError(
                    f"“{item['title']}” is already approved; its date cannot change.", field="milestone_dates"
                )
            if due < engagement.start_date:
                raise EngagementError(
                    f"“{item['title']}” cannot be due before the start date ({engagement.start_date:%d %B %Y}).",
                    field="milestone_dates",
                )
            item["due_date"] = due.isoformat()
            changed.append("dates")
        if "dates" in changed:
            latest = max(date.fromisoformat(m["due_date"]) for m in terms["milestones"])
            terms["end_date"] = max(engagement.end_date, latest).isoformat()

        if stipend_minor is not None and stipend_minor != engagement.stipend_minor:
            if isinstance(stipend_minor, bool) or not isinstance(stipend_minor, int) or stipend_minor <= 0:
                raise EngagementError("Every engagement is paid: give a stipend above zero.", field="stipend")
            released = sum(m.amount_minor for m in milestones if m.status == MilestoneStatus.APPROVED)
            open_items = [t for t in terms["milestones"] if not t["approved"]]
            if not open_items:
                raise EngagementError("Every milestone is already approved and paid.", field="stipend")
            rest = stipend_minor - released
            amounts = split_minor(max(rest, 0), [t["share_percent"] for t in open_items]) if rest > 0 else []
            if rest <= 0 or min(amounts) <= 0:
                raise EngagementError(
                    f"{_money(released, engagement)} has already been paid for approved milestones; the new stipend "
                    "must leave something for each milestone still to come.",
                    field="stipend",
                )
            _check_stipend(engagement, stipend_minor)
            for item, amount in zip(open_items, amounts, strict=True):
                item["amount_minor"] = amount
            terms["stipend_minor"] = stipend_minor
            changed.append("stipend")

        if not changed:
            raise EngagementError("Nothing in the terms would change.", code="no_change")
        # Withdrawn amendments keep their numbers, so the next version follows the highest one.
        highest = engagement.contracts.order_by("-version").values_list("version", flat=True).first() or 0
        terms.update(version=highest + 1, amends_version=in_force.version, change_summary=change_summary)
        contract = _new_contract(engagement, terms, actor=actor, change_summary=change_summary)
        record(
            "engagement.amendment.proposed",
            actor=actor,
            obj=contract,
            data={"changes": sorted(set(changed)), "version": contract.version, "sha256": contract.text_sha256},
        )
        emit("amendment.proposed", engagement_uuid=engagement.uuid, contract_id=contract.pk, actor_id=actor.pk)
    return contract


def _apply_terms(engagement: Engagement, contract: Contract, *, actor: User) -> None:
    """Make a signed amendment's terms the terms in force."""
    terms = contract.terms
    old_stipend = engagement.stipend_minor
    Engagement.objects.filter(pk=engagement.pk).update(
        scope=terms["scope"],
        stipend_minor=terms["stipend_minor"],
        end_date=date.fromisoformat(terms["end_date"]),
    )
    for item in terms["milestones"]:
        if item["approved"]:
            continue
        EngagementMilestone.objects.filter(engagement=engagement, uuid=item["uuid"]).update(
            due_date=date.fromisoformat(item["due_date"]), amount_minor=item["amount_minor"]
        )
    engagement.refresh_from_db()
    decrease = old_stipend - engagement.stipend_minor
    if decrease > 0:
        from rung.ledger.services import refund_escrow

        refund_escrow(
            project_uuid=engagement.project.uuid,
            currency=engagement.currency,
            reference=f"amendment:{contract.uuid}",
            amount_minor=decrease,
            actor=actor,
            memo=f"Stipend lowered by amendment v{contract.version}",
        )
    record(
        "engagement.terms_amended",
        actor=actor,
        obj=engagement,
        data={"version": contract.version, "stipend_minor": engagement.stipend_minor, "from_stipend": old_stipend},
    )


def withdraw_amendment(contract: Contract, *, actor: User) -> Contract:
    """Either side may withdraw an amendment that has not been signed by both."""
    with transaction.atomic():
        engagement = _lock(contract.engagement)
        _side(engagement, actor)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if not contract.is_amendment:
            raise EngagementError(
                "The original contract cannot be withdrawn; cancel the engagement instead.", code="not_amendment"
            )
        if contract.status != ContractStatus.AWAITING_SIGNATURES:
            raise EngagementError(
                "Only an amendment still waiting for signatures can be withdrawn.", code="not_pending"
            )
        contract = _transition_contract(contract, ContractStatus.WITHDRAWN, actor=actor)
        emit("amendment.withdrawn", engagement_uuid=engagement.uuid, contract_id=contract.pk, actor_id=actor.pk)
    return contract


# --- Work: submissions, changes, approvals ---------------------------------------------------


def _require_active(engagement: Engagement) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise EngagementError(
            "The contract must be signed by both sides before work is submitted or reviewed."
            if engagement.status == EngagementStatus.AWAITING_SIGNATURES
            else "This engagement has ended.",
            code="not_active",
        )


def _lock_milestone(milestone: EngagementMilestone) -> tuple[Engagement, EngagementMilestone]:
    engagement = _lock(milestone.engagement)
    milestone = EngagementMilestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.engagement = engagement
    return engagement, milestone


def mark_submitted(milestone: EngagementMilestone, *, actor: User) -> EngagementMilestone:
    """The intern handed in work for this milestone (the reviews app stores what was handed in)."""
    with transaction.atomic():
        engagement, milestone = _lock_milestone(milestone)
        if actor.pk != engagement.candidate_id:
            raise PermissionDenied("Only the intern submits work for a milestone.")
        _require_active(engagement)
        if milestone.status == MilestoneStatus.SUBMITTED:
            raise EngagementError("This milestone is already waiting for review.", code="already_submitted")
        now = timezone.now()
        milestone = _transition_milestone(milestone, MilestoneStatus.SUBMITTED, actor=actor, submitted_at=now)
        emit("milestone.submitted", milestone_id=milestone.pk, engagement_uuid=engagement.uuid, actor_id=actor.pk)
    return milestone


def request_changes(milestone: EngagementMilestone, *, actor: User, note: str = "") -> EngagementMilestone:
    """A reviewer asks for changes: one more round used, within the contract's bound."""
    with transaction.atomic():
        engagement, milestone = _lock_milestone(milestone)
        if not can_review(actor, engagement.project):
            raise PermissionDenied("Only reviewers, managers and owners of the employer review work.")
        _require_active(engagement)
        if milestone.status != MilestoneStatus.SUBMITTED:
            raise EngagementError("Changes can only be asked for on work waiting for review.", code="not_submitted")
        if milestone.change_rounds_used >= engagement.review_rounds:
            raise EngagementError(
                f"The contract allows {engagement.review_rounds} round{'s' if engagement.review_rounds != 1 else ''} "
                "of changes per milestone, and they have been used. Approve this submission, or cancel the "
                "engagement under the contract.",
                code="rounds_exhausted",
            )
        milestone = _transition_milestone(
            milestone,
            MilestoneStatus.CHANGES_REQUESTED,
            actor=actor,
            note=note[:500],
            change_rounds_used=milestone.change_rounds_used + 1,
        )
        emit(
            "milestone.changes_requested", milestone_id=milestone.pk, engagement_uuid=engagement.uuid, actor_id=actor.pk
        )
    return milestone


def approve_milestone(
    milestone: EngagementMilestone,
    *,
    actor: User | None,
    approved_at: datetime | None = None,
    auto: bool = False,
) -> EngagementMilestone:
    """Approve submitted work and, in the same transaction, release its stipend from escrow.

    `actor` is the reviewer; None only with `auto=True` (the review deadline passed). A payout is
    started when the transaction commits. Approving the last milestone completes the engagement.
    """
    from rung.ledger.services import release_milestone

    if actor is None and not auto:
        raise PermissionDenied("Only a reviewer approves work (or the review deadline, automatically).")
    with transaction.atomic():
        engagement, milestone = _lock_milestone(milestone)
        if actor is not None and not can_review(actor, engagement.project):
            raise PermissionDenied("Only reviewers, managers and owners of the employer approve work.")
        _require_active(engagement)
        if milestone.status == MilestoneStatus.APPROVED:
            raise EngagementError("This milestone is already approved; its stipend was released once.", code="approved")
        if milestone.status != MilestoneStatus.SUBMITTED:
            raise EngagementError("Only submitted work can be approved.", code="not_submitted")
        approved_at = approved_at or timezone.now()
        milestone = _transition_milestone(
            milestone,
            MilestoneStatus.APPROVED,
            actor=actor,
            note="approved automatically: the review deadline passed" if auto else "",
            approved_at=approved_at,
            approved_by=actor,
            auto_approved=auto,
        )
        release_milestone(
            project_uuid=engagement.project.uuid,
            engagement_uuid=engagement.uuid,
            milestone_uuid=milestone.uuid,
            intern=engagement.candidate,
            amount_minor=milestone.amount_minor,
            currency=engagement.currency,
            approved_at=approved_at,
            actor=actor,
            memo=f"Milestone approved: {milestone.title}"[:500],
        )
        transaction.on_commit(partial(_enqueue_payout, engagement.pk))
        emit(
            "milestone.approved",
            milestone_id=milestone.pk,
            engagement_uuid=engagement.uuid,
            actor_id=actor.pk if actor else None,
        )
        if not engagement.milestones.exclude(status=MilestoneStatus.APPROVED).exists():
            complete_engagement(engagement, actor=actor)
    return milestone


def complete_engagement(engagement: Engagement, *, actor: User | None) -> Engagement:
    """Every milestone is approved: the engagement is complete and a credential can be issued."""
    with transaction.atomic():
        engagement = _lock(engagement)
        if engagement.milestones.exclude(status=MilestoneStatus.APPROVED).exists():
            raise EngagementError("An engagement completes when every milestone is approved.", code="not_done")
        engagement = _transition(engagement, EngagementStatus.COMPLETED, actor=actor, completed_at=timezone.now())
        _withdraw_unsigned(engagement, actor=actor)
        emit(
            "engagement.completed",
            engagement_uuid=engagement.uuid,
            project_uuid=engagement.project.uuid,
            organisation_id=engagement.project.organisation_id,
            actor_id=actor.pk if actor else None,
        )
        complete_project_if_done(engagement.project, actor=actor)
    return engagement


def complete_project_if_done(project: Project, *, actor: User | None) -> bool:
    """A closed project completes once it has had engagements and none of them is still open."""
    from rung.projects.services import complete_project

    project = Project.objects.select_for_update().get(pk=project.pk)
    open_statuses = (EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE)
    engagements = project.engagements.all()
    if (
        project.status != ProjectStatus.CLOSED
        or not engagements.exists()
        or engagements.filter(status__in=open_statuses).exists()
    ):
        return False
    complete_project(project, actor=actor)
    return True


# --- Cancellation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CancellationQuote:
    """What cancelling now would mean for the money, for the side asking."""

    by_employer: bool
    started: bool
    released_minor: int
    unreleased_minor: int
    kill_fee_minor: int
    refund_minor: int
    currency: str

    @property
    def intern_total_minor(self) -> int:
        return self.released_minor + self.kill_fee_minor

    def describe(self) -> str:
        def money(minor: int) -> str:
            return format_money(minor, self.currency)

        if not self.started:
            return f"Before the start no fee is due: {money(self.refund_minor)} returns to the employer."
        if self.by_employer:
            return (
                f"The intern keeps {money(self.released_minor)} for approved milestones and is paid a kill fee of "
                f"{money(self.kill_fee_minor)}; {money(self.refund_minor)} returns to the employer."
            )
        return (
            f"Approved milestones ({money(self.released_minor)}) stay paid; {money(self.refund_minor)} returns to "
            "the employer. No kill fee is due."
        )


def quote_cancellation(engagement: Engagement, *, by_employer: bool, today: date | None = None) -> CancellationQuote:
    from rung.ledger.services import quote_kill_fee

    today = today or timezone.now().date()
    released = _released(engagement)
    unreleased = engagement.stipend_minor - released
    # The kill fee is owed under a signed contract once the work has started; an unsigned one binds nobody.
    started = engagement.status == EngagementStatus.ACTIVE and today >= engagement.start_date
    fee = quote_kill_fee(unreleased_minor=unreleased) if started and by_employer else 0
    return CancellationQuote(
        by_employer=by_employer,
        started=started,
        released_minor=released,
        unreleased_minor=unreleased,
        kill_fee_minor=fee,
        refund_minor=unreleased - fee,
        currency=engagement.currency,
    )


def _withdraw_unsigned(engagement: Engagement, *, actor: User | None) -> None:
    for contract in engagement.contracts.filter(status=ContractStatus.AWAITING_SIGNATURES):
        _transition_contract(contract, ContractStatus.WITHDRAWN, actor=actor)


def cancel_engagement(engagement: Engagement, *, actor: User, reason: str) -> Engagement:
    """Cancel under the contract: escrow refunded, and after the start a kill fee if the employer cancels."""
    from rung.ledger.services import pay_kill_fee, refund_escrow

    reason = reason.strip()
    if not reason:
        raise EngagementError("Say why you are cancelling; the other side reads it.", field="reason")
    if len(reason) > MAX_REASON:
        raise EngagementError(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    with transaction.atomic():
        engagement = _lock(engagement)
        side = _side(engagement, actor)
        if engagement.status == EngagementStatus.CANCELLED:
            raise EngagementError("This engagement is already cancelled.", code="already_cancelled")
        if engagement.status == EngagementStatus.COMPLETED:
            raise EngagementError("A completed engagement cannot be cancelled.", code="completed")
        quote = quote_cancellation(engagement, by_employer=side == SignatureRole.EMPLOYER)
        side_name = "employer" if quote.by_employer else "intern"
        now = timezone.now()
        engagement = _transition(
            engagement,
            EngagementStatus.CANCELLED,
            actor=actor,
            note=reason[:500],
            cancelled_at=now,
            cancelled_by=actor,
            cancel_reason=reason,
        )
        for milestone in engagement.milestones.filter(status__in=OPEN_MILESTONE_STATUSES):
            milestone.engagement = engagement
            _transition_milestone(milestone, MilestoneStatus.CANCELLED, actor=actor, note="engagement cancelled")
        _withdraw_unsigned(engagement, actor=actor)
        if quote.kill_fee_minor:
            pay_kill_fee(
                project_uuid=engagement.project.uuid,
                engagement_uuid=engagement.uuid,
                intern=engagement.candidate,
                amount_minor=quote.kill_fee_minor,
                currency=engagement.currency,
                cancelled_at=now,
                actor=actor,
            )
            transaction.on_commit(partial(_enqueue_payout, engagement.pk))
        if quote.refund_minor:
            refund_escrow(
                project_uuid=engagement.project.uuid,
                currency=engagement.currency,
                reference=f"engagement:{engagement.uuid}",
                amount_minor=quote.refund_minor,
                actor=actor,
                memo=f"Engagement cancelled by the {side_name}",
            )
        record(
            "engagement.cancellation",
            actor=actor,
            obj=engagement,
            data={
                "by": side,
                "started": quote.started,
                "released_minor": quote.released_minor,
                "kill_fee_minor": quote.kill_fee_minor,
                "refund_minor": quote.refund_minor,
            },
        )
        emit(
            "engagement.cancelled",
            engagement_uuid=engagement.uuid,
            project_uuid=engagement.project.uuid,
            actor_id=actor.pk,
            by=side,
            started=quote.started,
            released_minor=quote.released_minor,
            kill_fee_minor=quote.kill_fee_minor,
            refund_minor=quote.refund_minor,
        )
        complete_project_if_done(engagement.project, actor=actor)
    return engagement


# --- Payouts and completion, after commit -------------------------------------------------------


def _enqueue_payout(engagement_id: int) -> None:
    from rung.engagements.tasks import pay_out_engagement

    pay_out_engagement.enqueue(engagement_id)


def start_payout(engagement: Engagement) -> int:
    """Pay out what the intern is owed for this engagement and send it if the provider is automatic.

    Idempotent: a repeat finds nothing owed and nothing pending. Call it outside a transaction (the
    ledger commits the "sent" mark before a provider moves money). Returns how many payouts were sent.
    """
    from rung.ledger.models import Payout, PayoutStatus
    from rung.ledger.payouts import create_payout, send_payout
    from rung.ledger.providers import get_payout_provider

    create_payout(engagement_uuid=engagement.uuid, intern=engagement.candidate, currency=engagement.currency)
    sent = 0
    for payout in Payout.objects.filter(engagement_uuid=engagement.uuid, status=PayoutStatus.PENDING).order_by("pk"):
        provider = get_payout_provider(payout.provider)
        if not provider.automatic:
            continue  # staff export these in the next batch
        send_payout(payout, provider=provider)
        sent += 1
    return sent
