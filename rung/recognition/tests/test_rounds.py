"""Nomination rounds: the state machine, who may nominate, blind scoring, calibration, results, awards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.audit.models import AuditEvent
from rung.credentials.verify import verify_credential
from rung.lib.errors import DomainError, PermissionDenied
from rung.profiles.models import Conflict
from rung.profiles.services import declare_conflict
from rung.recognition import selectors, services
from rung.recognition.models import ROUND_TRANSITIONS, NominationRound, Outcome, RoundStatus
from rung.recognition.tests.conftest import round_input

WHY = "Ines rebuilt the survey pipeline alone in a week and wrote docs the whole team now uses."


def _levels(nomination_round: NominationRound, *values: int) -> dict[int, int]:
    criteria = list(nomination_round.criteria.all())
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


def _nominate(open_round, cohort, nominator_index=1, nominee_index=0):
    return services.nominate(
        open_round,
        nominator=cohort[nominator_index].candidate,
        nominee=cohort[nominee_index].candidate,
        statement=WHY,
        evidence_links=["https://example.org/pipeline"],
    )


# --- the state machine -----------------------------------------------------------------------------


def test_every_transition_is_written_once_and_terminal_states_go_nowhere() -> None:
    assert set(ROUND_TRANSITIONS) == set(RoundStatus.values)
    assert ROUND_TRANSITIONS[RoundStatus.FINALISED] == set()
    assert ROUND_TRANSITIONS[RoundStatus.CANCELLED] == set()


def test_a_round_moves_draft_open_scoring_and_records_its_history(draft_round, alice) -> None:
    services.open_round(draft_round, actor=alice)
    services.close_nominations(draft_round, actor=alice)
    steps = list(draft_round.history.values_list("from_status", "to_status"))
    assert steps == [("", "draft"), ("draft", "open"), ("open", "scoring")]
    assert AuditEvent.objects.filter(verb="round.scoring", object_id=str(draft_round.uuid)).exists()


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (RoundStatus.DRAFT, "close"),
        (RoundStatus.OPEN, "open"),
        (RoundStatus.FINALISED, "open"),
        (RoundStatus.FINALISED, "cancel"),
        (RoundStatus.CANCELLED, "open"),
        (RoundStatus.SCORING, "open"),
    ],
)
def test_moves_the_table_does_not_allow_are_refused(draft_round, alice, start, move) -> None:
    NominationRound.objects.filter(pk=draft_round.pk).update(status=start)
    draft_round.refresh_from_db()
    action = {
        "open": lambda: services.open_round(draft_round, actor=alice),
        "close": lambda: services.close_nominations(draft_round, actor=alice),
        "cancel": lambda: services.cancel_round(draft_round, actor=alice, reason="Not needed now"),
    }[move]
    with pytest.raises(DomainError, match="cannot move"):
        action()
    draft_round.refresh_from_db()
    assert draft_round.status == start


def test_a_round_without_a_panel_cannot_open(org, alice, cohort) -> None:
    nomination_round = services.create_round(actor=alice, organisation=org, data=round_input())
    with pytest.raises(DomainError, match="panelist"):
        services.open_round(nomination_round, actor=alice)


def test_only_owners_managers_or_staff_run_rounds(org, bob, charlie, sam, cohort) -> None:
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.create_round(actor=person, organisation=org, data=round_input())
    with pytest.raises(PermissionDenied):
        services.create_round(actor=bob, organisation=None, data=round_input(cohort_kind="season"))
    season = services.create_round(
        actor=sam,
        organisation=None,
        data=round_input(
            cohort_kind="season",
            season_start=timezone.now().date() - timedelta(days=30),
            season_end=timezone.now().date() + timedelta(days=60),
        ),
    )
    assert season.organisation is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"criteria": []}, "criteria"),
        ({"closes_at": timezone.now() - timedelta(days=3)}, "closes_at"),
        ({"cohort_kind": "projects"}, "projects"),
        ({"cohort_kind": "season"}, "season_start"),
        ({"levels": ["Only one"]}, "levels"),
        ({"spread": 0}, "spread"),
        ({"cohort_kind": "galaxy"}, "cohort_kind"),
    ],
)
def test_a_bad_round_is_refused_and_nothing_is_written(org, alice, cohort, changes, field) -> None:
    with pytest.raises(DomainError) as caught:
        services.create_round(actor=alice, organisation=org, data=round_input(**changes))
    assert caught.value.field == field
    assert not NominationRound.objects.exists()


# --- nominating -------------------------------------------------------------------------------------


def test_a_fellow_intern_nominates_with_evidence(open_round, cohort) -> None:
    nomination = _nominate(open_round, cohort)
    assert nomination.capacity == "intern"
    assert nomination.evidence_links == ["https://example.org/pipeline"]
    assert AuditEvent.objects.filter(verb="nomination.submitted").count() == 1


def test_no_self_nomination(open_round, cohort) -> None:
    with pytest.raises(DomainError, match="yourself"):
        _nominate(open_round, cohort, 0, 0)


def test_outsiders_and_employers_without_a_cohort_role_cannot_nominate(open_round, cohort, charlie, alice) -> None:
    for person in (charlie, alice):
        with pytest.raises(PermissionDenied):
            services.nominate(open_round, nominator=person, nominee=cohort[0].candidate, statement=WHY)


def test_the_mentor_of_a_cohort_engagement_may_nominate(open_round, cohort) -> None:
    from rung.engagements.models import Engagement

    mentor = make_user("mo@mentors.example", "Mo Mentor")
    Engagement.objects.filter(pk=cohort[2].pk).update(mentor=mentor)
    nomination = services.nominate(open_round, nominator=mentor, nominee=cohort[0].candidate, statement=WHY)
    assert nomination.capacity == "mentor"


def test_someone_outside_the_cohort_cannot_be_nominated(open_round, cohort, charlie) -> None:
    with pytest.raises(DomainError, match="cohort"):
        services.nominate(open_round, nominator=cohort[0].candidate, nominee=charlie, statement=WHY)


def test_nominations_only_inside_the_window(open_round, cohort) -> None:
    NominationRound.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    open_round.refresh_from_db()
    with pytest.raises(DomainError, match="open from"):
        _nominate(open_round, cohort)


def test_a_draft_round_takes_no_nominations(draft_round, cohort) -> None:
    with pytest.raises(DomainError, match="not taking"):
        _nominate(draft_round, cohort)


@pytest.mark.parametrize("links", [["ftp://x.example/a"], ["not a link"], [f"https://e.example/{i}" for i in range(6)]])
def test_bad_evidence_links_are_refused(open_round, cohort, links) -> None:
    with pytest.raises(DomainError) as caught:
        services.nominate(
            open_round, nominator=cohort[1].candidate, nominee=cohort[0].candidate, statement=WHY, evidence_links=links
        )
    assert caught.value.field == "evidence_links"


def test_a_declared_conflict_is_recorded_on_the_nomination_and_in_profiles(open_round, cohort) -> None:
    nomination = services.nominate(
        open_round,
        nominator=cohort[1].candidate,
        nominee=cohort[0].candidate,
        statement=WHY,
        conflict_note="my flatmate",
    )
    assert nomination.conflict_note == "my flatmate"
    assert Conflict.objects.filter(holder=cohort[1].candidate, person=cohort[0].candidate).exists()


def test_a_conflict_already_on_record_is_carried_onto_the_nomination(open_round, cohort) -> None:
    declare_conflict(cohort[1].candidate, person=cohort[0].candidate, reason="my cousin")
    assert _nominate(open_round, cohort).conflict_note == "my cousin"


def test_nominating_the_same_person_twice_is_refused(open_round, cohort) -> None:
    _nominate(open_round, cohort)
    with pytest.raises(DomainError, match="already"):
        _nominate(open_round, cohort)


# --- blind scoring and calibration -----------------------------------------------------------------


@pytest.fixture
def scoring(open_round, cohort, alice):
    first = _nominate(open_round, cohort, 1, 0)  # Jon nominates Ines
    second = _nominate(open_round, cohort, 0, 2)  # Ines nominates Kai
    services.close_nominations(open_round, actor=alice)
    open_round.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    return open_round, first, second


def test_the_panel_sees_no_name_school_or_photo(scoring, cohort, bob) -> None:
    from rung.profiles.models import CandidateProfile

    nomination_round, _first, _ = scoring
    CandidateProfile.objects.update_or_create(user=cohort[0].candidate, defaults={"institution": "University of Leeds"})
    rows = selectors.blind_nominations(nomination_round, bob)
    assert [r.alias for r in rows] == ["Nominee A", "Nominee B"]
    # Each row names neither its nominee nor their school (Rung has no profile photos yet).
    for word in ("Ines", "Ortega", "Leeds", "ines@uni.example"):
        assert word not in repr(rows[0])
    for word in ("Kai", "Lindqvist", "kai@uni.example"):
        assert word not in repr(rows[1])
    assert rows[0].statement.startswith("the nominee rebuilt")


def test_names_e_mail_and_school_are_taken_out_of_what_the_panel_reads(open_round, cohort, alice, bob) -> None:
    from rung.profiles.models import CandidateProfile

    nominee = cohort[0].candidate
    CandidateProfile.objects.update_or_create(user=nominee, defaults={"institution": "University of Leeds"})
    services.nominate(
        open_round,
        nominator=cohort[1].candidate,
        nominee=nominee,
        statement="Ortega (ines@uni.example) led the University of Leeds team; INES also mentored two of us.",
        conflict_note="Ines is my flatmate",
    )
    services.close_nominations(open_round, actor=alice)
    row = selectors.blind_nominations(open_round, bob)[0]
    assert row.statement == "the nominee (the nominee) led the the nominee team; the nominee also mentored two of us."
    assert row.conflict_note == "the nominee is my flatmate"


def test_a_panelist_scores_on_the_rubric(scoring, bob) -> None:
    nomination_round, first, _ = scoring
    score = services.score_nomination(first, panelist=bob, levels=_levels(nomination_round, 4, 3), comment="Strong")
    # weights 1 and 2, four levels: (4×1 + 3×2) / (4×1 + 4×2) = 10/12
    assert (score.points, score.max_points, score.percent) == (10, 12, 83)


@pytest.mark.parametrize("values", [(5, 3), (0, 3)])
def test_levels_outside_the_rubric_are_refused(scoring, bob, values) -> None:
    nomination_round, first, _ = scoring
    with pytest.raises(DomainError, match="between 1 and 4"):
        services.score_nomination(first, panelist=bob, levels=_levels(nomination_round, *values))


def test_a_partial_scoring_is_refused(scoring, bob) -> None:
    nomination_round, first, _ = scoring
    criterion = nomination_round.criteria.first()
    with pytest.raises(DomainError, match="every criterion"):
        services.score_nomination(first, panelist=bob, levels={criterion.pk: 3})


def test_only_panelists_score_and_not_while_nominations_are_open(open_round, cohort, bob, charlie, alice) -> None:
    nomination = _nominate(open_round, cohort)
    with pytest.raises(DomainError, match="only while"):
        services.score_nomination(nomination, panelist=bob, levels=_levels(open_round, 3, 3))
    services.close_nominations(open_round, actor=alice)
    nomination.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.score_nomination(nomination, panelist=charlie, levels=_levels(open_round, 3, 3))


def test_a_conflicted_panelist_may_not_score(scoring, bob) -> None:
    nomination_round, first, _ = scoring
    declare_conflict(bob, person=first.nominee, reason="my niece")
    with pytest.raises(DomainError, match="conflict of interest"):
        services.score_nomination(first, panelist=bob, levels=_levels(nomination_round, 3, 3))


def test_scores_apart_by_more_than_the_spread_are_flagged_and_block_finalising(scoring, bob, pat, alice) -> None:
    nomination_round, first, second = scoring
    services.score_nomination(first, panelist=bob, levels=_levels(nomination_round, 4, 4))  # 100 %
    services.score_nomination(first, panelist=pat, levels=_levels(nomination_round, 1, 2))  # 5/12 = 42 %
    first.refresh_from_db()
    assert first.flagged_at is not None
    for panelist in (bob, pat):
        services.score_nomination(second, panelist=panelist, levels=_levels(nomination_round, 3, 3))
    second.refresh_from_db()
    assert second.flagged_at is None  # same scores: no spread
    decisions = [
        services.DecisionInput(first, True, "Rebuilt the pipeline and documented it for everyone."),
        services.DecisionInput(second, False, "Solid work; the panel preferred a larger contribution."),
    ]
    with pytest.raises(DomainError, match="must confirm or change"):
        services.finalise_round(nomination_round, actor=alice, decisions=decisions)
    # Bob keeps his score; Pat still has to: still blocked.
    services.confirm_score(first, panelist=bob)
    problems = services.finalisation_problems(nomination_round)
    assert problems == [
        "Nominee A: flagged for discussion (scores differ by more than 20 points); "
        "1 panelist(s) must confirm or change their score."
    ]
    # Pat changes hers after the discussion: the round can be finalised.
    services.score_nomination(first, panelist=pat, levels=_levels(nomination_round, 3, 4))
    assert services.finalisation_problems(nomination_round) == []
    services.finalise_round(nomination_round, actor=alice, decisions=decisions)
    nomination_round.refresh_from_db()
    assert nomination_round.status == RoundStatus.FINALISED
    verbs = list(AuditEvent.objects.filter(object_id=str(first.uuid)).values_list("verb", flat=True))
    assert verbs.count("nomination.flagged") == 1
    assert "nomination.score_confirmed" in verbs
    assert "nomination.rescored" in verbs


def test_confirming_an_unflagged_score_is_refused(scoring, bob) -> None:
    nomination_round, first, _ = scoring
    services.score_nomination(first, panelist=bob, levels=_levels(nomination_round, 3, 3))
    with pytest.raises(DomainError, match="not flagged"):
        services.confirm_score(first, panelist=bob)


def test_finalising_needs_every_panelist_to_score(scoring, bob, alice) -> None:
    nomination_round, first, _second = scoring
    services.score_nomination(first, panelist=bob, levels=_levels(nomination_round, 3, 3))
    problems = services.finalisation_problems(nomination_round)
    assert problems == [
        "Nominee A: 1 panelist(s) have not scored it yet.",
        "Nominee B: 2 panelist(s) have not scored it yet.",
    ]


@pytest.fixture
def scored(scoring, bob, pat):
    nomination_round, first, second = scoring
    for nomination in (first, second):
        for panelist in (bob, pat):
            services.score_nomination(nomination, panelist=panelist, levels=_levels(nomination_round, 3, 3))
    return scoring


def test_results_carry_reasons_winners_get_an_award_everyone_is_acknowledged(
    scored, alice, django_capture_on_commit_callbacks
) -> None:
    from rung.notifications.models import Notification

    nomination_round, first, second = scored
    with django_capture_on_commit_callbacks(execute=True):
        services.finalise_round(
            nomination_round,
            actor=alice,
            decisions=[
                services.DecisionInput(first, True, "Rebuilt the pipeline and documented it for everyone."),
                services.DecisionInput(second, False, "Solid work; the panel preferred a larger contribution."),
            ],
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, second.outcome) == (Outcome.WINNER, Outcome.NOT_SELECTED)
    assert second.reason.startswith("Solid work")
    assert second.award is None
    assert second.acknowledged_at is not None
    document = first.award.document
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Award"
    assert document["credentialSubject"]["narrative"] == first.reason
    report = verify_credential(document)
    assert report.verified, report.errors
    assert list(selectors.awards_for_portfolio(first.nominee)) == [first]
    told = Notification.objects.filter(verb__in=["nomination.awarded", "nomination.acknowledged"])
    assert sorted(told.values_list("recipient__email", "verb")) == [
        ("ines@uni.example", "nomination.awarded"),
        ("kai@uni.example", "nomination.acknowledged"),
    ]
    assert AuditEvent.objects.filter(verb="nomination.decided").count() == 2


@pytest.mark.parametrize(
    ("decide", "message"),
    [
        (lambda f, s: [services.DecisionInput(f, True, "A good reason, long enough.")], "every nomination"),
        (
            lambda f, s: [
                services.DecisionInput(f, False, "A good reason, long enough."),
                services.DecisionInput(s, False, "A good reason, long enough."),
            ],
            "at least one winner",
        ),
        (
            lambda f, s: [
                services.DecisionInput(f, True, "A good reason, long enough."),
                services.DecisionInput(s, True, "A good reason, long enough."),
            ],
            "at most 1",
        ),
        (
            lambda f, s: [services.DecisionInput(f, True, "Yes"), services.DecisionInput(s, False, "No")],
            "reason",
        ),
    ],
)
def test_bad_results_are_refused_and_nothing_changes(scored, alice, decide, message) -> None:
    nomination_round, first, second = scored
    with pytest.raises(DomainError, match=message):
        services.finalise_round(nomination_round, actor=alice, decisions=decide(first, second))
    nomination_round.refresh_from_db()
    first.refresh_from_db()
    assert nomination_round.status == RoundStatus.SCORING
    assert first.outcome == Outcome.PENDING
    assert first.award is None


def test_only_organisers_finalise(scored, bob) -> None:
    nomination_round, _first, _second = scored
    with pytest.raises(PermissionDenied):
        services.finalise_round(nomination_round, actor=bob, decisions=[])
