"""How well a mentor suits a mentee: a score from weighted factors, explained in words.

Pure functions over plain facts, so the rules can be tested without a database and the solver never
needs to know where a score came from (docs/mentoring.md lists the factors and default weights).
"""

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from rung.mentoring.models import DEFAULT_WEIGHTS, OFFER_LABELS

LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "pl": "Polish", "sv": "Swedish", "da": "Danish", "fi": "Finnish", "el": "Greek",
    "tr": "Turkish", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "hi": "Hindi",
    "uk": "Ukrainian", "ro": "Romanian", "cs": "Czech", "hu": "Hungarian",
}  # fmt: skip
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
OVERLAP_CAP_HOURS = 10
RANK_MULTIPLIER = {1: 3, 2: 2, 3: 1}


class WindowError(ValueError):
    pass


def parse_windows(raw: object) -> list[dict[str, object]]:
    """Check weekly windows: [{"day": 0–6, "start": "HH:MM", "end": "HH:MM"}], end after start, at most 21."""
    if not isinstance(raw, list) or len(raw) > 21:
        raise WindowError("Give at most 21 weekly windows, each a day with a start and an end time.")
    windows = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise WindowError(f"Window {i}: give a day, a start and an end.")
        day, start, end = item.get("day"), item.get("start"), item.get("end")
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise WindowError(f"Window {i}: the day must be Monday to Sunday.")
        if not (isinstance(start, str) and _TIME.match(start) and isinstance(end, str) and _TIME.match(end)):
            raise WindowError(f"Window {i}: times are written as HH:MM, e.g. 18:30.")
        if end <= start:
            raise WindowError(f"Window {i}: the end ({end}) must be after the start ({start}).")
        windows.append({"day": day, "start": start, "end": end})
    return windows


def week_intervals(
    windows: Sequence[Mapping[str, object]], tz_name: str, week_of: date
) -> list[tuple[datetime, datetime]]:
    """The windows of the week starting on the Monday of `week_of`, in UTC (daylight saving included)."""
    tz = zoneinfo.ZoneInfo(tz_name or "UTC")
    monday = week_of - timedelta(days=week_of.weekday())
    out = []
    for window in windows:
        day = monday + timedelta(days=int(str(window["day"])))
        start = time.fromisoformat(str(window["start"]))
        end = time.fromisoformat(str(window["end"]))
        out.append(
            (
                datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
                datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
            )
        )
    return out


def overlap_minutes(a: Sequence[tuple[datetime, datetime]], b: Sequence[tuple[datetime, datetime]]) -> int:
    total = 0.0
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if end > start:
                total += (end - start).total_seconds() / 60
    return int(total)


def hours_apart(tz_a: str, tz_b: str, on: date) -> int:
    noon = datetime.combine(on, time(12), tzinfo=UTC)
    offset_a = noon.astimezone(zoneinfo.ZoneInfo(tz_a or "UTC")).utcoffset() or timedelta(0)
    offset_b = noon.astimezone(zoneinfo.ZoneInfo(tz_b or "UTC")).utcoffset() or timedelta(0)
    apart = abs((offset_a - offset_b).total_seconds()) / 3600
    return int(min(apart, 24 - apart) + 0.5)


@dataclass(frozen=True)
class MentorFacts:
    key: int
    skills: Mapping[str, str]  # slug → name
    languages: frozenset[str]
    timezone: str
    windows: Sequence[Mapping[str, object]]
    offers: frozenset[str]


@dataclass(frozen=True)
class MenteeFacts:
    key: str
    skills: Mapping[str, str]  # what the project needs and what the mentee wants to grow
    languages: frozenset[str]
    timezone: str
    windows: Sequence[Mapping[str, object]]
    wants: frozenset[str]
    ranked: Mapping[int, int] = field(default_factory=dict)  # mentor key → the mentee's rank (1–3)


@dataclass(frozen=True)
class Score:
    points: int
    reasons: tuple[str, ...]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def score_pair(
    mentor: MentorFacts, mentee: MenteeFacts, *, weights: Mapping[str, int] = DEFAULT_WEIGHTS, week_of: date
) -> Score:
    """A whole-number score ≥ 0 and the reasons for it, in the order they weigh."""
    w = {**DEFAULT_WEIGHTS, **weights}
    points = 0
    reasons: list[str] = []

    shared = sorted(set(mentor.skills) & set(mentee.skills))
    if shared:
        points += w["skill"] * len(shared)
        names = ", ".join(mentee.skills[s] for s in shared[:4]) + ("…" if len(shared) > 4 else "")
        reasons.append(f"{_plural(len(shared), 'shared skill')} ({names})")
    else:
        reasons.append("no shared skills")

    if mentor.windows and mentee.windows:
        minutes = overlap_minutes(
            week_intervals(mentor.windows, mentor.timezone, week_of),
            week_intervals(mentee.windows, mentee.timezone, week_of),
        )
        hours = minutes // 60
        points += w["overlap_hour"] * min(hours, OVERLAP_CAP_HOURS)
        reasons.append(
            f"{_plural(hours, 'hour')} of overlapping availability a week" if hours else "no overlapping availability"
        )
    else:
        reasons.append("weekly availability not given")

    common = sorted(mentor.languages & mentee.languages)
    if common:
        points += w["language"]
        reasons.append(
            "same language" + (f" ({', '.join(LANGUAGE_NAMES.get(c, c) for c in common)})" if common else "")
        )
    else:
        reasons.append("no shared language")

    apart = hours_apart(mentor.timezone, mentee.timezone, week_of)
    points += w["timezone"] * max(0, 12 - apart)
    reasons.append("same time zone" if apart == 0 else f"{_plural(apart, 'hour')} apart")

    matched = sorted(mentor.offers & mentee.wants)
    if matched:
        points += w["preference"] * len(matched)
        reasons.append("offers what was asked for: " + ", ".join(OFFER_LABELS.get(m, m) for m in matched))

    rank = mentee.ranked.get(mentor.key)
    if rank in RANK_MULTIPLIER:
        points += w["ranked"] * RANK_MULTIPLIER[rank]
        reasons.append(
            {1: "the mentee's first choice", 2: "the mentee's second choice", 3: "the mentee's third choice"}[rank]
        )
    return Score(points=points, reasons=tuple(reasons))
