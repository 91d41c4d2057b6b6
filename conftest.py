"""Personas shared by every test: an owner, a member and an outsider (and staff).

alice owns Acme (a verified employer), bob is a reviewer there, charlie is an outsider with
no membership anywhere, and sam is Rung staff. Every view and endpoint is tested for charlie.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rung.accounts.models import User
from rung.accounts.services import create_api_token
from rung.lib import events
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification

PASSWORD = "correct horse battery staple"


def make_user(email: str, full_name: str, *, staff: bool = False, verified: bool = True) -> User:
    return User.objects.create_user(
        email,
        PASSWORD,
        full_name=full_name,
        is_staff=staff,
        email_verified_at=timezone.now() if verified else None,
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres_only are skipped, with the reason, when the suite runs on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, real concurrent connections, triggers)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _reseed_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests empty every table afterwards, taking the data that migrations seed (the
    skill vocabulary, the library rubrics) with them; put it back for the transactional tests that
    follow, instead of serialized_rollback, which clashes with content types on PostgreSQL."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module in (
        "rung.profiles.migrations.0002_seed_skills",
        "rung.projects.migrations.0002_rubric_library",
        "rung.projects.migrations.0007_template_catalogue",
        "rung.mentoring.migrations.0002_protocol_and_training",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate-limit and log-in-throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    # Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice@acme.example", "Alice Owner")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob@acme.example", "Bob Reviewer")


@pytest.fixture
def charlie(db: None) -> User:
    return make_user("charlie@elsewhere.example", "Charlie Outsider")


@pytest.fixture
def sam(db: None) -> User:
    return make_user("sam@rung.example", "Sam Staff", staff=True)


@pytest.fixture
def org(alice: User, bob: User) -> Organisation:
    acme = Organisation.objects.create(
        name="Acme Analytics",
        slug="acme",
        kind=OrgKind.EMPLOYER,
        email_domain="acme.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    Membership.objects.create(organisation=acme, user=alice, role=Role.OWNER)
    Membership.objects.create(organisation=acme, user=bob, role=Role.REVIEWER)
    return acme


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db: None) -> Callable[[User], Client]:
    """A client that authenticates to the API with a personal token, as a script would."""

    def make(user: User) -> Client:
        # Every scope: tests of other apps are about their rules, not about token scopes.
        _, raw = create_api_token(user, name="test", scopes=["read", "write", "money", "credentials"])
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def events_committed(monkeypatch: pytest.MonkeyPatch) -> Callable[[], AbstractContextManager[None]]:
    """`with events_committed(): service(...)` delivers the domain events the block emits when it
    ends, as if its transaction had committed, and nothing else: other on-commit work (mail,
    payouts) stays queued as usual. For tests of a subscriber's effect beside state that a full
    `django_capture_on_commit_callbacks(execute=True)` would move on (a payout paying out)."""

    @contextmanager
    def committed() -> Iterator[None]:
        queued: list[Callable[[], object]] = []

        class _Transaction:
            @staticmethod
            def on_commit(func: Callable[[], object], robust: bool = False) -> None:
                queued.append(func)

        with monkeypatch.context() as patch:
            patch.setattr(events, "transaction", _Transaction)
            yield
        for func in queued:
            func()

    return committed
