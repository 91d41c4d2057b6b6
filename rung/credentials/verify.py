"""Verifying a credential (or a presentation of credentials) and saying in plain words what was checked.

`verify_credential` never raises: whatever it is given, from whoever, it answers with a Report of
checks that passed, warnings and errors. Nothing is fetched from the network. Keys come from the
issuer identifier (did:key), from Rung's own key file (Rung's DIDs), or from the DID documents
staff cached for known issuers; revocation of Rung's credentials is looked up in Rung's database.
"""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from rung.credentials import vcjwt
from rung.credentials.canon import is_absolute_iri
from rung.credentials.dids import DID_KEY_PREFIX, DID_WEB_PREFIX, DidResolutionError, did_web_document_url, key_resolver
from rung.credentials.issuer import own_did_document, own_dids
from rung.credentials.jsonld import CONTEXTS, CREDENTIALS_V1_URL, CREDENTIALS_V2_URL
from rung.credentials.models import KnownIssuer, Revocation, StatusList
from rung.credentials.orgissuers import did_document_for as org_did_document_for
from rung.credentials.orgissuers import organisation_for_did
from rung.credentials.proofs import verify_proof
from rung.credentials.schema import is_open_badge, schema_errors

log = logging.getLogger(__name__)

Outcome = Literal["passed", "failed", "warning", "skipped"]

# Deeper than any real credential; far below Python's recursion limit, which JSON-LD processing walks.
MAX_DEPTH = 40
# XML Schema dateTime, which VC dates are.
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_TEXT_LIMIT = 2000


_VCDM = "https://www.w3.org/TR/vc-data-model#"
_SECURITY = "https://w3id.org/security#"
_STATUS = "https://www.w3.org/ns/credentials/status-list#"
# The error types VC Data Model 2.0, Data Integrity and Bitstring Status List define, with their codes.
PROBLEM_TYPES: dict[str, tuple[str, int]] = {
    "PARSING_ERROR": (_VCDM + "PARSING_ERROR", -64),
    "CRYPTOGRAPHIC_SECURITY_ERROR": (_VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR", -65),
    "MALFORMED_VALUE_ERROR": (_VCDM + "MALFORMED_VALUE_ERROR", -66),
    "RANGE_ERROR": (_VCDM + "RANGE_ERROR", -67),
    "PROOF_VERIFICATION_ERROR": (_SECURITY + "PROOF_VERIFICATION_ERROR", -17),
    "INVALID_DOMAIN_ERROR": (_SECURITY + "INVALID_DOMAIN_ERROR", -19),
    "INVALID_CHALLENGE_ERROR": (_SECURITY + "INVALID_CHALLENGE_ERROR", -20),
    "STATUS_RETRIEVAL_ERROR": (_STATUS + "STATUS_RETRIEVAL_ERROR", -128),
    "STATUS_VERIFICATION_ERROR": (_STATUS + "STATUS_VERIFICATION_ERROR", -129),
}
# What a failed check means when the check does not say more precisely.
_DEFAULT_PROBLEM = {
    "format": "MALFORMED_VALUE_ERROR",
    "contexts": "PARSING_ERROR",
    "issuer": "PROOF_VERIFICATION_ERROR",
    "proof": "CRYPTOGRAPHIC_SECURITY_ERROR",
    "dates": "RANGE_ERROR",
    "credentialStatus": "STATUS_VERIFICATION_ERROR",
    "schema": "MALFORMED_VALUE_ERROR",
    "presentationProof": "PROOF_VERIFICATION_ERROR",
    "internal": "PARSING_ERROR",
}


@dataclass
class Check:
    name: str
    label: str
    outcome: Outcome
    message: str
    problem: str = ""

    def problem_detail(self) -> dict[str, Any]:
        """The VC API ProblemDetails entry (RFC 9457 shape) for a failed check."""
        kind = self.problem or _DEFAULT_PROBLEM.get(self.name, "PARSING_ERROR")
        type_url, code = PROBLEM_TYPES[kind]
        return {"type": type_url, "code": code, "title": f"{self.label}: not verified", "detail": self.message}


@dataclass
class Report:
    """What verifying found. `verified` is true only if nothing failed."""

    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return [check.message for check in self.checks if check.outcome == "failed"]

    @property
    def verified(self) -> bool:
        return bool(self.checks) and not self.errors

    def add(self, name: str, label: str, outcome: Outcome, message: str, problem: str = "") -> None:
        self.checks.append(Check(name, label, outcome, message, problem))
        if outcome == "warning":
            self.warnings.append(message)

    def as_vc_api(self) -> dict[str, Any]:
        """The W3C CCG VC API verification result: the names of passed checks, warnings, errors."""
        return {
            "verified": self.verified,
            "checks": [check.name for check in self.checks if check.outcome == "passed"],
            "warnings": list(self.warnings),
            "errors": self.errors,
            "problemDetails": self.problem_details(),
        }

    def problem_details(self) -> list[dict[str, Any]]:
        return [check.problem_detail() for check in self.checks if check.outcome == "failed"]

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if check.outcome == "failed"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": [asdict(check) for check in self.checks],
            "warnings": list(self.warnings),
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Report":
        report = cls(summary=dict(data.get("summary") or {}))
        report.warnings = list(data.get("warnings") or [])
        report.checks = [Check(**check) for check in data.get("checks") or []]
        return report


# --- helpers -------------------------------------------------------------------------------------


def depth_exceeds(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON nests deeper than `limit` (walked without recursion, so it is safe on anything)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in item)
    return False


def parse_datetime(value: object) -> datetime | None:
    """An XML Schema dateTime as an aware datetime (no offset means UTC); None if it is not one."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: object) -> str:
    return value[:_TEXT_LIMIT] if isinstance(value, str) else ""


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def issuer_of(document: Mapping[str, Any]) -> tuple[str, str]:
    """The issuer's id and name, if the credential states them."""
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer, ""
    if isinstance(issuer, Mapping):
        return _text(issuer.get("id")), _text(issuer.get("name"))
    return "", ""


def _fmt(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%-d %B %Y, %H:%M} UTC"


# Open Badges achievement types in the words a recruiter uses.
_ACHIEVEMENT_KINDS = {
    "MicroCredential": "Micro-credential (a short piece of real, assessed work)",
    "Certificate": "Certificate",
    "Certification": "Certification",
    "Course": "Course",
    "Badge": "Badge",
    "Degree": "Degree",
    "Diploma": "Diploma",
    "License": "Licence",
    "Competency": "Skill",
    "Assessment": "Assessment",
    "Award": "Award",
    "Apprenticeship": "Apprenticeship",
    "Assignment": "Assignment",
    "CoCurricular": "Co-curricular activity",
    "CommunityService": "Community service",
    "Fieldwork": "Fieldwork",
    "LearningProgram": "Learning programme",
    "Membership": "Membership",
    "ProfessionalDoctorate": "Professional doctorate",
    "QualityAssuranceCredential": "Quality assurance credential",
    "ResearchDoctorate": "Research doctorate",
    "SecondarySchoolDiploma": "Secondary school diploma",
}


def achievement_kind(value: str) -> str:
    if not value:
        return ""
    if value in _ACHIEVEMENT_KINDS:
        return _ACHIEVEMENT_KINDS[value]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value.removeprefix("ext:"))
    return words[:1].upper() + words[1:].lower()


def _human_moment(value: object) -> str:
    moment = parse_datetime(value)
    return f"{moment.astimezone(UTC):%-d %B %Y}" if moment else _text(value)


def _human_range(start: object, end: object) -> str:
    first, last = parse_datetime(start), parse_datetime(end)
    if first is None or last is None:
        return " to ".join(x for x in (_text(start), _text(end)) if x)
    if first.date() == last.date():
        return f"{first:%-d %B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {last:%-d %B %Y}"
    if first.year == last.year:
        return f"{first:%-d %B} to {last:%-d %B %Y}"
    return f"{first:%-d %B %Y} to {last:%-d %B %Y}"


def summarise(document: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a credential a person reads, as plain strings (never trusted, only shown)."""
    subject = _object(next((s for s in _as_list(document.get("credentialSubject")) if isinstance(s, Mapping)), None))
    achievement = _object(subject.get("achievement"))
    criteria = _object(achievement.get("criteria"))
    creator = _object(achievement.get("creator"))
    issuer_id, issuer_name = issuer_of(document)
    skills = [_text(a.get("targetName")) for a in _as_list(achievement.get("alignment")) if isinstance(a, Mapping)]
    descriptions = {
        d.get("id"): _text(d.get("name"))
        for d in _as_list(achievement.get("resultDescription"))
        if isinstance(d, Mapping) and isinstance(d.get("id"), str)
    }
    levels = {
        level.get("id"): _text(level.get("name"))
        for d in _as_list(achievement.get("resultDescription"))
        if isinstance(d, Mapping)
        for level in _as_list(d.get("rubricCriterionLevel"))
        if isinstance(level, Mapping) and isinstance(level.get("id"), str)
    }
    results = []
    for result in _as_list(subject.get("result")):
        if not isinstance(result, Mapping):
            continue
        described = result.get("resultDescription")
        label = descriptions.get(described, "") if isinstance(described, str) else ""
        achieved = result.get("achievedLevel")
        value = levels.get(achieved, "") if isinstance(achieved, str) else ""
        value = value or _text(result.get("value"))
        if not label and not value and _text(result.get("status")):
            label, value = "Outcome", _text(result.get("status"))
        if label == "Hours of work" and value:
            value = f"{value} hours"
        if label or value:
            results.append({"name": label or "Result", "value": value})
    evidence = [
        {"name": _text(e.get("name")) or "Evidence", "url": _text(e.get("id")), "narrative": _text(e.get("narrative"))}
        for e in _as_list(document.get("evidence"))
        if isinstance(e, Mapping)
    ]
    types = [t for t in _as_list(document.get("type")) if isinstance(t, str)]
    return {
        "id": _text(document.get("id")),
        "types": types,
        "name": _text(document.get("name")) or _text(achievement.get("name")),
        "issuer_id": issuer_id,
        "issuer_name": issuer_name,
        "valid_from": _text(document.get("validFrom") or document.get("issuanceDate")),
        "valid_until": _text(document.get("validUntil") or document.get("expirationDate")),
        "subject_id": _text(subject.get("id")),
        "achievement_name": _text(achievement.get("name")),
        "achievement_description": _text(achievement.get("description")),
        "achievement_type": _text(achievement.get("achievementType")),
        "criteria": _text(criteria.get("narrative")),
        "creator_name": _text(creator.get("name")),
        "narrative": _text(subject.get("narrative")),
        "activity_start": _text(subject.get("activityStartDate")),
        "activity_end": _text(subject.get("activityEndDate")),
        "achievement_kind": achievement_kind(_text(achievement.get("achievementType"))),
        "issued_on": _human_moment(document.get("validFrom") or document.get("issuanceDate")),
        "valid_until_on": _human_moment(document.get("validUntil") or document.get("expirationDate")),
        "work_dates": _human_range(subject.get("activityStartDate"), subject.get("activityEndDate")),
        "skills": [s for s in skills if s],
        "results": results,
        "evidence": evidence,
    }


# --- the checks ----------------------------------------------------------------------------------


_DATETIME_STAMP = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
# Properties whose every value VC Data Model 2.0 requires to be an object with a type.
_TYPED_PROPERTIES = ("credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence")


def _is_url(value: object) -> bool:
    return isinstance(value, str) and is_absolute_iri(value)


def data_model_problems(document: Mapping[str, Any], version: str) -> list[str]:
    """The MUSTs of the data model that a credential's JSON can break, in plain words."""
    problems = []
    if "id" in document and not _is_url(document["id"]):
        problems.append("its id must be a single URL")
    types = _as_list(document.get("type"))
    if "VerifiableCredential" not in types:
        problems.append('its type does not include "VerifiableCredential"')
    if not all(isinstance(t, str) and t for t in types):
        problems.append("every type must be a string")
    issuer_id = issuer_of(document)[0]
    if not issuer_id:
        problems.append("it does not say who issued it (issuer, or issuer.id)")
    elif not _is_url(issuer_id):
        problems.append("its issuer must be a URL (such as a DID)")
    subjects = _as_list(document.get("credentialSubject"))
    if not subjects or not all(isinstance(s, Mapping) for s in subjects):
        problems.append("it has no credentialSubject object (whom or what it is about)")
    elif any("id" in s and not _is_url(s["id"]) for s in subjects):
        problems.append("a credentialSubject id must be a URL")
    for key in _TYPED_PROPERTIES:
        if key in document and not all(
            isinstance(entry, Mapping) and entry.get("type") for entry in _as_list(document[key])
        ):
            problems.append(f"every {key} entry must be an object with a type")
    for key in ("credentialSchema",):
        if key in document and not all(
            isinstance(entry, Mapping) and _is_url(entry.get("id")) for entry in _as_list(document[key])
        ):
            problems.append(f"every {key} entry must have a URL id")
    if version == "2.0":
        for key in ("validFrom", "validUntil"):
            value = document.get(key)
            if key in document and not (isinstance(value, str) and _DATETIME_STAMP.search(value)):
                problems.append(f"{key} must be a date and time with a time zone (such as 2026-03-01T09:00:00Z)")
    return problems


def _check_format(document: object, report: Report) -> str | None:
    """The data-model version ("2.0" or "1.1") if the JSON has the shape of a credential."""
    label = "Format"
    if not isinstance(document, Mapping):
        report.add(
            "format", label, "failed", "This is not a credential: a credential is a JSON object.", "PARSING_ERROR"
        )
        return None
    if depth_exceeds(document):
        report.add(
            "format",
            label,
            "failed",
            f"The JSON nests more than {MAX_DEPTH} levels deep; no credential does.",
            "PARSING_ERROR",
        )
        return None
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    if first not in (CREDENTIALS_V2_URL, CREDENTIALS_V1_URL):
        report.add(
            "format",
            label,
            "failed",
            "This is not a W3C Verifiable Credential: its @context must be a list starting with "
            f"{CREDENTIALS_V2_URL} (or {CREDENTIALS_V1_URL} for the older 1.1 data model).",
            "PARSING_ERROR",
        )
        return None
    version = "2.0" if first == CREDENTIALS_V2_URL else "1.1"
    problems = data_model_problems(document, version)
    if problems:
        report.add("format", label, "failed", "This is not a valid credential: " + "; ".join(problems) + ".")
        return None
    kind = "an Open Badges 3.0 achievement credential" if is_open_badge(document) else "a credential"
    report.add("format", label, "passed", f"This is {kind} (W3C Verifiable Credentials data model {version}).")
    if version == "1.1":
        report.warnings.append(
            "This credential uses the older 1.1 data model; it was checked with that model's rules "
            "(issuanceDate, expirationDate)."
        )
    return version


def _check_contexts(document: Mapping[str, Any], report: Report) -> bool:
    entries = _as_list(document.get("@context"))
    unknown = [c for c in entries if not isinstance(c, Mapping) and not (isinstance(c, str) and c in CONTEXTS)]
    if unknown:
        shown = ", ".join(str(c)[:200] for c in unknown[:3])
        report.add(
            "contexts",
            "Vocabulary",
            "failed",
            f"It uses vocabulary (JSON-LD contexts) that Rung cannot load offline: {shown}. Rung never fetches "
            "vocabulary from the internet while verifying (whoever serves it could change what the signature "
            "covers), so it cannot tell what the signature covers. Embed the context in the credential, or use "
            "one of the standard contexts Rung holds.",
            "PARSING_ERROR",
        )
        return False
    embedded = sum(1 for c in entries if isinstance(c, Mapping))
    message = "All of its vocabulary is standard and known to Rung."
    if embedded:
        message = "Its vocabulary is standard or embedded in the credential itself; nothing had to be fetched."
    report.add("contexts", "Vocabulary", "passed", message)
    return True


def _documents_for(did: str) -> tuple[dict[str, Mapping[str, Any]], str] | None:
    """The DID documents that resolve a DID's keys, and who it is in words; None if Rung has no way."""
    if did in own_dids():
        document = own_did_document(did)
        return ({did: document}, f"{settings.SITE_NAME} (this site)") if document is not None else None
    org = organisation_for_did(did)
    if org is not None:
        document = org_did_document_for(did)
        if document is None:
            return None
        return {did: document}, f"{org.name}, an organisation on {settings.SITE_NAME}"
    if did.startswith(DID_KEY_PREFIX):
        return {}, ""
    known = KnownIssuer.objects.filter(issuer_id=did, active=True).first()
    if known is not None:
        return {did: known.did_document}, f"{known.name}, an issuer Rung staff have checked"
    return None


def _check_issuer(issuer_id: str, issuer_name: str, report: Report) -> dict[str, Mapping[str, Any]] | None:
    """The DID documents that may resolve the issuer's key, or None if Rung has no way to."""
    label = "Issuer"
    found = _documents_for(issuer_id)
    if found is not None and found[1]:
        documents, who = found
        report.add("issuer", label, "passed", f"Issued by {who}, identified as {issuer_id}.")
        return documents
    if found is not None:
        who = f" ({issuer_name})" if issuer_name else ""
        report.add(
            "issuer",
            label,
            "warning",
            f"The issuer{who} is a did:key: the public key is written in the identifier, so the signature "
            "can be checked, but a did:key does not prove which person or organisation holds it.",
        )
        return found[0]
    if issuer_id in own_dids():
        report.add("issuer", label, "failed", "It names Rung as its issuer, but Rung has no signing keys.")
        return None
    where = ""
    if issuer_id.startswith(DID_WEB_PREFIX):
        try:
            where = f" Its keys are published at {did_web_document_url(issuer_id)}, but"
        except DidResolutionError:
            where = ""
    report.add(
        "issuer",
        label,
        "failed",
        f"Rung does not know the issuer {issuer_id or '(none given)'}.{where or ''} Rung does not fetch keys "
        "from the internet while verifying, so the signature cannot be checked. Rung staff can add the issuer "
        "to its list of known issuers.",
    )
    return None


def _check_proof(document: Mapping[str, Any], documents: Mapping[str, Mapping[str, Any]], report: Report) -> None:
    result = verify_proof(document, resolve_key=key_resolver(documents))
    if result.ok:
        report.add(
            "proof",
            "Signature",
            "passed",
            "The digital signature is valid: nothing in the credential has changed since the issuer signed it.",
        )
    else:
        report.add(
            "proof",
            "Signature",
            "failed",
            "The digital signature does not check out, so the credential cannot be trusted as shown: "
            + "; ".join(result.errors)
            + ".",
        )


def _check_dates(document: Mapping[str, Any], version: str, now: datetime, report: Report) -> None:
    label = "Dates"
    start_key, end_key = ("validFrom", "validUntil") if version == "2.0" else ("issuanceDate", "expirationDate")
    problems = []
    start = end = None
    if start_key in document:
        start = parse_datetime(document[start_key])
        if start is None:
            problems.append(f"{start_key} {str(document[start_key])[:60]!r} is not a date and time")
    elif version == "1.1":
        problems.append("it has no issuanceDate, which the 1.1 data model requires")
    if end_key in document:
        end = parse_datetime(document[end_key])
        if end is None:
            problems.append(f"{end_key} {str(document[end_key])[:60]!r} is not a date and time")
    if problems:
        report.add(
            "dates", label, "failed", "Its dates are not valid: " + "; ".join(problems) + ".", "MALFORMED_VALUE_ERROR"
        )
        return
    if start is not None and start > now:
        report.add("dates", label, "failed", f"It is not valid yet: it becomes valid on {_fmt(start)}.")
        return
    if end is not None and end <= now:
        report.add("dates", label, "failed", f"It has expired: it was valid until {_fmt(end)}.")
        return
    since = f"Valid since {_fmt(start)}" if start else "Valid"
    until = f" until {_fmt(end)}" if end else "; it does not expire"
    report.add("dates", label, "passed", f"{since}{until}.")


def _local_status_list(url: str) -> tuple[bool, StatusList | None]:
    """Whether `url` is one of Rung's status-list URLs, and the list if it exists."""
    prefix = f"{settings.SITE_URL}/credentials/status/"
    if not url.startswith(prefix):
        return False, None
    try:
        list_uuid = UUID(url.removeprefix(prefix).rstrip("/"))
    except ValueError:
        return True, None
    return True, StatusList.objects.filter(uuid=list_uuid).first()


def _check_status(document: Mapping[str, Any], issuer_id: str, report: Report) -> None:
    label = "Revocation"
    entries = _as_list(document.get("credentialStatus"))
    if not entries:
        report.add("credentialStatus", label, "skipped", "It has no revocation entry, so its issuer cannot revoke it.")
        return
    checked = False
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
            kind = entry.get("type") if isinstance(entry, Mapping) else None
            report.add("credentialStatus", label, "warning", f"Rung cannot check a status entry of type {kind!r}.")
            continue
        url, purpose, raw_index = (
            entry.get("statusListCredential"),
            entry.get("statusPurpose"),
            entry.get("statusListIndex"),
        )
        index = int(raw_index) if isinstance(raw_index, str) and raw_index.isdigit() else None
        if not isinstance(url, str) or index is None or not isinstance(purpose, str):
            report.add(
                "credentialStatus",
                label,
                "failed",
                "Its status entry is malformed: it needs statusListCredential, statusPurpose and a numeric "
                "statusListIndex.",
            )
            return
        local, status_list = _local_status_list(url)
        if not local:
            report.add(
                "credentialStatus",
                label,
                "warning",
                f"Its {purpose} status was not checked: the issuer publishes it at {url}, and Rung does not "
                "fetch anything from the internet while verifying.",
            )
            continue
        if status_list is None or status_list.purpose != purpose or index >= status_list.length:
            report.add("credentialStatus", label, "failed", "It points to a status list entry Rung never issued.")
            return
        if status_list.issuer_did != issuer_id:
            report.add(
                "credentialStatus", label, "failed", "Its status list belongs to a different issuer than it does."
            )
            return
        revocation = (
            Revocation.objects.filter(credential__status_list=status_list, credential__status_index=index)
            .only("revoked_at")
            .first()
        )
        if revocation is not None:
            report.summary["revoked_at"] = revocation.revoked_at.isoformat()
            report.add(
                "credentialStatus",
                label,
                "failed",
                f"It has been revoked by its issuer (on {revocation.revoked_at:%-d %B %Y}): it no longer stands.",
            )
            return
        checked = True
    if checked:
        report.add(
            "credentialStatus", label, "passed", "Not revoked: checked against Rung's own revocation list just now."
        )


def _check_schema(document: Mapping[str, Any], version: str, report: Report) -> None:
    label = "Open Badges schema"
    if not is_open_badge(document):
        report.add(
            "schema", label, "skipped", "Not an Open Badges credential, so the Open Badges schema does not apply."
        )
        return
    if version != "2.0":
        report.add(
            "schema",
            label,
            "skipped",
            "The official Open Badges 3.0 schema describes the 2.0 data model, so it was not applied to this 1.1 "
            "credential.",
        )
        return
    problems = schema_errors(document)
    if problems:
        report.add(
            "schema",
            label,
            "failed",
            "It does not follow the official Open Badges 3.0 schema: " + "; ".join(problems) + ".",
        )
    else:
        report.add("schema", label, "passed", "It follows the official Open Badges 3.0 schema.")


def _verify(document: object, report: Report, now: datetime) -> None:
    if vcjwt.looks_like_jwt(document):
        _verify_jwt(str(document), report, now)
        return
    version = _check_format(document, report)
    if version is None or not isinstance(document, Mapping):
        return
    report.summary = summarise(document)
    contexts_ok = _check_contexts(document, report)
    issuer_id, issuer_name = issuer_of(document)
    documents = _check_issuer(issuer_id, issuer_name, report)
    if documents is None:
        report.add("proof", "Signature", "skipped", "Not checked: Rung has no key for this issuer.")
    elif not contexts_ok:
        report.add("proof", "Signature", "skipped", "Not checked: the credential uses vocabulary Rung cannot load.")
    else:
        _check_proof(document, documents, report)
    _check_dates(document, version, now, report)
    _check_status(document, issuer_id, report)
    _check_schema(document, version, report)


def _verify_jwt(token: str, report: Report, now: datetime) -> None:
    """A VC-JWT: the same checks, with the JWS signature in place of the embedded proof."""
    try:
        parsed = vcjwt.parse(token)
    except vcjwt.VcJwtError as exc:
        report.add("format", "Format", "failed", f"This is not a credential: {exc}", "PARSING_ERROR")
        return
    document = parsed.credential
    version = _check_format(document, report)
    if version is None:
        return
    report.summary = summarise(document) | {"format": "VC-JWT"}
    _check_contexts(document, report)
    issuer_id, issuer_name = issuer_of(document)
    documents = _check_issuer(issuer_id, issuer_name, report)
    if documents is None:
        report.add("proof", "Signature", "skipped", "Not checked: Rung has no key for this issuer.")
    else:
        problem = vcjwt.verify_signature(token, parsed, issuer_id, key_resolver(documents))
        if problem is None:
            report.add(
                "proof",
                "Signature",
                "passed",
                "The JWT signature (EdDSA) is valid: nothing in the credential has changed since the issuer signed it.",
            )
        else:
            report.add(
                "proof",
                "Signature",
                "failed",
                f"The JWT signature does not check out, so the credential cannot be trusted as shown: {problem}.",
            )
    _check_dates(document, version, now, report)
    _check_status(document, issuer_id, report)
    _check_schema(document, version, report)


def _guarded(run: Callable[[Report], None]) -> Report:
    report = Report()
    try:
        run(report)
    except Exception:
        # Input is data from anyone: no input may turn into a crash, only into a failed check.
        log.exception("verifying a credential failed unexpectedly")
        report.add(
            "internal",
            "Checking",
            "failed",
            "Rung could not finish checking this because of an unexpected problem on its side; it is treated "
            "as not verified.",
        )
    return report


def verify_credential(document: object, *, now: datetime | None = None) -> Report:
    """Check a credential: shape, vocabulary, issuer, signature, dates, revocation and OB schema."""
    moment = now or timezone.now()
    return _guarded(lambda report: _verify(document, report, moment))


# --- presentations -------------------------------------------------------------------------------


@dataclass
class PresentationReport:
    presentation: Report
    credentials: list[Report]

    @property
    def verified(self) -> bool:
        return self.presentation.verified and all(report.verified for report in self.credentials)

    def as_vc_api(self) -> dict[str, Any]:
        result = self.presentation.as_vc_api()
        result["verified"] = self.verified
        result["credentialResults"] = [report.as_vc_api() for report in self.credentials]
        for number, report in enumerate(self.credentials, start=1):
            result["errors"] += [f"credential {number}: {error}" for error in report.errors]
        return result


def _presentation_format(document: object, report: Report) -> list[Any] | None:
    """The credentials a well-formed presentation holds (maybe none); None if it is not one."""
    label = "Format"
    if not isinstance(document, Mapping) or depth_exceeds(document):
        report.add(
            "format", label, "failed", "This is not a presentation: a presentation is a JSON object.", "PARSING_ERROR"
        )
        return None
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    if first not in (CREDENTIALS_V2_URL, CREDENTIALS_V1_URL):
        report.add(
            "format",
            label,
            "failed",
            "This is not a W3C Verifiable Presentation: its @context must be a list starting with "
            f"{CREDENTIALS_V2_URL}.",
            "PARSING_ERROR",
        )
        return None
    problems = []
    if "VerifiablePresentation" not in _as_list(document.get("type")):
        problems.append('its type does not include "VerifiablePresentation"')
    if "id" in document and not _is_url(document["id"]):
        problems.append("its id must be a URL")
    holder = document.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if "holder" in document and not _is_url(holder_id):
        problems.append("its holder must be a URL (such as a DID) or an object with one as id")
    held = _as_list(document.get("verifiableCredential"))
    if not all(isinstance(c, Mapping) or vcjwt.looks_like_jwt(c) for c in held):
        problems.append("each verifiableCredential must be a credential object (or a VC-JWT)")
    if problems:
        report.add("format", label, "failed", "This is not a valid presentation: " + "; ".join(problems) + ".")
        return None
    if held:
        what = f"A presentation of {len(held)} credential{'s' if len(held) != 1 else ''}."
    else:
        what = "A presentation without credentials (such as a proof of who the holder is)."
    report.add("format", label, "passed", what)
    return held


def _verify_presentation(
    document: object, report: Report, credentials: list[Report], challenge: str | None, domain: str | None
) -> None:
    held = _presentation_format(document, report)
    if held is None or not isinstance(document, Mapping):
        return
    credentials.extend(verify_credential(credential) for credential in held)
    if "proof" not in document:
        if challenge is not None or domain is not None:
            report.add(
                "presentationProof",
                "Presentation signature",
                "failed",
                "A challenge or domain was given, but the presentation is not signed, so it cannot answer it.",
                "INVALID_CHALLENGE_ERROR" if challenge is not None else "INVALID_DOMAIN_ERROR",
            )
            return
        report.add(
            "presentationProof",
            "Presentation signature",
            "warning",
            "The presentation itself is not signed, so it does not prove who is presenting it; each credential in "
            "it was checked on its own.",
        )
        return
    if not _check_contexts(document, report):
        return
    _check_presentation_proof(document, report, challenge, domain)


def _domains(proof: Mapping[str, Any]) -> list[object]:
    return _as_list(proof.get("domain"))


def _check_presentation_proof(
    document: Mapping[str, Any], report: Report, challenge: str | None, domain: str | None
) -> None:
    label = "Presentation signature"
    proofs = [p for p in _as_list(document.get("proof")) if isinstance(p, Mapping)]
    if challenge is not None and not any(p.get("challenge") == challenge for p in proofs):
        given = [p.get("challenge") for p in proofs if "challenge" in p]
        why = "it carries no challenge" if not given else "it answers a different challenge"
        report.add(
            "presentationProof",
            label,
            "failed",
            f"The presentation was not signed for this challenge ({why}): it may be a replay of an older one.",
            "INVALID_CHALLENGE_ERROR",
        )
        return
    if domain is not None and not any(domain in _domains(p) for p in proofs):
        report.add(
            "presentationProof",
            label,
            "failed",
            f"The presentation was not signed for this domain ({domain}): it was meant for another site.",
            "INVALID_DOMAIN_ERROR",
        )
        return
    holder = document.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    signer_ids = {str(p.get("verificationMethod", "")).partition("#")[0] for p in proofs}
    documents: dict[str, Mapping[str, Any]] = {}
    for did in ({holder_id} if isinstance(holder_id, str) else signer_ids) - {""}:
        found = _documents_for(did)
        if found is None:
            report.add(
                "presentationProof",
                label,
                "failed",
                f"Rung has no key for {did}, who signed the presentation, and does not fetch keys from the "
                "internet while verifying.",
            )
            return
        documents.update(found[0])
    result = verify_proof(
        document,
        resolve_key=key_resolver(documents),
        expected_proof_purpose="authentication",
        controller=holder_id if isinstance(holder_id, str) else None,
        any_controller=not isinstance(holder_id, str),
    )
    if not result.ok:
        report.add(
            "presentationProof",
            label,
            "failed",
            "The presentation's signature does not check out: " + "; ".join(result.errors) + ".",
        )
        return
    if isinstance(holder_id, str):
        report.add("presentationProof", label, "passed", f"The presentation is signed by its holder, {holder_id}.")
    else:
        signers = ", ".join(sorted(signer_ids))
        report.add(
            "presentationProof",
            label,
            "passed",
            f"The presentation is signed by {signers}; it names no holder, so nothing ties it to one.",
        )
    if challenge is None and any("challenge" in p for p in proofs):
        report.warnings.append(
            "The presentation answers a challenge, but none was given to check it against, so it may be a replay."
        )


def verify_presentation(
    document: object, *, challenge: str | None = None, domain: str | None = None
) -> PresentationReport:
    """Check a presentation: each credential in it, and its holder's signature if it has one."""
    credentials: list[Report] = []
    report = _guarded(lambda r: _verify_presentation(document, r, credentials, challenge, domain))
    return PresentationReport(presentation=report, credentials=credentials)
