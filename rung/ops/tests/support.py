"""Money on a test site: one funded project and one released milestone (the backup drill and the
worker catch-up both start from it)."""

import uuid

from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.providers import SandboxProvider
from rung.ledger.services import release_milestone, request_deposit
from rung.orgs.models import Organisation


def fund_and_release(org: Organisation, *, employer: User, intern: User) -> uuid.UUID:
    """Returns the engagement whose milestone was released."""
    project, engagement = uuid.uuid4(), uuid.uuid4()
    request_deposit(
        organisation=org,
        project_uuid=project,
        stipend_minor=100_00,
        seats=1,
        currency="EUR",
        actor=employer,
        provider=SandboxProvider(),
    )
    release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=uuid.uuid4(),
        intern=intern,
        amount_minor=60_00,
        currency="EUR",
        approved_at=timezone.now(),
    )
    return engagement
