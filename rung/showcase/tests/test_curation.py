"""Curators work the queue against the versioned playbook; every check and decision is recorded."""

import pytest

from rung.audit.models import AuditEvent
from rung.lib.errors import PermissionDenied
from rung.showcase import services
from rung.showcase.models import CatalogueEntry, CurationCheck, CurationRecord, CurationStatus, Playbook
from rung.showcase.selectors import curation_queue, is_public, rubric_result
from rung.showcase.tests.conftest import item_input, pass_all_checks


@pytest.fixture
def catalogue(curator):
    return services.create_catalogue(
        curator=curator, kind="theme", title="Data stories", intro="Work that turns data into a clear story."
    )


def test_staff_appoint_curators_and_others_cannot(charlie, sam, curator):
    assert services.is_curator(curator)
    assert services.is_curator(sam)
    with pytest.raises(PermissionDenied):
        services.appoint_curator(charlie, staff=curator)
    services.revoke_curator(curator, staff=sam)
    assert not services.is_curator(curator)


def test_the_queue_holds_consented_items(queued, item):
    assert list(curation_queue()) == [queued]


def test_publishing_needs_every_check_of_the_current_playbook(queued, curator):
    services.record_check(queued, curator=curator, key="consent", passed=True)
    with pytest.raises(services.ShowcaseError) as exc:
        services.decide_item(queued, curator=curator, decision="publish")
    assert exc.value.code == "checks_incomplete"
    assert "Meets the quality bar" in exc.value.message
    pass_all_checks(queued, curator)
    record = services.decide_item(queued, curator=curator, decision="publish")
    queued.refresh_from_db()
    assert queued.status == CurationStatus.PUBLISHED
    assert record.playbook.version == 1
    assert is_public(queued)
    assert AuditEvent.objects.filter(verb="showcase.curation.publish").count() == 1
    assert AuditEvent.objects.filter(verb="showcase.curation.checked").count() == 6  # consent twice


def test_a_failed_check_blocks_publishing_until_it_passes(queued, curator):
    pass_all_checks(queued, curator)
    with pytest.raises(services.ShowcaseError, match="Say what fails"):
        services.record_check(queued, curator=curator, key="quality", passed=False)
    services.record_check(queued, curator=curator, key="quality", passed=False, note="Rubric average is 2 of 4.")
    with pytest.raises(services.ShowcaseError, match="Meets the quality bar"):
        services.decide_item(queued, curator=curator, decision="publish")


def test_a_new_playbook_version_needs_its_own_checks(queued, curator, sam):
    pass_all_checks(queued, curator)
    services.publish_playbook(
        staff=sam, checks=[*services.DEFAULT_CHECKS, {"key": "credit", "label": "Credits others"}], notes="v2"
    )
    assert Playbook.objects.count() == 2
    with pytest.raises(services.ShowcaseError, match="playbook v2"):
        services.decide_item(queued, curator=curator, decision="publish")


def test_only_staff_publish_playbooks(curator):
    with pytest.raises(PermissionDenied):
        services.publish_playbook(staff=curator, checks=services.DEFAULT_CHECKS, notes="")


def test_the_consent_check_cannot_pass_without_consent(item, curator):
    # Not queued: checks are for the queue.
    with pytest.raises(services.ShowcaseError, match="queue"):
        services.record_check(item, curator=curator, key="consent", passed=True)


def test_unknown_checks_are_refused(queued, curator):
    with pytest.raises(services.ShowcaseError, match="no check"):
        services.record_check(queued, curator=curator, key="vibes", passed=True)
    assert not CurationCheck.objects.exists()


def test_send_back_needs_notes_and_the_author_resubmits(queued, curator, candidate):
    with pytest.raises(services.ShowcaseError, match="notes"):
        services.decide_item(queued, curator=curator, decision="send_back", notes="")
    services.decide_item(queued, curator=curator, decision="send_back", notes="Add alt text to the chart.")
    queued.refresh_from_db()
    assert queued.status == CurationStatus.SENT_BACK
    assert queued.curator_notes == "Add alt text to the chart."
    services.update_item(queued, author=candidate, data=item_input(queued.engagement, title="Sales trend, 2026"))
    services.resubmit_item(queued, author=candidate)
    assert queued.status == CurationStatus.QUEUED


def test_decline_is_final(queued, curator, candidate):
    services.decide_item(queued, curator=curator, decision="decline", notes="Not enough of the intern's own work.")
    queued.refresh_from_db()
    assert queued.status == CurationStatus.DECLINED
    with pytest.raises(services.ShowcaseError):
        services.resubmit_item(queued, author=candidate)


def test_featuring_publishes_into_a_catalogue(queued, curator, catalogue):
    pass_all_checks(queued, curator)
    with pytest.raises(services.ShowcaseError, match="catalogue"):
        services.decide_item(queued, curator=curator, decision="feature")
    services.decide_item(queued, curator=curator, decision="feature", catalogue=catalogue)
    queued.refresh_from_db()
    assert queued.status == CurationStatus.PUBLISHED
    assert queued.featured
    assert CatalogueEntry.objects.get(catalogue=catalogue, item=queued).featured
    assert CurationRecord.objects.get(item=queued).catalogue == catalogue


def test_a_published_item_can_be_featured_later(public_item, curator, catalogue):
    services.decide_item(public_item, curator=curator, decision="feature", catalogue=catalogue)
    public_item.refresh_from_db()
    assert public_item.featured
    assert list(public_item.decisions.values_list("decision", flat=True)) == ["publish", "feature"]


def test_non_curators_cannot_curate(queued, charlie, alice):
    for person in (charlie, alice):
        with pytest.raises(PermissionDenied):
            services.record_check(queued, curator=person, key="consent", passed=True)
        with pytest.raises(PermissionDenied):
            services.decide_item(queued, curator=person, decision="publish")


def test_the_rubric_result_is_the_approving_reviews_average(queued):
    # Every criterion at level 3 of 4 in the reviews fixture: 3/4 of the points on each review.
    result = rubric_result(queued)
    reviews = queued.engagement.milestones.count()
    assert result.reviews == reviews
    assert result.max_points > 0
    assert result.points * 4 == result.max_points * 3
    assert result.percent == 75
