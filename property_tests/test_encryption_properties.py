"""Properties of end-to-end encryption.

- encrypt -> decrypt round-trips any Unicode text under a fixed nonce, via the
  value and via the wire JSON; the ciphertext is deterministic for a fixed nonce.
- It is plain NaCl secretbox under SHA-256(channel || master key): a direct
  `SecretBox` opens it, and `pusher==3.3.4`'s `crypto.encrypt` produces the same
  wire values (its `generate_shared_secret` the same key).
- Any single flipped bit, another channel or another master key fails with
  `EncryptionError`; arbitrary wire text either opens or raises `EncryptionError`.
"""

from __future__ import annotations

import contextlib
import json

from hypothesis import given, strategies as st
from nacl.secret import SecretBox
from pusher import crypto

from property_tests.strategies import channel_names
from pusher_core.encryption import EncryptedPayload, decrypt, encrypt, shared_secret
from pusher_core.errors import EncryptionError

channels = channel_names.map(lambda name: "private-encrypted-" + name)
masters = st.binary(min_size=32, max_size=32)
nonces = st.binary(min_size=24, max_size=24)
texts = st.text()  # any Unicode scalar values (Hypothesis leaves out lone surrogates)


@given(channels, texts, masters, nonces)
def test_round_trip_with_a_fixed_nonce(
    channel: str, plaintext: str, master: bytes, nonce: bytes
) -> None:
    """decrypt(encrypt(x)) == x, from the value and from its wire JSON; same inputs, same bytes."""
    sealed = encrypt(channel, plaintext, master, nonce)
    assert decrypt(channel, sealed, master) == plaintext
    assert decrypt(channel, sealed.to_data(), master) == plaintext
    assert EncryptedPayload.from_data(sealed.to_data()) == sealed
    assert encrypt(channel, plaintext, master, nonce) == sealed
    assert len(sealed.ciphertext) == len(plaintext.encode()) + SecretBox.MACBYTES


@given(channels, texts, masters, nonces)
def test_it_is_secretbox_under_the_channel_key(
    channel: str, plaintext: str, master: bytes, nonce: bytes
) -> None:
    """A direct SecretBox under SHA-256(channel || master) opens it; the reference agrees."""
    sealed = encrypt(channel, plaintext, master, nonce)
    key = shared_secret(channel, master)
    assert key == crypto.generate_shared_secret(channel.encode(), master)
    assert SecretBox(key).decrypt(sealed.ciphertext, nonce) == plaintext.encode()
    assert json.loads(sealed.to_data()) == crypto.encrypt(channel, plaintext, master, nonce)


@given(channels, texts, masters, nonces, st.data())
def test_any_flipped_bit_fails(
    channel: str, plaintext: str, master: bytes, nonce: bytes, data: st.DataObject
) -> None:
    """Flip one bit of the nonce or the ciphertext: EncryptionError."""
    sealed = encrypt(channel, plaintext, master, nonce)
    target = data.draw(st.sampled_from(["nonce", "ciphertext"]))
    value = sealed.nonce if target == "nonce" else sealed.ciphertext
    at = data.draw(st.integers(0, len(value) - 1))
    bit = 1 << data.draw(st.integers(0, 7))
    flipped = value[:at] + bytes([value[at] ^ bit]) + value[at + 1 :]
    tampered = (
        EncryptedPayload(nonce=flipped, ciphertext=sealed.ciphertext)
        if target == "nonce"
        else EncryptedPayload(nonce=sealed.nonce, ciphertext=flipped)
    )
    try:
        decrypt(channel, tampered, master)
    except EncryptionError:
        return
    raise AssertionError("a tampered payload decrypted")


@given(channels, channels, texts, masters, masters, nonces)
def test_other_channel_or_master_key_fails(
    channel: str, other_channel: str, plaintext: str, master: bytes, other: bytes, nonce: bytes
) -> None:
    """A payload opens only for its own channel under its own master key."""
    sealed = encrypt(channel, plaintext, master, nonce)
    for where, key in ((other_channel, master), (channel, other)):
        if (where, key) == (channel, master):
            continue
        try:
            decrypt(where, sealed, key)
        except EncryptionError:
            continue
        raise AssertionError("opened under the wrong channel key")


@given(channels, st.text(max_size=200) | st.builds(json.dumps, st.dictionaries(
    st.sampled_from(["nonce", "ciphertext", "x"]), st.text(max_size=40) | st.integers()
)), masters)  # fmt: skip
def test_arbitrary_wire_text_opens_or_raises_encryption_error(
    channel: str, data: str, master: bytes
) -> None:
    """Decrypting any text gives a str or an EncryptionError, nothing else."""
    with contextlib.suppress(EncryptionError):
        assert isinstance(decrypt(channel, data, master), str)
