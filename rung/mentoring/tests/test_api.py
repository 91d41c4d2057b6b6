"""The mentoring API does what the pages do; outsiders get 404 and refusals the one error shape."""

import pytest

from rung.mentoring import services
from rung.mentoring.models import CheckIn, Pairing, PairingStatus


@pytest.fixture
def proposed(interns, mentor, alice) -> Pairing:
    return services.pair_by_hand(interns[0], mentor=mentor, actor=alice)


def test_a_mentor_answers_records_and_a_mentee_rates_through_the_api(api_for, proposed, mentor):
    as_mentor = api_for(mentor)
    answered = as_mentor.post(
        f"/api/v1/mentoring/pairings/{proposed.uuid}/answer", {"accept": True}, content_type="application/json"
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "active"
    listed = as_mentor.get(f"/api/v1/mentoring/pairings/{proposed.uuid}/check-ins").json()
    first = listed[0]
    CheckIn.objects.filter(uuid=first["uuid"]).update(due_at="2020-01-01T10:00:00Z")
    recorded = as_mentor.post(
        f"/api/v1/mentoring/check-ins/{first['uuid']}/record",
        {"status": "held", "summary": "Read the brief", "private_notes": "shy"},
        content_type="application/json",
    )
    assert recorded.status_code == 200, recorded.content
    as_mentee = api_for(proposed.engagement.candidate)
    rated = as_mentee.post(
        f"/api/v1/mentoring/check-ins/{first['uuid']}/rating", {"rating": 4}, content_type="application/json"
    )
    assert rated.json()["rating"] == 4
    assert rated.json()["private_notes"] == "shy"


def test_a_coordinator_matches_and_publishes_through_the_api(api_for, org, interns, mentor, alice):
    as_alice = api_for(alice)
    run = as_alice.post(
        f"/api/v1/mentoring/orgs/{org.slug}/matching", {"accredited_only": True}, content_type="application/json"
    )
    assert run.status_code == 201, run.content
    assert len(run.json()["proposal"]) == 2
    published = as_alice.post(f"/api/v1/mentoring/matching/{run.json()['uuid']}/publish")
    assert len(published.json()["pairings"]) == 2
    assert Pairing.objects.filter(status=PairingStatus.PROPOSED).count() == 2


def test_outsiders_and_reviewers_get_404(api_for, org, proposed, charlie, bob):
    for person in (charlie, bob):
        client = api_for(person)
        assert client.get(f"/api/v1/mentoring/pairings/{proposed.uuid}").status_code == 404
        assert (
            client.post(f"/api/v1/mentoring/orgs/{org.slug}/matching", {}, content_type="application/json").status_code
            == 404
        )
        refused = client.post(
            f"/api/v1/mentoring/pairings/{proposed.uuid}/answer", {"accept": True}, content_type="application/json"
        )
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"
    proposed.refresh_from_db()
    assert proposed.status == PairingStatus.PROPOSED


def test_capacity_is_refused_in_the_error_shape(api_for, org, interns, alice):
    from rung.mentoring.tests.conftest import make_mentor

    solo = make_mentor(org, "solo@acme.example", "Solo", capacity=1)
    as_alice = api_for(alice)
    first = as_alice.post(
        f"/api/v1/mentoring/orgs/{org.slug}/pairings",
        {"engagement": str(interns[0].uuid), "mentor_email": solo.email},
        content_type="application/json",
    )
    assert first.status_code == 201
    second = as_alice.post(
        f"/api/v1/mentoring/orgs/{org.slug}/pairings",
        {"engagement": str(interns[1].uuid), "mentor_email": solo.email},
        content_type="application/json",
    )
    assert second.status_code == 400
    assert second.json()["code"] == "capacity"


def test_a_knowledge_check_through_the_api(api_for, charlie):
    from rung.mentoring.models import TrainingModule

    module = TrainingModule.objects.get(slug="safeguarding")
    answers = [q.correct for q in module.questions.all()]
    response = api_for(charlie).post(
        f"/api/v1/mentoring/training/{module.slug}/attempts", {"answers": answers}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["passed"] is True
    short = api_for(charlie).post(
        f"/api/v1/mentoring/training/{module.slug}/attempts", {"answers": [0]}, content_type="application/json"
    )
    assert short.status_code == 400
