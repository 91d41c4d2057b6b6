"""The fast canonicalisation (one expansion, remembered contexts) gives pyld's own N-Quads byte for byte.

`canonicalize` is what signs and verifies; `canonicalize_reference` is pyld's public API alone
(expand, then normalize, which expands again, with no memory of processed contexts). Hypothesis
varies every part of the credentials Rung issues — names in any script, skills, rubrics, evidence,
stipends, several identical blank nodes (which take RDFC-1.0's slow n-degree path) — and the
official vector; the two must agree on every one, and on the same document over and over (the
remembered contexts must never leak from one document into the next).
"""

import copy
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.accounts.models import User
from rung.credentials.canon import canonicalize, canonicalize_reference
from rung.credentials.models import StatusList
from rung.credentials.services import (
    AchievementInput,
    EvidenceInput,
    RubricCriterionInput,
    RubricResultInput,
    SkillInput,
    StipendInput,
    build_credential,
)
from rung.orgs.models import Organisation

words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40)
slugs = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
urls = slugs.map(lambda s: f"https://example.org/{s}")
LEVELS = ["Beginning", "Developing", "Proficient", "Exemplary"]


@st.composite
def achievements(draw: st.DrawFn) -> AchievementInput:
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
    criteria = draw(st.lists(words, max_size=4, unique=True))
    return AchievementInput(
        name=draw(words),
        description=draw(words),
        creator=Organisation(
            name=draw(words), slug="acme", website=draw(st.sampled_from(["", "https://acme.example"]))
        ),
        activity_start=start,
        activity_end=start + timedelta(days=draw(st.integers(0, 120))),
        hours=draw(st.integers(1, 500)),
        deliverables=draw(st.lists(words, max_size=4)),
        rubric=[RubricCriterionInput(name, LEVELS) for name in criteria],
        results=[RubricResultInput(name, draw(st.sampled_from(LEVELS))) for name in criteria],
        # Repeated skills and evidence make identical blank nodes: RDFC-1.0's n-degree hashing.
        skills=draw(
            st.lists(st.builds(SkillInput, name=words, url=st.sampled_from(["", "https://esco.example/s"])), max_size=5)
        ),
        evidence=draw(st.lists(st.builds(EvidenceInput, url=urls, name=words, description=words), max_size=3)),
        stipend=draw(
            st.none()
            | st.builds(
                StipendInput,
                amount_minor=st.integers(1, 10**9),
                currency=st.sampled_from(["EUR", "GBP", "JPY", "KWD"]),
                paid_on=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
            )
        ),
        achievement_ref=draw(st.sampled_from(["", "project:x"])),
    )


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    recipient = User(email=f"{draw(slugs)}@example.org", full_name=draw(words))
    document = build_credential(
        credential_uuid=uuid.UUID(int=draw(st.integers(0, 2**128 - 1))),
        recipient=recipient,
        achievement=draw(achievements()),
        engagement_ref="engagement:x",
        issuer={"id": "did:web:rung.example", "type": ["Profile"], "name": draw(words), "url": "https://rung.example/"},
        status_list=StatusList(issuer_did="did:web:rung.example"),
        status_index=draw(st.integers(0, 131071)),
        issued_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=draw(st.integers(0, 10**8))),
        subject=draw(
            st.sampled_from(
                [
                    "urn:uuid:7b2c0e4c-4a0e-4ab2-9d2c-000000000001",
                    "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
                ]
            )
        ),
    )
    if draw(st.booleans()):
        # Two identical anonymous evidence nodes: their first-degree hashes collide.
        extra = {"type": ["Evidence"], "name": draw(words), "genre": "Approved work"}
        document["evidence"] = [*document.get("evidence", []), extra, dict(extra)]
    return document


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_the_fast_path_gives_pyld_s_n_quads_on_varied_credentials(document: dict[str, Any]) -> None:
    expected = canonicalize_reference(copy.deepcopy(document))
    assert canonicalize(copy.deepcopy(document)) == expected
    assert canonicalize(document) == expected  # and again, with every context remembered


def test_the_fast_path_gives_pyld_s_n_quads_on_the_official_vector(vector: dict[str, Any]) -> None:
    unsigned = vector["unsigned_credential"]
    assert canonicalize(unsigned) == canonicalize_reference(unsigned)


def test_remembered_contexts_do_not_carry_one_document_into_the_next(vector: dict[str, Any]) -> None:
    unsigned = vector["unsigned_credential"]
    first = canonicalize(unsigned)
    changed = copy.deepcopy(unsigned)
    changed["name"] = "Another name"
    assert canonicalize(changed) == canonicalize_reference(changed) != first
    assert canonicalize(unsigned) == first
