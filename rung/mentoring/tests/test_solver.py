"""The optimal matcher: exact against brute force and a second, independent solver; capacity holds;
the command-line form reads and writes the documented format and refuses a bad file with status 2."""

import itertools
import json
import os
import subprocess
import sys

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.mentoring.solver import Instance, SolverInputError, check_assignment, load_instance, parse_instance, solve


def brute_force(instance: Instance) -> int:
    """The best total by trying every choice of mentor (or none) for each mentee."""
    options = []
    for mentee in instance.mentees:
        options.append([None, *[(mentor, s) for m, mentor, s in instance.edges if m == mentee]])
    best = 0
    for choice in itertools.product(*options):
        load: dict[str, int] = {}
        total = 0
        for picked in choice:
            if picked is None:
                continue
            load[picked[0]] = load.get(picked[0], 0) + 1
            total += picked[1]
        if all(load[m] <= instance.capacities[m] for m in load):
            best = max(best, total)
    return best


def networkx_total(instance: Instance) -> int:
    """A second solver: networkx's max-weight matching on mentor slots (each capacity unit a node)."""
    graph = nx.Graph()
    for mentee, mentor, score in instance.edges:
        for slot in range(instance.capacities[mentor]):
            graph.add_edge(("mentee", mentee), ("slot", mentor, slot), weight=score)
    matching = nx.max_weight_matching(graph)
    return sum(graph[a][b]["weight"] for a, b in matching)


@st.composite
def instances(draw, max_mentees: int = 5, max_mentors: int = 3) -> Instance:
    mentees = [f"m{i}" for i in range(draw(st.integers(0, max_mentees)))]
    mentors = {f"t{i}": draw(st.integers(0, 3)) for i in range(draw(st.integers(0, max_mentors)))}
    edges = []
    for mentee in mentees:
        for mentor in mentors:
            if draw(st.booleans()):
                edges.append((mentee, mentor, draw(st.integers(0, 50))))
    return Instance(mentees=tuple(mentees), capacities=mentors, edges=tuple(edges))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_it_finds_the_best_total_that_brute_force_finds(instance):
    result = solve(instance)
    assert result.total == brute_force(instance)
    assert check_assignment(instance, result.pairs) == result.total


@settings(max_examples=60, deadline=None)
@given(instances(max_mentees=9, max_mentors=5))
def test_it_agrees_with_an_independent_solver(instance):
    result = solve(instance)
    assert result.total == networkx_total(instance)
    loads: dict[str, int] = {}
    for _, mentor in result.pairs:
        loads[mentor] = loads.get(mentor, 0) + 1
    assert all(loads[m] <= instance.capacities[m] for m in loads)
    assert len({mentee for mentee, _ in result.pairs}) == len(result.pairs)


def test_it_prefers_two_good_pairs_over_one_great_pair():
    # Greedy would give t1 to m1 (score 10) and leave m2 unpaired (total 10); 9 + 8 is better.
    instance = parse_instance(
        {
            "mentees": [{"id": "m1"}, {"id": "m2"}],
            "mentors": [{"id": "t1", "capacity": 1}, {"id": "t2", "capacity": 1}],
            "edges": [
                {"mentee": "m1", "mentor": "t1", "score": 10},
                {"mentee": "m1", "mentor": "t2", "score": 9},
                {"mentee": "m2", "mentor": "t1", "score": 8},
            ],
        }
    )
    assert solve(instance).as_json() == {
        "pairs": [{"mentee": "m1", "mentor": "t2"}, {"mentee": "m2", "mentor": "t1"}],
        "total": 17,
    }


def test_a_missing_edge_is_never_used_and_a_full_mentor_takes_no_more():
    instance = parse_instance(
        {
            "mentees": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
            "mentors": [{"id": "t", "capacity": 2}, {"id": "u", "capacity": 0}],
            "edges": [
                {"mentee": "a", "mentor": "t", "score": 5},
                {"mentee": "b", "mentor": "t", "score": 6},
                {"mentee": "c", "mentor": "t", "score": 7},
                {"mentee": "a", "mentor": "u", "score": 99},
            ],
        }
    )
    result = solve(instance)
    assert result.total == 13
    assert sorted(result.pairs) == [("b", "t"), ("c", "t")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        ({"mentees": [], "mentors": []}, "missing or not a list: edges"),
        ({"mentees": [{"id": "m"}, {"id": "m"}], "mentors": [], "edges": []}, "appears twice"),
        ({"mentees": [{"id": ""}], "mentors": [], "edges": []}, r"mentees\[0\].id"),
        ({"mentees": [], "mentors": [{"id": "t", "capacity": -1}], "edges": []}, r"mentors\[0\].capacity"),
        ({"mentees": [], "mentors": [{"id": "t", "capacity": True}], "edges": []}, "whole number"),
        (
            {
                "mentees": [{"id": "m"}],
                "mentors": [{"id": "t", "capacity": 1}],
                "edges": [{"mentee": "m", "mentor": "x", "score": 1}],
            },
            "not among the mentors",
        ),
        (
            {
                "mentees": [{"id": "m"}],
                "mentors": [{"id": "t", "capacity": 1}],
                "edges": [{"mentee": "m", "mentor": "t", "score": 1.5}],
            },
            r"edges\[0\].score",
        ),
        (
            {
                "mentees": [{"id": "m"}],
                "mentors": [{"id": "t", "capacity": 1}],
                "edges": [{"mentee": "m", "mentor": "t", "score": 1}, {"mentee": "m", "mentor": "t", "score": 2}],
            },
            "appears twice",
        ),
    ],
)
def test_it_refuses_a_malformed_instance_with_a_message_that_says_where(data, message):
    with pytest.raises(SolverInputError, match=message):
        parse_instance(data)


def test_it_refuses_text_that_is_not_json():
    with pytest.raises(SolverInputError, match="line 1, column"):
        load_instance("{mentees: ")


def _rung(*args: str) -> subprocess.CompletedProcess[str]:
    # A real process, for its exit status; a development one, which needs no production secrets.
    env = {**os.environ, "DEBUG": "true"}
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, check=False, env=env)


def test_the_command_prints_the_assignment_and_writes_it_with_out(tmp_path):
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps(
            {
                "mentees": [{"id": "m1"}],
                "mentors": [{"id": "t1", "capacity": 3}],
                "edges": [{"mentee": "m1", "mentor": "t1", "score": 17}],
            }
        )
    )
    printed = _rung("mentoring", "solve", str(source))
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == {"pairs": [{"mentee": "m1", "mentor": "t1"}], "total": 17}

    out = tmp_path / "out.json"
    written = _rung("mentoring", "solve", str(source), "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert json.loads(out.read_text()) == {"pairs": [{"mentee": "m1", "mentor": "t1"}], "total": 17}


def test_the_command_refuses_a_bad_file_with_status_2(tmp_path):
    source = tmp_path / "in.json"
    source.write_text('{"mentees": [], "mentors": [], "edges": [{"mentee": "ghost", "mentor": "t", "score": 1}]}')
    result = _rung("mentoring", "solve", str(source))
    assert result.returncode == 2
    assert "is not among the mentees" in result.stderr
    missing = _rung("mentoring", "solve", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
