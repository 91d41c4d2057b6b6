"""The compiled OB 3.0 schema check (jsonschema-rs) and python-jsonschema agree on every document.

schema_errors trusts the compiled validator's "conforms" and asks python-jsonschema for the
plain-words messages only when it does not, so the two must accept and refuse the same documents:
Hypothesis takes credentials as Rung issues them and breaks them (a key removed, a value replaced
by other JSON, anywhere in the tree).
"""

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.credentials.schema import _fast_validator, _validator, schema_errors
from rung.credentials.tests.test_canon_fast import credentials

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30) | st.sampled_from(["2026-01-01T00:00:00Z", "x:y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*path, index))
    return found


@st.composite
def broken_credentials(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(credentials()))
    for _ in range(draw(st.integers(0, 3))):
        places = [p for p in _places(document) if p]
        path = draw(st.sampled_from(places))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return document


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_credentials())
def test_both_validators_accept_or_both_refuse(document: dict[str, Any]) -> None:
    slow_ok = not list(_validator().iter_errors(document))
    assert _fast_validator().is_valid(document) == slow_ok
    assert (schema_errors(document) == []) == slow_ok


def test_a_refusal_still_says_where_and_what(vector: dict[str, Any]) -> None:
    document = copy.deepcopy(vector["unsigned_credential"])
    document["credentialSubject"]["type"] = 7
    problems = schema_errors(document)
    assert problems
    assert problems[0].startswith("credentialSubject.type: ")
