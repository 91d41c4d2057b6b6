"""Reads of the showcase, scoped to the person asking. What is public is decided in one place:
`public_items()` (published, consented, not taken down, project not confidential)."""

import uuid
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from rung.accounts.models import User
from rung.credentials.models import IssuedCredential
from rung.lib.errors import NotFound
from rung.orgs.models import Membership
from rung.profiles.models import CandidateProfile
from rung.recognition.models import Endorsement
from rung.reviews.models import Review, SubmissionFile
from rung.showcase.models import (
    Catalogue,
    CatalogueEntry,
    ConsentStatus,
    CurationStatus,
    Moderation,
    ModerationStatus,
    Portfolio,
    Report,
    ReportStatus,
    ShowcaseItem,
    ShowcasePolicy,
    TargetKind,
)
from rung.showcase.services import can_decide_for, is_curator

__all__ = ["can_decide_for", "is_curator"]


def _taken_down(kind: str) -> Exists:
    return Exists(
        Moderation.objects.filter(target_kind=kind, target_uuid=OuterRef("uuid"), status=ModerationStatus.TAKEN_DOWN)
    )


def public_items() -> QuerySet[ShowcaseItem]:
    """Everything an outsider may see: published with consent, not taken down, project not confidential."""
    confidential = Exists(
        ShowcasePolicy.objects.filter(project_id=OuterRef("engagement__project_id"), confidential=True)
    )
    return (
        ShowcaseItem.objects.filter(status=CurationStatus.PUBLISHED, consent_status=ConsentStatus.APPROVED)
        .exclude(_taken_down(TargetKind.ITEM))
        .exclude(confidential)
    )


def is_public(item: ShowcaseItem) -> bool:
    return public_items().filter(pk=item.pk).exists()


def is_taken_down(kind: str, target_uuid: uuid.UUID) -> bool:
    return Moderation.objects.filter(
        target_kind=kind, target_uuid=target_uuid, status=ModerationStatus.TAKEN_DOWN
    ).exists()


def search_public_items(
    *, q: str = "", skill: str = "", organisation: str = "", featured: bool = False
) -> QuerySet[ShowcaseItem]:
    items = public_items().select_related("organisation", "author", "credential")
    q = q.strip()[:100]
    if q:
        items = items.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(skills__name__icontains=q)).distinct()
    if skill:
        items = items.filter(skills__slug=skill)
    if organisation:
        items = items.filter(organisation__slug=organisation)
    if featured:
        items = items.filter(featured=True)
    return items.prefetch_related("skills").order_by("-featured", "-published_at", "-id")


def get_item_for_user(user: User | None, slug: str) -> ShowcaseItem:
    """Public items for anyone; an unpublished one only for its author, the employer's members and curators."""
    item = (
        ShowcaseItem.objects.select_related("organisation", "author", "engagement__project", "credential")
        .filter(slug=slug)
        .first()
    )
    if item is None:
        raise NotFound("No such showcase item.")
    if is_public(item):
        return item
    if user is not None and user.is_authenticated:
        if item.author_id == user.pk or is_curator(user):
            return item
        if Membership.objects.filter(user=user, organisation_id=item.organisation_id).exists():
            return item
    raise NotFound("No such showcase item.")


def items_for_author(user: User) -> QuerySet[ShowcaseItem]:
    return ShowcaseItem.objects.filter(author=user).select_related("organisation").order_by("-updated_at", "-id")


def consent_requests_for(user: User) -> QuerySet[ShowcaseItem]:
    """Items waiting for the consent of an organisation the user decides for (owner or manager)."""
    org_ids = Membership.objects.filter(user=user, role__in=["owner", "manager"]).values("organisation_id")
    return (
        ShowcaseItem.objects.filter(organisation_id__in=org_ids)
        .exclude(consent_status=ConsentStatus.NOT_REQUESTED)
        .select_related("author", "organisation", "engagement__project")
        .order_by(
            # Waiting requests first.
            Coalesce(F("consent_decided_at"), F("created_at")).desc(),
        )
    )


def waiting_consent_count(user: User) -> int:
    """How many consent requests wait for this person's decision (the dashboard's figure)."""
    return consent_requests_for(user).filter(consent_status=ConsentStatus.REQUESTED).count()


def curation_queue() -> QuerySet[ShowcaseItem]:
    return (
        ShowcaseItem.objects.filter(status=CurationStatus.QUEUED)
        .select_related("author", "organisation", "engagement__project")
        .order_by("queued_at", "id")
    )


@dataclass(frozen=True)
class RubricResult:
    reviews: int
    points: int
    max_points: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.points / self.max_points) if self.max_points else None


def rubric_result(item: ShowcaseItem) -> RubricResult:
    """The approving reviews' rubric points for the engagement: the quality check reads this."""
    row = Review.objects.filter(submission__milestone__engagement_id=item.engagement_id, decision="approve").aggregate(
        n=Count("id"), points=Coalesce(Avg("points"), 0.0), max_points=Coalesce(Avg("max_points"), 0.0)
    )
    return RubricResult(reviews=row["n"], points=round(row["points"]), max_points=round(row["max_points"]))


def submission_files_for(item_or_engagement_id: int) -> QuerySet[SubmissionFile]:
    """The files an intern may choose from: their own submissions to the engagement."""
    return SubmissionFile.objects.filter(
        submission__milestone__engagement_id=item_or_engagement_id,
        submission__submitted_by=F("submission__milestone__engagement__candidate"),
    ).order_by("submission__milestone__position", "-submission__version", "id")


# --- Catalogues -------------------------------------------------------------------------------


def public_catalogues() -> QuerySet[Catalogue]:
    return (
        Catalogue.objects.filter(public=True)
        .annotate(item_count=Count("entries", filter=Q(entries__item__in=public_items().values("pk"))))
        .select_related("skill")
        .order_by("title")
    )


def get_catalogue(user: User | None, slug: str) -> Catalogue:
    catalogue = Catalogue.objects.select_related("skill").filter(slug=slug).first()
    if catalogue is None or (not catalogue.public and not (user is not None and is_curator(user))):
        raise NotFound("No such catalogue.")
    return catalogue


def catalogue_entries(catalogue: Catalogue, *, q: str = "", skill: str = "") -> QuerySet[ShowcaseItem]:
    items = search_public_items(q=q, skill=skill).filter(catalogue_entries__catalogue=catalogue)
    featured = Exists(CatalogueEntry.objects.filter(catalogue=catalogue, item=OuterRef("pk"), featured=True))
    return items.annotate(in_catalogue_featured=featured).order_by("-in_catalogue_featured", "-published_at", "-id")


# --- Portfolios -------------------------------------------------------------------------------


def get_public_portfolio(slug: str) -> Portfolio:
    portfolio = Portfolio.objects.select_related("user").filter(slug=slug, published=True).first()
    if portfolio is None or is_taken_down(TargetKind.PORTFOLIO, portfolio.uuid):
        raise NotFound("No such portfolio.")
    return portfolio


def portfolio_photo(portfolio: Portfolio) -> CandidateProfile | None:
    """The candidate's profile, when they have a photo and chose to show it on the portfolio."""
    return CandidateProfile.objects.filter(user=portfolio.user, photo_on_portfolio=True).exclude(photo="").first()


def portfolio_credentials(portfolio: Portfolio) -> QuerySet[IssuedCredential]:
    """The candidate's credentials that are not revoked (their public verification pages)."""
    return IssuedCredential.objects.filter(recipient=portfolio.user, revocation__isnull=True).order_by("-issued_at")


def portfolio_items(portfolio: Portfolio) -> QuerySet[ShowcaseItem]:
    return public_items().filter(author=portfolio.user).select_related("organisation").order_by("-published_at")


def portfolio_endorsements(portfolio: Portfolio) -> list[dict[str, object]]:
    """The endorsements the candidate shows (active, not hidden by them, not taken down by staff)."""
    from rung.recognition.selectors import capacity_words, endorsements_for_portfolio

    endorsements = endorsements_for_portfolio(portfolio.user).exclude(_taken_down(TargetKind.ENDORSEMENT))
    return [
        {
            "uuid": e.uuid,
            "endorser": e.endorser.full_name or "Someone",
            "capacity": capacity_words(e),
            "statement": e.statement,
            "credential_uuid": e.credential.uuid if e.credential else None,
        }
        for e in endorsements.order_by("-created_at")[:50]
    ]


def portfolio_recognitions(portfolio: Portfolio) -> list[dict[str, object]]:
    """The candidate's awards from finalised nomination rounds, each with its Award credential."""
    from rung.recognition.selectors import awards_for_portfolio

    return [
        {"title": n.round.title, "credential_uuid": n.award.uuid if n.award else None}
        for n in awards_for_portfolio(portfolio.user)[:50]
    ]


# --- Moderation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str
    uuid: uuid.UUID
    title: str
    owner: User
    url_name: str
    url_arg: str


def public_target(kind: str, target_uuid: uuid.UUID, *, include_taken_down: bool = False) -> Target | None:
    """The public thing a report or take-down names, or None when it is not public."""
    if kind == TargetKind.ITEM:
        items = ShowcaseItem.objects.all() if include_taken_down else public_items()
        item = items.select_related("author").filter(uuid=target_uuid).first()
        if item is None:
            return None
        return Target(kind, item.uuid, item.title, item.author, "showcase:item", item.slug)
    if kind == TargetKind.PORTFOLIO:
        portfolio = Portfolio.objects.select_related("user").filter(uuid=target_uuid).first()
        if portfolio is None or not portfolio.published:
            return None
        if not include_taken_down and is_taken_down(kind, portfolio.uuid):
            return None
        return Target(
            kind, portfolio.uuid, portfolio.display_name, portfolio.user, "showcase:portfolio", portfolio.slug
        )
    if kind == TargetKind.ENDORSEMENT:
        from rung.recognition.selectors import endorsements_for_portfolio

        endorsement = Endorsement.objects.select_related("intern").filter(uuid=target_uuid).first()
        if endorsement is None:
            return None
        # Public means: shown on a published portfolio (active, not hidden by the intern).
        shown = endorsements_for_portfolio(endorsement.intern).filter(pk=endorsement.pk).exists()
        on_portfolio = Portfolio.objects.filter(user=endorsement.intern, published=True, show_endorsements=True)
        portfolio = on_portfolio.first()
        if portfolio is None or not shown:
            return None
        if not include_taken_down and is_taken_down(kind, endorsement.uuid):
            return None
        title = f"Endorsement of {portfolio.display_name}"
        return Target(kind, endorsement.uuid, title, endorsement.intern, "showcase:portfolio", portfolio.slug)
    return None


def moderation_queue(*, show_all: bool = False) -> QuerySet[Report]:
    reports = Report.objects.select_related("reporter", "resolved_by")
    if not show_all:
        reports = reports.filter(status=ReportStatus.OPEN)
    return reports.order_by("created_at" if not show_all else "-created_at", "id")


def taken_down_items() -> QuerySet[Moderation]:
    return Moderation.objects.filter(status=ModerationStatus.TAKEN_DOWN).select_related("owner").order_by("-changed_at")
