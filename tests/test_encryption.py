"""Known answers and failure modes of end-to-end encryption (`private-encrypted-` channels)."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Callable

import pytest
from nacl.secret import SecretBox

from pusher_core.config import AppConfig, parse_master_key
from pusher_core.encryption import (
    NONCE_BYTES,
    EncryptedPayload,
    decrypt,
    derive_nonce,
    encrypt,
    shared_secret,
)
from pusher_core.errors import (
    ConfigurationError,
    EncryptionError,
    EncryptionUnavailableError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
)
from pusher_core.events import event_data

# The reference suite's master key (pusher_tests/test_authentication_client.py).
MASTER_B64 = "OHRXNUZRTG5pUTFzQlFGd3J3N3Q2VFZFc0paZDEweVk="
MASTER = base64.b64decode(MASTER_B64)
CHANNEL = "private-encrypted-channel"
NONCE = bytes(range(24))
PLAINTEXT = '{"message":"hello world"}'
# secretbox(SHA-256(CHANNEL || MASTER), NONCE, PLAINTEXT), computed once and
# cross-checked below against a direct nacl.secret.SecretBox computation.
CIPHERTEXT_B64 = "cyBJ0QCnJlQ9O8DEx948kL0ajwrvAJMNUGnlvK2Rz7CUv1PC5UcTVUM="
CONFIG = AppConfig.from_options("1", "key", "secret", encryption_master_key_base64=MASTER_B64)


def test_shared_secret_python_suite_vector() -> None:
    """The reference suite's channel key: base64 `VmIsNZ...yVI=`."""
    key = shared_secret(CHANNEL, MASTER)
    assert base64.b64encode(key).decode() == "VmIsNZtCSteh8kazd2toc+ofhohBtUouQRSDtRvuyVI="
    assert key == hashlib.sha256(CHANNEL.encode() + MASTER).digest()


def test_fixed_nonce_known_answer() -> None:
    """A fixed nonce gives the recorded ciphertext and the documented wire JSON."""
    payload = encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE)
    assert base64.b64encode(payload.ciphertext).decode() == CIPHERTEXT_B64
    assert payload.nonce == NONCE
    assert payload.to_data() == (
        '{"nonce":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYX","ciphertext":"' + CIPHERTEXT_B64 + '"}'
    )


def test_known_answer_matches_direct_secretbox() -> None:
    """The recorded ciphertext is exactly NaCl secretbox under SHA-256(channel || master)."""
    box = SecretBox(hashlib.sha256(CHANNEL.encode() + MASTER).digest())
    direct = box.encrypt(PLAINTEXT.encode(), NONCE).ciphertext
    assert base64.b64encode(direct).decode() == CIPHERTEXT_B64
    assert box.decrypt(base64.b64decode(CIPHERTEXT_B64), NONCE).decode() == PLAINTEXT


def test_known_answer_decrypts_from_wire_form() -> None:
    """The wire JSON (or the parsed payload) opens back to the plaintext."""
    data = encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE).to_data()
    assert decrypt(CHANNEL, data, MASTER) == PLAINTEXT
    assert decrypt(CHANNEL, EncryptedPayload.from_data(data), MASTER) == PLAINTEXT


def test_reference_encrypt_gives_the_same_wire_values() -> None:
    """pusher 3.3.4's `crypto.encrypt` with the same nonce gives the same nonce and ciphertext."""
    from pusher import crypto

    theirs = crypto.encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE)
    assert json.loads(encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE).to_data()) == theirs


def _flip(data: bytes, index: int, bit: int = 1) -> bytes:
    return data[:index] + bytes([data[index] ^ bit]) + data[index + 1 :]


Mutation = Callable[[EncryptedPayload], tuple[bytes, bytes]]
TAMPERS: dict[str, tuple[str, bytes, Mutation]] = {
    "flipped ciphertext byte": (CHANNEL, MASTER, lambda p: (p.nonce, _flip(p.ciphertext, 0))),
    "flipped tag byte": (CHANNEL, MASTER, lambda p: (p.nonce, _flip(p.ciphertext, -1, 0x80))),
    "flipped nonce byte": (CHANNEL, MASTER, lambda p: (_flip(p.nonce, 0), p.ciphertext)),
    "truncated": (CHANNEL, MASTER, lambda p: (p.nonce, p.ciphertext[:-1])),
    "shorter than the tag": (CHANNEL, MASTER, lambda p: (p.nonce, p.ciphertext[:5])),
    "empty": (CHANNEL, MASTER, lambda p: (p.nonce, b"")),
    "other channel": (CHANNEL + "-2", MASTER, lambda p: (p.nonce, p.ciphertext)),
    "other master key": (CHANNEL, bytes(32), lambda p: (p.nonce, p.ciphertext)),
}


@pytest.mark.parametrize("what", TAMPERS)
def test_tampered_or_misaddressed_data_raises_encryption_error(what: str) -> None:
    """Anything but the sealed bytes, under the same channel key, fails with EncryptionError."""
    channel, master, mutate = TAMPERS[what]
    nonce, ciphertext = mutate(encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE))
    with pytest.raises(EncryptionError, match="does not decrypt"):
        decrypt(channel, EncryptedPayload(nonce=nonce, ciphertext=ciphertext), master)


def test_non_utf8_plaintext_raises_encryption_error() -> None:
    """A payload that opens to bytes that are not UTF-8 is an EncryptionError, not a crash."""
    box = SecretBox(shared_secret(CHANNEL, MASTER))
    sealed = box.encrypt(b"\xff\xfe", NONCE).ciphertext
    with pytest.raises(EncryptionError, match="not UTF-8"):
        decrypt(CHANNEL, EncryptedPayload(nonce=NONCE, ciphertext=sealed), MASTER)


@pytest.mark.parametrize(
    "data",
    [
        "not json",
        "[]",
        '"string"',
        "{}",
        '{"nonce": "AAAA"}',
        '{"nonce": 1, "ciphertext": 2}',
        '{"nonce": "@@@@", "ciphertext": "AAAA"}',
        '{"nonce": "AAAA", "ciphertext": "AAAA"}',  # a 3-byte nonce
        '{"nonce": "' + "é" * 32 + '", "ciphertext": "AAAA"}',
    ],
)
def test_malformed_wire_data_raises_encryption_error(data: str) -> None:
    """Data that is not `{"nonce": b64(24 bytes), "ciphertext": b64}` is an EncryptionError."""
    with pytest.raises(EncryptionError):
        decrypt(CHANNEL, data, MASTER)


def test_deeply_nested_wire_data_raises_encryption_error() -> None:
    """Hostile nesting is malformed data like any other."""
    with pytest.raises(EncryptionError):
        decrypt(CHANNEL, "[" * 100_000, MASTER)


def test_missing_master_key_is_a_clear_error() -> None:
    """Encrypting or decrypting without a master key names the setting to configure."""
    with pytest.raises(InvalidArgumentError, match="encryption_master_key_base64") as info:
        encrypt(CHANNEL, PLAINTEXT, None, NONCE)
    assert info.value.argument == "encryption_master_key_base64"
    assert CHANNEL in str(info.value)
    with pytest.raises(InvalidArgumentError, match="encryption_master_key_base64"):
        decrypt(CHANNEL, encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE), None)


def test_master_key_of_wrong_length_is_rejected() -> None:
    """A master key that is not 32 bytes never reaches the cipher."""
    with pytest.raises(InvalidArgumentError, match="32 bytes"):
        shared_secret(CHANNEL, b"short")


@pytest.mark.parametrize("nonce", [b"", b"x" * 23, b"x" * 25, "x" * 24])
def test_nonce_must_be_24_bytes(nonce: object) -> None:
    """The caller-supplied nonce is exactly 24 bytes."""
    with pytest.raises(InvalidArgumentTypeError, match="nonce"):
        encrypt(CHANNEL, PLAINTEXT, MASTER, nonce)  # type: ignore[arg-type]


def test_deprecated_raw_master_key_warns_and_still_works() -> None:
    """The reference's raw 32-character key is accepted with a DeprecationWarning."""
    raw = MASTER.decode("ascii")  # the suite's key happens to be 32 printable characters
    with pytest.warns(DeprecationWarning, match="encryption_master_key_base64"):
        config = AppConfig.from_options("1", "key", "secret", encryption_master_key=raw)
    assert config.encryption_master_key == MASTER
    with pytest.warns(DeprecationWarning, match="deprecated"):
        assert parse_master_key(MASTER, None) == MASTER


@pytest.mark.parametrize(
    ("raw", "b64", "match"),
    [
        ("x" * 31, None, "32 characters"),
        (None, "not base64!", "not valid base64"),
        (None, base64.b64encode(b"x" * 16).decode(), "32 bytes"),
        (MASTER, MASTER_B64, "give only"),
    ],
)
def test_invalid_master_key_configuration(raw: object, b64: object, match: str) -> None:
    """Bad master keys fail at configuration time, with a message that never shows the key."""
    with pytest.raises(ConfigurationError, match=match) as info:  # noqa: PT012
        if raw is not None and b64 is None:
            with pytest.warns(DeprecationWarning, match="deprecated"):
                parse_master_key(raw, b64)  # type: ignore[arg-type]
        else:
            parse_master_key(raw, b64)  # type: ignore[arg-type]
    for shown in (str(raw), str(b64)):
        if len(shown) > 8:
            assert shown not in str(info.value)


def test_plaintext_rule_strings_pass_through_and_values_are_compact_json() -> None:
    """The plaintext is the `data` string an unencrypted trigger would send.

    A `str` is sealed as is (not JSON-quoted); anything else is compact,
    non-ASCII-escaping JSON.
    """
    cases = [
        ("hello", "hello"),
        ('{"already":"json"}', '{"already":"json"}'),
        ({"message": "héllo", "n": [1, 2]}, '{"message":"héllo","n":[1,2]}'),
        (["a", None, True], '["a",null,true]'),
        (42, "42"),
    ]
    for data, expected_plaintext in cases:
        wire = event_data(CONFIG, CHANNEL, data, NONCE)
        assert decrypt(CHANNEL, wire, MASTER) == expected_plaintext
        assert event_data(CONFIG, "private-plain", data, None) == expected_plaintext


def test_derived_nonces_are_distinct_and_deterministic() -> None:
    """Batch nonces derived from one random nonce never repeat and are reproducible."""
    derived = [derive_nonce(NONCE, i) for i in range(100)]
    assert len(set(derived)) == 100
    assert all(len(n) == NONCE_BYTES for n in derived)
    assert derived == [derive_nonce(NONCE, i) for i in range(100)]
    assert NONCE not in derived


def test_missing_pynacl_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyNaCl, sealing raises EncryptionUnavailableError naming the package."""
    monkeypatch.setitem(sys.modules, "nacl.secret", None)
    with pytest.raises(EncryptionUnavailableError, match="pip install pynacl"):
        encrypt(CHANNEL, PLAINTEXT, MASTER, NONCE)


def test_lone_surrogates_are_argument_errors() -> None:
    """Text that cannot be UTF-8 is refused by name, never a bare UnicodeEncodeError."""
    with pytest.raises(InvalidArgumentError, match="channel"):
        shared_secret("private-encrypted-\ud800", MASTER)
    with pytest.raises(InvalidArgumentError, match="plaintext"):
        encrypt(CHANNEL, "\udfff", MASTER, NONCE)
