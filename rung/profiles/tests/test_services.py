from datetime import date

import pytest

from rung.audit.models import AuditEvent
from rung.lib.errors import DomainError
from rung.profiles import services
from rung.profiles.models import AvailabilityWindow, Skill
from rung.profiles.selectors import get_or_create_profile, profile_completeness

pytestmark = pytest.mark.django_db


def _full_input(**overrides) -> services.ProfileInput:
    data = services.ProfileInput(
        headline="Data student",
        hours_per_week=15,
        timezone="Europe/London",
        location="Leeds, UK",
        institution="Riverside University",
        links=["https://example.com/me"],
        skill_slugs=["python", "sql", "excel"],
        windows=[(date(2027, 1, 4), date(2027, 2, 1))],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def test_the_vocabulary_is_seeded():
    assert Skill.objects.filter(curated=True, slug="python").exists()


def test_an_empty_profile_lists_everything_missing(charlie):
    completeness = profile_completeness(get_or_create_profile(charlie))
    assert completeness.percent == 0
    assert "a headline that says what you do" in completeness.missing


def test_a_full_profile_is_complete_and_audited(charlie):
    profile = services.update_profile(charlie, data=_full_input())
    assert profile_completeness(profile).percent == 100
    assert profile.windows.count() == 1
    assert AuditEvent.objects.filter(verb="profile.updated", actor=charlie).exists()


def test_free_skills_are_added_once_case_insensitively(charlie, alice):
    services.update_profile(charlie, data=_full_input(other_skills=["Welsh", "  welsh "]))
    services.update_profile(alice, data=_full_input(other_skills=["WELSH"]))
    assert Skill.objects.filter(name__iexact="welsh").count() == 1
    assert not Skill.objects.get(name__iexact="welsh").curated


def test_unknown_vocabulary_slugs_are_refused_and_nothing_is_saved(charlie):
    with pytest.raises(DomainError, match="Unknown skill"):
        services.update_profile(charlie, data=_full_input(skill_slugs=["basket-weaving-9000"]))
    assert not AvailabilityWindow.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours_per_week": 0}, "between 1 and 60"),
        ({"windows": [(date(2027, 2, 1), date(2027, 1, 1))]}, "end on or after"),
        ({"timezone": "Mars/Olympus"}, "not a valid choice"),
        ({"links": [f"https://e.com/{i}" for i in range(11)]}, "at most 10"),
    ],
)
def test_bad_values_are_refused_with_a_readable_message(charlie, overrides, message):
    with pytest.raises(DomainError, match=message):
        services.update_profile(charlie, data=_full_input(**overrides))
    assert not AvailabilityWindow.objects.exists()
