"""Hooks that apps above projects fill in from their AppConfig.ready, so that projects shows what they
know about a project (e.g. "counts for credit") without importing them.

A note provider turns a page of projects into, per project pk, the notes to show, in a bounded number
of queries whatever the page size; a search flag narrows the search queryset (an EXISTS, so counts stay
flat). Both are optional: with no app registered, pages and search behave as before."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

NoteProvider = Callable[[Sequence[Any]], Mapping[int, Sequence[Any]]]
SearchFlag = Callable[[QuerySet[Any]], QuerySet[Any]]


@dataclass(frozen=True)
class NoteBlock:
    template: str  # rendered with `notes` (that provider's notes for one project)
    notes: Sequence[Any]


_providers: list[tuple[str, NoteProvider]] = []
_flags: dict[str, tuple[str, SearchFlag]] = {}


def register_notes(template: str, provider: NoteProvider) -> None:
    if all(t != template for t, _ in _providers):
        _providers.append((template, provider))


def register_search_flag(name: str, label: str, narrow: SearchFlag) -> None:
    _flags[name] = (label, narrow)


def notes_for(projects: Sequence[Any]) -> dict[int, list[NoteBlock]]:
    blocks: dict[int, list[NoteBlock]] = {p.pk: [] for p in projects}
    for template, provider in _providers:
        for pk, notes in provider(projects).items():
            if notes and pk in blocks:
                blocks[pk].append(NoteBlock(template=template, notes=notes))
    return blocks


def flag_choices() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _) in _flags.items()]


def apply_flags(qs: QuerySet[Any], flags: Sequence[str]) -> QuerySet[Any]:
    for name in flags:
        if name in _flags:
            qs = _flags[name][1](qs)
    return qs
