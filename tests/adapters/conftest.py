"""Real 127.0.0.1 HTTP and HTTPS servers, certificates and request builders for adapter tests.

Routes (all under `/apps/1/`, an optional trailing `/<tag>` names the test's requests):
- `echo`: 200 JSON with the method, path, raw target, query, headers, body, the
  client port, a global sequence number and the signature verdict;
- `status/<code>`: that status with a text body (429 adds `Retry-After: 7`);
- `slow`: answers only after 2 s (longer than the tests' read timeouts);
- `drop`: promises 100 body bytes, sends 10 and closes;
- `hangup`: reads the request and closes without answering;
- `close-after`: a normal keep-alive answer, then the server closes (idle close);
- `close-header`: answers with `Connection: close`;
- `redirect`: 302 to `echo`;
- `binary`: 200 with the 256 byte values (not UTF-8);
- `repeated`: 200 with `Link`, `X-Note`, `link`: a header name repeated, around another.
The plain server also acts as an HTTP proxy: absolute-form targets are served
(echo shows the target) and `CONNECT 127.0.0.1:<port>` opens a tunnel.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import selectors
import socket
import ssl
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlsplit

import attrs
import pytest

from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.adapters.urllib_transport import UrllibTransport
from pusher_core.config import AppConfig
from pusher_core.signing import sign_request, verify_request
from pusher_core.transport import HttpRequest
from tests.certs import make_certificate

if TYPE_CHECKING:
    from socketserver import BaseServer

__all__ = [
    "SECRET",
    "TIMESTAMP",
    "Logged",
    "RequestFactory",
    "Servers",
    "TransportClass",
]

SECRET = "s3cr3t-never-on-the-wire"  # distinctive, so "absent from messages" means something
KEY = "k"
TIMESTAMP = 1_700_000_000
SLOW_SECONDS = 2.0
REPEATED_HEADERS = (("Link", "<a>"), ("X-Note", "1"), ("link", "<b>"))

TransportClass = type[Urllib3Transport] | type[UrllibTransport]


@attrs.frozen
class Logged:
    """One request a test server received."""

    method: str
    target: str
    client_port: int


class _Server(ThreadingHTTPServer):
    """A threaded server that records requests and can be torn down completely."""

    daemon_threads = False
    block_on_close = True
    request_queue_size = 64

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tls = tls
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.log: list[Logged] = []
        self.active: set[socket.socket] = set()
        self.sequence = itertools.count(1)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def finish_request(self, request: Any, client_address: Any) -> None:
        conn: socket.socket = request
        if self.tls is not None:
            conn = self.tls.wrap_socket(request, server_side=True)
        with self.lock:
            self.active.add(conn)
        try:
            _Handler(conn, client_address, self)
        finally:
            with self.lock:
                self.active.discard(conn)
            if conn is not request:
                conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hang up on purpose in these tests: nothing to report."""

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        with self.lock:
            active = list(self.active)
        for conn in active:  # wake handlers blocked on idle keep-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self.server_close()  # joins every handler thread


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30.0
    wbufsize = -1  # one send per response: no Nagle / delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet."""

    @property
    def _server(self) -> _Server:
        server: BaseServer = self.server
        assert isinstance(server, _Server)
        return server

    def _record(self) -> None:
        with self._server.lock:
            self._server.log.append(
                Logged(method=self.command, target=self.path, client_port=self.client_address[1])
            )

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_DELETE(self) -> None:
        self._route()

    def _route(self) -> None:
        body = self._read_body()
        self._record()
        parts = urlsplit(self.path)
        segments = parts.path.split("/")[3:]  # after "", "apps", "1"
        action = segments[0] if segments else ""
        if action == "echo":
            self._echo(parts.path, parts.query, body)
        elif action == "status" and len(segments) > 1 and segments[1].isdigit():
            code = int(segments[1])
            extra = (("Retry-After", "7"),) if code == 429 else ()
            self._reply(code, f"error {code}: from the test server".encode(), "text/plain", extra)
        elif action == "slow":
            if not self._server.stopping.wait(SLOW_SECONDS):
                self._reply(200, b"{}")
        elif action == "drop":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
        elif action == "hangup":
            self.close_connection = True
        elif action == "close-after":
            self._reply(200, b"{}")
            self.close_connection = True  # no Connection: close header: an idle close
        elif action == "close-header":
            self._reply(200, b"{}", extra=(("Connection", "close"),))
            self.close_connection = True
        elif action == "redirect":
            self._reply(302, b"", "text/plain", (("Location", "/apps/1/echo"),))
        elif action == "binary":
            self._reply(200, bytes(range(256)), "application/octet-stream")
        elif action == "repeated":
            self._reply(200, b"{}", extra=REPEATED_HEADERS)
        else:
            self._reply(404, b"no such route", "text/plain")

    def _echo(self, path: str, query: str, body: bytes) -> None:
        pairs = parse_qsl(query, keep_blank_values=True)
        stamp = dict(pairs).get("auth_timestamp", "0")
        verdict = verify_request(
            method=self.command,
            path=path,
            query=pairs,
            body=body,
            secrets={KEY: SECRET},
            now=int(stamp) if stamp.isdigit() else 0,
        )
        document = {
            "method": self.command,
            "path": path,
            "target": self.path,
            "query": [list(pair) for pair in pairs],
            "headers": [list(item) for item in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
            "client_port": self.client_address[1],
            "n": next(self._server.sequence),
            "verdict": "ok" if verdict.ok else verdict.reason.value,  # type: ignore[union-attr]
        }
        self._reply(200, json.dumps(document).encode())

    def do_CONNECT(self) -> None:
        self._record()
        host, _, port = self.path.rpartition(":")
        if host != "127.0.0.1" or not port.isdigit():  # loopback only
            self._reply(403, b"loopback only", "text/plain")
            return
        self.close_connection = True
        with socket.create_connection((host, int(port)), timeout=5) as upstream:
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            self._relay(self.connection, upstream)

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            while not self._server.stopping.is_set():
                for key, _ in selector.select(0.1):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    peers[source].sendall(data)


# --- fixtures ----------------------------------------------------------------------------


@attrs.frozen
class Servers:
    """The session's servers: plain HTTP (also a proxy) and HTTPS."""

    http: _Server
    https: _Server
    cert: Path

    def seen(self, tag: str) -> list[Logged]:
        """Requests either server received whose target ends with `/<tag>`."""
        found: list[Logged] = []
        for server in (self.http, self.https):
            with server.lock:
                found.extend(
                    item for item in server.log if urlsplit(item.target).path.endswith(f"/{tag}")
                )
        return found


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """One HTTP and one HTTPS server on 127.0.0.1 for the whole session."""
    tls = make_certificate(tmp_path_factory.mktemp("tls"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.cert, tls.key)
    plain, secure = _Server(None), _Server(context)
    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        for server in (plain, secure)
    ]
    for thread in threads:
        thread.start()
    try:
        yield Servers(http=plain, https=secure, cert=tls.cert)
    finally:
        for server in (plain, secure):
            server.stop()
        for thread in threads:
            thread.join()


@pytest.fixture(params=["urllib3", "urllib"])
def transport_cls(request: pytest.FixtureRequest) -> TransportClass:
    """Each transport class in turn: the contract is the same."""
    return Urllib3Transport if request.param == "urllib3" else UrllibTransport


@pytest.fixture
def tag() -> str:
    """A path segment unique to this test (and parameter)."""
    return f"t-{uuid.uuid4().hex[:12]}"


class RequestFactory:
    """Build signed requests for the test servers (`AppConfig(app_id="1", key="k", ...)`)."""

    def __init__(self, servers: Servers) -> None:
        self._servers = servers

    def config(
        self, scheme: Literal["http", "https"] = "http", port: int | None = None
    ) -> AppConfig:
        default = self._servers.https.port if scheme == "https" else self._servers.http.port
        return AppConfig(
            app_id="1",
            key=KEY,
            secret=SECRET,
            scheme=scheme,
            host="127.0.0.1",
            port=default if port is None else port,
        )

    def __call__(
        self,
        route: str,
        *,
        method: str = "POST",
        body: bytes | None = None,
        params: dict[str, object] | None = None,
        scheme: Literal["http", "https"] = "http",
        port: int | None = None,
        timestamp: int = TIMESTAMP,
    ) -> HttpRequest:
        if body is None:
            body = b'{"name":"my-event","channels":["my-channel"],"data":"{\\"x\\":1}"}'
            body = body if method == "POST" else b""
        return sign_request(
            self.config(scheme, port),
            method=method,
            path=f"/apps/1/{route}",
            timestamp=timestamp,
            params=params,
            body=body,
        )


@pytest.fixture
def make_request(servers: Servers) -> RequestFactory:
    """`make_request("echo/<tag>", method=..., body=..., params=..., scheme=...)`."""
    return RequestFactory(servers)


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@pytest.fixture
def unresponsive_port() -> Iterator[int]:
    """A loopback port whose accept queue is full: new connections time out.

    Linux drops SYNs to a listener whose backlog is full, so connecting hangs
    until the client's connect timeout: a real connect timeout on loopback.
    """
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        for _ in range(16):
            probe = socket.socket()
            probe.settimeout(0.2)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                probe.close()
                break
            fillers.append(probe)
        else:
            pytest.fail("could not fill the listen backlog")
        yield port
    finally:
        for sock in fillers:
            sock.close()
        listener.close()


@pytest.fixture
def echo() -> Callable[[bytes], dict[str, Any]]:
    """Parse an echo response body."""

    def parse(body: bytes) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(body)
        return document

    return parse
