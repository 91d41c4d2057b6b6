"""RDF Dataset Canonicalization (RDFC-1.0) of credentials, refusing anything a signature would not cover.

A Data Integrity signature covers the canonical RDF of a document, not its JSON. pyld turns
JSON into RDF quietly: a key no context defines is dropped, a type no context defines and a
relative IRI vanish from the RDF, and with an empty base pyld even invents
``http://example.org/base/`` for relative IRIs. Each of those would let JSON that nobody signed
ride along with a valid signature, so here every one of them is an error instead.

pyld 3.3 has no "safe mode" like jsonld.js; it offers an ``on_property_dropped`` hook, which is
used for dropped keys, and the rest is checked by walking the expanded document.

Speed (issue #11): a credential is expanded once, not twice. The expanded document that was
checked is turned into RDF directly (pyld's own node-map and graph-to-RDF steps, which is what
pyld's ``to_rdf`` does after expanding again) and canonicalised with pyld's URDNA2015 (= RDFC-1.0).
And processed contexts are remembered: pyld caches a processed context per active context, but a
type-scoped context (Open Badges has one on every type) is applied to a fresh copy of the active
context each time, so pyld re-processes it for every node of every credential; ``_Processor``
remembers the result per (frozen active context, local context). ``canonicalize_reference`` is the
plain pyld path, kept so the tests can check that both give the same N-Quads byte for byte.

Agreement with other verifiers: a signature is only worth something if Digital Bazaar's jsonld.js
and rdf-canonize (the Node verifier in the tests, and most wallets) compute the same N-Quads. pyld 3.3
writes a literal's backspace, form feed and other control characters raw, where RDFC-1.0 escapes them,
so Rung's serialiser of literals replaces pyld's (``_install_rdfc_literal_escaping``). What the two
would turn into RDF differently is refused instead: ``@direction`` (pyld drops it, jsonld.js refuses
it), a language tag that is not well-formed BCP 47, an IRI with characters N-Quads cannot hold raw,
and integers beyond what a JavaScript number holds exactly.
"""

import math
import re
import threading
from collections.abc import Mapping
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld import nquads as pyld_nquads
from pyld.context_resolver import ContextResolver
from pyld.jsonld import URDNA2015, IdentifierIssuer, JsonLdError, JsonLdProcessor, _is_absolute_iri

from rung.credentials.jsonld import (
    CONTEXTS,
    CREDENTIALS_V1_URL,
    CREDENTIALS_V2_URL,
    JsonLdContextError,
    UnknownContextError,
    document_loader,
)

# Contexts a credential's @context list may start with: VCDM 2.0, and 1.1 for credentials older wallets hold.
VC_BASE_CONTEXTS = frozenset({CREDENTIALS_V2_URL, CREDENTIALS_V1_URL})

# Absolute IRI: a scheme, then a colon (RFC 3987), and none of the characters N-Quads' IRIREF cannot hold
# raw (controls, space, <>"{}|^` and backslash: rdf-canonize escapes them, pyld does not). pyld uses a
# looser test when it decides which quads to silently leave out of the dataset.
_ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\\x7f]*$')
_BLANK_NODE = re.compile(r"^_:\S+$")
# A well-formed language tag, as jsonld.js tests it (anything else it refuses in safe mode).
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
# The integers a JavaScript number holds exactly; beyond them a JS verifier reads another number.
_SAFE_INTEGER = 2**53 - 1

# RDFC-1.0's canonical N-Quads: in a literal, BS HT LF FF CR " and \ are written \b \t \n \f \r \" \\,
# every other character from U+0000 to U+001F and U+007F as \u00XX (upper-case hex digits).
_LITERAL_ESCAPES = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]} | {
    ord(character): escaped
    for character, escaped in (
        ("\b", "\\b"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\f", "\\f"),
        ("\r", "\\r"),
        ('"', '\\"'),
        ("\\", "\\\\"),
    )
}


def escape_literal(value: str) -> str:
    """A literal's text as RDFC-1.0's canonical N-Quads write it."""
    return value.translate(_LITERAL_ESCAPES)


def _install_rdfc_literal_escaping() -> None:
    # pyld's N-Quads serialiser (used by its URDNA2015 for both the hashes and the output) looks
    # ``escape`` up in its module each time, so this one assignment makes all of it conform.
    pyld_nquads.escape = escape_literal


_install_rdfc_literal_escaping()

# Expanded-form keywords whose values hold further nodes or values to check.
_CONTAINER_KEYWORDS = frozenset({"@graph", "@list", "@set", "@included"})

# Our own cache of resolved contexts, so that pyld's process-wide one (shared with any other pyld
# user in the process, possibly with a network loader) never answers for our loader. One per
# thread, because cachetools caches are not thread-safe.
_THREAD_STATE = threading.local()


def _resolved_contexts() -> LRUCache[Any, Any]:
    cache: LRUCache[Any, Any] | None = getattr(_THREAD_STATE, "resolved_contexts", None)
    if cache is None:
        cache = _THREAD_STATE.resolved_contexts = LRUCache(maxsize=64)
    return cache


def _processed_contexts() -> LRUCache[Any, Any]:
    cache: LRUCache[Any, Any] | None = getattr(_THREAD_STATE, "processed_contexts", None)
    if cache is None:
        cache = _THREAD_STATE.processed_contexts = LRUCache(maxsize=512)
    return cache


class _Processor(JsonLdProcessor):
    """pyld's processor, remembering processed contexts across nodes and documents (see the module doc).

    Only a frozen active context (one pyld has finished and will not change) with a `_uuid` is a
    cache key, so a context still being built is never answered from the cache. The local context
    is matched by identity (it is a term definition's scoped context, or the document's @context
    list), and the entry keeps a reference to it, so a freed object's reused id cannot match.
    """

    def _process_context(  # type: ignore[no-untyped-def]  # noqa: PLR0917 (pyld's signature)
        self,
        active_ctx,
        local_ctx,
        options,
        override_protected=False,
        propagate=True,
        validate_scoped=True,
        cycles=None,
    ):
        uuid = active_ctx.get("_uuid") if isinstance(active_ctx, frozendict) else None
        if uuid is None or options.get("contextResolver") is None:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        key = (
            uuid,
            local_ctx if isinstance(local_ctx, str) else id(local_ctx),
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
        )
        cache = _processed_contexts()
        entry = cache.get(key)
        if entry is not None and (entry[0] is local_ctx or isinstance(local_ctx, str)):
            return entry[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        cache[key] = (local_ctx, result)
        return result


class CanonicalizationError(ValueError):
    """The document cannot be canonicalised safely."""


class DroppedTermError(CanonicalizationError):
    """A key or type is defined by no context, so JSON-LD processing would silently drop it."""

    def __init__(self, term: str, detail: str = "") -> None:
        super().__init__(
            f"{term!r} is not defined by any of the document's contexts, so a signature would not cover it{detail}"
        )
        self.term = term


class RelativeIriError(CanonicalizationError):
    """An identifier is a relative IRI, which has no meaning without a base and is refused."""

    def __init__(self, iri: str) -> None:
        super().__init__(f"{iri!r} is a relative IRI; identifiers must be absolute (e.g. https:… or urn:…)")
        self.iri = iri


class ContextNotAllowedError(CanonicalizationError):
    """The @context is not of the shape this module accepts."""


def is_absolute_iri(value: str) -> bool:
    return bool(_ABSOLUTE_IRI.match(value)) and not value.startswith("_:")


def check_document_context(context: object) -> None:
    """Require a list of contexts starting with the VC 2.0 (or 1.1) context; URLs must be pinned ones."""
    if not isinstance(context, list) or not context:
        raise ContextNotAllowedError("@context must be a non-empty list of contexts")
    if context[0] not in VC_BASE_CONTEXTS:
        raise ContextNotAllowedError(
            f"@context must start with {CREDENTIALS_V2_URL!r} (or {CREDENTIALS_V1_URL!r} for VCDM 1.1)"
        )
    _check_context_urls(context)


def _check_context_urls(context: object) -> None:
    entries = context if isinstance(context, list) else [context]
    for entry in entries:
        # Embedded (inline) contexts need nothing fetched, and the signature covers the RDF they
        # produce; the VC 2.0 context is @protected, so they cannot redefine its terms. Any URL they
        # @import or scope is still served only by the pinned loader.
        if isinstance(entry, Mapping) or entry is None:
            continue
        if not isinstance(entry, str):
            raise ContextNotAllowedError("each @context entry must be a context URL or an embedded context object")
        if entry not in CONTEXTS:
            # Raised here, with its clear message, rather than wrapped inside a pyld error.
            raise UnknownContextError(entry)


def _check_json(value: object, path: str) -> None:
    """Refuse non-JSON values and nested inline contexts before pyld sees them."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalizationError(f"{path}: key {key!r} is not a string")
            child = f"{path}.{key}" if path else key
            if key == "@context":
                if path:
                    _check_context_urls(item)
                continue
            _check_json(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CanonicalizationError(f"{path}: {value} is not a JSON number")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _SAFE_INTEGER:
        raise CanonicalizationError(
            f"{path}: {value} is larger than a JavaScript number holds exactly, so other verifiers would"
            " read another number; write it as a string"
        )
    elif value is not None and not isinstance(value, (str, int, bool)):
        raise CanonicalizationError(f"{path}: {type(value).__name__} is not a JSON value")


def _check_types(types: object) -> None:
    for type_ in types if isinstance(types, list) else [types]:
        if not isinstance(type_, str) or not (is_absolute_iri(type_) or _BLANK_NODE.match(type_)):
            raise DroppedTermError(str(type_), " (as a type)")


def _check_expanded(value: object) -> None:
    """Walk expanded JSON-LD and refuse what toRdf would silently leave out."""
    if isinstance(value, list):
        for item in value:
            _check_expanded(item)
        return
    if not isinstance(value, dict):
        return
    if "@value" in value:
        datatype = value.get("@type")
        # The literal itself is opaque (it may be an @json value); only its datatype can vanish.
        if datatype is not None and datatype != "@json" and not is_absolute_iri(str(datatype)):
            raise DroppedTermError(str(datatype), " (as a datatype)")
        _check_language_and_direction(value)
        return
    for key, item in value.items():
        if key == "@id":
            if not isinstance(item, str) or not (is_absolute_iri(item) or _BLANK_NODE.match(item)):
                raise RelativeIriError(str(item))
        elif key == "@type":
            _check_types(item)
        elif key in _CONTAINER_KEYWORDS:
            _check_expanded(item)
        elif key == "@reverse":
            _check_expanded([{prop: vals} for prop, vals in item.items()])
        elif key.startswith("@"):
            continue  # @index, @language, @direction: no nodes inside
        elif not is_absolute_iri(key):
            # Blank-node predicates are left out of (non-generalised) RDF too.
            raise DroppedTermError(key)
        else:
            _check_expanded(item)


def _check_language_and_direction(value: Mapping[str, Any]) -> None:
    if "@direction" in value:
        # pyld leaves the direction out of the RDF (so out of the signature); jsonld.js refuses it.
        raise CanonicalizationError(
            f"the text direction of {value.get('@value')!r} would not be covered by a signature; leave @direction out"
        )
    language = value.get("@language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE_TAG.match(language)):
        raise CanonicalizationError(f"{language!r} is not a language tag (BCP 47, e.g. 'en' or 'pt-br')")


def _find_own_error(exc: BaseException) -> BaseException | None:
    """pyld wraps loader errors in its own; dig ours back out so callers see the real reason."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (JsonLdContextError, CanonicalizationError)):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _pyld_options() -> dict[str, Any]:
    return {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_resolved_contexts(), document_loader),
        # None, not "": with "" pyld resolves relative IRIs against a made-up base instead of
        # leaving them relative for _check_expanded to refuse.
        "base": None,
        "processingMode": "json-ld-1.1",
    }


def expand(document: Mapping[str, Any], *, processor_class: type[JsonLdProcessor] = _Processor) -> list[Any]:
    """Expand a credential-shaped document, refusing anything that would be dropped."""
    if not isinstance(document, Mapping):
        raise CanonicalizationError("the document must be a JSON object")
    check_document_context(document.get("@context"))
    _check_json(document, "")
    dropped: list[str | None] = []
    processor = processor_class(on_property_dropped=dropped.append)
    try:
        expanded: list[Any] = processor.expand(dict(document), _pyld_options())
    except JsonLdError as exc:
        own = _find_own_error(exc)
        if own is not None:
            raise own from None
        raise CanonicalizationError(f"invalid JSON-LD: {exc.args[0]} ({exc.code or exc.type})") from exc
    if dropped:
        term = dropped[0]
        if term is None:
            raise CanonicalizationError(
                "a key starting with '@' is not a JSON-LD keyword, so a signature would not cover it"
            )
        raise DroppedTermError(term)
    _check_expanded(expanded)
    return expanded


def _to_dataset(expanded: list[Any]) -> dict[str, Any]:
    """The RDF dataset of an expanded document: the steps pyld's to_rdf takes after expanding."""
    processor = JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "base": None, "processingMode": "json-ld-1.1"}
    return {
        graph_name: processor._graph_to_rdf(graph, issuer, options)
        for graph_name, graph in sorted(node_map.items())
        if graph_name == "@default" or _is_absolute_iri(graph_name)
    }


def canonicalize(document: Mapping[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a credential (or proof configuration)."""
    expanded = expand(document)
    try:
        nquads: str = URDNA2015().main(_to_dataset(expanded), {"format": "application/n-quads"})
    except JsonLdError as exc:
        raise CanonicalizationError(f"cannot canonicalise: {exc.args[0]}") from exc
    return nquads


def canonicalize_reference(document: Mapping[str, Any]) -> str:
    """The same N-Quads through pyld's public API alone (expanding twice, no context memory): for tests."""
    expanded = expand(document, processor_class=JsonLdProcessor)
    options = _pyld_options() | {"algorithm": "URDNA2015", "format": "application/n-quads"}
    try:
        nquads: str = JsonLdProcessor().normalize(expanded, options)
    except JsonLdError as exc:
        raise CanonicalizationError(f"cannot canonicalise: {exc.args[0]}") from exc
    return nquads
