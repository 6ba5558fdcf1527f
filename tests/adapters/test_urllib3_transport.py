"""Urllib3Transport specifics: the exception mapping, lazy import, an injected pool."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

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
