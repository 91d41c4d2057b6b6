from rung.applications.tests.conftest import candidate, reviewer_membership  # noqa: F401
from rung.engagements.tests.conftest import engagement  # noqa: F401
from rung.projects.tests.conftest import draft, owner_membership, published, sandbox_payments  # noqa: F401
