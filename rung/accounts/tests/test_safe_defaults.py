"""Outside DEBUG, Rung refuses to start without its secrets instead of using public development ones."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter, so settings.py runs as at start-up (without pytest loaded).
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CREDENTIALS_KEY_PASSPHRASE", "DEBUG"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "rung.settings", **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_without_debug_a_missing_secret_key_stops_the_start():
    started = _start(DEBUG="false", CREDENTIALS_KEY_PASSPHRASE="p")
    assert started.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off" in started.stderr


def test_without_debug_a_missing_credentials_passphrase_stops_the_start():
    started = _start(DEBUG="false", SECRET_KEY="s" * 50)
    assert started.returncode != 0
    assert "CREDENTIALS_KEY_PASSPHRASE" in started.stderr


def test_with_both_secrets_it_starts_and_uses_them():
    started = _start(DEBUG="false", SECRET_KEY="a-real-secret-" * 4, CREDENTIALS_KEY_PASSPHRASE="p")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "a-real-secret-" * 4


def test_with_debug_the_development_defaults_are_allowed():
    started = _start(DEBUG="true")
    assert started.returncode == 0, started.stderr
    assert "django-insecure" in started.stdout
