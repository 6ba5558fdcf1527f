"""The response head reader reads what `http.client` reads, wherever `http.client` is right.

The oracle is `http.client.HTTPResponse` itself: any well-formed answer (a
status line, any fields, a body framed by Content-Length, chunks or the
connection's end, maybe after a 100 Continue) must give the same status, reason,
version, fields, framing and body through `BudgetedResponse`. The cases where
the reader departs from `http.client` on purpose are in `tests/adapters/test_head.py`.
"""

from __future__ import annotations

import http.client
import io
from typing import Any

from hypothesis import given, strategies as st

from pusher_core.adapters._limits import CALL, BudgetedResponse


class _Socket:
    """What `HTTPResponse` asks of a socket: a file holding the server's bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, _mode: str) -> io.BytesIO:
        return io.BytesIO(self._data)


def _read(cls: type[http.client.HTTPResponse], data: bytes, method: str) -> dict[str, Any]:
    """What a response class reads from `data`: the head's outcome and the body."""
    response = cls(_Socket(data), method=method)  # type: ignore[arg-type]
    response.begin()
    return {
        "status": response.status,
        "reason": response.reason,
        "version": response.version,
        "chunked": response.chunked,
        "length": response.length,
        "will_close": response.will_close,
        # Ours go to CALL.headers (urllib3's response class copies them into `msg`).
        "fields": list(CALL.headers if cls is BudgetedResponse else response.msg.items()),
        "body": response.read(),
    }


# --- against http.client, on heads both read the same way ------------------------------------

_TOKEN = st.text(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1
)
_FRAMING = {"content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection"}
# Visible characters, ASCII and Latin-1 (no C1 controls: `email` splits lines at some of them).
_VCHAR = st.sampled_from([chr(c) for c in (*range(0x21, 0x7F), *range(0xA1, 0x100))])
# A value as http.client keeps it: inner spaces, no surrounding whitespace, no CR, LF or NUL.
_VALUE = st.lists(st.text(_VCHAR, min_size=1), max_size=3).map(" ".join)
_OTHER_FIELD = st.tuples(_TOKEN.filter(lambda name: name.lower() not in _FRAMING), _VALUE)


@st.composite
def _responses(draw: st.DrawFn) -> tuple[bytes, str, bool]:
    """A well-formed answer (maybe after a 100 Continue), the request method, and
    whether the answer has no body."""
    version = draw(st.sampled_from(["HTTP/1.0", "HTTP/1.1"]))
    status = draw(st.sampled_from([200, 201, 204, 301, 304, 400, 404, 413, 500, 503]))
    reason = draw(st.sampled_from(["", "OK", "Not Found", "Whatever  it says"]))
    method = draw(st.sampled_from(["GET", "POST", "HEAD", "DELETE"]))
    fields = draw(st.lists(_OTHER_FIELD, max_size=6))
    body = draw(st.binary(max_size=40))
    # http.client reads chunks after a 204 or 304 that says chunked (no body: RFC 9112).
    kinds = ["length", "close"] if status in (204, 304) else ["length", "chunked", "close"]
    framing = draw(st.sampled_from(kinds))
    if framing == "length":
        fields.append(("Content-Length", str(len(body))))
        payload = body
    elif framing == "chunked":
        fields.append(("Transfer-Encoding", draw(st.sampled_from(["chunked", "Chunked"]))))
        payload = (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    else:
        payload = body
    bodiless = status in (204, 304) or method == "HEAD"
    if bodiless:  # the framing fields describe a body that is not sent
        payload = b""
    connection = draw(st.sampled_from([None, "close", "keep-alive", "Keep-Alive", "upgrade"]))
    if connection is not None:
        fields.append(("Connection", connection))
    if draw(st.booleans()):
        fields.append(("Keep-Alive", "timeout=5"))
    fields = draw(st.permutations(fields))
    status_line = f"{version} {status} {reason}".rstrip() if reason else f"{version} {status}"
    head = "".join(f"{name}: {value}\r\n" for name, value in fields)
    interim = "HTTP/1.1 100 Continue\r\n\r\n" if draw(st.booleans()) else ""
    text = f"{interim}{status_line}\r\n{head}\r\n"
    return text.encode("iso-8859-1") + payload, method, bodiless


@given(_responses())
def test_reads_what_http_client_reads(response: tuple[bytes, str, bool]) -> None:
    """Status, reason, version, fields, body framing and the body itself: as http.client."""
    data, method, bodiless = response
    ours = _read(BudgetedResponse, data, method)
    theirs = _read(http.client.HTTPResponse, data, method)
    if bodiless:  # http.client also calls it chunked when it says so; neither reads a body
        del ours["chunked"], theirs["chunked"]
    assert ours == theirs
