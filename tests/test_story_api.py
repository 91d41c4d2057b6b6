"""The whole micro-internship story through the JSON API alone, money and credential included:
an employer posts, funds and publishes; a candidate finds and applies; a reviewer shortlists blind
and offers; both sign; the candidate submits; the reviewer scores with the rubric and approves; the
stipend is released and paid out; the candidate holds a verifiable credential."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.credentials.verify import verify_credential
from rung.ledger.selectors import check_ledger

# Deadlines must lie between today and the planning horizon (two years).
_SOON = timezone.now().date() + timedelta(days=30)

pytestmark = pytest.mark.django_db

PROJECT = {
    "organisation": "acme",
    "title": "Map our delivery routes",
    "summary": "We want to see where our vans go "
    "and where they wait. Turn a month of GPS logs into a clear map and a one-page memo.",
    "learning_outcomes": ["Work with geospatial data"],
    "skills": ["python"],
    "duration_weeks": 2,
    "estimated_hours": 30,
    "stipend": "900.00",
    "currency": "EUR",
    "seats": 1,
    "application_deadline": _SOON.isoformat(),
    "start_date": (_SOON + timedelta(days=9)).isoformat(),
    "screening_questions": ["Which map would you draw first?"],
    "milestones": [
        {"title": "Cleaned logs", "due_offset_days": 5, "share_percent": 40},
        {"title": "Map and memo", "due_offset_days": 14, "share_percent": 60},
    ],
}
FEEDBACK = "Clean data and a clear map. Next time, label the depots and explain the outliers you dropped."


def _json(client, method, url, data=None, status=200):
    kwargs = {"content_type": "application/json"} if data is not None else {}
    response = getattr(client, method)(url, data, **kwargs) if data is not None else getattr(client, method)(url)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    return response.json() if response.content else None


def test_the_whole_story_through_the_api(api_for, alice, bob, org, settings, django_capture_on_commit_callbacks):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    employer, reviewer = api_for(alice), api_for(bob)
    nia = make_user("nia@student.example", "Nia Candidate")
    candidate = api_for(nia)

    # Post, fund, publish.
    project = _json(employer, "post", "/api/v1/projects", PROJECT, status=201)
    refused = employer.post(f"/api/v1/projects/{project['uuid']}/publish")
    assert refused.json()["code"] == "unfunded"
    assert _json(employer, "post", f"/api/v1/projects/{project['uuid']}/fund", status=201)["status"] == "confirmed"
    assert _json(employer, "post", f"/api/v1/projects/{project['uuid']}/publish")["status"] == "published"
    assert check_ledger() == []

    # Find and apply.
    found = _json(candidate, "get", "/api/v1/projects?q=delivery")
    assert [p["uuid"] for p in found["items"]] == [project["uuid"]]
    application = _json(
        candidate,
        "post",
        "/api/v1/applications",
        {"project": project["uuid"], "answers": ["The waiting times, as a heat map."]},
        status=201,
    )

    # Blind first pass, shortlist, offer, accept.
    [card] = _json(reviewer, "get", f"/api/v1/applications/review/{project['uuid']}")["items"]
    assert (card["name"], card["email"]) == (None, None)
    _json(reviewer, "post", f"/api/v1/applications/{application['uuid']}/shortlist")
    [card] = _json(reviewer, "get", f"/api/v1/applications/review/{project['uuid']}")["items"]
    assert card["email"] == nia.email
    _json(reviewer, "post", f"/api/v1/applications/{application['uuid']}/offer", {"message": "Welcome!"})
    assert _json(candidate, "post", f"/api/v1/applications/{application['uuid']}/accept")["status"] == "accepted"

    # Both sign the contract.
    [engagement] = _json(candidate, "get", "/api/v1/engagements")["items"]
    detail = _json(candidate, "get", f"/api/v1/engagements/{engagement['uuid']}")
    contract = detail["contracts"][0]
    sign = f"/api/v1/engagements/{engagement['uuid']}/contracts/{contract}/sign"
    wrong = candidate.post(sign, {"typed_name": "Someone Else", "consent": True}, content_type="application/json")
    assert wrong.status_code == 400
    _json(candidate, "post", sign, {"typed_name": "Nia Candidate", "consent": True})
    _json(employer, "post", sign, {"typed_name": "Alice Owner", "consent": True})
    detail = _json(candidate, "get", f"/api/v1/engagements/{engagement['uuid']}")
    assert detail["status"] == "active"
    # Work opens on the contract's start date: let time pass to it (without sleeping).
    from django.utils import timezone

    from rung.engagements.models import Engagement

    Engagement.objects.filter(uuid=engagement["uuid"]).update(start_date=timezone.now().date())

    # Work, review with the rubric (feedback required), approval, payout.
    rubric = _json(reviewer, "get", f"/api/v1/reviews/engagements/{engagement['uuid']}/rubric")
    scores = {str(c["id"]): c["levels"][2]["score"] for c in rubric["criteria"]}
    for milestone in detail["milestones"]:
        response = candidate.post(
            f"/api/v1/reviews/milestones/{milestone['uuid']}/submissions",
            {"notes": "Here it is.", "links": ["https://example.com/map"]},
        )
        assert response.status_code == 201, response.content
        submission = response.json()
        review_url = f"/api/v1/reviews/submissions/{submission['uuid']}/review"
        no_feedback = reviewer.post(
            review_url, {"decision": "approve", "feedback": "", "scores": scores}, content_type="application/json"
        )
        assert no_feedback.status_code in (400, 422)
        with django_capture_on_commit_callbacks(execute=True):
            _json(
                reviewer,
                "post",
                review_url,
                {"decision": "approve", "feedback": FEEDBACK, "scores": scores},
                status=201,
            )
        assert check_ledger() == []

    detail = _json(candidate, "get", f"/api/v1/engagements/{engagement['uuid']}")
    assert detail["status"] == "completed"
    earnings = _json(candidate, "get", "/api/v1/money/earnings")
    [totals] = earnings["totals"]
    assert (totals["earned_minor"], totals["paid_minor"], totals["pending_minor"]) == (900_00, 900_00, 0)
    assert {p["status"] for p in earnings["payouts"]} == {"settled"}

    # The credential: in the wallet, and it verifies.
    [credential] = _json(candidate, "get", "/api/v1/credentials")["items"]
    full = _json(candidate, "get", f"/api/v1/credentials/{credential['uuid']}")
    document = full.get("document") or full.get("verifiable_credential") or full.get("credential")
    assert document is not None, full.keys()
    assert verify_credential(document).verified
    assert check_ledger() == []
