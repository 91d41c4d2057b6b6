"""Signing many credentials at once in worker processes (issue #11: a cohort of 10 000 in a minute).

Signing is pure CPU (JSON-LD expansion, RDF canonicalisation, the OB 3.0 schema check, Ed25519)
and holds Python's GIL, so a cohort is signed in separate processes, one per core. The workers are
started with "spawn": a fresh interpreter that inherits no database connection, lock or thread of
the parent, and imports only this module's dependencies (no Django set-up is needed for signing).
The parent keeps every database write; a worker only turns an unsigned credential into a signed one.

The private key reaches the workers as raw bytes through the pool's initialiser, over the pipe
between the processes, never through a file or the environment.
"""

import json
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rung.credentials.canon import CanonicalizationError
from rung.credentials.jsonld import JsonLdContextError
from rung.credentials.proofs import sign_credential
from rung.credentials.schema import is_open_badge, schema_errors

# Per worker process: the key and verification method it signs with (set by _start_worker).
_WORKER: dict[str, Any] = {}


class SigningFailed(Exception):
    """One credential could not be signed; `message` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sign_and_check(
    unsigned: dict[str, Any], *, private_key: Ed25519PrivateKey, verification_method: str
) -> dict[str, Any]:
    """Sign one credential and check it against the OB 3.0 schema; raises SigningFailed with the reason."""
    try:
        signed = sign_credential(unsigned, private_key=private_key, verification_method=verification_method)
    except (CanonicalizationError, JsonLdContextError) as exc:
        raise SigningFailed(f"The credential cannot be signed: {exc}") from None
    problems = schema_errors(signed) if is_open_badge(signed) else []
    if problems:
        raise SigningFailed("The credential does not follow the Open Badges 3.0 schema: " + "; ".join(problems))
    return signed


def _start_worker(private_bytes: bytes, verification_method: str) -> None:
    _WORKER["key"] = Ed25519PrivateKey.from_private_bytes(private_bytes)
    _WORKER["method"] = verification_method


def _sign_in_worker(unsigned_json: str) -> dict[str, Any] | str:
    # Sent as JSON text: plain data only, so unpickling never imports Django (a TextChoices value in
    # the document would). A refusal comes back as its message (a str), so one bad credential does
    # not stop the others.
    try:
        unsigned = json.loads(unsigned_json)
        return sign_and_check(unsigned, private_key=_WORKER["key"], verification_method=_WORKER["method"])
    except SigningFailed as exc:
        return exc.message


def default_processes() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class CohortSigner:
    """Signs batches of credentials, in `processes` worker processes (1: in this process).

    Use as a context manager so the workers are stopped at the end. Each batch comes back in order;
    an entry is the signed credential, or a str saying why that one could not be signed.
    """

    def __init__(self, *, private_key: Ed25519PrivateKey, verification_method: str, processes: int) -> None:
        self.private_key = private_key
        self.verification_method = verification_method
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "CohortSigner":
        if self.processes > 1:
            raw = self.private_key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(raw, self.verification_method),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def sign(self, batch: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any] | str]:
        if self._pool is None:
            for unsigned in batch:
                try:
                    yield sign_and_check(
                        unsigned, private_key=self.private_key, verification_method=self.verification_method
                    )
                except SigningFailed as exc:
                    yield exc.message
            return
        # Chunks big enough that the pipe is not the bottleneck, small enough to share the work evenly.
        chunksize = max(1, min(50, len(batch) // (self.processes * 4) or 1))
        yield from self._pool.map(_sign_in_worker, [json.dumps(doc) for doc in batch], chunksize=chunksize)
