"""The two OB 3.0 schema validators (jsonschema-rs for speed, python jsonschema for the wording) agree:
on credentials Rung issues, and on those credentials broken in every way Hypothesis can think of.
"""

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.credentials.models import IssuedCredential
from rung.credentials.schema import _validator, conforms, schema_errors

Path = tuple[str | int, ...]


def _paths(node: Any, here: Path = ()) -> list[Path]:
    found: list[Path] = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


def _parent(document: Any, path: Path) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


def _python_accepts(document: Any) -> bool:
    return bool(_validator().is_valid(document))


# Values a broken credential might carry: wrong types, empty things, and strings that are nearly dates.
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "2026-03-02",
            "2026-03-02T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-03-02T25:00:00Z",
            "2026-03-02 00:00:00",
            "2026-03-02T00:00:00",
            "20260302",
            "yesterday",
            "urn:uuid:not-a-uuid",
            "did:web:example.org",
            "OpenBadgeCredential",
            "Achievement",
        ]
    ),
    st.lists(st.text(max_size=5), max_size=2),
    st.just({}),
    st.just([]),
)
mutation = st.tuples(st.sampled_from(["delete", "replace", "add"]), st.integers(min_value=0), values)


def _mutate(document: dict[str, Any], steps: list[tuple[str, int, Any]]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for action, pick, value in steps:
        paths = _paths(document)
        if not paths:
            break
        path = paths[pick % len(paths)]
        parent = _parent(document, path)
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = value
        elif isinstance(parent, dict):
            parent[f"extra{pick % 3}"] = value
        else:
            parent.append(value)
    return document


def test_both_accept_what_rung_issues(issued: IssuedCredential) -> None:
    assert conforms(issued.document)
    assert _python_accepts(issued.document)
    assert schema_errors(issued.document) == []


@pytest.mark.parametrize("value", ["2026-02-30T00:00:00Z", "yesterday", "2026-03-02", "20260302T000000Z"])
def test_both_check_the_date_time_format(issued: IssuedCredential, value: str) -> None:
    document = copy.deepcopy(issued.document)
    document["validFrom"] = value
    assert not conforms(document)
    assert not _python_accepts(document)
    problems = schema_errors(document)
    assert problems
    assert problems[0].startswith("validFrom: ")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(mutation, min_size=1, max_size=3))
def test_both_accept_or_both_reject_a_mutated_credential(issued: IssuedCredential, steps: list[Any]) -> None:
    document = _mutate(issued.document, steps)
    assert conforms(document) == _python_accepts(document), steps
    # And the wording only comes when there is something to word.
    assert (schema_errors(document) == []) == conforms(document)
