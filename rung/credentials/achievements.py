"""Open Badges 3.0 credentials for achievements that are not an engagement: an accreditation, an award.

Completion credentials (services.issue_credential) describe a micro-internship: activity dates,
hours, rubric results, stipend. The achievements here are simpler — a name, a description, the
criteria met, an optional image and alignments — and may be issued by the platform or by an
organisation under its own DID. They are signed, stored and revoked exactly like completion
credentials, so the verification page, the VC API, the status list and revocation all apply.

Usage::

    issued = issue_achievement_credential(
        recipient=mentor,
        achievement=Achievement(
            ref="mentoring:accredited-mentor",
            name="Accredited mentor",
            description="Trained and practised mentor of micro-interns on Rung.",
            criteria_narrative="Passed the five training modules and held six check-ins rated …",
            achievement_type="Certificate",
        ),
        issue_ref=f"accreditation:{accreditation.uuid}",
        valid_until=accreditation.valid_until,
        evidence=[AchievementEvidenceInput("Check-ins held", narrative="6 check-ins, mean rating 4.5")],
    )

`build_achievement_credential` is the unsigned document, for tests and previews. Revoke with
`services.revoke_credential` when a person decides, or `withdraw_credential` when a platform rule
does (e.g. an upheld safeguarding concern).
"""

import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.issuer import Signer, issuer_profile
from rung.credentials.jsonld import CREDENTIALS_V2_URL, OB_V3P0_URL
from rung.credentials.models import IssuedCredential, Revocation, StatusList
from rung.credentials.services import (
    _ID_NAMESPACE,
    CredentialError,
    _allocate_status_index,
    _is_web_url,
    _iso,
    _org_signer,
    _sign,
    _signer,
    _store,
    current_holder_did,
    identity_hash,
    status_entry,
    subject_id,
)
from rung.lib.errors import PermissionDenied
from rung.orgs.models import Organisation

# OB 3.0's achievementType vocabulary (https://purl.imsglobal.org/spec/ob/v3p0/vocab.html#AchievementType);
# any "ext:" term is allowed too.
ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award",
        "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
        "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree",
        "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License",
        "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
        "MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
    }
)  # fmt: skip
# Who revoked, when a platform rule (not a person's choice) withdraws a credential.
PLATFORM_RULE = "platform rule"


@dataclass(frozen=True)
class AlignmentInput:
    """Something the achievement aligns with, e.g. a competency in a framework."""

    target_name: str
    target_url: str
    target_type: str = "ceasn:Competency"
    target_framework: str = ""
    target_code: str = ""


@dataclass(frozen=True)
class AchievementEvidenceInput:
    """What shows the achievement was earned. `url` is optional: a narrative alone is fine.
    Once signed it cannot be taken back, so name nobody who did not agree to it."""

    name: str
    narrative: str = ""
    url: str = ""
    genre: str = ""


@dataclass(frozen=True)
class Achievement:
    """The achievement a credential states, the same for everyone who earns it.

    `ref` names the achievement for good (e.g. "mentoring:accredited-mentor", "award:<round uuid>"):
    every credential for it shares one achievement id, so a verifier sees them as the same thing.
    `achievement_type` is one of OB 3.0's vocabulary (ACHIEVEMENT_TYPES), e.g. "Certificate" or
    "Award". `creator` names the organisation that defines it when that is not the issuer.
    """

    ref: str
    name: str
    description: str
    criteria_narrative: str
    achievement_type: str = "Certificate"
    image_url: str = ""
    image_caption: str = ""
    alignments: Sequence[AlignmentInput] = field(default_factory=tuple)
    creator: Organisation | None = None


def _check(achievement: Achievement, evidence: Sequence[AchievementEvidenceInput]) -> None:
    if not achievement.ref.strip():
        raise CredentialError("Say which achievement this is (its ref).", field="ref")
    for value, name in (
        (achievement.name, "name"),
        (achievement.description, "description"),
        (achievement.criteria_narrative, "criteria_narrative"),
    ):
        if not value.strip():
            raise CredentialError(f"An achievement credential needs its {name.replace('_', ' ')}.", field=name)
    if achievement.achievement_type not in ACHIEVEMENT_TYPES and not achievement.achievement_type.startswith("ext:"):
        raise CredentialError(
            f"{achievement.achievement_type!r} is not an Open Badges achievement type (e.g. Certificate, Award).",
            field="achievement_type",
        )
    if achievement.image_url and not _is_web_url(achievement.image_url):
        raise CredentialError("The image must be a web link.", field="image_url")
    for alignment in achievement.alignments:
        if not alignment.target_name.strip() or not _is_web_url(alignment.target_url):
            raise CredentialError("Each alignment needs a name and a web link.", field="alignments")
    for item in evidence:
        if not item.name.strip():
            raise CredentialError("Each piece of evidence needs a name.", field="evidence")
        if item.url and not _is_web_url(item.url):
            raise CredentialError(f"Evidence must be a web link, not {item.url[:80]!r}.", field="evidence")


def _issuer(organisation: Organisation | None) -> tuple[Signer, dict[str, Any]]:
    if organisation is None:
        signer = _signer()
        return signer, issuer_profile(signer.did)
    if not organisation.is_verified:
        raise PermissionDenied("Only a verified organisation can issue credentials.")
    signer = _org_signer(organisation)
    profile: dict[str, Any] = {"id": signer.did, "type": ["Profile"], "name": organisation.name}
    if organisation.website:
        profile["url"] = organisation.website
    return signer, profile


def build_achievement_credential(
    *,
    credential_uuid: uuid.UUID,
    recipient: User,
    achievement: Achievement,
    issuer: Mapping[str, Any],
    status_list: StatusList,
    status_index: int,
    valid_from: datetime,
    valid_until: datetime | None = None,
    evidence: Sequence[AchievementEvidenceInput] = (),
    narrative: str = "",
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (VCDM 2.0, OB 3.0.3) for one holder of `achievement`."""
    node: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'achievement:' + achievement.ref)}",
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria_narrative},
    }
    if achievement.creator is not None:
        creator: dict[str, Any] = {
            "id": f"urn:uuid:{achievement.creator.uuid}",
            "type": ["Profile"],
            "name": achievement.creator.name,
        }
        if achievement.creator.website:
            creator["url"] = achievement.creator.website
        node["creator"] = creator
    if achievement.image_url:
        node["image"] = {
            "id": achievement.image_url,
            "type": "Image",
            **({"caption": achievement.image_caption} if achievement.image_caption else {}),
        }
    if achievement.alignments:
        node["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": a.target_name,
                "targetUrl": a.target_url,
                "targetType": a.target_type,
                **({"targetFramework": a.target_framework} if a.target_framework else {}),
                **({"targetCode": a.target_code} if a.target_code else {}),
            }
            for a in achievement.alignments
        ]
    salt = secrets.token_hex(16)
    subject: dict[str, Any] = {
        "id": current_holder_did(recipient) or subject_id(recipient),
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(recipient.email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": node,
    }
    if narrative.strip():
        subject["narrative"] = narrative.strip()
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_URL, OB_V3P0_URL],
        "id": f"urn:uuid:{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": dict(issuer),
        "validFrom": _iso(valid_from),
        "awardedDate": _iso(valid_from),
        "credentialSubject": subject,
        "credentialStatus": status_entry(status_list, status_index),
    }
    if valid_until is not None:
        credential["validUntil"] = _iso(valid_until)
    if evidence:
        credential["evidence"] = [
            {
                **({"id": item.url} if item.url else {}),
                "type": ["Evidence"],
                "name": item.name,
                **({"narrative": item.narrative} if item.narrative else {}),
                **({"genre": item.genre} if item.genre else {}),
            }
            for item in evidence
        ]
    return credential


def issue_achievement_credential(
    *,
    recipient: User,
    achievement: Achievement,
    issue_ref: str,
    issuer: Organisation | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    evidence: Sequence[AchievementEvidenceInput] = (),
    narrative: str = "",
    issued_by: User | None = None,
) -> IssuedCredential:
    """Sign, store and return an Open Badges 3.0 credential stating that `recipient` earned `achievement`.

    - `issue_ref` names this one issuance (e.g. "accreditation:<uuid>", "award:<uuid>:<user uuid>") and
      makes the call idempotent: a retry returns the credential already issued under it (and refuses if
      it went to someone else). It is stored as the credential's `engagement_ref`.
    - `issuer` None signs as the platform (Rung's DID); an organisation signs with its own DID (it
      must be verified; see services.issue_as_organisation) and its owners and managers may then
      revoke it.
    - `valid_from` defaults to now; `valid_until` (optional) must be later. Verifiers report an
      expired credential as not verified.
    - `evidence` and `narrative` are signed into the credential: publish nothing the recipient (and
      anyone named) did not agree to.
    - `issued_by` is the person who issued it, or None when Rung issues it on its own.

    Raises CredentialError (bad input, no signing key) or PermissionDenied (unverified organisation).
    """
    issue_ref = issue_ref.strip()
    if not issue_ref:
        raise CredentialError("Say which issuance this is (issue_ref).", field="issue_ref")
    _check(achievement, evidence)
    valid_from = valid_from or timezone.now()
    if valid_until is not None and valid_until <= valid_from:
        raise CredentialError("A credential must be valid until after it is valid from.", field="valid_until")
    existing = IssuedCredential.objects.filter(engagement_ref=issue_ref).first()
    if existing is not None:
        if existing.recipient_id != recipient.pk:
            raise CredentialError("A credential under this reference was issued to someone else.", code="conflict")
        return existing
    signer, issuer_value = _issuer(issuer)
    credential_uuid = uuid.uuid4()
    try:
        with transaction.atomic():
            status_list, index = _allocate_status_index(signer.did)
            unsigned = build_achievement_credential(
                credential_uuid=credential_uuid,
                recipient=recipient,
                achievement=achievement,
                issuer=issuer_value,
                status_list=status_list,
                status_index=index,
                valid_from=valid_from,
                valid_until=valid_until,
                evidence=evidence,
                narrative=narrative,
            )
            signed = _sign(unsigned, signer)
            issued = _store(
                signed,
                signer=signer,
                credential_uuid=credential_uuid,
                recipient=recipient,
                organisation=issuer or achievement.creator,
                engagement_ref=issue_ref,
                status_list=status_list,
                status_index=index,
                issued_by=issued_by,
            )
            record(
                "credential.issued",
                actor=issued_by,
                obj=issued,
                data={
                    "achievement": achievement.ref,
                    "ref": issue_ref,
                    "recipient": recipient.email,
                    "issuer": signer.did,
                    "key": signer.key_id,
                },
            )
    except IntegrityError:
        # Two issuances under one reference at once: the other one won; hand back its credential.
        existing = IssuedCredential.objects.filter(engagement_ref=issue_ref, recipient=recipient).first()
        if existing is None:
            raise
        return existing
    return issued


def withdraw_credential(credential: IssuedCredential, *, reason: str, actor: User | None) -> Revocation:
    """Revoke because a platform rule says so (e.g. staff upheld a safeguarding concern against a
    mentor), not because a person chose to: no capacity check, idempotent, no e-mail (the caller's
    notification says why). The status list shows it revoked from now on."""
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise CredentialError("Say why the credential is withdrawn.", field="reason")
    with transaction.atomic():
        IssuedCredential.objects.select_for_update().filter(pk=credential.pk).first()
        existing = Revocation.objects.filter(credential=credential).first()
        if existing is not None:
            return existing
        revocation = Revocation.objects.create(
            credential=credential, reason=reason[:2000], revoked_by=actor, acting_as=PLATFORM_RULE
        )
        record("credential.revoked", actor=actor, obj=credential, data={"reason": reason, "acting_as": PLATFORM_RULE})
    return revocation
