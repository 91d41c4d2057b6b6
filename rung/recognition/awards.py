"""The Award credential a round's winner receives: an OB 3.0 OpenBadgeCredential, achievementType "Award".

Built here until the general achievements builder (rung/credentials/achievements.py, branch
`mentor`) is merged; then this module should hand it an achievement instead of building one.
"""

import uuid
from datetime import UTC
from typing import Any

from django.conf import settings

from rung.accounts.models import User
from rung.credentials.endorsements import sign_and_store
from rung.credentials.jsonld import CREDENTIALS_V2_URL, OB_V3P0_URL
from rung.credentials.models import IssuedCredential
from rung.credentials.services import current_holder_did, identity_hash, subject_id
from rung.recognition.models import Nomination, NominationRound

_NAMESPACE = uuid.UUID("0b8f6a52-77c4-4d5e-9f0c-3c1a2e7d9b41")


def _iso(moment: Any) -> str:
    return str(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def build_award(
    nomination_round: NominationRound,
    nomination: Nomination,
    *,
    credential_uuid: uuid.UUID,
    issuer: dict[str, Any],
    status: dict[str, Any],
    issued_at: Any,
) -> dict[str, Any]:
    nominee: User = nomination.nominee
    criteria = list(nomination_round.criteria.all())
    runner = nomination_round.organisation.name if nomination_round.organisation else settings.CREDENTIALS_ISSUER_NAME
    rubric = "\n".join(f"- {c.name}" + (f": {c.description}" if c.description else "") for c in criteria)
    achievement_id = f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'round:{nomination_round.uuid}')}"
    creator: dict[str, Any] = {"id": achievement_id + "#organiser", "type": ["Profile"], "name": runner}
    salt = uuid.uuid4().hex
    return {
        "@context": [CREDENTIALS_V2_URL, OB_V3P0_URL],
        "id": f"urn:uuid:{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{nomination_round.title}: winner",
        "issuer": issuer,
        "validFrom": _iso(issued_at),
        "awardedDate": _iso(issued_at),
        "credentialSubject": {
            "id": current_holder_did(nominee) or subject_id(nominee),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(nominee.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "narrative": nomination.reason,
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Award",
                "name": nomination_round.title,
                "description": nomination_round.description
                or f"Awarded by {runner} to a micro-intern its panel judged outstanding.",
                "criteria": {
                    "narrative": "Nominated by a mentor, reviewer or fellow intern of the cohort, and chosen by "
                    f"a panel that scored the nominations blind against this rubric:\n{rubric}"
                },
                "creator": creator,
            },
        },
        "credentialStatus": status,
    }


def issue_award(nomination_round: NominationRound, nomination: Nomination, *, actor: User) -> IssuedCredential:
    """Sign and store a winner's Award; idempotent per round and person."""
    return sign_and_store(
        lambda credential_uuid, issuer, status, issued_at: build_award(
            nomination_round,
            nomination,
            credential_uuid=credential_uuid,
            issuer=issuer,
            status=status,
            issued_at=issued_at,
        ),
        ref=f"award:{nomination_round.uuid}:{nomination.nominee.uuid}",
        recipient=nomination.nominee,
        organisation=nomination_round.organisation,
        issued_by=actor,
        kind="award",
    )
