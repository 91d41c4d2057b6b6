"""Both OB 3.0 schema validators check the date-time format (test_schema_agree.py checks they agree in
general; this one makes sure a malformed date is refused by both, not merely by neither).
"""

import copy

import pytest

from rung.credentials.models import IssuedCredential
from rung.credentials.schema import _fast_validator, _validator, schema_errors


def test_both_accept_what_rung_issues(issued: IssuedCredential) -> None:
    assert _fast_validator().is_valid(issued.document)
    assert _validator().is_valid(issued.document)
    assert schema_errors(issued.document) == []


@pytest.mark.parametrize("value", ["2026-02-30T00:00:00Z", "yesterday", "2026-03-02", "20260302T000000Z"])
def test_both_refuse_a_malformed_date_time(issued: IssuedCredential, value: str) -> None:
    document = copy.deepcopy(issued.document)
    document["validFrom"] = value
    assert not _fast_validator().is_valid(document)
    assert not _validator().is_valid(document)
    problems = schema_errors(document)
    assert problems
    assert problems[0].startswith("validFrom: ")
