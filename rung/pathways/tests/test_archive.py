"""Archiving a ladder: who may, what it refuses, and what stays readable afterwards."""

import pytest
from django.urls import reverse

from conftest import make_user
from rung.accounts.services import create_api_token
from rung.audit.models import AuditEvent
from rung.orgs.models import Membership, Role
from rung.pathways import selectors, services
from rung.pathways.models import Decision, Pathway
from rung.pathways.tests.conftest import ladder_input
from rung.reviews.selectors import rubric_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(org, alice, project):
    name = rubric_for(project).criteria.order_by("position", "id")[0].name
    return services.create_pathway(org, actor=alice, data=ladder_input(name))


@pytest.fixture
def manager(org):
    user = make_user("mia@acme.example", "Mia Manager")
    Membership.objects.create(organisation=org, user=user, role=Role.MANAGER)
    return user


def archive_url(ladder: Pathway) -> str:
    return reverse("pathways:archive", args=["acme", ladder.uuid])


def test_a_manager_archives_on_the_page_and_the_ladder_leaves_the_active_lists(
    ladder, org, manager, bob, nia, complete, client_for
):
    complete(nia)
    services.move_up(ladder, candidate=nia, actor=bob, reason="Careful, clear work.")
    assert "Data analyst ladder" in client_for(nia).get("/").content.decode()
    detail = client_for(manager).get(reverse("pathways:detail", args=["acme", ladder.uuid])).content.decode()
    assert "Archive ladder" in detail

    response = client_for(manager).post(archive_url(ladder), {"confirm": "yes"})

    assert response.status_code == 302
    ladder.refresh_from_db()
    assert ladder.archived_at is not None
    assert AuditEvent.objects.filter(verb="pathway.archived", actor=manager).count() == 1
    assert list(selectors.pathways_of(org)) == []
    assert selectors.standings_for_candidate(nia) == []
    assert "Data analyst ladder" not in client_for(nia).get("/").content.decode()
    assert "Data analyst ladder" not in client_for(nia).get(reverse("pathways:mine")).content.decode()
    listing = client_for(manager).get(reverse("pathways:organisation", args=["acme"])).content.decode()
    assert "Archived ladders" in listing
    assert "Data analyst ladder" in listing
    # History stays readable: the standing, the position and the decision with its reason.
    detail = client_for(bob).get(reverse("pathways:detail", args=["acme", ladder.uuid])).content.decode()
    assert "Archived" in detail
    assert "Careful, clear work." in detail
    assert "now at “Interview”" in detail
    assert "Move up" not in detail
    assert "Archive ladder" not in detail
    assert Decision.objects.count() == 1


def test_the_page_needs_the_confirmation_box(ladder, alice, client_for):
    response = client_for(alice).post(archive_url(ladder), {}, follow=True)
    assert "Please tick the box" in response.content.decode()
    ladder.refresh_from_db()
    assert ladder.archived_at is None


def test_archiving_twice_is_refused_and_changes_nothing(ladder, alice, client_for):
    services.archive_pathway(ladder, actor=alice)
    first = Pathway.objects.get().archived_at
    with pytest.raises(services.PathwayError, match="already archived"):
        services.archive_pathway(ladder, actor=alice)
    response = client_for(alice).post(archive_url(ladder), {"confirm": "yes"}, follow=True)
    assert "This ladder is already archived." in response.content.decode()
    assert Pathway.objects.get().archived_at == first
    assert AuditEvent.objects.filter(verb="pathway.archived").count() == 1


def test_nobody_moves_up_on_an_archived_ladder(ladder, alice, bob, nia, complete):
    complete(nia)
    services.archive_pathway(ladder, actor=alice)
    with pytest.raises(services.PathwayError, match="archived"):
        services.move_up(ladder, candidate=nia, actor=bob, reason="Ready.")
    assert Decision.objects.count() == 0


def test_a_reviewer_an_outsider_and_a_viewer_may_not_archive(ladder, org, bob, charlie, client_for, api_for):
    viewer = make_user("val@acme.example", "Val Viewer")
    Membership.objects.create(organisation=org, user=viewer, role=Role.VIEWER)
    assert client_for(bob).post(archive_url(ladder), {"confirm": "yes"}).status_code == 403
    assert client_for(viewer).post(archive_url(ladder), {"confirm": "yes"}).status_code == 403
    assert client_for(charlie).post(archive_url(ladder), {"confirm": "yes"}).status_code == 404
    # The reviewer sees the ladder but not the archive button.
    detail = client_for(bob).get(reverse("pathways:detail", args=["acme", ladder.uuid])).content.decode()
    assert "Archive ladder" not in detail
    with pytest.raises(services.PermissionDenied):
        services.archive_pathway(ladder, actor=bob)
    with pytest.raises(services.NotFound):
        services.archive_pathway(ladder, actor=charlie)
    api = f"/api/v1/pathways/orgs/acme/{ladder.uuid}/archive"
    assert api_for(bob).post(api).status_code == 403
    assert api_for(charlie).post(api).status_code == 404
    assert Pathway.objects.get().archived_at is None


def test_the_api_archives_with_a_write_token_only(ladder, alice, api_for):
    from django.test import Client

    api = f"/api/v1/pathways/orgs/acme/{ladder.uuid}/archive"
    _, read_only = create_api_token(alice, name="read only", scopes=["read"])
    refused = Client(headers={"Authorization": f"Bearer {read_only}"}).post(api)
    assert refused.status_code == 403
    assert Pathway.objects.get().archived_at is None

    archived = api_for(alice).post(api)
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert api_for(alice).get("/api/v1/pathways/orgs/acme").json() == []
    again = api_for(alice).post(api)
    assert again.status_code == 400
    assert again.json()["detail"] == "This ladder is already archived."
