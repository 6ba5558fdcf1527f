"""`Urllib3Transport`: the default transport, one pooled keep-alive urllib3 manager.

Rules:
- `urllib3` is imported here only, inside functions: `import pusher_core.adapters` and
  `import pusher_core` never load it. The manager is built when the transport
  is constructed, never at import.
- One `urllib3.PoolManager` (a `ProxyManager` when `proxy_url` is given): keep-alive,
  safe to share across threads.
- Every request is sent with `retries=False` and `redirect=False`: no retry
  policy, no sleeping, no redirects inside the adapter. Every HTTP answer, any
  status, is returned as an `HttpResponse`.
- Timeouts: `connect_timeout` to connect (TCP and TLS), `read_timeout` for each
  read; both default to `timeout` (5 s, the reference's value).
- TLS is verified by default against the system trust store (the same context
  as `UrllibTransport`; see `pusher_core.adapters.urllib_transport.make_ssl_context`).
- urllib3's exceptions become `TransportError`s through `pusher_core.adapters._errors`, each
  carrying the request that failed.
- `send()` is the hot path: the origin's `HTTPConnectionPool` is cached (no URL
  parsing or manager lookup per request) and called once with pre-built
  options; nothing else is constructed beyond the response (the header dict is
  built once per header tuple and reused: urllib3 copies it before any change).
"""

from __future__ import annotations

import http.client
import os
import ssl
from types import TracebackType
from typing import TYPE_CHECKING

from pusher_core.adapters._errors import ExceptionMapping, map_exceptions, translate
from pusher_core.adapters.urllib_transport import (
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
from pusher_core.transport import HttpRequest, HttpResponse

if TYPE_CHECKING:
    import urllib3
    from typing_extensions import Self

__all__ = ["Urllib3Transport", "urllib3_exception_mapping"]

_MAX_CACHED_POOLS = 10  # PoolManager's default num_pools


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


class Urllib3Transport:
    """Send `HttpRequest`s through one shared `urllib3.PoolManager`.

    Args:
        pool: an existing manager to use; the caller keeps ownership (`close()`
            leaves it open), and the pool options below must then be left unset.
        timeout: seconds for connecting and for each read (the reference's 5 s).
        connect_timeout: seconds to connect, overriding `timeout`.
        read_timeout: seconds each read may wait, overriding `timeout`.
        pool_maxsize: connections kept per host (default 10).
        proxy_url: a proxy URL such as `http://user:password@proxy:3128`; https
            requests go through a CONNECT tunnel.
        ca_certs: a PEM file of CA certificates to trust instead of the system store.
        ssl_context: a TLS context to use as is.

    Safe to share across threads.
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
    ) -> None:
        import urllib3

        connect, read = _resolve_timeouts(timeout, connect_timeout, read_timeout)
        self._connect_timeout = connect
        self._read_timeout = read
        self._timeout = urllib3.Timeout(connect=connect, read=read)
        self._errors = urllib3_exception_mapping()
        self._closed_pool_error = urllib3.exceptions.ClosedPoolError
        self._pools: dict[tuple[str, str, int], urllib3.HTTPConnectionPool] = {}
        self._last_headers: tuple[tuple[tuple[str, str], ...], dict[str, str]] = ((), {})
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
            self._owns_pool = False
            self._proxied = isinstance(pool, urllib3.ProxyManager)
            return
        maxsize = _check_pool_maxsize(
            DEFAULT_POOL_MAXSIZE if pool_maxsize is None else pool_maxsize
        )
        context = make_ssl_context(ca_certs=ca_certs, ssl_context=ssl_context)
        # cert_reqs mirrors the context: urllib3 would otherwise force CERT_REQUIRED on it.
        cert_reqs = context.verify_mode
        if proxy_url is None:
            self._pool = urllib3.PoolManager(
                maxsize=maxsize, ssl_context=context, cert_reqs=cert_reqs
            )
        else:
            if not isinstance(proxy_url, str):
                raise InvalidArgumentTypeError(
                    "proxy_url", f"must be a str, got {type(proxy_url).__name__}"
                )
            try:
                self._pool = urllib3.ProxyManager(
                    proxy_url,
                    maxsize=maxsize,
                    ssl_context=context,
                    cert_reqs=cert_reqs,
                    proxy_ssl_context=context,
                )
            except (ValueError, urllib3.exceptions.HTTPError) as exc:
                raise InvalidArgumentError(
                    "proxy_url", "must look like http://[user:password@]host[:port]"
                ) from exc
        self._owns_pool = True
        self._proxied = proxy_url is not None

    def __repr__(self) -> str:
        return (
            f"Urllib3Transport(connect_timeout={self._connect_timeout:g}, "
            f"read_timeout={self._read_timeout:g})"
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` and return the response, whatever its status.

        Raises:
            ConnectionFailedError: refused, unresolvable, or the proxy failed.
            ConnectTimeoutError: connecting took longer than `connect_timeout`.
            ReadTimeoutError: a read waited longer than `read_timeout`; the server
                may have applied the request.
            TLSError: the handshake or certificate verification failed.
            ConnectionDroppedError: the connection closed before a full response.
            TransportError: any other urllib3 failure.
        """
        if self._proxied:  # the manager adds proxy headers and the absolute form
            with map_exceptions(self._errors, request):
                response = self._urlopen(self._pool, request.url, request)
        else:
            key = (request.scheme, request.host, request.port)
            pool = self._pools.get(key)
            if pool is None or pool.pool is None:  # new origin, or closed by clear()/eviction
                pool = self._connection_pool(key)
            # The hot path: a plain try rather than map_exceptions (no object per
            # request), and urlopen called directly with the same options as `_urlopen`.
            headers = request.headers
            cached = self._last_headers
            fields = cached[1] if cached[0] is headers else self._header_dict(headers)
            try:
                try:
                    response = pool.urlopen(
                        request.method,
                        request.target,
                        body=request.body or None,
                        headers=fields,
                        retries=False,
                        redirect=False,
                        assert_same_host=False,
                        timeout=self._timeout,
                        preload_content=True,
                    )
                except self._closed_pool_error:
                    # Closed by another thread between the check and the call, before
                    # anything was sent: use the manager's current pool, once.
                    response = self._urlopen(self._connection_pool(key), request.target, request)
            except BaseException as exc:
                error = translate(exc, self._errors, request)
                if error is None:
                    raise
                raise error from exc
        # The received (str, str) pairs, exactly what the HttpResponse converter would
        # store: `iteritems()` is what `items()` iterates, without the view's `len()`
        # pass (which `tuple()` would make, walking every header twice).
        return HttpResponse(
            status=response.status, headers=response.headers.iteritems(), body=response.data
        )

    def _urlopen(
        self,
        opener: urllib3.HTTPConnectionPool | urllib3.PoolManager,
        url: str,
        request: HttpRequest,
    ) -> urllib3.BaseHTTPResponse:
        return opener.urlopen(
            request.method,
            url,
            body=request.body or None,
            headers=self._header_dict(request.headers),
            retries=False,
            redirect=False,
            assert_same_host=False,
            timeout=self._timeout,
            preload_content=True,
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

    def close(self) -> None:
        """Close the pooled connections (a pool passed in by the caller is left open).

        The transport stays usable: a later request opens new connections.
        """
        self._pools.clear()
        if self._owns_pool:
            self._pool.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
