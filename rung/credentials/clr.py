"""CLR 2.0 transcripts: the `ClrCredential` an organisation issues under its own DID.

A transcript bundles the learner's Open Badges credentials as they were signed (Rung's completion
credentials, untouched, so each keeps verifying on its own), the credit the organisation awarded
for them as achievements with `creditsAvailable` and the course code as `humanCode`, and
associations saying which credit rests on which piece of work and which credit is part of a stack.
"""

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.utils import timezone

from rung.accounts.models import User
from rung.credentials.jsonld import CLR_V2P0_URL, CREDENTIALS_V2_URL, OB_V3P0_EXTENSIONS_URL, OB_V3P0_URL
from rung.credentials.models import IssuedCredential
from rung.credentials.orgissuers import org_did
from rung.credentials.services import CredentialError, _iso, _org_signer, issue_as_organisation, subject_id
from rung.orgs.models import Organisation

CLR_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "clr_v2p0_clrcredential_schema.json"
CLR_SCHEMA_URL = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
CLR_CONTEXT = [CREDENTIALS_V2_URL, CLR_V2P0_URL, OB_V3P0_URL, OB_V3P0_EXTENSIONS_URL]
MAX_REPORTED_ERRORS = 10


@cache
def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(CLR_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def clr_schema_errors(document: Any) -> list[str]:
    """Plain-words problems the CLR 2.0 schema finds (empty when the document conforms)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    messages = []
    for error in errors[:MAX_REPORTED_ERRORS]:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        messages.append(f"{where or 'the credential'}: {error.message[:300]}")
    if len(errors) > MAX_REPORTED_ERRORS:
        messages.append(f"… and {len(errors) - MAX_REPORTED_ERRORS} more")
    return messages


@dataclass(frozen=True)
class CreditAwardInput:
    """Credit the organisation awarded: a course or module, resting on achievements of the learner."""

    key: uuid.UUID  # stable per award: the achievement's id is urn:uuid:<key>
    name: str
    description: str
    course_code: str
    credits: Decimal  # 0 for an exemption
    unit: str  # e.g. "ECTS", "credit hours", "CATS points", "exemption"
    based_on: Sequence[str] = ()  # ids of achievements in the bundled credentials


@dataclass(frozen=True)
class StackInput:
    key: uuid.UUID
    name: str
    description: str
    credits: Decimal
    unit: str
    parts: Sequence[uuid.UUID] = field(default_factory=tuple)  # CreditAwardInput keys


def achievement_ids(credential: Mapping[str, Any]) -> list[str]:
    """The ids of the achievements an Open Badges credential asserts."""
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    found = []
    for item in subjects:
        achievement = item.get("achievement") if isinstance(item, Mapping) else None
        if isinstance(achievement, Mapping) and isinstance(achievement.get("id"), str):
            found.append(achievement["id"])
    return found


def _number(value: Decimal) -> float | int:
    # creditsAvailable is an xsd:float; a whole number is written without a fraction.
    return int(value) if value == value.to_integral_value() else float(value)


def _achievement(
    key: uuid.UUID, *, name: str, description: str, kind: str, creator: Mapping[str, Any], amount: Decimal, unit: str
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": f"urn:uuid:{key}",
        "type": ["Achievement"],
        "achievementType": kind,
        "creator": dict(creator),
        "name": name,
        "description": description,
        "criteria": {"narrative": description},
        "creditsAvailable": _number(amount),
        "tag": [f"credit unit: {unit}"],
    }
    return node


def build_clr(
    *,
    organisation: Organisation,
    issuer_id: str,
    credential_id: str,
    recipient: User,
    name: str,
    credentials: Sequence[Mapping[str, Any]],
    awards: Sequence[CreditAwardInput],
    stacks: Sequence[StackInput] = (),
    valid_from: str | None = None,
) -> dict[str, Any]:
    """The unsigned ClrCredential (the organisation's signer adds status and proof)."""
    creator = {"id": issuer_id, "type": ["Profile"], "name": organisation.name}
    achievements: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    for award in awards:
        node = _achievement(
            award.key,
            name=award.name,
            description=award.description,
            kind="Course",
            creator=creator,
            amount=award.credits,
            unit=award.unit,
        )
        if award.course_code:
            node["humanCode"] = award.course_code
        achievements.append(node)
        for source in award.based_on:
            # The credit (target) rests on the learner's work (source): the work is part of it.
            associations.append(
                {"type": "Association", "associationType": "isPartOf", "sourceId": source, "targetId": node["id"]}
            )
    for stack in stacks:
        node = _achievement(
            stack.key,
            name=stack.name,
            description=stack.description,
            kind="Certificate",
            creator=creator,
            amount=stack.credits,
            unit=stack.unit,
        )
        achievements.append(node)
        for part in stack.parts:
            associations.append(
                {
                    "type": "Association",
                    "associationType": "isChildOf",
                    "sourceId": f"urn:uuid:{part}",
                    "targetId": node["id"],
                }
            )
    subject: dict[str, Any] = {
        "id": subject_id(recipient),
        "type": ["ClrSubject"],
        "achievement": achievements,
    }
    if credentials:
        subject["verifiableCredential"] = [dict(c) for c in credentials]
    if associations:
        subject["association"] = associations
    return {
        "@context": list(CLR_CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": organisation.name, "url": settings.SITE_URL + "/"},
        "validFrom": valid_from or _iso(timezone.now()),
        "name": name,
        "description": f"Comprehensive Learner Record issued by {organisation.name} through Rung.",
        "credentialSubject": subject,
        "credentialSchema": [{"id": CLR_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def issue_clr(
    *,
    organisation: Organisation,
    recipient: User,
    name: str,
    credentials: Sequence[Mapping[str, Any]],
    awards: Sequence[CreditAwardInput],
    stacks: Sequence[StackInput] = (),
    actor: User | None,
    reference: str,
) -> IssuedCredential:
    """Sign and store a transcript as `organisation` (its own DID), after checking the CLR 2.0 schema.

    Callers check that `actor` may act for the organisation."""
    if not awards:
        raise CredentialError("A transcript needs at least one award of credit.", field="awards")
    _org_signer(organisation)  # a clear refusal when the organisation cannot sign, before any work
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    unsigned = build_clr(
        organisation=organisation,
        issuer_id=org_did(organisation),
        credential_id=credential_id,
        recipient=recipient,
        name=name,
        credentials=credentials,
        awards=awards,
        stacks=stacks,
    )
    problems = clr_schema_errors(unsigned)
    if problems:
        raise CredentialError(
            "The transcript does not follow the CLR 2.0 schema: " + "; ".join(problems), code="invalid_credential"
        )
    return issue_as_organisation(
        organisation, unsigned, actor=actor, recipient=recipient, engagement_ref=reference, via="clr"
    )
