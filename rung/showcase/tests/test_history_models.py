"""The showcase histories take their ordering and their text from the StatusHistory base."""

from datetime import UTC, datetime

import pytest

from rung.audit.models import StatusHistory
from rung.showcase.models import ConsentEvent, ItemEvent, ModerationEvent, OfferEvent


@pytest.mark.parametrize(
    ("model", "fk"),
    [(ConsentEvent, "item"), (ItemEvent, "item"), (OfferEvent, "offer"), (ModerationEvent, "moderation")],
)
def test_history_is_ordered_oldest_first_and_names_what_changed(model: type[StatusHistory], fk: str) -> None:
    assert model._meta.ordering == ["at", "id"]
    assert not model._meta.abstract
    event = model(**{f"{fk}_id": 42}, from_status="", to_status="published", at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC))
    assert str(event) == "42: — → published at 2026-03-04 05:06"
