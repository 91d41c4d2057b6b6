"""The match score: each factor weighs as documented and is said in words."""

from datetime import date
from typing import Any

import pytest

from rung.mentoring.scoring import MenteeFacts, MentorFacts, WindowError, hours_apart, parse_windows, score_pair

MONDAY = date(2026, 12, 7)


def mentor(**kw) -> MentorFacts:
    base: dict[str, Any] = {
        "key": 1, "skills": {"python": "Python", "sql": "SQL", "design": "Design"},
        "languages": frozenset({"en", "de"}),
        "timezone": "Europe/Berlin", "windows": [{"day": 0, "start": "18:00", "end": "21:00"}],
        "offers": frozenset({"career_changers"}),
    }  # fmt: skip
    base.update(kw)
    return MentorFacts(**base)


def mentee(**kw) -> MenteeFacts:
    base: dict[str, Any] = {
        "key": "e", "skills": {"python": "Python", "sql": "SQL", "excel": "Excel"}, "languages": frozenset({"de"}),
        "timezone": "Europe/London", "windows": [{"day": 0, "start": "16:00", "end": "22:00"}],
        "wants": frozenset({"career_changers", "first_generation"}),
    }  # fmt: skip
    base.update(kw)
    return MenteeFacts(**base)


def test_it_adds_up_the_weighted_factors_and_says_why():
    # Berlin 18–21 is London 17–20; the mentee is free 16–22 London: 3 hours overlap on Monday.
    score = score_pair(mentor(), mentee(), week_of=MONDAY)
    # 2 skills × 10 + 3 hours × 4 + language 15 + (12 − 1 hour apart) × 2 + 1 preference × 12
    assert score.points == 20 + 12 + 15 + 22 + 12
    assert score.reasons == (
        "2 shared skills (Python, SQL)",
        "3 hours of overlapping availability a week",
        "same language (German)",
        "1 hour apart",
        "offers what was asked for: Career changers",
    )


def test_the_mentees_own_ranking_weighs_strongly():
    first = score_pair(mentor(), mentee(ranked={1: 1}), week_of=MONDAY)
    third = score_pair(mentor(), mentee(ranked={1: 3}), week_of=MONDAY)
    plain = score_pair(mentor(), mentee(), week_of=MONDAY)
    assert first.points - plain.points == 180
    assert third.points - plain.points == 60
    assert "the mentee's first choice" in first.reasons


def test_weights_are_an_organisation_setting():
    score = score_pair(mentor(), mentee(), weights={"skill": 0, "language": 100}, week_of=MONDAY)
    assert score.points == 0 + 12 + 100 + 22 + 12


def test_nothing_in_common_scores_only_for_the_time_zones():
    far = score_pair(
        mentor(skills={}, languages=frozenset({"ja"}), timezone="Asia/Tokyo", offers=frozenset()),
        mentee(),
        week_of=MONDAY,
    )
    assert far.points == 2 * (12 - 9)
    assert "no shared skills" in far.reasons
    assert "no shared language" in far.reasons
    assert "no overlapping availability" in far.reasons


def test_it_follows_daylight_saving_time():
    # New York and London are 5 hours apart in winter, 4 for two weeks in March.
    assert hours_apart("America/New_York", "Europe/London", date(2026, 1, 12)) == 5
    assert hours_apart("America/New_York", "Europe/London", date(2026, 3, 16)) == 4
    assert hours_apart("Pacific/Auckland", "Pacific/Honolulu", date(2026, 1, 12)) == 1  # the short way round


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("monday", "at most 21"),
        ([{"day": 7, "start": "09:00", "end": "10:00"}], "Monday to Sunday"),
        ([{"day": 1, "start": "9am", "end": "10:00"}], "HH:MM"),
        ([{"day": 1, "start": "10:00", "end": "09:00"}], "must be after"),
        ([{"day": True, "start": "09:00", "end": "10:00"}], "Monday to Sunday"),
    ],
)
def test_it_refuses_windows_it_cannot_read(raw, message):
    with pytest.raises(WindowError, match=message):
        parse_windows(raw)
