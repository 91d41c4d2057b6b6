"""The default rubric library and the template catalogue Rung starts with."""

import json
from pathlib import Path
from typing import Any

LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Proficient"), (4, "Excellent")]

RUBRICS: list[dict] = [
    {
        "name": "Core micro-internship rubric",
        "description": "Four criteria that suit most projects: quality, communication, reliability, problem solving.",
        "criteria": [
            (
                "Quality of work",
                3,
                [
                    "Deliverables are incomplete or have errors that stop them being used.",
                    "Deliverables are mostly complete; several errors need fixing before use.",
                    "Deliverables are complete and usable with minor polishing.",
                    "Deliverables are complete, accurate and ready to use as they are.",
                ],
            ),
            (
                "Communication",
                2,
                [
                    "Updates are rare or unclear; questions go unasked.",
                    "Updates arrive when prompted; some are hard to follow.",
                    "Clear, timely updates; asks good questions.",
                    "Proactive, concise updates that make decisions easy for others.",
                ],
            ),
            (
                "Reliability",
                2,
                [
                    "Misses deadlines without warning.",
                    "Meets some deadlines; warns late about others.",
                    "Meets deadlines or flags risks early.",
                    "Meets every deadline and manages scope changes calmly.",
                ],
            ),
            (
                "Problem solving",
                3,
                [
                    "Needs step-by-step direction to make progress.",
                    "Solves routine problems; gets stuck on new ones.",
                    "Breaks down new problems and finds workable solutions.",
                    "Finds elegant solutions and explains the trade-offs.",
                ],
            ),
        ],
    },
    {
        "name": "Research and analysis rubric",
        "description": "For data, market research and analysis projects.",
        "criteria": [
            (
                "Rigour of method",
                3,
                [
                    "Method is missing or unsuitable.",
                    "Method is suitable but applied inconsistently.",
                    "Sound method, applied consistently and documented.",
                    "Sound, well-justified method with its limits stated.",
                ],
            ),
            (
                "Insight",
                3,
                [
                    "Findings restate the data.",
                    "Some findings go beyond the data but are not well supported.",
                    "Clear findings, supported by evidence.",
                    "Findings change what the team will do, and say why.",
                ],
            ),
            (
                "Presentation",
                2,
                [
                    "Hard to follow.",
                    "Followable with effort.",
                    "Clear structure and visuals.",
                    "Compelling, concise and accessible to non-experts.",
                ],
            ),
            (
                "Reliability",
                2,
                [
                    "Misses deadlines without warning.",
                    "Meets some deadlines; warns late about others.",
                    "Meets deadlines or flags risks early.",
                    "Meets every deadline and manages scope changes calmly.",
                ],
            ),
        ],
    },
]


# The staff-curated template catalogue Rung starts with (rung/projects/data/template_catalogue.json).
# Each entry's "data" is what the project form takes (ProjectInput without dates); staff extend,
# feature or hide templates on the catalogue page.
TEMPLATE_CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "template_catalogue.json"


def template_catalogue() -> list[dict[str, Any]]:
    with TEMPLATE_CATALOGUE_PATH.open(encoding="utf-8") as handle:
        return list(json.load(handle)["templates"])


def seed_template_catalogue(apps: Any, schema_editor: Any = None) -> None:
    """Add the catalogue's templates that are not there yet (by name, among Rung's own templates)."""
    template_model = apps.get_model("projects", "ProjectTemplate")
    skill_model = apps.get_model("profiles", "Skill")
    for entry in template_catalogue():
        if template_model.objects.filter(organisation=None, name=entry["name"]).exists():
            continue
        template = template_model.objects.create(
            name=entry["name"], data=entry["data"], public=True, featured=entry.get("featured", False)
        )
        template.skills.set(skill_model.objects.filter(slug__in=entry["data"]["skill_slugs"]))
