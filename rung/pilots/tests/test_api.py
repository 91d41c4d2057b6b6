"""The pilots API, through the real URLconf, for owners, staff and everyone who must be refused."""

import pytest

from conftest import make_user
from rung.accounts.services import create_api_token
from rung.applications.models import Application
from rung.orgs.models import Membership, Organisation, OrgKind, Role
from rung.pilots.models import DiversityAnswers, Pilot
from rung.pilots.tests.fill import make_project

BODY = {"name": "API pilot", "starts_on": "2026-09-01", "ends_on": "2026-12-01", "target_nps": 40}


def _base(p):
    return f"/api/v1/pilots/orgs/{p.organisation.slug}/{p.uuid}"


def test_the_owner_reads_the_dashboard_as_json(api_for, alice, pilot):
    response = api_for(alice).get(_base(pilot) + "/dashboard")
    assert response.status_code == 200
    tables = response.json()["tables"]
    funnel = {r["stage"]: r for r in tables["funnel"]["rows"]}
    assert funnel["applied"]["count"] == 16
    assert funnel["hired"]["count"] == 2
    (eur,) = tables["cost"]["rows"]
    assert eur["per_hire_minor"] == 271500
    gender = tables["diversity-gender"]["rows"]
    assert {r["count"] for r in gender if r["group"] == "non_binary"} <= {None, 0}


def test_the_owner_manages_pilots(api_for, alice, org):
    project = make_project(org, "API project")
    client = api_for(alice)
    created = client.post(
        f"/api/v1/pilots/orgs/{org.slug}", {**BODY, "projects": [str(project.uuid)]}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    pilot = Pilot.objects.get(name="API pilot")
    assert created.json()["projects"] == [str(project.uuid)]
    listed = client.get(f"/api/v1/pilots/orgs/{org.slug}").json()
    assert [p["name"] for p in listed["items"]] == ["API pilot"]
    changed = client.put(_base(pilot), {**BODY, "name": "Renamed", "projects": []}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["projects"] == []
    assert client.delete(_base(pilot)).status_code == 204
    assert not Pilot.objects.exists()


def test_bad_input_gets_a_clear_message_and_writes_nothing(api_for, alice, org):
    client = api_for(alice)
    backwards = client.post(
        f"/api/v1/pilots/orgs/{org.slug}", {**BODY, "ends_on": "2026-01-01"}, content_type="application/json"
    )
    assert backwards.status_code == 400
    assert "cannot end before it starts" in backwards.json()["detail"]
    foreign = Organisation.objects.create(name="Else", slug="else", kind=OrgKind.EMPLOYER)
    theirs = make_project(foreign, "Theirs")
    stolen = client.post(
        f"/api/v1/pilots/orgs/{org.slug}", {**BODY, "projects": [str(theirs.uuid)]}, content_type="application/json"
    )
    assert stolen.status_code == 400
    assert "own projects" in stolen.json()["detail"]
    assert (
        client.post(
            f"/api/v1/pilots/orgs/{org.slug}", {**BODY, "target_nps": 500}, content_type="application/json"
        ).status_code
        == 422
    )
    assert not Pilot.objects.exists()


@pytest.fixture
def other_owner(db):
    user = make_user("olga@other.example", "Olga Other")
    other = Organisation.objects.create(name="Other Ltd", slug="other", kind=OrgKind.EMPLOYER)
    Membership.objects.create(organisation=other, user=user, role=Role.OWNER)
    return user


@pytest.mark.parametrize("who", ["bob", "charlie", "other_owner", "candidate"])
def test_outsiders_are_refused(request, api_for, pilot, who):
    if who == "candidate":
        user = Application.objects.filter(project__pilots=pilot).select_related("candidate")[0].candidate
    else:
        user = request.getfixturevalue(who)
    client = api_for(user)
    expected = 403 if who == "bob" else 404
    assert client.get(_base(pilot) + "/dashboard").status_code == expected
    assert client.get(_base(pilot)).status_code == expected
    assert client.get(f"/api/v1/pilots/orgs/{pilot.organisation.slug}").status_code == expected
    assert client.put(_base(pilot), BODY, content_type="application/json").status_code == expected
    assert client.delete(_base(pilot)).status_code == expected
    assert (
        client.post(f"/api/v1/pilots/orgs/{pilot.organisation.slug}", BODY, content_type="application/json").status_code
        == expected
    )
    assert client.get("/api/v1/pilots/platform/dashboard").status_code == 404
    assert Pilot.objects.filter(pk=pilot.pk, name="Spring pilot").exists()


def test_staff_read_but_do_not_change(api_for, sam, pilot):
    client = api_for(sam)
    assert client.get(_base(pilot) + "/dashboard").status_code == 200
    assert client.get("/api/v1/pilots/platform/dashboard").status_code == 200
    assert client.delete(_base(pilot)).status_code == 403
    assert Pilot.objects.filter(pk=pilot.pk).exists()


def test_a_read_only_token_cannot_create(alice, org):
    from django.test import Client

    _, raw = create_api_token(alice, name="ro", scopes=["read"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(f"/api/v1/pilots/orgs/{org.slug}").status_code == 200
    assert client.post(f"/api/v1/pilots/orgs/{org.slug}", BODY, content_type="application/json").status_code == 403


def test_a_person_manages_their_own_diversity_answers(api_for, charlie):
    client = api_for(charlie)
    assert client.get("/api/v1/pilots/me/diversity").json()["gender"] == ""
    saved = client.put(
        "/api/v1/pilots/me/diversity", {"gender": "man", "disability": "yes"}, content_type="application/json"
    )
    assert saved.status_code == 200
    assert saved.json()["disability"] == "yes"
    bad = client.put("/api/v1/pilots/me/diversity", {"gender": "robot"}, content_type="application/json")
    assert bad.status_code == 400
    assert DiversityAnswers.objects.get(user=charlie).gender == "man"
    assert client.delete("/api/v1/pilots/me/diversity").status_code == 204
    assert not DiversityAnswers.objects.filter(user=charlie).exists()
