"""The rest of the pages' actions through the API: discard a proposal, the pool, the intern's
rankings, the evidence record, and staff's concern, suspension and pool decisions; outsiders get 404."""

from rung.mentoring import safeguarding, services
from rung.mentoring.models import Concern, MatchRun, MenteeRanking, Pairing, PairingStatus

JSON = "application/json"


def test_a_coordinator_discards_and_an_outsider_cannot(api_for, org, interns, mentor, alice, charlie, bob):
    run = services.propose_matching(org, actor=alice)
    for person in (charlie, bob):
        assert api_for(person).post(f"/api/v1/mentoring/matching/{run.uuid}/discard").status_code == 404
    response = api_for(alice).post(f"/api/v1/mentoring/matching/{run.uuid}/discard")
    assert response.status_code == 200, response.content
    assert MatchRun.objects.get(pk=run.pk).status == "discarded"
    assert api_for(alice).post(f"/api/v1/mentoring/matching/{run.uuid}/discard").status_code == 400


def test_the_pool_and_a_staff_decision(api_for, mentor, sam, charlie):
    as_mentor = api_for(mentor)
    assert as_mentor.post("/api/v1/mentoring/pool").json() == {"pool_status": "pending"}
    url = f"/api/v1/mentoring/staff/pool/{mentor.mentor_profile.uuid}?approve=true"
    assert api_for(charlie).post(url).status_code == 404
    assert api_for(mentor).post(url).status_code == 404
    assert api_for(sam).post(url).json() == {"pool_status": "approved"}
    assert as_mentor.delete("/api/v1/mentoring/pool").json() == {"pool_status": "none"}
    assert api_for(charlie).post("/api/v1/mentoring/pool").status_code == 400  # no mentor profile


def test_the_intern_ranks_mentors_and_nobody_else_can(api_for, interns, mentor, alice, charlie):
    engagement = interns[0]
    url = f"/api/v1/mentoring/engagements/{engagement.uuid}/rankings"
    body = {"mentor_emails": [mentor.email]}
    assert api_for(charlie).put(url, body, content_type=JSON).status_code == 404
    assert api_for(alice).put(url, body, content_type=JSON).status_code == 403
    response = api_for(engagement.candidate).put(url, body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json() == [mentor.email]
    assert MenteeRanking.objects.get(engagement=engagement).mentor == mentor
    missing = api_for(engagement.candidate).put(url, {"mentor_emails": ["nobody@x.example"]}, content_type=JSON)
    assert missing.status_code == 404


def test_the_evidence_record_is_ones_own(api_for, mentor, charlie):
    assert api_for(mentor).get("/api/v1/mentoring/evidence").json()["mentor"]["email"] == mentor.email
    assert api_for(charlie).get("/api/v1/mentoring/evidence").json()["mentor"]["email"] == charlie.email


def test_staff_work_a_concern_and_suspend_a_pairing_others_get_404(api_for, interns, mentor, alice, sam, charlie):
    pairing = services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    services.respond_to_pairing(pairing, actor=mentor, accept=True)
    concern = safeguarding.report_concern(interns[0], reporter=interns[0].candidate, text="Worried.")
    move = f"/api/v1/mentoring/staff/concerns/{concern.uuid}/move"
    for person in (charlie, alice, mentor):
        assert api_for(person).post(move, {"to": "in_review"}, content_type=JSON).status_code == 404
        suspend = f"/api/v1/mentoring/staff/pairings/{pairing.uuid}/suspend"
        assert api_for(person).post(suspend, {"reason": "x"}, content_type=JSON).status_code == 404
    assert api_for(sam).post(move, {"to": "in_review"}, content_type=JSON).json()["status"] == "in_review"
    bad = api_for(sam).post(move, {"to": "upheld"}, content_type=JSON)
    assert bad.status_code == 400  # the outcome is required
    assert Concern.objects.get(pk=concern.pk).status == "in_review"
    assert api_for(sam).post(move, {"to": "nowhere"}, content_type=JSON).status_code == 400
    suspended = api_for(sam).post(
        f"/api/v1/mentoring/staff/pairings/{pairing.uuid}/suspend",
        {"reason": "While we look into it"},
        content_type=JSON,
    )
    assert suspended.status_code == 200, suspended.content
    assert Pairing.objects.get(pk=pairing.pk).status == PairingStatus.SUSPENDED
    resumed = api_for(sam).post(f"/api/v1/mentoring/staff/pairings/{pairing.uuid}/resume")
    assert resumed.json()["status"] == "active"


def test_a_mentee_says_what_they_want_and_nobody_else_sees_it(api_for, interns, charlie):
    from rung.profiles.models import Skill

    intern = interns[0].candidate
    skill = Skill.objects.filter(curated=True).first()
    assert skill is not None
    assert api_for(intern).get("/api/v1/mentoring/goals").status_code == 404  # nothing said yet
    body = {
        "goal_skills": [skill.slug],
        "languages": ["en"],
        "timezone": "Europe/Berlin",
        "weekly_windows": [{"day": 1, "start": "18:00", "end": "20:00"}],
        "wants": [],
    }
    response = api_for(intern).put("/api/v1/mentoring/goals", body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["goal_skills"] == [skill.slug]
    assert api_for(intern).get("/api/v1/mentoring/goals").json()["timezone"] == "Europe/Berlin"
    # Someone else reads their own (absent) goals, never the intern's.
    assert api_for(charlie).get("/api/v1/mentoring/goals").status_code == 404
    refused = api_for(intern).put(
        "/api/v1/mentoring/goals", {**body, "goal_skills": ["no-such-skill"]}, content_type=JSON
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "goal_skills"
    assert api_for(intern).get("/api/v1/mentoring/goals").json()["goal_skills"] == [skill.slug]  # kept


def test_a_mentor_declares_a_conflict_and_the_answer_never_says_who_has_an_account(api_for, mentor, interns):
    from rung.profiles.models import Conflict

    intern = interns[0].candidate
    url = "/api/v1/mentoring/conflicts"
    assert (
        api_for(mentor).post(url, {"email": intern.email, "reason": "My cousin"}, content_type=JSON).status_code == 204
    )
    assert Conflict.objects.filter(holder=mentor, person=intern).count() == 1
    unknown = api_for(mentor).post(url, {"email": "nobody@x.example", "reason": "A friend"}, content_type=JSON)
    assert unknown.status_code == 204
    assert Conflict.objects.filter(holder=mentor).count() == 1
    myself = api_for(mentor).post(url, {"email": mentor.email, "reason": "Myself"}, content_type=JSON)
    assert myself.status_code == 400
    assert api_for(mentor).post(url, {"email": intern.email, "reason": ""}, content_type=JSON).status_code == 422
