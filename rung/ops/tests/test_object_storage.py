# ruff: noqa: F811 (pytest fixtures imported from the reviews tests are used as arguments)
"""Uploaded files and backups in S3-compatible object storage (RUNG_S3_BUCKET), end to end.

The stand-in for S3 here is moto's server (`moto[server]`, a dev dependency): a real HTTP endpoint
speaking the S3 protocol on a free local port, which django-storages and boto3 talk to exactly as
they would to AWS, MinIO or Ceph. Nothing here mocks Python code: if an upload or a download did
not go through the storage API, the bytes would not be in the bucket or would not come back.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from moto.server import ThreadedMotoServer

from conftest import make_user
from rung.ops import backup
from rung.orgs.models import Membership, Role

# The reviews tests' engagement, built through the real flow (fixtures imported for use here).
from rung.projects.tests.conftest import draft, owner_membership, published, sandbox_payments  # noqa: F401
from rung.reviews.tests.conftest import (  # noqa: F401
    PDF,
    candidate,
    engagement,
    media_root,
    milestone,
    other_org,
    reviewer_membership,
    submit,
    unsigned,
)

BUCKET = "rung-uploads"
ACCESS_KEY, SECRET_KEY = "stand-in-access-key", "stand-in-secret-key"  # moto accepts any; AWS would not


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, standing in for the real object storage, on a free port of this machine."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def _keys(endpoint: str, bucket: str) -> list[str]:
    listing = _client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _use_bucket(settings: Any, endpoint: str, bucket: str) -> None:
    client = _client(endpoint)
    existing = {b["Name"] for b in client.list_buckets()["Buckets"]}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for key in _keys(endpoint, bucket):
        client.delete_object(Bucket=bucket, Key=key)
    settings.RUNG_S3_BUCKET = bucket
    # The same options settings.py builds from RUNG_S3_* (test_settings_read_the_s3_variables checks that).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": "eu-west-1",
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "location": "",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }


@pytest.fixture
def bucket(settings: Any, s3_endpoint: str, media_root: Path) -> str:
    _use_bucket(settings, s3_endpoint, BUCKET)
    return BUCKET


def _local_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_submission_is_stored_in_the_bucket_not_on_this_disk(bucket, s3_endpoint, media_root, milestone, candidate):
    item = submit(milestone, candidate).files.get()
    assert type(storages["default"]).__name__ == "S3Storage"
    assert _keys(s3_endpoint, bucket) == [item.file.name]
    assert _local_files(media_root) == []
    body = _client(s3_endpoint).get_object(Bucket=bucket, Key=item.file.name)["Body"].read()
    assert body == PDF
    # Private: the object has no public-read grant (default_acl None keeps the bucket's own policy).
    grants = _client(s3_endpoint).get_object_acl(Bucket=bucket, Key=item.file.name)["Grants"]
    assert not any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)


def test_people_on_the_engagement_download_it_through_rung(
    bucket, client_for: Callable, milestone, candidate, bob
) -> None:
    item = submit(milestone, candidate).files.get()
    for person in (candidate, bob):
        response = client_for(person).get(reverse("reviews:download", args=[item.uuid]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF


def test_outsiders_and_other_employers_cannot_download_it(
    bucket, client_for: Callable, charlie, other_org, milestone, candidate
) -> None:
    stranger = make_user("gina@globex.example", "Gina Globex")
    Membership.objects.create(organisation=other_org, user=stranger, role=Role.OWNER)
    item = submit(milestone, candidate).files.get()
    for person in (charlie, stranger):
        response = client_for(person).get(reverse("reviews:download", args=[item.uuid]))
        assert response.status_code == 404
        assert PDF not in response.content


@pytest.mark.django_db(transaction=True)  # a backup runs outside any transaction
def test_a_backup_copies_the_bucket_and_is_uploaded_into_it(
    bucket, s3_endpoint, settings, tmp_path, milestone, candidate
) -> None:
    item = submit(milestone, candidate).files.get()
    dest = tmp_path / "rung-backup-1"
    outcome = backup.create_backup(dest, upload=True)
    assert (dest / "media" / item.file.name).read_bytes() == PDF
    manifest = json.loads((dest / "manifest.json").read_text())
    assert f"media/{item.file.name}" in manifest["files"]
    assert any("backups/rung-backup-1" in note for note in outcome.notes)
    stored = _keys(s3_endpoint, bucket)
    assert "backups/rung-backup-1/manifest.json" in stored
    assert f"backups/rung-backup-1/media/{item.file.name}" in stored
    # A second backup copies the uploads, not the backup uploaded into the bucket before.
    second = tmp_path / "rung-backup-2"
    backup.create_backup(second)
    assert sorted(p.relative_to(second / "media").as_posix() for p in _local_files(second / "media")) == [
        item.file.name
    ]
    with pytest.raises(backup.BackupError, match="already in the storage"):
        backup.create_backup(tmp_path / "again" / "rung-backup-1", upload=True)


@pytest.mark.django_db(transaction=True)  # a backup runs outside any transaction
def test_restore_refuses_a_bucket_that_is_not_empty_and_fills_an_empty_one(
    bucket, s3_endpoint, settings, tmp_path, milestone, candidate
) -> None:
    item = submit(milestone, candidate).files.get()
    dest = tmp_path / "backup"
    backup.create_backup(dest)
    with pytest.raises(backup.BackupError, match=f"the bucket {bucket} is not empty"):
        backup.restore_backup(dest)
    _use_bucket(settings, s3_endpoint, "rung-restored")
    assert backup._storage_is_empty(default_storage)
    backup._copy_uploads_in(dest, force=False)
    assert _keys(s3_endpoint, "rung-restored") == [item.file.name]
    with default_storage.open(item.file.name or "", "rb") as handle:
        assert handle.read() == PDF


def test_settings_read_the_s3_variables(tmp_path: Path) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-mounted-secret\n")
    env = {
        **os.environ,
        "DEBUG": "true",
        "RUNG_S3_BUCKET": "uploads",
        "RUNG_S3_ENDPOINT_URL": "https://objects.example",
        "RUNG_S3_REGION": "eu-central-1",
        "RUNG_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "RUNG_S3_SECRET_ACCESS_KEY_FILE": str(secret),
        "RUNG_S3_PREFIX": "/rung/",
        "RUNG_S3_ADDRESSING_STYLE": "path",
        "DJANGO_SETTINGS_MODULE": "rung.settings",
    }
    code = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']))"
    completed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    default = json.loads(completed.stdout.strip().splitlines()[-1])
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "uploads"
    assert options["endpoint_url"] == "https://objects.example"
    assert options["region_name"] == "eu-central-1"
    assert options["access_key"] == "AKIAEXAMPLE"
    assert options["secret_key"] == "from-a-mounted-secret"
    assert options["location"] == "rung"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False


def test_without_a_bucket_uploads_stay_on_this_disk(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RUNG_S3_")} | {
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "rung.settings",
    }
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    completed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert completed.stdout.strip().splitlines()[-1] == "django.core.files.storage.FileSystemStorage"


def test_a_bad_addressing_style_stops_start_up(tmp_path: Path) -> None:
    env = dict(os.environ) | {
        "DEBUG": "true",
        "RUNG_S3_BUCKET": "uploads",
        "RUNG_S3_ADDRESSING_STYLE": "sideways",
        "DJANGO_SETTINGS_MODULE": "rung.settings",
    }
    completed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.STORAGES"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0
    assert "RUNG_S3_ADDRESSING_STYLE must be path, virtual or auto" in completed.stderr
