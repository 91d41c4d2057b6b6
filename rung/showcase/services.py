"""Every change in the showcase: items and their files, the employer's consent, curation against the
playbook, catalogues, invitations to apply, portfolios and moderation.

Consent, curation and moderation are state machines whose transitions are written once in
models.py (`CONSENT_TRANSITIONS`, `CURATION_TRANSITIONS` with `DECISION_RULES`, `MODERATION_TRANSITIONS`,
`REPORT_TRANSITIONS`); `_move_*` below is the only code that changes those statuses.
"""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.models import IssuedCredential
from rung.engagements.models import ContractStatus, Engagement, EngagementStatus
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.orgs.models import Membership, role_can
from rung.profiles.models import Skill
from rung.projects.models import Project, ProjectStatus
from rung.reviews.models import SubmissionFile
from rung.showcase.models import (
    CONSENT_TRANSITIONS,
    CURATION_TRANSITIONS,
    DECISION_RULES,
    MODERATION_TRANSITIONS,
    REPORT_TRANSITIONS,
    ApplyInvitation,
    Catalogue,
    CatalogueEntry,
    CatalogueKind,
    ConsentEvent,
    ConsentStatus,
    CurationCheck,
    CurationDecision,
    CurationRecord,
    CurationStatus,
    Curator,
    ItemEvent,
    Moderation,
    ModerationEvent,
    ModerationStatus,
    Playbook,
    Portfolio,
    Report,
    ReportStatus,
    ShowcaseFile,
    ShowcaseItem,
    ShowcasePolicy,
    TargetKind,
)

MAX_LINKS = 10
MAX_FILES = 12
MIN_REASON = 10
MAX_REASON = 1000

# The deployment's first playbook; staff publish later versions (`publish_playbook`).
DEFAULT_CHECKS: list[dict[str, str]] = [
    {
        "key": "consent",
        "label": "Consent on record",
        "guidance": "The employer consented, and the project is not marked confidential.",
    },
    {
        "key": "no_confidential_data",
        "label": "No confidential or personal data",
        "guidance": (
            "No client names, passwords, personal details of others or internal figures in the text, files or images."
        ),
    },
    {
        "key": "quality",
        "label": "Meets the quality bar",
        "guidance": "The rubric result shows the work met expectations (an average of 3 or more out of 4).",
    },
    {
        "key": "accessible",
        "label": "Accessible images and documents",
        "guidance": "Every image has alt text that says what it shows; documents have real text, not scans.",
    },
    {
        "key": "licence_stated",
        "label": "Licence stated",
        "guidance": "The item states the licence from the contract, and it matches what is shown.",
    },
]


class ShowcaseError(DomainError):
    pass


def _no_nul(text: str, *, field: str) -> None:
    if "\x00" in text:
        raise ShowcaseError("The text contains a NUL character (\\0); remove it.", field=field)


def _reason(text: str, *, field: str = "reason", what: str = "a reason") -> str:
    _no_nul(text, field=field)
    text = text.strip()
    if len(text) < MIN_REASON:
        raise ShowcaseError(
            f"Write {what} of at least {MIN_REASON} characters; the other person is told it.", field=field
        )
    if len(text) > MAX_REASON:
        raise ShowcaseError(f"Keep it to at most {MAX_REASON} characters.", field=field)
    return text


# --- The transitions, checked against the tables in models.py -------------------------------------


def _move_consent(item: ShowcaseItem, to: str, *, actor: User | None, note: str = "", **changes: Any) -> None:
    old = item.consent_status
    if to not in CONSENT_TRANSITIONS[old]:
        raise ShowcaseError(
            f"Consent that is “{ConsentStatus(old).label}” cannot become “{ConsentStatus(to).label}”.",
            code="bad_transition",
        )
    if not ShowcaseItem.objects.filter(pk=item.pk, consent_status=old).update(consent_status=to, **changes):
        raise ShowcaseError("This item changed a moment ago. Reload the page.", code="conflict")
    item.consent_status = to
    for name, value in changes.items():
        setattr(item, name, value)
    ConsentEvent.objects.create(item=item, from_status=old, to_status=to, actor=actor, note=note)


def _move_status(item: ShowcaseItem, to: str, *, actor: User | None, note: str = "", **changes: Any) -> None:
    old = item.status
    if to not in CURATION_TRANSITIONS[old]:
        raise ShowcaseError(
            f"An item that is “{CurationStatus(old).label}” cannot become “{CurationStatus(to).label}”.",
            code="bad_transition",
        )
    changes["updated_at"] = timezone.now()
    if not ShowcaseItem.objects.filter(pk=item.pk, status=old).update(status=to, **changes):
        raise ShowcaseError("This item changed a moment ago. Reload the page.", code="conflict")
    item.status = to
    for name, value in changes.items():
        setattr(item, name, value)
    ItemEvent.objects.create(item=item, from_status=old, to_status=to, actor=actor, note=note)


# --- Permissions ----------------------------------------------------------------------------------


def can_decide_for(user: User, organisation_id: int) -> bool:
    """Owners and managers sign for the employer, so they consent for it too."""
    membership = Membership.objects.filter(user=user, organisation_id=organisation_id).first()
    return membership is not None and role_can(membership.role, "post_projects")


def is_curator(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_staff) or Curator.objects.filter(user=user, active=True).exists()


def _require_curator(user: User) -> None:
    if not is_curator(user):
        raise PermissionDenied("Only Rung's curators work the showcase queue.")


def _require_staff(user: User, what: str) -> None:
    if not user.is_staff:
        raise PermissionDenied(f"Only Rung staff {what}.")


# --- Items ------------------------------------------------------------------------------------


@dataclass
class ItemInput:
    title: str
    summary: str
    links: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)  # skill slugs
    # {submission file uuid: alt text ("" for documents)}, in the order to show them.
    files: dict[str, str] = field(default_factory=dict)
    contactable: bool = False


def signed_ip_licence(engagement: Engagement) -> str:
    """The IP licence in force: from the latest contract both sides signed."""
    contract = engagement.contracts.filter(status=ContractStatus.SIGNED).order_by("-version").first()
    if contract is None:
        raise ShowcaseError("This engagement has no signed contract, so nothing from it can be shown.")
    return str(contract.terms.get("ip_licence") or engagement.project.ip_licence)


def _is_confidential(project_id: int) -> bool:
    return ShowcasePolicy.objects.filter(project_id=project_id, confidential=True).exists()


_URL = re.compile(r"^https?://", re.IGNORECASE)


def _clean(
    engagement: Engagement, data: ItemInput
) -> tuple[dict[str, Any], list[Skill], list[tuple[SubmissionFile, str]]]:
    for name in ("title", "summary"):
        _no_nul(getattr(data, name), field=name)
    title = data.title.strip()
    summary = data.summary.strip()
    if not title:
        raise ShowcaseError("Give the work a title.", field="title")
    if len(title) > 120:
        raise ShowcaseError("Keep the title to at most 120 characters.", field="title")
    if len(summary) < 40:
        raise ShowcaseError(
            "Write a summary of at least 40 characters: what you did and why it mattered.", field="summary"
        )
    if len(summary) > 3000:
        raise ShowcaseError("Keep the summary to at most 3,000 characters.", field="summary")
    links = [link.strip() for link in data.links if link.strip()]
    if len(links) > MAX_LINKS:
        raise ShowcaseError(f"Add at most {MAX_LINKS} links.", field="links")
    for link in links:
        _no_nul(link, field="links")
        parts = urlsplit(link)
        if not _URL.match(link) or not parts.netloc or len(link) > 500:
            raise ShowcaseError(f"“{link[:80]}” is not a web address starting with https:// or http://.", field="links")
    skills = list(Skill.objects.filter(slug__in=data.skills))
    if len(skills) != len(set(data.skills)):
        raise ShowcaseError("Choose skills from the list.", field="skills")
    if len(data.files) > MAX_FILES:
        raise ShowcaseError(f"Choose at most {MAX_FILES} files.", field="files")
    chosen: list[tuple[SubmissionFile, str]] = []
    if data.files:
        try:
            wanted = [uuid.UUID(str(k)) for k in data.files]
        except ValueError:
            raise ShowcaseError("Choose files from your own submissions.", field="files") from None
        found = {
            f.uuid: f
            for f in SubmissionFile.objects.filter(
                uuid__in=wanted,
                submission__milestone__engagement=engagement,
                submission__submitted_by=engagement.candidate_id,
            )
        }
        for key, given_alt in data.files.items():
            sub_file = found.get(uuid.UUID(str(key)))
            if sub_file is None:
                raise ShowcaseError("Choose files from your own submissions to this engagement.", field="files")
            alt = (given_alt or "").strip()
            _no_nul(alt, field="files")
            if sub_file.content_type.startswith("image/") and len(alt) < 5:
                raise ShowcaseError(
                    f"Describe the image “{sub_file.original_name}” in its alt text (at least 5 characters), "
                    "for people who cannot see it.",
                    field="files",
                )
            chosen.append((sub_file, alt[:300]))
    values = {"title": title, "summary": summary, "links": links, "contactable": bool(data.contactable)}
    return values, skills, chosen


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "work"
    return f"{base}-{uuid.uuid4().hex[:6]}"


def _set_files(item: ShowcaseItem, chosen: Sequence[tuple[SubmissionFile, str]]) -> None:
    ShowcaseFile.objects.filter(item=item).delete()
    ShowcaseFile.objects.bulk_create(
        ShowcaseFile(item=item, submission_file=f, alt_text=alt, position=i) for i, (f, alt) in enumerate(chosen)
    )


def create_item(engagement: Engagement, *, author: User, data: ItemInput) -> ShowcaseItem:
    """An intern's draft of completed work to show; nothing is public until consent and curation."""
    if engagement.candidate_id != author.pk:
        raise NotFound("No such engagement.")
    if engagement.status != EngagementStatus.COMPLETED:
        raise ShowcaseError("Only completed work can be showcased; finish the engagement first.")
    if _is_confidential(engagement.project_id):
        raise ShowcaseError("The employer marked this project confidential, so its work cannot be showcased.")
    ip_licence = signed_ip_licence(engagement)
    values, skills, chosen = _clean(engagement, data)
    credential = IssuedCredential.objects.filter(engagement_ref=f"engagement:{engagement.uuid}").first()
    try:
        with transaction.atomic():
            item = ShowcaseItem.objects.create(
                engagement=engagement,
                author=author,
                organisation_id=engagement.project.organisation_id,
                credential=credential,
                slug=_unique_slug(values["title"]),
                ip_licence=ip_licence,
                **values,
            )
            item.skills.set(skills)
            _set_files(item, chosen)
            ItemEvent.objects.create(item=item, from_status="", to_status=CurationStatus.DRAFT, actor=author)
            record("showcase.item.created", actor=author, obj=item, data={"engagement": str(engagement.uuid)})
    except IntegrityError:
        raise ShowcaseError("You already have a showcase item for this engagement; change that one.") from None
    return item


def update_item(item: ShowcaseItem, *, author: User, data: ItemInput) -> ShowcaseItem:
    if item.author_id != author.pk:
        raise NotFound("No such showcase item.")
    if item.status not in (CurationStatus.DRAFT, CurationStatus.SENT_BACK):
        raise ShowcaseError(
            f"An item that is “{item.get_status_display()}” cannot be changed; only drafts and items sent back can."
        )
    values, skills, chosen = _clean(item.engagement, data)
    with transaction.atomic():
        if not ShowcaseItem.objects.filter(pk=item.pk, status=item.status).update(**values, updated_at=timezone.now()):
            raise ShowcaseError("This item changed a moment ago. Reload the page.", code="conflict")
        item.refresh_from_db()
        item.skills.set(skills)
        _set_files(item, chosen)
        record("showcase.item.updated", actor=author, obj=item)
    return item


def request_consent(item: ShowcaseItem, *, author: User) -> ShowcaseItem:
    """Ask the employer (its owners and managers) to consent to showing the work."""
    if item.author_id != author.pk:
        raise NotFound("No such showcase item.")
    if _is_confidential(item.engagement.project_id):
        raise ShowcaseError("The employer marked this project confidential, so its work cannot be showcased.")
    if item.status not in (CurationStatus.DRAFT, CurationStatus.SENT_BACK):
        raise ShowcaseError("Consent is asked for drafts; this item is past that.")
    with transaction.atomic():
        _move_consent(item, ConsentStatus.REQUESTED, actor=author, consent_reason="")
        record("showcase.consent.requested", actor=author, obj=item)
        emit("showcase.consent_requested", item_id=item.pk, actor_id=author.pk)
    return item


def decide_consent(item: ShowcaseItem, *, actor: User, approve: bool, reason: str = "") -> ShowcaseItem:
    """The employer's answer. Approval sends the item to the curators; a refusal needs a reason."""
    if not can_decide_for(actor, item.organisation_id):
        if Membership.objects.filter(user=actor, organisation_id=item.organisation_id).exists():
            raise PermissionDenied("Only the organisation's owners and managers consent for it.")
        raise NotFound("No such showcase item.")
    reason = reason.strip()
    if approve:
        if _is_confidential(item.engagement.project_id):
            raise ShowcaseError("This project is marked confidential; clear that first if the work may be shown.")
        _no_nul(reason, field="reason")
    else:
        reason = _reason(reason, what="the reason for declining")
    now = timezone.now()
    with transaction.atomic():
        to = ConsentStatus.APPROVED if approve else ConsentStatus.DECLINED
        _move_consent(
            item,
            to,
            actor=actor,
            note=reason,
            consent_reason=reason[:MAX_REASON],
            consent_decided_by=actor,
            consent_decided_at=now,
        )
        if approve:
            _move_status(item, CurationStatus.QUEUED, actor=actor, note="Employer consented", queued_at=now)
        record(f"showcase.consent.{to}", actor=actor, obj=item, data={"reason": reason})
        emit("showcase.consent_decided", item_id=item.pk, actor_id=actor.pk)
    return item


def withdraw_consent(item: ShowcaseItem, *, actor: User, reason: str) -> ShowcaseItem:
    """The employer withdraws consent: the item leaves the queue, the catalogues and the public pages."""
    if not can_decide_for(actor, item.organisation_id):
        if Membership.objects.filter(user=actor, organisation_id=item.organisation_id).exists():
            raise PermissionDenied("Only the organisation's owners and managers consent for it.")
        raise NotFound("No such showcase item.")
    reason = _reason(reason, what="the reason for withdrawing consent")
    with transaction.atomic():
        _withdraw_consent(item, actor=actor, reason=reason)
    return item


def _withdraw_consent(item: ShowcaseItem, *, actor: User, reason: str) -> None:
    # Unpublish first: the database refuses a published item without consent on record.
    if CurationStatus.WITHDRAWN in CURATION_TRANSITIONS[item.status]:
        _move_status(item, CurationStatus.WITHDRAWN, actor=actor, note="Employer withdrew consent", featured=False)
    _move_consent(
        item,
        ConsentStatus.WITHDRAWN,
        actor=actor,
        note=reason,
        consent_reason=reason,
        consent_decided_by=actor,
        consent_decided_at=timezone.now(),
    )
    CatalogueEntry.objects.filter(item=item).delete()
    record("showcase.consent.withdrawn", actor=actor, obj=item, data={"reason": reason})
    emit("showcase.consent_withdrawn", item_id=item.pk, actor_id=actor.pk)


def resubmit_item(item: ShowcaseItem, *, author: User) -> ShowcaseItem:
    """After a send-back, the changed item goes back to the curators (consent still stands)."""
    if item.author_id != author.pk:
        raise NotFound("No such showcase item.")
    if item.consent_status != ConsentStatus.APPROVED:
        raise ShowcaseError("The employer's consent is needed before curators look at the item.")
    with transaction.atomic():
        _move_status(item, CurationStatus.QUEUED, actor=author, note="Changed and sent again", queued_at=timezone.now())
        record("showcase.item.resubmitted", actor=author, obj=item)
    return item


def withdraw_item(item: ShowcaseItem, *, author: User) -> ShowcaseItem:
    """The author takes the item down for good (it leaves every catalogue)."""
    if item.author_id != author.pk:
        raise NotFound("No such showcase item.")
    with transaction.atomic():
        _move_status(item, CurationStatus.WITHDRAWN, actor=author, note="Withdrawn by the author", featured=False)
        CatalogueEntry.objects.filter(item=item).delete()
        record("showcase.item.withdrawn", actor=author, obj=item)
    return item


def set_project_policy(
    project: Project,
    *,
    actor: User,
    confidential: bool,
    licensing_opt_in: bool = False,
    employer_share_percent: int | None = None,
) -> ShowcasePolicy:
    """The employer's rules for one project's work. Marking it confidential withdraws any consent given."""
    if not can_decide_for(actor, project.organisation_id):
        if Membership.objects.filter(user=actor, organisation_id=project.organisation_id).exists():
            raise PermissionDenied("Only the organisation's owners and managers set what may be showcased.")
        raise NotFound("No such project.")
    if employer_share_percent is not None and not 0 <= employer_share_percent <= 60:
        raise ShowcaseError("The employer's share of a licence is between 0 and 60 per cent.", field="employer_share")
    with transaction.atomic():
        policy, _ = ShowcasePolicy.objects.select_for_update().get_or_create(project=project)
        if employer_share_percent is not None:
            policy.employer_share_percent = employer_share_percent
        policy.confidential = confidential
        policy.licensing_opt_in = licensing_opt_in and not confidential
        policy.updated_by = actor
        policy.updated_at = timezone.now()
        policy.save()
        record(
            "showcase.policy.set",
            actor=actor,
            obj=project,
            data={"confidential": policy.confidential, "licensing_opt_in": policy.licensing_opt_in},
        )
        if confidential:
            for item in ShowcaseItem.objects.filter(engagement__project=project, consent_status=ConsentStatus.APPROVED):
                _withdraw_consent(item, actor=actor, reason="The employer marked the project confidential.")
    return policy


# --- Curators and the playbook ----------------------------------------------------------------


def appoint_curator(user: User, *, staff: User) -> Curator:
    _require_staff(staff, "appoint curators")
    with transaction.atomic():
        curator, _ = Curator.objects.update_or_create(
            user=user, defaults={"active": True, "appointed_by": staff, "appointed_at": timezone.now()}
        )
        record("showcase.curator.appointed", actor=staff, obj=user)
    return curator


def revoke_curator(user: User, *, staff: User) -> None:
    _require_staff(staff, "revoke curators")
    with transaction.atomic():
        if not Curator.objects.filter(user=user, active=True).update(active=False):
            raise ShowcaseError(f"{user.full_name or user.email} is not a curator.")
        record("showcase.curator.revoked", actor=staff, obj=user)


def current_playbook() -> Playbook:
    """The latest playbook version; the first use of the showcase writes version 1 from DEFAULT_CHECKS."""
    playbook = Playbook.objects.order_by("-version").first()
    if playbook is not None:
        return playbook
    try:
        with transaction.atomic():
            return Playbook.objects.create(version=1, checks=DEFAULT_CHECKS, notes="The default playbook.")
    except IntegrityError:
        return Playbook.objects.get(version=1)


def publish_playbook(*, staff: User, checks: list[dict[str, str]], notes: str) -> Playbook:
    """A new version of the checklist; items already decided keep the version they were decided against."""
    _require_staff(staff, "change the curation playbook")
    keys = [str(c.get("key", "")).strip() for c in checks]
    if not checks or any(not re.fullmatch(r"[a-z_]{2,40}", k) for k in keys) or len(set(keys)) != len(keys):
        raise ShowcaseError("Each check needs a unique key of lower-case letters and underscores.", field="checks")
    if any(not str(c.get("label", "")).strip() for c in checks):
        raise ShowcaseError("Each check needs a label.", field="checks")
    with transaction.atomic():
        latest = current_playbook()
        playbook = Playbook.objects.create(
            version=latest.version + 1,
            checks=[
                {"key": k, "label": str(c["label"]).strip(), "guidance": str(c.get("guidance", "")).strip()}
                for k, c in zip(keys, checks, strict=True)
            ],
            notes=notes.strip()[:2000],
            created_by=staff,
        )
        record("showcase.playbook.published", actor=staff, obj=playbook, data={"version": playbook.version})
    return playbook


def latest_checks(item: ShowcaseItem, playbook: Playbook) -> dict[str, CurationCheck]:
    """Each check's most recent answer for this item under this playbook version."""
    answers: dict[str, CurationCheck] = {}
    for check in CurationCheck.objects.filter(item=item, playbook=playbook).order_by("at", "id"):
        answers[check.key] = check
    return answers


def record_check(item: ShowcaseItem, *, curator: User, key: str, passed: bool, note: str = "") -> CurationCheck:
    """A curator's answer to one check of the current playbook, for an item in the queue."""
    _require_curator(curator)
    if item.status != CurationStatus.QUEUED:
        raise ShowcaseError("Checks are recorded for items waiting in the queue.")
    playbook = current_playbook()
    if key not in playbook.keys:
        raise ShowcaseError(f"Playbook v{playbook.version} has no check “{key[:40]}”.", field="key")
    _no_nul(note, field="note")
    if (
        key == "consent"
        and passed
        and (item.consent_status != ConsentStatus.APPROVED or _is_confidential(item.engagement.project_id))
    ):
        raise ShowcaseError("The employer's consent is not on record (or the project is confidential).", field="key")
    if not passed and len(note.strip()) < 3:
        raise ShowcaseError("Say what fails the check, so the author can fix it.", field="note")
    with transaction.atomic():
        check = CurationCheck.objects.create(
            item=item, playbook=playbook, key=key, passed=passed, note=note.strip()[:500], curator=curator
        )
        record(
            "showcase.curation.checked",
            actor=curator,
            obj=item,
            data={"playbook": playbook.version, "key": key, "passed": passed},
        )
    return check


def decide_item(
    item: ShowcaseItem,
    *,
    curator: User,
    decision: str,
    notes: str = "",
    catalogue: Catalogue | None = None,
) -> CurationRecord:
    """Publish, feature (publish and feature in a catalogue), send back with notes, or decline."""
    _require_curator(curator)
    if decision not in DECISION_RULES:
        raise ShowcaseError("Choose publish, feature, send back or decline.", field="decision")
    allowed_from, to = DECISION_RULES[decision]
    label = CurationDecision(decision).label.lower()
    if item.status not in allowed_from:
        raise ShowcaseError(
            f"An item that is “{item.get_status_display()}” cannot be given the decision “{label}”.",
            code="bad_transition",
        )
    playbook = current_playbook()
    if decision in (CurationDecision.PUBLISH, CurationDecision.FEATURE):
        if item.status == CurationStatus.QUEUED:
            answers = latest_checks(item, playbook)
            missing = [c["label"] for c in playbook.checks if c["key"] not in answers or not answers[c["key"]].passed]
            if missing:
                raise ShowcaseError(
                    f"Every check of playbook v{playbook.version} must pass first; still open or failed: "
                    + ", ".join(missing)
                    + ".",
                    code="checks_incomplete",
                )
        if _is_confidential(item.engagement.project_id) or item.consent_status != ConsentStatus.APPROVED:
            raise ShowcaseError("The employer's consent is not on record (or the project is confidential).")
        notes = notes.strip()
    else:
        notes = _reason(notes, field="notes", what="notes for the author")
    if decision == CurationDecision.FEATURE and catalogue is None:
        raise ShowcaseError("Choose the catalogue to feature the item in.", field="catalogue")
    with transaction.atomic():
        now = timezone.now()
        if item.status != to:
            changes: dict[str, Any] = {}
            if to == CurationStatus.PUBLISHED:
                changes["published_at"] = now
            else:
                changes["curator_notes"] = notes
            _move_status(item, to, actor=curator, note=notes, **changes)
        if decision == CurationDecision.FEATURE and catalogue is not None:
            ShowcaseItem.objects.filter(pk=item.pk).update(featured=True)
            item.featured = True
            CatalogueEntry.objects.update_or_create(
                catalogue=catalogue, item=item, defaults={"featured": True, "added_by": curator}
            )
        entry = CurationRecord.objects.create(
            item=item, playbook=playbook, decision=decision, notes=notes, catalogue=catalogue, curator=curator
        )
        record(
            f"showcase.curation.{decision}",
            actor=curator,
            obj=item,
            data={"playbook": playbook.version, "catalogue": catalogue.slug if catalogue else None},
        )
        if (to == CurationStatus.PUBLISHED and decision == CurationDecision.PUBLISH) or (
            decision == CurationDecision.FEATURE and item.published_at == now
        ):
            emit("showcase.published", item_id=item.pk)
        elif to in (CurationStatus.SENT_BACK, CurationStatus.DECLINED):
            emit("showcase.curated", item_id=item.pk, decision=decision)
    return entry


# --- Catalogues ---------------------------------------------------------------------------------


def create_catalogue(
    *, curator: User, kind: str, title: str, intro: str, skill: Skill | None = None, public: bool = True
) -> Catalogue:
    _require_curator(curator)
    if kind not in CatalogueKind.values:
        raise ShowcaseError("Choose whether the catalogue is by skill, theme or cohort.", field="kind")
    for name, text in (("title", title), ("intro", intro)):
        _no_nul(text, field=name)
    title, intro = title.strip(), intro.strip()
    if not title or len(title) > 120:
        raise ShowcaseError("Give the catalogue a title of at most 120 characters.", field="title")
    if len(intro) < 20 or len(intro) > 4000:
        raise ShowcaseError("Write an introduction of 20 to 4,000 characters.", field="intro")
    if kind == CatalogueKind.SKILL and skill is None:
        raise ShowcaseError("Choose the skill this catalogue collects.", field="skill")
    with transaction.atomic():
        catalogue = Catalogue.objects.create(
            slug=f"{slugify(title)[:60] or 'catalogue'}-{uuid.uuid4().hex[:4]}",
            kind=kind,
            title=title,
            intro=intro,
            skill=skill if kind == CatalogueKind.SKILL else None,
            public=public,
            created_by=curator,
        )
        record("showcase.catalogue.created", actor=curator, obj=catalogue)
    return catalogue


def add_to_catalogue(
    catalogue: Catalogue, item: ShowcaseItem, *, curator: User, featured: bool = False
) -> CatalogueEntry:
    _require_curator(curator)
    if item.status != CurationStatus.PUBLISHED:
        raise ShowcaseError("Only published items go into catalogues.")
    with transaction.atomic():
        entry, _ = CatalogueEntry.objects.update_or_create(
            catalogue=catalogue, item=item, defaults={"featured": featured, "added_by": curator}
        )
        if featured:
            ShowcaseItem.objects.filter(pk=item.pk).update(featured=True)
        record(
            "showcase.catalogue.added",
            actor=curator,
            obj=catalogue,
            data={"item": str(item.uuid), "featured": featured},
        )
    return entry


def remove_from_catalogue(catalogue: Catalogue, item: ShowcaseItem, *, curator: User) -> None:
    _require_curator(curator)
    with transaction.atomic():
        if not CatalogueEntry.objects.filter(catalogue=catalogue, item=item).delete()[0]:
            raise ShowcaseError("That item is not in this catalogue.")
        record("showcase.catalogue.removed", actor=curator, obj=catalogue, data={"item": str(item.uuid)})


# --- Invitations to apply ---------------------------------------------------------------------


def invite_to_apply(item: ShowcaseItem, *, actor: User, project: Project, message: str) -> ApplyInvitation:
    """An employer invites a contactable author to apply to one of its open projects."""
    from rung.showcase.selectors import is_public

    if not is_public(item):
        raise NotFound("No such showcase item.")
    if not item.contactable:
        raise ShowcaseError("The author chose not to be contacted through the showcase.")
    if not can_decide_for(actor, project.organisation_id):
        raise PermissionDenied("Only owners and managers of the project's organisation invite people to apply.")
    if project.status != ProjectStatus.PUBLISHED:
        raise ShowcaseError("Invite people to projects that are open for applications.", field="project")
    if Membership.objects.filter(user_id=item.author_id, organisation_id=project.organisation_id).exists():
        raise ShowcaseError("The author is a member of your organisation.")
    message = _reason(message, field="message", what="a short message")
    try:
        with transaction.atomic():
            invitation = ApplyInvitation.objects.create(item=item, project=project, invited_by=actor, message=message)
            record("showcase.invitation.sent", actor=actor, obj=item, data={"project": str(project.uuid)})
            emit("showcase.invited_to_apply", invitation_id=invitation.pk, actor_id=actor.pk)
    except IntegrityError:
        raise ShowcaseError("You already invited this author to that project.") from None
    return invitation


# --- Portfolios -------------------------------------------------------------------------------


@dataclass
class PortfolioInput:
    slug: str
    display_name: str
    headline: str = ""
    published: bool = False
    indexable: bool = False
    show_credentials: bool = True
    show_showcase: bool = True
    show_endorsements: bool = False
    show_recognitions: bool = False
    show_email: bool = False


RESERVED_SLUGS = frozenset({"edit", "new", "admin", "api", "report"})


def save_portfolio(user: User, *, data: PortfolioInput) -> Portfolio:
    """Create or change the candidate's portfolio page; nothing shows until they publish it."""
    for name in ("slug", "display_name", "headline"):
        _no_nul(getattr(data, name), field=name)
    slug = data.slug.strip().lower()
    if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])", slug) or slug in RESERVED_SLUGS:
        raise ShowcaseError(
            "Choose an address of 3 to 50 lower-case letters, digits and hyphens (not starting or ending with one).",
            field="slug",
        )
    name = data.display_name.strip()
    if not name or len(name) > 120:
        raise ShowcaseError("Give the name to show, at most 120 characters.", field="display_name")
    if len(data.headline.strip()) > 200:
        raise ShowcaseError("Keep the headline to at most 200 characters.", field="headline")
    values = {
        "slug": slug,
        "display_name": name,
        "headline": data.headline.strip(),
        "published": data.published,
        "indexable": data.indexable and data.published,
        "show_credentials": data.show_credentials,
        "show_showcase": data.show_showcase,
        "show_endorsements": data.show_endorsements,
        "show_recognitions": data.show_recognitions,
        "show_email": data.show_email,
        "updated_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            portfolio, _created = Portfolio.objects.update_or_create(user=user, defaults=values)
            record("showcase.portfolio.saved", actor=user, obj=portfolio, data={"published": portfolio.published})
    except IntegrityError:
        raise ShowcaseError("That address is taken; choose another.", field="slug") from None
    return portfolio


# --- Moderation -------------------------------------------------------------------------------


def _owner_of(kind: str, target_uuid: uuid.UUID) -> User | None:
    from rung.showcase.selectors import public_target

    target = public_target(kind, target_uuid, include_taken_down=True)
    return target.owner if target is not None else None


def report_item(kind: str, target_uuid: uuid.UUID, *, reporter: User | None, reason: str) -> Report:
    """Anyone may report a public item to staff, with a reason."""
    from rung.showcase.selectors import public_target

    if kind not in TargetKind.values or public_target(kind, target_uuid) is None:
        raise NotFound("No such public item.")
    reason = _reason(reason, what="what is wrong")
    reporter = reporter if reporter is not None and reporter.is_authenticated else None
    with transaction.atomic():
        report = Report.objects.create(target_kind=kind, target_uuid=target_uuid, reporter=reporter, reason=reason)
        record("showcase.report.opened", actor=reporter, obj=report, data={"kind": kind, "target": str(target_uuid)})
        emit("showcase.reported", report_id=report.pk)
    return report


def _move_moderation(moderation: Moderation, to: str, *, staff: User, reason: str) -> None:
    old = moderation.status
    if to not in MODERATION_TRANSITIONS[old]:
        raise ShowcaseError(
            f"An item that is “{ModerationStatus(old).label}” cannot become “{ModerationStatus(to).label}”.",
            code="bad_transition",
        )
    now = timezone.now()
    if not Moderation.objects.filter(pk=moderation.pk, status=old).update(
        status=to, reason=reason, changed_by=staff, changed_at=now
    ):
        raise ShowcaseError("This item changed a moment ago. Reload the page.", code="conflict")
    moderation.status, moderation.reason, moderation.changed_by, moderation.changed_at = to, reason, staff, now
    ModerationEvent.objects.create(moderation=moderation, from_status=old, to_status=to, actor=staff, note=reason)


def _close_reports(kind: str, target_uuid: uuid.UUID, *, to: str, staff: User, note: str) -> int:
    # Every open report of the target closes the same way; the table says an open report may.
    assert to in REPORT_TRANSITIONS[ReportStatus.OPEN]
    return Report.objects.filter(target_kind=kind, target_uuid=target_uuid, status=ReportStatus.OPEN).update(
        status=to, resolved_at=timezone.now(), resolved_by=staff, resolution_note=note[:1000]
    )


def take_down(kind: str, target_uuid: uuid.UUID, *, staff: User, reason: str) -> Moderation:
    """Hide a public item; the owner is told why. Open reports of it are closed as actioned."""
    _require_staff(staff, "take items down")
    if kind not in TargetKind.values:
        raise NotFound("No such item.")
    owner = _owner_of(kind, target_uuid)
    if owner is None:
        raise NotFound("No such item.")
    reason = _reason(reason, what="the reason (the owner is told it)")
    with transaction.atomic():
        moderation, _ = Moderation.objects.select_for_update().get_or_create(
            target_kind=kind, target_uuid=target_uuid, defaults={"owner": owner}
        )
        _move_moderation(moderation, ModerationStatus.TAKEN_DOWN, staff=staff, reason=reason)
        closed = _close_reports(kind, target_uuid, to=ReportStatus.ACTIONED, staff=staff, note=reason)
        record(
            "showcase.moderation.taken_down", actor=staff, obj=moderation, data={"reason": reason, "reports": closed}
        )
        emit("showcase.taken_down", moderation_id=moderation.pk)
    return moderation


def restore(kind: str, target_uuid: uuid.UUID, *, staff: User, note: str) -> Moderation:
    _require_staff(staff, "restore items")
    moderation = Moderation.objects.filter(target_kind=kind, target_uuid=target_uuid).first()
    if moderation is None:
        raise ShowcaseError("This item was never taken down.", code="bad_transition")
    note = _reason(note, field="note", what="a note on why it is back")
    with transaction.atomic():
        _move_moderation(moderation, ModerationStatus.VISIBLE, staff=staff, reason=note)
        record("showcase.moderation.restored", actor=staff, obj=moderation, data={"note": note})
        emit("showcase.restored", moderation_id=moderation.pk)
    return moderation


def dismiss_report(report: Report, *, staff: User, note: str) -> Report:
    _require_staff(staff, "work the moderation queue")
    if ReportStatus.DISMISSED not in REPORT_TRANSITIONS[report.status]:
        raise ShowcaseError(
            f"A report that is “{report.get_status_display()}” cannot be dismissed.", code="bad_transition"
        )
    note = _reason(note, field="note", what="a note")
    with transaction.atomic():
        if not Report.objects.filter(pk=report.pk, status=report.status).update(
            status=ReportStatus.DISMISSED, resolved_at=timezone.now(), resolved_by=staff, resolution_note=note
        ):
            raise ShowcaseError("This report changed a moment ago. Reload the page.", code="conflict")
        report.refresh_from_db()
        record("showcase.report.dismissed", actor=staff, obj=report, data={"note": note})
    return report
