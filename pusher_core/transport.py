"""HTTP request and response values, and the `Transport` port that executes them.

Rules:
- `HttpRequest` is complete: everything a transport needs to put it on the
  wire, already signed. Transports never change it.
- `path` is the percent-encoded path exactly as signed; `query` holds decoded
  pairs in wire order and is percent-encoded when rendered.
- A non-2xx answer is an `HttpResponse`, not an exception. Transports raise only
  `TransportError`s, and only when no response arrived.
"""

from __future__ import annotations

from functools import cached_property
from typing import Protocol, runtime_checkable
from urllib.parse import quote

import attrs

from pusher_core.errors import InvalidArgumentTypeError

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "encode_query",
    "received_body",
]

_SAFE_QUERY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


def _encode(text: str) -> str:
    # Fast paths: ASCII letters and digits (hex digests, most keys) and the other
    # unreserved characters ("1.0", timestamps) never need escaping.
    if (text.isalnum() and text.isascii()) or _SAFE_QUERY.issuperset(text):
        return text
    return quote(text, safe="")


def encode_query(pairs: tuple[tuple[str, str], ...]) -> str:
    """Percent-encode query pairs for the wire (every reserved character escaped)."""
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def _find_header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers if k.lower() == lower), None)


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        return tuple([(str(k), str(v)) for k, v in value.items()])
    return tuple([(str(k), str(v)) for k, v in value])  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class HttpRequest:
    """A signed HTTP request, ready for any transport."""

    method: str
    scheme: str
    host: str
    port: int
    path: str
    query: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    body: bytes = b""

    @cached_property
    def target(self) -> str:
        """The request target: path plus the encoded query string."""
        return f"{self.path}?{encode_query(self.query)}" if self.query else self.path

    @cached_property
    def origin(self) -> str:
        """`scheme://host[:port]`, the port omitted when it is the scheme's default."""
        default = 443 if self.scheme == "https" else 80
        return f"{self.scheme}://{self.host}" + ("" if self.port == default else f":{self.port}")

    @property
    def url(self) -> str:
        """The full URL as sent."""
        return self.origin + self.target

    @property
    def url_without_auth(self) -> str:
        """The URL without the volatile auth parameters, for messages and matching."""
        kept = tuple((k, v) for k, v in self.query if not k.startswith(("auth_", "body_md5")))
        return self.origin + (f"{self.path}?{encode_query(kept)}" if kept else self.path)

    def header(self, name: str) -> str | None:
        """The first header named `name` (any letter case), or None."""
        return _find_header(self.headers, name)


_new = object.__new__


def signed_http_request(
    method: str,
    scheme: str,
    host: str,
    port: int,
    path: str,
    query: tuple[tuple[str, str], ...],
    headers: tuple[tuple[str, str], ...],
    body: bytes,
    target: str,
    origin: str,
) -> HttpRequest:
    """Internal: an `HttpRequest` from values the signer already holds in canonical form.

    For `pusher_core.signing` only. `query` and `headers` must be tuples of
    `(str, str)` tuples, exactly what the converters would produce, and `target`
    must equal what the `target` property would compute, and `origin` what
    `origin` would; the converters are skipped and both are stored rather than
    recomputed.
    """
    request: HttpRequest = _new(HttpRequest)
    _set_method(request, method)
    _set_scheme(request, scheme)
    _set_host(request, host)
    _set_port(request, port)
    _set_path(request, path)
    _set_query(request, query)
    _set_headers(request, headers)
    _set_body(request, body)
    _set_target(request, target)
    _set_origin(request, origin)
    return request


# The slots' own setters (HttpRequest is a slotted attrs class): the cheapest way to
# fill a frozen instance, the same thing attrs' generated __init__ does.
(
    _set_method,
    _set_scheme,
    _set_host,
    _set_port,
    _set_path,
    _set_query,
    _set_headers,
    _set_body,
    _set_target,
    _set_origin,
) = (
    HttpRequest.__dict__[name].__set__
    for name in (
        "method",
        "scheme",
        "host",
        "port",
        "path",
        "query",
        "headers",
        "body",
        "target",
        "origin",
    )
)


@attrs.frozen(kw_only=True)
class HttpResponse:
    """What a transport received: status, headers and the raw body."""

    status: int
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first header named `name` (any letter case), or None."""
        return _find_header(self.headers, name)


def received_http_response(
    status: int, headers: tuple[tuple[str, str], ...], body: bytes
) -> HttpResponse:
    """Internal: an `HttpResponse` from values a transport already holds in canonical form.

    For the adapters only. `headers` must be a tuple of `(str, str)` tuples (what
    the converter would produce from them, unchanged), `status` an int and `body`
    bytes; the converter is skipped. The value equals `HttpResponse(...)` of the same.
    """
    response: HttpResponse = _new(HttpResponse)
    _set_status(response, status)
    _set_response_headers(response, headers)
    _set_response_body(response, body)
    return response


_set_status, _set_response_headers, _set_response_body = (
    HttpResponse.__dict__[name].__set__ for name in ("status", "headers", "body")
)


def received_body(body: object) -> bytes | None:
    """The raw bytes of a received body as frameworks hand it over.

    bytes-like values are taken as they are and `str` is re-encoded losslessly
    (UTF-8, surrogateescape); None means the text cannot be the bytes anyone
    sent. Anything else is the caller's mistake and raises.
    """
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        try:
            return body.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return None
    raise InvalidArgumentTypeError(
        "body", f"must be the raw request body bytes, got {type(body).__name__}"
    )


@runtime_checkable
class Transport(Protocol):
    """The port: execute one request, return its response.

    Implementations return every HTTP answer as an `HttpResponse` (non-2xx
    included) and raise a `pusher_core.errors.TransportError` carrying the
    request only when no answer was received. They never send a request twice
    on their own.
    """

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        """Send `request` and return the response.

        Args:
            request: the signed request, sent exactly as it is.
            deadline: an absolute `time.monotonic()` instant by which the whole
                call must be over (connecting, writing and reading included);
                None for no limit beyond the transport's own timeouts.
        """
        ...
