"""The response head reader on its own rules, where `http.client` reads leniently.

Where the two agree, `property_tests/test_head_properties.py` holds it to `http.client`.
"""

from __future__ import annotations

import http.client
import io

import pytest

from pusher_core.adapters._head import MAX_HEAD_LINES, MAX_LINE, Head, read_head
from pusher_core.adapters._limits import CALL, BudgetedResponse


class _Socket:
    """What `HTTPResponse` asks of a socket: a file holding the server's bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, _mode: str) -> io.BytesIO:
        return io.BytesIO(self._data)


def _head(data: bytes, method: str = "GET") -> Head:
    return read_head(io.BytesIO(data).readline, method)


# --- what the transports see ------------------------------------------------------------


def test_records_the_fields_for_the_transports() -> None:
    """`begin` leaves the received pairs in `CALL.headers`, names as sent."""
    data = b"HTTP/1.1 200 OK\r\nLink: <a>\r\nX-Note:  1 \r\nlink: <b>\r\nContent-Length: 0\r\n\r\n"
    BudgetedResponse(_Socket(data)).begin()  # type: ignore[arg-type]
    pairs = (("Link", "<a>"), ("X-Note", "1"), ("link", "<b>"), ("Content-Length", "0"))
    assert CALL.headers == pairs


# --- its own rules, where http.client is lenient -------------------------------------------


def test_folded_lines_join_the_field_before_with_a_space() -> None:
    head = _head(b"HTTP/1.1 200 OK\r\nX-A: one\r\n \t two \r\n\tthree\r\nX-B:\r\n  b\r\n\r\n")
    assert head.fields == (("X-A", "one two three"), ("X-B", "b"))


@pytest.mark.parametrize(
    "line",
    [
        b"not a field\r\n",
        b"Name : value\r\n",  # whitespace before the colon
        b": no name\r\n",
        b"X-A: a\rb\r\n",  # CR inside the value
        b"X-A: a\x00b\r\n",
        b"N\xe4me: value\r\n",
        b" folded before any field\r\n",
    ],
)
def test_a_line_that_is_not_a_field_is_an_error(line: bytes) -> None:
    with pytest.raises(http.client.HTTPException, match="bad header line"):
        _head(b"HTTP/1.1 200 OK\r\n" + line + b"Content-Length: 2\r\n\r\n")


@pytest.mark.parametrize("status", [101, 102, 103, 199])
def test_interim_answers_are_skipped(status: int) -> None:
    head = _head(b"HTTP/1.1 %d Interim\r\nLink: <a>\r\n\r\nHTTP/1.1 201 Created\r\n\r\n" % status)
    assert (head.status, head.reason, head.fields) == (201, "Created", ())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "without response"),
        (b"HTTP/1.1 200 O", "end of the response head"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", "end of the response head"),
        (b"HTTP/1.1 200 OK\r\nContent-Len", "end of the response head"),
    ],
)
def test_a_head_cut_by_the_connection_end_is_a_disconnect(data: bytes, message: str) -> None:
    with pytest.raises(http.client.RemoteDisconnected, match=message):
        _head(data)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"HELLO I AM NOT HTTP\r\n", http.client.BadStatusLine),
        (b"HTTP/1.1 20 OK\r\n", http.client.BadStatusLine),
        (b"HTTP/1.1 1000 OK\r\n", http.client.BadStatusLine),
        (b"HTTP/1.1 099 OK\r\n", http.client.BadStatusLine),
        (b"HTTP/1.1 2\xb200 OK\r\n", http.client.BadStatusLine),
        (b"HTTP/1.1\r\n", http.client.BadStatusLine),
        (b"HTTP/2 200 OK\r\n", http.client.UnknownProtocol),
        (b"HTTP/x 200 OK\r\n", http.client.UnknownProtocol),
    ],
)
def test_status_line_errors_are_http_clients(line: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        _head(line + b"\r\n")
    with pytest.raises(error):  # the same class http.client raises
        http.client.HTTPResponse(_Socket(line + b"\r\n")).begin()  # type: ignore[arg-type]


def test_status_line_versions() -> None:
    versions = [b"HTTP/1.0", b"HTTP/0.9", b"HTTP/1.1", b"HTTP/1.7"]
    assert [_head(b"%b 200 OK\r\n\r\n" % v).version for v in versions] == [10, 10, 11, 11]
    assert _head(b"HTTP/1.1 200\r\n\r\n").reason == ""


def test_limits_are_http_clients() -> None:
    fields = b"X-A: 1\r\n" * MAX_HEAD_LINES
    assert len(_head(b"HTTP/1.1 200 OK\r\n" + fields + b"\r\n").fields) == MAX_HEAD_LINES
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        _head(b"HTTP/1.1 200 OK\r\n" + fields + b"X-A: 1\r\n\r\n")
    interim = b"HTTP/1.1 100 Continue\r\n" + b"X-A: 1\r\n" * 60 + b"\r\n"
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        _head(interim + b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 41 + b"\r\n")
    long = b"X-A: " + b"a" * MAX_LINE + b"\r\n"
    with pytest.raises(http.client.LineTooLong, match="header line"):
        _head(b"HTTP/1.1 200 OK\r\n" + long + b"\r\n")
    with pytest.raises(http.client.LineTooLong, match="status line"):
        _head(b"HTTP/1.1 200 " + b"a" * MAX_LINE + b"\r\n\r\n")


@pytest.mark.parametrize(
    ("fields", "chunked", "length", "will_close"),
    [
        (b"Content-Length: 5, 5\r\n", False, 5, False),
        (b"Content-Length: 5\r\nContent-Length: 5\r\n", False, 5, False),
        (b"Transfer-Encoding: gzip, chunked\r\n", True, None, False),
        (b"Transfer-Encoding: gzip\r\nTransfer-Encoding: CHUNKED\r\n", True, None, False),
        # Another final coding: the body runs until close, whatever Content-Length says.
        (b"Transfer-Encoding: chunked, gzip\r\nContent-Length: 5\r\n", False, None, True),
        (b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", True, None, False),
        (b"Connection: Upgrade, Close\r\nContent-Length: 0\r\n", False, 0, True),
        (b"Connection: closed\r\nContent-Length: 0\r\n", False, 0, False),  # a token, not a word
        (b"", False, None, True),
    ],
)
def test_body_framing(fields: bytes, chunked: bool, length: int | None, will_close: bool) -> None:
    head = _head(b"HTTP/1.1 200 OK\r\n" + fields + b"\r\n")
    assert (head.chunked, head.length, head.will_close) == (chunked, length, will_close)


@pytest.mark.parametrize(
    "fields",
    [
        b"Content-Length: 5, 6\r\n",
        b"Content-Length: 5\r\nContent-Length: 6\r\n",
        b"Content-Length: -1\r\n",
        b"Content-Length: five\r\n",
        b"Content-Length: \r\n",
        b"Content-Length: \xb2\r\n",
    ],
)
def test_a_content_length_that_is_not_one_number_is_an_error(fields: bytes) -> None:
    with pytest.raises(http.client.HTTPException, match="Content-Length"):
        _head(b"HTTP/1.1 200 OK\r\n" + fields + b"\r\n")


@pytest.mark.parametrize(
    ("status", "method"), [(204, "GET"), (304, "GET"), (200, "HEAD"), (404, "HEAD")]
)
def test_answers_without_a_body(status: int, method: str) -> None:
    head = _head(b"HTTP/1.1 %d X\r\nContent-Length: 10\r\n\r\n" % status, method)
    assert (head.length, head.chunked, head.will_close) == (0, False, False)


def test_no_chunks_are_read_after_a_204() -> None:
    """A 204 that says chunked has no body: the next bytes are the next answer's."""
    data = b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"
    ours = BudgetedResponse(_Socket(data), method="GET")  # type: ignore[arg-type]
    ours.begin()
    assert ours.read() == b""
    theirs = http.client.HTTPResponse(_Socket(data), method="GET")  # type: ignore[arg-type]
    theirs.begin()
    with pytest.raises(http.client.IncompleteRead):  # http.client waits for a chunk
        theirs.read()


@pytest.mark.parametrize(
    ("fields", "will_close"),
    [
        (b"", True),
        (b"Connection: keep-alive\r\n", False),
        (b"Connection: Keep-Alive, foo\r\n", False),
        (b"Keep-Alive: timeout=5\r\n", False),
        (b"Keep-Alive:\r\n", True),  # an empty Keep-Alive field asks for nothing
        (b"Proxy-Connection: keep-alive\r\n", False),
        (b"Connection: close\r\n", True),
    ],
)
def test_http10_keeps_the_connection_only_when_asked(fields: bytes, will_close: bool) -> None:
    head = _head(b"HTTP/1.0 200 OK\r\n" + fields + b"Content-Length: 0\r\n\r\n")
    assert head.will_close is will_close


def test_proxy_connection_does_not_count_in_http11() -> None:
    head = _head(b"HTTP/1.1 200 OK\r\nProxy-Connection: close\r\nContent-Length: 0\r\n\r\n")
    assert head.will_close is False
