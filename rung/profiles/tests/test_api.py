import pytest

pytestmark = pytest.mark.django_db


def test_profile_needs_authentication(client):
    assert client.get("/api/v1/profile").status_code == 401
    assert client.put("/api/v1/profile", {}, content_type="application/json").status_code == 401


def test_put_then_get_profile(api_for, charlie):
    client = api_for(charlie)
    response = client.put(
        "/api/v1/profile",
        {
            "headline": "Analyst",
            "hours_per_week": 12,
            "skills": ["python"],
            "other_skills": ["Welsh"],
            "links": ["https://me.example"],
            "windows": [{"starts_on": "2027-01-01", "ends_on": "2027-02-01"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = client.get("/api/v1/profile").json()
    assert body["headline"] == "Analyst"
    assert {s["slug"] for s in body["skills"]} == {"python", "welsh"}
    assert "your time zone" in body["completeness"]["missing"]


def test_invalid_profile_fields_are_reported_per_field(api_for, charlie):
    response = api_for(charlie).put(
        "/api/v1/profile",
        {
            "hours_per_week": 99,
            "links": ["not a url"],
            "windows": [{"starts_on": "2027-02-01", "ends_on": "2027-01-01"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "hours_per_week" in fields
    assert any(f.startswith("links") for f in fields)
    assert any(f.startswith("windows") for f in fields)


def test_an_unknown_skill_is_a_400_with_the_field(api_for, charlie):
    response = api_for(charlie).put("/api/v1/profile", {"skills": ["nope"]}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "skills", "message": "Unknown skill: nope."}]


def test_a_profile_is_private_to_its_owner(api_for, alice, charlie):
    api_for(charlie).put("/api/v1/profile", {"headline": "Charlie only"}, content_type="application/json")
    assert api_for(alice).get("/api/v1/profile").json()["headline"] == ""


def test_the_skill_vocabulary_is_public_and_searchable(client):
    body = client.get("/api/v1/profile/skills?q=pyth").json()
    assert [s["slug"] for s in body["items"]] == ["python"]
