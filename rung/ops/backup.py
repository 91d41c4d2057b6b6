"""Backup and restore of everything one Rung site keeps: the database, uploaded files, the credential key file.

A backup is a folder:

    manifest.json           what is in it, and the SHA-256 and size of every other file
    database.sqlite3        SQLite, copied with SQLite's online backup API (consistent while the site runs)
    database.pgdump         or PostgreSQL, in pg_dump's custom format (one consistent snapshot)
    media/…                 the uploaded files (submissions, attachments), read through Django's storage
                            API: MEDIA_ROOT on disk, or every object of the S3 bucket (RUNG_S3_BUCKET)
    credentials-keys.json   the credential key file, if there is one (still encrypted with the passphrase);
                            with CREDENTIALS_KEY_STORE=database the keys are in the database dump

`rung backup DIR --upload` then copies the finished backup into the same storage under
backups/<DIR's name>/, to get it off the machine (an S3 bucket: off every machine); uploads under
backups/ are not themselves backed up again.

Restore checks every checksum before it touches anything and refuses a backup that does not match
its manifest; it restores only into an empty database and empty folders unless told to overwrite.
The passphrase is not in the backup: keep it (and SECRET_KEY) in your secret store.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone

FORMAT = "rung-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
KEY_FILE = "credentials-keys.json"
# Where `--upload` puts backups in the storage; never part of the uploads a backup copies.
UPLOAD_PREFIX = "backups"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Outcome:
    path: Path
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install PostgreSQL's client tools (same major version).")
    # The command is ours (pg_dump or pg_restore with paths we built), never a person's input.
    completed = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip() or completed.stdout.strip()}")


def _empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# --- Uploaded files, through the storage API ------------------------------------------------------------


def _storage_files(storage: Storage, folder: str = "") -> list[str]:
    """Every file name in the storage (recursively), except backups uploaded into it."""
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        path = f"{folder}/{sub}" if folder else sub
        if path != UPLOAD_PREFIX:
            names += _storage_files(storage, path)
    return sorted(names)


def _storage_is_empty(storage: Storage) -> bool:
    try:
        return not _storage_files(storage)
    except FileNotFoundError:
        return True  # FileSystemStorage before anything was uploaded: MEDIA_ROOT does not exist yet


def _storage_name() -> str:
    return f"the bucket {settings.RUNG_S3_BUCKET}" if settings.RUNG_S3_BUCKET else f"{settings.MEDIA_ROOT} (MEDIA_ROOT)"


def _copy_uploads_out(dest: Path, outcome: Outcome) -> None:
    try:
        names = _storage_files(default_storage)
    except FileNotFoundError:
        names = []
    if not names:
        outcome.notes.append(f"No uploaded files in {_storage_name()}.")
        return
    for name in names:
        target = dest / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, length=1 << 20)


def _copy_uploads_in(src: Path, force: bool) -> None:
    root = src / MEDIA_DIR
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if force and default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}; restore into an empty storage.")


def _upload_backup(dest: Path) -> str:
    prefix = f"{UPLOAD_PREFIX}/{dest.name}"
    if default_storage.exists(f"{prefix}/{MANIFEST}"):
        raise BackupError(f"{prefix} is already in the storage. Back up into a folder with a new name.")
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        with path.open("rb") as handle:
            default_storage.save(f"{prefix}/{path.relative_to(dest).as_posix()}", File(handle))
    return prefix


# --- Backup ------------------------------------------------------------------------------------------


def _dump_database(dest: Path) -> str:
    if connection.in_atomic_block:
        # A write transaction of our own would hold the lock the backup must read under.
        raise BackupError("Run the backup outside a database transaction.")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dest / SQLITE_FILE)
        try:
            # The online backup API copies a consistent snapshot while others keep writing.
            connection.connection.backup(target)
        finally:
            target.close()
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dest / PG_FILE}"])
        return PG_FILE
    raise BackupError(f"Backing up a {connection.vendor} database is not supported (SQLite and PostgreSQL are).")


def create_backup(dest: Path, *, upload: bool = False) -> Outcome:
    """Write a backup of this site into `dest`, a new or empty folder (and copy it into the storage if `upload`)."""
    started = time.monotonic()
    dest = dest.resolve()
    if not _empty_dir(dest):
        raise BackupError(f"{dest} is not empty. Back up into a new folder, so no old file is mistaken for new.")
    dest.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(path=dest)
    database_file = _dump_database(dest)
    _copy_uploads_out(dest, outcome)
    key_file = Path(settings.CREDENTIALS_KEY_FILE)
    if key_file.is_file():
        shutil.copy2(key_file, dest / KEY_FILE)
    else:
        outcome.notes.append(
            "The credential signing keys are in the database dump (still sealed)."
            if settings.CREDENTIALS_KEY_STORE == "database"
            else f"No credential key file at {key_file}: no credential has been signed yet."
        )
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in dest.rglob("*") if p.is_file() and p.name != MANIFEST):
        relative = path.relative_to(dest).as_posix()
        files[relative] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database_file},
        "media": MEDIA_DIR if (dest / MEDIA_DIR).is_dir() else None,
        "credentials_key_file": KEY_FILE if (dest / KEY_FILE).is_file() else None,
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    outcome.files = len(files)
    outcome.bytes = sum(entry["bytes"] for entry in files.values())
    if upload:
        outcome.notes.append(f"Copied into the storage ({_storage_name()}) under {_upload_backup(dest)}/.")
    outcome.seconds = time.monotonic() - started
    return outcome


# --- Restore -----------------------------------------------------------------------------------------


def read_verified_manifest(src: Path) -> dict[str, Any]:
    """The backup's manifest, after checking every file against it; BackupError naming what is wrong."""
    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{src} has no {MANIFEST}: it is not a Rung backup, or it is incomplete.")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{manifest_path} is not valid JSON ({exc}): the backup is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{manifest_path} is not a Rung backup manifest.")
    if manifest.get("version") != VERSION:
        raise BackupError(f"This backup has format version {manifest.get('version')}; this Rung reads {VERSION}.")
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise BackupError(f"{manifest_path} lists no files: the backup is damaged.")
    problems = []
    for relative, entry in sorted(listed.items()):
        path = src / relative
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif path.stat().st_size != entry.get("bytes"):
            problems.append(f"{relative} has {path.stat().st_size} bytes, the manifest says {entry.get('bytes')}")
        elif sha256_of(path) != entry.get("sha256"):
            problems.append(f"{relative} does not match its SHA-256 checksum")
    present = {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file() and p.name != MANIFEST}
    problems.extend(f"{extra} is not in the manifest" for extra in sorted(present - set(listed)))
    if problems:
        raise BackupError(
            "The backup is corrupt, so nothing was restored: " + "; ".join(problems) + ". Use another backup."
        )
    database = manifest.get("database") or {}
    if database.get("file") not in listed:
        raise BackupError("The backup's manifest names no database file: the backup is damaged.")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_database(src: Path, manifest: dict[str, Any], *, force: bool) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup holds a {vendor} database but this site uses {connection.vendor}. "
            "Restore it on a site configured for the same database (DATABASE_URL or SQLITE_PATH)."
        )
    if not force and not _database_is_empty():
        raise BackupError(
            "The database is not empty. Restore into a new, empty database, or pass --force to replace it."
        )
    source = src / manifest["database"]["file"]
    if vendor == "sqlite":
        connection.close()
        backup_db = sqlite3.connect(source)
        target = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
    else:
        connection.close()
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if force:
            command += ["--clean", "--if-exists"]
        _run([*command, f"--dbname={connection.settings_dict['NAME']}", str(source)])


def restore_backup(src: Path, *, force: bool = False) -> Outcome:
    """Restore the backup in `src` into this site's database, file storage and credential key file."""
    started = time.monotonic()
    src = src.resolve()
    manifest = read_verified_manifest(src)
    key_file = Path(settings.CREDENTIALS_KEY_FILE)
    # Check every destination before writing anything, so a refusal leaves everything as it was.
    if manifest.get("media") and not force and not _storage_is_empty(default_storage):
        raise BackupError(f"{_storage_name()} is not empty. Restore into an empty storage, or pass --force.")
    if manifest.get("credentials_key_file") and not force and key_file.exists():
        raise BackupError(f"{key_file} (CREDENTIALS_KEY_FILE) already exists. Move it away, or pass --force.")
    _restore_database(src, manifest, force=force)
    outcome = Outcome(path=src, files=len(manifest["files"]))
    if manifest.get("media"):
        _copy_uploads_in(src, force)
    if manifest.get("credentials_key_file"):
        key_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / manifest["credentials_key_file"], key_file)
        key_file.chmod(0o600)
    outcome.bytes = sum(int(entry["bytes"]) for entry in manifest["files"].values())
    outcome.seconds = time.monotonic() - started
    return outcome
