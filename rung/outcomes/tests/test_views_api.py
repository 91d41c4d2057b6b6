"""Pages and endpoints, including for the people who must not see them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from rung.orgs.models import Membership, Role
from rung.outcomes import services
from rung.outcomes.models import CandidateResponse, FollowUp, InternSurvey, Outcome, OutcomeSource
from rung.outcomes.services import OutcomeInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(org):
    user = make_user("val@acme.example", "Val Viewer")
    Membership.objects.create(organisation=org, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def invited(org, alice, make_intern):
    person, _ = make_intern()
    return person, services.record_outcome(org, candidate=person, actor=alice, data=OutcomeInput(stage="invited"))


def test_the_employer_records_an_outcome_on_the_page(org, alice, make_intern, client_for):
    person, _ = make_intern()
    response = client_for(alice).post(
        reverse("outcomes:organisation", args=["acme"]), {"candidate": str(person.uuid), "stage": "interviewed"}
    )
    assert response.status_code == 302
    assert Outcome.objects.get().stage == "interviewed"


def test_outsiders_get_404_and_viewers_403(org, viewer, charlie, make_intern, invited, client_for):
    person, outcome = invited
    url = reverse("outcomes:organisation", args=["acme"])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(viewer).get(url).status_code == 200
    assert client_for(viewer).post(url, {"candidate": str(person.uuid), "stage": "invited"}).status_code == 403
    advance = reverse("outcomes:advance", args=["acme", outcome.uuid])
    assert client_for(charlie).post(advance, {"stage": "interviewed"}).status_code == 404
    assert client_for(viewer).post(advance, {"stage": "interviewed"}).status_code == 403
    assert Outcome.objects.get().stage == "invited"


def test_the_candidate_confirms_on_their_page_and_nobody_else_can(invited, charlie, client_for):
    person, outcome = invited
    page = client_for(person).get(reverse("outcomes:mine"))
    assert "Acme Analytics: Invited to interview" in page.content.decode()
    assert "Acme Analytics" not in client_for(charlie).get(reverse("outcomes:mine")).content.decode()
    url = reverse("outcomes:respond", args=[outcome.uuid])
    assert client_for(charlie).post(url, {"answer": "confirm"}).status_code == 404
    assert client_for(person).post(url, {"answer": "confirm"}).status_code == 302
    outcome.refresh_from_db()
    assert outcome.candidate_response == CandidateResponse.CONFIRMED


def test_the_follow_up_form_answers_once_without_a_log_in(make_intern, client):
    make_intern(end=date(2026, 8, 31))
    services.sweep_follow_ups(today=date(2026, 11, 30))
    url = reverse("outcomes:follow_up", args=[services.follow_up_token(FollowUp.objects.get())])
    assert client.get(url).status_code == 200
    answer = {"employed": "yes", "employer_name": "Acme", "role_title": "Analyst", "through_this_employer": "yes"}
    assert "Thank you" in client.post(url, answer).content.decode()
    assert FollowUp.objects.get().through_this_employer is True
    assert "already answered" in client.get(url).content.decode()
    assert client.get(reverse("outcomes:follow_up", args=["forged"])).status_code == 404


def test_the_survey_page_is_for_the_engagement_people_only(make_intern, charlie, client_for):
    person, engagement = make_intern()
    url = reverse("outcomes:survey", args=[engagement.uuid])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(person).post(url, {"recommend": "9", "comment": "Great"}).status_code == 302
    assert InternSurvey.objects.get().recommend == 9
    # Answers are confidential: the page never shows them back.
    assert "Great" not in client_for(person).get(url).content.decode()


def test_the_employer_answers_the_survey_from_the_outcomes_page(org, bob, charlie, make_intern, client_for):
    from rung.outcomes.models import EmployerSurvey

    _, engagement = make_intern()
    page = client_for(bob).get(reverse("outcomes:organisation", args=["acme"])).content.decode()
    survey = reverse("outcomes:survey", args=[engagement.uuid])
    assert survey in page
    assert client_for(charlie).post(survey, {"platform_score": "8", "would_hire": "yes"}).status_code == 404
    assert client_for(bob).post(survey, {"platform_score": "8", "would_hire": "yes"}).status_code == 302
    assert EmployerSurvey.objects.get().would_hire == "yes"
    assert survey not in client_for(bob).get(reverse("outcomes:organisation", args=["acme"])).content.decode()


def test_an_applicant_tracking_system_pushes_through_the_api(org, alice, make_intern, api_for):
    person, _ = make_intern()
    api = api_for(alice)
    body = {"candidate_email": person.email, "stage": "invited", "external_ref": "ats-42"}
    first = api.post("/api/v1/outcomes/orgs/acme", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["source"] == OutcomeSource.API
    hire = {
        **body,
        "stage": "hired",
        "role_title": "Analyst",
        "employment_type": "full_time",
        "start_date": str(timezone.now().date()),
    }
    hired = api.post("/api/v1/outcomes/orgs/acme", hire, content_type="application/json")
    assert hired.status_code == 201
    assert hired.json()["uuid"] == first.json()["uuid"]
    outcome = Outcome.objects.get()
    assert outcome.interviewed_at is not None  # the stages skipped are marked reached
    assert outcome.offered_at is not None
    # Backwards is refused with a clear message, and nothing is written.
    again = api.post("/api/v1/outcomes/orgs/acme", hire, content_type="application/json")
    assert again.status_code == 201  # the same stage again: idempotent, unchanged
    refused = api.post("/api/v1/outcomes/orgs/acme", {**body, "stage": "invited"}, content_type="application/json")
    assert refused.status_code == 400
    assert "cannot become" in refused.json()["detail"]
    assert Outcome.objects.get().stage == "hired"
    assert Outcome.objects.count() == 1


def test_the_api_refuses_outsiders_viewers_and_bad_input(org, viewer, charlie, make_intern, api_for):
    person, _ = make_intern()
    body = {"candidate_email": person.email, "stage": "invited"}
    assert api_for(charlie).post("/api/v1/outcomes/orgs/acme", body, content_type="application/json").status_code == 404
    assert api_for(viewer).post("/api/v1/outcomes/orgs/acme", body, content_type="application/json").status_code == 403
    assert api_for(charlie).get("/api/v1/outcomes/orgs/acme").status_code == 404
    bad = api_for(org.memberships.get(role="owner").user).post(
        "/api/v1/outcomes/orgs/acme", {**body, "stage": "hired"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert not Outcome.objects.exists()


def test_the_candidate_answers_through_the_api(invited, charlie, api_for):
    person, outcome = invited
    url = f"/api/v1/outcomes/mine/{outcome.uuid}/answer"
    assert api_for(charlie).post(url, {"confirm": True}, content_type="application/json").status_code == 404
    mine = api_for(person).get("/api/v1/outcomes/mine").json()
    assert [o["uuid"] for o in mine["items"]] == [str(outcome.uuid)]
    answered = api_for(person).post(url, {"confirm": False, "note": "Not true"}, content_type="application/json")
    assert answered.json()["candidate_response"] == "disputed"


def test_the_outcome_lists_cost_the_same_at_two_sizes(org, alice, make_intern, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for _ in range(n):
            person, _ = make_intern()
            services.record_outcome(org, candidate=person, actor=alice, data=OutcomeInput(stage="invited"))

    client = client_for(alice)
    add(1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("outcomes:organisation", args=["acme"]))
    add(4)
    with CaptureQueriesContext(connection) as large:
        body = client.get(reverse("outcomes:organisation", args=["acme"])).content.decode()
    assert body.count("Invited to interview</td>") == 5
    assert len(small) == len(large)
