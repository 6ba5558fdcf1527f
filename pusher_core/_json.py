"""The one JSON codec for every body and signed string pusher-core produces.

Rules:
- Compact separators and no ASCII-escaping: what is signed is what is sent,
  and a non-ASCII payload is measured by its real UTF-8 size.
- A user's encoder/decoder class (the reference's `json_encoder`/`json_decoder`)
  is honoured for user data; protocol envelopes use the standard codec.
- The standard encoder is `json`'s own C encoder, built once instead of per call
  (`JSONEncoder.encode` builds one every time, most of a small value's cost):
  same settings, so the same text and the same errors (see `_encode`).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from pusher_core.errors import InvalidArgumentTypeError

__all__ = ["dumps", "dumps_user", "encode", "loads", "string"]

# The C accelerator `JSONEncoder.iterencode` uses (absent on PyPy; untyped in typeshed).
_c_make_encoder: Callable[..., Any] | None = getattr(json.encoder, "c_make_encoder", None)
_STANDARD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_join = "".join


def _c_encoder() -> Callable[[Any, int], Any] | None:
    """`_STANDARD`'s C encoder, built once; None where `json` has none (PyPy) or it differs.

    The arguments are the ones `JSONEncoder.iterencode` passes for a one-shot
    encode, except `markers`: a dict shared between calls would keep the entries
    of a failed encode (and race between threads), so there is none and a
    circular value ends in RecursionError, which `_encode` hands to `_STANDARD`.
    """
    if _c_make_encoder is None:
        return None
    try:
        made: Callable[[Any, int], Any] = _c_make_encoder(
            None,  # markers: see above
            _STANDARD.default,
            encode_basestring,
            None,  # indent
            _STANDARD.key_separator,
            _STANDARD.item_separator,
            _STANDARD.sort_keys,
            _STANDARD.skipkeys,
            _STANDARD.allow_nan,
        )
        sample = {"a": [1, 2.5, None, True, 'é\u2028"\n'], "b": {"c": -0.0}, "": 10**20}
        if _join(made(sample, 0)) != _STANDARD.encode(sample):
            return None
    except TypeError:  # another signature than the one this was written against
        return None
    return made


_C_ENCODE = _c_encoder()


def _encode(value: Any) -> str:
    """`_STANDARD.encode(value)`: the same text, or the same exception."""
    try:
        return _join(_C_ENCODE(value, 0))  # type: ignore[misc]  # only used when built
    except RecursionError:
        # A circular value (no markers here) or one nested too deep: the standard
        # encoder raises exactly what it always raised for it.
        return _STANDARD.encode(value)


_ENCODE: Callable[[Any], str] = _STANDARD.encode if _C_ENCODE is None else _encode

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
