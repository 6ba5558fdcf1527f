"""The one JSON codec for every body and signed string pusher-core produces.

Rules:
- Compact separators and no ASCII-escaping: what is signed is what is sent,
  and a non-ASCII payload is measured by its real UTF-8 size.
- A user's encoder/decoder class (the reference's `json_encoder`/`json_decoder`)
  is honoured for user data; protocol envelopes use the standard codec.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from pusher_core.errors import InvalidArgumentTypeError

__all__ = ["dumps", "dumps_user", "encode", "loads", "string"]

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

encode: Callable[[Any], str] = _ENCODE
"""`dumps` without the wrapper call, for hot loops; raises as `json` does."""

string: Callable[[str], str] = encode_basestring
"""The JSON literal of one `str`, exactly as `dumps` writes a string (no ASCII-escaping).

It is the very function `dumps` applies to every string (C-accelerated), so an
envelope of string fields assembled around it is byte-identical to `dumps` of
the same dict with the same key order, without the general-purpose encoder.
"""


def dumps(value: Any) -> str:
    """Serialize a protocol value compactly (no spaces, no ASCII-escaping)."""
    return _ENCODE(value)


def dumps_user(value: Any, encoder: type[json.JSONEncoder] | None, argument: str) -> str:
    """Serialize user data with the configured encoder, naming `argument` on failure."""
    try:
        if encoder is None:
            return _ENCODE(value)
        return json.dumps(
            value, cls=encoder, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentTypeError(
            argument,
            f"cannot be JSON-encoded ({exc}); pass a string, a JSON-compatible value, "
            "or configure json_encoder",
        ) from exc


def loads(text: str | bytes, decoder: type[json.JSONDecoder] | None = None) -> Any:
    """Parse JSON with the configured decoder class (or the standard one)."""
    if decoder is None:
        return json.loads(text)
    return json.loads(text, cls=decoder)
