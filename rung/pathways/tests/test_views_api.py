"""Pages and endpoints, including for the people who must not see them."""

import pytest
from django.urls import reverse

from conftest import make_user
from rung.orgs.models import Membership, Role
from rung.pathways import services
from rung.pathways.models import Decision, Pathway
from rung.pathways.tests.conftest import ladder_input
from rung.reviews.selectors import rubric_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(org, alice, project):
    name = rubric_for(project).criteria.order_by("position", "id")[0].name
    return services.create_pathway(org, actor=alice, data=ladder_input(name))


@pytest.fixture
def viewer(org):
    user = make_user("val@acme.example", "Val Viewer")
    Membership.objects.create(organisation=org, user=user, role=Role.VIEWER)
    return user


def test_an_employer_builds_a_ladder_on_the_page(org, alice, client_for):
    response = client_for(alice).post(
        reverse("pathways:new", args=["acme"]),
        {
            "title": "Analyst ladder",
            "skills": "python",
            "step1-kind": "interview",
            "step1-title": "Interview",
            "step1-completed": "1",
            "step1-mentor": "on",
            "step2-kind": "role",
            "step2-title": "Junior analyst",
            "step2-role_title": "Junior data analyst",
        },
    )
    assert response.status_code == 302
    pathway = Pathway.objects.get()
    assert [s.title for s in pathway.steps.order_by("position")] == ["Interview", "Junior analyst"]
    assert [c.kind for c in pathway.steps.get(position=1).criteria.all()] == ["completed", "mentor"]


def test_the_ladder_pages_refuse_outsiders_and_roles_without_the_right(ladder, org, bob, charlie, viewer, client_for):
    detail = reverse("pathways:detail", args=["acme", ladder.uuid])
    assert client_for(charlie).get(detail).status_code == 404
    assert client_for(viewer).get(detail).status_code == 403
    assert client_for(bob).get(detail).status_code == 200
    assert client_for(charlie).get(reverse("pathways:organisation", args=["acme"])).status_code == 404
    assert client_for(bob).get(reverse("pathways:new", args=["acme"])).status_code == 403


def test_the_employer_moves_someone_up_and_the_candidate_sees_it(ladder, nia, bob, charlie, complete, client_for):
    complete(nia)
    detail = client_for(bob).get(reverse("pathways:detail", args=["acme", ladder.uuid])).content.decode()
    assert "4 of 5 criteria met for interview" in detail
    move = reverse("pathways:move", args=["acme", ladder.uuid])
    assert client_for(charlie).post(move, {"candidate": str(nia.uuid), "reason": "x"}).status_code == 404
    assert client_for(bob).post(move, {"candidate": str(nia.uuid), "reason": "Clear, careful work."}).status_code == 302
    assert Decision.objects.get().reason == "Clear, careful work."
    mine = client_for(nia).get(reverse("pathways:mine")).content.decode()
    assert "0 of 1 criteria met for offer" in mine
    assert "Data analyst ladder" not in client_for(charlie).get(reverse("pathways:mine")).content.decode()


def test_the_api_builds_reads_and_moves(ladder, org, alice, bob, charlie, nia, complete, api_for):
    complete(nia)
    body = {"title": "Second ladder", "steps": [{"kind": "interview", "title": "Interview"}]}
    assert api_for(charlie).post("/api/v1/pathways/orgs/acme", body, content_type="application/json").status_code == 404
    assert api_for(bob).post("/api/v1/pathways/orgs/acme", body, content_type="application/json").status_code == 403
    created = api_for(alice).post("/api/v1/pathways/orgs/acme", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["steps"][0]["title"] == "Interview"
    standings = api_for(bob).get(f"/api/v1/pathways/orgs/acme/{ladder.uuid}/standings")
    assert [s["summary"] for s in standings.json()] == ["4 of 5 criteria met for interview"]
    assert api_for(charlie).get(f"/api/v1/pathways/orgs/acme/{ladder.uuid}/standings").status_code == 404
    url = f"/api/v1/pathways/orgs/acme/{ladder.uuid}/move-up"
    refused = api_for(bob).post(url, {"candidate": str(nia.uuid), "reason": " "}, content_type="application/json")
    assert refused.status_code == 400
    moved = api_for(bob).post(url, {"candidate": str(nia.uuid), "reason": "Ready."}, content_type="application/json")
    assert moved.json()["step"] == 1
    mine = api_for(nia).get("/api/v1/pathways/mine").json()
    assert {s["pathway_title"]: s["step"] for s in mine} == {"Data analyst ladder": 1, "Second ladder": 0}


def test_the_candidate_dashboard_shows_where_they_stand(ladder, nia, alice, complete, client_for):
    from rung.outcomes import services as outcomes

    complete(nia)
    outcomes.record_outcome(
        ladder.organisation, candidate=nia, actor=alice, data=outcomes.OutcomeInput(stage="invited")
    )
    body = client_for(nia).get("/").content.decode()
    assert "Your career ladders" in body
    assert "“Data analyst ladder”: 4 of 5 criteria met for interview" in body
    assert "1 outcome to confirm" in body
