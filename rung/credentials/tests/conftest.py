"""Shared fixtures for the credential tests: the official OB 3.0 vector, a scratch key file, a candidate
(dana) and the credential Rung issues her for a micro-internship at Acme."""

import copy
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import make_user
from rung.accounts.models import User
from rung.credentials import keys as keystore
from rung.credentials.models import IssuedCredential
from rung.credentials.services import (
    AchievementInput,
    EvidenceInput,
    RubricCriterionInput,
    RubricResultInput,
    SkillInput,
    StipendInput,
    issue_credential,
)
from rung.credentials.tests.support import fixture_json
from rung.orgs.models import Organisation


@pytest.fixture(scope="session")
def _vector() -> dict[str, Any]:
    vector: dict[str, Any] = fixture_json("ob3-eddsa-rdfc-2022-vector.json")
    return vector


@pytest.fixture
def vector(_vector: dict[str, Any]) -> dict[str, Any]:
    # A fresh copy per test, so a test that mutates it cannot leak into another.
    return copy.deepcopy(_vector)


@pytest.fixture
def vector_key(vector: dict[str, Any]) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["private_key_seed_hex"]))


@pytest.fixture
def unsigned(vector: dict[str, Any]) -> dict[str, Any]:
    credential: dict[str, Any] = vector["unsigned_credential"]
    return credential


# --- issuing: keys in a scratch file, a candidate, an achievement ----------------------------------

TEST_PASSPHRASE = "a passphrase only the tests know"


@pytest.fixture(scope="session")
def _template_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # scrypt is slow on purpose: derive once per session, then every test gets a copy of the file.
    path = tmp_path_factory.mktemp("keys") / "template.json"
    keystore._create_first(path, TEST_PASSPHRASE)
    return path


@pytest.fixture(autouse=True)
def key_file(settings: Any, tmp_path: Path, _template_key_file: Path) -> Path:
    """Every credential test signs with a key in its own scratch file, never a real one."""
    path = tmp_path / "credentials-keys.json"
    shutil.copyfile(_template_key_file, path)
    settings.CREDENTIALS_KEY_FILE = path
    settings.CREDENTIALS_KEY_PASSPHRASE = TEST_PASSPHRASE
    settings.CREDENTIALS_AUTO_GENERATE_KEY = False
    settings.CREDENTIALS_DID_METHOD = "web"
    settings.SITE_URL = "http://testserver"
    return path


@pytest.fixture
def dana(db: None) -> User:
    """The candidate: completed a micro-internship at Acme."""
    return make_user("dana@student.example", "Dana Candidate")


def make_achievement(org: Organisation, **changes: Any) -> AchievementInput:
    fields: dict[str, Any] = {
        "name": "Sales dashboard micro-internship",
        "description": "Built a sales dashboard from raw CRM exports in two weeks.",
        "creator": org,
        "activity_start": date(2026, 3, 2),
        "activity_end": date(2026, 3, 13),
        "hours": 40,
        "deliverables": ["A cleaned data set", "A dashboard with five charts", "A short write-up"],
        "rubric": [
            RubricCriterionInput("Data quality", ["Beginning", "Developing", "Proficient", "Exemplary"]),
            RubricCriterionInput("Communication", ["Beginning", "Developing", "Proficient", "Exemplary"]),
        ],
        "results": [RubricResultInput("Data quality", "Exemplary"), RubricResultInput("Communication", "Proficient")],
        "skills": [SkillInput("SQL"), SkillInput("Data visualisation", url="https://esco.example/skill/dataviz")],
        "evidence": [EvidenceInput("https://github.example/dana/sales-dashboard", "The dashboard's code")],
        "stipend": StipendInput(amount_minor=80000, currency="EUR", paid_on=date(2026, 3, 16)),
        "achievement_ref": "project:sales-dashboard",
    }
    fields.update(changes)
    return AchievementInput(**fields)


@pytest.fixture
def achievement(org: Organisation) -> AchievementInput:
    return make_achievement(org)


@pytest.fixture
def issue(dana: User, org: Organisation) -> Callable[..., IssuedCredential]:
    counter = iter(range(1, 10_000))

    def make(recipient: User | None = None, **changes: Any) -> IssuedCredential:
        return issue_credential(
            recipient=recipient or dana,
            achievement=make_achievement(org, **changes),
            engagement_ref=f"engagement:test-{next(counter)}",
            issued_by=None,
        )

    return make


@pytest.fixture
def issued(issue: Callable[..., IssuedCredential]) -> IssuedCredential:
    return issue()
