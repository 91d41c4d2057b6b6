"""The first pilot's findings on handing in work and rating: revisions that carry files
forward with the feedback first, and a ratings page that does not scold before anything is typed."""

import pytest
from django.urls import reverse

from rung.engagements.models import SignatureRole
from rung.lib.errors import DomainError
from rung.reviews.models import Submission
from rung.reviews.tests.conftest import pdf, review, submit

pytestmark = pytest.mark.django_db


def test_the_ratings_page_starts_blank_without_errors(client_for, completed, candidate, bob):
    for person in (candidate, bob):
        page = client_for(person).get(reverse("reviews:ratings", args=[completed.uuid]))
        assert page.status_code == 200
        assert "This field is required" not in page.content.decode()


def test_a_revision_shows_the_feedback_first_and_carries_the_files_forward(client_for, candidate, bob, milestone):
    first = submit(milestone, candidate, files=[pdf("data.pdf"), pdf("memo.pdf")])
    review(first, bob, decision="changes")
    client = client_for(candidate)
    page = client.get(reverse("reviews:milestone", args=[milestone.uuid])).content.decode()
    feedback_at = page.index("What to change")
    assert feedback_at < page.index("Hand in a new version")
    kept = {f.original_name: str(f.uuid) for f in first.files.all()}
    assert f'value="{kept["data.pdf"]}"' in page
    assert "checked" in page
    response = client.post(
        reverse("reviews:milestone", args=[milestone.uuid]),
        {"keep_files": [kept["data.pdf"]], "attachments": [pdf("memo-v2.pdf")], "notes": "Memo rewritten."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    second = Submission.objects.get(milestone=milestone, version=2)
    names = sorted(f.original_name for f in second.files.all())
    assert names == ["data.pdf", "memo-v2.pdf"]
    old = first.files.get(original_name="data.pdf")
    carried = second.files.get(original_name="data.pdf")
    assert (carried.file.name, carried.sha256) == (old.file.name, old.sha256)
    assert first.files.count() == 2  # the earlier version is unchanged


def test_kept_files_alone_make_a_version_and_foreign_files_are_refused(candidate, bob, milestone, engagement):
    first = submit(milestone, candidate)
    review(first, bob, decision="changes")
    [only] = first.files.all()
    with pytest.raises(DomainError, match="Only files of the latest version"):
        submit(milestone, candidate, files=[], notes="", keep_files=["00000000-0000-0000-0000-000000000000"])
    second = submit(milestone, candidate, files=[], notes="", keep_files=[str(only.uuid)])
    assert [f.original_name for f in second.files.all()] == [only.original_name]


def test_the_engagement_list_says_who_still_has_to_sign(client_for, unsigned, candidate, alice):
    from rung.engagements import services as engagements

    contract = unsigned.contracts.get(version=1)
    engagements.sign_contract(
        contract, signer=candidate, role=SignatureRole.CANDIDATE, typed_name=candidate.full_name, consent=True
    )
    page = client_for(alice).get(reverse("engagements:mine")).content.decode()
    assert "Signed by the intern: waiting for the employer" in page
    assert "Waiting for both signatures" not in page


def test_a_completed_engagement_no_longer_says_held_in_escrow(client_for, completed, candidate):
    page = client_for(candidate).get(reverse("engagements:detail", args=[completed.uuid])).content.decode()
    terms = page.split("<dt>Stipend</dt>", 1)[1].split("</dd>", 1)[0]
    assert "held in escrow" not in terms  # the contract's own text may still say how escrow works
    assert "released from escrow" in terms


def test_work_cannot_be_handed_in_before_the_contract_starts(client_for, unsigned, alice, candidate):
    from rung.reviews.tests.conftest import milestones, sign_both, start_now

    engagement = sign_both(unsigned, employer=alice, candidate=candidate)
    assert engagement.status == "active"
    assert engagement.start_date > engagement.created_at.date()
    first = milestones(engagement)[0]
    with pytest.raises(DomainError, match=r"from .* the contract's start date") as refused:
        submit(first, candidate)
    assert refused.value.code == "not_started"
    assert not Submission.objects.exists()
    page = client_for(candidate).get(reverse("reviews:milestone", args=[first.uuid])).content.decode()
    assert f"{engagement.start_date:%-d %B %Y}" in page
    assert "Hand in your work" not in page
    start_now(engagement)
    assert submit(first, candidate).version == 1
