"""Panel scoring and finalising under real concurrency (PostgreSQL): a round is never finalised with a score
or a calibration flag it did not see, a panelist has one score per nomination, and awards are issued once."""

import time
from collections.abc import Callable

import pytest

from rung.credentials.models import IssuedCredential
from rung.recognition import services
from rung.recognition.models import CriterionScore, Nomination, NominationRound, Outcome, PanelScore, RoundStatus
from tests.support import race

WHY = "Ines rebuilt the survey pipeline alone in a week and wrote docs the whole team now uses."

# The root conftest re-seeds the skills and library rubrics that earlier transactional tests emptied.
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _levels(nomination_round: NominationRound, *values: int) -> dict[int, int]:
    criteria = list(nomination_round.criteria.all())
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


@pytest.fixture
def scoring(open_round, cohort, alice) -> tuple[NominationRound, Nomination]:
    """One nomination (Jon nominates Ines), nominations closed: bob and pat score it."""
    nomination = services.nominate(
        open_round,
        nominator=cohort[1].candidate,
        nominee=cohort[0].candidate,
        statement=WHY,
        evidence_links=["https://example.org/pipeline"],
    )
    services.close_nominations(open_round, actor=alice)
    open_round.refresh_from_db()
    nomination.refresh_from_db()
    return open_round, nomination


def _decisions(nomination: Nomination) -> list[services.DecisionInput]:
    return [services.DecisionInput(nomination, True, "Rebuilt the pipeline and documented it for everyone.")]


def _slow_recalibration(monkeypatch) -> None:
    """Hold each scorer's transaction open a moment after it wrote its score (and any flag)."""
    original = services._recalibrate

    def slow(nomination, *, actor):
        original(nomination, actor=actor)
        time.sleep(0.5)

    monkeypatch.setattr(services, "_recalibrate", slow)


def _finalise_later(nomination_round: NominationRound, nomination: Nomination, alice) -> Callable[[], object]:
    def job() -> object:
        time.sleep(0.2)  # the scorers are inside their transactions by now
        return str(services.finalise_round(nomination_round, actor=alice, decisions=_decisions(nomination)).status)

    return job


def _assert_finalised_on_what_it_saw(nomination_round: NominationRound, nomination: Nomination) -> None:
    nomination_round.refresh_from_db()
    nomination.refresh_from_db()
    if nomination_round.status != RoundStatus.FINALISED:
        return
    assert nomination_round.finalised_at is not None
    scores = list(PanelScore.objects.filter(nomination=nomination))
    assert len(scores) == 2
    # Nothing was scored after the results were published ...
    assert all(s.scored_at <= nomination_round.finalised_at for s in scores)
    # ... and no calibration flag was left unresolved.
    if nomination.flagged_at is not None:
        assert nomination.flagged_at <= nomination_round.finalised_at
        assert all(s.settled_at >= nomination.flagged_at for s in scores)


def test_two_panelists_scoring_while_the_round_is_finalised_never_leave_a_flag_unresolved(
    scoring, bob, pat, alice, monkeypatch
) -> None:
    nomination_round, nomination = scoring
    # The round is ready: both scored alike.
    for panelist in (bob, pat):
        services.score_nomination(nomination, panelist=panelist, levels=_levels(nomination_round, 3, 3))
    assert services.finalisation_problems(nomination_round) == []
    _slow_recalibration(monkeypatch)
    # Now they change their scores far apart (100 % and 42 %) while the organiser publishes.
    outcomes = race(
        lambda: services.score_nomination(nomination, panelist=bob, levels=_levels(nomination_round, 4, 4)).points,
        lambda: services.score_nomination(nomination, panelist=pat, levels=_levels(nomination_round, 1, 2)).points,
        _finalise_later(nomination_round, nomination, alice),
    )
    _assert_finalised_on_what_it_saw(nomination_round, nomination)
    nomination_round.refresh_from_db()
    nomination.refresh_from_db()
    if nomination_round.status == RoundStatus.FINALISED:
        # Finalising came first: both rescorings were refused.
        assert sorted(outcomes) == sorted(["'finalised'", "invalid_transition", "invalid_transition"])
        assert sorted(PanelScore.objects.values_list("points", flat=True)) == [9, 9]
        assert nomination.flagged_at is None
    else:
        # Both rescorings landed, the flag is on record, and finalising was refused.
        assert sorted(outcomes) == sorted(["12", "5", "not_ready"])
        assert nomination.flagged_at is not None
        assert nomination.outcome == Outcome.PENDING
        assert not IssuedCredential.objects.filter(as_award__isnull=False).exists()


def test_first_scores_arriving_while_the_round_is_finalised(scoring, bob, pat, alice, monkeypatch) -> None:
    nomination_round, nomination = scoring
    _slow_recalibration(monkeypatch)
    outcomes = race(
        lambda: services.score_nomination(nomination, panelist=bob, levels=_levels(nomination_round, 4, 4)).points,
        lambda: services.score_nomination(nomination, panelist=pat, levels=_levels(nomination_round, 1, 2)).points,
        _finalise_later(nomination_round, nomination, alice),
    )
    _assert_finalised_on_what_it_saw(nomination_round, nomination)
    nomination_round.refresh_from_db()
    # Finalising either saw both (flagged) scores or found them missing: it is refused either way.
    assert nomination_round.status == RoundStatus.SCORING
    assert "not_ready" in outcomes
    assert not IssuedCredential.objects.filter(as_award__isnull=False).exists()


def test_the_same_panelist_submitting_twice_at_once_makes_one_score(scoring, bob) -> None:
    nomination_round, nomination = scoring
    outcomes = race(
        *[lambda: services.score_nomination(nomination, panelist=bob, levels=_levels(nomination_round, 3, 3)).points]
        * 4
    )
    assert outcomes == ["9"] * 4
    score = PanelScore.objects.get(nomination=nomination, panelist=bob)
    assert CriterionScore.objects.filter(score=score).count() == 2
    assert PanelScore.objects.count() == 1


def test_finalising_twice_at_once_publishes_once_and_awards_once(scoring, bob, pat, alice) -> None:
    nomination_round, nomination = scoring
    for panelist in (bob, pat):
        services.score_nomination(nomination, panelist=panelist, levels=_levels(nomination_round, 3, 3))
    outcomes = race(
        *[lambda: str(services.finalise_round(nomination_round, actor=alice, decisions=_decisions(nomination)).status)]
        * 3
    )
    assert sorted(outcomes) == sorted(["'finalised'", "invalid_transition", "invalid_transition"])
    nomination_round.refresh_from_db()
    nomination.refresh_from_db()
    assert nomination_round.status == RoundStatus.FINALISED
    assert list(
        nomination_round.history.filter(to_status=RoundStatus.FINALISED).values_list("to_status", flat=True)
    ) == ["finalised"]
    assert nomination.outcome == Outcome.WINNER
    assert nomination.award is not None
    assert IssuedCredential.objects.filter(as_award__isnull=False).count() == 1
