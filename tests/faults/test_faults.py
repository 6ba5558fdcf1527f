"""Both transports against each fault: the error (or answer), the time, the copies, what next.

Every case asserts the exception type and `sent` (or the response), the elapsed
time against the timeout or deadline (plus `SLACK` for a loaded machine), how
many copies of the request the server received (exactly one for a POST that
reached it, never more), and, inside `Harness.run`, that the next call on the
same transport succeeds.
"""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
import urllib3

import pusher_core.adapters.urllib_transport as urllib_module
from pusher_core.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ResponseTooLargeError,
    TransportError,
    TransportTimeoutError,
)

from .conftest import CONNECT_TIMEOUT, READ_TIMEOUT, SLACK, Harness, Scheme
from .servers import TRICKLE_EVERY, SilentServer, full_backlog, gzip_bomb, refused_port

# --- no connection ------------------------------------------------------------------------


def test_refused(harness: Harness) -> None:
    """Nothing listening: ConnectionFailedError (sent=False) at once."""
    transport = harness.transport()
    with refused_port() as port:
        run = harness.run(
            "connection refused", transport, harness.request("ok", port=port), counted=False
        )
    run.raised(ConnectionFailedError, sent=False)
    assert run.seconds < SLACK


def test_connect_timeout(harness: Harness) -> None:
    """A SYN nobody answers (full listen queue): ConnectTimeoutError naming the connect timeout."""
    transport = harness.transport(read_timeout=5)
    with full_backlog() as port:
        run = harness.run(
            "connect timeout (full backlog)",
            transport,
            harness.request("ok", port=port),
            counted=False,
        )
    error = run.raised(ConnectTimeoutError, sent=False)
    assert f"connect timeout {CONNECT_TIMEOUT:g} s" in str(error)
    assert CONNECT_TIMEOUT - 0.05 <= run.seconds < CONNECT_TIMEOUT + SLACK


def test_connect_cut_by_the_deadline(harness: Harness) -> None:
    """A deadline shorter than the connect timeout cuts connecting, and says so."""
    transport = harness.transport(connect_timeout=5, read_timeout=5)
    with full_backlog() as port:
        run = harness.run(
            "connect timeout cut by a 0.6 s deadline",
            transport,
            harness.request("ok", port=port),
            deadline=0.6,
            counted=False,
        )
    error = run.raised(ConnectTimeoutError, sent=False)
    assert "total deadline 0.6 s" in str(error)
    assert 0.55 <= run.seconds < 0.6 + SLACK


def test_tls_handshake_stall(harness: Harness) -> None:
    """A TCP server that never answers the ClientHello: ConnectTimeoutError, the connect timeout."""
    transport = harness.transport(connect_timeout=CONNECT_TIMEOUT, read_timeout=3)
    silent = SilentServer()
    try:
        run = harness.run(
            "TLS handshake stall",
            transport,
            harness.request("ok", scheme="https", port=silent.port),
            counted=False,
        )
    finally:
        silent.stop()
    error = run.raised(ConnectTimeoutError, sent=False)
    assert f"connect timeout {CONNECT_TIMEOUT:g} s" in str(error)
    assert CONNECT_TIMEOUT - 0.05 <= run.seconds < CONNECT_TIMEOUT + SLACK  # not the 3 s read


def test_deadline_already_passed(harness: Harness) -> None:
    """A deadline in the past: TransportTimeoutError (sent=False), nothing reaches the server."""
    transport = harness.transport()
    harness.warm(transport)
    run = harness.run(
        "deadline passed before sending", transport, harness.request("ok"), deadline=-0.1
    )
    error = run.raised(TransportTimeoutError, sent=False)
    assert "total deadline" in str(error)
    assert run.copies == 0
    assert run.seconds < SLACK


# --- no answer ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("reused", [False, True], ids=["new", "reused"])
@pytest.mark.parametrize("how", ["close", "reset"])
def test_hang_up_without_answer(harness: Harness, how: str, reused: bool, scheme: Scheme) -> None:
    """The server read the POST, then closed or reset: ConnectionDroppedError (sent), one copy."""
    transport = harness.transport()
    warm = harness.warm(transport, scheme) if reused else None
    request = harness.request(how, scheme=scheme)
    connection = "reused" if reused else "new"
    run = harness.run(f"{how} without answer, {connection} {scheme} connection", transport, request)
    run.raised(ConnectionDroppedError, sent=True)
    assert run.copies == 1
    (received,) = harness.server(scheme).received(request.path)
    if warm is not None:  # it really was the pooled connection
        assert (received.connection, received.index) == (warm, 1)
    else:
        assert received.index == 0
    assert run.seconds < SLACK


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_stale_pooled_connection_is_never_resent(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, scheme: Scheme
) -> None:
    """The idle-close race lost on purpose (poll disabled): raised with sent=True, never resent."""
    monkeypatch.setattr(urllib_module, "_is_dropped", lambda _conn: False)
    monkeypatch.setattr(urllib3.connectionpool, "is_connection_dropped", lambda _conn: False)
    transport = harness.transport()
    transport.send(harness.request("idle-close", scheme=scheme))
    time.sleep(0.1)  # the server's FIN arrives on the idle pooled connection
    request = harness.request("ok", scheme=scheme)
    run = harness.run(f"write on a connection the server closed ({scheme})", transport, request)
    run.raised(ConnectionDroppedError, sent=True)
    assert run.copies == 0  # it never arrived; and nothing resent it behind the caller's back


@pytest.mark.parametrize(
    ("route", "fault"),
    [
        # Headers and 10 of 100 body bytes, then RST.
        ("reset-mid", "reset mid-response"),
        # Content-Length 100, 10 bytes, FIN.
        ("truncated", "truncated body (FIN)"),
        # FIN before the head's blank line, no Content-Length: `http.client` alone
        # takes the FIN for the end of the head and of a close-delimited body, and
        # returns a 200 with no body.
        ("cut-head", "head cut (FIN)"),
    ],
)
def test_answer_cut_short(harness: Harness, route: str, fault: str) -> None:
    """The connection ends before a full answer: ConnectionDroppedError (sent), one copy."""
    transport = harness.transport()
    run = harness.run(fault, transport, harness.request(route))
    run.raised(ConnectionDroppedError, sent=True)
    assert run.copies == 1


def test_garbage_status_line(harness: Harness) -> None:
    """A status line that is not HTTP: TransportError itself (sent), one copy."""
    transport = harness.transport()
    run = harness.run("garbage status line", transport, harness.request("garbage"))
    run.raised(TransportError, sent=True)
    assert run.copies == 1


def test_bad_header_line(harness: Harness) -> None:
    """A header line that is not `name: value`: TransportError (sent), one copy.

    `http.client` alone would drop that line and every field after it, so the
    body would lose its Content-Length.
    """
    transport = harness.transport()
    run = harness.run("bad header line", transport, harness.request("bad-field"))
    error = run.raised(TransportError, sent=True)
    assert "not a field" in str(error)
    assert run.copies == 1


def test_interim_answer_is_skipped(harness: Harness) -> None:
    """A 103 before the answer is read past; the 200 after it is returned."""
    transport = harness.transport()
    run = harness.run("103 Early Hints, then 200", transport, harness.request("interim"))
    response = run.answered(200)
    assert response.body == b"{}"
    assert response.header("Link") is None  # the interim head's fields are not the answer's
    assert run.copies == 1


def test_folded_header_is_joined(harness: Harness) -> None:
    """An obsolete folded value comes back on one line, joined with a space."""
    transport = harness.transport()
    run = harness.run("folded header value", transport, harness.request("folded"))
    response = run.answered(200)
    assert response.header("X-Folded") == "one two"
    assert response.body == b"{}"


# --- slow answers --------------------------------------------------------------------------------


def test_stall_after_headers(harness: Harness) -> None:
    """Headers, then silence: ReadTimeoutError naming the read timeout, after it."""
    transport = harness.transport(read_timeout=READ_TIMEOUT)
    run = harness.run("stall after headers", transport, harness.request("stall"))
    error = run.raised(ReadTimeoutError, sent=True)
    assert f"read timeout {READ_TIMEOUT:g} s" in str(error)
    assert READ_TIMEOUT - 0.05 <= run.seconds < READ_TIMEOUT + SLACK
    assert run.copies == 1


@pytest.mark.parametrize("route", ["trickle", "trickle-head"])
def test_trickle_is_cut_at_the_deadline(harness: Harness, route: str) -> None:
    """One byte every 0.5 s (body, or the status line itself) is cut at the 1.2 s deadline."""
    transport = harness.transport(read_timeout=4 * TRICKLE_EVERY)  # never fires on its own
    where = "body" if route == "trickle" else "status line"
    run = harness.run(
        f"trickle ({where}), 1.2 s deadline",
        transport,
        harness.request(route),
        deadline=1.2,
    )
    error = run.raised(ReadTimeoutError, sent=True)
    assert "total deadline 1.2 s" in str(error)
    assert 1.15 <= run.seconds < 1.2 + SLACK
    assert run.copies == 1


# --- size ----------------------------------------------------------------------------------------


def test_content_length_over_the_cap(harness: Harness) -> None:
    """A Content-Length above max_response_bytes fails before the body is read."""
    transport = harness.transport(read_timeout=3)  # reading the body would take this long
    run = harness.run("Content-Length over the cap", transport, harness.request("oversize"))
    error = run.raised(ResponseTooLargeError, sent=True)
    assert "max_response_bytes=4194304" in str(error)
    assert run.seconds < 1.0
    assert run.copies == 1


@pytest.mark.parametrize("route", ["oversize-chunked", "oversize-close"])
def test_endless_body_stops_at_the_cap(harness: Harness, route: str) -> None:
    """A chunked or close-delimited body without end stops at max_response_bytes."""
    transport = harness.transport(max_response_bytes=256 * 1024)
    framing = "chunked" if route == "oversize-chunked" else "close-delimited"
    run = harness.run(f"endless {framing} body, 256 KiB cap", transport, harness.request(route))
    error = run.raised(ResponseTooLargeError, sent=True)
    assert "max_response_bytes=262144" in str(error)
    assert run.seconds < SLACK
    assert run.copies == 1


def test_gzip_bomb_is_returned_compressed(harness: Harness) -> None:
    """Content-Encoding: gzip is not unpacked: the 127 KB arrive as sent, memory stays small."""
    bomb = gzip_bomb()
    transport = harness.transport()
    harness.warm(transport)
    tracemalloc.start()
    try:
        run = harness.run("gzip bomb (127 KB -> 128 MiB)", transport, harness.request("gzip-bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    response = run.answered(200)
    assert response.body == bomb
    assert response.header("Content-Encoding") == "gzip"
    assert peak < 8 * 1024 * 1024  # unpacking would need 128 MiB
    assert run.copies == 1


def test_no_compression_is_asked_for(harness: Harness) -> None:
    """Requests say Accept-Encoding: identity (http.client's default) and nothing else."""
    transport = harness.transport()
    request = harness.request("ok")
    harness.run("request headers (no gzip asked)", transport, request)
    (received,) = harness.plain.received(request.path)
    assert received.header("Accept-Encoding") == "identity"


# --- answers that are data -------------------------------------------------------------------


def test_not_json(harness: Harness) -> None:
    """An HTML 200 is returned as it came: transports do not parse bodies."""
    transport = harness.transport()
    run = harness.run("non-JSON 200", transport, harness.request("not-json"))
    response = run.answered(200)
    assert response.body.startswith(b"<html>")
    assert run.copies == 1


@pytest.mark.parametrize("retry_after", [False, True], ids=["plain", "retry-after"])
@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 429, 500, 502, 503, 504])
def test_error_status_is_returned(harness: Harness, status: int, retry_after: bool) -> None:
    """Every error status comes back as an HttpResponse (Retry-After kept), sent once."""
    transport = harness.transport()
    route = f"status-{status}-retry" if retry_after else f"status-{status}"
    label = f"HTTP {status}" + (" with Retry-After" if retry_after else "")
    run = harness.run(label, transport, harness.request(route))
    response = run.answered(status)
    assert response.header("Retry-After") == ("7" if retry_after else None)
    assert json.loads(response.body)["error"]
    assert run.copies == 1
    assert run.seconds < SLACK


@pytest.mark.parametrize("status", [301, 302, 307])
def test_redirect_is_returned_not_followed(harness: Harness, status: int) -> None:
    """A redirect is the answer: returned with its Location, the target never requested."""
    transport = harness.transport()
    request = harness.request(f"redirect-{status}")
    run = harness.run(f"redirect {status}", transport, request)
    response = run.answered(status)
    target = request.path.rsplit("/", 1)[0] + "/redirect-target"
    assert response.header("Location") == target
    assert harness.plain.copies(target) == 0
    assert run.copies == 1


def test_chunked_answer_keeps_the_connection(harness: Harness) -> None:
    """A chunked answer is read whole and its connection is reused for the next call."""
    transport = harness.transport()
    request = harness.request("chunked")
    run = harness.run("chunked answer", transport, request)
    assert json.loads(run.answered(200).body)["body"] == request.body.decode()
    (received,) = harness.plain.received(request.path)
    (after,) = harness.plain.received(request.path.rsplit("/", 1)[0] + "/after")
    assert (after.connection, after.index) == (received.connection, received.index + 1)


@pytest.mark.parametrize("route", ["http10", "conn-close"])
def test_closing_answers_are_read_then_reconnected(harness: Harness, route: str) -> None:
    """HTTP/1.0 and `Connection: close` answers are read whole; the next call reconnects."""
    transport = harness.transport()
    request = harness.request(route)
    label = "HTTP/1.0 answer" if route == "http10" else "Connection: close answer"
    run = harness.run(label, transport, request)
    assert run.answered(200).body.startswith(b'{"v":')
    (received,) = harness.plain.received(request.path)
    (after,) = harness.plain.received(request.path.rsplit("/", 1)[0] + "/after")
    assert after.connection != received.connection
    assert after.index == 0


def test_stray_bytes_discard_the_idle_connection(harness: Harness) -> None:
    """Bytes nobody asked for on an idle pooled connection: it is dropped before any write."""
    transport = harness.transport()
    warm = harness.warm(transport)
    harness.plain.push(warm, b"XYZ")  # after the answer was read: the connection is idle
    time.sleep(0.1)  # the bytes arrive
    request = harness.request("ok")
    run = harness.run("stray bytes on the idle connection", transport, request)
    run.answered(200)
    (received,) = harness.plain.received(request.path)
    assert received.connection != warm  # a new connection; the polluted one was never used
    assert run.copies == 1
