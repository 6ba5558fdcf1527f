"""`UrllibTransport`: a keep-alive transport built on the standard library only.

Rules:
- Zero third-party imports: `http.client` connections, pooled per
  (scheme, host, port) in a lock-protected LIFO list, so a hot connection is
  reused and the pool is safe to share across threads.
- Requests are written with http.client's own calls (`putrequest`, `putheader`,
  `endheaders`), exactly the bytes `HTTPConnection.request` writes, but a body of
  up to 64 KiB goes out in the same `send` as the head: one write per request.
- A connection is used by one request at a time. It goes back to the pool only
  after its response was read completely and the server did not ask to close it.
- Timeouts: the socket timeout is `connect_timeout` while connecting (TCP, proxy
  tunnel and TLS handshake) and `read_timeout` afterwards.
- TLS is verified by default against the system trust store
  (`ssl.create_default_context()`; certifi is added only when the system store
  is empty and certifi is installed). `ca_certs` or `ssl_context` replace it.
- Every HTTP answer, any status, is returned as an `HttpResponse`; redirects are
  not followed. Only "no response" raises, and only `TransportError`s mapped in
  `pusher_core.adapters._errors`, each carrying the request.
- No retry policy and no sleeping. The one resend is connection management, the
  stale-connection rule:
  1. before a pooled connection idle for 0.5 s or more is reused it is polled;
     if the server already closed it (readable: EOF or stray bytes) it is
     discarded unused (hotter connections skip the poll: rule 2 covers them);
  2. if a *reused* connection still fails with a connection-closed error
     (`RemoteDisconnected`, `ConnectionResetError`, `BrokenPipeError`,
     `ConnectionAbortedError`, or TLS EOF) while the request is written or
     while waiting for the status line, with no response received, the server
     closed it while idle (after rule 1's poll, or without one): the request is
     sent once more, on a fresh connection;
  3. nothing else is ever resent: not after a timeout, not after any response
     byte arrived, and never when a fresh connection fails.
"""

from __future__ import annotations

import base64
import functools
import http.client
import math
import os
import select
import ssl
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from pusher_core.adapters._errors import ExceptionMapping, map_exceptions, translate
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
from pusher_core.transport import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["UrllibTransport", "make_ssl_context"]

DEFAULT_TIMEOUT = 5.0
DEFAULT_POOL_MAXSIZE = 10

_Key = tuple[str, str, int]

# Errors while connecting (TCP connect, proxy CONNECT, TLS handshake).
_CONNECT_ERRORS: ExceptionMapping = {
    TimeoutError: ConnectTimeoutError,
    ssl.SSLError: TLSError,
    OSError: ConnectionFailedError,
    http.client.HTTPException: ConnectionFailedError,
}

# Errors once connected: writing the request, reading the response.
_EXCHANGE_ERRORS: ExceptionMapping = {
    TimeoutError: ReadTimeoutError,
    http.client.IncompleteRead: ConnectionDroppedError,
    ssl.SSLEOFError: ConnectionDroppedError,
    ssl.SSLZeroReturnError: ConnectionDroppedError,
    ssl.SSLError: TLSError,
    OSError: ConnectionDroppedError,  # RemoteDisconnected, resets and broken pipes
    http.client.HTTPException: TransportError,  # a malformed response
}

# Connections idle for less than this are reused without polling (a syscall per
# request): servers close idle connections after seconds, and rule 2 covers the
# rare early close.
_POLL_AFTER = 0.5

# A reused connection failing this way before any response byte was closed while idle.
_STALE = (  # RemoteDisconnected is a ConnectionResetError
    BrokenPipeError,
    ConnectionResetError,
    ConnectionAbortedError,
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
)


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentTypeError(name, f"must be a number of seconds, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise InvalidArgumentError(
            name, f"must be a positive, finite number of seconds, got {value}"
        )
    return float(value)


def _resolve_timeouts(
    timeout: float, connect_timeout: float | None, read_timeout: float | None
) -> tuple[float, float]:
    """(connect, read) seconds: each defaults to `timeout`; all validated."""
    base = _seconds("timeout", timeout)
    connect = base if connect_timeout is None else _seconds("connect_timeout", connect_timeout)
    read = base if read_timeout is None else _seconds("read_timeout", read_timeout)
    return connect, read


def _check_pool_maxsize(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError("pool_maxsize", f"must be an int, got {value!r}")
    if value < 1:
        raise InvalidArgumentError("pool_maxsize", f"must be at least 1, got {value}")
    return value


@functools.cache
def _system_ssl_context() -> ssl.SSLContext:
    # One verified context per process: loading a trust store costs tens of ms.
    context = ssl.create_default_context()
    if context.cert_store_stats()["x509_ca"] == 0:
        try:
            import certifi
        except ImportError:
            pass
        else:
            context.load_verify_locations(cafile=certifi.where())
    return context


def make_ssl_context(
    *,
    ca_certs: str | os.PathLike[str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> ssl.SSLContext:
    """The TLS context both transports use.

    Args:
        ca_certs: a PEM file of CA certificates to trust instead of the system store.
        ssl_context: a ready context, used as is (give this or `ca_certs`, not both).

    Returns:
        `ssl_context`; else a verifying context trusting `ca_certs`; else the
        process-wide verifying context on the system trust store.

    Raises:
        InvalidArgumentError: both were given, or `ca_certs` cannot be loaded.
        InvalidArgumentTypeError: `ssl_context` is not an `ssl.SSLContext`.
    """
    if ssl_context is not None:
        if ca_certs is not None:
            raise InvalidArgumentError(
                "ca_certs",
                "give ca_certs or ssl_context, not both (load the file into the context)",
            )
        if not isinstance(ssl_context, ssl.SSLContext):
            raise InvalidArgumentTypeError(
                "ssl_context", f"must be an ssl.SSLContext, got {type(ssl_context).__name__}"
            )
        return ssl_context
    if ca_certs is not None:
        try:
            return ssl.create_default_context(cafile=os.fspath(ca_certs))
        except (OSError, ssl.SSLError) as exc:
            raise InvalidArgumentError(
                "ca_certs", f"cannot load CA certificates from {os.fspath(ca_certs)!r}: {exc}"
            ) from exc
    return _system_ssl_context()


def _parse_proxy(proxy_url: str) -> tuple[str, int, dict[str, str]]:
    """(host, port, headers for the proxy) from `http://[user:password@]host[:port]`."""
    if not isinstance(proxy_url, str):
        raise InvalidArgumentTypeError(
            "proxy_url", f"must be a str, got {type(proxy_url).__name__}"
        )
    try:
        parts = urlsplit(proxy_url)
        port = parts.port or 80
    except ValueError:
        port = 0
        parts = urlsplit("")
    if parts.scheme != "http" or not parts.hostname or port == 0:
        raise InvalidArgumentError(
            "proxy_url", "must look like http://[user:password@]host[:port] (an HTTP proxy)"
        )
    headers: dict[str, str] = {}
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        token = base64.b64encode(credentials.encode("utf-8")).decode("ascii")
        headers["Proxy-Authorization"] = f"Basic {token}"
    return parts.hostname, port, headers


def _is_dropped(conn: http.client.HTTPConnection) -> bool:
    """True when an idle connection was closed by the server (or is unusable)."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    except (OSError, ValueError):
        return True


# Bodies up to this size go out in the same write as the head (one send, one
# packet on loopback, no Nagle / delayed-ACK interplay); larger ones are sent
# after it, as http.client does, rather than copied.
_COALESCE_MAX = 64 * 1024

# Methods for which http.client sends `Content-Length: 0` without a body.
_BODY_METHODS = frozenset(("PATCH", "POST", "PUT"))


def _send_with_body(self: http.client.HTTPConnection, data: bytes) -> None:
    """`send`, appending the pending body to the head `endheaders()` writes."""
    body = self._pending_body  # type: ignore[attr-defined]
    if body is not None:
        self._pending_body = None  # type: ignore[attr-defined]
        data = data + body
    http.client.HTTPConnection.send(self, data)


class _HTTPConnection(http.client.HTTPConnection):
    _pending_body: bytes | None = None
    send = _send_with_body  # type: ignore[assignment]


class _HTTPSConnection(http.client.HTTPSConnection):
    _pending_body: bytes | None = None
    send = _send_with_body  # type: ignore[assignment]


class _Head:
    """How `http.client.request` would write a header set, worked out once per set."""

    __slots__ = ("length", "pairs", "skip_accept_encoding", "skip_host")

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        names = frozenset(name.lower() for name, _ in pairs)
        self.pairs = pairs
        self.skip_host = "host" in names
        self.skip_accept_encoding = "accept-encoding" in names
        # http.client adds Content-Length unless either framing header is given.
        self.length = "content-length" not in names and "transfer-encoding" not in names


def _write(
    conn: http.client.HTTPConnection, method: str, target: str, body: bytes | None, head: _Head
) -> None:
    """Write the request exactly as `conn.request(method, target, body, headers)` would.

    The same calls in the same order (so the same validation and the same bytes),
    except that a body is handed to `send` with the head, as one write.
    """
    conn.putrequest(
        method,
        target,
        skip_host=head.skip_host,
        skip_accept_encoding=head.skip_accept_encoding,
    )
    if head.length:
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        elif method.upper() in _BODY_METHODS:
            conn.putheader("Content-Length", "0")
    for name, value in head.pairs:
        conn.putheader(name, value)
    if body is not None and len(body) <= _COALESCE_MAX:
        conn._pending_body = body  # type: ignore[attr-defined]  # noqa: SLF001
        conn.endheaders()
    else:
        conn.endheaders(body)


def _start(
    conn: http.client.HTTPConnection,
    method: str,
    target: str,
    body: bytes | None,
    head: _Head,
) -> http.client.HTTPResponse:
    """Write the request and read the status line and headers; close `conn` on failure."""
    try:
        _write(conn, method, target, body, head)
        return conn.getresponse()
    except BaseException:
        conn._pending_body = None  # type: ignore[attr-defined]  # noqa: SLF001
        conn.close()
        raise


class UrllibTransport:
    """Send `HttpRequest`s over pooled `http.client` keep-alive connections.

    Args:
        timeout: seconds for connecting and for each read (the reference's 5 s).
        connect_timeout: seconds to connect, overriding `timeout`.
        read_timeout: seconds each socket read may wait, overriding `timeout`.
        pool_maxsize: idle connections kept per (scheme, host, port).
        proxy_url: an HTTP proxy, `http://[user:password@]host[:port]`; https
            requests go through a CONNECT tunnel.
        ca_certs: a PEM file of CA certificates to trust instead of the system store.
        ssl_context: a TLS context to use as is.

    Safe to share across threads. `close()` (or leaving a `with` block) closes the
    idle connections; the transport stays usable and reconnects on demand.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        proxy_url: str | None = None,
        ca_certs: str | os.PathLike[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._connect_timeout, self._read_timeout = _resolve_timeouts(
            timeout, connect_timeout, read_timeout
        )
        self._maxsize = _check_pool_maxsize(pool_maxsize)
        self._proxy = None if proxy_url is None else _parse_proxy(proxy_url)
        self._custom_tls = ca_certs is not None or ssl_context is not None
        # Built now when customised (bad files fail early), else on first https use.
        self._tls: ssl.SSLContext | None = (
            make_ssl_context(ca_certs=ca_certs, ssl_context=ssl_context)
            if self._custom_tls
            else None
        )
        self._lock = threading.Lock()
        # Idle connections with the monotonic time they were returned, newest last.
        self._idle: dict[_Key, list[tuple[http.client.HTTPConnection, float]]] = {}
        self._connecting = f"while connecting (connect timeout {self._connect_timeout:g} s)"
        self._exchanging = f"after connecting (read timeout {self._read_timeout:g} s)"
        self._last_head: tuple[tuple[tuple[str, str], ...], bool, _Head] = ((), False, _Head(()))

    def __repr__(self) -> str:
        return (
            f"UrllibTransport(connect_timeout={self._connect_timeout:g}, "
            f"read_timeout={self._read_timeout:g}, pool_maxsize={self._maxsize})"
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` and return the response, whatever its status.

        Raises:
            ConnectionFailedError: refused, unresolvable, or the proxy said no.
            ConnectTimeoutError: connecting took longer than `connect_timeout`.
            ReadTimeoutError: a read waited longer than `read_timeout`; the server
                may have applied the request.
            TLSError: the handshake or certificate verification failed.
            ConnectionDroppedError: the connection closed before a full response.
            TransportError: the response was not valid HTTP.
        """
        key = (request.scheme, request.host, request.port)
        if self._proxy is not None and request.scheme == "http":
            target = request.url  # absolute form, for the proxy
            head = self._head(request.headers, proxied=True)
        else:
            target = request.target
            head = self._head(request.headers, proxied=False)
        method = request.method
        body = request.body or None
        conn = self._checkout(key)
        # A plain try rather than map_exceptions: no object per request on the hot path.
        try:
            response = None
            if conn is not None:
                # Not contextlib.suppress: a bare try costs nothing on this hot path.
                try:  # noqa: SIM105
                    response = _start(conn, method, target, body, head)
                except _STALE:
                    pass  # closed by the server while idle: rule 2, resend once
            if conn is None or response is None:
                with map_exceptions(_CONNECT_ERRORS, request, during=self._connecting):
                    conn = self._connect(key)
                response = _start(conn, method, target, body, head)
            try:
                data = response.read()
            except BaseException:
                conn.close()
                raise
        except BaseException as exc:
            error = translate(exc, _EXCHANGE_ERRORS, request, during=self._exchanging)
            if error is None:
                raise
            raise error from exc
        # raw_items: the received (str, str) pairs, without email's per-header policy
        # pass; they are what the HttpResponse converter would store.
        result = HttpResponse(status=response.status, headers=response.msg.raw_items(), body=data)
        self._checkin(key, conn)
        return result

    def _head(self, headers: tuple[tuple[str, str], ...], *, proxied: bool) -> _Head:
        """The prepared head for `headers`, cached for the last header tuple seen.

        The core sends the same header tuple object with every request of a kind,
        so the identity check nearly always hits; one (tuple, head) pair is
        swapped atomically, so threads never see a mismatched pair.
        """
        cached = self._last_head
        if cached[0] is headers and cached[1] is proxied:
            return cached[2]
        fields = dict(headers)  # as http.client gets them: a repeated name, last value wins
        if proxied and self._proxy is not None:
            fields.update(self._proxy[2])
        head = _Head(tuple(fields.items()))
        self._last_head = (headers, proxied, head)
        return head

    def close(self) -> None:
        """Close every idle connection; the transport stays usable.

        Connections in use by other threads go back to the pool when done.
        """
        with self._lock:
            idle = [conn for conns in self._idle.values() for conn, _ in conns]
            self._idle.clear()
        for conn in idle:
            conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- the pool -------------------------------------------------------------------

    def _checkout(self, key: _Key) -> http.client.HTTPConnection | None:
        dropped = []
        conn = None
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                candidate, since = idle.pop()
                # Rule 1: do not write to a connection the server closed while idle.
                if now - since >= _POLL_AFTER and _is_dropped(candidate):
                    dropped.append(candidate)
                else:
                    conn = candidate
                    break
        for stale in dropped:
            stale.close()
        return conn

    def _checkin(self, key: _Key, conn: http.client.HTTPConnection) -> None:
        if conn.sock is None:  # the server asked to close (or HTTP/1.0): http.client closed it
            return
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._maxsize:
                idle.append((conn, time.monotonic()))
                return
        conn.close()

    def _ssl_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = _system_ssl_context()
        return self._tls

    def _connect(self, key: _Key) -> http.client.HTTPConnection:
        scheme, host, port = key
        conn: http.client.HTTPConnection
        if self._proxy is not None:
            proxy_host, proxy_port, proxy_headers = self._proxy
            if scheme == "https":
                conn = _HTTPSConnection(
                    proxy_host,
                    proxy_port,
                    timeout=self._connect_timeout,
                    context=self._ssl_context(),
                )
                conn.set_tunnel(host, port, headers=proxy_headers)
            else:
                conn = _HTTPConnection(proxy_host, proxy_port, timeout=self._connect_timeout)
        elif scheme == "https":
            conn = _HTTPSConnection(
                host, port, timeout=self._connect_timeout, context=self._ssl_context()
            )
        else:
            conn = _HTTPConnection(host, port, timeout=self._connect_timeout)
        try:
            conn.connect()
        except BaseException:
            conn.close()
            raise
        if conn.sock is not None:
            conn.sock.settimeout(self._read_timeout)
        return conn
