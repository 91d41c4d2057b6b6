import pytest
from django.db import connection

from rung.audit.models import AppendOnlyError, AuditEvent
from rung.audit.services import record, record_many

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_verb_object_and_data(alice, org):
    event = record("org.member.invited", actor=alice, obj=org, data={"email": "x@y.example"}, ip_address="10.1.2.3")
    assert (event.actor_email, event.verb, event.object_type, event.object_id) == (
        alice.email,
        "org.member.invited",
        "orgs.Organisation",
        str(org.uuid),
    )
    assert event.data == {"email": "x@y.example"}
    assert event.ip_address == "10.1.2.3"


def test_record_many_writes_one_event_per_object_in_one_insert(alice, org, django_assert_num_queries):
    with django_assert_num_queries(1):
        record_many("org.reviewed", actor=alice, items=[(org, {"n": 1}), (alice, {"n": 2})])
    events = list(AuditEvent.objects.filter(verb="org.reviewed").order_by("data__n"))
    assert [(e.object_type, e.object_id, e.data) for e in events] == [
        ("orgs.Organisation", str(org.uuid), {"n": 1}),
        ("accounts.User", str(alice.uuid), {"n": 2}),
    ]
    assert {e.actor_email for e in events} == {alice.email}


def test_record_many_of_an_anonymous_actor_names_nobody(org):
    record_many("org.reviewed", actor=None, items=[(org, {})])
    event = AuditEvent.objects.get(verb="org.reviewed")
    assert (event.actor, event.actor_email) == (None, "")


def test_events_cannot_be_changed_or_deleted_through_the_orm(alice):
    event = record("test.happened", actor=alice)
    event.verb = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.postgres_only
def test_postgresql_refuses_raw_updates_of_events(alice):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    from django.db import DatabaseError, transaction

    event = record("test.happened", actor=alice)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = 'x' WHERE id = %s", [event.pk])


def test_requests_record_the_client_ip(client_for, alice, org):
    client_for(alice).post(f"/orgs/{org.slug}/edit/", {"name": "Acme Renamed"}, REMOTE_ADDR="192.0.2.7")
    assert AuditEvent.objects.get(verb="org.updated").ip_address == "192.0.2.7"


def test_staff_can_browse_but_not_edit_events_in_the_admin(client_for, sam, alice):
    event = record("test.happened", actor=alice)
    client = client_for(sam)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403


def test_people_who_are_not_staff_cannot_browse_the_trail(client_for, alice):
    response = client_for(alice).get("/admin/audit/auditevent/")
    assert response.status_code == 302
