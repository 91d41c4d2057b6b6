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

from rung.credentials.dids import DID_KEY_PREFIX, DID_WEB_PREFIX, DidResolutionError, did_web_document_url, key_resolver
from rung.credentials.issuer import own_did_document, own_dids
from rung.credentials.jsonld import CONTEXTS, CREDENTIALS_V1_URL, CREDENTIALS_V2_URL
from rung.credentials.models import KnownIssuer, Revocation, StatusList
from rung.credentials.proofs import verify_proof
from rung.credentials.schema import is_open_badge, schema_errors

log = logging.getLogger(__name__)

Outcome = Literal["passed", "failed", "warning", "skipped"]

# Deeper than any real credential; far below Python's recursion limit, which JSON-LD processing walks.
MAX_DEPTH = 40
# XML Schema dateTime, which VC dates are.
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_TEXT_LIMIT = 2000


@dataclass
class Check:
    name: str
    label: str
    outcome: Outcome
    message: str


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

    def add(self, name: str, label: str, outcome: Outcome, message: str) -> None:
        self.checks.append(Check(name, label, outcome, message))
        if outcome == "warning":
            self.warnings.append(message)

    def as_vc_api(self) -> dict[str, Any]:
        """The W3C CCG VC API verification result: the names of passed checks, warnings, errors."""
        return {
            "verified": self.verified,
            "checks": [check.name for check in self.checks if check.outcome == "passed"],
            "warnings": list(self.warnings),
            "errors": self.errors,
        }

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
        results.append({"name": label or "Result", "value": value or _text(result.get("value"))})
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
        "skills": [s for s in skills if s],
        "results": results,
        "evidence": evidence,
    }


# --- the checks ----------------------------------------------------------------------------------


def _check_format(document: object, report: Report) -> str | None:
    """The data-model version ("2.0" or "1.1") if the JSON has the shape of a credential."""
    label = "Format"
    if not isinstance(document, Mapping):
        report.add("format", label, "failed", "This is not a credential: a credential is a JSON object.")
        return None
    if depth_exceeds(document):
        report.add("format", label, "failed", f"The JSON nests more than {MAX_DEPTH} levels deep; no credential does.")
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
        )
        return None
    version = "2.0" if first == CREDENTIALS_V2_URL else "1.1"
    problems = []
    if "VerifiableCredential" not in _as_list(document.get("type")):
        problems.append('its type does not include "VerifiableCredential"')
    if not issuer_of(document)[0]:
        problems.append("it does not say who issued it (issuer, or issuer.id)")
    subjects = _as_list(document.get("credentialSubject"))
    if not subjects or not all(isinstance(s, Mapping) for s in subjects):
        problems.append("it has no credentialSubject object (whom or what it is about)")
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
    unknown = [c for c in _as_list(document.get("@context")) if not (isinstance(c, str) and c in CONTEXTS)]
    if unknown:
        shown = ", ".join(c if isinstance(c, str) else "an embedded context object" for c in unknown[:3])
        report.add(
            "contexts",
            "Vocabulary",
            "failed",
            f"It uses vocabulary (JSON-LD contexts) Rung does not recognise: {shown}. Rung never fetches "
            "vocabulary from the internet while verifying, so it cannot tell what the signature covers.",
        )
        return False
    report.add("contexts", "Vocabulary", "passed", "All of its vocabulary is standard and known to Rung.")
    return True


def _check_issuer(issuer_id: str, issuer_name: str, report: Report) -> dict[str, Mapping[str, Any]] | None:
    """The DID documents that may resolve the issuer's key, or None if Rung has no way to."""
    label = "Issuer"
    if issuer_id in own_dids():
        document = own_did_document(issuer_id)
        if document is None:
            report.add("issuer", label, "failed", "It names Rung as its issuer, but Rung has no signing keys.")
            return None
        report.add("issuer", label, "passed", f"Issued by {settings.SITE_NAME} (this site), identified as {issuer_id}.")
        return {issuer_id: document}
    if issuer_id.startswith(DID_KEY_PREFIX):
        who = f" ({issuer_name})" if issuer_name else ""
        report.add(
            "issuer",
            label,
            "warning",
            f"The issuer{who} is a did:key: the public key is written in the identifier, so the signature "
            "can be checked, but a did:key does not prove which person or organisation holds it.",
        )
        return {}
    known = KnownIssuer.objects.filter(issuer_id=issuer_id, active=True).first()
    if known is not None:
        report.add(
            "issuer",
            label,
            "passed",
            f"Issued by {known.name} ({issuer_id}), an issuer Rung staff have checked; its keys were last "
            f"copied on {known.updated_at:%-d %B %Y}.",
        )
        return {issuer_id: known.did_document}
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
        report.add("dates", label, "failed", "Its dates are not valid: " + "; ".join(problems) + ".")
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
        report.add("proof", "Signature", "skipped", "Not checked: the credential uses vocabulary Rung does not know.")
    else:
        _check_proof(document, documents, report)
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


def _verify_presentation(
    document: object, report: Report, credentials: list[Report], challenge: str | None, domain: str | None
) -> None:
    label = "Format"
    if not isinstance(document, Mapping) or depth_exceeds(document):
        report.add("format", label, "failed", "This is not a presentation: a presentation is a JSON object.")
        return
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    if first not in (CREDENTIALS_V2_URL, CREDENTIALS_V1_URL) or "VerifiablePresentation" not in _as_list(
        document.get("type")
    ):
        report.add(
            "format",
            label,
            "failed",
            "This is not a W3C Verifiable Presentation: it needs the VC @context and the type "
            '"VerifiablePresentation".',
        )
        return
    held = _as_list(document.get("verifiableCredential"))
    if not held:
        report.add("format", label, "failed", "The presentation holds no credentials.")
        return
    report.add("format", label, "passed", f"A presentation of {len(held)} credential{'s' if len(held) != 1 else ''}.")
    credentials.extend(verify_credential(credential) for credential in held)
    if "proof" not in document and (challenge is not None or domain is not None):
        report.add(
            "presentationProof",
            "Presentation signature",
            "failed",
            "A challenge or domain was given, but the presentation is not signed, so it cannot answer it.",
        )
        return
    if "proof" not in document:
        report.add(
            "presentationProof",
            "Presentation signature",
            "warning",
            "The presentation itself is not signed, so it does not prove who is presenting it; each credential in "
            "it was checked on its own.",
        )
        return
    _check_presentation_proof(document, report, challenge, domain)


def _check_presentation_proof(
    document: Mapping[str, Any], report: Report, challenge: str | None, domain: str | None
) -> None:
    label = "Presentation signature"
    holder = document.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if not isinstance(holder_id, str) or not _check_contexts(document, Report()):
        report.add(
            "presentationProof", label, "failed", "The presentation is signed but names no holder Rung can check."
        )
        return
    documents: dict[str, Mapping[str, Any]] = {}
    own = own_did_document(holder_id)
    known = KnownIssuer.objects.filter(issuer_id=holder_id, active=True).first()
    if own is not None:
        documents[holder_id] = own
    elif known is not None:
        documents[holder_id] = known.did_document
    elif not holder_id.startswith(DID_KEY_PREFIX):
        report.add("presentationProof", label, "failed", f"Rung has no key for the holder {holder_id}.")
        return
    proofs = [p for p in _as_list(document.get("proof")) if isinstance(p, Mapping)]
    if challenge is not None and not any(p.get("challenge") == challenge for p in proofs):
        report.add("presentationProof", label, "failed", "The presentation was not signed for this challenge.")
        return
    if domain is not None and not any(p.get("domain") == domain for p in proofs):
        report.add("presentationProof", label, "failed", "The presentation was not signed for this domain.")
        return
    result = verify_proof(
        document, resolve_key=key_resolver(documents), expected_proof_purpose="authentication", controller=holder_id
    )
    if result.ok:
        report.add("presentationProof", label, "passed", f"The presentation is signed by its holder, {holder_id}.")
    else:
        report.add(
            "presentationProof",
            label,
            "failed",
            "The presentation's signature does not check out: " + "; ".join(result.errors) + ".",
        )


def verify_presentation(
    document: object, *, challenge: str | None = None, domain: str | None = None
) -> PresentationReport:
    """Check a presentation: each credential in it, and its holder's signature if it has one."""
    credentials: list[Report] = []
    report = _guarded(lambda r: _verify_presentation(document, r, credentials, challenge, domain))
    return PresentationReport(presentation=report, credentials=credentials)
