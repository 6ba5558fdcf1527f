"""`UrllibTransport`: a keep-alive transport built on the standard library only.

Rules:
- Zero third-party imports: `http.client` connections, pooled per
  (scheme, host, port) in a lock-protected LIFO list, so a hot connection is
  reused and the pool is safe to share across threads.
- Requests are written with http.client's own calls (`putrequest`, `putheader`,
  `endheaders`), exactly the bytes `HTTPConnection.request` writes, but a body of
  up to 64 KiB goes out in the same `send` as the head: one write per request,
  and on a plain socket one system call (`_coalesce.BodyWithHead`).
  http.client adds `Accept-Encoding: identity`: no compressed answer is asked for.
- Answers are read with `http.client`'s `HTTPResponse`, but their head (status
  line and fields) is read strictly by `_head.read_head` (`BudgetedResponse`).
- A connection is used by one request at a time. It goes back to the pool only
  after its response was read completely and the server did not ask to close it.
- No request is ever sent twice:
  1. before a pooled connection is reused it is polled with a zero timeout (as
     urllib3 does on every reuse); readable means the server closed it or sent
     stray bytes, so it is closed unused and the next one (or a new one) is taken;
  2. once any byte of a request may have left, a failure raises a
     `TransportError` with `sent=True` carrying the request, the connection is
     closed, and nothing is resent. Failures while connecting have `sent=False`.
- Timeouts: `connect_timeout` bounds connecting (TCP, proxy tunnel and TLS
  handshake), `read_timeout` each write and each read. A `deadline` passed to
  `send` bounds the whole call: every wait is cut to the time left (see
  `pusher_core.adapters._limits`), so a server trickling bytes is cut off at the
  deadline. Error messages name the limit that fired. Name resolution is the one
  wait no socket timeout bounds.
- Response bodies larger than `max_response_bytes` raise `ResponseTooLargeError`:
  from the Content-Length before reading, or as soon as a chunked or
  close-delimited body passes it. Bodies are returned as received, never
  decompressed.
- Fork-safe: in a child process the pool inherited from the parent is dropped
  without touching the parent's connections (`pusher_core.adapters._fork`).
- TLS is verified by default against the system trust store
  (`ssl.create_default_context()`; certifi is added only when the system store
  is empty and certifi is installed). `ca_certs` or `ssl_context` replace it.
- Every HTTP answer, any status, is returned as an `HttpResponse`; redirects are
  not followed. Only "no response" raises, and only `TransportError`s mapped in
  `pusher_core.adapters._errors`, each carrying the request.
- No retry policy and no sleeping.
"""

from __future__ import annotations

import base64
import functools
import http.client
import math
import os
import select
import socket
import ssl
import threading
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from pusher_core.adapters import _fork
from pusher_core.adapters._coalesce import FRAMING_HEADERS, BodyWithHead
from pusher_core.adapters._errors import ExceptionMapping, translate
from pusher_core.adapters._limits import (
    CALL,
    CONNECT,
    DEFAULT_MAX_RESPONSE_BYTES,
    EXCHANGE,
    BudgetedResponse,
    check_max_response_bytes,
    read_body,
    start_budget,
)
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
from pusher_core.transport import Closeable, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from pusher_core.adapters._limits import Budget

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


def _is_dropped(conn: _Connection) -> bool:
    """True when an idle connection is not fit to carry a request.

    Readable with nothing asked means the server closed it (EOF) or sent bytes
    nobody asked for; either way a request written to it could be lost or
    answered by something else.
    """
    sock = conn.sock
    if sock is None:
        return True
    try:
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True  # decrypted bytes nobody asked for
        poller = conn.poller
        if poller is not None:
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    except (OSError, ValueError):
        return True


def _open_socket(
    address: tuple[str, int], timeout: float, source_address: tuple[str, int] | None = None
) -> socket.socket:
    """`socket.create_connection`, then the rest of connecting gets the call's time left.

    The proxy tunnel and the TLS handshake run on this socket's timeout.
    """
    sock = socket.create_connection(address, timeout, source_address)
    budget = CALL.budget
    if budget is not None:
        try:
            sock.settimeout(budget.wait())
        except BaseException:
            sock.close()
            raise
    return sock


# Methods for which http.client sends `Content-Length: 0` without a body.
_BODY_METHODS = frozenset(("PATCH", "POST", "PUT"))


class _Head:
    """How `http.client.request` would write a header set, worked out once per set."""

    __slots__ = ("length", "pairs", "skip_accept_encoding", "skip_host")

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        names = frozenset(name.lower() for name, _ in pairs)
        self.pairs = pairs
        self.skip_host = "host" in names
        self.skip_accept_encoding = "accept-encoding" in names
        # http.client adds Content-Length unless either framing header is given.
        self.length = FRAMING_HEADERS.isdisjoint(names)


class _Connection(BodyWithHead):
    """An `http.client` connection as the transport uses it.

    - a small body goes out with the head `endheaders()` writes (one write,
      `_coalesce.BodyWithHead`), and `send` records in `CALL.wrote` that bytes
      may have left;
    - responses read through the call's budget (`BudgetedResponse`);
    - it never reconnects by itself (`auto_open = 0`): connecting is a step of
      the transport, bounded and mapped as such.
    """

    auto_open = 0
    response_class = BudgetedResponse
    timeout_is_read = False  # the socket timeout is the transport's read_timeout
    # One poll object per connection (used by one thread at a time), for the
    # check before each reuse; select() where poll() does not exist.
    poller: select.poll | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _open_socket

    def send(self, data: Any) -> None:
        """Write `data` (and the held body), recording that bytes may have left."""
        CALL.wrote = True
        super().send(data)

    def connect(self) -> None:
        """Connect (http.client's steps), then prepare the check before each reuse."""
        super().connect()
        if hasattr(select, "poll") and self.sock is not None:
            self.poller = select.poll()
            self.poller.register(self.sock, select.POLLIN)

    def before_exchange(self, budget: Budget | None, read_timeout: float) -> None:
        """Give the socket the timeout of the request about to be written."""
        sock = self.sock
        if sock is None:
            raise http.client.NotConnected
        if budget is not None:
            budget.phase = EXCHANGE
            budget.bound(sock)
            self.timeout_is_read = False
        elif not self.timeout_is_read:
            sock.settimeout(read_timeout)
            self.timeout_is_read = True

    def write(self, method: str, target: str, body: bytes | None, head: _Head) -> None:
        """Write the request exactly as `self.request(method, target, body, headers)` would.

        The same calls in the same order (so the same validation and the same
        bytes), except that a body is handed to `send` with the head, as one write.
        """
        self.putrequest(
            method,
            target,
            skip_host=head.skip_host,
            skip_accept_encoding=head.skip_accept_encoding,
        )
        if head.length:
            if body is not None:
                self.putheader("Content-Length", str(len(body)))
            elif method.upper() in _BODY_METHODS:
                self.putheader("Content-Length", "0")
        for name, value in head.pairs:
            self.putheader(name, value)
        self.endheaders(self.hold_body(body))
        self.send_held_body()

    def exchange(
        self, method: str, target: str, body: bytes | None, head: _Head
    ) -> http.client.HTTPResponse:
        """Write the request and read the status line and headers; close on failure."""
        try:
            self.write(method, target, body, head)
            return self.getresponse()
        except BaseException:
            self.drop_body()
            self.close()
            raise


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    """`_Connection` over TLS (http.client's handshake, on the budgeted socket)."""


class UrllibTransport(Closeable):
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
        max_response_bytes: the largest response body accepted (default 4 MiB);
            a larger one raises `ResponseTooLargeError`.

    Safe to share across threads, and across `os.fork()`: a child process opens
    its own connections. `close()` (or leaving a `with` block) closes the idle
    connections; the transport stays usable and reconnects on demand.
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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._connect_timeout, self._read_timeout = _resolve_timeouts(
            timeout, connect_timeout, read_timeout
        )
        self._maxsize = _check_pool_maxsize(pool_maxsize)
        self._max_bytes = check_max_response_bytes(max_response_bytes)
        self._proxy = None if proxy_url is None else _parse_proxy(proxy_url)
        self._custom_tls = ca_certs is not None or ssl_context is not None
        # Built now when customised (bad files fail early), else on first https use.
        self._tls: ssl.SSLContext | None = (
            make_ssl_context(ca_certs=ca_certs, ssl_context=ssl_context)
            if self._custom_tls
            else None
        )
        self._lock = threading.Lock()
        # Idle connections per origin, most recently returned last.
        self._idle: dict[_Key, list[_Connection]] = {}
        # Every connection this transport opened and has not dropped: in a forked
        # child each one's descriptor copy is closed.
        self._live: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._timeouts = (self._connect_timeout, self._read_timeout)
        self._texts = (
            f"connect timeout {self._connect_timeout:g} s",
            f"read timeout {self._read_timeout:g} s",
        )
        self._last_head: tuple[tuple[tuple[str, str], ...], bool, _Head] = ((), False, _Head(()))
        _fork.register(self)

    def __repr__(self) -> str:
        return (
            f"UrllibTransport(connect_timeout={self._connect_timeout:g}, "
            f"read_timeout={self._read_timeout:g}, pool_maxsize={self._maxsize}, "
            f"max_response_bytes={self._max_bytes})"
        )

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        """Send `request` once and return the response, whatever its status.

        Args:
            request: the request, written exactly as it is.
            deadline: an absolute `time.monotonic()` instant the whole call must
                end by; every wait is cut to the time left.

        Raises:
            ConnectionFailedError: refused, unresolvable, or the proxy said no.
            ConnectTimeoutError: connecting (TCP, tunnel or TLS handshake) took
                longer than `connect_timeout` or the deadline.
            ReadTimeoutError: a write or read waited longer than `read_timeout`,
                or the deadline passed; the server may have applied the request.
            TransportTimeoutError: the deadline had passed before sending.
            TLSError: the handshake or certificate verification failed.
            ConnectionDroppedError: the connection closed before a full response.
            ResponseTooLargeError: the body is larger than `max_response_bytes`.
            TransportError: the response was not valid HTTP.
        """
        budget = (
            None
            if deadline is None
            else start_budget(deadline, request, self._timeouts, self._texts)
        )
        key = (request.scheme, request.host, request.port)
        if self._proxy is not None and request.scheme == "http":
            target = request.url  # absolute form, for the proxy
            head = self._head(request.headers, proxied=True)
        else:
            target = request.target
            head = self._head(request.headers, proxied=False)
        method = request.method
        body = request.body or None
        state = CALL
        outer = state.budget
        state.budget = budget
        # Plain try blocks rather than map_exceptions: no object per request on the hot path.
        try:
            conn = self._checkout(key)
            if conn is None:
                try:
                    conn = self._connect(key, budget)
                except BaseException as exc:
                    limit = self._texts[CONNECT] if budget is None else budget.limit(CONNECT)
                    during = f"while connecting ({limit})"
                    error = translate(exc, _CONNECT_ERRORS, request, during=during, sent=False)
                    if error is None:
                        raise
                    raise error from exc
            state.wrote = False
            try:
                if budget is not None or not conn.timeout_is_read:
                    conn.before_exchange(budget, self._read_timeout)
                response = conn.exchange(method, target, body, head)
                try:
                    length = response.length
                    data = (
                        response.read()  # the usual case, read_body's first branch inlined
                        if length is not None and length <= self._max_bytes
                        else read_body(
                            response.read, length, self._max_bytes, request, response.status
                        )
                    )
                except BaseException:
                    response.close()
                    conn.close()
                    raise
            except BaseException as exc:
                limit = self._texts[EXCHANGE] if budget is None else budget.limit(EXCHANGE)
                error = translate(
                    exc,
                    _EXCHANGE_ERRORS,
                    request,
                    during=f"after connecting ({limit})",
                    sent=state.wrote,
                )
                if error is None:
                    raise
                raise error from exc
        finally:
            state.budget = outer
        result = HttpResponse._received(response.status, state.headers, data)  # noqa: SLF001
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
            idle = [conn for conns in self._idle.values() for conn in conns]
            self._idle.clear()
        for conn in idle:
            self._drop(conn)

    # --- the pool -------------------------------------------------------------------

    def _checkout(self, key: _Key) -> _Connection | None:
        """The most recently returned idle connection for `key` still fit to use, or None."""
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    return None
                conn = idle.pop()
            if not _is_dropped(conn):
                return conn
            self._drop(conn)  # closed by the server while idle: never written to

    def _checkin(self, key: _Key, conn: _Connection) -> None:
        if conn.sock is None:  # the server asked to close (or HTTP/1.0): http.client closed it
            self._live.discard(conn)
            return
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._maxsize:
                idle.append(conn)
                return
        self._drop(conn)

    def _drop(self, conn: _Connection) -> None:
        self._live.discard(conn)
        conn.close()

    def _after_fork_in_child(self) -> None:
        """In a forked child: forget the parent's pool and close this process's copies.

        Runs before the child does anything else (one thread). `close()` of a
        copy releases the child's descriptor only: no shutdown, no TLS alert.
        """
        self._lock = threading.Lock()
        self._idle = {}
        inherited, self._live = self._live, weakref.WeakSet()
        for conn in list(inherited):
            conn.close()

    def _ssl_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = _system_ssl_context()
        return self._tls

    def _connect(self, key: _Key, budget: Budget | None) -> _Connection:
        scheme, host, port = key
        timeout = self._connect_timeout if budget is None else budget.wait()
        conn: _Connection
        if self._proxy is not None:
            proxy_host, proxy_port, proxy_headers = self._proxy
            if scheme == "https":
                conn = _TLSConnection(
                    proxy_host, proxy_port, timeout=timeout, context=self._ssl_context()
                )
                conn.set_tunnel(host, port, headers=proxy_headers)
            else:
                conn = _Connection(proxy_host, proxy_port, timeout=timeout)
        elif scheme == "https":
            conn = _TLSConnection(host, port, timeout=timeout, context=self._ssl_context())
        else:
            conn = _Connection(host, port, timeout=timeout)
        self._live.add(conn)
        try:
            conn.connect()
        except BaseException:
            self._drop(conn)
            raise
        return conn
