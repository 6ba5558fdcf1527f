"""The transport contract, run against both transports and real 127.0.0.1 servers."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import ssl
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import pytest

from pusher_core.adapters._coalesce import COALESCE_MAX, BodyWithHead
from pusher_core.adapters._errors import ExceptionMapping, map_exceptions, translate
from pusher_core.adapters.urllib3_transport import Urllib3Transport
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
from pusher_core.transport import HttpRequest, HttpResponse, Transport

from .conftest import REPEATED_HEADERS

if TYPE_CHECKING:
    from .conftest import RequestFactory, Servers, TransportClass

SECRET = "s3cr3t-never-on-the-wire"  # as in conftest
Echo = Callable[[bytes], dict[str, Any]]


def _check_error(
    excinfo: pytest.ExceptionInfo[TransportError],
    request: HttpRequest,
    expected: type[TransportError],
) -> None:
    """The error is exactly `expected`, keeps the request and its cause, and hides the secret."""
    error = excinfo.value
    assert type(error) is expected
    assert error.request is request
    assert error.__cause__ is not None
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert request.method in str(error)


# --- answers ----------------------------------------------------------------------------


def test_get_reaches_the_server_exactly_as_signed(
    transport_cls: TransportClass, make_request: RequestFactory, tag: str, echo: Echo
) -> None:
    """A GET arrives with its path and query unchanged: the server's signature check passes."""
    request = make_request(
        f"echo/{tag}", method="GET", params={"info": "user_count,subscription_count"}
    )
    with transport_cls() as transport:
        response = transport.send(request)
    assert response.status == 200
    document = echo(response.body)
    assert document["method"] == "GET"
    assert document["path"] == request.path
    assert [tuple(pair) for pair in document["query"]] == list(request.query)
    assert document["verdict"] == "ok"
    assert document["body"] == ""


def test_post_sends_body_and_headers(
    transport_cls: TransportClass, make_request: RequestFactory, tag: str, echo: Echo
) -> None:
    """A POST carries its exact body and the request's headers."""
    body = json.dumps({"name": "é-event", "channels": ["a"], "data": "x" * 50_000}).encode()
    request = make_request(f"echo/{tag}", body=body)
    with transport_cls() as transport:
        response = transport.send(request)
    document = echo(response.body)
    assert document["body"].encode() == body
    headers = {name.lower(): value for name, value in document["headers"]}
    assert headers["content-type"] == "application/json"
    assert headers["x-pusher-library"] == request.header("X-Pusher-Library")
    assert headers["content-length"] == str(len(body))
    assert headers["host"] == f"127.0.0.1:{request.port}"
    assert document["verdict"] == "ok"
    assert response.header("content-type") == "application/json"


def test_encoded_path_and_query_survive_the_wire(
    transport_cls: TransportClass, make_request: RequestFactory, tag: str, echo: Echo
) -> None:
    """Percent-encoded paths and reserved query characters verify on the server."""
    request = make_request(
        f"echo/{tag}", method="GET", params={"filter_by_prefix": "presence-é &=+#?/"}
    )
    with transport_cls() as transport:
        document = echo(transport.send(request).body)
    assert document["verdict"] == "ok"
    assert ["filter_by_prefix", "presence-é &=+#?/"] in document["query"]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 429, 500, 503])
def test_non_2xx_is_returned_not_raised(
    transport_cls: TransportClass, make_request: RequestFactory, status: int
) -> None:
    """Every HTTP answer is data: status, headers and body come back as an HttpResponse."""
    request = make_request(f"status/{status}")
    with transport_cls() as transport:
        response = transport.send(request)
    assert isinstance(response, HttpResponse)
    assert response.status == status
    assert response.body == f"error {status}: from the test server".encode()
    assert response.header("Retry-After") == ("7" if status == 429 else None)
    # The value the public constructor (and its converter) builds from the same parts.
    assert type(response.headers) is tuple
    assert all(type(k) is str and type(v) is str for k, v in response.headers)
    assert response == HttpResponse(
        status=response.status, headers=list(response.headers), body=response.body
    )


def test_response_headers_come_back_as_received(
    transport_cls: TransportClass, make_request: RequestFactory
) -> None:
    """Each header pair as the server sent it: order, letter case and repeats kept."""
    with transport_cls() as transport:
        for _ in range(2):  # a fresh connection, then a reused one
            response = transport.send(make_request("repeated", method="GET"))
            names = {name.lower() for name, _ in REPEATED_HEADERS}
            assert [pair for pair in response.headers if pair[0].lower() in names] == list(
                REPEATED_HEADERS
            )
            assert response.header("link") == "<a>"  # the first of a repeated name


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_one_socket_write_carries_head_and_body(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    monkeypatch: pytest.MonkeyPatch,
    tag: str,
    scheme: Literal["http", "https"],
) -> None:
    """One write per request carries request line, headers and body, in that order.

    Watched at the socket, not at `HTTPConnection.send`: if http.client or urllib3
    changed when or how often they call `send` (`_coalesce.BodyWithHead` appends
    the body to the first call), this sees a second write or a body out of place.
    A plain socket is written with one `os.write` (one system call), TLS with
    `SSLSocket.sendall`.
    """
    writes: list[tuple[str, bytes]] = []
    ports = {servers.http.port, servers.https.port}
    plain_sendall = socket.socket.sendall
    tls_sendall = ssl.SSLSocket.sendall
    os_write = os.write

    def spy_plain(sock: socket.socket, data: bytes, *args: int) -> None:
        if sock.getpeername()[1] in ports:  # the client's end only
            writes.append(("sendall", bytes(data)))
        plain_sendall(sock, data, *args)

    def spy_tls(sock: ssl.SSLSocket, data: bytes, *args: int) -> None:
        if sock.getpeername()[1] in ports:
            writes.append(("tls sendall", bytes(data)))
        tls_sendall(sock, data, *args)

    def spy_write(fd: int, data: bytes) -> int:
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            view = socket.socket(fileno=fd)
            try:
                if view.getpeername()[1] in ports:
                    writes.append(("os.write", bytes(data)))
            finally:
                view.detach()  # the transport's descriptor stays open
        return os_write(fd, data)

    body = b'{"name":"e","channels":["c"],"data":"' + b"x" * 2000 + b'"}'
    with transport_cls(ca_certs=servers.cert) as transport:
        transport.send(make_request(f"echo/{tag}", scheme=scheme))  # connect outside the watch
        monkeypatch.setattr(socket.socket, "sendall", spy_plain)
        monkeypatch.setattr(ssl.SSLSocket, "sendall", spy_tls)
        monkeypatch.setattr(os, "write", spy_write)
        request = make_request(f"echo/{tag}", scheme=scheme, body=body)
        response = transport.send(request)
    assert response.status == 200
    ((call, write),) = writes
    plain_call = "os.write" if os.name == "posix" else "sendall"
    assert call == ("tls sendall" if scheme == "https" else plain_call)
    head, separator, rest = write.partition(b"\r\n\r\n")
    assert head.startswith(f"POST {request.target} HTTP/1.1\r\n".encode())
    assert head.count(b"Content-Length") == 1
    assert f"Content-Length: {len(body)}".encode() in head
    assert separator
    assert rest == body  # the body follows the head in the same write, and nothing else


@pytest.mark.parametrize(
    ("headers", "size"),
    [((), 100), ((), COALESCE_MAX + 1), ((("content-length", "100"),), 100)],
    ids=["small", "large", "framed by the caller"],
)
def test_a_small_body_is_written_with_the_head(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    monkeypatch: pytest.MonkeyPatch,
    tag: str,
    headers: tuple[tuple[str, str], ...],
    size: int,
) -> None:
    """One write for the head and a small body, two for a large one; one Content-Length.

    Counted where the HTTP library hands bytes to the connection (`BodyWithHead.send`,
    which appends a held body; the test above watches the socket itself). A body
    the caller framed goes as urllib3 itself writes it, after the head; the
    stdlib transport writes the caller's head and the body at once.
    """
    sent: list[bytes] = []
    original = BodyWithHead.send

    def spy(self: BodyWithHead, data: bytes) -> None:
        sent.append(bytes(data))
        original(self, data)

    body = b"x" * size
    signed = make_request(f"echo/{tag}", body=body)
    request = attrs.evolve(signed, headers=(*signed.headers, *headers))
    with transport_cls() as transport:
        transport.send(make_request(f"echo/{tag}"))  # connected, so only the request is written
        monkeypatch.setattr(BodyWithHead, "send", spy)
        response = transport.send(request)
    assert response.status == 200
    assert json.loads(response.body)["body"] == body.decode()
    framed_for_urllib3 = bool(headers) and transport_cls is Urllib3Transport
    assert len(sent) == (1 if size <= COALESCE_MAX and not framed_for_urllib3 else 2)
    head = b"".join(sent).partition(b"\r\n\r\n")[0].lower()
    assert head.count(b"content-length") == 1


def test_redirects_are_not_followed(
    transport_cls: TransportClass, make_request: RequestFactory
) -> None:
    """A 302 is returned as is."""
    with transport_cls() as transport:
        response = transport.send(make_request("redirect", method="GET"))
    assert response.status == 302
    assert response.header("Location") == "/apps/1/echo"


def test_binary_bodies_are_bytes(
    transport_cls: TransportClass, make_request: RequestFactory
) -> None:
    """A body that is not UTF-8 comes back byte for byte."""
    with transport_cls() as transport:
        response = transport.send(make_request("binary", method="GET"))
    assert response.body == bytes(range(256))


def test_transports_satisfy_the_port(transport_cls: TransportClass) -> None:
    """Both classes implement the Transport protocol and repr without options leaking."""
    with transport_cls(timeout=2) as transport:
        assert isinstance(transport, Transport)
        assert "timeout=2" in repr(transport)


# --- connections -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_keep_alive_reuses_one_connection(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    scheme: Literal["http", "https"],
) -> None:
    """Three sequential requests share one TCP connection (same client port), HTTPS too."""
    ca_certs = servers.cert if scheme == "https" else None  # None: the default trust store
    with transport_cls(ca_certs=ca_certs) as transport:
        for _ in range(3):
            assert transport.send(make_request(f"echo/{tag}", scheme=scheme)).status == 200
    ports = {item.client_port for item in servers.seen(tag)}
    assert len(servers.seen(tag)) == 3
    assert len(ports) == 1


def test_one_transport_is_safe_across_threads(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    echo: Echo,
) -> None:
    """8 threads x 20 requests on one transport: every answer is the thread's own."""
    failures: list[str] = []
    start = threading.Barrier(8)

    def work(worker: int, transport: Transport) -> None:
        start.wait()
        for i in range(20):
            body = json.dumps({"worker": worker, "i": i}).encode()
            try:
                document = echo(transport.send(make_request(f"echo/{tag}", body=body)).body)
            except Exception as exc:  # reported below, in the test's thread
                failures.append(repr(exc))
                return
            if document["body"].encode() != body:
                failures.append(f"worker {worker} request {i} got {document['body']!r}")

    with transport_cls() as transport:
        threads = [threading.Thread(target=work, args=(n, transport)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    seen = servers.seen(tag)
    assert len(seen) == 160
    assert len({item.client_port for item in seen}) <= 8  # pooled, never one per request


def test_server_closing_the_connection_is_handled(
    transport_cls: TransportClass, make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """`Connection: close` and idle closes by the server cost a reconnect, not an error."""
    with transport_cls() as transport:
        assert transport.send(make_request(f"close-header/{tag}")).status == 200
        assert transport.send(make_request(f"close-after/{tag}")).status == 200
        time.sleep(0.05)  # let the server's close arrive
        assert transport.send(make_request(f"close-header/{tag}")).status == 200
    seen = servers.seen(tag)
    assert len(seen) == 3  # nothing was sent twice
    assert len({item.client_port for item in seen}) == 3


def test_transport_recovers_after_an_error(
    transport_cls: TransportClass, make_request: RequestFactory, tag: str
) -> None:
    """A failed connection is not reused: the next request works."""
    with transport_cls(read_timeout=0.2) as transport:
        with pytest.raises(ReadTimeoutError):
            transport.send(make_request(f"slow/{tag}"))
        assert transport.send(make_request(f"echo/{tag}")).status == 200


def test_close_keeps_the_transport_usable(
    transport_cls: TransportClass, make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """close() drops idle connections; a later request reconnects."""
    transport = transport_cls()
    try:
        transport.send(make_request(f"echo/{tag}"))
        transport.close()
        transport.send(make_request(f"echo/{tag}"))
    finally:
        transport.close()
    assert len({item.client_port for item in servers.seen(tag)}) == 2


# --- no answer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "port_fixture", "options", "expected", "within"),
    [
        # The server accepts the request but answers only after read_timeout.
        pytest.param("slow", None, {"read_timeout": 0.2}, ReadTimeoutError, 1.5, id="read-timeout"),
        # Nothing listens: refused at once, and not retried.
        pytest.param("echo", "refused_port", {}, ConnectionFailedError, 1.0, id="refused"),
        # A listener that never completes the handshake.
        pytest.param(
            "echo",
            "unresponsive_port",
            {"connect_timeout": 0.2, "read_timeout": 5},
            ConnectTimeoutError,
            1.5,
            id="connect-timeout",
        ),
    ],
)
def test_no_answer_raises_a_typed_error_in_time(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    tag: str,
    request: pytest.FixtureRequest,
    route: str,
    port_fixture: str | None,
    options: dict[str, Any],
    expected: type[TransportError],
    within: float,
) -> None:
    """No answer raises its own TransportError, carrying the request, within the timeout."""
    port = None if port_fixture is None else int(request.getfixturevalue(port_fixture))
    http_request = make_request(f"{route}/{tag}", port=port)
    with transport_cls(**options) as transport:
        started = time.monotonic()
        with pytest.raises(expected) as excinfo:
            transport.send(http_request)
    assert time.monotonic() - started < within
    _check_error(excinfo, http_request, expected)


@pytest.mark.parametrize(
    "route",
    [
        "drop",  # the response is cut short
        "hangup",  # the server read the request and closed without answering
    ],
)
def test_a_connection_closed_mid_exchange_is_raised_not_resent(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    route: str,
) -> None:
    """A connection closed before the full answer raises ConnectionDroppedError; sent once."""
    request = make_request(f"{route}/{tag}")
    with transport_cls() as transport, pytest.raises(ConnectionDroppedError) as excinfo:
        transport.send(request)
    _check_error(excinfo, request, ConnectionDroppedError)
    assert len(servers.seen(tag)) == 1


# --- TLS ----------------------------------------------------------------------------------------


def test_tls_is_verified_by_default(
    transport_cls: TransportClass, make_request: RequestFactory, servers: Servers, tag: str
) -> None:
    """A self-signed certificate is rejected by the default trust store with TLSError."""
    request = make_request(f"echo/{tag}", scheme="https")
    with transport_cls() as transport, pytest.raises(TLSError) as excinfo:
        transport.send(request)
    _check_error(excinfo, request, TLSError)
    assert servers.seen(tag) == []


def _trust_by_ca_certs(cert: Path) -> dict[str, Any]:
    return {"ca_certs": str(cert)}


def _trust_by_ssl_context(cert: Path) -> dict[str, Any]:
    return {"ssl_context": ssl.create_default_context(cafile=str(cert))}


@pytest.mark.parametrize(
    "trust",
    [
        pytest.param(_trust_by_ca_certs, id="ca_certs"),
        pytest.param(_trust_by_ssl_context, id="ssl_context"),
    ],
)
def test_tls_trusts_the_given_certificate(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    echo: Echo,
    trust: Callable[[Path], dict[str, Any]],
) -> None:
    """`ca_certs` naming the certificate, or an `ssl.SSLContext` trusting it, is used as given."""
    request = make_request(f"echo/{tag}", scheme="https")
    with transport_cls(**trust(servers.cert)) as transport:
        response = transport.send(request)
    assert response.status == 200
    assert echo(response.body)["verdict"] == "ok"


def test_tls_context_verify_mode_is_respected(
    transport_cls: TransportClass, make_request: RequestFactory, tag: str
) -> None:
    """A context that disables verification (tests only!) is not silently re-enabled."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # urllib3 rightly warns about unverified requests; the stdlib transport does not.
    warns = transport_cls.__name__ == "Urllib3Transport"
    with (
        transport_cls(ssl_context=context) as transport,
        pytest.warns(Warning, match="Unverified HTTPS") if warns else contextlib.nullcontext(),
    ):
        assert transport.send(make_request(f"echo/{tag}", scheme="https")).status == 200
    assert context.verify_mode == ssl.CERT_NONE


# --- proxies ------------------------------------------------------------------------------------


def test_http_proxy_gets_the_absolute_target(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    echo: Echo,
) -> None:
    """With proxy_url, plain-http requests go to the proxy in absolute form."""
    request = make_request(f"echo/{tag}")
    proxy = f"http://127.0.0.1:{servers.http.port}"
    with transport_cls(proxy_url=proxy) as transport:
        document = echo(transport.send(request).body)
    assert document["target"] == request.url
    assert document["verdict"] == "ok"


def test_https_goes_through_a_connect_tunnel(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    echo: Echo,
) -> None:
    """With proxy_url, https requests tunnel through CONNECT and still verify TLS."""
    request = make_request(f"echo/{tag}", scheme="https")
    proxy = f"http://127.0.0.1:{servers.http.port}"
    with transport_cls(proxy_url=proxy, ca_certs=servers.cert) as transport:
        for _ in range(2):
            assert echo(transport.send(request).body)["verdict"] == "ok"
    with servers.http.lock:
        tunnels = [
            item
            for item in servers.http.log
            if item.method == "CONNECT" and item.target == f"127.0.0.1:{servers.https.port}"
        ]
    assert tunnels  # the tunnel is kept alive for the second request
    assert len({item.client_port for item in servers.seen(tag)}) == 1


# --- options ------------------------------------------------------------------------------------


_BAD = InvalidArgumentError
_MISTYPED = InvalidArgumentTypeError


@pytest.mark.parametrize(
    ("options", "error", "argument"),
    [
        # Unusable values.
        ({"timeout": 0}, _BAD, "timeout"),
        ({"timeout": -1.0}, _BAD, "timeout"),
        ({"timeout": float("inf")}, _BAD, "timeout"),
        ({"connect_timeout": 0}, _BAD, "connect_timeout"),
        ({"read_timeout": float("nan")}, _BAD, "read_timeout"),
        ({"pool_maxsize": 0}, _BAD, "pool_maxsize"),
        ({"ca_certs": "/nonexistent/ca.pem"}, _BAD, "ca_certs"),
        ({"max_response_bytes": 0}, _BAD, "max_response_bytes"),
        # Values of the wrong type.
        ({"timeout": "5"}, _MISTYPED, "timeout"),
        ({"timeout": True}, _MISTYPED, "timeout"),
        ({"pool_maxsize": 2.5}, _MISTYPED, "pool_maxsize"),
        ({"ssl_context": "yes"}, _MISTYPED, "ssl_context"),
        ({"max_response_bytes": 4.5}, _MISTYPED, "max_response_bytes"),
    ],
)
def test_bad_options_name_the_argument(
    transport_cls: TransportClass,
    options: dict[str, Any],
    error: type[InvalidArgumentError | InvalidArgumentTypeError],
    argument: str,
) -> None:
    """Unusable or mistyped options raise InvalidArgument(Type)Error naming the option."""
    with pytest.raises((InvalidArgumentError, InvalidArgumentTypeError)) as excinfo:
        transport_cls(**options)
    assert isinstance(excinfo.value, error)
    assert excinfo.value.argument == argument


@pytest.mark.parametrize(
    ("deadline", "error"),
    [("soon", InvalidArgumentTypeError), (float("nan"), InvalidArgumentError)],
)
def test_a_deadline_must_be_an_instant(
    transport_cls: TransportClass,
    make_request: RequestFactory,
    servers: Servers,
    tag: str,
    deadline: Any,
    error: type[Exception],
) -> None:
    """`send(..., deadline=)` takes a monotonic instant; anything else is refused, unsent."""
    with transport_cls() as transport, pytest.raises(error) as excinfo:
        transport.send(make_request(f"echo/{tag}"), deadline=deadline)
    assert excinfo.value.argument == "deadline"  # type: ignore[attr-defined]
    assert servers.seen(tag) == []


def test_a_deadline_far_away_changes_nothing(
    transport_cls: TransportClass, make_request: RequestFactory, tag: str, echo: Echo
) -> None:
    """With time to spare, a deadline call is an ordinary call (and the next one too)."""
    with transport_cls() as transport:
        request = make_request(f"echo/{tag}")
        response = transport.send(request, deadline=time.monotonic() + 30)
        assert echo(response.body)["verdict"] == "ok"
        assert transport.send(make_request(f"echo/{tag}")).status == 200


def test_ca_certs_and_ssl_context_are_exclusive(
    transport_cls: TransportClass, servers: Servers
) -> None:
    """Giving both TLS options is refused rather than guessing which wins."""
    with pytest.raises(InvalidArgumentError) as excinfo:
        transport_cls(ca_certs=servers.cert, ssl_context=ssl.create_default_context())
    assert excinfo.value.argument == "ca_certs"


# --- map_exceptions ----------------------------------------------------------------------------


class _ForeignError(Exception):
    pass


class _ForeignChildError(_ForeignError):
    pass


_REQUEST = HttpRequest(method="GET", scheme="http", host="127.0.0.1", port=1, path="/apps/1/x")


def test_map_exceptions_uses_the_first_matching_entry() -> None:
    """Entries are tried in order; the error keeps the request and its cause."""
    mapping: ExceptionMapping = {
        _ForeignChildError: ConnectionDroppedError,
        _ForeignError: ConnectionFailedError,
    }
    original = _ForeignChildError("boom")
    with pytest.raises(ConnectionDroppedError) as excinfo, map_exceptions(mapping, _REQUEST):
        raise original
    assert excinfo.value.request is _REQUEST
    assert excinfo.value.__cause__ is original
    assert str(excinfo.value) == "_ForeignChildError: boom (GET http://127.0.0.1:1/apps/1/x)"
    with pytest.raises(ConnectionFailedError), map_exceptions(mapping, _REQUEST):
        raise _ForeignError


def test_map_exceptions_names_the_phase() -> None:
    """`during` is part of the message; an empty exception text is left out."""
    error = translate(TimeoutError(), {OSError: ConnectTimeoutError}, _REQUEST, during="phase")
    assert isinstance(error, ConnectTimeoutError)
    assert error.message == "TimeoutError phase"


def test_map_exceptions_lets_unmapped_errors_through() -> None:
    """Exceptions outside the mapping, and success, pass unchanged."""
    mapping: ExceptionMapping = {_ForeignError: TransportError}
    with pytest.raises(KeyError), map_exceptions(mapping, _REQUEST):
        raise KeyError("x")
    with map_exceptions(mapping, _REQUEST):
        pass
    assert translate(KeyError(), mapping, _REQUEST) is None
