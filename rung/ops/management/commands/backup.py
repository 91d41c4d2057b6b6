from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files (MEDIA_ROOT, or the S3 bucket with RUNG_S3_BUCKET) and the "
        "credential key file into a new folder, with a manifest of SHA-256 checksums (docs/operations.md). "
        "Safe while the site runs. --upload also copies the backup into the storage under backups/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="a new or empty folder to write the backup into")
        parser.add_argument(
            "--upload", action="store_true", help="then copy it into the file storage under backups/<folder name>/"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = create_backup(options["dest"], upload=options["upload"])
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
