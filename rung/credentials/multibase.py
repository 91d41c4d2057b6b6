"""Base58btc, multibase ('z' prefix) and Ed25519 Multikey encodings.

Written here rather than pulled in as a dependency: it is small, and its exact behaviour on bad
input (always MultibaseError, never anything else) matters to the verifier.
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
BASE58BTC_PREFIX = "z"

# Multicodec varint headers (https://github.com/multiformats/multicodec): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_PRIVATE_HEADER = b"\x80\x26"
ED25519_KEY_LENGTH = 32

# Longest string we decode: far above any key or signature, low enough that the quadratic
# big-integer conversion cannot be used to burn CPU.
_MAX_ENCODED_LENGTH = 4096


class MultibaseError(ValueError):
    """A value is not valid base58btc, multibase or Multikey."""


def b58encode(data: bytes) -> str:
    """Base58btc: the bytes as one big number in base 58, each leading zero byte as '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    if not isinstance(text, str):
        raise MultibaseError("base58 value must be a string")
    if len(text) > _MAX_ENCODED_LENGTH:
        raise MultibaseError("base58 value is too long")
    number = 0
    for char in text:
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            raise MultibaseError(f"{char!r} is not a base58btc character")
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_multibase(data: bytes) -> str:
    return BASE58BTC_PREFIX + b58encode(data)


def decode_multibase(text: str) -> bytes:
    """Decode a base58btc multibase string; other multibase encodings are refused."""
    if not isinstance(text, str) or not text.startswith(BASE58BTC_PREFIX):
        raise MultibaseError("multibase value must be a string starting with 'z' (base58btc)")
    return b58decode(text[1:])


def _decode_multikey(text: str, header: bytes, what: str) -> bytes:
    data = decode_multibase(text)
    if not data.startswith(header):
        raise MultibaseError(f"not an {what} Multikey (wrong multicodec header)")
    key = data[len(header) :]
    if len(key) != ED25519_KEY_LENGTH:
        raise MultibaseError(f"{what} key must be {ED25519_KEY_LENGTH} bytes, got {len(key)}")
    return key


def encode_ed25519_public_key(key: Ed25519PublicKey) -> str:
    """The Multikey form, ``z6Mk…``."""
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return encode_multibase(ED25519_PUBLIC_HEADER + raw)


def decode_ed25519_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_decode_multikey(text, ED25519_PUBLIC_HEADER, "Ed25519 public"))


def encode_ed25519_private_key(key: Ed25519PrivateKey) -> str:
    """The Multikey secret form, ``z3u2…``; only for storing our own keys."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return encode_multibase(ED25519_PRIVATE_HEADER + raw)


def decode_ed25519_private_key(text: str) -> Ed25519PrivateKey:
    seed = _decode_multikey(text, ED25519_PRIVATE_HEADER, "Ed25519 private")
    return Ed25519PrivateKey.from_private_bytes(seed)
