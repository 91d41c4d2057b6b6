"""Hooks that apps above projects fill in from their AppConfig.ready, so that projects shows what they
know about a project (e.g. "counts for credit") without importing them.

A note provider turns a page of projects into, per project pk, the notes to show, in a bounded number
of queries whatever the page size; a search flag narrows the search queryset (an EXISTS, so counts stay
flat). A manage panel is a template on the project page for its owners and managers (e.g. what may be
showcased). A template note provider does the same for a page of catalogue templates (e.g. the outcomes of
projects started from each). All are optional: with no app registered, pages and search behave as
before."""

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
_template_providers: list[tuple[str, NoteProvider]] = []
_flags: dict[str, tuple[str, SearchFlag]] = {}
_manage_panels: list[str] = []


def register_notes(template: str, provider: NoteProvider) -> None:
    if all(t != template for t, _ in _providers):
        _providers.append((template, provider))


def register_template_notes(template: str, provider: NoteProvider) -> None:
    if all(t != template for t, _ in _template_providers):
        _template_providers.append((template, provider))


def register_search_flag(name: str, label: str, narrow: SearchFlag) -> None:
    _flags[name] = (label, narrow)


def register_manage_panel(template: str) -> None:
    """A template shown in the project page's "Manage this project" section, to the people who may post
    (owners and managers); it is rendered with the page's context (`project` among it)."""
    if template not in _manage_panels:
        _manage_panels.append(template)


def manage_panels() -> list[str]:
    return list(_manage_panels)


def _blocks(objects: Sequence[Any], providers: list[tuple[str, NoteProvider]]) -> dict[int, list[NoteBlock]]:
    blocks: dict[int, list[NoteBlock]] = {o.pk: [] for o in objects}
    for template, provider in providers:
        for pk, notes in provider(objects).items():
            if notes and pk in blocks:
                blocks[pk].append(NoteBlock(template=template, notes=notes))
    return blocks


def notes_for(projects: Sequence[Any]) -> dict[int, list[NoteBlock]]:
    return _blocks(projects, _providers)


def template_notes_for(templates: Sequence[Any]) -> dict[int, list[NoteBlock]]:
    """Per catalogue template pk, the blocks to show beside it."""
    return _blocks(templates, _template_providers)


def flag_choices() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _) in _flags.items()]


def apply_flags(qs: QuerySet[Any], flags: Sequence[str]) -> QuerySet[Any]:
    for name in flags:
        if name in _flags:
            qs = _flags[name][1](qs)
    return qs
