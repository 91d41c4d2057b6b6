from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files (MEDIA_ROOT) and the credential key file into a new folder, "
        "with a manifest of SHA-256 checksums (docs/operations.md). Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="a new or empty folder to write the backup into")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = create_backup(options["dest"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for note in outcome.notes:
            self.stdout.write(f"  note: {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {outcome.files} files ({outcome.bytes:,} bytes) into {outcome.path} "
                f"in {outcome.seconds:.1f} s."
            )
        )
