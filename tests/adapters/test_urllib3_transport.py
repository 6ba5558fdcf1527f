"""Urllib3Transport specifics: the exception mapping, lazy import, an injected pool."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import urllib3
from urllib3 import exceptions as u3

from pusher_core.adapters._errors import map_exceptions
from pusher_core.adapters.urllib3_transport import Urllib3Transport, urllib3_exception_mapping
from pusher_core.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ReadTimeoutError,
    TLSError,
    TransportError,
)
from pusher_core.transport import HttpRequest

if TYPE_CHECKING:
    from .conftest import RequestFactory, Servers

_REQUEST = HttpRequest(
    method="POST",
    scheme="https",
    host="api-mt1.pusher.com",
    port=443,
    path="/apps/1/events",
    query=(("auth_key", "k"), ("auth_signature", "ab" * 32)),
    body=b"{}",
)


def _pool() -> urllib3.HTTPConnectionPool:
    return urllib3.HTTPConnectionPool("127.0.0.1", 1)


def _connection() -> urllib3.connection.HTTPConnection:
    return urllib3.connection.HTTPConnection("127.0.0.1", 1)


_CASES: list[tuple[Callable[[], BaseException], type[TransportError]]] = [
    (lambda: u3.NewConnectionError(_connection(), "refused"), ConnectionFailedError),
    (
        lambda: u3.NameResolutionError("nowhere.invalid", _connection(), socket.gaierror(-2, "x")),
        ConnectionFailedError,
    ),
    (lambda: u3.ConnectTimeoutError("connect timed out"), ConnectTimeoutError),
    (lambda: u3.ReadTimeoutError(_pool(), "/apps/1/events", "read timed out"), ReadTimeoutError),
    (lambda: u3.SSLError("certificate verify failed"), TLSError),
    (lambda: u3.ProxyError("Unable to connect to proxy", OSError("x")), ConnectionFailedError),
    (
        lambda: u3.ProtocolError("Connection aborted.", http.client.RemoteDisconnected("x")),
        ConnectionDroppedError,
    ),
    (lambda: u3.IncompleteRead(10, 90), ConnectionDroppedError),
    (lambda: u3.DecodeError("bad gzip"), TransportError),
    (lambda: u3.LocationValueError("no host"), TransportError),
    (lambda: u3.EmptyPoolError(_pool(), "pool empty"), TransportError),
    (lambda: u3.HTTPError("anything else"), TransportError),
]


@pytest.mark.parametrize(("make", "expected"), _CASES)
def test_urllib3_exceptions_are_mapped(
    make: Callable[[], BaseException], expected: type[TransportError]
) -> None:
    """Each urllib3 exception becomes exactly the documented TransportError."""
    original = make()
    with (
        pytest.raises(TransportError) as excinfo,
        map_exceptions(urllib3_exception_mapping(), _REQUEST),
    ):
        raise original
    assert type(excinfo.value) is expected
    assert excinfo.value.request is _REQUEST
    assert excinfo.value.__cause__ is original
    assert type(original).__name__ in str(excinfo.value)


def test_importing_adapters_does_not_load_urllib3() -> None:
    """Importing pusher_core, its adapters, the stdlib transport and replay leaves urllib3 out."""
    code = (
        "import sys, pusher_core, pusher_core.adapters\n"
        "import pusher_core.adapters.urllib_transport, pusher_core.adapters.replay\n"
        "import pusher_core.adapters.urllib3_transport\n"
        "assert 'urllib3' not in sys.modules, 'urllib3 was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_an_injected_pool_is_used_and_left_open(
    make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """`pool=` is used as is; close() leaves the caller's pool alone."""
    with urllib3.PoolManager() as pool:
        with Urllib3Transport(pool) as transport:
            assert transport.send(make_request(f"echo/{tag}")).status == 200
        assert len(pool.pools) == 1  # still holds the connection pool
        assert Urllib3Transport(pool).send(make_request(f"echo/{tag}")).status == 200
    assert len({item.client_port for item in servers.seen(tag)}) == 1


def test_pool_options_conflict_with_an_injected_pool() -> None:
    """Pool options are refused next to `pool=`, naming the option."""
    with urllib3.PoolManager() as pool:
        with pytest.raises(InvalidArgumentError) as excinfo:
            Urllib3Transport(pool, proxy_url="http://127.0.0.1:3128")
        assert excinfo.value.argument == "proxy_url"
    with pytest.raises(InvalidArgumentTypeError) as type_info:
        Urllib3Transport("not a pool")  # type: ignore[arg-type]
    assert type_info.value.argument == "pool"


def test_bad_proxy_url_names_the_argument() -> None:
    """An unusable proxy URL is refused at construction."""
    with pytest.raises(InvalidArgumentError) as excinfo:
        Urllib3Transport(proxy_url="ftp://127.0.0.1:21")
    assert excinfo.value.argument == "proxy_url"


def _classified(
    transport: Urllib3Transport, exc: BaseException, *, wrote: bool
) -> tuple[type[TransportError], bool, str] | None:
    error = transport._error(exc, _REQUEST, None, wrote)
    return None if error is None else (type(error), error.sent, error.message)


@pytest.mark.parametrize(
    ("make", "wrote", "expected", "sent"),
    [
        (
            lambda: u3.ProtocolError("aborted", http.client.RemoteDisconnected("x")),
            True,
            ConnectionDroppedError,
            True,
        ),
        (
            lambda: u3.ProtocolError("aborted", ConnectionResetError(104, "reset")),
            False,
            ConnectionFailedError,
            False,
        ),
        (
            lambda: u3.ProtocolError("aborted", http.client.BadStatusLine("HELLO")),
            True,
            TransportError,
            True,
        ),
        (lambda: u3.SSLError(ssl.SSLEOFError(8, "EOF")), True, ConnectionDroppedError, True),
        (lambda: u3.SSLError(ssl.SSLError(1, "bad record mac")), True, TLSError, True),
        (lambda: u3.SSLError(ssl.SSLCertVerificationError(1, "verify")), False, TLSError, False),
        (lambda: u3.ReadTimeoutError(_pool(), "/", "tunnel"), False, ConnectTimeoutError, False),
        (lambda: u3.ReadTimeoutError(_pool(), "/", "read"), True, ReadTimeoutError, True),
        (
            lambda: u3.NewConnectionError(_connection(), "refused"),
            False,
            ConnectionFailedError,
            False,
        ),
        (lambda: TimeoutError("deadline"), False, ConnectTimeoutError, False),
    ],
)
def test_own_pool_errors_are_classified_by_phase(
    make: Callable[[], BaseException], wrote: bool, expected: type[TransportError], sent: bool
) -> None:
    """What urllib3 wraps is classified as the stdlib transport would, before or after the write."""
    with Urllib3Transport() as transport:
        classified = _classified(transport, make(), wrote=wrote)
    assert classified is not None
    assert classified[:2] == (expected, sent)
    assert ("while connecting" if not sent else "after connecting") in classified[2]


@pytest.mark.parametrize(
    ("make", "expected", "sent"),
    [
        (lambda: u3.NewConnectionError(_connection(), "refused"), ConnectionFailedError, False),
        (lambda: u3.ConnectTimeoutError("slow"), ConnectTimeoutError, False),
        (lambda: u3.SSLError(ssl.SSLCertVerificationError(1, "verify")), TLSError, False),
        (lambda: u3.SSLError(ssl.SSLEOFError(8, "EOF")), ConnectionDroppedError, True),
        (lambda: u3.ReadTimeoutError(_pool(), "/", "read"), ReadTimeoutError, True),
    ],
)
def test_a_callers_pool_reports_sent_conservatively(
    make: Callable[[], BaseException], expected: type[TransportError], sent: bool
) -> None:
    """With a caller's pool the write is unseen: only sure pre-connect errors count as unsent."""
    with urllib3.PoolManager() as pool:
        classified = _classified(Urllib3Transport(pool), make(), wrote=False)
    assert classified is not None
    assert classified[:2] == (expected, sent)


def test_foreign_and_own_errors_pass_through() -> None:
    """Our own errors are never wrapped twice; unrelated exceptions are bugs and stay visible."""
    with Urllib3Transport() as transport:
        assert _classified(transport, TransportError("ours", _REQUEST), wrote=True) is None
        assert _classified(transport, KeyError("bug"), wrote=True) is None


def test_a_callers_pool_is_cleared_in_a_forked_child(
    make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """In a child the caller's manager drops the parent's connections before its first use."""
    with urllib3.PoolManager() as pool:
        transport = Urllib3Transport(pool)
        assert transport.send(make_request(f"echo/{tag}")).status == 200
        transport._after_fork_in_child()  # what os.fork() runs in the child
        assert transport.send(make_request(f"echo/{tag}")).status == 200
        assert transport.send(make_request(f"echo/{tag}")).status == 200
    ports = [item.client_port for item in servers.seen(tag)]
    assert ports[0] != ports[1]  # the inherited connection was not used
    assert ports[1] == ports[2]  # and the caller's pool works as before


def test_own_pool_is_replaced_in_a_forked_child(
    make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """In a child the transport's own manager is replaced by a fresh one."""
    with Urllib3Transport() as transport:
        assert transport.send(make_request(f"echo/{tag}")).status == 200
        inherited = transport._pool
        transport._after_fork_in_child()
        assert transport._pool is not inherited
        assert transport.send(make_request(f"echo/{tag}")).status == 200
        inherited.clear()  # in a real child, _close_inherited closes the copies
    ports = [item.client_port for item in servers.seen(tag)]
    assert ports[0] != ports[1]


def test_a_held_body_never_rides_on_a_proxy_connect() -> None:
    """Writes while connecting (a tunnel's CONNECT) go out alone; the body waits for the head."""
    from pusher_core.adapters.urllib3_transport import _pool_classes

    conn: Any = _pool_classes()["http"].ConnectionCls("127.0.0.1", 9)
    client, peer = socket.socketpair()
    client.settimeout(5)
    conn.sock = client  # connected, as far as send can tell
    try:
        assert conn.hold_body(b"body") is None
        conn._connecting = True
        conn.send(b"CONNECT h:443 HTTP/1.1\r\n\r\n")
        conn._connecting = False
        conn.send(b"POST / HTTP/1.1\r\n\r\n")
        client.close()
        received = b"".join(iter(lambda: peer.recv(4096), b""))
    finally:
        client.close()
        peer.close()
    assert received == b"CONNECT h:443 HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\n\r\nbody"
