import pytest

from rung.engagements.models import MilestoneStatus
from rung.reviews.models import Review, Submission
from rung.reviews.selectors import rubric_for
from rung.reviews.tests.conftest import FEEDBACK, PNG, all_scores, pdf, review, submit, upload

pytestmark = pytest.mark.django_db

API = "/api/v1/reviews"


def _review_body(milestone, **overrides) -> dict:
    return {"decision": "approve", "feedback": FEEDBACK, "scores": all_scores(milestone), **overrides}


def test_the_intern_submits_with_multipart(api_for, candidate, milestone):
    response = api_for(candidate).post(
        f"{API}/milestones/{milestone.uuid}/submissions",
        {
            "files": [pdf("Report.pdf"), upload("chart.png", PNG)],
            "links": ["https://example.org/a", "https://example.org/b"],
            "notes": "Start with the report.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["status"] == "awaiting_review"
    assert body["links"] == ["https://example.org/a", "https://example.org/b"]
    assert sorted(f["name"] for f in body["files"]) == ["Report.pdf", "chart.png"]
    assert body["review"] is None
    assert Submission.objects.get().files.count() == 2


def test_submitting_links_only_works_without_files(api_for, candidate, milestone):
    response = api_for(candidate).post(
        f"{API}/milestones/{milestone.uuid}/submissions", {"links": "https://example.org/repo"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["files"] == []


def test_bad_submissions_get_the_shared_error_shape(api_for, candidate, milestone):
    client = api_for(candidate)
    url = f"{API}/milestones/{milestone.uuid}/submissions"
    html = client.post(url, {"files": [upload("x.html", b"<html></html>")]})
    assert html.status_code == 400
    assert html.json()["code"] == "file_refused"
    assert html.json()["errors"][0]["field"] == "files"
    link = client.post(url, {"links": "javascript:alert(1)"})
    assert link.status_code == 400
    assert link.json()["errors"] == [{"field": "links", "message": link.json()["detail"]}]


def test_members_who_are_not_the_intern_cannot_submit(api_for, bob, milestone):
    response = api_for(bob).post(f"{API}/milestones/{milestone.uuid}/submissions", {"notes": "hello"})
    assert response.status_code == 403


def test_submitting_to_an_unsigned_engagement_is_refused(api_for, candidate, unsigned):
    milestone = unsigned.milestones.order_by("position").first()
    response = api_for(candidate).post(f"{API}/milestones/{milestone.uuid}/submissions", {"notes": "Early work."})
    assert response.status_code == 400
    assert response.json()["code"] == "not_active"


def test_the_reviewer_reads_the_rubric_and_reviews(api_for, bob, candidate, milestone):
    submission = submit(milestone, candidate)
    client = api_for(bob)
    rubric = client.get(f"{API}/engagements/{milestone.engagement.uuid}/rubric").json()
    assert rubric["name"] == rubric_for(milestone.engagement.project).name
    scores = {c["id"]: c["levels"][-1]["score"] for c in rubric["criteria"]}
    queue = client.get(f"{API}/queue").json()
    assert [s["uuid"] for s in queue["items"]] == [str(submission.uuid)]
    response = client.post(
        f"{API}/submissions/{submission.uuid}/review",
        {"decision": "approve", "feedback": FEEDBACK, "scores": scores},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["score_percent"] == 100.0
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.APPROVED
    listed = api_for(candidate).get(f"{API}/milestones/{milestone.uuid}/submissions").json()
    assert listed[0]["review"]["feedback"] == FEEDBACK
    assert len(listed[0]["review"]["scores"]) == 4


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"feedback": "ok"}, "feedback_required"), ({"scores": {}}, "missing_score")],
)
def test_reviews_without_feedback_or_scores_are_refused(api_for, bob, candidate, milestone, overrides, code):
    submission = submit(milestone, candidate)
    response = api_for(bob).post(
        f"{API}/submissions/{submission.uuid}/review",
        _review_body(milestone, **overrides),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Review.objects.exists()


def test_the_intern_cannot_review_their_own_work_through_the_api(api_for, candidate, milestone):
    submission = submit(milestone, candidate)
    response = api_for(candidate).post(
        f"{API}/submissions/{submission.uuid}/review", _review_body(milestone), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_work"


def test_exhausted_rounds_are_surfaced(api_for, bob, candidate, engagement, milestone):
    for _ in range(engagement.review_rounds):
        review(submit(milestone, candidate), bob, "changes")
    last = submit(milestone, candidate)
    response = api_for(bob).post(
        f"{API}/submissions/{last.uuid}/review",
        _review_body(milestone, decision="changes"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rounds_exhausted"
    assert "they have been used" in response.json()["detail"]


def test_files_download_as_attachments_through_the_api(api_for, candidate, bob, milestone):
    submission = submit(milestone, candidate, files=[upload("notes.txt", b"hello")])
    url = api_for(candidate).get(f"{API}/submissions/{submission.uuid}").json()["files"][0]["download_url"]
    response = api_for(bob).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"hello"


def test_ratings_through_the_api_respect_the_reveal(api_for, candidate, bob, completed):
    url = f"{API}/engagements/{completed.uuid}/ratings"
    sent = api_for(candidate).post(
        f"{url}/experience",
        {"mentoring": 3, "clarity": 4, "respect": 5, "pay_timeliness": 2, "comment": "Good."},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    employer = api_for(bob).get(url).json()
    assert employer["experience"] is None
    assert employer["experience_given"] is True
    assert employer["revealed"] is False
    both = api_for(bob).post(f"{url}/intern", {"overall": 4}, content_type="application/json")
    assert both.status_code == 201
    assert both.json()["experience"]["respect"] == 5
    assert api_for(candidate).get(url).json()["intern"]["overall"] == 4
    out_of_range = api_for(bob).post(f"{url}/intern", {"overall": 9}, content_type="application/json")
    assert out_of_range.status_code == 422


def test_self_assessment_through_the_api(api_for, candidate, bob, engagement, milestone):
    url = f"{API}/engagements/{engagement.uuid}/self-assessment"
    assert api_for(bob).get(url).status_code == 404
    created = api_for(candidate).post(
        url,
        {"scores": all_scores(milestone, level=1), "reflection": "I should have asked for help much sooner."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["score_percent"] == 25.0
    assert api_for(bob).get(url).json()["reflection"].startswith("I should")


def test_the_reliability_record(api_for, charlie, org):
    body = api_for(charlie).get(f"{API}/reliability/{org.slug}").json()
    assert body["review_days"] == {
        "value": None,
        "data_points": 0,
        "enough_data": False,
        "display": "not enough data yet",
    }
    assert api_for(charlie).get(f"{API}/reliability/nobody").status_code == 404


def test_outsiders_get_404_from_every_endpoint(api_for, charlie, completed, milestone):
    submission = Submission.objects.filter(milestone=milestone).get()
    item = submission.files.get()
    client = api_for(charlie)
    e = completed.uuid
    gets = [
        f"{API}/milestones/{milestone.uuid}/submissions",
        f"{API}/submissions/{submission.uuid}",
        f"{API}/files/{item.uuid}",
        f"{API}/engagements/{e}/rubric",
        f"{API}/engagements/{e}/self-assessment",
        f"{API}/engagements/{e}/ratings",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    json_posts = {
        f"{API}/submissions/{submission.uuid}/review": _review_body(milestone),
        f"{API}/engagements/{e}/self-assessment": {"scores": {}, "reflection": "x" * 40},
        f"{API}/engagements/{e}/ratings/experience": {"mentoring": 1, "clarity": 1, "respect": 1, "pay_timeliness": 1},
        f"{API}/engagements/{e}/ratings/intern": {"overall": 1},
    }
    for url, body in json_posts.items():
        assert client.post(url, body, content_type="application/json").status_code == 404, url
    assert client.post(f"{API}/milestones/{milestone.uuid}/submissions", {"notes": "x"}).status_code == 404
    assert client.get(f"{API}/queue").json() == {"items": [], "count": 0}


def test_the_api_needs_authentication(client, milestone):
    assert client.get(f"{API}/milestones/{milestone.uuid}/submissions").status_code == 401
    assert client.get(f"{API}/queue").status_code == 401
