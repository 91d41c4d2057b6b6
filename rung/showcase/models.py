import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.audit.models import AppendOnlyModel, StatusHistory
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement
from rung.orgs.models import Organisation
from rung.profiles.models import Skill
from rung.projects.models import Project
from rung.reviews.models import SubmissionFile

# --- What the contract's IP licence allows -----------------------------------------------------


@dataclass(frozen=True)
class LicenceRule:
    """What an engagement's IP licence (from the signed contract's terms) lets the work become."""

    statement: str  # shown beside the public item
    # Who may offer the work for licence to another organisation: "intern", "employer_opt_in" or "nobody".
    licensing: str
    employer_takes_share: bool


LICENCE_RULES: dict[str, LicenceRule] = {
    "assign": LicenceRule(
        "The intellectual property was assigned to the employer; shown with the employer's consent.",
        licensing="employer_opt_in",
        employer_takes_share=True,
    ),
    "exclusive": LicenceRule(
        "The employer holds an exclusive licence; the intern owns the work and shows it with the employer's consent.",
        licensing="employer_opt_in",
        employer_takes_share=True,
    ),
    "non_exclusive": LicenceRule(
        "The intern owns the work; the employer holds a non-exclusive licence and consented to showing it.",
        licensing="intern",
        employer_takes_share=False,
    ),
    "open": LicenceRule(
        "Released under an open licence (code under MIT, everything else under CC BY 4.0), crediting the intern.",
        licensing="nobody",
        employer_takes_share=False,
    ),
}


# --- State machines, written once ---------------------------------------------------------------


class ConsentStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", "Not requested yet"
    REQUESTED = "requested", "Waiting for the employer"
    APPROVED = "approved", "Employer consented"
    DECLINED = "declined", "Employer declined"
    WITHDRAWN = "withdrawn", "Employer withdrew consent"


CONSENT_TRANSITIONS: dict[str, set[str]] = {
    ConsentStatus.NOT_REQUESTED: {ConsentStatus.REQUESTED},
    ConsentStatus.REQUESTED: {ConsentStatus.APPROVED, ConsentStatus.DECLINED},
    # After a refusal the intern may change the item and ask again.
    ConsentStatus.DECLINED: {ConsentStatus.REQUESTED},
    ConsentStatus.APPROVED: {ConsentStatus.WITHDRAWN},
    ConsentStatus.WITHDRAWN: set(),
}


class CurationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUED = "queued", "Waiting for a curator"
    SENT_BACK = "sent_back", "Sent back with notes"
    PUBLISHED = "published", "Published"
    DECLINED = "declined", "Declined by a curator"
    WITHDRAWN = "withdrawn", "Withdrawn"


CURATION_TRANSITIONS: dict[str, set[str]] = {
    CurationStatus.DRAFT: {CurationStatus.QUEUED, CurationStatus.WITHDRAWN},
    CurationStatus.QUEUED: {
        CurationStatus.PUBLISHED,
        CurationStatus.SENT_BACK,
        CurationStatus.DECLINED,
        CurationStatus.WITHDRAWN,
    },
    CurationStatus.SENT_BACK: {CurationStatus.QUEUED, CurationStatus.WITHDRAWN},
    CurationStatus.PUBLISHED: {CurationStatus.WITHDRAWN},
    CurationStatus.DECLINED: set(),
    CurationStatus.WITHDRAWN: set(),
}


class CurationDecision(models.TextChoices):
    PUBLISH = "publish", "Publish"
    FEATURE = "feature", "Feature"
    SEND_BACK = "send_back", "Send back with notes"
    DECLINE = "decline", "Decline"


# Each decision: the statuses it may be taken from and the status it leads to. Featuring a published
# item keeps it published (and adds it, featured, to a catalogue).
DECISION_RULES: dict[str, tuple[frozenset[str], str]] = {
    CurationDecision.PUBLISH: (frozenset({CurationStatus.QUEUED}), CurationStatus.PUBLISHED),
    CurationDecision.FEATURE: (frozenset({CurationStatus.QUEUED, CurationStatus.PUBLISHED}), CurationStatus.PUBLISHED),
    CurationDecision.SEND_BACK: (frozenset({CurationStatus.QUEUED}), CurationStatus.SENT_BACK),
    CurationDecision.DECLINE: (frozenset({CurationStatus.QUEUED}), CurationStatus.DECLINED),
}


class ModerationStatus(models.TextChoices):
    VISIBLE = "visible", "Visible"
    TAKEN_DOWN = "taken_down", "Taken down"


MODERATION_TRANSITIONS: dict[str, set[str]] = {
    ModerationStatus.VISIBLE: {ModerationStatus.TAKEN_DOWN},
    ModerationStatus.TAKEN_DOWN: {ModerationStatus.VISIBLE},
}


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered for licence"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"


LICENCE_TRANSITIONS: dict[str, set[str]] = {
    OfferStatus.OFFERED: {OfferStatus.PAUSED, OfferStatus.WITHDRAWN},
    OfferStatus.PAUSED: {OfferStatus.OFFERED, OfferStatus.WITHDRAWN},
    OfferStatus.WITHDRAWN: set(),
}


class ReportStatus(models.TextChoices):
    OPEN = "open", "Waiting for staff"
    ACTIONED = "actioned", "Item taken down"
    DISMISSED = "dismissed", "Dismissed: the item stays"


REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.OPEN: {ReportStatus.ACTIONED, ReportStatus.DISMISSED},
    ReportStatus.ACTIONED: set(),
    ReportStatus.DISMISSED: set(),
}


# --- Employer policy and curators -----------------------------------------------------------------


class ShowcasePolicy(models.Model):
    """What an employer allows for one project's work: confidential projects are never showcased."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="showcase_policy")
    confidential = models.BooleanField(default=False)
    licensing_opt_in = models.BooleanField(
        default=False, help_text="The employer lets interns offer this work for licence (it takes its share)"
    )
    employer_share_percent = models.PositiveSmallIntegerField(
        default=30, help_text="The employer's share of a licence price, where the contract gives it one"
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Showcase policy of {self.project_id}"


class Curator(models.Model):
    """Someone staff appointed to work the curation queue (staff are curators without a row)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curator")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Curator {self.user_id}"


class Playbook(AppendOnlyModel):
    """One version of the deployment's curation checklist. A new version is a new row."""

    version = models.PositiveIntegerField(unique=True)
    checks = models.JSONField(help_text='[{"key": …, "label": …, "guidance": …}, …]')
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Curation playbook v{self.version}"

    @property
    def keys(self) -> list[str]:
        return [str(c["key"]) for c in self.checks]


# --- Showcase items ---------------------------------------------------------------------------


class ShowcaseItem(models.Model):
    """Work an intern chose to show: one item per engagement, public once consented and curated."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=90, unique=True)
    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="showcase_item")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="showcase_items")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="showcase_items")
    credential = models.ForeignKey(
        IssuedCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="showcase_items"
    )
    title = models.CharField(max_length=120)
    summary = models.TextField(max_length=3000)
    links = models.JSONField(default=list, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="showcase_items")
    ip_licence = models.CharField(max_length=16, help_text="From the signed contract's terms")
    contactable = models.BooleanField(default=False, help_text="Employers may invite the author to apply")
    consent_status = models.CharField(max_length=14, choices=ConsentStatus.choices, default=ConsentStatus.NOT_REQUESTED)
    consent_reason = models.TextField(blank=True, max_length=1000)
    consent_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_decided_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CurationStatus.choices, default=CurationStatus.DRAFT)
    curator_notes = models.TextField(blank=True, max_length=2000, help_text="The latest send-back or decline notes")
    featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="showcase_item_status_recent")]
        constraints = [
            # Nothing is public without the employer's consent on record.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(consent_status="approved"),
                name="showcase_published_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def licence_rule(self) -> LicenceRule:
        return LICENCE_RULES[self.ip_licence]


class ShowcaseFile(models.Model):
    """A file from the intern's own submissions, chosen to show. Images need alt text."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ShowcaseItem, on_delete=models.CASCADE, related_name="files")
    submission_file = models.ForeignKey(SubmissionFile, on_delete=models.PROTECT, related_name="+")
    alt_text = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "submission_file"], name="showcase_file_once")]

    def __str__(self) -> str:
        return self.submission_file.original_name

    @property
    def is_image(self) -> bool:
        return self.submission_file.content_type.startswith("image/")


class ConsentEvent(StatusHistory):
    """Append-only history of an item's consent: requests, decisions with reasons, withdrawals."""

    item = models.ForeignKey(ShowcaseItem, on_delete=models.PROTECT, related_name="consent_events")

    subject = "item"


class ItemEvent(StatusHistory):
    """Append-only history of an item's curation status."""

    item = models.ForeignKey(ShowcaseItem, on_delete=models.PROTECT, related_name="events")

    subject = "item"


class CurationCheck(AppendOnlyModel):
    """One curator's answer to one playbook check for one item (the latest answer counts)."""

    item = models.ForeignKey(ShowcaseItem, on_delete=models.PROTECT, related_name="checks")
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=40)
    passed = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.key}: {'pass' if self.passed else 'fail'}"


class CurationRecord(AppendOnlyModel):
    """A curator's decision on an item, against the playbook version they worked to."""

    item = models.ForeignKey(ShowcaseItem, on_delete=models.PROTECT, related_name="decisions")
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=CurationDecision.choices)
    notes = models.TextField(blank=True, max_length=2000)
    catalogue = models.ForeignKey("Catalogue", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.item_id}"


# --- Catalogues -------------------------------------------------------------------------------


class CatalogueKind(models.TextChoices):
    SKILL = "skill", "By skill"
    THEME = "theme", "By theme"
    COHORT = "cohort", "By cohort"


class Catalogue(models.Model):
    """A curated collection of published items with an editorial introduction."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=8, choices=CatalogueKind.choices)
    title = models.CharField(max_length=120)
    intro = models.TextField(max_length=4000)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CatalogueEntry(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ShowcaseItem, on_delete=models.CASCADE, related_name="catalogue_entries")
    featured = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-featured", "-added_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "item"], name="showcase_entry_once")]

    def __str__(self) -> str:
        return f"{self.item_id} in {self.catalogue_id}"


class ApplyInvitation(models.Model):
    """An employer's invitation to a contactable author to apply to one of its published projects."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ShowcaseItem, on_delete=models.CASCADE, related_name="invitations")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["item", "project"], name="showcase_invite_once")]

    def __str__(self) -> str:
        return f"Invitation to apply to {self.project_id}"


# --- Licensing ----------------------------------------------------------------------------------


class LicenceOffer(models.Model):
    """A published item offered for a non-exclusive licence: a price, terms and the split of the price."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(ShowcaseItem, on_delete=models.PROTECT, related_name="licence_offer")
    price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    permitted_use = models.TextField(max_length=2000)
    attribution = models.CharField(max_length=200, help_text="How the buyer credits the work")
    author_percent = models.PositiveSmallIntegerField()
    employer_percent = models.PositiveSmallIntegerField()
    fee_percent = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(price_minor__gt=0), name="showcase_offer_priced"),
            models.CheckConstraint(
                condition=Q(author_percent__gt=0)
                & Q(author_percent=100 - models.F("employer_percent") - models.F("fee_percent")),
                name="showcase_offer_split_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Licence offer for {self.item_id}"


class OfferEvent(StatusHistory):
    offer = models.ForeignKey(LicenceOffer, on_delete=models.PROTECT, related_name="events")

    subject = "offer"


class LicencePurchase(AppendOnlyModel):
    """One organisation's licence, bought once; the signed record is what it shows to prove it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offer = models.ForeignKey(LicenceOffer, on_delete=models.PROTECT, related_name="purchases")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="showcase_licences")
    bought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    author_minor = models.BigIntegerField()
    employer_minor = models.BigIntegerField()
    fee_minor = models.BigIntegerField()
    record_text = models.TextField(help_text="The licence record as signed (canonical JSON)")
    signature = models.CharField(max_length=200, help_text="Ed25519 over record_text, base64url")
    verification_method = models.CharField(max_length=400)
    bought_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-bought_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "buyer"], name="showcase_one_licence_per_buyer"),
            models.CheckConstraint(
                condition=Q(price_minor=models.F("author_minor") + models.F("employer_minor") + models.F("fee_minor")),
                name="showcase_purchase_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Licence {self.uuid}"


# --- Portfolios -------------------------------------------------------------------------------


class Portfolio(models.Model):
    """A candidate's opt-in public page. Each section shows only if they chose it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    slug = models.SlugField(max_length=60, unique=True)
    display_name = models.CharField(max_length=120)
    headline = models.CharField(max_length=200, blank=True)
    published = models.BooleanField(default=False)
    indexable = models.BooleanField(default=False, help_text="Let search engines index the page")
    show_credentials = models.BooleanField(default=True)
    show_showcase = models.BooleanField(default=True)
    show_endorsements = models.BooleanField(default=False)
    show_recognitions = models.BooleanField(default=False)
    show_email = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Portfolio {self.slug}"


# --- Moderation -------------------------------------------------------------------------------


class TargetKind(models.TextChoices):
    ITEM = "item", "Showcase item"
    PORTFOLIO = "portfolio", "Portfolio"
    ENDORSEMENT = "endorsement", "Endorsement"


class Moderation(models.Model):
    """Whether one public thing is visible. A row exists once staff first took it down."""

    target_kind = models.CharField(max_length=12, choices=TargetKind.choices)
    target_uuid = models.UUIDField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.VISIBLE)
    reason = models.TextField(max_length=1000, blank=True, help_text="Why it was taken down (the owner is told)")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_kind", "target_uuid"], name="showcase_one_moderation_per_target")
        ]

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target_uuid}: {self.status}"


class ModerationEvent(StatusHistory):
    moderation = models.ForeignKey(Moderation, on_delete=models.PROTECT, related_name="events")

    subject = "moderation"


class Report(models.Model):
    """Anyone's report of a public item to staff."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    target_kind = models.CharField(max_length=12, choices=TargetKind.choices)
    target_uuid = models.UUIDField()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="showcase_report_status")]

    def __str__(self) -> str:
        return f"Report of {self.target_kind} {self.target_uuid} ({self.status})"
