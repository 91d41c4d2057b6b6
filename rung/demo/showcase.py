"""The demo's showcase: Maya's finished work, consented by her employer and featured by a curator in a
catalogue, then offered for licence and bought by another employer (the royalties paid through the
ledger), all through the showcase services."""

from rung.accounts.models import User
from rung.engagements.models import Engagement, EngagementStatus
from rung.ledger.providers import SandboxProvider
from rung.orgs.models import Membership, Organisation, Role
from rung.showcase import licensing, services
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
    _sell_a_licence(item, author=maya, employer_owner=owner)


def _sell_a_licence(item: ShowcaseItem, *, author: User, employer_owner: User) -> None:
    """The employer opts the project in to licensing (where the contract leaves it the rights), Maya
    offers the work, and Greenleaf Studio buys a licence; its balance is topped up by the sandbox
    payment provider (a named fake), and the sale pays Maya's royalty, Northwind's share and the fee."""
    project = item.engagement.project
    if licensing.employer_percent_for(item) is None and item.licence_rule.licensing == "employer_opt_in":
        services.set_project_policy(project, actor=employer_owner, confidential=False, licensing_opt_in=True)
    buyer = Organisation.objects.filter(email_domain="greenleaf.example").first()
    buyer_owner = Membership.objects.filter(organisation=buyer, role=Role.OWNER).select_related("user").first()
    if licensing.employer_percent_for(item) is None or buyer is None or buyer_owner is None:
        return
    offer = licensing.offer_licence(
        item,
        author=author,
        price="150.00",
        currency=project.currency,
        permitted_use="Adapt the guide for your own API's documentation and use it in internal training.",
        attribution=f"{author.full_name}, through Rung",
    )
    licensing.buy_licence(offer, buyer=buyer, actor=buyer_owner.user, provider=SandboxProvider())
