"""Publishing completed work and the employer's consent: who may, what the contract allows, reasons."""

import pytest

from rung.audit.models import AuditEvent
from rung.engagements.models import Engagement, EngagementStatus
from rung.lib.errors import NotFound, PermissionDenied
from rung.reviews.models import SubmissionFile
from rung.reviews.tests.conftest import PNG
from rung.showcase import services
from rung.showcase.models import CatalogueEntry, ConsentStatus, CurationStatus, ShowcaseItem
from rung.showcase.selectors import is_public
from rung.showcase.tests.conftest import item_input


def test_an_intern_drafts_an_item_from_completed_work(item, completed, candidate):
    assert item.status == CurationStatus.DRAFT
    assert item.consent_status == ConsentStatus.NOT_REQUESTED
    assert item.ip_licence == "non_exclusive"  # from the signed contract's terms
    assert item.files.count() == 1
    assert AuditEvent.objects.filter(verb="showcase.item.created", object_id=str(item.uuid)).exists()
    assert not is_public(item)


def test_it_refuses_work_that_is_not_completed(engagement, candidate):
    with pytest.raises(services.ShowcaseError, match="completed"):
        services.create_item(engagement, author=candidate, data=item_input(engagement))
    assert not ShowcaseItem.objects.exists()


def test_it_refuses_someone_else_s_engagement(completed, charlie):
    with pytest.raises(NotFound):
        services.create_item(completed, author=charlie, data=item_input(completed))


def test_it_refuses_a_second_item_for_the_same_engagement(item, completed, candidate):
    with pytest.raises(services.ShowcaseError, match="already"):
        services.create_item(completed, author=candidate, data=item_input(completed))
    assert ShowcaseItem.objects.count() == 1


def test_it_refuses_a_confidential_project(completed, candidate, alice):
    services.set_project_policy(completed.project, actor=alice, confidential=True)
    with pytest.raises(services.ShowcaseError, match="confidential"):
        services.create_item(completed, author=candidate, data=item_input(completed))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"summary": "Too short."}, "summary"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"links": ["ftp://example.org/x"]}, "links"),
        ({"skills": ["no-such-skill"]}, "skills"),
        ({"files": {"not-a-uuid": ""}}, "files"),
        ({"title": "Nul\x00"}, "title"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(completed, candidate, overrides, field):
    with pytest.raises(services.ShowcaseError) as exc:
        services.create_item(completed, author=candidate, data=item_input(completed, **overrides))
    assert exc.value.field == field
    assert not ShowcaseItem.objects.exists()


def test_images_need_alt_text(completed, candidate):
    from rung.reviews.tests.conftest import milestones

    # Approved milestones take no new versions: put an image on a submission, as storage would hold it.
    submission = milestones(completed)[0].submissions.get()
    image = SubmissionFile.objects.create(
        submission=submission,
        file="x.png",
        original_name="chart.png",
        extension="png",
        content_type="image/png",
        size=len(PNG),
        sha256="0" * 64,
    )
    with pytest.raises(services.ShowcaseError, match="alt text"):
        services.create_item(completed, author=candidate, data=item_input(completed, files={str(image.uuid): ""}))
    made = services.create_item(
        completed, author=candidate, data=item_input(completed, files={str(image.uuid): "A rising line chart"})
    )
    assert made.files.get().alt_text == "A rising line chart"


def test_files_must_come_from_the_engagement(completed, candidate):
    from uuid import uuid4

    with pytest.raises(services.ShowcaseError, match="own submissions"):
        services.create_item(completed, author=candidate, data=item_input(completed, files={str(uuid4()): ""}))


def test_consent_is_asked_and_approval_queues_the_item(item, candidate, alice):
    services.request_consent(item, author=candidate)
    assert item.consent_status == ConsentStatus.REQUESTED
    services.decide_consent(item, actor=alice, approve=True)
    item.refresh_from_db()
    assert item.consent_status == ConsentStatus.APPROVED
    assert item.status == CurationStatus.QUEUED
    assert item.consent_decided_by == alice
    assert not is_public(item)  # curation comes first


def test_a_decline_needs_a_reason_and_the_intern_may_ask_again(item, candidate, alice):
    services.request_consent(item, author=candidate)
    with pytest.raises(services.ShowcaseError, match="reason"):
        services.decide_consent(item, actor=alice, approve=False, reason="no")
    item.refresh_from_db()
    assert item.consent_status == ConsentStatus.REQUESTED
    services.decide_consent(item, actor=alice, approve=False, reason="It shows our client's figures.")
    item.refresh_from_db()
    assert item.consent_status == ConsentStatus.DECLINED
    assert item.consent_reason == "It shows our client's figures."
    assert item.status == CurationStatus.DRAFT
    services.request_consent(item, author=candidate)
    assert item.consent_status == ConsentStatus.REQUESTED


def test_only_owners_and_managers_decide(item, candidate, bob, charlie):
    services.request_consent(item, author=candidate)
    with pytest.raises(PermissionDenied):
        services.decide_consent(item, actor=bob, approve=True)  # a reviewer
    with pytest.raises(NotFound):
        services.decide_consent(item, actor=charlie, approve=True)  # an outsider
    item.refresh_from_db()
    assert item.consent_status == ConsentStatus.REQUESTED


def test_only_the_author_asks_for_consent(item, charlie):
    with pytest.raises(NotFound):
        services.request_consent(item, author=charlie)


def test_withdrawal_unpublishes_and_leaves_the_catalogues(public_item, alice, curator):
    catalogue = services.create_catalogue(
        curator=curator, kind="theme", title="Data", intro="Work that turns data into a clear story."
    )
    services.add_to_catalogue(catalogue, public_item, curator=curator, featured=True)
    assert is_public(public_item)
    with pytest.raises(services.ShowcaseError, match="reason"):
        services.withdraw_consent(public_item, actor=alice, reason="")
    services.withdraw_consent(public_item, actor=alice, reason="The client asked us to remove it.")
    public_item.refresh_from_db()
    assert public_item.consent_status == ConsentStatus.WITHDRAWN
    assert public_item.status == CurationStatus.WITHDRAWN
    assert not public_item.featured
    assert not is_public(public_item)
    assert not CatalogueEntry.objects.exists()


def test_marking_a_project_confidential_withdraws_consent(public_item, alice, bob):
    with pytest.raises(PermissionDenied):
        services.set_project_policy(public_item.engagement.project, actor=bob, confidential=True)
    services.set_project_policy(public_item.engagement.project, actor=alice, confidential=True)
    public_item.refresh_from_db()
    assert public_item.consent_status == ConsentStatus.WITHDRAWN
    assert not is_public(public_item)


def test_a_confidential_project_cannot_be_consented(item, candidate, alice):
    services.request_consent(item, author=candidate)
    services.set_project_policy(item.engagement.project, actor=alice, confidential=True)
    with pytest.raises(services.ShowcaseError, match="confidential"):
        services.decide_consent(item, actor=alice, approve=True)
    with pytest.raises(services.ShowcaseError, match="confidential"):
        services.request_consent(item, author=item.author)


def test_the_author_can_withdraw_their_item(public_item, candidate):
    services.withdraw_item(public_item, author=candidate)
    assert public_item.status == CurationStatus.WITHDRAWN
    assert not is_public(public_item)


def test_items_can_be_changed_only_as_drafts_or_when_sent_back(queued, candidate):
    with pytest.raises(services.ShowcaseError, match="cannot be changed"):
        services.update_item(queued, author=candidate, data=item_input(queued.engagement, title="New"))


def test_the_licence_follows_the_signed_contract(completed, candidate):
    contract = completed.contracts.get(version=1)
    assert contract.terms["ip_licence"] == "non_exclusive"
    assert services.signed_ip_licence(completed) == "non_exclusive"
    Engagement.objects.filter(pk=completed.pk).update(status=EngagementStatus.COMPLETED)
