"""Demo conversations: the intern, the reviewer and the mentor talking on an engagement, and a
candidate's question about an open project, written through the real messaging services."""

from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.messaging import services
from rung.messaging.models import Conversation
from rung.orgs.models import Membership, Role
from rung.projects.models import Project, ProjectStatus


def build_conversations(maya: User, asker: User) -> None:
    if Conversation.objects.exists():
        return  # already built by an earlier run
    engagement = (
        Engagement.objects.filter(candidate=maya, project__organisation__slug="northwind-analytics")
        .select_related("project")
        .order_by("created_at")
        .first()
    )
    if engagement is not None:
        org_id = engagement.project.organisation_id
        reviewer = Membership.objects.filter(organisation_id=org_id, role=Role.REVIEWER).select_related("user").first()
        services.send_engagement_message(
            engagement, sender=maya, body="Hello! Is there a data dictionary for the survey columns?"
        )
        if reviewer is not None:
            services.send_engagement_message(
                engagement,
                sender=reviewer.user,
                body="Yes: it is the second sheet of the workbook. Ask here whenever something is unclear.",
            )
        if engagement.mentor is not None:
            services.send_engagement_message(
                engagement, sender=engagement.mentor, body="Shall we do our first check-in on Thursday at 16:00?"
            )
    project = Project.objects.filter(status=ProjectStatus.PUBLISHED).exclude(engagements__candidate=asker).first()
    if project is not None and asker.pk != maya.pk:
        services.ask_question(project, candidate=asker, body="Could the hours be spread over three weeks?")
