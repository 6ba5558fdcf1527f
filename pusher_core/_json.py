"""The one JSON codec for every body, signed string and parsed answer of pusher-core.

Rules:
- Compact separators and no ASCII-escaping: what is signed is what is sent,
  and a non-ASCII payload is measured by its real UTF-8 size.
- A user's encoder/decoder class (the reference's `json_encoder`/`json_decoder`)
  is honoured for user data and API answers; protocol envelopes use the standard codec.
- Only `json`'s public API; the standard encoder is built once.
- Parsing is total where callers need it to be: `loads` raises only `ValueError`
  (text that is not JSON, or nested too deeply to parse), and the caller's
  `InvalidArgumentTypeError` for a decoder that is not a `json.JSONDecoder` class.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError

__all__ = ["dumps", "dumps_user", "loads", "reads_as_utf8", "string"]

# No circular-reference bookkeeping (about a tenth of an encode): a value that
# contains itself recurses until `RecursionError`, which `dumps_user` reports.
_STANDARD = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
)
_DECODER = json.JSONDecoder()

dumps: Callable[[Any], str] = _STANDARD.encode
"""Serialize a protocol value compactly (no spaces, no ASCII-escaping); raises as `json` does."""

string: Callable[[str], str] = encode_basestring
"""The JSON literal of one `str`, exactly as `dumps` writes a string inside any value.

It is the function `JSONEncoder.encode` itself returns for a `str` without
ASCII-escaping (`json.encoder.encode_basestring`, defined by every Python's
`json`), so an envelope of string fields assembled around it is byte-identical
to `dumps` of the same dict with the same key order.
"""


def dumps_user(value: Any, encoder: type[json.JSONEncoder] | None, argument: str) -> str:
    """Serialize user data with the configured encoder, naming `argument` on failure."""
    try:
        if encoder is None:
            return _STANDARD.encode(value)
        return json.dumps(
            value, cls=encoder, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
    except RecursionError:
        raise InvalidArgumentError(
            argument,
            "is nested too deeply to encode as JSON, or contains itself; flatten it",
        ) from None
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentTypeError(
            argument,
            f"cannot be JSON-encoded ({exc}); pass a string, a JSON-compatible value, "
            "or configure json_encoder",
        ) from exc


def reads_as_utf8(text: str) -> bool:
    """Whether `loads(text)` reads what `loads` reads of `text`'s UTF-8 bytes.

    The bytes reading below skips a UTF-8 BOM and hands NULs up front to `json`'s
    UTF-16/32 detection; any other text reads the same either way, so a caller
    holding both forms can skip decoding the bytes again.
    """
    return not text.startswith("\ufeff") and "\x00" not in text[:4]


def loads(text: str | bytes, decoder: type[json.JSONDecoder] | None = None) -> Any:
    """Parse JSON with the configured decoder class (or the standard one).

    Raises:
        ValueError: the text is not JSON (`json.JSONDecodeError`, `UnicodeDecodeError`),
            or is nested too deeply to parse.
        InvalidArgumentTypeError: `decoder` is not a `json.JSONDecoder` subclass.
    """
    try:
        if decoder is not None:
            if not (isinstance(decoder, type) and issubclass(decoder, json.JSONDecoder)):
                raise InvalidArgumentTypeError(
                    "decoder", "must be a subclass of json.JSONDecoder, or None"
                )
            return json.loads(text, cls=decoder)
        # `json.loads` is `raw_decode` after skipping whitespace, then a check that only
        # whitespace follows: a document that starts and ends at the text's ends needs
        # neither; anything else gets `json.loads`'s own answer or error.
        # Bytes are decoded as UTF-8 first (RFC 8259: JSON between systems is UTF-8),
        # which skips `json`'s encoding detection. That detection picks another encoding
        # only for a BOM or a NUL in the first bytes, and such bytes never decode as
        # UTF-8 into one document filling the text: they reach `json.loads` as bytes.
        try:
            document = text.decode() if isinstance(text, bytes) else text
            value, end = _DECODER.raw_decode(document)
        except ValueError:
            return json.loads(text)
        return value if end == len(document) else json.loads(text)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to parse") from None
