"""The sandbox providers are fakes: refused unless the site says it is a sandbox. Overdue payouts alert staff."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from rung.ledger.checks import sandbox_payments_off
from rung.ledger.models import Deposit
from rung.ledger.payouts import alert_overdue_payouts, create_payout
from rung.ledger.providers import SandboxPayoutProvider, SandboxProvider, get_payment_provider, get_payout_provider
from rung.ledger.services import request_deposit
from rung.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[3]


def _start_django(**env: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter, so settings.py runs as it would at start-up (and pytest is not loaded).
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PAYMENT_", "PAYOUT_", "USE_SANDBOX"))}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "rung.settings",
            "DEBUG": "false",
            # Outside DEBUG, settings refuse to start without these (rung/accounts/tests/test_safe_defaults.py).
            "SECRET_KEY": "test-secret-key-for-a-production-start",
            "CREDENTIALS_KEY_PASSPHRASE": "test-passphrase",
            **env,
        }
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.PAYMENT_PROVIDER, settings.PAYOUT_PROVIDER, settings.USE_SANDBOX_PAYMENTS)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_defaults_are_the_real_providers_and_the_sandbox_is_off():
    started = _start_django()
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["invoice", "batch_export", "False"]


def test_the_demo_defaults_to_the_sandbox():
    assert _start_django(DEBUG="true").stdout.split() == ["sandbox", "sandbox", "True"]


@pytest.mark.parametrize(
    "env",
    [
        {"PAYMENT_PROVIDER": "sandbox"},
        {"PAYOUT_PROVIDER": "sandbox"},
        {"DEBUG": "true", "USE_SANDBOX_PAYMENTS": "false", "PAYMENT_PROVIDER": "sandbox"},
    ],
)
def test_a_sandbox_provider_without_use_sandbox_payments_stops_start_up(env):
    started = _start_django(**env)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "a fake that moves no money, but USE_SANDBOX_PAYMENTS is off" in started.stderr


def test_with_the_switch_off_no_code_path_can_use_a_sandbox(settings, db, org, alice):
    settings.USE_SANDBOX_PAYMENTS = False
    for choose in (lambda: get_payment_provider("sandbox"), lambda: get_payout_provider("sandbox")):
        with pytest.raises(ImproperlyConfigured, match="fakes that move no money"):
            choose()
    with pytest.raises(ImproperlyConfigured):
        request_deposit(
            organisation=org,
            project_uuid=uuid.uuid4(),
            stipend_minor=100_00,
            seats=1,
            currency="EUR",
            actor=alice,
            provider=SandboxProvider(),
        )
    # The deposit was recorded as asked for but never counted as paid.
    assert not Deposit.objects.filter(status="confirmed").exists()
    with pytest.raises(ImproperlyConfigured):
        SandboxPayoutProvider().send(object())  # type: ignore[arg-type]


def test_the_deploy_check_warns_while_the_sandbox_is_allowed(settings):
    settings.USE_SANDBOX_PAYMENTS = True
    assert [m.id for m in sandbox_payments_off(None)] == ["ledger.W001"]
    settings.USE_SANDBOX_PAYMENTS = False
    assert sandbox_payments_off(None) == []


@pytest.mark.django_db
def test_staff_are_told_once_about_each_overdue_payout(sam, fund, release, project, engagement, intern, capsys):
    fund(project)
    release(project, engagement, 60_00, days_ago=10)
    create_payout(engagement_uuid=engagement, intern=intern, currency="EUR", provider_name="batch_export")
    on_time = uuid.uuid4()
    release(project, on_time, 10_00)
    create_payout(engagement_uuid=on_time, intern=intern, currency="EUR", provider_name="batch_export")
    assert alert_overdue_payouts() == 1
    assert alert_overdue_payouts() == 0
    [note] = Notification.objects.filter(recipient=sam)
    assert note.verb == "ledger.payout_overdue"
    assert "EUR 60.00" in note.title
    assert note.url.startswith("/money/staff/payouts/")
    assert not Notification.objects.exclude(recipient=sam).exists()
    call_command("ledger", "payouts")
    assert "newly overdue" not in capsys.readouterr().out
