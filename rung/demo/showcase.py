"""The demo's showcase: Maya's finished work, consented by her employer and featured by a curator in a
catalogue, all through the showcase services."""

from rung.accounts.models import User
from rung.engagements.models import Engagement, EngagementStatus
from rung.orgs.models import Membership
from rung.showcase import services
from rung.showcase.models import Catalogue, ShowcaseItem

CATALOGUE_TITLE = "Data for good"
INTRO = (
    "Short projects in which interns helped charities and small teams see what their data says: "
    "cleaned datasets, clear charts and honest notes on what the numbers cannot tell."
)


def build_showcase(maya: User, staff: User) -> None:
    engagement = (
        Engagement.objects.filter(candidate=maya, status=EngagementStatus.COMPLETED)
        .select_related("project")
        .order_by("completed_at")
        .first()
    )
    if engagement is None or ShowcaseItem.objects.filter(engagement=engagement).exists():
        return
    owner = Membership.objects.get(organisation_id=engagement.project.organisation_id, role="owner").user
    skills = [s.slug for s in engagement.project.skills.all()[:3]]
    item = services.create_item(
        engagement,
        author=maya,
        data=services.ItemInput(
            title=engagement.project.title,
            summary=(
                "What I delivered in two weeks: the data cleaned and documented, the trend charted, "
                "and a one-page note for the trustees on what to measure next."
            ),
            links=["https://portfolio.example/work"],
            skills=skills,
            contactable=True,
        ),
    )
    services.request_consent(item, author=maya)
    services.decide_consent(item, actor=owner, approve=True)
    for key in services.current_playbook().keys:
        services.record_check(item, curator=staff, key=key, passed=True)
    catalogue = Catalogue.objects.filter(title=CATALOGUE_TITLE).first() or services.create_catalogue(
        curator=staff, kind="theme", title=CATALOGUE_TITLE, intro=INTRO
    )
    services.decide_item(item, curator=staff, decision="feature", catalogue=catalogue)
