"""Which parts of Rung a person uses: the roles behind their dashboard and navigation.

Worked out once per request (two queries) and shared by the navigation and the dashboard, so a
person with several roles sees the union of what each role needs, in one fixed order.
"""

from dataclasses import dataclass, field

from rung.accounts.models import User
from rung.applications.models import Application
from rung.orgs import selectors as org_selectors
from rung.orgs.models import Membership, OrgKind, role_can


@dataclass(frozen=True)
class Roles:
    memberships: list[Membership] = field(default_factory=list)
    has_candidate_history: bool = False
    staff: bool = False

    @property
    def employer(self) -> list[Membership]:
        return [m for m in self.memberships if m.organisation.kind == OrgKind.EMPLOYER]

    @property
    def posting(self) -> list[Membership]:
        """Employer memberships that may post projects (owners and managers)."""
        return [m for m in self.employer if role_can(m.role, "post_projects")]

    @property
    def reviewing(self) -> list[Membership]:
        return [m for m in self.employer if role_can(m.role, "review")]

    @property
    def mentoring(self) -> list[Membership]:
        """Memberships whose role is to mentor. Owners may mentor too, but it is not their job."""
        return [m for m in self.employer if m.role == "mentor"]

    @property
    def education(self) -> list[Membership]:
        return [m for m in self.memberships if m.organisation.kind == OrgKind.EDUCATION]

    @property
    def candidate(self) -> bool:
        """Everyone is a candidate unless they came for another role and have never applied."""
        return self.has_candidate_history or not (self.memberships or self.staff)

    @property
    def labels(self) -> list[str]:
        """The roles in the order the dashboard shows them, for a one-line summary."""
        found = [
            ("Employer", bool(self.posting)),
            ("Reviewer", bool(self.reviewing) and not self.posting),
            ("Mentor", bool(self.mentoring)),
            ("Education partner", bool(self.education)),
            ("Candidate", self.candidate),
            ("Staff", self.staff),
        ]
        return [label for label, present in found if present]


def roles_for(user: User) -> Roles:
    if not user.is_authenticated:
        return Roles()
    memberships = list(org_selectors.memberships_for_user(user).select_related("organisation"))
    # Every engagement starts from an application, so one EXISTS covers both.
    history = Application.objects.filter(candidate=user).exists() if memberships or user.is_staff else False
    return Roles(memberships=memberships, has_candidate_history=history, staff=user.is_staff)
