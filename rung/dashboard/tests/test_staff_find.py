"""Staff find any project or application by title, organisation, or the candidate's e-mail."""

import pytest
from django.urls import reverse

from rung.applications import services as applications

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:staff_find")


@pytest.mark.parametrize("who", ["charlie", "alice", "bob"])
def test_only_staff_may_search_everything(client_for, org, published, who, request):
    response = client_for(request.getfixturevalue(who)).get(URL, {"q": "volunteer"})
    assert response.status_code == 302
    assert published.title not in response.content.decode()


def test_staff_find_a_project_by_title_or_organisation_in_any_status(client_for, sam, published, draft):
    client = client_for(sam)
    body = client.get(URL, {"q": "volunteer"}).content.decode()
    assert reverse("projects:detail", args=[published.uuid]) in body
    assert reverse("projects:detail", args=[published.uuid]) in client.get(URL, {"q": "acme"}).content.decode()


def test_staff_find_an_application_by_the_candidates_email(client_for, sam, published, candidate):
    applications.apply(published, candidate=candidate, answers=["A line chart."])
    body = client_for(sam).get(URL, {"q": candidate.email.upper()}).content.decode()
    assert candidate.full_name in body
    assert "submitted" in body


def test_an_empty_search_lists_nothing_and_a_miss_says_so(client_for, sam, published):
    client = client_for(sam)
    assert published.title not in client.get(URL).content.decode()
    body = client.get(URL, {"q": "zzz-nothing"}).content.decode()
    assert "No project matches" in body
    assert "No application matches" in body
