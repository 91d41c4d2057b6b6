"""Issuing, revoking and sharing credentials, and the helpers the other credential modules build on.

The lifecycle calls `issue_credential` when an engagement completes; `rung.credentials.cohort` issues
many at once, `rung.credentials.imports` keeps credentials from elsewhere and the known issuers, and
`rung.credentials.holders` binds a holder's DID. Each function checks who is
acting, writes inside one transaction with an audit event, and raises CredentialError (or
PermissionDenied) with a message for the person who asked.
"""

import copy
import hashlib
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials import vcjwt
from rung.credentials.bulk import SigningFailed, sign_and_check
from rung.credentials.issuer import Signer, issuer_profile, signer_for
from rung.credentials.jsonld import (
    CREDENTIALS_V1_URL,
    CREDENTIALS_V2_URL,
    DATA_INTEGRITY_V2_URL,
    OB_V3P0_URL,
    STATUS_LIST_V1_URL,
)
from rung.credentials.keys import KeyStoreError
from rung.credentials.models import (
    HolderBinding,
    IssuedCredential,
    Revocation,
    ShareLink,
    StatusList,
    StatusPurpose,
    canonical_json,
    sha256_hex,
)
from rung.credentials.orgissuers import org_signer, signer_for_any
from rung.credentials.schema import is_open_badge
from rung.credentials.selectors import revoking_capacity
from rung.credentials.verify import (
    MAX_DEPTH,
    data_model_problems,
    depth_exceeds,
    issuer_of,
    parse_datetime,
)
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.mail import send_templated_mail
from rung.orgs.models import Membership, Organisation, Role

log = logging.getLogger(__name__)

# Far above any real credential (a few KiB), low enough that a paste cannot make work for minutes.
MAX_DOCUMENT_BYTES = 256 * 1024
# Stable identifiers derived from Rung's own ones, so nothing internal is published as is.
_ID_NAMESPACE = uuid.UUID("6f1d8c1e-3a52-4c8e-9a4f-52d1c0de0b3a")
# Owners and managers act for an organisation on its credentials (issue through the API, revoke).
ISSUING_ROLES = frozenset({Role.OWNER, Role.MANAGER})
# ISO 4217 currencies with no minor unit or with three digits of it; all others have two.
_ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV"})
_THREE_DECIMAL = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})


class CredentialError(DomainError):
    pass


# --- what the lifecycle hands over ----------------------------------------------------------------


@dataclass(frozen=True)
class SkillInput:
    name: str
    # Where the skill is defined (e.g. an ESCO URI); Rung's own skill page when not given.
    url: str = ""
    framework: str = ""
    code: str = ""


@dataclass(frozen=True)
class RubricCriterionInput:
    name: str
    levels: Sequence[str]  # lowest first, as the rubric lists them
    description: str = ""


@dataclass(frozen=True)
class RubricResultInput:
    criterion: str  # a RubricCriterionInput.name
    level: str  # one of its levels


@dataclass(frozen=True)
class EvidenceInput:
    url: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class StipendInput:
    amount_minor: int
    currency: str
    paid_on: date


@dataclass(frozen=True)
class AchievementInput:
    """What one completed micro-internship achieved, as the lifecycle knows it.

    `evidence` must hold only links both the candidate and the employer agreed to publish:
    once signed into a credential, it cannot be taken back.
    """

    name: str
    description: str
    creator: Organisation
    activity_start: date
    activity_end: date
    hours: Decimal | int
    deliverables: Sequence[str] = ()
    rubric: Sequence[RubricCriterionInput] = ()
    results: Sequence[RubricResultInput] = ()
    skills: Sequence[SkillInput] = ()
    evidence: Sequence[EvidenceInput] = ()
    stipend: StipendInput | None = None
    achievement_type: str = "MicroCredential"
    # Credentials for the same project share one achievement id (e.g. "project:<uuid>").
    achievement_ref: str = ""
    # Replaces the narrative Rung writes from the deliverables and the rubric.
    criteria_narrative: str = ""
    # The contract's length in weeks; when not given, counted from the activity dates.
    duration_weeks: int | None = None


# --- building the credential ----------------------------------------------------------------------


def format_money(amount_minor: int, currency: str) -> str:
    currency = currency.upper()
    places = 0 if currency in _ZERO_DECIMAL else 3 if currency in _THREE_DECIMAL else 2
    amount = Decimal(amount_minor).scaleb(-places)
    return f"{amount:,.{places}f} {currency}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(day: date) -> str:
    # OB 3.0's schema wants a date-time here although the context types it as a date: midnight UTC.
    return f"{day.isoformat()}T00:00:00Z"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _hours(hours: Decimal | int) -> str:
    value = Decimal(hours).normalize()
    return f"{value:f}"


def subject_id(user: User) -> str:
    """A stable id for the person across all their credentials, not their internal account id."""
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'subject:{user.uuid}')}"


def current_holder_did(user: User) -> str | None:
    """The DID the holder proved is theirs (holders.bind_holder_did), the latest binding; None without one."""
    binding = HolderBinding.objects.filter(user=user).order_by("-bound_at", "-id").first()
    return binding.did if binding else None


def identity_hash(email: str, salt: str) -> str:
    # OB 3.0 IdentityHash: "sha256$" and the hex SHA-256 of the identity followed by the salt.
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def skill_url(skill: SkillInput) -> str:
    return skill.url or f"{settings.SITE_URL}/credentials/skills/{slugify(skill.name)}/"


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def duration_weeks(achievement: AchievementInput) -> int:
    if achievement.duration_weeks:
        return achievement.duration_weeks
    return max(1, round(((achievement.activity_end - achievement.activity_start).days + 1) / 7))


def duration_words(weeks: int) -> str:
    """ "two-week", as in "a two-week micro-internship"."""
    number = _NUMBER_WORDS[weeks] if weeks < len(_NUMBER_WORDS) else str(weeks)
    return f"{number}-week"


def date_range_words(start: date, end: date) -> str:
    """ "2 to 13 March 2026", "30 March to 10 April 2026", "29 December 2025 to 9 January 2026"."""
    if start == end:
        return _long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {_long_date(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} to {_long_date(end)}"
    return f"{_long_date(start)} to {_long_date(end)}"


def _criteria_narrative(achievement: AchievementInput) -> str:
    if achievement.criteria_narrative.strip():
        return achievement.criteria_narrative.strip()
    parts = [
        f"Completed a paid {duration_words(duration_weeks(achievement))} micro-internship for "
        f"{achievement.creator.name} ({date_range_words(achievement.activity_start, achievement.activity_end)}, "
        f"{_hours(achievement.hours)} hours of work), and had the work approved by the employer."
    ]
    if achievement.deliverables:
        parts.append("Deliverables:\n" + "\n".join(f"- {d.strip()}" for d in achievement.deliverables))
    if achievement.rubric:
        lines = [f"- {c.name}: {' / '.join(c.levels)}" for c in achievement.rubric]
        parts.append("Reviewed by the employer with a standard rubric (levels lowest first):\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _result_parts(achievement: AchievementInput, achievement_id: str) -> tuple[list[Any], list[Any]]:
    """The achievement's resultDescriptions and the subject's results: rubric, hours, stipend."""
    descriptions: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = [{"type": ["Result"], "status": "Completed"}]
    achieved = {r.criterion: r.level for r in achievement.results}
    for number, criterion in enumerate(achievement.rubric, start=1):
        description_id = f"{achievement_id}#criterion-{number}"
        levels = [
            {"id": f"{description_id}-level-{rank}", "type": ["RubricCriterionLevel"], "name": name, "level": str(rank)}
            for rank, name in enumerate(criterion.levels, start=1)
        ]
        description: dict[str, Any] = {
            "id": description_id,
            "type": ["ResultDescription"],
            "name": criterion.name,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": levels,
        }
        descriptions.append(description)
        if criterion.name in achieved:
            rank = list(criterion.levels).index(achieved[criterion.name]) + 1
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": description_id,
                    "achievedLevel": f"{description_id}-level-{rank}",
                }
            )
    descriptions.append(
        {
            "id": f"{achievement_id}#hours",
            "type": ["ResultDescription"],
            "name": "Hours of work",
            "resultType": "ext:Hours",
        }
    )
    results.append(
        {"type": ["Result"], "resultDescription": f"{achievement_id}#hours", "value": _hours(achievement.hours)}
    )
    if achievement.stipend is not None:
        descriptions.append(
            {
                "id": f"{achievement_id}#stipend",
                "type": ["ResultDescription"],
                "name": "Stipend paid",
                "resultType": "Status",
                "allowedValue": ["Paid", "Not paid"],
            }
        )
        results.append({"type": ["Result"], "resultDescription": f"{achievement_id}#stipend", "value": "Paid"})
    return descriptions, results


def _creator(org: Organisation) -> dict[str, Any]:
    creator: dict[str, Any] = {"id": f"urn:uuid:{org.uuid}", "type": ["Profile"], "name": org.name}
    if org.website:
        creator["url"] = org.website
    return creator


def build_credential(
    *,
    credential_uuid: uuid.UUID,
    recipient: User,
    achievement: AchievementInput,
    engagement_ref: str,
    issuer: Mapping[str, Any],
    status_list: StatusList,
    status_index: int,
    issued_at: datetime,
    subject: str | None = None,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (VCDM 2.0, OB 3.0.3), with arrays wherever OB's schema wants them.

    `subject` is the credentialSubject id when the caller has already looked it up (a cohort reads
    every holder binding in one query); otherwise the recipient's bound DID or their urn:uuid.
    """
    achievement_id = (
        f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'achievement:' + (achievement.achievement_ref or engagement_ref))}"
    )
    descriptions, results = _result_parts(achievement, achievement_id)
    salt = secrets.token_hex(16)
    narrative = (
        f"{recipient.full_name or 'The holder'} completed a paid "
        f"{duration_words(duration_weeks(achievement))} micro-internship for {achievement.creator.name}, "
        f"{date_range_words(achievement.activity_start, achievement.activity_end)} "
        f"({_hours(achievement.hours)} hours of work)."
    )
    if achievement.stipend is not None:
        stipend = achievement.stipend
        narrative += (
            f" The stipend of {format_money(stipend.amount_minor, stipend.currency)} was paid in full on "
            f"{_long_date(stipend.paid_on)}."
        )
    achievement_node: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": _criteria_narrative(achievement)},
        "creator": _creator(achievement.creator),
        "resultDescription": descriptions,
    }
    if achievement.skills:
        achievement_node["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": skill.name,
                "targetUrl": skill_url(skill),
                "targetType": "ceasn:Competency",
                **({"targetFramework": skill.framework} if skill.framework else {}),
                **({"targetCode": skill.code} if skill.code else {}),
            }
            for skill in achievement.skills
        ]
        achievement_node["tag"] = [skill.name for skill in achievement.skills]
    evidence: list[dict[str, Any]] = [
        {
            "id": item.url,
            "type": ["Evidence"],
            "name": item.name,
            **({"narrative": item.description} if item.description else {}),
            "genre": "Approved work",
        }
        for item in achievement.evidence
    ]
    if achievement.stipend is not None:
        stipend = achievement.stipend
        evidence.append(
            {
                "type": ["Evidence"],
                "name": "Stipend paid",
                "narrative": f"Rung's ledger records the stipend of "
                f"{format_money(stipend.amount_minor, stipend.currency)} as paid in full to the holder on "
                f"{_long_date(stipend.paid_on)}.",
                "genre": "Payment record",
            }
        )
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_URL, OB_V3P0_URL],
        "id": f"urn:uuid:{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": dict(issuer),
        "validFrom": _iso(issued_at),
        "awardedDate": _iso(issued_at),
        "credentialSubject": {
            "id": subject or current_holder_did(recipient) or subject_id(recipient),
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
            "activityStartDate": _day(achievement.activity_start),
            "activityEndDate": _day(achievement.activity_end),
            "narrative": narrative,
            "achievement": achievement_node,
            "result": results,
        },
        "credentialStatus": status_entry(status_list, status_index),
    }
    if evidence:
        credential["evidence"] = evidence
    return credential


def status_entry(status_list: StatusList, index: int) -> dict[str, Any]:
    return {
        "id": f"{status_list.url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_list.purpose,
        "statusListIndex": str(index),
        "statusListCredential": status_list.url,
    }


def _is_web_url(value: str) -> bool:
    return value.startswith(("https://", "http://")) and " " not in value and len(value) <= 2000


def _check_achievement(achievement: AchievementInput) -> None:
    if not achievement.name.strip() or not achievement.description.strip():
        raise CredentialError("A credential needs the achievement's name and description.", field="name")
    if achievement.activity_end < achievement.activity_start:
        raise CredentialError("The activity cannot end before it starts.", field="activity_end")
    if Decimal(achievement.hours) <= 0:
        raise CredentialError("The hours of work must be more than zero.", field="hours")
    rubric = {criterion.name: list(criterion.levels) for criterion in achievement.rubric}
    for result in achievement.results:
        if result.level not in rubric.get(result.criterion, []):
            raise CredentialError(
                f"The rubric result {result.criterion!r} = {result.level!r} is not one of the rubric's levels.",
                field="results",
            )
    for item in achievement.evidence:
        if not _is_web_url(item.url):
            raise CredentialError(f"Evidence must be a web link, not {item.url[:80]!r}.", field="evidence")
    for skill in achievement.skills:
        if skill.url and not _is_web_url(skill.url):
            raise CredentialError(f"A skill's link must be a web link, not {skill.url[:80]!r}.", field="skills")
    if achievement.stipend is not None and achievement.stipend.amount_minor <= 0:
        raise CredentialError("A paid stipend must be more than zero.", field="stipend")


# --- status lists ---------------------------------------------------------------------------------


def _allocate_status_index(did: str) -> tuple[StatusList, int]:
    """A random unused bit in an open status list of this issuer. Call inside a transaction."""
    status_list = (
        StatusList.objects.select_for_update()
        .filter(issuer_did=did, purpose=StatusPurpose.REVOCATION, full=False)
        .order_by("created_at")
        .first()
    )
    if status_list is None:
        status_list = StatusList.objects.create(issuer_did=did)
    elif status_list.credentials.count() >= status_list.length // 2:
        # Random picks slow down as the list fills; at half full, start a new list.
        status_list.full = True
        status_list.save(update_fields=["full"])
        status_list = StatusList.objects.create(issuer_did=did)
    for _ in range(64):
        index = secrets.randbelow(status_list.length)
        if not IssuedCredential.objects.filter(status_list=status_list, status_index=index).exists():
            return status_list, index
    raise CredentialError("Could not find a free revocation slot; try again.", code="status_list_busy")


def _sign(unsigned: dict[str, Any], signer: Signer) -> dict[str, Any]:
    try:
        return sign_and_check(unsigned, private_key=signer.private_key, verification_method=signer.verification_method)
    except SigningFailed as exc:
        raise CredentialError(exc.message, code="invalid_credential") from None


def _signer(did: str | None = None) -> Signer:
    try:
        return signer_for(did)
    except KeyStoreError as exc:
        log.error("credential signing key unavailable: %s", exc)
        raise CredentialError(
            "Rung cannot sign credentials right now (its signing key is not set up). Staff have been told.",
            code="no_signing_key",
        ) from None


def _store(
    signed: dict[str, Any],
    *,
    signer: Signer,
    credential_uuid: uuid.UUID,
    recipient: User | None,
    organisation: Organisation | None,
    engagement_ref: str,
    status_list: StatusList,
    status_index: int,
    issued_by: User | None,
    document_id: str = "",
    replaces: IssuedCredential | None = None,
) -> IssuedCredential:
    text = canonical_json(signed)
    valid_from = parse_datetime(signed.get("validFrom") or signed.get("issuanceDate")) or timezone.now()
    issued = IssuedCredential.objects.create(
        uuid=credential_uuid,
        recipient=recipient,
        organisation=organisation,
        engagement_ref=engagement_ref,
        name=str(signed.get("name") or "Credential")[:300],
        issuer_did=signer.did,
        verification_method=signer.verification_method,
        document_text=text,
        document_sha256=sha256_hex(text),
        status_list=status_list,
        status_index=status_index,
        valid_from=valid_from,
        valid_until=parse_datetime(signed.get("validUntil") or signed.get("expirationDate")),
        issued_by=issued_by,
        document_id=document_id,
        replaces=replaces,
    )
    ShareLink.objects.create(credential=issued)
    return issued


def issue_credential(
    *, recipient: User, achievement: AchievementInput, engagement_ref: str, issued_by: User | None
) -> IssuedCredential:
    """Sign and store the OpenBadgeCredential for one completed engagement.

    Idempotent per engagement_ref: a retry returns the credential already issued for it, so a
    lifecycle task may run twice. `issued_by` is None when the platform issues on completion.
    """
    engagement_ref = engagement_ref.strip()
    if not engagement_ref:
        raise CredentialError("Say which engagement the credential is for.", field="engagement_ref")
    _check_achievement(achievement)
    existing = IssuedCredential.objects.filter(engagement_ref=engagement_ref).first()
    if existing is not None:
        if existing.recipient_id != recipient.pk:
            raise CredentialError("A credential for this engagement was issued to someone else.", code="conflict")
        return existing
    signer = _signer()
    credential_uuid = uuid.uuid4()
    try:
        with transaction.atomic():
            status_list, index = _allocate_status_index(signer.did)
            issued_at = timezone.now()
            unsigned = build_credential(
                credential_uuid=credential_uuid,
                recipient=recipient,
                achievement=achievement,
                engagement_ref=engagement_ref,
                issuer=issuer_profile(signer.did),
                status_list=status_list,
                status_index=index,
                issued_at=issued_at,
            )
            signed = _sign(unsigned, signer)
            issued = _store(
                signed,
                signer=signer,
                credential_uuid=credential_uuid,
                recipient=recipient,
                organisation=achievement.creator,
                engagement_ref=engagement_ref,
                status_list=status_list,
                status_index=index,
                issued_by=issued_by,
            )
            record(
                "credential.issued",
                actor=issued_by,
                obj=issued,
                data={"engagement": engagement_ref, "recipient": recipient.email, "key": signer.key_id},
            )
    except IntegrityError:
        # Two completions of one engagement at once: the other one won; hand back its credential.
        existing = IssuedCredential.objects.filter(engagement_ref=engagement_ref, recipient=recipient).first()
        if existing is None:
            raise
        return existing
    return issued


# --- the VC API's issue endpoint ------------------------------------------------------------------


def issuing_organisation(actor: User, slug: str | None) -> Organisation:
    """The verified organisation `actor` may issue for (an owner or manager); `slug` picks one of several."""
    memberships = Membership.objects.filter(user=actor, role__in=ISSUING_ROLES).select_related("organisation")
    orgs = [m.organisation for m in memberships if m.organisation.is_verified]
    if slug:
        orgs = [org for org in orgs if org.slug == slug]
    if not orgs:
        raise PermissionDenied(
            "Only an owner or manager of a verified organisation can issue credentials through Rung."
        )
    if len(orgs) > 1:
        raise CredentialError(
            "You act for several organisations: say which in options.organisation (its slug).",
            field="options.organisation",
        )
    return orgs[0]


def _check_requested_credential(credential: Mapping[str, Any], org_did: str) -> str:
    """The data model version of a credential asked to be issued; CredentialError (400) if it does not conform."""
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    if first not in (CREDENTIALS_V2_URL, CREDENTIALS_V1_URL):
        raise CredentialError(
            f"@context must be a list starting with {CREDENTIALS_V2_URL} (or {CREDENTIALS_V1_URL}).",
            field="credential.@context",
        )
    version = "2.0" if first == CREDENTIALS_V2_URL else "1.1"
    for key, why in (("proof", "Rung adds the proof"), ("credentialStatus", "Rung adds the revocation entry")):
        if key in credential:
            raise CredentialError(f"Leave out {key}: {why}.", field=f"credential.{key}")
    issuer_id, _ = issuer_of(credential)
    if "issuer" in credential and issuer_id != org_did:
        raise CredentialError(
            f"You can issue only as your organisation: issuer must be {org_did} (or left out).",
            field="credential.issuer",
            code="wrong_issuer",
        )
    probe = dict(credential) | {"issuer": org_did}
    problems = data_model_problems(probe, version)
    if problems:
        raise CredentialError(
            "The credential does not conform to the VC data model: " + "; ".join(problems) + ".",
            field="credential",
        )
    return version


def _issuer_value(given: object, org: Organisation, did: str, *, open_badge: bool, version: str) -> object:
    # VCDM 1.1's context does not define an issuer's name: there the issuer is just its DID.
    if isinstance(given, str) or (given is None and version == "1.1" and not open_badge):
        return did
    profile: dict[str, Any] = dict(given) if isinstance(given, Mapping) else {"name": org.name}
    profile["id"] = did
    if open_badge:
        types = profile.get("type")
        profile["type"] = types if isinstance(types, list) and "Profile" in types else ["Profile"]
        profile.setdefault("name", org.name)
    return profile


def issue_as_organisation(
    org: Organisation,
    credential: Mapping[str, Any],
    *,
    actor: User | None,
    recipient: User | None = None,
    engagement_ref: str = "",
    via: str = "service",
) -> IssuedCredential:
    """Sign any conforming credential (VC 2.0, or 1.1) as `org`'s own issuer DID, record and return it.

    The issuer is the organisation (a given issuer must already be its DID); Rung adds the id (unless
    one is given), validFrom (issuanceDate in 1.1) when missing, a revocation entry in the
    organisation's status list and an eddsa-rdfc-2022 proof. Open Badges credentials must also pass
    the OB 3.0 schema. Callers check that `actor` may act for `org` (see issuing_organisation).
    """
    if not isinstance(credential, Mapping):
        raise CredentialError("credential must be a JSON object.", field="credential")
    if depth_exceeds(credential):
        raise CredentialError(f"The credential nests more than {MAX_DEPTH} levels deep.", field="credential")
    if not org.is_verified:
        raise PermissionDenied("Only a verified organisation can issue credentials.")
    signer = _org_signer(org)
    version = _check_requested_credential(credential, signer.did)
    document: dict[str, Any] = copy.deepcopy(dict(credential))
    document["issuer"] = _issuer_value(
        document.get("issuer"), org, signer.did, open_badge=is_open_badge(document), version=version
    )
    if version == "1.1":
        # VCDM 1.1's context defines neither Data Integrity proofs nor Bitstring Status List entries.
        for url in (DATA_INTEGRITY_V2_URL, STATUS_LIST_V1_URL):
            if url not in document["@context"]:
                document["@context"].append(url)
    now = timezone.now()
    date_key = "validFrom" if version == "2.0" else "issuanceDate"
    document.setdefault(date_key, _iso(now))
    if parse_datetime(document[date_key]) is None:
        raise CredentialError(f"{date_key} must be a date and time, e.g. 2026-03-01T00:00:00Z.", field=date_key)
    raw_id = document.get("id")
    given_id: str = raw_id if isinstance(raw_id, str) else ""
    if given_id and IssuedCredential.objects.filter(document_id=given_id).exists():
        raise CredentialError(f"A credential with the id {given_id} was issued already.", field="credential.id")
    credential_uuid = uuid.uuid4()
    with transaction.atomic():
        status_list, index = _allocate_status_index(signer.did)
        document["id"] = given_id or f"urn:uuid:{credential_uuid}"
        document["credentialStatus"] = status_entry(status_list, index)
        signed = _sign(document, signer)
        issued = _store(
            signed,
            signer=signer,
            credential_uuid=credential_uuid,
            recipient=recipient,
            organisation=org,
            engagement_ref=engagement_ref,
            status_list=status_list,
            status_index=index,
            issued_by=actor,
            document_id=given_id,
        )
        record(
            "credential.issued",
            actor=actor,
            obj=issued,
            data={"via": via, "organisation": org.slug, "id": issued.credential_id, "issuer": signer.did},
        )
    return issued


def _org_signer(org: Organisation) -> Signer:
    try:
        return org_signer(org)
    except KeyStoreError as exc:
        log.error("organisation signing key unavailable: %s", exc)
        raise CredentialError(
            "Rung cannot sign for this organisation right now (its signing key is not set up). Staff have been told.",
            code="no_signing_key",
        ) from None


def issue_requested_credential(*, actor: User, credential: object, options: object) -> IssuedCredential:
    """VC API `POST /credentials/issue`: issue a credential as the organisation the caller acts for."""
    if not isinstance(credential, Mapping):
        raise CredentialError("credential must be a JSON object.", field="credential")
    if options is not None and not isinstance(options, Mapping):
        raise CredentialError("options must be a JSON object.", field="options")
    slug = (options or {}).get("organisation")
    org = issuing_organisation(actor, slug if isinstance(slug, str) else None)
    return issue_as_organisation(org, credential, actor=actor, via="vc-api")


# --- revocation and sharing -----------------------------------------------------------------------


def revoke_credential(credential: IssuedCredential, *, actor: User, reason: str) -> Revocation:
    """Revoke a credential: Rung staff, or an owner or manager of the organisation it was issued for."""
    capacity = revoking_capacity(actor, credential)
    if capacity is None:
        raise PermissionDenied("Only Rung staff, or an owner or manager of the issuing organisation, can revoke it.")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise CredentialError("Say why the credential is revoked; the holder is told.", field="reason")
    try:
        with transaction.atomic():
            IssuedCredential.objects.select_for_update().filter(pk=credential.pk).first()
            if Revocation.objects.filter(credential=credential).exists():
                raise CredentialError("This credential is already revoked.", code="already_revoked")
            revocation = Revocation.objects.create(
                credential=credential, reason=reason[:2000], revoked_by=actor, acting_as=capacity
            )
            record("credential.revoked", actor=actor, obj=credential, data={"reason": reason, "acting_as": capacity})
            if credential.recipient is not None:
                send_templated_mail(
                    credential.recipient.email,
                    "credentials/email/revoked",
                    {"credential": credential, "reason": reason, "recipient": credential.recipient},
                )
    except IntegrityError:
        raise CredentialError("This credential is already revoked.", code="already_revoked") from None
    return revocation


def set_share_link(credential: IssuedCredential, *, actor: User, enabled: bool) -> ShareLink:
    """Turn the credential's public page on or off; only the person it was issued to may."""
    if credential.recipient_id is None or credential.recipient_id != actor.pk:
        raise PermissionDenied("Only the person this credential was issued to can share it.")
    with transaction.atomic():
        link, _ = ShareLink.objects.select_for_update().get_or_create(credential=credential)
        if link.enabled != enabled:
            link.enabled = enabled
            link.changed_at = timezone.now()
            link.save(update_fields=["enabled", "changed_at"])
            record(f"credential.share.{'enabled' if enabled else 'disabled'}", actor=actor, obj=credential)
    return link


# --- VC-JWT ----------------------------------------------------------------------------------------


def vc_jwt_for(credential: IssuedCredential) -> str:
    """The credential as a VC-JWT (vc+jwt, EdDSA), signed now by the issuer that issued it."""
    try:
        signer = signer_for_any(credential.issuer_did)
    except (KeyStoreError, ValueError) as exc:
        raise CredentialError(
            f"Rung cannot sign this credential as a JWT right now: {exc}", code="no_signing_key"
        ) from None
    return vcjwt.encode(
        credential.document, private_key=signer.private_key, verification_method=signer.verification_method
    )
