from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `rung backup` into this site's database, file storage (MEDIA_ROOT or the S3 "
        "bucket) and credential key file. "
        "Every checksum is verified first; a corrupt backup is refused and nothing is touched. Restores only into "
        "an empty database, storage and key file path unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path, help="the backup folder (with manifest.json)")
        parser.add_argument(
            "--force", action="store_true", help="replace a database, files and key file that are not empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = restore_backup(options["src"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {outcome.files} verified files ({outcome.bytes:,} bytes) from {outcome.path} "
                f"in {outcome.seconds:.1f} s. Next: `rung migrate` (if this release is newer) and `rung ledger check`."
            )
        )
