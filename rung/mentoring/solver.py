"""Optimal assignment of mentees to mentors, apart from how pairs are scored.

The solver takes edges (mentee, mentor, score) and each mentor's capacity and returns an assignment
that maximises the total score, with each mentee paired at most once and no mentor above capacity. A
missing edge means the pair is not allowed. It is a maximum-weight b-matching, solved exactly as a
min-cost flow with OR-Tools: source → mentee (capacity 1) → mentor (capacity 1, cost −score) → sink
(capacity = the mentor's), plus a zero-cost arc source → sink so that leaving someone unpaired is
always feasible. Integer scores keep it exact.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

MAX_SCORE = 10**9  # keeps total cost within 64 bits for any instance Rung could hold


class SolverInputError(ValueError):
    """The instance is malformed; the message says where."""


@dataclass(frozen=True)
class Instance:
    mentees: tuple[str, ...]
    capacities: Mapping[str, int]  # mentor id → capacity, in input order
    edges: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[tuple[str, str], ...]  # (mentee, mentor), in the mentees' input order
    total: int

    def as_json(self) -> dict[str, Any]:
        return {"pairs": [{"mentee": a, "mentor": b} for a, b in self.pairs], "total": self.total}


def _ident(value: object, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise SolverInputError(f"{where}: an id must be a non-empty string of at most 200 characters")
    return value


def _nonnegative_int(value: object, where: str, *, limit: int) -> int:
    # bool is an int in Python; true/false in a file is a mistake, not 1/0.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > limit:
        raise SolverInputError(f"{where}: must be a whole number from 0 to {limit}")
    return value


def parse_instance(data: object) -> Instance:
    """Read the documented JSON format (docs/mentoring.md), refusing anything ambiguous."""
    if not isinstance(data, dict):
        raise SolverInputError("the file must hold a JSON object with mentees, mentors and edges")
    missing = [key for key in ("mentees", "mentors", "edges") if not isinstance(data.get(key), list)]
    if missing:
        raise SolverInputError(f"missing or not a list: {', '.join(missing)}")
    mentees: list[str] = []
    for i, row in enumerate(data["mentees"]):
        if not isinstance(row, dict):
            raise SolverInputError(f"mentees[{i}]: must be an object with an id")
        mentees.append(_ident(row.get("id"), f"mentees[{i}].id"))
    if len(set(mentees)) != len(mentees):
        raise SolverInputError("mentees: an id appears twice")
    capacities: dict[str, int] = {}
    for i, row in enumerate(data["mentors"]):
        if not isinstance(row, dict):
            raise SolverInputError(f"mentors[{i}]: must be an object with an id and a capacity")
        mentor = _ident(row.get("id"), f"mentors[{i}].id")
        if mentor in capacities:
            raise SolverInputError(f"mentors[{i}].id: {mentor!r} appears twice")
        capacities[mentor] = _nonnegative_int(row.get("capacity"), f"mentors[{i}].capacity", limit=10_000)
    known_mentees = set(mentees)
    seen: set[tuple[str, str]] = set()
    edges: list[tuple[str, str, int]] = []
    for i, row in enumerate(data["edges"]):
        if not isinstance(row, dict):
            raise SolverInputError(f"edges[{i}]: must be an object with mentee, mentor and score")
        mentee = _ident(row.get("mentee"), f"edges[{i}].mentee")
        mentor = _ident(row.get("mentor"), f"edges[{i}].mentor")
        if mentee not in known_mentees:
            raise SolverInputError(f"edges[{i}].mentee: {mentee!r} is not among the mentees")
        if mentor not in capacities:
            raise SolverInputError(f"edges[{i}].mentor: {mentor!r} is not among the mentors")
        if (mentee, mentor) in seen:
            raise SolverInputError(f"edges[{i}]: the pair {mentee!r}–{mentor!r} appears twice")
        seen.add((mentee, mentor))
        edges.append((mentee, mentor, _nonnegative_int(row.get("score"), f"edges[{i}].score", limit=MAX_SCORE)))
    return Instance(mentees=tuple(mentees), capacities=capacities, edges=tuple(edges))


def load_instance(text: str) -> Instance:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SolverInputError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return parse_instance(data)


def solve_indexed(
    n_mentees: int, capacity: np.ndarray, edge_mentee: np.ndarray, edge_mentor: np.ndarray, edge_score: np.ndarray
) -> np.ndarray:
    """The core: mentees and mentors as indices, edges as three integer arrays; returns the indices
    of the chosen edges. `solve` wraps it for ids; large callers (the cohort matcher, the benchmark)
    build the arrays directly."""
    n_mentors, n_edges = capacity.size, edge_score.size
    if not n_mentees or not n_edges:
        return np.zeros(0, np.int64)
    source, sink = 0, 1
    first_mentee, first_mentor = 2, 2 + n_mentees
    tails = np.concatenate(
        [np.full(n_mentees, source), first_mentee + edge_mentee, first_mentor + np.arange(n_mentors), [source]]
    )
    heads = np.concatenate(
        [first_mentee + np.arange(n_mentees), first_mentor + edge_mentor, np.full(n_mentors, sink), [sink]]
    )
    capacities = np.concatenate(
        [np.ones(n_mentees, np.int64), np.ones(n_edges, np.int64), capacity.astype(np.int64), [n_mentees]]
    )
    costs = np.concatenate(
        [np.zeros(n_mentees, np.int64), -edge_score.astype(np.int64), np.zeros(n_mentors, np.int64), [0]]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(2 + n_mentees + n_mentors, np.int64)
    supplies[source], supplies[sink] = n_mentees, -n_mentees
    flow.set_nodes_supplies(np.arange(supplies.size), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: the bypass arc makes every instance feasible
        raise RuntimeError(f"the min-cost flow solver stopped with status {status}")
    return np.flatnonzero(flow.flows(np.arange(n_mentees, n_mentees + n_edges)))


def solve(instance: Instance) -> Assignment:
    """An assignment of maximum total score (ties broken by the solver, deterministically)."""
    mentee_index = {m: i for i, m in enumerate(instance.mentees)}
    mentors = list(instance.capacities)
    mentor_index = {m: i for i, m in enumerate(mentors)}
    n = len(instance.edges)
    edge_mentee = np.fromiter((mentee_index[e[0]] for e in instance.edges), dtype=np.int64, count=n)
    edge_mentor = np.fromiter((mentor_index[e[1]] for e in instance.edges), dtype=np.int64, count=n)
    edge_score = np.fromiter((e[2] for e in instance.edges), dtype=np.int64, count=n)
    capacity = np.fromiter((instance.capacities[m] for m in mentors), dtype=np.int64, count=len(mentors))
    used = solve_indexed(len(instance.mentees), capacity, edge_mentee, edge_mentor, edge_score)
    chosen = {int(edge_mentee[i]): int(edge_mentor[i]) for i in used}
    pairs = tuple((instance.mentees[m], mentors[chosen[m]]) for m in sorted(chosen))
    return Assignment(pairs=pairs, total=int(edge_score[used].sum()))


def check_assignment(instance: Instance, pairs: Iterable[tuple[str, str]]) -> int:
    """The total of a proposed assignment, refusing one that breaks a rule (used by tests and the CLI)."""
    scores = {(a, b): s for a, b, s in instance.edges}
    load: dict[str, int] = {}
    seen: set[str] = set()
    total = 0
    for mentee, mentor in pairs:
        if mentee in seen:
            raise SolverInputError(f"{mentee!r} is paired twice")
        if (mentee, mentor) not in scores:
            raise SolverInputError(f"{mentee!r}–{mentor!r} is not an allowed pair")
        seen.add(mentee)
        load[mentor] = load.get(mentor, 0) + 1
        if load[mentor] > instance.capacities[mentor]:
            raise SolverInputError(f"{mentor!r} is above capacity")
        total += scores[(mentee, mentor)]
    return total
