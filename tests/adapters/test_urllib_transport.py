"""UrllibTransport specifics: stdlib only, the stale-connection rule, error phases, the pool."""

from __future__ import annotations

import ast
import http.client
import select
import socket
import ssl
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

import pusher_core.adapters.urllib_transport as module
from pusher_core.adapters._coalesce import COALESCE_MAX
from pusher_core.adapters._errors import translate
from pusher_core.adapters.urllib_transport import UrllibTransport, make_ssl_context
from pusher_core.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    InvalidArgumentError,
    ReadTimeoutError,
    TLSError,
    TransportError,
)
from pusher_core.transport import HttpRequest

if TYPE_CHECKING:
    from .conftest import RequestFactory, Servers

module_is_dropped = module._is_dropped
_REQUEST = HttpRequest(method="GET", scheme="http", host="127.0.0.1", port=1, path="/apps/1/x")


def _idle_connections(transport: UrllibTransport) -> list[http.client.HTTPConnection]:
    return [conn for conns in transport._idle.values() for conn in conns]


def _wait_until_closed_by_server(conn: http.client.HTTPConnection) -> None:
    assert conn.sock is not None
    readable, _, _ = select.select([conn.sock], [], [], 5.0)
    assert readable, "the server did not close the connection"


def test_only_the_standard_library_is_imported() -> None:
    """The module imports nothing but the stdlib, pusher_core and adapters."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    third_party = roots - set(sys.stdlib_module_names) - {"adapters", "pusher_core", "__future__"}
    assert third_party <= {"certifi", "typing_extensions"}  # optional / type-checking only


def test_idle_close_is_detected_before_reuse(
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule 1: a pooled connection the server closed is discarded before anything is written."""
    polled: list[bool] = []

    def spy(conn: module._Connection) -> bool:
        polled.append(dropped := module_is_dropped(conn))
        return dropped

    monkeypatch.setattr(module, "_is_dropped", spy)
    with UrllibTransport() as transport:
        transport.send(make_request(f"close-after/{tag}"))
        (conn,) = _idle_connections(transport)
        _wait_until_closed_by_server(conn)
        assert transport.send(make_request(f"echo/{tag}")).status == 200
    assert polled == [True]
    seen = servers.seen(tag)
    assert len(seen) == 2  # each request sent once
    assert seen[0].client_port != seen[1].client_port


def test_every_reuse_is_polled(
    make_request: RequestFactory, monkeypatch: pytest.MonkeyPatch, tag: str
) -> None:
    """Rule 1 holds for hot connections too: each reuse is polled before writing."""
    polled: list[http.client.HTTPConnection] = []

    def spy(conn: http.client.HTTPConnection) -> bool:
        polled.append(conn)
        return False

    monkeypatch.setattr(module, "_is_dropped", spy)
    with UrllibTransport() as transport:
        for _ in range(3):
            transport.send(make_request(f"echo/{tag}"))
    assert len(polled) == 2  # the first request opened the connection
    assert polled[0] is polled[1]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_stale_connection_race_raises_and_is_not_resent(
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    monkeypatch: pytest.MonkeyPatch,
    scheme: Literal["http", "https"],
) -> None:
    """Rule 2: a reused connection found closed only when written to raises (sent); no resend."""
    monkeypatch.setattr(module, "_is_dropped", lambda _conn: False)  # lose the race on purpose
    with UrllibTransport(ca_certs=servers.cert) as transport:
        transport.send(make_request(f"close-after/{tag}", scheme=scheme))
        (conn,) = _idle_connections(transport)
        _wait_until_closed_by_server(conn)
        request = make_request(f"echo/{tag}", scheme=scheme)
        with pytest.raises(ConnectionDroppedError) as excinfo:
            transport.send(request)
        assert excinfo.value.request is request
        assert excinfo.value.sent is True
        assert transport.send(make_request(f"echo/{tag}", scheme=scheme)).status == 200
    seen = servers.seen(tag)
    assert len(seen) == 2  # close-after, then the next call; the failed one never arrived
    assert seen[0].client_port != seen[1].client_port


def test_reused_connection_hangup_is_raised_not_resent(
    make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """Rule 2: the server read the request on a reused connection and hung up: raised, sent once."""
    request = make_request(f"hangup/{tag}")
    with UrllibTransport() as transport:
        transport.send(make_request(f"echo/{tag}"))
        with pytest.raises(ConnectionDroppedError) as excinfo:
            transport.send(request)
    assert excinfo.value.request is request
    assert excinfo.value.sent is True
    hangups = [item for item in servers.seen(tag) if "/hangup/" in item.target]
    assert len(hangups) == 1
    echoes = [item for item in servers.seen(tag) if "/echo/" in item.target]
    assert hangups[0].client_port == echoes[0].client_port  # it was the reused connection


def test_timeouts_are_never_resent(
    make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """Rule 3: a read timeout on a reused connection raises; the request was sent once."""
    with UrllibTransport(read_timeout=0.2) as transport:
        transport.send(make_request(f"echo/{tag}"))
        with pytest.raises(ReadTimeoutError):
            transport.send(make_request(f"slow/{tag}"))
    assert len([item for item in servers.seen(tag) if "/slow/" in item.target]) == 1


def test_connection_close_is_not_pooled(make_request: RequestFactory, tag: str) -> None:
    """A response with `Connection: close` leaves nothing in the pool."""
    with UrllibTransport() as transport:
        transport.send(make_request(f"close-header/{tag}"))
        assert _idle_connections(transport) == []
        transport.send(make_request(f"echo/{tag}"))
        assert len(_idle_connections(transport)) == 1


def test_pool_keeps_at_most_pool_maxsize_idle(make_request: RequestFactory, tag: str) -> None:
    """Connections beyond pool_maxsize are closed when returned."""
    start = threading.Barrier(4)

    def work(transport: UrllibTransport) -> None:
        start.wait()
        for _ in range(5):
            transport.send(make_request(f"echo/{tag}"))

    with UrllibTransport(pool_maxsize=2) as transport:
        threads = [threading.Thread(target=work, args=(transport,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 1 <= len(_idle_connections(transport)) <= 2
    assert _idle_connections(transport) == []


def test_connect_phase_errors_are_connect_errors() -> None:
    """While connecting: timeouts, TLS failures and refusals map to connect-phase errors."""
    cases: list[tuple[BaseException, type[TransportError]]] = [
        (TimeoutError("timed out"), ConnectTimeoutError),
        (ssl.SSLCertVerificationError("certificate verify failed"), TLSError),
        (ssl.SSLError("handshake failure"), TLSError),
        (ConnectionRefusedError(111, "refused"), ConnectionFailedError),
        (socket.gaierror(-2, "Name or service not known"), ConnectionFailedError),
        (OSError("Tunnel connection failed: 407"), ConnectionFailedError),
    ]
    for exc, expected in cases:
        error = translate(exc, module._CONNECT_ERRORS, _REQUEST)
        assert type(error) is expected, exc


def test_exchange_phase_errors_are_response_errors() -> None:
    """Once connected: timeouts are read timeouts, closes are drops, garbage is a TransportError."""
    cases: list[tuple[BaseException, type[TransportError]]] = [
        (TimeoutError("timed out"), ReadTimeoutError),
        (http.client.RemoteDisconnected("closed"), ConnectionDroppedError),
        (http.client.IncompleteRead(b"x", 9), ConnectionDroppedError),
        (ConnectionResetError(104, "reset"), ConnectionDroppedError),
        (BrokenPipeError(32, "pipe"), ConnectionDroppedError),
        (ssl.SSLEOFError("EOF"), ConnectionDroppedError),
        (ssl.SSLError("bad record mac"), TLSError),
        (http.client.BadStatusLine("garbage"), TransportError),
    ]
    for exc, expected in cases:
        error = translate(exc, module._EXCHANGE_ERRORS, _REQUEST)
        assert type(error) is expected, exc


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1:3128", "socks5://127.0.0.1:1080", "http://", "http://127.0.0.1:99999"],
)
def test_only_http_proxies_are_accepted(url: str) -> None:
    """proxy_url must be an http:// proxy with a host (CONNECT tunnels https through it)."""
    with pytest.raises(InvalidArgumentError) as excinfo:
        UrllibTransport(proxy_url=url)
    assert excinfo.value.argument == "proxy_url"


def test_proxy_credentials_become_a_basic_header() -> None:
    """user:password in the proxy URL is sent as Proxy-Authorization (decoded first)."""
    host, port, headers = module._parse_proxy("http://us%40er:p%3Ass@127.0.0.1:3128")
    assert (host, port) == ("127.0.0.1", 3128)
    assert headers == {"Proxy-Authorization": "Basic dXNAZXI6cDpzcw=="}


def test_default_ssl_context_is_shared_and_verifying() -> None:
    """The default context verifies certificates and host names, and is built once."""
    context = make_ssl_context()
    assert context is make_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def _written_by(send: Callable[[int], object]) -> bytes:
    """The bytes of the one request `send(port)` writes to a fresh local server
    (the port itself, in the Host header, replaced by `PORT`)."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            while len(rest) < length:
                rest += conn.recv(65536)
            received.append(data[: len(head) + 4] + rest)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")

    port = listener.getsockname()[1]
    server = threading.Thread(target=serve)
    server.start()
    try:
        send(port)
    finally:
        server.join(5)
        listener.close()
    (data,) = received
    return data.replace(b":%d\r\n" % port, b":PORT\r\n")


@pytest.mark.parametrize(
    ("method", "headers", "body"),
    [
        ("POST", (("X-Pusher-Library", "x"), ("Content-Type", "application/json")), b"{}"),
        ("GET", (("X-A", "1"), ("Host", "example.com"), ("x-a", "2")), b""),
        ("POST", (), b""),
        ("PUT", (("Accept-Encoding", "gzip"),), b"y" * (COALESCE_MAX + 1)),
        ("POST", (("Content-Length", "3"),), b"abc"),
    ],
)
def test_requests_are_written_exactly_as_http_client_writes_them(
    method: str, headers: tuple[tuple[str, str], ...], body: bytes
) -> None:
    """The head is built with http.client's own calls: same bytes as `conn.request`."""

    def request(port: int) -> HttpRequest:
        return HttpRequest(
            method=method,
            scheme="http",
            host="127.0.0.1",
            port=port,
            path="/apps/1/x",
            query=(("a", "b c"),),
            headers=headers,
            body=body,
        )

    def by_http_client(port: int) -> None:
        value = request(port)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request(value.method, value.target, value.body or None, dict(value.headers))
        conn.getresponse().read()
        conn.close()

    def by_transport(port: int) -> None:
        with UrllibTransport() as transport:
            transport.send(request(port))

    assert _written_by(by_transport) == _written_by(by_http_client)


def test_threads_sharing_a_transport_reuse_at_most_pool_maxsize_connections(
    make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """8 threads x 50 requests on one transport: connections are reused, never more than
    pool_maxsize are opened, and at most pool_maxsize stay idle."""
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(transport: UrllibTransport) -> None:
        start.wait()
        try:
            for _ in range(50):
                assert transport.send(make_request(f"echo/{tag}")).status == 200
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with UrllibTransport(pool_maxsize=8) as transport:
        threads = [threading.Thread(target=work, args=(transport,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert 1 <= len(_idle_connections(transport)) <= 8
    seen = servers.seen(tag)
    assert len(seen) == 400
    assert len({item.client_port for item in seen}) <= 8
