"""The recognition API through the real URLconf, for the people allowed and for outsiders."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rung.accounts.services import create_api_token
from rung.recognition import services
from rung.recognition.models import Endorsement, Nomination

STATEMENT = "Careful, clear work on a messy data set; explained every choice."
WHY = "Rebuilt the survey pipeline alone in a week and wrote docs the whole team now uses."


def test_a_reviewer_endorses_through_the_api_and_an_outsider_cannot(api_for, credential, bob, charlie) -> None:
    url = "/api/v1/recognition/endorsements"
    refused = api_for(charlie).post(
        url, {"credential": str(credential.uuid), "statement": STATEMENT}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert not Endorsement.objects.exists()
    made = api_for(bob).post(
        url, {"credential": str(credential.uuid), "statement": STATEMENT}, content_type="application/json"
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["capacity"], body["kind"], body["hidden"]) == ("reviewer", "credential", False)
    assert Endorsement.objects.get(uuid=body["uuid"]).credential is not None


def test_bad_endorsement_input_is_a_clear_400(api_for, credential, bob) -> None:
    url = "/api/v1/recognition/endorsements"
    answer = api_for(bob).post(url, {"statement": STATEMENT}, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "credential"
    short = api_for(bob).post(
        url, {"credential": str(credential.uuid), "statement": "ok"}, content_type="application/json"
    )
    assert short.status_code == 400


def test_the_intern_hides_and_others_cannot_see_it(api_for, credential, bob, charlie) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    url = f"/api/v1/recognition/endorsements/{endorsement.uuid}"
    assert api_for(charlie).get(url).status_code == 404
    assert api_for(charlie).post(f"{url}/hide", {"hidden": True}, content_type="application/json").status_code == 404
    assert api_for(bob).post(f"{url}/hide", {"hidden": True}, content_type="application/json").status_code == 403
    intern = api_for(credential.recipient)
    answer = intern.post(f"{url}/hide", {"hidden": True}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["hidden"] is True
    listed = intern.get("/api/v1/recognition/endorsements").json()
    assert listed["count"] == 1
    assert api_for(charlie).get("/api/v1/recognition/endorsements").json()["count"] == 0


def test_the_endorser_withdraws(api_for, credential, bob) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    answer = api_for(bob).post(
        f"/api/v1/recognition/endorsements/{endorsement.uuid}/withdraw",
        {"reason": "Wrote it on the wrong credential"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "withdrawn"


def _round_payload(**changes):
    now = timezone.now()
    payload = {
        "title": "Outstanding micro-intern, spring round",
        "organisation": "acme",
        "cohort_kind": "organisation",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        "criteria": [{"name": "Quality of work"}, {"name": "Initiative", "weight": 2}],
    }
    payload.update(changes)
    return payload


def test_a_round_runs_through_the_api(api_for, alice, bob, pat, cohort, charlie) -> None:
    owner = api_for(alice)
    assert (
        api_for(charlie)
        .post("/api/v1/recognition/rounds", _round_payload(), content_type="application/json")
        .status_code
        == 404
    )
    created = owner.post("/api/v1/recognition/rounds", _round_payload(), content_type="application/json")
    assert created.status_code == 201, created.json()
    round_uuid = created.json()["uuid"]
    base = f"/api/v1/recognition/rounds/{round_uuid}"
    assert api_for(charlie).get(base).status_code == 404
    assert api_for(charlie).post(f"{base}/open").status_code == 404
    for person in (bob, pat):
        assert (
            owner.post(f"{base}/panelists", {"email": person.email}, content_type="application/json").status_code == 200
        )
    assert owner.post(f"{base}/open").status_code == 200
    # A panelist is not an organiser.
    assert api_for(bob).post(f"{base}/close").status_code == 403
    jon = api_for(cohort[1].candidate)
    names = {m["name"] for m in jon.get(f"{base}/cohort").json()}
    assert names == {"Ines Ortega", "Kai Lindqvist"}
    assert api_for(bob).get(f"{base}/cohort").status_code == 403
    nominee = str(cohort[0].candidate.uuid)
    nominated = jon.post(
        f"{base}/nominations",
        {"nominee": nominee, "statement": "Ines " + WHY, "evidence_links": ["https://example.org/p"]},
        content_type="application/json",
    )
    assert nominated.status_code == 201, nominated.json()
    self_nomination = api_for(cohort[0].candidate).post(
        f"{base}/nominations", {"nominee": nominee, "statement": WHY}, content_type="application/json"
    )
    assert self_nomination.status_code == 400
    assert self_nomination.json()["code"] == "self_nomination"
    assert owner.post(f"{base}/close").status_code == 200

    # Blind: the panel's answer names neither the nominee nor their school.
    assert api_for(cohort[1].candidate).get(f"{base}/panel").status_code == 403
    assert api_for(charlie).get(f"{base}/panel").status_code == 404
    rows = api_for(bob).get(f"{base}/panel")
    assert rows.status_code == 200
    text = rows.content.decode()
    assert "Ines" not in text
    assert "Ortega" not in text
    assert "ines@uni.example" not in text
    row = rows.json()[0]
    assert row["alias"] == "Nominee A"
    assert row["statement"].startswith("the nominee")
    criteria = created.json()["criteria"]
    nomination_url = f"/api/v1/recognition/nominations/{row['uuid']}"
    assert (
        api_for(charlie).post(f"{nomination_url}/score", {"levels": {}}, content_type="application/json").status_code
        == 404
    )
    high = {str(c["id"]): 4 for c in criteria}
    low = {str(c["id"]): 1 for c in criteria}
    assert (
        api_for(bob)
        .post(f"{nomination_url}/score", {"levels": high}, content_type="application/json")
        .json()["percent"]
        == 100
    )
    flagged = api_for(pat).post(f"{nomination_url}/score", {"levels": low}, content_type="application/json").json()
    assert flagged == {**flagged, "percent": 25, "flagged": True}
    decisions = {
        "decisions": [{"nomination": row["uuid"], "winner": True, "reason": "Rebuilt the pipeline for everyone."}]
    }
    blocked = owner.post(f"{base}/finalise", decisions, content_type="application/json")
    assert blocked.status_code == 400
    assert "confirm or change" in blocked.json()["detail"]
    for person in (bob, pat):
        assert api_for(person).post(f"{nomination_url}/confirm").status_code == 200
    done = owner.post(f"{base}/finalise", decisions, content_type="application/json")
    assert done.status_code == 200, done.json()
    assert done.json()[0]["outcome"] == "winner"
    assert done.json()[0]["award"]
    assert Nomination.objects.get(uuid=row["uuid"]).award is not None


@pytest.mark.parametrize(
    "changes", [{"cohort_kind": "galaxy"}, {"criteria": []}, {"spread": 0}, {"closes_at": "2020-01-01T00:00:00Z"}]
)
def test_a_bad_round_is_a_clear_4xx_and_writes_nothing(api_for, alice, cohort, changes) -> None:
    from rung.recognition.models import NominationRound

    answer = api_for(alice).post(
        "/api/v1/recognition/rounds", _round_payload(**changes), content_type="application/json"
    )
    assert answer.status_code in (400, 422)
    assert "detail" in answer.json()
    assert not NominationRound.objects.exists()


def test_endorsing_needs_the_credentials_scope_not_just_write(credential, bob) -> None:
    _, writer = create_api_token(bob, name="writer", scopes=["read", "write"])
    _, issuer = create_api_token(bob, name="issuer", scopes=["read", "write", "credentials"])
    url = "/api/v1/recognition/endorsements"
    payload = {"credential": str(credential.uuid), "statement": STATEMENT}
    refused = Client(headers={"Authorization": f"Bearer {writer}"}).post(url, payload, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert "credentials scope" in refused.json()["detail"]
    assert not Endorsement.objects.exists()
    assert Client(headers={"Authorization": f"Bearer {writer}"}).get(url).status_code == 403
    made = Client(headers={"Authorization": f"Bearer {issuer}"}).post(url, payload, content_type="application/json")
    assert made.status_code == 201, made.json()
    withdraw = f"{url}/{made.json()['uuid']}/withdraw"
    reason = {"reason": "I endorsed the wrong piece of work."}
    blocked = Client(headers={"Authorization": f"Bearer {writer}"}).post(
        withdraw, reason, content_type="application/json"
    )
    assert blocked.status_code == 403
    assert Endorsement.objects.get().status == "active"
