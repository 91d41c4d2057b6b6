"""The backup drill: back up a site with money, a credential and an upload, restore it into an empty
database and empty folders in a fresh process, then `rung ledger check` and verify the credential."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rung.credentials import keys as keystore
from rung.credentials.services import issue_credential
from rung.credentials.tests.conftest import make_achievement
from rung.ops.backup import MANIFEST, BackupError, read_verified_manifest
from rung.ops.tests.support import fund_and_release

ROOT = Path(__file__).resolve().parents[3]
PASSPHRASE = "the drill's passphrase"


@pytest.fixture
def site(settings: Any, tmp_path: Path, org, alice, charlie) -> dict[str, Any]:
    """A small live site: a funded project with a released milestone, a signed credential, an upload."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDENTIALS_KEY_FILE = tmp_path / "keys.json"
    settings.CREDENTIALS_KEY_PASSPHRASE = PASSPHRASE
    settings.CREDENTIALS_AUTO_GENERATE_KEY = False
    settings.CREDENTIALS_DID_METHOD = "web"
    settings.SITE_URL = "http://testserver"
    keystore._create_first(settings.CREDENTIALS_KEY_FILE, PASSPHRASE)
    fund_and_release(org, employer=alice, intern=charlie)
    credential = issue_credential(
        recipient=charlie, achievement=make_achievement(org), engagement_ref="engagement:drill", issued_by=None
    )
    upload = settings.MEDIA_ROOT / "submissions" / "report.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.7 the intern's report")
    return {"credential": credential.uuid, "upload": "submissions/report.pdf"}


def _rung(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rung", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _fresh_site_env(tmp_path: Path, **database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "rung.settings",
            "DEBUG": "false",
            "SECRET_KEY": "drill-secret-key-" * 4,
            "CREDENTIALS_KEY_PASSPHRASE": PASSPHRASE,
            "PAYOUT_DETAILS_KEY": "cnVuZy1kZXZlbG9wbWVudC1wYXlvdXQta2V5LTMyYiE=",
            "CREDENTIALS_KEY_FILE": str(tmp_path / "restored" / "keys.json"),
            "CREDENTIALS_DID_METHOD": "web",
            "SITE_URL": "https://testserver",  # the same did:web:testserver; outside DEBUG it must be https
            "MEDIA_ROOT": str(tmp_path / "restored" / "media"),
            "RUNG_VAR_DIR": str(tmp_path / "restored" / "var"),
            **database,
        }
    )
    return env


def _drill(site: dict[str, Any], tmp_path: Path, env: dict[str, str]) -> None:
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert "media/submissions/report.pdf" in manifest["files"]
    assert "credentials-keys.json" in manifest["files"]

    restored = _rung(["restore", str(backup)], env)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    checked = _rung(["ledger", "check"], env)
    assert checked.returncode == 0, checked.stderr
    assert "The ledger is consistent." in checked.stdout
    verify = (
        "import json; from rung.credentials.models import IssuedCredential; "
        "from rung.credentials.verify import verify_credential; "
        f"c = IssuedCredential.objects.get(uuid='{site['credential']}'); "
        "r = verify_credential(json.loads(c.document_text)); print('VERIFIED' if r.verified else r)"
    )
    verified = _rung(["shell", "-c", verify], env)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.strip().splitlines()[-1] == "VERIFIED"
    upload = tmp_path / "restored" / "media" / site["upload"]
    assert upload.read_bytes() == b"%PDF-1.7 the intern's report"
    # A second restore into what is no longer empty is refused.
    again = _rung(["restore", str(backup)], env)
    assert again.returncode != 0
    assert "not empty" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_a_sqlite_site_into_an_empty_database_and_folder(site, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill; the PostgreSQL one runs on PostgreSQL")
    (tmp_path / "restored").mkdir()
    env = _fresh_site_env(tmp_path, SQLITE_PATH=str(tmp_path / "restored" / "rung.sqlite3"))
    _drill(site, tmp_path, env)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_a_postgresql_site_into_an_empty_database_and_folder(site, tmp_path):
    db = connection.settings_dict
    name = f"{db['NAME']}_drill_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        (tmp_path / "restored").mkdir()
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        _drill(site, tmp_path, _fresh_site_env(tmp_path, DATABASE_URL=url))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- A corrupt backup is refused ---------------------------------------------------------------------


@pytest.fixture
def backup(settings: Any, tmp_path: Path, transactional_db: None) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("an upload")
    settings.CREDENTIALS_KEY_FILE = tmp_path / "no-keys.json"
    dest = tmp_path / "backup"
    if connection.vendor == "sqlite":
        call_command("backup", str(dest))
    else:
        # Only the manifest's checks are under test here; pg_dump cannot see this test's transaction.
        dest.mkdir()
        (dest / "database.pgdump").write_bytes(b"stand-in")
        (dest / "media").mkdir()
        (dest / "media" / "a.txt").write_text("an upload")
        from rung.ops.backup import sha256_of

        files = {
            p: {"sha256": sha256_of(dest / p), "bytes": (dest / p).stat().st_size}
            for p in ["database.pgdump", "media/a.txt"]
        }
        manifest = {
            "format": "rung-backup",
            "version": 1,
            "database": {"vendor": "postgresql", "file": "database.pgdump"},
            "media": "media",
            "credentials_key_file": None,
            "files": files,
        }
        (dest / MANIFEST).write_text(json.dumps(manifest))
    return dest


def test_a_sound_backup_passes_its_checks(backup):
    assert read_verified_manifest(backup)["files"]["media/a.txt"]["bytes"] == len("an upload")


def test_a_changed_file_is_refused_with_a_clear_message(backup):
    (backup / "media" / "a.txt").write_text("an uploaD")
    with pytest.raises(BackupError, match=r"corrupt.*media/a.txt does not match its SHA-256 checksum"):
        read_verified_manifest(backup)


def test_a_missing_or_extra_or_truncated_file_is_refused(backup):
    (backup / "media" / "a.txt").unlink()
    (backup / "media" / "sneaked-in.txt").write_text("x")
    with pytest.raises(BackupError) as excinfo:
        read_verified_manifest(backup)
    assert "media/a.txt is missing" in str(excinfo.value)
    assert "media/sneaked-in.txt is not in the manifest" in str(excinfo.value)


def test_a_folder_without_a_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(BackupError, match=r"no manifest\.json"):
        read_verified_manifest(tmp_path)
    (tmp_path / MANIFEST).write_text("{nope")
    with pytest.raises(BackupError, match="not valid JSON"):
        read_verified_manifest(tmp_path)


def test_restore_refuses_a_corrupt_backup_and_touches_nothing(backup, settings, tmp_path):
    (backup / "media" / "a.txt").write_text("tampered")
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError, match="corrupt"):
        call_command("restore", str(backup))
    assert not (tmp_path / "empty-media").exists()


def test_restore_refuses_a_database_that_is_not_empty(backup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(backup))


def test_backup_refuses_a_folder_that_is_not_empty(backup):
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(backup))
