"""Reads of applications, scoped to the person asking; the blind first pass lives here."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from rung.accounts.models import User
from rung.applications.models import Application, ApplicationEvent, ApplicationNote, ApplicationStatus
from rung.credentials.selectors import CredentialSummary, credentials_for_applicants
from rung.lib.errors import NotFound
from rung.orgs.models import Membership, role_can
from rung.profiles.models import CandidateProfile
from rung.projects.models import Project


@dataclass(frozen=True)
class ApplicantCard:
    """What a reviewer sees of one applicant."""

    uuid: str
    label: str
    revealed: bool
    name: str | None
    email: str | None
    institution: str | None
    headline: str
    skills: list[str]
    answers: list[tuple[str, str]]
    note: str
    availability_clash: bool
    status: str
    status_label: str
    applied_at: datetime
    # Credit for prior short work: Rung credentials and imported ones, marked verified or not.
    prior_work: list[str] = field(default_factory=list)
    # Only once identity is revealed (shortlisted), and only if the candidate has one.
    photo_url: str = ""
    photo_alt: str = ""
    bio: str = ""
    links: list[str] = field(default_factory=list)
    hours_per_week: int | None = None
    availability: list[str] = field(default_factory=list)
    # The employer's private notes: this card is only ever built for the organisation's reviewers.
    private_notes: list["PrivateNote"] = field(default_factory=list)


@dataclass(frozen=True)
class PrivateNote:
    author: str
    body: str
    created_at: datetime


def my_applications(user: User) -> QuerySet[Application]:
    # The engagement (a reverse one-to-one) comes in the same query: accepted offers link to it.
    return Application.objects.filter(candidate=user).select_related("project", "project__organisation", "engagement")


def get_own_application(user: User, application_uuid: str) -> Application:
    application = my_applications(user).filter(uuid=application_uuid).first()
    if application is None:
        raise NotFound("No such application.")
    return application


def reviewer_membership(user: User, project: Project) -> Membership:
    membership = Membership.objects.filter(user=user, organisation=project.organisation).first()
    if membership is None or not role_can(membership.role, "review"):
        raise NotFound("No such project.")
    return membership


def get_application_for_reviewer(user: User, application_uuid: str) -> tuple[Application, Membership]:
    application = (
        Application.objects.select_related("project", "project__organisation", "candidate")
        .filter(uuid=application_uuid)
        .first()
    )
    if application is None:
        raise NotFound("No such application.")
    try:
        return application, reviewer_membership(user, application.project)
    except NotFound:
        raise NotFound("No such application.") from None


def _prior_work(summaries: list[CredentialSummary]) -> list[str]:
    """Credit for prior short work: Rung's own credentials and verified imports, named plainly."""
    lines = []
    for c in summaries:
        if c.revoked:
            continue
        by = f" for {c.creator_name}" if c.creator_name else ""
        status = "verified" if c.verified else "not verified"
        source = "Rung" if c.source == "rung" else f"imported, issued by {c.issuer_name}"
        lines.append(f"{c.name}{by} ({status}; {source})")
    return lines


# Statuses only reachable through the shortlist (an offer needs a shortlisted candidate).
_SHORTLISTED_OR_LATER = {
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.EXPIRED,
}
APPLICANTS_PAGE_SIZE = 25


@dataclass(frozen=True)
class ApplicantPage:
    cards: list[ApplicantCard]
    page: int
    pages: int
    count: int

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _is_revealed(project: Project, application: Application) -> bool:
    """Identity shows once a reviewer shortlisted the person, and stays shown for the record. Anyone
    declined, withdrawn or closed from the blind pass stays anonymous for good."""
    if not project.blind_review:
        return True
    return application.status in _SHORTLISTED_OR_LATER or bool(getattr(application, "was_shortlisted", False))


def may_see_candidate_photo(viewer: User, candidate: User) -> bool:
    """The candidate, staff, and members (not viewers) of an organisation that shortlisted them for
    one of its projects. Nobody else: the photo is part of the identity a blind pass hides."""
    if viewer.pk == candidate.pk or viewer.is_staff:
        return True
    shortlisted_once = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), to_status=ApplicationStatus.SHORTLISTED
    )
    member_orgs = Membership.objects.filter(user=viewer).exclude(role="viewer").values("organisation_id")
    return (
        Application.objects.filter(candidate=candidate, project__organisation_id__in=member_orgs)
        .filter(Q(status__in=_SHORTLISTED_OR_LATER) | Exists(shortlisted_once))
        .exists()
    )


def _shortlisted(application: Application) -> bool:
    return application.status in _SHORTLISTED_OR_LATER or bool(getattr(application, "was_shortlisted", False))


def _photo_url(profile: CandidateProfile | None) -> str:
    if profile is None or not profile.photo:
        return ""
    return reverse("applications:candidate_photo", args=[profile.uuid])


def _windows(profile: CandidateProfile | None) -> list[str]:
    if profile is None:
        return []
    return [f"{w.starts_on:%d %b %Y} – {w.ends_on:%d %b %Y}" for w in profile.windows.all()]


def applicant_page(project: Project, *, page: int = 1, page_size: int | None = None) -> ApplicantPage:
    """One page of the project's applicants, oldest first, in a fixed number of queries.

    "Applicant N" numbers follow the order of application across pages, so a number means the
    same person on every page.
    """
    page_size = page_size or APPLICANTS_PAGE_SIZE
    base = project.applications.all()
    count = base.count()
    pages = max(1, -(-count // page_size))
    page = min(max(1, page), pages)
    offset = (page - 1) * page_size
    shortlisted_once = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), to_status=ApplicationStatus.SHORTLISTED
    )
    applications = list(
        base.select_related("candidate", "candidate__profile")
        .annotate(was_shortlisted=Exists(shortlisted_once))
        .prefetch_related(
            "candidate__profile__skills",
            "candidate__profile__windows",
            Prefetch("private_notes", queryset=ApplicationNote.objects.select_related("author")),
        )
        .order_by("created_at", "id")[offset : offset + page_size]
    )
    prior = credentials_for_applicants([a.candidate for a in applications])
    cards = []
    for number, application in enumerate(applications, start=offset + 1):
        profile: CandidateProfile | None = getattr(application.candidate, "profile", None)
        revealed = _is_revealed(project, application)
        cards.append(
            ApplicantCard(
                uuid=str(application.uuid),
                label=application.candidate.full_name if revealed else f"Applicant {number}",
                revealed=revealed,
                name=application.candidate.full_name if revealed else None,
                email=application.candidate.email if revealed else None,
                institution=(profile.institution or None) if (revealed and profile) else None,
                headline=profile.headline if profile else "",
                skills=[s.name for s in profile.skills.all()] if profile else [],
                answers=list(zip(project.screening_questions, application.answers, strict=False)),
                note=application.note,
                availability_clash=application.availability_clash,
                status=application.status,
                status_label=application.get_status_display(),
                applied_at=application.created_at,
                prior_work=_prior_work(prior[application.candidate_id]),
                # A bio and links can name the person: shown with the rest of the identity.
                bio=(profile.bio if profile else "") if revealed else "",
                links=list(profile.links) if (revealed and profile) else [],
                hours_per_week=profile.hours_per_week if profile else None,
                availability=_windows(profile),
                photo_url=_photo_url(profile) if _shortlisted(application) else "",
                photo_alt=profile.photo_alt if (profile and _shortlisted(application)) else "",
                private_notes=[
                    PrivateNote(
                        author=n.author.full_name if n.author else "A former member",
                        body=n.body,
                        created_at=n.created_at,
                    )
                    for n in application.private_notes.all()
                ],
            )
        )
    return ApplicantPage(cards=cards, page=page, pages=pages, count=count)


def applicant_cards(project: Project) -> list[ApplicantCard]:
    """Every applicant of the project (the first page of a very large list)."""
    return applicant_page(project, page_size=1000).cards


# Applications still waiting for the employer's answer (an offer is the employer's answer).
UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED)


def projects_awaiting_decisions(user: User) -> QuerySet[Project]:
    """For a reviewer's queue: projects of their organisations with applicants still waiting for
    an answer, annotated with how many, the soonest decision deadline first."""
    org_ids = [
        m.organisation_id
        for m in Membership.objects.filter(user=user).only("organisation_id", "role")
        if role_can(m.role, "review")
    ]
    return (
        Project.objects.filter(organisation_id__in=org_ids, applications__status__in=UNDECIDED)
        .annotate(undecided=Count("applications", filter=Q(applications__status__in=UNDECIDED)))
        .select_related("organisation")
        .order_by("application_deadline", "pk")
    )


def applications_for_staff(query: str = "") -> QuerySet[Application]:
    """Staff find any application by the candidate's e-mail or name, the project or the employer."""
    applications = Application.objects.select_related("candidate", "project", "project__organisation")
    query = query.strip()
    if query:
        applications = applications.filter(
            Q(candidate__email__icontains=query)
            | Q(candidate__full_name__icontains=query)
            | Q(project__title__icontains=query)
            | Q(project__organisation__name__icontains=query)
        )
    return applications.order_by("-created_at", "-pk")
