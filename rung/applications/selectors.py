"""Reads of applications, scoped to the person asking; the blind first pass lives here."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from rung.accounts.models import User
from rung.applications.models import Application, ApplicationStatus
from rung.credentials.selectors import CredentialSummary, credentials_for_applicants
from rung.lib.errors import NotFound
from rung.orgs.models import Membership, role_can
from rung.projects.models import Project

# Until shortlisting, reviewers of a blind project see none of these.
IDENTITY_HIDDEN_UNTIL = {ApplicationStatus.SUBMITTED}


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


def my_applications(user: User) -> QuerySet[Application]:
    return Application.objects.filter(candidate=user).select_related("project", "project__organisation")


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


def applicant_cards(project: Project) -> list[ApplicantCard]:
    applications = (
        project.applications.select_related("candidate", "candidate__profile")
        .prefetch_related("candidate__profile__skills")
        .order_by("created_at")
    )
    prior = credentials_for_applicants([a.candidate for a in applications])
    cards = []
    for number, application in enumerate(applications, start=1):
        profile = getattr(application.candidate, "profile", None)
        revealed = not project.blind_review or application.status not in IDENTITY_HIDDEN_UNTIL
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
            )
        )
    return cards


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
