"""Every transition of consent, curation, moderation and reports: the allowed ones go through the one
function that moves each status, and every pair the tables leave out is refused and writes nothing."""

import itertools

import pytest

from rung.showcase import services
from rung.showcase.models import (
    CONSENT_TRANSITIONS,
    CURATION_TRANSITIONS,
    DECISION_RULES,
    MODERATION_TRANSITIONS,
    REPORT_TRANSITIONS,
    ConsentEvent,
    ConsentStatus,
    CurationStatus,
    ItemEvent,
    Moderation,
    ModerationEvent,
    ModerationStatus,
    ReportStatus,
    ShowcaseItem,
    TargetKind,
)

CONSENT_PAIRS = list(itertools.product(ConsentStatus.values, repeat=2))
CURATION_PAIRS = list(itertools.product(CurationStatus.values, repeat=2))
MODERATION_PAIRS = list(itertools.product(ModerationStatus.values, repeat=2))


def test_the_tables_name_every_status():
    assert set(CONSENT_TRANSITIONS) == set(ConsentStatus.values)
    assert set(CURATION_TRANSITIONS) == set(CurationStatus.values)
    assert set(MODERATION_TRANSITIONS) == set(ModerationStatus.values)
    assert set(REPORT_TRANSITIONS) == set(ReportStatus.values)
    for allowed_from, to in DECISION_RULES.values():
        for status in allowed_from:
            assert to == status or to in CURATION_TRANSITIONS[status]


@pytest.mark.parametrize(("old", "new"), CONSENT_PAIRS)
def test_consent_moves_only_as_the_table_says(item, candidate, old, new):
    ShowcaseItem.objects.filter(pk=item.pk).update(consent_status=old)
    item.refresh_from_db()
    events = ConsentEvent.objects.count()
    if new in CONSENT_TRANSITIONS[old]:
        services._move_consent(item, new, actor=candidate)
        item.refresh_from_db()
        assert item.consent_status == new
        assert ConsentEvent.objects.filter(item=item, from_status=old, to_status=new).count() == 1
    else:
        with pytest.raises(services.ShowcaseError) as exc:
            services._move_consent(item, new, actor=candidate)
        assert exc.value.code == "bad_transition"
        item.refresh_from_db()
        assert item.consent_status == old
        assert ConsentEvent.objects.count() == events


@pytest.mark.parametrize(("old", "new"), CURATION_PAIRS)
def test_curation_moves_only_as_the_table_says(item, candidate, old, new):
    # The database refuses a published item without consent, so consent is on record here.
    ShowcaseItem.objects.filter(pk=item.pk).update(status=old, consent_status=ConsentStatus.APPROVED)
    item.refresh_from_db()
    events = ItemEvent.objects.count()
    if new in CURATION_TRANSITIONS[old]:
        services._move_status(item, new, actor=candidate)
        item.refresh_from_db()
        assert item.status == new
        assert ItemEvent.objects.filter(item=item, from_status=old, to_status=new).count() == 1
    else:
        with pytest.raises(services.ShowcaseError) as exc:
            services._move_status(item, new, actor=candidate)
        assert exc.value.code == "bad_transition"
        item.refresh_from_db()
        assert item.status == old
        assert ItemEvent.objects.count() == events


@pytest.mark.parametrize(("old", "new"), MODERATION_PAIRS)
def test_moderation_moves_only_as_the_table_says(item, sam, old, new):
    moderation = Moderation.objects.create(target_kind=TargetKind.ITEM, target_uuid=item.uuid, status=old)
    if new in MODERATION_TRANSITIONS[old]:
        services._move_moderation(moderation, new, staff=sam, reason="Checked by staff.")
        moderation.refresh_from_db()
        assert moderation.status == new
        assert ModerationEvent.objects.filter(moderation=moderation, to_status=new).count() == 1
    else:
        with pytest.raises(services.ShowcaseError):
            services._move_moderation(moderation, new, staff=sam, reason="Checked by staff.")
        moderation.refresh_from_db()
        assert moderation.status == old
        assert not ModerationEvent.objects.exists()


REFUSED_DECISIONS = [
    (d, s) for d, (allowed, _) in DECISION_RULES.items() for s in CurationStatus.values if s not in allowed
]


@pytest.mark.parametrize(("decision", "status"), REFUSED_DECISIONS)
def test_each_decision_is_refused_from_the_statuses_it_does_not_start_from(item, curator, catalogue, decision, status):
    ShowcaseItem.objects.filter(pk=item.pk).update(status=status, consent_status=ConsentStatus.APPROVED)
    item.refresh_from_db()
    with pytest.raises(services.ShowcaseError) as exc:
        services.decide_item(item, curator=curator, decision=decision, notes="Some notes for you.", catalogue=catalogue)
    assert exc.value.code == "bad_transition"
    item.refresh_from_db()
    assert item.status == status
    assert not item.decisions.exists()


@pytest.fixture
def catalogue(curator):
    return services.create_catalogue(
        curator=curator, kind="theme", title="Data stories", intro="Work that turns data into a clear story."
    )
