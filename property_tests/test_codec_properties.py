"""The one JSON codec reads what the standard library reads.

`pusher_core._json.loads` skips work `json.loads` does (its encoding detection,
its whitespace scans) when that work cannot change the answer. The oracle is
`json.loads` itself: for any bytes or text, both give the same value, or both
refuse it with a `ValueError`.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, strategies as st

from pusher_core import _json

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: `json` writes and reads them
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
_ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
_PADDING = st.sampled_from(["", " ", "\n\t ", "\x00", "\ufeff", "x", ","])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """JSON text as senders write it: either separators, either escaping, padded or not."""
    text = json.dumps(
        draw(_VALUES),
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])),
    )
    return draw(_PADDING) + text + draw(_PADDING)


def _outcome(read: Any, source: str | bytes) -> tuple[str, str]:
    """What reading `source` gives: the value (as its repr, so NaN equals NaN) or a refusal."""
    try:
        return "value", repr(read(source))
    except ValueError:
        return "refused", ""


@given(document=_documents(), encoding=_ENCODINGS)
def test_bytes_read_as_json_reads_them(document: str, encoding: str) -> None:
    """Any encoding `json` detects (UTF-8 with or without BOM, UTF-16/32) reads alike."""
    try:
        raw = document.encode(encoding)
    except UnicodeEncodeError:  # a lone surrogate the sender could not have sent
        raw = document.encode(encoding, "surrogatepass")
    assert _outcome(_json.loads, raw) == _outcome(json.loads, raw)


@given(raw=st.binary(max_size=40) | _documents().map(lambda text: text.encode("utf-8", "replace")))
def test_any_bytes_read_as_json_reads_them(raw: bytes) -> None:
    """Arbitrary bytes (broken UTF-8, stray NULs, encoded surrogates) get json's answer."""
    assert _outcome(_json.loads, raw) == _outcome(json.loads, raw)


@given(text=_documents() | st.text(max_size=40))
def test_text_reads_as_json_reads_it(text: str) -> None:
    assert _outcome(_json.loads, text) == _outcome(json.loads, text)


def test_an_encoded_surrogate_reads_as_json_reads_it() -> None:
    """`json.loads` decodes bytes with `surrogatepass`; a strict decode must not refuse them."""
    raw = b'["\xed\xa0\x80"]'
    assert _outcome(_json.loads, raw) == _outcome(json.loads, raw) == ("value", "['\\ud800']")
