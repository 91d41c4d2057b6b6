"""The signing key file, the `rung credentials keys` command, and Rung's DID."""

import json
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rung.audit.models import AuditEvent
from rung.credentials import issuer, keys
from rung.credentials.dids import did_key
from rung.credentials.keys import KeyStoreError
from rung.credentials.multibase import encode_ed25519_private_key


def run(*args: str) -> str:
    out = StringIO()
    call_command("credentials", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def no_key_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "fresh" / "keys.json"
    settings.CREDENTIALS_KEY_FILE = path
    return path


def test_the_key_file_holds_private_keys_only_encrypted(key_file: Path) -> None:
    key_file_data = json.loads(key_file.read_text())
    loaded = keys.load_keys()
    private = keys.private_key(loaded.active_key, loaded)
    assert encode_ed25519_private_key(private) not in key_file.read_text()
    assert key_file_data["kdf"]["name"] == "scrypt"
    assert key_file_data["keys"][0]["id"] == loaded.active_key.key_id


def test_generate_makes_a_private_file(db: None, no_key_file: Path) -> None:
    output = run("keys", "generate")
    assert stat.S_IMODE(no_key_file.stat().st_mode) == 0o600
    key = keys.load_keys().active_key
    assert key.key_id in output
    assert "did:web:testserver" in output
    assert AuditEvent.objects.filter(verb="credential.key.generated", data__key=key.key_id).exists()


def test_generate_refuses_to_replace_a_key_file(db: None, key_file: Path) -> None:
    before = key_file.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        run("keys", "generate")
    assert key_file.read_bytes() == before


def test_generate_needs_a_passphrase(db: None, no_key_file: Path, settings: Any) -> None:
    settings.CREDENTIALS_KEY_PASSPHRASE = ""
    with pytest.raises(CommandError, match="CREDENTIALS_KEY_PASSPHRASE"):
        run("keys", "generate")
    assert not no_key_file.exists()


def test_rotate_keeps_the_old_key_listed_and_retired(db: None, key_file: Path) -> None:
    old = keys.load_keys().active_key
    output = run("keys", "rotate")
    loaded = keys.load_keys()
    assert next(k.key_id for k in loaded.keys) == old.key_id
    retired = loaded.find(old.key_id)
    assert retired is not None
    assert not retired.active
    assert loaded.active_key.key_id != old.key_id
    assert "retired" in output
    document = issuer.did_document()
    assert document is not None
    assert document["assertionMethod"] == [f"did:web:testserver#{k.key_id}" for k in loaded.keys]
    listing = run("keys", "list")
    assert f"{loaded.active_key.key_id}" in listing
    assert "active (signs new credentials)" in listing


def test_rotate_refuses_with_the_wrong_passphrase(db: None, key_file: Path, settings: Any) -> None:
    settings.CREDENTIALS_KEY_PASSPHRASE = "not the passphrase"
    before = key_file.read_bytes()
    with pytest.raises(CommandError, match="does not open the key file"):
        run("keys", "rotate")
    assert key_file.read_bytes() == before


def test_list_without_a_key_file_says_what_to_do(db: None, no_key_file: Path) -> None:
    with pytest.raises(CommandError, match="keys generate"):
        run("keys", "list")


def test_no_key_file_and_no_auto_generation_refuses(no_key_file: Path) -> None:
    with pytest.raises(KeyStoreError, match="keys generate"):
        keys.load_keys()


def test_auto_generation_makes_the_key_on_first_use(no_key_file: Path, settings: Any) -> None:
    settings.CREDENTIALS_AUTO_GENERATE_KEY = True
    first = keys.load_keys().active_key
    assert no_key_file.exists()
    # A second process starting at the same moment reads the same key instead of making another.
    assert keys._create_first(no_key_file, "whatever") is False
    assert keys.load_keys().active_key.key_id == first.key_id


def test_a_damaged_key_file_is_a_clear_error(key_file: Path) -> None:
    key_file.write_text("{not json")
    with pytest.raises(KeyStoreError, match="not a readable Rung key file"):
        keys.load_keys()


def test_did_web_encodes_the_port(settings: Any) -> None:
    settings.SITE_URL = "https://Rung.Example:8443"
    assert issuer.issuer_did() == "did:web:rung.example%3A8443"
    settings.SITE_URL = "https://rung.example"
    assert issuer.issuer_did() == "did:web:rung.example"


def test_did_key_mode_issues_as_the_active_key(settings: Any) -> None:
    settings.CREDENTIALS_DID_METHOD = "key"
    active = keys.load_keys().active_key
    assert issuer.issuer_did() == did_key(active.public_key)
    signer = issuer.signer_for()
    assert signer.verification_method == f"{did_key(active.public_key)}#{active.key_id}"
    assert issuer.issuer_did() in issuer.own_dids()
