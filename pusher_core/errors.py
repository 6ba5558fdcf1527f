"""The one error tree of pusher-core.

Rules:
- Everything pusher-core raises derives from `PusherError`.
- Local errors (the caller must change something) also derive from `ValueError`
  or `TypeError`, so `except ValueError` written for `pusher` 3.3.4 keeps working.
- Remote errors (`ApiError`) carry the HTTP status, the raw body and the
  server's message. The reference's names (`PusherBadRequest`, ...) are aliases.
- Transport errors mean "no response" and keep the request that failed, so the
  caller can resend it: nothing is lost silently.
- No message ever contains a secret or a master key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self

    from pusher_core.transport import HttpRequest

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "BadStatusError",
    "ConfigurationError",
    "ConnectTimeoutError",
    "ConnectionDroppedError",
    "ConnectionFailedError",
    "EncryptionError",
    "EncryptionUnavailableError",
    "ForbiddenError",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "InvalidResponseError",
    "NotFoundError",
    "PayloadTooLargeApiError",
    "PayloadTooLargeError",
    "PusherBadAuth",
    "PusherBadRequest",
    "PusherBadStatus",
    "PusherError",
    "RateLimitedError",
    "ReadTimeoutError",
    "ReplayMismatchError",
    "ResponseTooLargeError",
    "ServerError",
    "TLSError",
    "TransportError",
    "TransportTimeoutError",
    "shown",
]


class PusherError(Exception):
    """Base class of every error pusher-core raises."""


def shown(value: object, limit: int = 100) -> str:
    """`repr(value)` for a message, cut to `limit` characters; `<type>` when it cannot be printed.

    A message that quotes the caller's value must not fail itself: an int of more
    than 4,300 digits has no `repr` (`ValueError`), nor has data nested about 1,000
    levels deep (`RecursionError`).
    """
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


# --- local: the caller must change something ---------------------------------


class _ArgumentError(PusherError):
    """An argument the caller must change; `argument` names it so the message can be acted on."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(argument, message)
        self.argument = argument
        self.message = message

    def __str__(self) -> str:
        return f"{self.argument}: {self.message}"

    def within(self, container: str) -> Self:
        """The same error, its argument named inside `container` (`batch[3].` + `channel`)."""
        return type(self)(container + self.argument, self.message)


class InvalidArgumentError(_ArgumentError, ValueError):
    """An argument has the right type but a value the protocol does not allow."""


class InvalidArgumentTypeError(_ArgumentError, TypeError):
    """An argument has a type pusher-core cannot use."""


class PayloadTooLargeError(InvalidArgumentError):
    """The final `data` string is larger than the configured payload limit."""


class ConfigurationError(PusherError, ValueError):
    """The server's own setup is unusable: its config (id, key, secret, host, URL, env).

    Also what an auth endpoint's `decide` returned when it cannot be used: the
    server's bug, for a 500, never the connecting client's fault.
    """


class EncryptionError(PusherError, ValueError):
    """Encryption or decryption failed (wrong key, tampered or malformed data)."""


class EncryptionUnavailableError(PusherError, ImportError):
    """End-to-end encryption was asked for, but PyNaCl is not installed."""


# --- remote: the server answered, and said no ---------------------------------


class ApiError(PusherError):
    """The Channels HTTP API answered with a non-2xx status.

    Attributes:
        status: the HTTP status code.
        body: the raw response body.
        message: the server's message (`{"error": ...}` when present, else the text).
        retry_after: seconds from a `Retry-After` header, when one was sent.
    """

    def __init__(
        self,
        status: int,
        body: bytes,
        message: str,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, body, message, retry_after)
        self.status = status
        self.body = body
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        text = f"HTTP {self.status}: {self.message}" if self.message else f"HTTP {self.status}"
        if self.retry_after is not None:
            text += f" (retry after {self.retry_after:g} s)"
        return text


class BadRequestError(ApiError):
    """400: the server rejected the request's content (details in `message`)."""


class AuthenticationError(ApiError):
    """401: the signature did not verify: check the app id, key and secret, and the clock."""


class ForbiddenError(ApiError):
    """403: the app is disabled or over its quota."""


class BadStatusError(ApiError):
    """Any status the reference reported as `PusherBadStatus`."""


class InvalidResponseError(BadStatusError):
    """A 2xx response whose body is not the JSON object the endpoint returns."""


class NotFoundError(BadStatusError):
    """404: unknown app id or path."""


class PayloadTooLargeApiError(BadStatusError):
    """413: the server found the event data too large."""


class RateLimitedError(BadStatusError):
    """429: too many requests; honour `retry_after` when set."""


class ServerError(BadStatusError):
    """5xx: the server failed; the request may be retried later."""


PusherBadRequest = BadRequestError
PusherBadAuth = AuthenticationError
PusherForbidden = ForbiddenError
PusherBadStatus = BadStatusError


# --- transport: there was no answer ---------------------------------------------


class TransportError(PusherError):
    """No complete HTTP response was received. `request` is the value that was being sent.

    `sent` says whether any byte of the request may have left: False only when
    the transport knows nothing was written (refused, connect timeout, TLS
    handshake), so resending cannot duplicate it. A retry policy reads it;
    transports never resend on their own.
    """

    sent_by_default = True

    def __init__(
        self, message: str, request: HttpRequest | None = None, *, sent: bool | None = None
    ) -> None:
        super().__init__(message, request)
        self.message = message
        self.request = request
        self.sent = self.sent_by_default if sent is None else sent

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_transport_error, (type(self), self.message, self.request, self.sent))

    def __str__(self) -> str:
        if self.request is None:
            return self.message
        return f"{self.message} ({self.request.method} {self.request.url_without_auth})"


def _rebuild_transport_error(
    cls: type[TransportError], message: str, request: HttpRequest | None, sent: bool
) -> TransportError:
    return cls(message, request, sent=sent)


class ConnectionFailedError(TransportError, ConnectionError):
    """The connection could not be established (refused, DNS, unreachable); nothing was sent."""

    sent_by_default = False


class TransportTimeoutError(TransportError, TimeoutError):
    """A timeout expired before a response arrived."""


class ConnectTimeoutError(TransportTimeoutError):
    """Connecting took longer than the connect timeout; the request was not sent."""

    sent_by_default = False


class ReadTimeoutError(TransportTimeoutError):
    """The response took longer than the read timeout; the request may have been applied."""


class TLSError(TransportError, ConnectionError):
    """The TLS handshake or certificate verification failed; nothing was sent."""

    sent_by_default = False


class ConnectionDroppedError(TransportError, ConnectionError):
    """The connection closed before a full response arrived; the request may have been applied."""


class ResponseTooLargeError(TransportError):
    """The response body is larger than the transport's `max_response_bytes`.

    The request was sent and the server answered, but the answer was cut off
    unread past the cap (or refused from its Content-Length), so the status and
    body are not available. Raise the option, or find out why the server sends
    so much.
    """


class ReplayMismatchError(PusherError, LookupError):
    """A replay transport has no recorded response for a request."""
