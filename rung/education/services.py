"""Every change in education: affiliations and consent, credit agreements and their signatures,
evidence review, stacks and transcripts. Atomic, guarded by EducationError, audited."""

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.clr import CreditAwardInput, StackInput, achievement_ids, issue_clr
from rung.credentials.models import IssuedCredential, Revocation
from rung.education.models import (
    AFFILIATION_TRANSITIONS,
    AGREEMENT_TRANSITIONS,
    CONSENT_ITEMS,
    CREDIT_TRANSITIONS,
    Affiliation,
    AffiliationMethod,
    AffiliationStatus,
    AgreementScope,
    AgreementSignature,
    AgreementStatus,
    CreditAgreement,
    CreditClaim,
    CreditStatus,
    CreditUnit,
    SignatureRole,
    Stack,
    Transcript,
)
from rung.engagements.models import Engagement, EngagementStatus
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.events import emit
from rung.lib.mail import send_templated_mail
from rung.orgs.models import Membership, Organisation, OrgKind, role_can
from rung.profiles.models import Skill
from rung.projects.models import ProjectTemplate
from rung.reviews.models import Decision, Review, Submission
from rung.reviews.selectors import final_rubric_results

CODE_TTL = timedelta(hours=24)
MAX_CODE_ATTEMPTS = 5
MAX_CONDITIONS = 20


class EducationError(DomainError):
    pass


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _check_transition(table: Mapping[str, set[str]], current: str, new: str, what: str) -> None:
    if new not in table.get(current, set()):
        raise EducationError(f"This {what} is {current.replace('_', ' ')}; it cannot become {new}.", code="conflict")


def _partner_member(membership: Membership | None, partner: Organisation, permission: str) -> Membership:
    if membership is None or membership.organisation_id != partner.pk:
        raise PermissionDenied("Only members of the education partner can do that.")
    if not role_can(membership.role, permission):
        raise PermissionDenied("Your role at the education partner does not allow that.")
    return membership


def partner_domains(partner: Organisation) -> list[str]:
    """The partner's e-mail domains: `email_domain` may list several, separated by commas or spaces."""
    return [d.strip().lower().lstrip("@") for d in partner.email_domain.replace(",", " ").split() if d.strip()]


def _check_partner(partner: Organisation) -> None:
    if partner.kind != OrgKind.EDUCATION:
        raise EducationError(f"{partner.name} is not an education partner.", field="partner")
    if not partner.is_verified:
        raise EducationError(f"{partner.name} is not verified yet, so it cannot take students.", field="partner")


# --- affiliation and consent -----------------------------------------------------------------------


def _live(student: User, partner: Organisation) -> Affiliation | None:
    return Affiliation.objects.filter(student=student, partner=partner).exclude(status=AffiliationStatus.ENDED).first()


def _create_affiliation(**fields: Any) -> Affiliation:
    try:
        with transaction.atomic():
            return Affiliation.objects.create(**fields)
    except IntegrityError:
        raise EducationError("You are already linked with this partner, or waiting to be.", code="conflict") from None


def request_affiliation_code(*, student: User, partner: Organisation, email: str) -> Affiliation:
    """Start an affiliation confirmed by a code e-mailed to the student's address at the partner."""
    _check_partner(partner)
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    if "@" not in email or not domain:
        raise EducationError("Enter your e-mail address at the partner, e.g. name@university.example.", field="email")
    domains = partner_domains(partner)
    if domain not in domains:
        raise EducationError(
            f"Use an address at {' or '.join(domains) or 'the partner'}: the code proves you study there.",
            field="email",
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        existing = _live(student, partner)
        if existing is not None and existing.status == AffiliationStatus.VERIFIED:
            raise EducationError(f"You are already linked with {partner.name}.", code="conflict")
        if existing is not None:
            # Asking again replaces the code (and resets the attempts) rather than adding a second link.
            Affiliation.objects.filter(pk=existing.pk).update(
                method=AffiliationMethod.EMAIL,
                email=email,
                code_hash=_hash(f"{existing.uuid}:{code}"),
                code_expires_at=timezone.now() + CODE_TTL,
                code_attempts=0,
            )
            existing.refresh_from_db()
            affiliation = existing
        else:
            pk = uuid.uuid4()
            affiliation = _create_affiliation(
                uuid=pk,
                student=student,
                partner=partner,
                method=AffiliationMethod.EMAIL,
                email=email,
                code_hash=_hash(f"{pk}:{code}"),
                code_expires_at=timezone.now() + CODE_TTL,
            )
        record("education.affiliation.code_sent", actor=student, obj=affiliation, data={"email": email})
        send_templated_mail(email, "education/email/affiliation_code", {"partner": partner, "code": code})
    return affiliation


def confirm_affiliation_code(affiliation: Affiliation, *, student: User, code: str) -> Affiliation:
    if affiliation.student_id != student.pk:
        raise PermissionDenied("This affiliation is someone else's.")
    code = "".join(code.split())
    with transaction.atomic():
        locked = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        if locked.status != AffiliationStatus.PENDING or locked.method != AffiliationMethod.EMAIL:
            raise EducationError("This affiliation is not waiting for a code.", code="conflict")
        if locked.code_expires_at is None or locked.code_expires_at <= timezone.now():
            raise EducationError("The code has expired. Ask for a new one.", field="code")
        if locked.code_attempts >= MAX_CODE_ATTEMPTS:
            raise EducationError("Too many wrong codes. Ask for a new one.", field="code")
        if not hmac.compare_digest(locked.code_hash, _hash(f"{locked.uuid}:{code}")):
            Affiliation.objects.filter(pk=locked.pk).update(code_attempts=locked.code_attempts + 1)
            record("education.affiliation.wrong_code", actor=student, obj=locked)
            # Refused after the block commits, so that the attempt stays counted.
            wrong = True
        else:
            wrong = False
            locked.status = AffiliationStatus.VERIFIED
            locked.verified_at = timezone.now()
            locked.code_hash = ""
            locked.save(update_fields=["status", "verified_at", "code_hash"])
            record("education.affiliation.verified", actor=student, obj=locked, data={"method": "email"})
    if wrong:
        raise EducationError("That code is not right. Check the e-mail and try again.", field="code")
    return locked


def ask_partner_to_confirm(*, student: User, partner: Organisation, student_number: str = "") -> Affiliation:
    """Start an affiliation the partner confirms by hand (for students without an address there)."""
    _check_partner(partner)
    student_number = " ".join(student_number.split())[:40]
    affiliation = _create_affiliation(
        student=student, partner=partner, method=AffiliationMethod.PARTNER, student_number=student_number
    )
    record("education.affiliation.requested", actor=student, obj=affiliation, data={"number": student_number})
    return affiliation


def confirm_affiliation(affiliation: Affiliation, *, membership: Membership | None) -> Affiliation:
    """The partner confirms a student who asked it to."""
    member = _partner_member(membership, affiliation.partner, "review")
    with transaction.atomic():
        locked = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        if locked.method != AffiliationMethod.PARTNER:
            raise EducationError("This student confirms with a code sent to their address.", code="conflict")
        _check_transition(AFFILIATION_TRANSITIONS, locked.status, AffiliationStatus.VERIFIED, "affiliation")
        locked.status = AffiliationStatus.VERIFIED
        locked.verified_at = timezone.now()
        locked.verified_by = member.user
        locked.save(update_fields=["status", "verified_at", "verified_by"])
        record("education.affiliation.verified", actor=member.user, obj=locked, data={"method": "partner"})
    return locked


def end_affiliation(affiliation: Affiliation, *, actor: User, membership: Membership | None = None) -> Affiliation:
    """The student, or the partner's reviewers, end the link; the partner sees nothing new after it."""
    if affiliation.student_id != actor.pk:
        _partner_member(membership, affiliation.partner, "review")
    with transaction.atomic():
        locked = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        _check_transition(AFFILIATION_TRANSITIONS, locked.status, AffiliationStatus.ENDED, "affiliation")
        locked.status = AffiliationStatus.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        record("education.affiliation.ended", actor=actor, obj=locked)
    return locked


def set_consent(affiliation: Affiliation, *, student: User, items: Mapping[str, bool]) -> Affiliation:
    """What the partner may see, item by item. Unknown items are refused; items left out keep their value."""
    if affiliation.student_id != student.pk:
        raise PermissionDenied("Only the student can choose what the partner sees.")
    unknown = sorted(set(items) - set(CONSENT_ITEMS))
    if unknown:
        raise EducationError(f"Unknown item: {', '.join(unknown)}.", field="items")
    with transaction.atomic():
        locked = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        if locked.status == AffiliationStatus.ENDED:
            raise EducationError("This affiliation has ended.", code="conflict")
        changed = []
        for item, value in items.items():
            if locked.shares(item) != bool(value):
                setattr(locked, f"share_{item}", bool(value))
                changed.append(f"share_{item}")
        if changed:
            locked.save(update_fields=changed)
            record("education.consent.changed", actor=student, obj=locked, data={"consent": locked.consent})
    return locked


# --- credit agreements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementInput:
    title: str
    scope: str
    course_code: str
    credit_unit: str
    credit_amount: Decimal
    valid_from: date
    valid_until: date
    employer: Organisation | None = None
    skills: Sequence[str] = ()  # slugs
    template: str = ""  # uuid of a catalogue template, for the template scope
    min_hours: int = 0
    rubric_levels: Sequence[Mapping[str, str]] = ()
    outcome_map: Sequence[Mapping[str, str]] = ()
    course_name: str = ""
    auto_approve: bool = False
    employer_cosign: bool = False


def _pairs(rows: Sequence[Mapping[str, str]], keys: tuple[str, str], what: str) -> list[dict[str, str]]:
    if len(rows) > MAX_CONDITIONS:
        raise EducationError(f"At most {MAX_CONDITIONS} {what}.", field=what)
    clean = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise EducationError(f"Each of the {what} needs {keys[0]} and {keys[1]}.", field=what)
        values = {k: " ".join(str(row.get(k) or "").split())[:200] for k in keys}
        if not all(values.values()):
            raise EducationError(f"Each of the {what} needs {keys[0]} and {keys[1]}.", field=what)
        clean.append(values)
    return clean


def templates_visible_to(partner: Organisation) -> QuerySet[ProjectTemplate]:
    """The catalogue templates a partner may name: the public catalogue, and its own (never another
    organisation's private templates, which it cannot see)."""
    return ProjectTemplate.objects.filter(Q(public=True) | Q(organisation=partner))


def _template_for(partner: Organisation, value: str) -> ProjectTemplate:
    refused = EducationError("Choose a template from the public catalogue.", field="template")
    try:
        key = uuid.UUID(str(value).strip())
    except ValueError:
        raise refused from None
    found = templates_visible_to(partner).filter(uuid=key).first()
    if found is None:
        raise refused
    return found


def _clean_agreement(partner: Organisation, data: AgreementInput) -> tuple[dict[str, Any], list[Skill]]:
    title = " ".join(data.title.split())
    if not title:
        raise EducationError("Give the agreement a title.", field="title")
    course_code = " ".join(data.course_code.split())
    if not course_code:
        raise EducationError("Give the course or module code the credit is for.", field="course_code")
    if data.credit_unit not in CreditUnit.values:
        raise EducationError("Choose the unit: ECTS, credit hours, CATS points or exemption.", field="credit_unit")
    amount = Decimal(data.credit_amount)
    if not amount.is_finite() or abs(amount) > 1000 or amount != amount.quantize(Decimal("0.01")):
        raise EducationError("Enter the credit as a number with at most two decimals, e.g. 2.5.", field="credit_amount")
    if data.credit_unit == CreditUnit.EXEMPTION:
        amount = Decimal(0)
    elif not (Decimal(0) < amount <= Decimal(60)):
        raise EducationError("Credit must be more than 0 and at most 60.", field="credit_amount")
    if data.valid_until < data.valid_from:
        raise EducationError("The agreement must end on or after the day it starts.", field="valid_until")
    if not (0 <= data.min_hours <= 2000):
        raise EducationError("Minimum hours must be between 0 and 2,000.", field="min_hours")
    skills: list[Skill] = []
    employer = None
    template = None
    if data.scope == AgreementScope.TEMPLATE:
        template = _template_for(partner, data.template)
    elif data.scope == AgreementScope.EMPLOYER:
        employer = data.employer
        if employer is None or employer.kind != OrgKind.EMPLOYER:
            raise EducationError("Say which employer's projects the agreement covers.", field="employer")
    elif data.scope == AgreementScope.SKILLS:
        slugs = sorted({s.strip() for s in data.skills if s.strip()})
        skills = list(Skill.objects.filter(slug__in=slugs))
        if not slugs or len(skills) != len(slugs):
            raise EducationError("Name at least one skill, from the skill list.", field="skills")
    else:
        raise EducationError(
            "Choose which work counts: projects from a template, an employer's projects, or projects with given skills."
        )
    if data.employer_cosign and employer is None:
        raise EducationError("Only an agreement about one employer's projects can be co-signed.", field="employer")
    fields = {
        "title": title[:160],
        "scope": data.scope,
        "employer": employer,
        "template": template,
        "min_hours": data.min_hours,
        "rubric_levels": _pairs(data.rubric_levels, ("criterion", "level"), "rubric_levels"),
        "outcome_map": _pairs(data.outcome_map, ("outcome", "course_outcome"), "outcome_map"),
        "credit_amount": amount,
        "credit_unit": data.credit_unit,
        "course_code": course_code[:40],
        "course_name": " ".join(data.course_name.split())[:160],
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "auto_approve": data.auto_approve,
        "employer_cosign": data.employer_cosign,
    }
    return fields, skills


def create_agreement(*, membership: Membership | None, partner: Organisation, data: AgreementInput) -> CreditAgreement:
    member = _partner_member(membership, partner, "edit_org")
    _check_partner(partner)
    fields, skills = _clean_agreement(partner, data)
    with transaction.atomic():
        agreement = CreditAgreement.objects.create(partner=partner, created_by=member.user, **fields)
        agreement.skills.set(skills)
        record("education.agreement.created", actor=member.user, obj=agreement, data={"version": 1})
    return agreement


def update_draft(agreement: CreditAgreement, *, membership: Membership | None, data: AgreementInput) -> CreditAgreement:
    member = _partner_member(membership, agreement.partner, "edit_org")
    fields, skills = _clean_agreement(agreement.partner, data)
    with transaction.atomic():
        locked = CreditAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != AgreementStatus.DRAFT or locked.signatures.exists():
            raise EducationError(
                "A signed or active agreement never changes. Make a new version instead.", code="immutable"
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        locked.skills.set(skills)
        record("education.agreement.edited", actor=member.user, obj=locked)
    return locked


def agreement_terms(agreement: CreditAgreement) -> dict[str, Any]:
    """The terms as data: what the text states and the hash covers."""
    return {
        "agreement": str(agreement.series),
        "version": agreement.version,
        "partner": {"name": agreement.partner.name, "id": str(agreement.partner.uuid)},
        "title": agreement.title,
        "covers": _covers(agreement),
        "conditions": {
            "min_hours": agreement.min_hours,
            "rubric_levels": agreement.rubric_levels,
            "outcome_map": agreement.outcome_map,
        },
        "credit": {"amount": str(agreement.credit_amount), "unit": agreement.credit_unit},
        "course": {"code": agreement.course_code, "name": agreement.course_name},
        "valid": {"from": agreement.valid_from.isoformat(), "until": agreement.valid_until.isoformat()},
        "automatic_approval": agreement.auto_approve,
        "employer_cosigns": agreement.employer_cosign,
    }


def _covers(agreement: CreditAgreement) -> dict[str, Any]:
    if agreement.scope == AgreementScope.TEMPLATE and agreement.template is not None:
        return {"template": agreement.template.name, "template_id": str(agreement.template.uuid)}
    if agreement.employer:
        return {"employer": agreement.employer.name, "employer_id": str(agreement.employer.uuid)}
    return {"skills": sorted(agreement.skills.values_list("slug", flat=True))}


def scope_in_words(agreement: CreditAgreement) -> str:
    if agreement.scope == AgreementScope.TEMPLATE and agreement.template is not None:
        return f"any project started from the template “{agreement.template.name}”"
    if agreement.employer:
        return f"any project of {agreement.employer.name}"
    return "any project with one of the skills " + ", ".join(sorted(agreement.skills.values_list("slug", flat=True)))


def render_terms(agreement: CreditAgreement) -> str:
    """Plain-words terms followed by the same terms as canonical JSON (what the hash covers)."""
    terms = agreement_terms(agreement)
    lines = [
        f"Credit agreement: {agreement.title} (version {agreement.version})",
        f"Education partner: {agreement.partner.name}",
        "Work that counts: " + scope_in_words(agreement),
        f"Credit: {agreement.credit_label}" + (f", {agreement.course_name}" if agreement.course_name else ""),
        f"Valid for work completed from {agreement.valid_from:%d %B %Y} to {agreement.valid_until:%d %B %Y}",
        "Conditions:",
    ]
    lines += [f"- at least {agreement.min_hours} hours of contracted work"] if agreement.min_hours else []
    lines += [f"- at least “{r['level']}” on “{r['criterion']}”" for r in agreement.rubric_levels]
    lines += [f"- outcome “{o['outcome']}” (counts as “{o['course_outcome']}”)" for o in agreement.outcome_map]
    lines.append(
        "Credit is approved automatically when every condition is met."
        if agreement.auto_approve
        else "A reviewer at the partner approves or declines the credit."
    )
    lines += ["", json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)]
    return "\n".join(lines) + "\n"


def _activate(locked: CreditAgreement, actor: User) -> None:
    now = timezone.now()
    previous = CreditAgreement.objects.filter(series=locked.series, status=AgreementStatus.ACTIVE).exclude(pk=locked.pk)
    for old in previous.select_for_update():
        _check_transition(AGREEMENT_TRANSITIONS, old.status, AgreementStatus.SUPERSEDED, "agreement")
        old.status = AgreementStatus.SUPERSEDED
        old.ended_at = now
        old.save(update_fields=["status", "ended_at"])
        record("education.agreement.superseded", actor=actor, obj=old, data={"by_version": locked.version})
    _check_transition(AGREEMENT_TRANSITIONS, locked.status, AgreementStatus.ACTIVE, "agreement")
    locked.status = AgreementStatus.ACTIVE
    locked.activated_at = now
    locked.save(update_fields=["status", "activated_at"])
    record("education.agreement.activated", actor=actor, obj=locked, data={"sha256": locked.text_sha256})


def sign_agreement(
    agreement: CreditAgreement, *, membership: Membership | None, typed_name: str, consent: bool
) -> AgreementSignature:
    """The partner signs (freezing the text), then the employer if it co-signs; the last signature activates it."""
    if membership is None:
        raise PermissionDenied("Only the partner, or the employer it names, can sign this agreement.")
    if membership.organisation_id == agreement.partner_id:
        role = SignatureRole.PARTNER
    elif agreement.employer_id is not None and membership.organisation_id == agreement.employer_id:
        role = SignatureRole.EMPLOYER
    else:
        raise PermissionDenied("Only the partner, or the employer it names, can sign this agreement.")
    if not role_can(membership.role, "edit_org"):
        raise PermissionDenied("Only an owner or manager can sign for the organisation.")
    typed_name = " ".join(typed_name.split())
    if len(typed_name) < 2:
        raise EducationError("Type your full name to sign.", field="typed_name")
    if not consent:
        raise EducationError("Tick the box to confirm you agree to these terms.", field="consent")
    with transaction.atomic():
        locked = CreditAgreement.objects.select_for_update().get(pk=agreement.pk)
        signed_roles = set(locked.signatures.values_list("role", flat=True))
        if role in signed_roles:
            raise EducationError("Your side has signed this agreement already.", code="conflict")
        if role == SignatureRole.PARTNER:
            if locked.status != AgreementStatus.DRAFT:
                raise EducationError("Only a draft can be signed.", code="conflict")
            locked.text = render_terms(locked)
            locked.text_sha256 = _hash(locked.text)
            locked.save(update_fields=["text", "text_sha256"])
        else:
            if SignatureRole.PARTNER not in signed_roles:
                raise EducationError("The partner signs first; then the employer co-signs.", code="conflict")
            if locked.status not in (AgreementStatus.DRAFT, AgreementStatus.ACTIVE):
                raise EducationError("This agreement has ended.", code="conflict")
        signature = AgreementSignature.objects.create(
            agreement=locked,
            role=role,
            organisation=membership.organisation,
            signer=membership.user,
            typed_name=typed_name[:120],
            text_sha256=locked.text_sha256,
        )
        record("education.agreement.signed", actor=membership.user, obj=locked, data={"role": role})
        signed_roles.add(role)
        if locked.status == AgreementStatus.DRAFT and (
            not locked.employer_cosign or SignatureRole.EMPLOYER in signed_roles
        ):
            _activate(locked, membership.user)
    return signature


def revise_agreement(agreement: CreditAgreement, *, membership: Membership | None) -> CreditAgreement:
    """A new draft version with the same terms, to change; the old one stays in force until it is signed."""
    member = _partner_member(membership, agreement.partner, "edit_org")
    with transaction.atomic():
        latest = CreditAgreement.objects.select_for_update().filter(series=agreement.series).order_by("-version")
        newest = latest.first()
        assert newest is not None
        if newest.status == AgreementStatus.DRAFT:
            raise EducationError(f"Version {newest.version} is a draft already: change that one.", code="conflict")
        if agreement.status == AgreementStatus.WITHDRAWN:
            raise EducationError("A withdrawn agreement cannot be revised; write a new one.", code="conflict")
        skills = list(agreement.skills.all())
        copy_fields = {
            f.name: getattr(agreement, f.name)
            for f in CreditAgreement._meta.concrete_fields
            if f.name not in {"id", "uuid", "version", "status", "text", "text_sha256", "created_by", "created_at"}
            and f.name not in {"activated_at", "ended_at"}
        }
        new = CreditAgreement.objects.create(
            **copy_fields, version=newest.version + 1, created_by=member.user, status=AgreementStatus.DRAFT
        )
        new.skills.set(skills)
        record("education.agreement.revised", actor=member.user, obj=new, data={"from_version": agreement.version})
    return new


def withdraw_agreement(agreement: CreditAgreement, *, membership: Membership | None, reason: str) -> CreditAgreement:
    """End an agreement for new work. Claims already opened under it are still reviewed under it."""
    member = _partner_member(membership, agreement.partner, "edit_org")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise EducationError("Say why the agreement is withdrawn; students see it.", field="reason")
    with transaction.atomic():
        locked = CreditAgreement.objects.select_for_update().get(pk=agreement.pk)
        _check_transition(AGREEMENT_TRANSITIONS, locked.status, AgreementStatus.WITHDRAWN, "agreement")
        locked.status = AgreementStatus.WITHDRAWN
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        record("education.agreement.withdrawn", actor=member.user, obj=locked, data={"reason": reason})
    return locked


# --- evidence and conditions -----------------------------------------------------------------------


@dataclass
class Check:
    condition: str
    met: bool | None  # None: the student has not shared what the condition needs
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"condition": self.condition, "met": self.met, "detail": self.detail}


def condition_labels(agreement: CreditAgreement) -> list[str]:
    labels = ["Completed within the agreement's dates"]
    if agreement.min_hours:
        labels.append(f"At least {agreement.min_hours} hours")
    labels += [f"“{r['criterion']}” at “{r['level']}” or above" for r in agreement.rubric_levels]
    labels += [f"Outcome “{o['outcome']}”" for o in agreement.outcome_map]
    return labels


def gather_evidence(engagement: Engagement, affiliation: Affiliation) -> dict[str, Any]:
    """Only what the student consented to; nothing else is even read into the snapshot."""
    project = engagement.project
    evidence: dict[str, Any] = {
        "project": {"title": project.title, "employer": project.organisation.name, "uuid": str(project.uuid)},
        "completed_on": (engagement.completed_at or timezone.now()).date().isoformat(),
        "learning_outcomes": list(project.learning_outcomes or []),
    }
    if affiliation.share_hours:
        evidence["hours"] = project.estimated_hours
    if affiliation.share_rubric:
        rubric, results = final_rubric_results(engagement)
        levels = {c.name: [lvl.label for lvl in c.levels.all()] for c in rubric.criteria.all()}
        evidence["rubric"] = [
            {"criterion": name, "level": level, "levels": levels.get(name, [])} for name, level in results.items()
        ]
    if affiliation.share_feedback:
        reviews = Review.objects.filter(submission__milestone__engagement=engagement, decision=Decision.APPROVE)
        evidence["feedback"] = list(reviews.order_by("created_at").values_list("feedback", flat=True)[:20])
    if affiliation.share_submissions:
        submissions = Submission.objects.filter(milestone__engagement=engagement).order_by("submitted_at")
        evidence["submissions"] = [
            {"milestone": s.milestone.title, "version": s.version, "notes": s.notes[:2000], "links": s.links[:10]}
            for s in submissions.select_related("milestone")[:20]
        ]
    return evidence


def evaluate_conditions(agreement: CreditAgreement, evidence: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    completed = date.fromisoformat(evidence["completed_on"])
    within = agreement.valid_from <= completed <= agreement.valid_until
    checks.append(
        Check(
            "Completed within the agreement's dates",
            within,
            f"Completed on {completed:%d %B %Y}; the agreement covers "
            f"{agreement.valid_from:%d %B %Y} to {agreement.valid_until:%d %B %Y}.",
        )
    )
    if agreement.min_hours:
        hours = evidence.get("hours")
        label = f"At least {agreement.min_hours} hours"
        if hours is None:
            checks.append(Check(label, None, "The student has not shared contract hours."))
        else:
            checks.append(Check(label, hours >= agreement.min_hours, f"{hours} hours under the contract."))
    rubric = {r["criterion"]: r for r in evidence.get("rubric", [])} if "rubric" in evidence else None
    for wanted in agreement.rubric_levels:
        label = f"“{wanted['criterion']}” at “{wanted['level']}” or above"
        if rubric is None:
            checks.append(Check(label, None, "The student has not shared rubric results."))
            continue
        got = rubric.get(wanted["criterion"])
        if got is None:
            checks.append(Check(label, False, "The rubric has no result for this criterion."))
            continue
        levels = got["levels"]
        if wanted["level"] not in levels or got["level"] not in levels:
            checks.append(Check(label, False, f"Reached “{got['level']}”, which cannot be compared with it."))
            continue
        met = levels.index(got["level"]) >= levels.index(wanted["level"])
        checks.append(Check(label, met, f"Reached “{got['level']}”."))
    outcomes = {o.casefold() for o in evidence.get("learning_outcomes", [])}
    for mapped in agreement.outcome_map:
        met = mapped["outcome"].casefold() in outcomes
        checks.append(
            Check(
                f"Outcome “{mapped['outcome']}”",
                met,
                f"Counts as “{mapped['course_outcome']}”."
                if met
                else "The project does not list this learning outcome.",
            )
        )
    return checks


def _agreements_covering(engagement: Engagement, partner_ids: Sequence[int]) -> list[CreditAgreement]:
    project = engagement.project
    on = (engagement.completed_at or timezone.now()).date()
    active = CreditAgreement.objects.filter(
        partner_id__in=partner_ids, status=AgreementStatus.ACTIVE, valid_from__lte=on, valid_until__gte=on
    )
    by_employer = active.filter(scope=AgreementScope.EMPLOYER, employer_id=project.organisation_id)
    by_skill = active.filter(scope=AgreementScope.SKILLS, skills__projects=project)
    # A template scope covers only projects started from that very template.
    by_template = (
        active.filter(scope=AgreementScope.TEMPLATE, template_id=project.template_id)
        if project.template_id is not None
        else active.none()
    )
    return list((by_employer | by_skill | by_template).distinct().select_related("partner"))


def _decide(claim: CreditClaim, *, status: str, actor: User | None, comment: str, failed: str, automatic: bool) -> None:
    _check_transition(CREDIT_TRANSITIONS, claim.status, status, "credit")
    claim.status = status
    claim.decided_at = timezone.now()
    claim.decided_by = actor
    claim.comment = comment
    claim.failed_condition = failed
    claim.automatic = automatic
    claim.save(update_fields=["status", "decided_at", "decided_by", "comment", "failed_condition", "automatic"])
    record(
        f"education.credit.{status}",
        actor=actor,
        obj=claim,
        data={"automatic": automatic, "failed_condition": failed, "comment": comment},
    )
    emit("credit.decided", credit_id=claim.pk, actor_id=actor.pk if actor else None)


def open_claims(engagement: Engagement) -> list[CreditClaim]:
    """On completion: a claim for each active agreement covering the work, at each partner the student
    is affiliated with. Idempotent (a repeated event finds the claims made)."""
    if engagement.status != EngagementStatus.COMPLETED:
        return []
    affiliations = {
        a.partner_id: a
        for a in Affiliation.objects.filter(student_id=engagement.candidate_id, status=AffiliationStatus.VERIFIED)
    }
    if not affiliations:
        return []
    claims = []
    with transaction.atomic():
        for agreement in _agreements_covering(engagement, list(affiliations)):
            affiliation = affiliations[agreement.partner_id]
            evidence = gather_evidence(engagement, affiliation)
            checks = evaluate_conditions(agreement, evidence)
            claim, created = CreditClaim.objects.get_or_create(
                agreement=agreement,
                engagement=engagement,
                defaults={
                    "affiliation": affiliation,
                    "evidence": evidence,
                    "checks": [c.as_dict() for c in checks],
                    "credential": _credential_for(engagement) if affiliation.share_credentials else None,
                },
            )
            claims.append(claim)
            if not created:
                continue
            record("education.credit.requested", actor=None, obj=claim, data={"agreement": str(agreement.uuid)})
            emit("credit.requested", credit_id=claim.pk)
            if agreement.auto_approve and all(c.met is True for c in checks):
                _decide(
                    claim,
                    status=CreditStatus.APPROVED,
                    actor=None,
                    comment="Every condition of the agreement was met.",
                    failed="",
                    automatic=True,
                )
    return claims


def _revoked(credential: IssuedCredential) -> bool:
    return Revocation.objects.filter(credential=credential).exists()


def _credential_for(engagement: Engagement) -> IssuedCredential | None:
    return IssuedCredential.objects.filter(engagement_ref=f"engagement:{engagement.uuid}").first()


def attach_credential(credential: IssuedCredential) -> int:
    """When the completion credential arrives after the claims, add it where the student shares credentials."""
    ref = credential.engagement_ref
    if not ref.startswith("engagement:"):
        return 0
    claims = CreditClaim.objects.filter(
        engagement__uuid=ref.removeprefix("engagement:"), credential__isnull=True, affiliation__share_credentials=True
    )
    return claims.update(credential=credential)


def decide_claim(
    claim: CreditClaim,
    *,
    membership: Membership | None,
    approve: bool,
    comment: str,
    failed_condition: str = "",
) -> CreditClaim:
    """A partner reviewer approves or declines; a decline names the condition that failed."""
    member = _partner_member(membership, claim.agreement.partner, "review")
    comment = " ".join(comment.split())[:2000]
    failed = ""
    if not approve:
        if len(comment) < 10:
            raise EducationError("Explain the decision to the student in a sentence or two.", field="comment")
        labels = condition_labels(claim.agreement)
        if failed_condition not in labels:
            raise EducationError("Say which condition of the agreement was not met.", field="failed_condition")
        failed = failed_condition
    with transaction.atomic():
        locked = CreditClaim.objects.select_for_update().select_related("agreement").get(pk=claim.pk)
        if locked.status != CreditStatus.PENDING:
            raise EducationError("This credit has been decided already.", code="conflict")
        _decide(
            locked,
            status=CreditStatus.APPROVED if approve else CreditStatus.DECLINED,
            actor=member.user,
            comment=comment,
            failed=failed,
            automatic=False,
        )
    return locked


# --- stacks ----------------------------------------------------------------------------------------


def create_stack(
    *,
    membership: Membership | None,
    partner: Organisation,
    name: str,
    required_credits: int,
    award_amount: Decimal,
    award_unit: str,
    required_skill: str = "",
    description: str = "",
) -> Stack:
    member = _partner_member(membership, partner, "edit_org")
    name = " ".join(name.split())
    if not name:
        raise EducationError("Give the stack a name, e.g. Certificate in Applied Analytics.", field="name")
    if not (1 <= required_credits <= 50):
        raise EducationError("A stack takes between 1 and 50 approved credits.", field="required_credits")
    if award_unit not in CreditUnit.values:
        raise EducationError("Choose the unit of the award.", field="award_unit")
    award_amount = Decimal(award_amount)
    if (
        not award_amount.is_finite()
        or abs(award_amount) > 1000
        or award_amount != award_amount.quantize(Decimal("0.01"))
    ):
        raise EducationError("Enter the award as a number with at most two decimals, e.g. 5.", field="award_amount")
    if award_unit != CreditUnit.EXEMPTION and not (Decimal(0) < award_amount <= Decimal(120)):
        raise EducationError("The award must be more than 0 and at most 120.", field="award_amount")
    required_skill = required_skill.strip()
    if required_skill and not Skill.objects.filter(slug=required_skill).exists():
        raise EducationError("Choose the skill from the skill list.", field="required_skill")
    with transaction.atomic():
        stack = Stack.objects.create(
            partner=partner,
            name=name[:160],
            description=" ".join(description.split())[:2000],
            required_credits=required_credits,
            required_skill=required_skill,
            award_amount=award_amount if award_unit != CreditUnit.EXEMPTION else Decimal(0),
            award_unit=award_unit,
        )
        record("education.stack.created", actor=member.user, obj=stack)
    return stack


@dataclass
class StackProgress:
    stack: Stack
    approved: int
    has_skill: bool
    claims: list[CreditClaim] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.approved >= self.stack.required_credits and self.has_skill

    @property
    def remaining(self) -> int:
        return max(0, self.stack.required_credits - self.approved)


def stack_progress(stacks: Sequence[Stack], approved: Sequence[CreditClaim]) -> list[StackProgress]:
    """Progress towards each stack from a student's approved claims (claims with engagement__project__skills)."""
    out = []
    for stack in stacks:
        mine = [c for c in approved if c.agreement.partner_id == stack.partner_id]
        has_skill = not stack.required_skill or any(
            stack.required_skill in {s.slug for s in c.engagement.project.skills.all()} for c in mine
        )
        out.append(StackProgress(stack=stack, approved=len(mine), has_skill=has_skill, claims=mine))
    return out


# --- transcripts -----------------------------------------------------------------------------------


NO_CREDENTIALS_CONSENT = (
    "A CLR 2.0 transcript must bundle the student's Rung credentials, and this student does not share "
    "credentials with you. Ask them to tick “Credentials” under what you may see, on their Credit page; "
    "then issue the transcript again."
)


def issue_transcript(affiliation: Affiliation, *, membership: Membership | None) -> Transcript:
    """A CLR 2.0 transcript of every approved credit, signed as the partner itself (its own DID)."""
    partner = affiliation.partner
    member = _partner_member(membership, partner, "edit_org")
    affiliation = Affiliation.objects.select_related("student").get(pk=affiliation.pk)  # consent as it is now
    if affiliation.status != AffiliationStatus.VERIFIED:
        raise EducationError("Only a confirmed student can be given a transcript.", code="conflict")
    claims = list(
        CreditClaim.objects.filter(affiliation=affiliation, status=CreditStatus.APPROVED)
        .select_related("agreement", "credential", "engagement__project")
        .prefetch_related("engagement__project__skills")
        .order_by("decided_at", "id")
    )
    if not claims:
        raise EducationError("There is no approved credit to put on a transcript yet.", code="nothing_to_issue")
    credentials: list[dict[str, Any]] = []
    awards = []
    for claim in claims:
        based_on: list[str] = []
        # The bundled credentials are the student's own: only those they chose to share go in.
        if affiliation.share_credentials and claim.credential is not None and not _revoked(claim.credential):
            document = claim.credential.document
            credentials.append(document)
            based_on = achievement_ids(document)
        agreement = claim.agreement
        awards.append(
            CreditAwardInput(
                key=claim.uuid,
                name=agreement.course_name or agreement.title,
                description=f"{agreement.credit_label}, for “{claim.engagement.project.title}” "
                f"({claim.engagement.project.organisation.name}), under “{agreement.title}” v{agreement.version}.",
                course_code=agreement.course_code,
                credits=agreement.credit_amount,
                unit=agreement.credit_unit,
                based_on=based_on,
            )
        )
    if not affiliation.share_credentials:
        # CLR 2.0 requires the bundled credentials, and they are the student's to share.
        raise EducationError(NO_CREDENTIALS_CONSENT, code="no_consent")
    if not credentials:
        raise EducationError(
            "None of the credentials for this student's approved credit can be bundled: they have not been "
            "issued yet, or they were revoked. A CLR transcript needs at least one.",
            code="no_credentials",
        )
    stacks = [
        StackInput(
            key=p.stack.uuid,
            name=p.stack.name,
            description=p.stack.description or p.stack.name,
            credits=p.stack.award_amount,
            unit=p.stack.award_unit,
            parts=[c.uuid for c in p.claims],
        )
        for p in stack_progress(list(Stack.objects.filter(partner=partner)), claims)
        if p.complete
    ]
    with transaction.atomic():
        issued = issue_clr(
            organisation=partner,
            recipient=affiliation.student,
            name=f"Transcript from {partner.name}",
            credentials=credentials,
            awards=awards,
            stacks=stacks,
            actor=member.user,
            reference="",
        )
        transcript = Transcript.objects.create(
            partner=partner, student=affiliation.student, credential=issued, issued_by=member.user
        )
        transcript.claims.set(claims)
        record("education.transcript.issued", actor=member.user, obj=transcript, data={"credits": len(claims)})
        emit("transcript.issued", transcript_id=transcript.pk, actor_id=member.user.pk)
    return transcript
