"""Diversity of the pool: groups under 5 are "fewer than 5"; the four-fifths flag, by hand."""

import pytest

from rung.pilots import selectors


@pytest.fixture
def gender(board):
    return next(t for t in board.diversity if t.field == "gender")


def test_groups_under_five_people_are_fewer_than_five(gender):
    groups = {g.value: g for g in gender.groups}
    assert groups["non_binary"].applied is None  # 2 people
    assert all(s.count in (None, 0) and s.ratio is None for s in groups["non_binary"].stages)
    assert groups["woman"].applied == 6
    assert groups["man"].applied == 8


def test_cells_of_one_to_four_people_are_withheld(gender):
    woman = dict(zip(gender.stage_keys, next(g for g in gender.groups if g.value == "woman").stages, strict=True))
    assert woman["shortlisted"].count == 5
    assert woman["offered"].count is None  # 4 women were offered a micro-internship


def test_the_four_fifths_flag_by_hand(gender):
    rows = {g.value: dict(zip(gender.stage_keys, g.stages, strict=True)) for g in gender.groups}
    # Shortlisted: women 5 of 6, men 5 of 8; the highest rate is the women's.
    women, men = 5 / 6, 5 / 8
    assert rows["woman"]["shortlisted"].ratio == 1.0
    assert not rows["woman"]["shortlisted"].flagged
    assert rows["man"]["shortlisted"].ratio == pytest.approx(men / women, abs=1e-3)
    assert men / women == 0.75
    assert rows["man"]["shortlisted"].flagged
    # Offered: women's 4 are withheld, so the men (5 of 5) are compared with nobody but themselves.
    assert rows["woman"]["offered"].ratio is None
    assert rows["man"]["offered"].ratio == 1.0


def test_a_rate_under_four_fifths_of_the_best_is_flagged():
    groups = {
        "a": {"applied": 10, "shortlisted": 10},
        "b": {"applied": 10, "shortlisted": 7},
        "c": {"applied": 3, "shortlisted": 3},
    }
    out = selectors._ratios(groups, "shortlisted", "applied")
    assert out["a"] == (1.0, False)
    assert out["b"] == (0.7, True)
    assert out["c"] == (None, False)  # fewer than 5 at the stage before


def test_only_the_deployments_questions_are_shown(settings, pilot):
    settings.PILOTS_DIVERSITY_FIELDS = ["age_band"]
    board = selectors.pilot_dashboard(pilot)
    assert [t.field for t in board.diversity] == ["age_band"]
    assert next(g for g in board.diversity[0].groups if g.value == "").applied == 16
