import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _skip_unless_postgres(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
