"""Validation against the official Open Badges 3.0 JSON Schema (1EdTech), shipped in ``schemas/``.

Every credential Rung issues must pass it before it is stored, and the verifier reports its
findings for any Open Badges credential it is shown.
"""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
OB_CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})

# Enough to say what is wrong without drowning the page in one badly broken document.
MAX_REPORTED_ERRORS = 10


@cache
def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


@cache
def _fast_validator() -> jsonschema_rs.Draft201909Validator:
    # The compiled validator answers "conforms or not" in microseconds; the plain-words messages
    # still come from python-jsonschema, asked only when this one finds a problem (the two agree:
    # tests/test_schema_agree.py).
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema_rs.Draft201909Validator(schema, validate_formats=True)


def is_open_badge(document: object) -> bool:
    if not isinstance(document, Mapping):
        return False
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t in OB_CREDENTIAL_TYPES for t in types)


def _where(error: jsonschema.ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return path or "the credential"


def schema_errors(document: Any) -> list[str]:
    """Plain-words problems the OB 3.0 schema finds (empty when the document conforms)."""
    if _fast_validator().is_valid(document):
        return []
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    messages = [f"{_where(error)}: {error.message[:300]}" for error in errors[:MAX_REPORTED_ERRORS]]
    if len(errors) > MAX_REPORTED_ERRORS:
        messages.append(f"… and {len(errors) - MAX_REPORTED_ERRORS} more")
    return messages
