"""Rung's signing keys: Ed25519, every private key encrypted with a passphrase, in the database or a file.

Where they live is CREDENTIALS_KEY_STORE: "database" (PlatformKey rows, shared by every process on
every machine; the default outside the tests) or "file" (the key file below, e.g. mounted read-only
as a secret on each machine). Both hold the same sealed keys; the database store is at the end.

The file is JSON so an operator can read what is in it (key ids, when each was made, which one
signs) without the passphrase; only the private keys are sealed (scrypt → Fernet). Rotation adds a
key and retires the previous one. Retired keys stay in the file and in the DID document, so
credentials they signed keep verifying; they just sign nothing new.

The file is written atomically (temporary file, then rename) with mode 0600. A first key made on
first use is created with O_EXCL, so two processes starting at once cannot each make a different one.
"""

import base64
import json
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rung.credentials.models import PlatformKey
from rung.credentials.multibase import (
    MultibaseError,
    decode_ed25519_private_key,
    decode_ed25519_public_key,
    encode_ed25519_private_key,
    encode_ed25519_public_key,
)

FILE_VERSION = 1
# scrypt at 2**15 costs ~32 MiB and tens of milliseconds: cheap once per process, slow to brute-force.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class KeyStoreError(RuntimeError):
    """The key file is missing, unreadable, or the passphrase does not open it. Says what to do."""


@dataclass(frozen=True)
class SigningKey:
    key_id: str  # the Ed25519 Multikey (z6Mk…); also the fragment of its verification method
    public_key: Ed25519PublicKey
    created: str
    retired: str | None
    sealed_private_key: str

    @property
    def active(self) -> bool:
        return self.retired is None


@dataclass(frozen=True)
class KeyFile:
    salt: str
    n: int
    r: int
    p: int
    keys: tuple[SigningKey, ...]

    @property
    def active_key(self) -> SigningKey:
        active = [key for key in self.keys if key.active]
        if len(active) != 1:
            raise KeyStoreError(f"the key file must have exactly one active key, it has {len(active)}")
        return active[0]

    def find(self, key_id: str) -> SigningKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=8)
def _fernet(passphrase: str, salt: str, n: int, r: int, p: int) -> Fernet:
    # Cached: the whole point of scrypt is to be slow, and a process signs many credentials.
    kdf = Scrypt(salt=base64.b64decode(salt), length=32, n=n, r=r, p=p)
    return Fernet(base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8"))))


def _key_path() -> Path:
    return Path(settings.CREDENTIALS_KEY_FILE)


def _passphrase(*, required: bool) -> str:
    passphrase: str = settings.CREDENTIALS_KEY_PASSPHRASE or ""
    if required and not passphrase:
        raise KeyStoreError(
            "Set CREDENTIALS_KEY_PASSPHRASE (or CREDENTIALS_KEY_PASSPHRASE_FILE): signing keys are stored "
            "encrypted with it."
        )
    return passphrase


# --- reading -------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple[str, int, int], KeyFile] = {}


def _parse(raw: bytes, path: Path) -> KeyFile:
    try:
        data = json.loads(raw)
        kdf = data["kdf"]
        if data.get("version") != FILE_VERSION or kdf.get("name") != "scrypt":
            raise KeyStoreError(f"{path} is not a version {FILE_VERSION} Rung key file")
        keys = tuple(
            SigningKey(
                key_id=entry["id"],
                public_key=decode_ed25519_public_key(entry["id"]),
                created=entry["created"],
                retired=entry.get("retired"),
                sealed_private_key=entry["private"],
            )
            for entry in data["keys"]
        )
        return KeyFile(salt=kdf["salt"], n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"]), keys=keys)
    except KeyStoreError:
        raise
    except (ValueError, KeyError, TypeError, MultibaseError) as exc:
        raise KeyStoreError(f"{path} is not a readable Rung key file ({type(exc).__name__}: {exc})") from None


def read_key_file(path: Path | None = None) -> KeyFile | None:
    """The key file's contents (public parts readable without the passphrase), or None if there is none."""
    path = path or _key_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    marker = (str(path), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(marker)
    if cached is not None:
        return cached
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"{path} cannot be read: {exc.strerror}") from None
    parsed = _parse(raw, path)
    with _cache_lock:
        _cache.clear()  # a changed file makes every older reading stale
        _cache[marker] = parsed
    return parsed


def load_keys(*, create: bool | None = None) -> KeyFile:
    """The signing keys; made on first use if CREDENTIALS_AUTO_GENERATE_KEY allows it (or `create` says so)."""
    keys = read_keys()
    if keys is not None:
        return keys
    allowed = settings.CREDENTIALS_AUTO_GENERATE_KEY if create is None else create
    if not allowed:
        where = "in the database" if uses_database() else f"({_key_path()} does not exist)"
        raise KeyStoreError(
            f"Rung has no credential signing key yet {where}. Run `rung credentials keys generate` first."
        )
    if uses_database():
        _create_first_in_db(_passphrase(required=True))
    else:
        _create_first(_key_path(), _passphrase(required=True))
    keys = read_keys()
    assert keys is not None
    return keys


def private_key(key: SigningKey, keys: KeyFile) -> Ed25519PrivateKey:
    fernet = _fernet(_passphrase(required=True), keys.salt, keys.n, keys.r, keys.p)
    try:
        secret = fernet.decrypt(key.sealed_private_key.encode("ascii")).decode("ascii")
        private = decode_ed25519_private_key(secret)
    except (InvalidToken, UnicodeError, MultibaseError, ValueError):
        raise KeyStoreError(
            "CREDENTIALS_KEY_PASSPHRASE does not open the key file (wrong passphrase, or the file was changed)."
        ) from None
    if encode_ed25519_public_key(private.public_key()) != key.key_id:
        raise KeyStoreError(f"the private key stored for {key.key_id} does not match it; the key file is damaged")
    return private


# --- writing -------------------------------------------------------------------------------------


def _serialise(keys: KeyFile) -> bytes:
    data: dict[str, Any] = {
        "version": FILE_VERSION,
        "about": "Rung credential signing keys. Private keys are encrypted with CREDENTIALS_KEY_PASSPHRASE.",
        "kdf": {"name": "scrypt", "salt": keys.salt, "n": keys.n, "r": keys.r, "p": keys.p},
        "keys": [
            {"id": k.key_id, "created": k.created, "retired": k.retired, "private": k.sealed_private_key}
            for k in keys.keys
        ],
    }
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def _new_key(fernet: Fernet) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    sealed = fernet.encrypt(encode_ed25519_private_key(private).encode("ascii")).decode("ascii")
    key_id = encode_ed25519_public_key(private.public_key())
    return SigningKey(key_id, private.public_key(), _now(), None, sealed)


def _new_file(passphrase: str) -> KeyFile:
    salt = base64.b64encode(secrets.token_bytes(16)).decode("ascii")
    fernet = _fernet(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return KeyFile(salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, keys=(_new_key(fernet),))


def _create_first(path: Path, passphrase: str) -> bool:
    """Write a new key file unless one exists; True if this call made it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(_serialise(_new_file(passphrase)))
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _replace(path: Path, keys: KeyFile) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credentials-keys-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_serialise(keys))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def generate_key_file() -> SigningKey:
    """Make the first key. Refuses if there is one: replacing it would orphan every credential."""
    path = _key_path()
    if uses_database():
        if read_keys() is not None or not _create_first_in_db(_passphrase(required=True)):
            raise KeyStoreError("Rung has a signing key already. Use `rung credentials keys rotate` to add a new key.")
        keys = read_keys()
        assert keys is not None
        return keys.active_key
    if not _create_first(path, _passphrase(required=True)):
        raise KeyStoreError(f"{path} already exists. Use `rung credentials keys rotate` to add a new key.")
    keys = read_key_file()
    assert keys is not None
    return keys.active_key


def rotate_key() -> tuple[SigningKey, SigningKey]:
    """Add a new active key and retire the old one (kept, so what it signed still verifies)."""
    if uses_database():
        return _rotate_in_db()
    path = _key_path()
    keys = read_key_file()
    if keys is None:
        raise KeyStoreError(f"{path} does not exist. Use `rung credentials keys generate` first.")
    old = keys.active_key
    private_key(old, keys)  # proves the passphrase opens this file before anything is written
    fernet = _fernet(_passphrase(required=True), keys.salt, keys.n, keys.r, keys.p)
    new = _new_key(fernet)
    retired = tuple(
        SigningKey(k.key_id, k.public_key, k.created, _now(), k.sealed_private_key) if k.active else k
        for k in keys.keys
    )
    _replace(path, KeyFile(keys.salt, keys.n, keys.r, keys.p, (*retired, new)))
    return old, new


# --- the database store (CREDENTIALS_KEY_STORE = "database") ----------------------------------------
#
# The same keys, sealed the same way, as rows of PlatformKey: every web process and worker on every
# machine reads them from the one database. A key file left from before is imported on first use (or
# with `rung credentials keys import`), keeping its salt and sealed keys, so nothing is re-encrypted
# and what the file's keys signed keeps verifying.

_db_cache_lock = threading.Lock()
_db_cache: dict[str, tuple[float, KeyFile]] = {}


def uses_database() -> bool:
    return bool(settings.CREDENTIALS_KEY_STORE == "database")


def forget_cached_keys() -> None:
    with _db_cache_lock:
        _db_cache.clear()


def _db_alias_marker() -> str:
    return f"{connection.vendor}:{connection.settings_dict.get('NAME')}"


def _read_db_keys() -> KeyFile | None:
    marker = _db_alias_marker()
    now = time.monotonic()
    with _db_cache_lock:
        cached = _db_cache.get(marker)
    if cached is not None and cached[0] > now:
        return cached[1]
    rows = list(PlatformKey.objects.order_by("created_at", "id"))
    if not rows:
        return None
    first = rows[0]
    if any(
        (r.salt, r.scrypt_n, r.scrypt_r, r.scrypt_p) != (first.salt, first.scrypt_n, first.scrypt_r, first.scrypt_p)
        for r in rows
    ):
        raise KeyStoreError(
            "Rung's signing keys in the database were sealed with different salts; the table is damaged"
        )
    keys = KeyFile(
        salt=first.salt,
        n=first.scrypt_n,
        r=first.scrypt_r,
        p=first.scrypt_p,
        keys=tuple(
            SigningKey(
                key_id=row.key_id,
                public_key=decode_ed25519_public_key(row.key_id),
                created=row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                retired=row.retired_at.strftime("%Y-%m-%dT%H:%M:%SZ") if row.retired_at else None,
                sealed_private_key=row.sealed_private_key,
            )
            for row in rows
        ),
    )
    keys.active_key  # noqa: B018 (raises KeyStoreError unless exactly one key signs)
    ttl = float(settings.CREDENTIALS_KEY_CACHE_SECONDS)
    if ttl > 0:
        with _db_cache_lock:
            _db_cache[marker] = (now + ttl, keys)
    return keys


def _parse_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _insert_rows(keys: KeyFile, *, imported_from: str = "") -> None:
    PlatformKey.objects.bulk_create(
        [
            PlatformKey(
                key_id=key.key_id,
                salt=keys.salt,
                scrypt_n=keys.n,
                scrypt_r=keys.r,
                scrypt_p=keys.p,
                sealed_private_key=key.sealed_private_key,
                active=key.active,
                created_at=_parse_time(key.created),
                retired_at=_parse_time(key.retired) if key.retired else None,
                imported_from=imported_from,
            )
            for key in keys.keys
        ]
    )


def import_key_file(path: Path | None = None) -> KeyFile:
    """Copy a key file's keys into the database (still sealed). Refuses if the database has other keys.

    Importing the same file twice changes nothing. The passphrase must open the file's active key,
    so a file sealed with another passphrase is refused before anything is written.
    """
    path = path or _key_path()
    keys = read_key_file(path)
    if keys is None:
        raise KeyStoreError(f"There is no key file at {path} to import.")
    private_key(keys.active_key, keys)
    forget_cached_keys()
    try:
        with transaction.atomic():
            existing = set(PlatformKey.objects.select_for_update().values_list("key_id", flat=True))
            if existing == {key.key_id for key in keys.keys}:
                return keys
            if existing:
                raise KeyStoreError(
                    "The database already holds other signing keys; importing this file would give Rung two "
                    "active keys. Nothing was imported."
                )
            _insert_rows(keys, imported_from=str(path))
    except IntegrityError:
        pass  # another process imported it at the same moment
    forget_cached_keys()
    found = _read_db_keys()
    assert found is not None
    return found


def _create_first_in_db(passphrase: str) -> bool:
    try:
        with transaction.atomic():
            if PlatformKey.objects.exists():
                return False
            _insert_rows(_new_file(passphrase))
    except IntegrityError:
        return False  # two processes at once: the other one's key is the key
    finally:
        forget_cached_keys()
    return True


def read_keys() -> KeyFile | None:
    """Rung's signing keys from the configured store; None if there are none yet.

    With the database store, a key file at CREDENTIALS_KEY_FILE is imported the first time the
    database has no keys: upgrading a site moves its keys without anyone having to remember to.
    """
    if not uses_database():
        return read_key_file()
    keys = _read_db_keys()
    if keys is None and _key_path().is_file():
        keys = import_key_file()
    return keys


def _rotate_in_db() -> tuple[SigningKey, SigningKey]:
    forget_cached_keys()
    keys = read_keys()
    if keys is None:
        raise KeyStoreError("Rung has no signing key in the database. Use `rung credentials keys generate` first.")
    old = keys.active_key
    private_key(old, keys)  # proves the passphrase opens the keys before anything is written
    fernet = _fernet(_passphrase(required=True), keys.salt, keys.n, keys.r, keys.p)
    new = _new_key(fernet)
    try:
        with transaction.atomic():
            retired = PlatformKey.objects.filter(key_id=old.key_id, active=True).update(
                active=False, retired_at=timezone.now()
            )
            if retired != 1:
                raise KeyStoreError("Another process rotated the key at the same moment; nothing was changed.")
            _insert_rows(KeyFile(keys.salt, keys.n, keys.r, keys.p, (new,)))
    finally:
        forget_cached_keys()
    found = _read_db_keys()
    assert found is not None
    return found.find(old.key_id) or old, found.active_key
