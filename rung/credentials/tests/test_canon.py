import hashlib
from typing import Any

import pytest

from rung.credentials.canon import (
    CanonicalizationError,
    ContextNotAllowedError,
    DroppedTermError,
    RelativeIriError,
    canonicalize,
    escape_literal,
)
from rung.credentials.jsonld import CREDENTIALS_V2_URL, OB_V3P0_URL, UnknownContextError
from rung.credentials.proofs import proof_configuration
from rung.credentials.tests.support import fixture_text


def test_vector_document_canonicalises_byte_for_byte(vector: dict[str, Any]) -> None:
    nquads = canonicalize(vector["unsigned_credential"])
    assert nquads == fixture_text(vector["expected_document_canon_file"])
    assert hashlib.sha256(nquads.encode()).hexdigest() == vector["expected_document_sha256_hex"]


def test_vector_proof_configuration_canonicalises_byte_for_byte(vector: dict[str, Any]) -> None:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": vector["created"],
        "verificationMethod": vector["verificationMethod"],
        "proofPurpose": vector["proofPurpose"],
    }
    config = proof_configuration(proof, vector["unsigned_credential"]["@context"])
    assert canonicalize(config) == fixture_text(vector["expected_proof_config_canon_file"])


def test_key_order_does_not_matter(unsigned: dict[str, Any]) -> None:
    reordered = dict(reversed(list(unsigned.items())))
    assert canonicalize(reordered) == canonicalize(unsigned)


@pytest.mark.parametrize(
    "where",
    [
        lambda c: c,
        lambda c: c["credentialSubject"],
        lambda c: c["credentialSubject"]["achievement"],
        lambda c: c["credentialSubject"]["achievement"]["criteria"],
        lambda c: c["issuer"],
    ],
    ids=["top", "credentialSubject", "achievement", "criteria", "issuer"],
)
def test_undefined_terms_are_refused_not_dropped(unsigned: dict[str, Any], where: Any) -> None:
    where(unsigned)["foo"] = "bar"
    with pytest.raises(DroppedTermError, match="'foo'") as caught:
        canonicalize(unsigned)
    assert caught.value.term == "foo"


def test_undefined_type_is_refused(unsigned: dict[str, Any]) -> None:
    unsigned["credentialSubject"]["type"].append("HonoraryMember")
    with pytest.raises(DroppedTermError, match="HonoraryMember"):
        canonicalize(unsigned)


def test_keyword_lookalike_key_is_refused(unsigned: dict[str, Any]) -> None:
    unsigned["@comment"] = "not a keyword"
    with pytest.raises(CanonicalizationError, match="'@'"):
        canonicalize(unsigned)


@pytest.mark.parametrize(
    ("field", "iri"),
    [("id", "credentials/3527"), ("issuer", "issuers/565049"), ("credentialSubject.id", "#me")],
)
def test_relative_iris_are_refused(unsigned: dict[str, Any], field: str, iri: str) -> None:
    if field == "issuer":
        unsigned["issuer"]["id"] = iri
    elif field == "credentialSubject.id":
        unsigned["credentialSubject"]["id"] = iri
    else:
        unsigned["id"] = iri
    with pytest.raises(RelativeIriError, match="relative IRI"):
        canonicalize(unsigned)


def test_no_made_up_base_ever_appears(unsigned: dict[str, Any]) -> None:
    assert "example.org/base" not in canonicalize(unsigned)


def test_unknown_context_is_refused(unsigned: dict[str, Any]) -> None:
    unsigned["@context"].append("https://example.org/extra-context.json")
    with pytest.raises(UnknownContextError):
        canonicalize(unsigned)


def test_unknown_nested_context_is_refused(unsigned: dict[str, Any]) -> None:
    unsigned["credentialSubject"]["@context"] = "https://example.org/extra-context.json"
    with pytest.raises(UnknownContextError):
        canonicalize(unsigned)


@pytest.mark.parametrize(
    "context",
    [
        None,
        CREDENTIALS_V2_URL,
        [],
        [OB_V3P0_URL, CREDENTIALS_V2_URL],
        [CREDENTIALS_V2_URL, OB_V3P0_URL, 7],
    ],
    ids=["missing", "string", "empty", "wrong-first", "not-a-string"],
)
def test_context_must_be_a_list_of_pinned_urls_starting_with_vc_v2(unsigned: dict[str, Any], context: object) -> None:
    if context is None:
        del unsigned["@context"]
    else:
        unsigned["@context"] = context
    with pytest.raises(ContextNotAllowedError):
        canonicalize(unsigned)


def test_an_embedded_context_is_canonicalised_without_fetching(unsigned: dict[str, Any]) -> None:
    unsigned["@context"] = [*unsigned["@context"], {"favouriteColour": "https://example.org/vocab#favouriteColour"}]
    unsigned["credentialSubject"]["favouriteColour"] = "teal"
    assert '<https://example.org/vocab#favouriteColour> "teal"' in canonicalize(unsigned)


def test_a_nested_embedded_context_is_accepted(unsigned: dict[str, Any]) -> None:
    unsigned["credentialSubject"]["@context"] = {"shoeSize": "https://example.org/vocab#shoeSize"}
    unsigned["credentialSubject"]["shoeSize"] = "42"
    assert "https://example.org/vocab#shoeSize" in canonicalize(unsigned)


def test_an_embedded_context_cannot_import_an_unpinned_url(unsigned: dict[str, Any]) -> None:
    unsigned["@context"] = [*unsigned["@context"], {"@import": "https://contexts.example/evil.jsonld"}]
    with pytest.raises(UnknownContextError):
        canonicalize(unsigned)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), b"bytes", {1, 2}, object()])
def test_non_json_values_are_refused(unsigned: dict[str, Any], value: object) -> None:
    unsigned["name"] = value
    with pytest.raises(CanonicalizationError):
        canonicalize(unsigned)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize([])  # type: ignore[arg-type]


def test_invalid_json_ld_becomes_a_canonicalisation_error(unsigned: dict[str, Any]) -> None:
    unsigned["id"] = 42
    with pytest.raises(CanonicalizationError, match="invalid JSON-LD"):
        canonicalize(unsigned)


def test_control_characters_are_written_as_rdfc_1_0_escapes(unsigned: dict[str, Any]) -> None:
    """RDFC-1.0's canonical N-Quads: ECHAR for BS HT LF FF CR " and backslash, UCHAR for the other controls."""
    unsigned["name"] = 'a\bb\tc\nd\fe\rf"g\\h\x00i\x01j\x0bk\x1fl\x7fm\x80n'
    nquads = canonicalize(unsigned)
    assert '"a\\bb\\tc\\nd\\fe\\rf\\"g\\\\h\\u0000i\\u0001j\\u000Bk\\u001Fl\\u007Fm\x80n"' in nquads
    # Nothing below U+0020 is left raw but the line ends between quads.
    assert not [c for c in nquads.replace("\n", "") if ord(c) < 0x20 or ord(c) == 0x7F]


def test_escaping_changes_nothing_else() -> None:
    """Text without controls reads as before (the official vector's N-Quads above are the proof), and so
    do quotes, backslashes, tabs and line ends, which pyld already escaped."""
    assert (
        escape_literal('plain "quoted" \\ tab\there\nnew line\r') == 'plain \\"quoted\\" \\\\ tab\\there\\nnew line\\r'
    )
    assert escape_literal("Grüße, 東京, emoji 🚀") == "Grüße, 東京, emoji 🚀"


@pytest.mark.parametrize(
    "iri", ['https://example.org/a"b', "https://example.org/a b", "https://example.org/{x}", "https://example.org/a\\b"]
)
def test_iris_that_n_quads_cannot_hold_raw_are_refused(unsigned: dict[str, Any], iri: str) -> None:
    unsigned["id"] = iri
    with pytest.raises(RelativeIriError):
        canonicalize(unsigned)


@pytest.mark.parametrize("language", ["en_US", "en-toolongsubtag", "", "en-", "ελ"])
def test_a_malformed_language_tag_is_refused(unsigned: dict[str, Any], language: str) -> None:
    unsigned["name"] = {"@value": "Data cleaning", "@language": language}
    with pytest.raises(CanonicalizationError, match="is not a language tag"):
        canonicalize(unsigned)


def test_a_well_formed_language_tag_is_signed(unsigned: dict[str, Any]) -> None:
    unsigned["name"] = {"@value": "Limpieza de datos", "@language": "es-MX"}
    assert '"Limpieza de datos"@es-mx' in canonicalize(unsigned)


def test_a_text_direction_is_refused_rather_than_left_unsigned(unsigned: dict[str, Any]) -> None:
    unsigned["name"] = {"@value": "تنظيف البيانات", "@language": "ar", "@direction": "rtl"}
    with pytest.raises(CanonicalizationError, match="@direction"):
        canonicalize(unsigned)


@pytest.mark.parametrize("number", [2**53, -(2**53), 10**30])
def test_integers_a_javascript_verifier_cannot_read_exactly_are_refused(unsigned: dict[str, Any], number: int) -> None:
    unsigned["credentialSubject"]["creditsEarned"] = number
    with pytest.raises(CanonicalizationError, match="larger than a JavaScript number"):
        canonicalize(unsigned)


def test_the_largest_safe_integer_is_signed(unsigned: dict[str, Any]) -> None:
    unsigned["credentialSubject"]["creditsEarned"] = 2**53 - 1
    assert '"9007199254740991"' in canonicalize(unsigned)
