"""Every showcase queue is reachable from the dashboard of the person who works it, with its count: the
intern's own work, an employer's consent requests, the curation queue, staff's reports — and no one
else's dashboard links them."""

import pytest
from django.urls import reverse

from rung.showcase import services
from rung.showcase.models import TargetKind

pytestmark = pytest.mark.django_db


def test_an_owner_is_told_of_a_consent_request_and_a_reviewer_is_not(client_for, item, candidate, alice, bob):
    body = client_for(alice).get("/").content.decode()
    assert "No intern is waiting for your consent" in body
    services.request_consent(item, author=candidate)
    body = client_for(alice).get("/").content.decode()
    assert "1 intern asking" in body
    assert reverse("showcase:consent_requests") in body
    assert reverse("showcase:consent_requests") not in client_for(bob).get("/").content.decode()


def test_the_consent_page_and_the_showcase_carry_the_tab_for_the_people_who_decide(client_for, org, alice, candidate):
    tab = f'href="{reverse("showcase:consent_requests")}"'
    assert tab in client_for(alice).get(reverse("showcase:index")).content.decode()
    assert tab not in client_for(candidate).get(reverse("showcase:index")).content.decode()
    own_tab = f'href="{reverse("showcase:mine")}" aria-current="page"'
    assert own_tab in client_for(candidate).get(reverse("showcase:mine")).content.decode()


def test_an_intern_with_an_engagement_is_shown_where_to_showcase_it(client_for, completed, candidate, charlie):
    body = client_for(candidate).get("/").content.decode()
    assert reverse("showcase:mine") in body
    assert reverse("showcase:portfolio_edit") in body
    # No engagement yet: nothing to show, so no link.
    assert reverse("showcase:mine") not in client_for(charlie).get("/").content.decode()


def test_a_curator_finds_the_queue_with_its_count(client_for, queued, curator, charlie):
    body = client_for(curator).get("/").content.decode()
    assert "1 item to curate" in body
    assert reverse("showcase:queue") in body
    assert reverse("showcase:queue") not in client_for(charlie).get("/").content.decode()


def test_staff_find_curation_reports_messages_and_the_platform_figures(client_for, public_item, sam, charlie, alice):
    body = client_for(sam).get("/").content.decode()
    assert "Nothing is waiting for a curator." in body
    assert "No open report about a public item." in body
    services.report_item(TargetKind.ITEM, public_item.uuid, reporter=charlie, reason="It shows a client's name.")
    body = client_for(sam).get("/").content.decode()
    assert "1 report about public items" in body
    for link in ("showcase:queue", "showcase:moderation", "messaging:moderation", "pilots:platform"):
        assert reverse(link) in body
    for person in (charlie, alice):
        assert reverse("showcase:moderation") not in client_for(person).get("/").content.decode()
