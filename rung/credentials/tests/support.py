"""Helpers shared by the credential tests."""

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    # newline="" keeps the bytes exactly as published: the .nq comparisons are byte for byte.
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return handle.read()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))
