"""The showcase API through the real URLconf: public reads, the author's own items, consent, reports."""

from django.test import Client

from rung.showcase import services
from rung.showcase.models import ConsentStatus, Report

BASE = "/api/v1/showcase"


def test_the_public_list_and_item_show_only_published_work(public_item):
    client = Client()
    listed = client.get(f"{BASE}/items").json()
    assert [i["slug"] for i in listed["items"]] == [public_item.slug]
    assert client.get(f"{BASE}/items/{public_item.slug}").json()["title"] == public_item.title


def test_unpublished_items_are_404_to_everyone_on_the_public_endpoints(item, api_for, charlie):
    assert Client().get(f"{BASE}/items/{item.slug}").status_code == 404
    assert api_for(charlie).get(f"{BASE}/items/{item.slug}").status_code == 404
    assert Client().get(f"{BASE}/items").json()["items"] == []


def test_the_author_sees_their_items_and_others_see_none(item, api_for, candidate, charlie):
    assert [i["status"] for i in api_for(candidate).get(f"{BASE}/mine").json()["items"]] == ["draft"]
    assert api_for(charlie).get(f"{BASE}/mine").json()["items"] == []
    assert Client().get(f"{BASE}/mine").status_code == 401


def test_consent_through_the_api(item, candidate, api_for, alice, bob, charlie):
    services.request_consent(item, author=candidate)
    url = f"{BASE}/items/{item.slug}/consent"
    assert api_for(charlie).post(url, {"approve": True}, content_type="application/json").status_code == 404
    assert api_for(bob).post(url, {"approve": True}, content_type="application/json").status_code == 403
    refused = api_for(alice).post(url, {"approve": False, "reason": "no"}, content_type="application/json")
    assert refused.status_code == 400
    done = api_for(alice).post(url, {"approve": True}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["consent_status"] == ConsentStatus.APPROVED


def test_reports_through_the_api(public_item, item, api_for, charlie):
    body = {"kind": "item", "target_uuid": str(public_item.uuid), "reason": "It shows a live password."}
    response = api_for(charlie).post(f"{BASE}/reports", body, content_type="application/json")
    assert response.status_code == 201
    assert Report.objects.count() == 1
    bad = api_for(charlie).post(f"{BASE}/reports", {**body, "kind": "nonsense"}, content_type="application/json")
    assert bad.status_code == 404
