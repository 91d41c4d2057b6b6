import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.credentials.multibase import (
    MultibaseError,
    b58decode,
    b58encode,
    decode_ed25519_private_key,
    decode_ed25519_public_key,
    decode_multibase,
    encode_ed25519_private_key,
    encode_ed25519_public_key,
    encode_multibase,
)


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\x01", "112"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (bytes.fromhex("00eb15231dfceb60925886b67d065299925915aeb172c06647"), "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ],
)
def test_base58_known_values(raw: bytes, encoded: str) -> None:
    assert b58encode(raw) == encoded
    assert b58decode(encoded) == raw


@settings(database=None)
@given(st.binary(max_size=80))
def test_base58_round_trip(raw: bytes) -> None:
    assert b58decode(b58encode(raw)) == raw
    assert decode_multibase(encode_multibase(raw)) == raw


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "abc+", "z z", "é"])
def test_base58_refuses_characters_outside_the_alphabet(bad: str) -> None:
    with pytest.raises(MultibaseError):
        b58decode(bad)


@pytest.mark.parametrize("bad", ["", "u" + "A" * 10, "Z6Mk", "f00", 42, None])
def test_multibase_refuses_other_encodings_and_non_strings(bad: object) -> None:
    with pytest.raises(MultibaseError):
        decode_multibase(bad)  # type: ignore[arg-type]


def test_multibase_refuses_absurdly_long_input() -> None:
    with pytest.raises(MultibaseError):
        decode_multibase("z" + "2" * 10_000)


def test_ed25519_multikey_round_trip() -> None:
    private = Ed25519PrivateKey.generate()
    public_multikey = encode_ed25519_public_key(private.public_key())
    assert public_multikey.startswith("z6Mk")
    assert encode_ed25519_public_key(decode_ed25519_public_key(public_multikey)) == public_multikey
    private_multikey = encode_ed25519_private_key(private)
    assert private_multikey.startswith("z3u2")
    assert encode_ed25519_private_key(decode_ed25519_private_key(private_multikey)) == private_multikey


def test_vector_key_encodes_to_the_published_multikey(vector_key: Ed25519PrivateKey) -> None:
    assert encode_ed25519_public_key(vector_key.public_key()) == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_multikey_with_wrong_header_or_length_is_refused(vector_key: Ed25519PrivateKey) -> None:
    public_multikey = encode_ed25519_public_key(vector_key.public_key())
    raw = decode_multibase(public_multikey)
    with pytest.raises(MultibaseError, match="header"):
        decode_ed25519_public_key(encode_multibase(b"\x12\x00" + raw[2:]))
    with pytest.raises(MultibaseError, match="32 bytes"):
        decode_ed25519_public_key(encode_multibase(raw[:-1]))
    with pytest.raises(MultibaseError, match="header"):
        decode_ed25519_private_key(public_multikey)
