import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from rung.engagements.models import MilestoneStatus
from rung.reviews.models import Review, SelfAssessment, Submission, SubmissionStatus
from rung.reviews.selectors import rubric_for
from rung.reviews.tests.conftest import (
    FEEDBACK,
    PNG,
    accept,
    milestones,
    pdf,
    review,
    sign_both,
    start_now,
    submit,
    upload,
)

pytestmark = pytest.mark.django_db


def _rubric_post(milestone, level: int = 3, **extra) -> dict:
    rubric = rubric_for(milestone.engagement.project)
    return {**{f"criterion_{c.pk}": str(level) for c in rubric.criteria.all()}, **extra}


# --- Milestone page and handing in ---------------------------------------------------------------


def test_the_candidate_hands_in_files_links_and_notes(client_for, candidate, milestone):
    client = client_for(candidate)
    page = client.get(reverse("reviews:milestone", args=[milestone.uuid]))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert b"Nothing handed in yet" in page.content
    response = client.post(
        reverse("reviews:milestone", args=[milestone.uuid]),
        {
            "attachments": [pdf("Final report.pdf"), upload("chart.png", PNG)],
            "links": "https://example.org/dashboard\nhttps://example.org/repo",
            "notes": "Start with the report.",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.files.count() == 2
    assert submission.links == ["https://example.org/dashboard", "https://example.org/repo"]
    page = client.get(reverse("reviews:milestone", args=[milestone.uuid]))
    assert b"Final report.pdf" in page.content
    assert b"Version 1" in page.content
    assert b"Hand in" not in page.content.split(b"Versions and reviews")[0].split(b"</h1>")[1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "accepts"),
        ("report.pdf", b"MZ\x90\x00 a renamed program", "a program"),
    ],
)
def test_refused_files_are_explained_on_the_form(client_for, candidate, milestone, name, content, message):
    response = client_for(candidate).post(
        reverse("reviews:milestone", args=[milestone.uuid]), {"attachments": [upload(name, content)], "notes": ""}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists()


def test_links_that_are_not_web_addresses_are_refused_on_the_form(client_for, candidate, milestone):
    response = client_for(candidate).post(
        reverse("reviews:milestone", args=[milestone.uuid]), {"links": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert "http:// or https://" in response.content.decode()


def test_members_read_the_milestone_but_cannot_hand_in(client_for, milestone, candidate, bob, viewer):
    submit(milestone, candidate)
    for person in (bob, viewer):
        client = client_for(person)
        page = client.get(reverse("reviews:milestone", args=[milestone.uuid]))
        assert page.status_code == 200
        assert b"Version 1" in page.content
        assert b'enctype="multipart/form-data"' not in page.content
        assert client.post(reverse("reviews:milestone", args=[milestone.uuid]), {"notes": "x"}).status_code == 403
    assert (
        reverse("reviews:review", args=[Submission.objects.get().uuid]).encode()
        in client_for(bob).get(reverse("reviews:milestone", args=[milestone.uuid])).content
    )


def test_outsiders_get_404_for_every_page(client_for, charlie, completed, candidate):
    submission = Submission.objects.first()
    assert submission is not None
    client = client_for(charlie)
    urls = [
        reverse("reviews:milestone", args=[submission.milestone.uuid]),
        reverse("reviews:review", args=[submission.uuid]),
        reverse("reviews:download", args=[submission.files.get().uuid]),
        reverse("reviews:self_assessment", args=[completed.uuid]),
        reverse("reviews:ratings", args=[completed.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"notes": "x", "overall": "1"}).status_code in (404, 405), url


def test_pages_need_a_login(client, milestone):
    response = client.get(reverse("reviews:milestone", args=[milestone.uuid]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_work_page_lists_the_candidates_engagements(client_for, candidate, charlie, engagement):
    page = client_for(candidate).get(reverse("reviews:home"))
    assert engagement.project.title.encode() in page.content
    for m in milestones(engagement):
        assert reverse("reviews:milestone", args=[m.uuid]).encode() in page.content
    empty = client_for(charlie).get(reverse("reviews:home"))
    assert empty.status_code == 200
    assert b"No micro-internships yet" in empty.content


# --- Reviewing -----------------------------------------------------------------------------------


def test_the_review_page_shows_the_rubric_as_radio_buttons_with_descriptors(client_for, bob, milestone, candidate):
    submission = submit(milestone, candidate)
    page = client_for(bob).get(reverse("reviews:review", args=[submission.uuid]))
    assert page.status_code == 200
    content = page.content.decode()
    rubric = rubric_for(milestone.engagement.project)
    for criterion in rubric.criteria.all():
        assert content.count(f'name="criterion_{criterion.pk}"') == criterion.levels.count()
        for level in criterion.levels.all():
            assert level.descriptor in content
    assert 'value="approve"' in content
    assert 'value="changes"' in content
    assert "<script" not in content.split("<main")[1]  # no inline script on the page


def test_reviewing_from_the_page_approves(client_for, bob, milestone, candidate):
    submission = submit(milestone, candidate)
    response = client_for(bob).post(
        reverse("reviews:review", args=[submission.uuid]),
        _rubric_post(milestone, feedback=FEEDBACK, decision="approve"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:queue")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.APPROVED


def test_a_review_without_feedback_is_refused_on_the_page(client_for, bob, milestone, candidate):
    submission = submit(milestone, candidate)
    url = reverse("reviews:review", args=[submission.uuid])
    for feedback in ("", "Looks good."):
        response = client_for(bob).post(url, _rubric_post(milestone, feedback=feedback, decision="approve"))
        assert response.status_code == 400
        assert not Review.objects.exists()
    assert "Write feedback the intern can act on" in response.content.decode()


def test_a_review_missing_a_criterion_is_refused_on_the_page(client_for, bob, milestone, candidate):
    submission = submit(milestone, candidate)
    data = _rubric_post(milestone, feedback=FEEDBACK, decision="changes")
    first = next(k for k in data if k.startswith("criterion_"))
    del data[first]
    response = client_for(bob).post(reverse("reviews:review", args=[submission.uuid]), data)
    assert response.status_code == 400
    assert "Choose a level for" in response.content.decode()
    assert not Review.objects.exists()


def test_exhausted_rounds_are_explained_on_the_page(client_for, bob, engagement, milestone, candidate):
    for _ in range(engagement.review_rounds):
        review(submit(milestone, candidate), bob, "changes")
    last = submit(milestone, candidate)
    response = client_for(bob).post(
        reverse("reviews:review", args=[last.uuid]), _rubric_post(milestone, feedback=FEEDBACK, decision="changes")
    )
    assert response.status_code == 400
    assert "they have been used" in response.content.decode()


def test_only_reviewers_may_open_the_review_page(client_for, candidate, viewer, mentor, sam, milestone):
    submission = submit(milestone, candidate)
    url = reverse("reviews:review", args=[submission.uuid])
    assert client_for(candidate).get(url).status_code == 403
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(mentor).get(url).status_code == 403
    assert client_for(sam).get(url).status_code == 403


def test_the_queue_lists_work_waiting_for_review_with_due_dates(client_for, bob, charlie, milestone, candidate):
    empty = client_for(bob).get(reverse("reviews:queue"))
    assert b"Nothing is waiting for your review" in empty.content
    submission = submit(milestone, candidate)
    page = client_for(bob).get(reverse("reviews:queue"))
    assert reverse("reviews:review", args=[submission.uuid]).encode() in page.content
    assert submission.review_due_at.strftime("%-d %b %Y").encode() in page.content
    assert b"Nothing is waiting" in client_for(charlie).get(reverse("reviews:queue")).content
    review(submission, bob)
    assert b"Nothing is waiting" in client_for(bob).get(reverse("reviews:queue")).content


def test_the_queue_costs_the_same_number_of_queries_however_long_it_is(
    client_for, bob, alice, published, reviewer_membership, engagement, candidate
):
    client = client_for(bob)
    submit(milestones(engagement)[0], candidate)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("reviews:queue")).status_code == 200
    other = make_user("omar@student.example", "Omar Candidate")
    second = start_now(sign_both(accept(published, other, reviewer_membership), employer=alice, candidate=other))
    submit(milestones(second)[0], other, files=[pdf("a.pdf"), pdf("b.pdf")])
    submit(milestones(second)[1], other)
    submit(milestones(engagement)[1], candidate)
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("reviews:queue"))
    assert page.content.count(b"/review/") == 4
    assert len(four) == len(one)
    assert len(four) <= 10


# --- Files ---------------------------------------------------------------------------------------


def test_files_are_served_only_as_attachments(client_for, candidate, bob, viewer, mentor, sam, milestone):
    submission = submit(
        milestone,
        candidate,
        files=[pdf("Rapport final é.pdf"), upload("notes.md", b"# Notes\n"), upload("chart.png", PNG)],
    )
    files = {f.extension: f for f in submission.files.all()}
    for person in (candidate, bob, viewer, mentor, sam):
        response = client_for(person).get(reverse("reviews:download", args=[files["pdf"].uuid]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''Rapport%20final%20%C3%A9.pdf" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    markdown = client_for(bob).get(reverse("reviews:download", args=[files["md"].uuid]))
    assert markdown["Content-Type"] == "application/octet-stream"
    assert markdown["Content-Disposition"] == 'attachment; filename="notes.md"'
    assert b"".join(markdown.streaming_content) == b"# Notes\n"  # read to the end, which closes the file
    image = client_for(bob).get(reverse("reviews:download", args=[files["png"].uuid]))
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == PNG


def test_outsiders_and_other_employers_get_404_for_files(client_for, charlie, other_org, milestone, candidate):
    from rung.orgs.models import Membership, Role

    stranger = make_user("gina@globex.example", "Gina Globex")
    Membership.objects.create(organisation=other_org, user=stranger, role=Role.OWNER)
    item = submit(milestone, candidate).files.get()
    for person in (charlie, stranger):
        assert client_for(person).get(reverse("reviews:download", args=[item.uuid])).status_code == 404


def test_a_file_missing_from_storage_is_a_404(client_for, bob, milestone, candidate):
    from django.core.files.storage import default_storage

    item = submit(milestone, candidate).files.get()
    default_storage.delete(item.file.name or "")
    assert client_for(bob).get(reverse("reviews:download", args=[item.uuid])).status_code == 404


# --- Self-assessment and ratings -----------------------------------------------------------------


def test_the_candidate_assesses_their_work_on_the_page(client_for, candidate, bob, engagement, milestone):
    url = reverse("reviews:self_assessment", args=[engagement.uuid])
    page = client_for(candidate).get(url)
    assert b'type="radio"' in page.content
    bad = client_for(candidate).post(url, _rubric_post(milestone, reflection="ok"))
    assert bad.status_code == 400
    assert "short reflection" in bad.content.decode()
    assert client_for(bob).post(url, _rubric_post(milestone, reflection="x" * 40)).status_code == 403
    good = client_for(candidate).post(url, _rubric_post(milestone, level=2, reflection="I learnt to ask earlier. " * 3))
    assert good.status_code == 302
    assessment = SelfAssessment.objects.get()
    assert assessment.points * 2 == assessment.max_points
    assert b"I learnt to ask earlier." in client_for(bob).get(url).content


def test_ratings_pages_keep_each_rating_hidden_until_both_are_in(client_for, candidate, bob, completed):
    url = reverse("reviews:ratings", args=[completed.uuid])
    page = client_for(candidate).get(url)
    assert b'name="mentoring"' in page.content
    bad = client_for(candidate).post(url, {"mentoring": "9"})
    assert bad.status_code == 400
    sent = client_for(candidate).post(
        url,
        {"mentoring": "4", "clarity": "5", "respect": "5", "pay_timeliness": "2", "comment": "Paid a week late."},
    )
    assert sent.status_code == 302
    employer_page = client_for(bob).get(url)
    assert b"Paid a week late." not in employer_page.content
    assert b'name="overall"' in employer_page.content
    assert client_for(bob).post(url, {"overall": "5", "comment": "A pleasure to work with."}).status_code == 302
    assert b"Paid a week late." in client_for(bob).get(url).content
    assert b"A pleasure to work with." in client_for(candidate).get(url).content


def test_ratings_are_not_open_on_an_active_engagement(client_for, candidate, engagement):
    url = reverse("reviews:ratings", args=[engagement.uuid])
    page = client_for(candidate).get(url)
    assert b'name="mentoring"' not in page.content
    response = client_for(candidate).post(
        url, {"mentoring": "4", "clarity": "5", "respect": "5", "pay_timeliness": "2"}
    )
    assert response.status_code == 400
    assert "Ratings open when" in response.content.decode()


def test_viewers_cannot_rate(client_for, viewer, completed):
    response = client_for(viewer).post(reverse("reviews:ratings", args=[completed.uuid]), {"overall": "1"})
    assert response.status_code == 403


def test_the_reliability_record_partial_is_public(client, org):
    page = client.get(reverse("reviews:reliability", args=[org.slug]))
    assert page.status_code == 200
    assert b"not enough data yet" in page.content
    assert client.get(reverse("reviews:reliability", args=["no-such-org"])).status_code == 404


def test_submission_statuses_show_on_the_history(client_for, candidate, milestone, bob):
    submission = submit(milestone, candidate)
    review(submission, bob, "changes")
    page = client_for(candidate).get(reverse("reviews:milestone", args=[milestone.uuid]))
    assert SubmissionStatus.CHANGES_REQUESTED.label.encode() in page.content
    assert FEEDBACK.encode() in page.content
    assert b"Hand in a new version" in page.content
