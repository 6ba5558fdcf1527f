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

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable
from urllib.parse import quote

import attrs

from pusher_core._values import trusted_constructor
from pusher_core.errors import InvalidArgumentTypeError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "Closeable",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "encode_query",
    "is_unreserved",
    "received_body",
]

_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"  # RFC 3986


def is_unreserved(text: str) -> bool:
    """Whether percent-encoding leaves `text` as it is (RFC 3986 unreserved characters only)."""
    # Letters and digits (hex digests, timestamps, most keys) answer in one C call.
    return (text.isalnum() and text.isascii()) or not text.strip(_UNRESERVED)


def _encode(text: str) -> str:
    return text if is_unreserved(text) else quote(text, safe="")


def encode_query(pairs: tuple[tuple[str, str], ...]) -> str:
    """Percent-encode query pairs for the wire (every reserved character escaped)."""
    return "&".join([f"{_encode(k)}={_encode(v)}" for k, v in pairs])


def _find_header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers if k.lower() == lower), None)


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        return tuple([(str(k), str(v)) for k, v in value.items()])
    return tuple([(str(k), str(v)) for k, v in value])  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class HttpRequest:
    """A signed HTTP request, ready for any transport.

    `target`, the path plus the encoded query, is derived once, at construction.
    """

    method: str
    scheme: str
    host: str
    port: int
    path: str
    query: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    body: bytes = b""
    target: str = attrs.field(init=False, eq=False, repr=False)

    @target.default
    def _target(self) -> str:
        return f"{self.path}?{encode_query(self.query)}" if self.query else self.path

    _signed: ClassVar[Callable[..., HttpRequest]]
    """The signer's constructor, for `pusher_core.signing` only: every field in order,
    `query` and `headers` as tuples of `(str, str)` tuples (what the converters make)
    and `target` as the default computes it."""

    @property
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


HttpRequest._signed = trusted_constructor(HttpRequest)  # noqa: SLF001


@attrs.frozen(kw_only=True)
class HttpResponse:
    """What a transport received: status, headers and the raw body."""

    status: int
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    body: bytes = b""

    _received: ClassVar[Callable[..., HttpResponse]]
    """The transports' constructor: (status, headers, body), trusted. `headers` is a
    tuple of `(str, str)` tuples, as the transports' head reader and urllib3's
    `iteritems()` give them, so the converter has nothing to do."""

    def header(self, name: str) -> str | None:
        """The first header named `name` (any letter case), or None."""
        return _find_header(self.headers, name)


HttpResponse._received = trusted_constructor(HttpResponse)  # noqa: SLF001


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
            deadline: an absolute instant of the monotonic clock (seconds, as the
                shells read it) by which the whole call must be over (connecting,
                writing and reading included); None for no limit beyond the
                transport's own timeouts.
        """
        ...


class Closeable:
    """`with` support for whatever owns a pool: leaving the block calls `close()`.

    Transports and clients derive from it and define `close()`; they stay usable
    after it (a later request opens new connections).
    """

    def close(self) -> None:
        """Release what is held (pooled connections); nothing by default."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
