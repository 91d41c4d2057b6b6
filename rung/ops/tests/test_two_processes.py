"""Two web processes on one PostgreSQL and one Redis share the log-in throttle and the API rate limit."""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("RUNG_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def two_servers() -> Iterator[list[str]]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "SQLITE_PATH"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "rung.settings",
            "DEBUG": "false",
            "SECRET_KEY": "two-process-test-secret-" * 3,
            "CREDENTIALS_KEY_PASSPHRASE": "two-process-test",
            "PAYOUT_DETAILS_KEY": "cnVuZy1kZXZlbG9wbWVudC1wYXlvdXQta2V5LTMyYiE=",
            "CREDENTIALS_DID_METHOD": "key",
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "ALLOWED_HOSTS": "127.0.0.1",
            "API_RATE_LIMIT_PER_IP": "6",
            "LOGIN_FAILURE_LIMIT": "3",
            "DB_CONN_MAX_AGE": "0",
        }
    )
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    procs = [
        subprocess.Popen(
            [gunicorn, "rung.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    httpx.get(f"{base}/healthz", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        pytest.fail("the web processes did not start within 60 s")
                    time.sleep(0.5)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        redis.Redis.from_url(REDIS_URL).flushdb()


def _wrong_password(base: str, email: str) -> int:
    with httpx.Client(base_url=base, timeout=20) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        response = client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token.group(1), "email": email, "password": "wrong guess"},
            headers={"Referer": f"{base}/accounts/login/"},
        )
        return response.status_code


def test_a_log_in_throttle_and_a_rate_limit_hold_across_two_processes(two_servers, alice):
    first, second = two_servers
    # Failures alternate between the processes; the limit of 3 is reached across both.
    statuses = [_wrong_password(base, alice.email) for base in (first, second, first, second, first)]
    assert statuses[:2] == [400, 400]
    assert statuses[3:] == [429, 429]
    api = [httpx.get(f"{base}/api/v1/projects", timeout=20).status_code for base in [first, second] * 5]
    assert api[:6] == [200] * 6
    assert set(api[6:]) == {429}
