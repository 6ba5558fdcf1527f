"""`Urllib3Transport`: the default transport, one pooled keep-alive urllib3 manager.

Rules:
- `urllib3` is imported here only, inside functions: `import pusher_core.adapters` and
  `import pusher_core` never load it. The manager is built when the transport
  is constructed, never at import.
- One `urllib3.PoolManager` (a `ProxyManager` when `proxy_url` is given): keep-alive,
  safe to share across threads. Its pools use this module's connection classes,
  which add what urllib3 leaves out: every receive bounded by the call's
  deadline and the answer head read strictly (`BudgetedResponse`), the rest of
  connecting (tunnel, TLS handshake) cut to the time left, a stalled TLS
  handshake reported as a connect timeout (urllib3 itself reports it as a read
  timeout), and a record of whether the request's write began (`sent`).
- No request is ever sent twice. Every request goes with `retries=False` and
  `redirect=False`, so urllib3 re-raises every error at once (`Retry.increment`
  with `total=False`), follows no redirect and retries on no status. Before it
  reuses a pooled connection it polls it with a zero timeout
  (`is_connection_dropped`) and reconnects, before writing, if the server closed
  it. Once bytes may have left, a failure is a `TransportError` with `sent=True`.
- Timeouts: `connect_timeout` to connect (TCP and TLS), `read_timeout` for each
  read; both default to `timeout` (5 s, the reference's value). A `deadline`
  passed to `send` bounds the whole call: each wait is cut to the time left
  (see `pusher_core.adapters._limits`), and the error message names the limit
  that fired.
- One write per request: a body of up to 64 KiB goes out in the same write as the
  head, which urllib3 writes with the Content-Length it would give
  (`_coalesce.BodyWithHead`); a larger body, or one the caller framed, follows it.
  On a plain socket that write is one `os.write`, with no poll before it.
- Responses are streamed (`preload_content=False`) and read with
  `max_response_bytes` enforced (`_limits.read_body`). `decode_content=False`:
  a compressed body is returned as received, never unpacked. urllib3 asks for no
  encoding; http.client adds `Accept-Encoding: identity`.
- Fork-safe: in a child process the manager inherited from the parent is
  replaced and the child's copies of its sockets are closed, without touching
  the parent's connections (`pusher_core.adapters._fork`).
- TLS is verified by default against the system trust store (the same context
  as `UrllibTransport`; see `pusher_core.adapters.urllib_transport.make_ssl_context`).
- urllib3's exceptions become `TransportError`s through `pusher_core.adapters._errors`,
  each carrying the request that failed. The socket, TLS or http.client error
  urllib3 wraps (in `ProtocolError` or `SSLError`) is classified by the same
  phase rules as in `UrllibTransport`, so both transports raise the same class
  for the same fault.
- With a caller's `pool=`, its own connection classes are used: http.client reads
  the answer head, the deadline
  cuts the connect and read timeouts to the time left when the call begins but
  cannot stop a trickle, a stalled TLS handshake is reported as urllib3 reports
  it, `sent` is True unless the error shows no connection was made, and the
  response headers are read from urllib3's header dict, which groups a repeated
  name's values at its first place. In a forked child, the caller's manager is
  cleared before its first use there.
- `send()` is the hot path: the origin's `HTTPConnectionPool` is cached (no URL
  parsing or manager lookup per request) and called once with pre-built
  options (the header dict is built once per header tuple and reused: urllib3
  copies it before any change).
"""

from __future__ import annotations

import functools
import http.client
import os
import socket
import ssl
import weakref
from typing import TYPE_CHECKING, Any

from pusher_core.adapters import _fork
from pusher_core.adapters._coalesce import FRAMING_HEADERS, BodyWithHead
from pusher_core.adapters._errors import ExceptionMapping, transport_error
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
from pusher_core.adapters.urllib_transport import (
    _CONNECT_ERRORS,
    _EXCHANGE_ERRORS,
    DEFAULT_POOL_MAXSIZE,
    DEFAULT_TIMEOUT,
    _check_pool_maxsize,
    _resolve_timeouts,
    make_ssl_context,
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
    import urllib3

    from pusher_core.adapters._limits import Budget

__all__ = ["Urllib3Transport", "urllib3_exception_mapping"]

_MAX_CACHED_POOLS = 10  # PoolManager's default num_pools

# Connections made by this module's classes and not closed yet: in a forked child
# each one's descriptor copy is closed.
_live: weakref.WeakSet[Any] = weakref.WeakSet()

# Errors that can only happen before anything was written.
_BEFORE_SENDING = (ConnectionFailedError, ConnectTimeoutError)

# A failure before the write began is a connecting failure, whatever urllib3 called it.
_NOT_SENT_AS = {
    ReadTimeoutError: ConnectTimeoutError,  # the proxy tunnel's answer timed out
    ConnectionDroppedError: ConnectionFailedError,
    TransportError: ConnectionFailedError,
}


def urllib3_exception_mapping() -> ExceptionMapping:
    """urllib3 exception classes -> `TransportError` classes, most specific first.

    A function, so urllib3 is imported only when a urllib3 transport exists.
    """
    from urllib3 import exceptions as u3

    return {
        u3.NewConnectionError: ConnectionFailedError,  # includes NameResolutionError
        u3.ConnectTimeoutError: ConnectTimeoutError,  # after its subclass above
        u3.ReadTimeoutError: ReadTimeoutError,
        u3.SSLError: TLSError,
        u3.ProxyError: ConnectionFailedError,  # the proxy refused or could not be reached
        http.client.IncompleteRead: ConnectionDroppedError,  # urllib3's IncompleteRead too
        u3.ProtocolError: ConnectionDroppedError,
        u3.HTTPError: TransportError,  # anything else urllib3 raises
    }


def _first(exc: BaseException, mapping: ExceptionMapping) -> type[TransportError] | None:
    return next((native for foreign, native in mapping.items() if isinstance(exc, foreign)), None)


def _close_inherited() -> None:
    """In a forked child: close this process's copies of every inherited connection."""
    inherited = list(_live)
    _live.clear()
    for conn in inherited:
        conn.close()


_fork.register_function(_close_inherited)


class _RequestInOneWrite(BodyWithHead):
    """urllib3's `request`, with a small body sent in the head's write.

    When urllib3 would size the body itself (bytes, not chunked, no framing
    header given), it writes the head with the Content-Length it would give and
    the held body joins that write; any other request goes through unchanged.
    """

    def request(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Any = None,  # urllib3's Mapping[str, str] | None
        **options: Any,
    ) -> None:
        if (
            type(body) is not bytes
            or headers is None
            or options.get("chunked")
            or not FRAMING_HEADERS.isdisjoint(name.lower() for name in headers)
            or self.hold_body(body) is not None
        ):
            super().request(method, url, body, headers, **options)
            return
        try:
            fields = {**headers, "Content-Length": str(len(body))}
            super().request(method, url, None, fields, **options)
        except BaseException:
            self.drop_body()
            raise
        self.send_held_body()


class _Response(BudgetedResponse):
    """`BudgetedResponse` with `msg` and `headers` filled: urllib3 reads them.

    urllib3 checks `msg` is an `HTTPMessage` and copies its fields into its own
    header dict; the transport itself reads the pairs in `CALL.headers`.
    """

    def begin(self) -> None:
        """Read the head (`BudgetedResponse.begin`), then hold its fields as a message."""
        super().begin()
        message = http.client.HTTPMessage()
        for name, value in CALL.headers:
            message[name] = value
        self.headers = self.msg = message


@functools.cache
def _pool_classes() -> dict[str, type[urllib3.HTTPConnectionPool]]:
    """Pool classes whose connections know the call in progress (`_limits.CALL`)."""
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.exceptions import ConnectTimeoutError as Urllib3ConnectTimeoutError

    class _Connection(_RequestInOneWrite, HTTPConnection):
        """urllib3's connection, bounded by the call's budget and recording the write.

        A small body goes out with the head, in one write (`_coalesce.BodyWithHead`).
        """

        response_class = _Response
        _connecting = False

        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            _live.add(self)
            budget = CALL.budget
            if budget is not None:  # the tunnel and TLS handshake get the time left
                try:
                    sock.settimeout(budget.wait(CONNECT))
                except BaseException:
                    sock.close()
                    raise
            return sock

        def connect(self) -> None:
            self._connecting = True
            try:
                super().connect()
            except TimeoutError as exc:  # the builtin: the TLS handshake or tunnel stalled
                # (the TCP connect's timeout is already urllib3's ConnectTimeoutError)
                raise Urllib3ConnectTimeoutError(
                    f"connecting to {self.host}:{self.port} timed out after the TCP connect "
                    "(TLS handshake or proxy tunnel)"
                ) from exc
            finally:
                self._connecting = False

        def send(self, data: Any) -> None:
            if self._connecting:  # the proxy CONNECT request: not the request, no held body
                HTTPConnection.send(self, data)
                return
            if self.sock is None and self.auto_open:
                self.connect()  # urllib3 reopens a dropped plain-http connection here
            budget = CALL.budget
            if budget is not None and self.sock is not None:
                budget.phase = EXCHANGE
                budget.bound(self.sock)
            CALL.wrote = True
            super().send(data)

    class _TLSConnection(_Connection, HTTPSConnection):
        """`_Connection` over TLS."""

    class _Pool(urllib3.HTTPConnectionPool):
        ConnectionCls = _Connection

    class _TLSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = _TLSConnection

    return {"http": _Pool, "https": _TLSPool}


def _new_manager(
    maxsize: int, context: ssl.SSLContext, proxy_url: str | None
) -> urllib3.PoolManager:
    import urllib3

    # cert_reqs mirrors the context: urllib3 would otherwise force CERT_REQUIRED on it.
    cert_reqs = context.verify_mode
    manager: urllib3.PoolManager
    if proxy_url is None:
        manager = urllib3.PoolManager(maxsize=maxsize, ssl_context=context, cert_reqs=cert_reqs)
    else:
        manager = urllib3.ProxyManager(
            proxy_url,
            maxsize=maxsize,
            ssl_context=context,
            cert_reqs=cert_reqs,
            proxy_ssl_context=context,
        )
    manager.pool_classes_by_scheme = _pool_classes()
    return manager


class Urllib3Transport(Closeable):
    """Send `HttpRequest`s through one shared `urllib3.PoolManager`.

    Args:
        pool: an existing manager to use; the caller keeps ownership (`close()`
            leaves it open), and the pool options below must then be left unset.
            Its own connection classes are used (see the module rules for what
            that leaves out).
        timeout: seconds for connecting and for each read (the reference's 5 s).
        connect_timeout: seconds to connect, overriding `timeout`.
        read_timeout: seconds each read may wait, overriding `timeout`.
        pool_maxsize: connections kept per host (default 10).
        proxy_url: a proxy URL such as `http://user:password@proxy:3128`; https
            requests go through a CONNECT tunnel.
        ca_certs: a PEM file of CA certificates to trust instead of the system store.
        ssl_context: a TLS context to use as is.
        max_response_bytes: the largest response body accepted (default 4 MiB);
            a larger one raises `ResponseTooLargeError`.

    Safe to share across threads, and across `os.fork()`: a child process opens
    its own connections. `close()` (or leaving a `with` block) closes the pooled
    connections; the transport stays usable and reconnects on demand.
    """

    def __init__(
        self,
        pool: urllib3.PoolManager | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        pool_maxsize: int | None = None,
        proxy_url: str | None = None,
        ca_certs: str | os.PathLike[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        import urllib3

        connect, read = _resolve_timeouts(timeout, connect_timeout, read_timeout)
        self._connect_timeout = connect
        self._read_timeout = read
        self._max_bytes = check_max_response_bytes(max_response_bytes)
        self._timeout = urllib3.Timeout(connect=connect, read=read)
        self._timeout_class = urllib3.Timeout
        self._timeouts = (connect, read)
        self._texts = (f"connect timeout {connect:g} s", f"read timeout {read:g} s")
        self._errors = urllib3_exception_mapping()
        self._wrapping = (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError)
        self._closed_pool_error = urllib3.exceptions.ClosedPoolError
        self._pools: dict[tuple[str, str, int], urllib3.HTTPConnectionPool] = {}
        self._last_headers: tuple[tuple[tuple[str, str], ...], dict[str, str]] = ((), {})
        self._inherited = False  # a caller's manager, inherited across fork: clear before use
        if pool is not None:
            given = [
                name
                for name, value in (
                    ("pool_maxsize", pool_maxsize),
                    ("proxy_url", proxy_url),
                    ("ca_certs", ca_certs),
                    ("ssl_context", ssl_context),
                )
                if value is not None
            ]
            if given:
                raise InvalidArgumentError(
                    given[0], "configure the pool you pass instead (pool options are for new pools)"
                )
            if not isinstance(pool, urllib3.PoolManager):
                raise InvalidArgumentTypeError(
                    "pool", f"must be a urllib3.PoolManager, got {type(pool).__name__}"
                )
            self._pool = pool
            self._new_pool: functools.partial[urllib3.PoolManager] | None = None
            self._proxied = isinstance(pool, urllib3.ProxyManager)
            _fork.register(self)
            return
        maxsize = _check_pool_maxsize(
            DEFAULT_POOL_MAXSIZE if pool_maxsize is None else pool_maxsize
        )
        context = make_ssl_context(ca_certs=ca_certs, ssl_context=ssl_context)
        if proxy_url is not None and not isinstance(proxy_url, str):
            raise InvalidArgumentTypeError(
                "proxy_url", f"must be a str, got {type(proxy_url).__name__}"
            )
        self._new_pool = functools.partial(_new_manager, maxsize, context, proxy_url)
        try:
            self._pool = self._new_pool()
        except (ValueError, urllib3.exceptions.HTTPError) as exc:
            raise InvalidArgumentError(
                "proxy_url", "must look like http://[user:password@]host[:port]"
            ) from exc
        self._proxied = proxy_url is not None
        _fork.register(self)

    def __repr__(self) -> str:
        return (
            f"Urllib3Transport(connect_timeout={self._connect_timeout:g}, "
            f"read_timeout={self._read_timeout:g}, max_response_bytes={self._max_bytes})"
        )

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        """Send `request` once and return the response, whatever its status.

        Args:
            request: the request, written exactly as it is.
            deadline: an absolute `time.monotonic()` instant the whole call must
                end by; every wait is cut to the time left.

        Raises:
            ConnectionFailedError: refused, unresolvable, or the proxy failed.
            ConnectTimeoutError: connecting (TCP, tunnel or TLS handshake) took
                longer than `connect_timeout` or the deadline.
            ReadTimeoutError: a read waited longer than `read_timeout`, or the
                deadline passed; the server may have applied the request.
            TransportTimeoutError: the deadline had passed before sending.
            TLSError: the handshake or certificate verification failed.
            ConnectionDroppedError: the connection closed before a full response.
            ResponseTooLargeError: the body is larger than `max_response_bytes`.
            TransportError: any other urllib3 failure (e.g. not valid HTTP).
        """
        if self._inherited:
            self._inherited = False
            self._pool.clear()
        budget = (
            None
            if deadline is None
            else start_budget(deadline, request, self._timeouts, self._texts)
        )
        state = CALL
        outer = state.budget
        state.budget = budget
        state.wrote = False
        # A plain try rather than map_exceptions: no object per request on the hot path.
        try:
            timeout = self._timeout
            if budget is not None:
                connect, read = budget.wait(CONNECT), budget.wait(EXCHANGE)
                if connect != self._connect_timeout or read != self._read_timeout:
                    # The deadline cuts a wait; else the configured Timeout serves
                    # (urllib3 clones it per request), with no new one to validate.
                    timeout = self._timeout_class(connect=connect, read=read)
            if self._proxied:  # the manager adds proxy headers and the absolute form
                response = self._urlopen(self._pool, request.url, request, timeout)
            else:
                key = (request.scheme, request.host, request.port)
                pool = self._pools.get(key)
                if pool is None or pool.pool is None:  # new origin, or closed by clear()
                    pool = self._connection_pool(key)
                try:
                    response = self._urlopen(pool, request.target, request, timeout)
                except self._closed_pool_error:
                    # Closed by another thread between the check and the call, before
                    # anything was sent (no connection was taken): use the manager's
                    # current pool.
                    pool = self._connection_pool(key)
                    response = self._urlopen(pool, request.target, request, timeout)
            try:
                data = read_body(
                    response.read,
                    response.length_remaining,
                    self._max_bytes,
                    request,
                    response.status,
                )
            except BaseException:
                response.close()  # closes the connection: it is never reused
                response.release_conn()
                raise
        except BaseException as exc:
            error = self._error(exc, request, budget, state.wrote)
            if error is None:
                raise
            raise error from exc
        finally:
            state.budget = outer
        # Our connections' responses recorded the received pairs (`BudgetedResponse`);
        # a caller's pool has only urllib3's dict, which groups repeated names.
        received = (
            state.headers if self._new_pool is not None else tuple(response.headers.iteritems())
        )
        return HttpResponse._received(response.status, received, data)  # noqa: SLF001

    def _error(
        self, exc: BaseException, request: HttpRequest, budget: Budget | None, wrote: bool
    ) -> TransportError | None:
        """The `TransportError` for `exc`, or None to let it propagate unchanged.

        The error urllib3 wraps is classified as `UrllibTransport` classifies it,
        by phase: before the write began, with the connect rules; after, with the
        exchange rules.
        """
        if isinstance(exc, TransportError):
            return None  # ours already (ResponseTooLargeError): never wrapped twice
        tracked = self._new_pool is not None  # our connection classes saw the write
        cause = (
            next((arg for arg in reversed(exc.args) if isinstance(arg, BaseException)), None)
            if isinstance(exc, self._wrapping)
            else None
        )
        before_write = tracked and not wrote
        native: type[TransportError] | None
        if cause is not None:
            native = _first(cause, _CONNECT_ERRORS if before_write else _EXCHANGE_ERRORS)
        else:
            native = _first(exc, self._errors) or _first(
                exc, _CONNECT_ERRORS if before_write else _EXCHANGE_ERRORS
            )
        if native is None:
            return None
        if tracked:
            sent = wrote
            if not sent:
                native = _NOT_SENT_AS.get(native, native)
        else:  # a caller's pool: only what surely happened before connecting counts as unsent
            sent = not (
                issubclass(native, _BEFORE_SENDING)
                or isinstance(cause, ssl.SSLCertVerificationError)
            )
        phase = EXCHANGE if sent else CONNECT
        limit = self._texts[phase] if budget is None else budget.limit(phase)
        during = f"after connecting ({limit})" if sent else f"while connecting ({limit})"
        return transport_error(native, exc, request, during=during, sent=sent)

    def _urlopen(
        self,
        opener: urllib3.HTTPConnectionPool | urllib3.PoolManager,
        url: str,
        request: HttpRequest,
        timeout: urllib3.Timeout,
    ) -> urllib3.BaseHTTPResponse:
        """Every request's one `urlopen`: sent once (no retry, no redirect), streamed, raw."""
        return opener.urlopen(
            request.method,
            url,
            body=request.body or None,
            headers=self._header_dict(request.headers),
            retries=False,
            redirect=False,
            assert_same_host=False,
            timeout=timeout,
            preload_content=False,
            decode_content=False,
        )

    def _header_dict(self, headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
        """`dict(headers)`, cached for the last header tuple seen.

        The core sends the same header tuple object with every request of a kind.
        urllib3 copies the dict before changing it (proxy headers), so one dict can
        be shared; the (tuple, dict) pair is swapped atomically between threads.
        """
        cached = self._last_headers
        if cached[0] is headers:
            return cached[1]
        fields = dict(headers)
        self._last_headers = (headers, fields)
        return fields

    def _connection_pool(self, key: tuple[str, str, int]) -> urllib3.HTTPConnectionPool:
        # The manager's pool for this origin, cached: PoolManager.urlopen would parse
        # the URL and look the pool up again on every request.
        scheme, host, port = key
        pool = self._pool.connection_from_host(host, port, scheme)
        if len(self._pools) >= _MAX_CACHED_POOLS:
            self._pools.clear()
        self._pools[key] = pool
        return pool

    def _after_fork_in_child(self) -> None:
        """In a forked child: never use the parent's manager again.

        Our own manager is replaced (its sockets' copies are closed by
        `_close_inherited`); a caller's manager is cleared before its first use
        here, since it is theirs to keep.
        """
        self._pools = {}
        if self._new_pool is None:
            self._inherited = True
        else:
            self._pool = self._new_pool()

    def close(self) -> None:
        """Close the pooled connections (a pool passed in by the caller is left open).

        The transport stays usable: a later request opens new connections.
        """
        self._pools.clear()
        if self._new_pool is not None:
            self._pool.clear()
