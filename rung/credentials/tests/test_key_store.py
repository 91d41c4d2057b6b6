"""Rung's signing keys in the database (CREDENTIALS_KEY_STORE=database): import from the key file,
generate, rotate, sign and verify — and the file store still working as it did (test_keys.py)."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.credentials import issuer, keys
from rung.credentials.dids import did_key
from rung.credentials.models import PlatformKey
from rung.credentials.multibase import encode_ed25519_private_key
from rung.credentials.services import AchievementInput, issue_credential
from rung.credentials.verify import verify_credential


def run(*args: str) -> str:
    out = StringIO()
    call_command("credentials", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def database_store(settings: Any) -> None:
    settings.CREDENTIALS_KEY_STORE = "database"
    settings.CREDENTIALS_KEY_CACHE_SECONDS = 0  # every read goes to the database, as another process's would
    keys.forget_cached_keys()


@pytest.fixture
def no_key_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "none" / "keys.json"
    settings.CREDENTIALS_KEY_FILE = path
    return path


def _file_key_ids(path: Path) -> list[str]:
    return [entry["id"] for entry in json.loads(path.read_text())["keys"]]


def test_an_existing_key_file_is_imported_on_first_use_still_sealed(
    db: None, database_store: None, key_file: Path
) -> None:
    assert not PlatformKey.objects.exists()
    loaded = keys.load_keys()
    (row,) = PlatformKey.objects.all()
    assert row.key_id == loaded.active_key.key_id == _file_key_ids(key_file)[0]
    assert row.active
    assert row.imported_from == str(key_file)
    # Sealed as the file sealed it: the plain private key is nowhere in the row.
    private = keys.private_key(loaded.active_key, loaded)
    assert encode_ed25519_private_key(private) not in row.sealed_private_key
    assert row.sealed_private_key == json.loads(key_file.read_text())["keys"][0]["private"]


def test_credentials_signed_with_the_file_key_verify_after_the_move(
    db: None, settings: Any, key_file: Path, dana: User, achievement: AchievementInput
) -> None:
    before = issue_credential(
        recipient=dana, achievement=achievement, engagement_ref="engagement:before", issued_by=None
    )
    settings.CREDENTIALS_KEY_STORE = "database"
    settings.CREDENTIALS_KEY_CACHE_SECONDS = 0
    keys.load_keys()  # the first use imports the file
    key_file.unlink()  # and the machine that had it can go
    after = issue_credential(recipient=dana, achievement=achievement, engagement_ref="engagement:after", issued_by=None)
    assert after.verification_method == before.verification_method  # the same key signs on
    assert verify_credential(before.document).verified
    assert verify_credential(after.document).verified


def test_import_command_copies_the_file_and_is_idempotent(db: None, database_store: None, key_file: Path) -> None:
    output = run("keys", "import")
    assert _file_key_ids(key_file)[0] in output
    assert AuditEvent.objects.filter(verb="credential.key.imported").count() == 1
    run("keys", "import")
    assert PlatformKey.objects.count() == 1


def test_import_refuses_a_file_the_passphrase_does_not_open(
    db: None, database_store: None, key_file: Path, settings: Any
) -> None:
    settings.CREDENTIALS_KEY_PASSPHRASE = "not the passphrase"
    with pytest.raises(CommandError, match="does not open"):
        run("keys", "import")
    assert not PlatformKey.objects.exists()


def test_import_refuses_when_the_database_has_other_keys(
    db: None, database_store: None, no_key_file: Path, key_file_elsewhere: Path
) -> None:
    keys.load_keys(create=True)  # the database makes its own first key
    with pytest.raises(CommandError, match="already holds other signing keys"):
        run("keys", "import", "--file", str(key_file_elsewhere))
    assert PlatformKey.objects.count() == 1


@pytest.fixture
def key_file_elsewhere(tmp_path: Path, _template_key_file: Path) -> Path:
    path = tmp_path / "elsewhere.json"
    path.write_bytes(_template_key_file.read_bytes())
    return path


def test_import_is_refused_with_the_file_store(db: None, key_file: Path) -> None:
    with pytest.raises(CommandError, match="CREDENTIALS_KEY_STORE is file"):
        run("keys", "import")


def test_generate_makes_the_first_key_in_the_database_and_no_file(
    db: None, database_store: None, no_key_file: Path
) -> None:
    output = run("keys", "generate")
    (row,) = PlatformKey.objects.all()
    assert row.key_id in output
    assert "in the database" in output
    assert not no_key_file.exists()
    with pytest.raises(CommandError, match="has a signing key already"):
        run("keys", "generate")
    assert PlatformKey.objects.count() == 1


def test_rotation_in_the_database_keeps_the_old_key_verifying(
    db: None, database_store: None, no_key_file: Path, dana: User, achievement: AchievementInput
) -> None:
    run("keys", "generate")
    old_credential = issue_credential(
        recipient=dana, achievement=achievement, engagement_ref="engagement:old", issued_by=None
    )
    output = run("keys", "rotate")
    old_row, new_row = PlatformKey.objects.order_by("created_at", "id")
    assert not old_row.active
    assert old_row.retired_at is not None
    assert new_row.active
    assert f"New signing key {new_row.key_id}" in output
    new_credential = issue_credential(
        recipient=dana, achievement=achievement, engagement_ref="engagement:new", issued_by=None
    )
    assert new_credential.verification_method.endswith(f"#{new_row.key_id}")
    assert old_credential.verification_method.endswith(f"#{old_row.key_id}")
    # Both keys are in the DID document every process serves, so both credentials verify.
    document = issuer.did_document()
    assert document is not None
    assert {m["id"].partition("#")[2] for m in document["verificationMethod"]} == {old_row.key_id, new_row.key_id}
    assert verify_credential(old_credential.document).verified
    assert verify_credential(new_credential.document).verified


def test_rotation_refuses_when_the_passphrase_does_not_open_the_key(
    db: None, database_store: None, no_key_file: Path, settings: Any
) -> None:
    run("keys", "generate")
    settings.CREDENTIALS_KEY_PASSPHRASE = "another passphrase"
    with pytest.raises(CommandError, match="does not open"):
        run("keys", "rotate")
    assert PlatformKey.objects.filter(active=True).count() == 1
    assert PlatformKey.objects.count() == 1


def test_the_database_allows_only_one_active_key(db: None, database_store: None, no_key_file: Path) -> None:
    from django.db import IntegrityError, transaction

    run("keys", "generate")
    row = PlatformKey.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformKey.objects.create(
            key_id="z6MkSecond",
            salt=row.salt,
            scrypt_n=row.scrypt_n,
            scrypt_r=row.scrypt_r,
            scrypt_p=row.scrypt_p,
            sealed_private_key="x",
        )


def test_with_did_key_the_database_keys_are_rungs_own_dids(
    db: None, database_store: None, no_key_file: Path, settings: Any
) -> None:
    settings.CREDENTIALS_DID_METHOD = "key"
    run("keys", "generate")
    run("keys", "rotate")
    loaded = keys.load_keys()
    assert issuer.own_dids() >= {did_key(k.public_key) for k in loaded.keys}
    assert issuer.issuer_did() == did_key(loaded.active_key.public_key)


def test_list_says_where_the_keys_are(db: None, database_store: None, no_key_file: Path) -> None:
    with pytest.raises(CommandError, match="No signing key in the database"):
        run("keys", "list")
    run("keys", "generate")
    output = run("keys", "list")
    assert "Signing keys in the database" in output
    assert "active (signs new credentials)" in output
