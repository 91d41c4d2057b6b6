"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa, section 3.3).

Signing: canonicalise the proof configuration (proof options without proofValue, with the
document's @context) and the document without its proof, SHA-256 each, sign
proofConfigHash ‖ documentHash with Ed25519, and encode the signature as base58btc multibase.

verify_proof never raises for bad input: a credential from outside is data, and every way it
can be wrong ends up as a plain-words message in the result.
"""

import copy
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rung.credentials.canon import CanonicalizationError, canonicalize
from rung.credentials.jsonld import JsonLdContextError
from rung.credentials.multibase import MultibaseError, decode_multibase, encode_multibase

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
SIGNATURE_LENGTH = 64

# XML Schema dateTime, as Data Integrity requires for `created` and `expires`.
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    errors: tuple[str, ...] = ()

    @classmethod
    def failed(cls, *errors: str) -> "VerificationResult":
        return cls(ok=False, errors=errors)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_configuration(proof: Mapping[str, Any], document_context: object) -> dict[str, Any]:
    """The proof options minus proofValue, carrying the document's @context."""
    config = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    config["@context"] = document_context
    return config


def unsecured_document(credential: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in credential.items() if key != "proof"}


@lru_cache(maxsize=256)
def _config_hash(config_json: str) -> bytes:
    # A batch signs many documents with the same proof options (same key, same second): their
    # canonical form is the same, so it is computed once. Keyed by the exact JSON, so a different
    # option (or context) can never share an entry.
    return hashlib.sha256(canonicalize(json.loads(config_json)).encode("utf-8")).digest()


def hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """proofConfigHash ‖ documentHash, the 64 bytes Ed25519 signs (vc-di-eddsa 3.3.4)."""
    try:
        config_json = json.dumps(proof_config, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        config_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()  # raises the real error
    else:
        config_hash = _config_hash(config_json)
    document_hash = hashlib.sha256(canonicalize(document).encode("utf-8")).digest()
    return config_hash + document_hash


def sign_credential(
    credential: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of the credential with an eddsa-rdfc-2022 proof.

    ``proof`` is emitted as a one-element array because the OB 3.0 JSON Schema requires an
    array there; Data Integrity allows both forms and verify_proof accepts both. Raises
    CanonicalizationError (or UnknownContextError) rather than sign anything a signature
    would not cover.
    """
    if "proof" in credential:
        raise ValueError("the credential already has a proof; sign the unsigned credential")
    created = created or _now()
    if not _DATETIME.match(created):
        raise ValueError(f"created {created!r} is not an XML Schema dateTime")
    document = copy.deepcopy(dict(credential))
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signature = private_key.sign(hash_data(document, proof_configuration(proof, document.get("@context"))))
    proof["proofValue"] = encode_multibase(signature)
    return document | {"proof": [proof]}


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _proof_shape_errors(proof: Mapping[str, Any], expected_purpose: str) -> list[str]:
    errors = []
    if proof.get("type") != PROOF_TYPE:
        errors.append(f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE!r}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        errors.append(f"cryptosuite is {proof.get('cryptosuite')!r}, expected {CRYPTOSUITE!r}")
    if proof.get("proofPurpose") != expected_purpose:
        errors.append(f"proof purpose is {proof.get('proofPurpose')!r}, expected {expected_purpose!r}")
    if not isinstance(proof.get("verificationMethod"), str):
        errors.append("proof has no verificationMethod")
    for field in ("created", "expires"):
        value = proof.get(field)
        if value is not None and not (isinstance(value, str) and _DATETIME.match(value)):
            errors.append(f"proof {field} {value!r} is not a date-time")
    expires = proof.get("expires")
    if isinstance(expires, str) and _DATETIME.match(expires):
        try:
            moment = datetime.fromisoformat(expires)
        except ValueError:
            errors.append(f"proof expires {expires!r} is not a date-time")
        else:
            if (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= datetime.now(UTC):
                errors.append(f"the proof expired on {expires}")
    if not isinstance(proof.get("proofValue"), str):
        errors.append("proof has no proofValue")
    return errors


def _decode_signature(proof_value: str) -> tuple[bytes | None, str | None]:
    try:
        signature = decode_multibase(proof_value)
    except MultibaseError as exc:
        return None, f"proofValue is not base58btc multibase: {exc}"
    if len(signature) != SIGNATURE_LENGTH:
        return None, f"proofValue holds {len(signature)} bytes, an Ed25519 signature has {SIGNATURE_LENGTH}"
    return signature, None


def _context_errors(proof: Mapping[str, Any], document_context: object) -> list[str]:
    # vc-di-eddsa 3.3.2: a proof that carries its own @context must match the start of the document's.
    proof_context = proof.get("@context")
    if proof_context is None:
        return []
    expected = proof_context if isinstance(proof_context, list) else [proof_context]
    if not isinstance(document_context, list) or document_context[: len(expected)] != expected:
        return ["the proof's @context does not match the start of the credential's @context"]
    return []


def _verify_one(
    credential: Mapping[str, Any],
    proof: object,
    resolve_key: Callable[[str], Ed25519PublicKey],
    expected_purpose: str,
    controller: str | None,
    *,
    any_controller: bool = False,
) -> list[str]:
    if not isinstance(proof, Mapping):
        return ["proof is not a JSON object"]
    errors = _proof_shape_errors(proof, expected_purpose)
    document_context = credential.get("@context")
    errors += _context_errors(proof, document_context)
    if errors:
        return errors
    method: str = proof["verificationMethod"]
    # The key must be the issuer's own: without this, anyone could sign in any issuer's name.
    owner = controller if controller is not None else _issuer_id(credential)
    role = "the holder" if controller is not None else "the issuer"
    if not any_controller and method.partition("#")[0] != owner:
        return [f"verification method {method!r} does not belong to {role} {owner!r}"]
    signature, error = _decode_signature(proof["proofValue"])
    if signature is None:
        return [error or "proofValue is invalid"]
    try:
        public_key = resolve_key(method)
    except Exception as exc:  # the resolver is the caller's code; any failure means "no key"
        return [f"cannot resolve verification method {method!r}: {exc}"]
    try:
        data = hash_data(unsecured_document(credential), proof_configuration(proof, document_context))
    except (CanonicalizationError, JsonLdContextError) as exc:
        return [f"cannot canonicalise the credential: {exc}"]
    except Exception as exc:  # pyld on hostile input can fail in ways it does not document
        return [f"cannot canonicalise the credential: {type(exc).__name__}: {exc}"]
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return ["the signature does not match: the credential was changed or signed with another key"]
    return []


def verify_proof(
    credential: object,
    *,
    resolve_key: Callable[[str], Ed25519PublicKey],
    expected_proof_purpose: str = "assertionMethod",
    controller: str | None = None,
    any_controller: bool = False,
) -> VerificationResult:
    """Check every eddsa-rdfc-2022 proof on a credential; ok only if there is one and all pass.

    The signing key must belong to the credential's issuer, or to `controller` when given (a
    presentation is signed by its holder, with proof purpose "authentication"). `any_controller`
    accepts any resolvable key: a presentation without a holder may be signed by anyone.
    """
    if not isinstance(credential, Mapping):
        return VerificationResult.failed("the credential is not a JSON object")
    proofs = credential.get("proof")
    if proofs is None:
        return VerificationResult.failed("the credential has no proof")
    if not isinstance(proofs, list):
        proofs = [proofs]
    if not proofs:
        return VerificationResult.failed("the credential has no proof")
    errors: list[str] = []
    for index, proof in enumerate(proofs):
        prefix = f"proof {index + 1}: " if len(proofs) > 1 else ""
        errors += [
            prefix + error
            for error in _verify_one(
                credential, proof, resolve_key, expected_proof_purpose, controller, any_controller=any_controller
            )
        ]
    return VerificationResult(ok=not errors, errors=tuple(errors))
