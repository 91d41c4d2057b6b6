import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.notifications.models import Notification
from rung.orgs.models import Membership, Role
from rung.pathways import selectors, services
from rung.pathways.models import Decision, Pathway, PathwayStep, Progress
from rung.pathways.tests.conftest import ladder_input
from rung.reviews.selectors import rubric_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric_name(project) -> str:
    return rubric_for(project).criteria.order_by("position", "id")[0].name


@pytest.fixture
def ladder(org, alice, rubric_name) -> Pathway:
    return services.create_pathway(org, actor=alice, data=ladder_input(rubric_name))


def test_it_builds_a_ladder_with_its_rubric(ladder, rubric_name):
    steps = list(ladder.steps.order_by("position"))
    assert [(s.position, s.kind, s.title) for s in steps] == [
        (1, "interview", "Interview"),
        (2, "offer", "Offer"),
        (3, "role", "Junior analyst"),
    ]
    assert (steps[2].salary_min_minor, steps[2].salary_max_minor, steps[2].currency) == (3_200_000, 3_800_000, "EUR")
    assert [c.label for c in steps[0].criteria.all()] == [
        "1 completed micro-internship",
        "75 % of milestones approved first time",
        "100 % of milestones handed in on time",
        f"Level 3 or above on “{rubric_name}”",
        "A mentor's recommendation at the wrap-up",
    ]
    assert list(ladder.skills.values_list("slug", flat=True)) == ["python"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": " "}, "title"),
        ({"steps": []}, "1 to 10 steps"),
        ({"skills": ["no-such-skill"]}, "skills are unknown"),
        ({"projects": ["3f0c1f5e-0000-4000-8000-000000000001"]}, "not yours"),
    ],
)
def test_it_refuses_a_bad_ladder(org, alice, rubric_name, change, message):
    with pytest.raises(DomainError, match=message):
        services.create_pathway(org, actor=alice, data=ladder_input(rubric_name, **change))
    assert not Pathway.objects.exists()


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (services.StepInput(kind="role", title="Role"), "job title"),
        (services.StepInput(kind="promotion", title="X"), "unknown kind"),
        (services.StepInput(kind="offer", title="X", salary_min="50", salary_max="40", currency="EUR"), "lower end"),
        (services.StepInput(kind="offer", title="X", salary_min="1e3", currency="EUR"), "written plainly"),
        (services.StepInput(kind="offer", title="X", salary_min="100", currency="euro"), "currency code"),
        (
            services.StepInput(
                kind="offer", title="X", criteria=[services.CriterionInput(kind="on_time", threshold=120)]
            ),
            "up to 100",
        ),
        (
            services.StepInput(
                kind="offer", title="X", criteria=[services.CriterionInput(kind="rubric_level", threshold=3)]
            ),
            "name the rubric",
        ),
        (
            services.StepInput(kind="offer", title="X", criteria=[services.CriterionInput(kind="vibes")]),
            "unknown criterion",
        ),
    ],
)
def test_it_refuses_a_bad_step(org, alice, rubric_name, step, message):
    with pytest.raises(DomainError, match=message):
        services.create_pathway(org, actor=alice, data=ladder_input(rubric_name, steps=[step]))
    assert not PathwayStep.objects.exists()


def test_only_people_who_post_projects_build_ladders(org, bob, charlie, rubric_name):
    with pytest.raises(PermissionDenied):
        services.create_pathway(org, actor=bob, data=ladder_input(rubric_name))
    with pytest.raises(NotFound):
        services.create_pathway(org, actor=charlie, data=ladder_input(rubric_name))


def test_the_criteria_read_the_records_by_hand(ladder, nia, complete):
    complete(nia, changes_on_first=True, level=3)
    standing = selectors.standing_of(ladder, nia)
    assert standing is not None
    # by hand: 1 completed; 2 milestones approved, 1 of them first time = 50 % (< 75); both handed in
    # (version 1) before their due dates = 100 %; level 3 on the named criterion; no mentor.
    assert [(c.met, c.value) for c in standing.criteria] == [
        (True, "1 completed"),
        (False, "50 %"),
        (True, "100 %"),
        (True, "level 3"),
        (False, "not yet"),
    ]
    assert standing.summary == "3 of 5 criteria met for interview"
    assert standing.step is None
    assert not standing.ready


def test_someone_without_work_in_scope_has_no_standing(ladder, charlie):
    assert selectors.standing_of(ladder, charlie) is None


def test_moving_up_is_a_recorded_decision_the_candidate_hears_of(
    ladder, nia, alice, bob, complete, django_capture_on_commit_callbacks
):
    complete(nia)
    with pytest.raises(DomainError, match="reason"):
        services.move_up(ladder, candidate=nia, actor=bob, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        progress = services.move_up(ladder, candidate=nia, actor=bob, reason="Strong, clear work.")
    assert progress.step is not None
    assert progress.step.title == "Interview"
    decision = Decision.objects.get()
    assert (decision.from_step, decision.to_step.title, decision.reason) == (None, "Interview", "Strong, clear work.")
    assert (decision.criteria_met, decision.criteria_total) == (4, 5)  # all but the mentor's recommendation
    note = Notification.objects.get(recipient=nia, verb="pathway.step_reached")
    assert "Interview" in note.title
    assert "Strong, clear work." in note.body
    standing = selectors.standing_of(ladder, nia)
    assert standing is not None
    assert standing.summary == "0 of 1 criteria met for offer"


def test_moving_up_refuses_outsiders_viewers_strangers_and_the_top(ladder, nia, org, alice, charlie, complete):
    complete(nia)
    with pytest.raises(NotFound):
        services.move_up(ladder, candidate=nia, actor=charlie, reason="Why not")
    viewer = make_user("val@acme.example", "Val Viewer")
    Membership.objects.create(organisation=org, user=viewer, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.move_up(ladder, candidate=nia, actor=viewer, reason="Why not")
    with pytest.raises(DomainError, match="not completed"):
        services.move_up(ladder, candidate=charlie, actor=alice, reason="Why not")
    services.move_up(ladder, candidate=nia, actor=alice, reason="Decided at the panel.", to_position=1)
    with pytest.raises(DomainError, match="just moved"):
        services.move_up(ladder, candidate=nia, actor=alice, reason="A second click", to_position=1)
    for _ in range(2):
        services.move_up(ladder, candidate=nia, actor=alice, reason="Decided at the panel.")
    with pytest.raises(DomainError, match="top of the ladder"):
        services.move_up(ladder, candidate=nia, actor=alice, reason="Again")
    assert Progress.objects.values_list("step__position", flat=True).get() == 3
    assert Decision.objects.count() == 3


def test_the_ready_list_costs_the_same_at_two_sizes(ladder, complete):
    people = [make_user(f"p{i}@uni.example", f"Person {i}") for i in range(4)]
    complete(people[0])
    with CaptureQueriesContext(connection) as small:
        one = selectors.standings(ladder)
    for person in people[1:]:
        complete(person, changes_on_first=True)
    with CaptureQueriesContext(connection) as large:
        four = selectors.standings(ladder)
    assert (len(one), len(four)) == (1, 4)
    assert len(small) == len(large)
    # Readiest first: person 0 meets 4 of 5 (approved first time), the others 3 of 5.
    assert [s.met for s in four] == [4, 3, 3, 3]
    assert four[0].candidate == people[0]


def test_the_candidate_sees_ladders_of_every_employer_they_worked_for(ladder, nia, complete):
    complete(nia)
    [standing] = selectors.standings_for_candidate(nia)
    assert standing.pathway == ladder
    assert standing.summary == "4 of 5 criteria met for interview"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_candidate_at_once_make_one_decision(org, alice, bob, rubric_name, nia, complete):
    import threading

    from django.db import connection as conn

    ladder = services.create_pathway(org, actor=alice, data=ladder_input(rubric_name))
    complete(nia)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def decide(actor) -> None:
        try:
            barrier.wait()
            services.move_up(ladder, candidate=nia, actor=actor, reason="Ready.", to_position=1)
            results.append("moved")
        except DomainError:
            results.append("refused")
        finally:
            conn.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in (alice, bob)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["moved", "refused"]
    assert Decision.objects.count() == 1
    assert Progress.objects.values_list("step__position", flat=True).get() == 1
