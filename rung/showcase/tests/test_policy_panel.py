"""The project page's showcase settings: owners and managers mark a project confidential or open it to
licensing from the page; reviewers and outsiders neither see the form nor can post it."""

import pytest
from django.urls import reverse

from rung.showcase.models import ConsentStatus, ShowcasePolicy

pytestmark = pytest.mark.django_db


def test_the_owner_sees_the_settings_and_a_reviewer_does_not(client_for, published, alice, bob):
    page = reverse("projects:detail", args=[published.uuid])
    form = reverse("showcase:policy", args=[published.uuid])
    assert form in client_for(alice).get(page).content.decode()
    assert form not in client_for(bob).get(page).content.decode()


def test_the_owner_marks_a_project_confidential_and_opens_another_to_licensing(client_for, published, alice):
    client = client_for(alice)
    url = reverse("showcase:policy", args=[published.uuid])
    response = client.post(url, {"licensing_opt_in": "on"})
    assert response.status_code == 302
    policy = ShowcasePolicy.objects.get(project=published)
    assert (policy.confidential, policy.licensing_opt_in) == (False, True)
    # The page now shows both boxes as they are.
    body = client.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    assert 'name="licensing_opt_in" checked' in body
    assert 'name="confidential" checked' not in body
    # Confidential wins over licensing: a confidential project is never offered for licence.
    client.post(url, {"confidential": "on", "licensing_opt_in": "on"})
    policy.refresh_from_db()
    assert (policy.confidential, policy.licensing_opt_in) == (True, False)


def test_confidential_withdraws_a_consent_already_given(client_for, queued, alice):
    client_for(alice).post(reverse("showcase:policy", args=[queued.engagement.project.uuid]), {"confidential": "on"})
    queued.refresh_from_db()
    assert queued.consent_status == ConsentStatus.WITHDRAWN


def test_a_reviewer_and_an_outsider_cannot_set_it(client_for, published, bob, charlie):
    url = reverse("showcase:policy", args=[published.uuid])
    assert client_for(bob).post(url, {"confidential": "on"}).status_code == 302  # refused with a message
    assert client_for(charlie).post(url, {"confidential": "on"}).status_code == 404
    assert not ShowcasePolicy.objects.filter(project=published).exists()
