import pytest
from django.urls import reverse

from rung.applications import services
from rung.applications.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db
ANSWER = ["A line chart."]


def test_apply_shortlist_offer_accept_through_the_api(api_for, candidate, bob, published):
    me = api_for(candidate)
    created = me.post(
        "/api/v1/applications", {"project": str(published.uuid), "answers": ANSWER}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    uuid = created.json()["uuid"]
    reviewer = api_for(bob)
    cards = reviewer.get(f"/api/v1/applications/review/{published.uuid}").json()["items"]
    assert cards[0]["label"] == "Applicant 1"
    assert cards[0]["email"] is None
    assert reviewer.post(f"/api/v1/applications/{uuid}/shortlist").json()["status"] == "shortlisted"
    offered = reviewer.post(
        f"/api/v1/applications/{uuid}/offer", {"message": "Welcome aboard!"}, content_type="application/json"
    )
    assert offered.json()["status"] == "offered"
    assert me.post(f"/api/v1/applications/{uuid}/accept").json()["status"] == "accepted"
    assert me.get("/api/v1/applications").json()["items"][0]["status"] == "accepted"


def test_outsiders_cannot_see_or_decide_applications(api_for, client_for, candidate, charlie, published):
    application = services.apply(published, candidate=candidate, answers=ANSWER)
    outsider = api_for(charlie)
    assert outsider.get(f"/api/v1/applications/review/{published.uuid}").status_code == 404
    for action in ("shortlist", "offer", "reject", "withdraw", "accept", "decline"):
        response = outsider.post(
            f"/api/v1/applications/{application.uuid}/{action}",
            {"message": "You are not selected, sorry about that."},
            content_type="application/json",
        )
        assert response.status_code == 404, action
    assert outsider.get("/api/v1/applications").json()["count"] == 0
    browser = client_for(charlie)
    assert browser.get(reverse("applications:review_list", args=[published.uuid])).status_code == 404
    for action in ("shortlist", "offer", "reject"):
        assert browser.post(reverse("applications:reviewer_action", args=[application.uuid, action])).status_code == 404
    for action in ("withdraw", "accept", "decline"):
        assert (
            browser.post(reverse("applications:candidate_action", args=[application.uuid, action])).status_code == 404
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_applying_through_the_page(client_for, candidate, published):
    client = client_for(candidate)
    page = client.get(reverse("applications:apply", args=[published.uuid])).content.decode()
    assert published.screening_questions[0] in page
    response = client.post(reverse("applications:apply", args=[published.uuid]), {"answer_0": ANSWER[0]}, follow=True)
    assert "You will hear back by" in response.content.decode()
    assert Application.objects.get().candidate == candidate


def test_an_empty_answer_is_explained(client_for, candidate, published):
    response = client_for(candidate).post(reverse("applications:apply", args=[published.uuid]), {"answer_0": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_reviewer_page_is_blind_then_reveals(client_for, candidate, bob, published):
    application = services.apply(published, candidate=candidate, answers=ANSWER)
    client = client_for(bob)
    page = client.get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert "Applicant 1" in page
    assert candidate.email not in page
    client.post(reverse("applications:reviewer_action", args=[application.uuid, "shortlist"]))
    page = client.get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert candidate.email in page


def test_my_applications_page_with_an_empty_state(client_for, candidate):
    assert (
        "have not applied to anything yet" in client_for(candidate).get(reverse("applications:mine")).content.decode()
    )


def test_a_reviewer_declines_with_a_chosen_template_or_their_own_words(
    client_for, bob, published, candidate, django_capture_on_commit_callbacks
):
    from conftest import make_user
    from rung.notifications.models import Notification

    other = make_user("other@student.example", "Other Candidate")
    first = services.apply(published, candidate=candidate, answers=ANSWER)
    second = services.apply(published, candidate=other, answers=ANSWER)
    client = client_for(bob)
    page = client.get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert "we needed more experience with Data visualisation, Python" in page  # the skills template, filled in
    with django_capture_on_commit_callbacks(execute=True):  # the candidates are told when the rejection commits
        client.post(reverse("applications:reviewer_action", args=[first.uuid, "reject"]), {"template": "skills"})
        client.post(
            reverse("applications:reviewer_action", args=[second.uuid, "reject"]),
            {"template": "skills", "message": "Thank you! We chose someone who had used our exact tools."},
        )
    assert (
        "more experience with Data visualisation, Python"
        in Notification.objects.get(recipient=candidate, verb="application.rejected").body
    )
    assert Notification.objects.get(recipient=other, verb="application.rejected").body.startswith("Thank you! We chose")
