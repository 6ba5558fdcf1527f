"""End-to-end encryption for `private-encrypted-` channels.

Rules (Pusher "End-to-end encryption"):
- The per-channel key is SHA-256(channel name as UTF-8 || 32-byte master key).
- Payloads are sealed with NaCl secretbox (XSalsa20-Poly1305) under a 24-byte
  nonce that the caller supplies; this module never draws randomness.
- On the wire, the event `data` is the JSON string
  `{"nonce":"<base64>","ciphertext":"<base64 of tag || ciphertext>"}`.
- Plaintext rule: the plaintext is exactly the `data` string an unencrypted
  trigger would send: a `str` as is, anything else JSON-encoded with the
  configured encoder. pusher-js JSON-parses it and falls back to the raw string.
- PyNaCl is imported only when something is actually sealed or opened.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import TYPE_CHECKING, Any

import attrs

from pusher_core import _json
from pusher_core.errors import (
    EncryptionError,
    EncryptionUnavailableError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
)

if TYPE_CHECKING:
    from nacl.secret import SecretBox

__all__ = [
    "MASTER_KEY_BYTES",
    "NONCE_BYTES",
    "EncryptedPayload",
    "check_nonce",
    "decrypt",
    "derive_nonce",
    "encrypt",
    "require_master_key",
    "shared_secret",
]

NONCE_BYTES = 24
MASTER_KEY_BYTES = 32


def _secret_box(key: bytes) -> SecretBox:
    try:
        from nacl.secret import SecretBox  # lazy: keep the core light
    except ImportError as exc:
        raise EncryptionUnavailableError(
            "end-to-end encryption needs PyNaCl: install it with `pip install pynacl`"
        ) from exc
    return SecretBox(key)


def _utf8(text: str, argument: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            argument, "contains a lone surrogate, which cannot be UTF-8; fix the text"
        ) from None


def shared_secret(channel: str, master_key: bytes | None) -> bytes:
    """The 32-byte key of one encrypted channel: SHA-256(channel || master key)."""
    if not isinstance(channel, str):
        raise InvalidArgumentTypeError("channel", f"must be a str, got {type(channel).__name__}")
    master_key = require_master_key(channel, master_key)
    return hashlib.sha256(_utf8(channel, "channel") + master_key).digest()


def require_master_key(channel: str, master_key: bytes | None) -> bytes:
    """Return `master_key` if it can seal `channel`'s events: 32 bytes, configured."""
    if master_key is None:
        raise InvalidArgumentError(
            "encryption_master_key_base64",
            f"channel {channel!r} is end-to-end encrypted: configure "
            "encryption_master_key_base64 (32 random bytes, base64)",
        )
    if not isinstance(master_key, bytes) or len(master_key) != MASTER_KEY_BYTES:
        raise InvalidArgumentError("encryption_master_key", "must be exactly 32 bytes")
    return master_key


def check_nonce(nonce: object) -> bytes:
    """Return `nonce` if it is 24 bytes (drawn fresh from a CSPRNG per call, by the caller)."""
    if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES:
        raise InvalidArgumentTypeError(
            "nonce",
            f"must be {NONCE_BYTES} random bytes (e.g. secrets.token_bytes({NONCE_BYTES})), "
            f"got {type(nonce).__name__}"
            + (f" of length {len(nonce)}" if isinstance(nonce, (bytes, str)) else ""),
        )
    return nonce


def derive_nonce(nonce: bytes, index: int) -> bytes:
    """The nonce of the `index`-th event of a batch, derived from one random nonce.

    Keyed BLAKE2b is a PRF, so the derived nonces are distinct and as
    unpredictable as `nonce`: events of one batch never share a nonce.
    """
    return hashlib.blake2b(index.to_bytes(8, "big"), key=nonce, digest_size=NONCE_BYTES).digest()


@attrs.frozen(kw_only=True)
class EncryptedPayload:
    """A sealed event payload: what goes into the event's `data` field."""

    nonce: bytes
    ciphertext: bytes

    def to_data(self) -> str:
        """The wire form: a compact JSON string with base64 `nonce` and `ciphertext`."""
        return _json.dumps(
            {
                "nonce": base64.b64encode(self.nonce).decode("ascii"),
                "ciphertext": base64.b64encode(self.ciphertext).decode("ascii"),
            }
        )

    @classmethod
    def from_data(cls, data: str) -> EncryptedPayload:
        """Parse the wire form; raise `EncryptionError` if it is not one."""
        try:
            parsed: Any = _json.loads(data)
            nonce = base64.b64decode(parsed["nonce"], validate=True)
            ciphertext = base64.b64decode(parsed["ciphertext"], validate=True)
        except (ValueError, TypeError, KeyError, binascii.Error) as exc:
            raise EncryptionError(
                'data is not an encrypted payload {"nonce": ..., "ciphertext": ...}'
            ) from exc
        if len(nonce) != NONCE_BYTES:
            raise EncryptionError(f"the nonce must be {NONCE_BYTES} bytes, got {len(nonce)}")
        return cls(nonce=nonce, ciphertext=ciphertext)


def encrypt(
    channel: str, plaintext: str, master_key: bytes | None, nonce: bytes
) -> EncryptedPayload:
    """Seal `plaintext` for `channel` with the given 24-byte nonce.

    Never reuse a nonce with the same channel key: draw a fresh random one
    per event (the `Pusher` shell does).
    """
    if not isinstance(plaintext, str):
        raise InvalidArgumentTypeError(
            "plaintext", f"must be the event's data as a str, got {type(plaintext).__name__}"
        )
    box = _secret_box(shared_secret(channel, master_key))
    sealed = box.encrypt(_utf8(plaintext, "plaintext"), check_nonce(nonce))
    return EncryptedPayload(nonce=nonce, ciphertext=sealed.ciphertext)


def decrypt(channel: str, payload: EncryptedPayload | str, master_key: bytes | None) -> str:
    """Open a payload sealed for `channel`; raise `EncryptionError` if it does not verify."""
    if isinstance(payload, str):
        payload = EncryptedPayload.from_data(payload)
    elif not isinstance(payload, EncryptedPayload):
        raise InvalidArgumentTypeError(
            "payload",
            f"must be the event's data string or an EncryptedPayload, got {type(payload).__name__}",
        )
    if not isinstance(payload.nonce, bytes) or not isinstance(payload.ciphertext, bytes):
        raise InvalidArgumentTypeError("payload", "its nonce and ciphertext must be bytes")
    box = _secret_box(shared_secret(channel, master_key))
    from nacl.exceptions import CryptoError  # loaded by _secret_box already

    try:
        plain = box.decrypt(payload.ciphertext, payload.nonce)
    except CryptoError as exc:
        raise EncryptionError(
            f"the payload on {channel!r} does not decrypt: wrong master key or tampered data"
        ) from exc
    try:
        return bytes(plain).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncryptionError(f"the payload on {channel!r} is not UTF-8 text") from exc
