import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.mentoring.solver import SolverInputError, load_instance, solve


class Command(BaseCommand):
    help = "Mentoring tools. `solve IN.json [--out OUT.json]`: an optimal mentee–mentor assignment (docs/mentoring.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        solve_parser = sub.add_parser(
            "solve", help="Optimal assignment for a file of mentees, mentors and scored edges"
        )
        solve_parser.add_argument("input", help="JSON file: {mentees: [{id}], mentors: [{id, capacity}], edges: [...]}")
        solve_parser.add_argument("--out", help="Write the assignment here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "solve":
            self._solve(Path(options["input"]), options.get("out"))

    def _solve(self, source: Path, out: str | None) -> None:
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {source}: {exc}", returncode=2) from None
        try:
            instance = load_instance(text)
        except SolverInputError as exc:
            raise CommandError(f"{source}: {exc}", returncode=2) from None
        result = json.dumps(solve(instance).as_json(), indent=None)
        if out:
            Path(out).write_text(result + "\n", encoding="utf-8")
        else:
            self.stdout.write(result)
