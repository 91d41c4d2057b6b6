import pytest
from django.urls import reverse

from rung.profiles.selectors import get_or_create_profile

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "headline": "Designer",
        "bio": "",
        "skills": ["figma", "ui-design"],
        "other_skills": "Welsh, Origami",
        "hours_per_week": "10",
        "timezone": "Europe/Berlin",
        "location": "Berlin",
        "remote_preference": "remote",
        "institution": "Open University",
        "programme": "",
        "expected_graduation": "",
        "links": "https://x.example",
        "windows-TOTAL_FORMS": "2",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "12",
        "windows-0-starts_on": "2027-03-01",
        "windows-0-ends_on": "2027-04-01",
        "windows-1-starts_on": "",
        "windows-1-ends_on": "",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("profiles:edit"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_the_profile_page_saves_and_shows_completeness(client_for, charlie):
    client = client_for(charlie)
    response = client.post(reverse("profiles:edit"), _form(), follow=True)
    assert "Your profile has been saved." in response.content.decode()
    profile = get_or_create_profile(charlie)
    assert {s.name for s in profile.skills.all()} == {"Figma", "UI design", "Welsh", "Origami"}
    assert profile.windows.count() == 1
    page = client.get(reverse("profiles:edit")).content.decode()
    assert "Origami" in page
    assert "2027-03-01" in page


def test_bad_links_and_half_windows_are_explained(client_for, charlie):
    response = client_for(charlie).post(
        reverse("profiles:edit"), _form(links="ftp://nope", **{"windows-1-starts_on": "2027-05-01"})
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "is not a web address" in body
    assert "Give both the first and the last day" in body
    assert get_or_create_profile(charlie).headline == ""


def test_each_person_edits_only_their_own_profile(client_for, alice, charlie):
    client_for(charlie).post(reverse("profiles:edit"), _form(headline="Charlie's headline"))
    page = client_for(alice).get(reverse("profiles:edit")).content.decode()
    assert "Charlie&#x27;s headline" not in page
    assert "Charlie's headline" not in page
