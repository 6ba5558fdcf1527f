"""When to send a request again: a pure retry policy, and opt-in idempotency keys.

The shell sends a request, then asks `RetryPolicy.decide` about the outcome
and gets a value back: `Retry(delay=...)` (sleep that long, send the same
request again) or `Stop(reason=...)` (return the answer, or raise the error).
The policy reads no clock and draws no random number: the shell passes the
attempt number, a random number in [0, 1) and the seconds left before the
call's deadline. Transports never resend on their own.

Rules:
- A resend must not publish an event twice. A request is resent when none of
  it was written (`TransportError.sent` is False), when the server said it did
  not take it (429 and 503), or when repeating it is harmless (GET, HEAD,
  OPTIONS).
- Any other method counts as a POST. A POST that may have been applied (a read
  timeout, a dropped connection, any 5xx but 503) is resent only on the user's
  word: `allow_duplicate_posts=True`, or an idempotency key on the request.
- TLS failures stop. `TLSError` covers both a failed handshake and a
  certificate that does not verify; waiting cannot fix the second, and the
  two cannot be told apart, so neither is retried.
- The status is the one the server meant (`responses.effective_status`), so
  soketi's HTTP 200 bodies `{"error": ..., "code": 429}` are 429s. A 2xx
  succeeded; every status outside 5xx, 2xx and 429 is final.
- The wait is exponential backoff with full jitter,
  `rand * min(backoff_max, backoff_base * 2 ** (attempt - 1))`. A `Retry-After`
  in seconds replaces it, when it is at most `max_retry_after`; a longer one
  stops, so the caller gets the error and its `retry_after` at once.
- No wait reaches the deadline, and there are at most `max_attempts` attempts.

Idempotency keys: sockudo reads an `X-Idempotency-Key` header on
`POST /events` and `/batch_events` and answers a repeat of a key it has seen
(within 120 s by default) with the first answer instead of publishing again.
Pusher and soketi ignore the header: with them a key does NOT make resending
a POST safe. The policy cannot tell which server it talks to, so it reads a
key on the request as the user's statement that their server deduplicates.
Drawing the key is the shell's job (it owns randomness).
"""

from __future__ import annotations

import enum
import math
from typing import Any, TypeAlias

import attrs

from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    TLSError,
    TransportError,
)
from pusher_core.responses import effective_status, retry_after
from pusher_core.transport import HttpRequest, HttpResponse

__all__ = [
    "IDEMPOTENCY_KEY_HEADER",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "Decision",
    "Retry",
    "RetryPolicy",
    "Stop",
    "StopReason",
    "has_idempotency_key",
    "validate_idempotency_key",
    "with_idempotency_key",
]

IDEMPOTENCY_KEY_HEADER = "X-Idempotency-Key"
# sockudo's default limit (idempotency.max_key_length); it refuses longer keys with a 400.
MAX_IDEMPOTENCY_KEY_LENGTH = 128

_MAX_ATTEMPTS_LIMIT = 100
_REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The server says it did not take the request: too many requests, or unavailable.
_NOT_TAKEN_STATUSES = frozenset({429, 503})


class StopReason(enum.Enum):
    """Why the policy does not send the request again (for logs and tests)."""

    SUCCEEDED = "succeeded"
    """The server accepted the request (a 2xx that is not an error body)."""
    FINAL_STATUS = "final_status"
    """The answer will not change on a repeat: any 1xx, 3xx or 4xx but 429."""
    TLS_FAILURE = "tls_failure"
    """The TLS handshake or the certificate check failed."""
    MAY_DUPLICATE = "may_duplicate"
    """A POST may have been applied, and the user did not opt in to resending it."""
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    """This was the last of `max_attempts` attempts."""
    RETRY_AFTER_TOO_LONG = "retry_after_too_long"
    """The server asked for a longer wait than `max_retry_after`."""
    DEADLINE = "deadline"
    """The wait would reach the call's deadline."""

    # Members are singletons compared by identity: hashing them by identity too
    # keeps the per-call `_STOPS` lookup in C (Enum's own `__hash__` is Python code).
    __hash__ = object.__hash__


@attrs.frozen(kw_only=True)
class Retry:
    """Send the same request again after `delay` seconds."""

    delay: float


@attrs.frozen(kw_only=True)
class Stop:
    """Do not send the request again; `reason` says why."""

    reason: StopReason


# One value per reason: a stop carries nothing else, so every call can share it.
_STOPS = {reason: Stop(reason=reason) for reason in StopReason}
# Bound once: every successful call returns it, and an enum attribute read costs
# a descriptor call on 3.11.
_SUCCEEDED = StopReason.SUCCEEDED

Decision: TypeAlias = Retry | Stop


def _attempts(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError(
            attribute.name, f"must be an int, got {type(value).__name__}"
        )
    if not 1 <= value <= _MAX_ATTEMPTS_LIMIT:
        raise InvalidArgumentError(
            attribute.name, f"must be between 1 and {_MAX_ATTEMPTS_LIMIT}, got {value}"
        )


def _seconds(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentTypeError(
            attribute.name, f"must be a number of seconds, got {type(value).__name__}"
        )
    if not (math.isfinite(value) and value >= 0):
        raise InvalidArgumentError(
            attribute.name, f"must be a finite number of seconds, 0 or more; got {value!r}"
        )


def _flag(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgumentTypeError(
            attribute.name, f"must be a bool, got {type(value).__name__}"
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Which failed requests to send again, and how long to wait first.

    `RetryPolicy()` is the safe default; `RetryPolicy.none()` never resends.

    Attributes:
        max_attempts: attempts in all, the first included (1 to 100).
        backoff_base: seconds; the upper bound of the first wait.
        backoff_max: seconds; no computed wait is longer.
        max_retry_after: seconds; a longer `Retry-After` stops instead of waiting.
        allow_duplicate_posts: resend a POST that may already have been applied.
            Subscribers may then get its event twice; an idempotency key on the
            request is the per-request form of the same consent.
    """

    max_attempts: int = attrs.field(default=3, validator=_attempts)
    backoff_base: float = attrs.field(default=0.25, validator=_seconds)
    backoff_max: float = attrs.field(default=5.0, validator=_seconds)
    max_retry_after: float = attrs.field(default=10.0, validator=_seconds)
    allow_duplicate_posts: bool = attrs.field(default=False, validator=_flag)

    @classmethod
    def none(cls) -> RetryPolicy:
        """One attempt, never resent (pusher 3.3.4's behaviour)."""
        return cls(max_attempts=1)

    def decide(
        self,
        *,
        attempt: int,
        request: HttpRequest,
        outcome: HttpResponse | TransportError,
        rand: float,
        seconds_left: float | None = None,
    ) -> Decision:
        """Whether to send `request` again after `outcome`, and when.

        Args:
            attempt: the attempt that just finished; 1 is the first.
            request: the request sent; its method and idempotency key count.
            outcome: the response received, or the transport error raised.
            rand: a uniform random number in [0, 1), the jitter.
            seconds_left: seconds before the call's deadline; None for no deadline.

        Returns:
            `Retry(delay=...)`, or `Stop(reason=...)`.

        Raises:
            InvalidArgumentTypeError, InvalidArgumentError: an argument is unusable.
        """
        _check_decide(attempt, request, rand, seconds_left)
        final = _final_reason(outcome, request, opted_in=self.allow_duplicate_posts)
        if final is not None:
            return _STOPS[final]
        if attempt >= self.max_attempts:
            return _STOPS[StopReason.ATTEMPTS_EXHAUSTED]
        # The same parse of Retry-After (seconds) that fills `ApiError.retry_after`.
        asked = retry_after(outcome) if isinstance(outcome, HttpResponse) else None
        if asked is None:
            delay = rand * min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        elif asked > self.max_retry_after:
            return _STOPS[StopReason.RETRY_AFTER_TOO_LONG]
        else:
            delay = asked
        if seconds_left is not None and delay >= seconds_left:
            return _STOPS[StopReason.DEADLINE]
        return Retry(delay=delay)


def _final_reason(
    outcome: HttpResponse | TransportError, request: HttpRequest, *, opted_in: bool
) -> StopReason | None:
    """Why `outcome` must not be followed by a resend, or None when it may be."""
    if isinstance(outcome, HttpResponse):
        status = effective_status(outcome)
        if 200 <= status < 300:  # noqa: PLR2004
            return _SUCCEEDED
        if status in _NOT_TAKEN_STATUSES:
            return None
        if not 500 <= status < 600:  # noqa: PLR2004
            return StopReason.FINAL_STATUS
    elif isinstance(outcome, TLSError):
        return StopReason.TLS_FAILURE
    elif isinstance(outcome, TransportError):
        if not outcome.sent:
            return None
    else:
        raise InvalidArgumentTypeError(
            "outcome",
            f"must be an HttpResponse or a TransportError, got {type(outcome).__name__}",
        )
    # The server may have applied the request (a 5xx, or bytes left and no answer).
    if request.method.upper() in _REPEATABLE_METHODS or opted_in or has_idempotency_key(request):
        return None
    return StopReason.MAY_DUPLICATE


def _check_decide(attempt: object, request: object, rand: object, seconds_left: object) -> None:
    """`decide`'s arguments, each checked once.

    Each check tests the exact type a shell passes first, so a shell's own
    arguments pass each one at its first test.
    """
    if type(attempt) is not int and (isinstance(attempt, bool) or not isinstance(attempt, int)):
        raise InvalidArgumentTypeError("attempt", f"must be an int, got {type(attempt).__name__}")
    if attempt < 1:
        raise InvalidArgumentError("attempt", f"must be 1 or more (1 is the first), got {attempt}")
    if type(request) is not HttpRequest and not isinstance(request, HttpRequest):
        raise InvalidArgumentTypeError(
            "request", f"must be an HttpRequest, got {type(request).__name__}"
        )
    if type(rand) is not float and (isinstance(rand, bool) or not isinstance(rand, (int, float))):
        raise InvalidArgumentTypeError("rand", f"must be a float, got {type(rand).__name__}")
    if not 0 <= rand < 1:
        raise InvalidArgumentError("rand", f"must be in [0, 1), got {rand!r}")
    if seconds_left is None:
        return
    if type(seconds_left) is not float and (
        isinstance(seconds_left, bool) or not isinstance(seconds_left, (int, float))
    ):
        raise InvalidArgumentTypeError(
            "seconds_left",
            f"must be a number of seconds or None, got {type(seconds_left).__name__}",
        )
    if math.isnan(seconds_left):
        raise InvalidArgumentError("seconds_left", "must be a number of seconds, got nan")


def validate_idempotency_key(key: object, argument: str = "idempotency_key") -> str:
    """`key` if a server can use it as an idempotency key, else raise.

    A key is 1 to 128 visible ASCII characters (no spaces or control
    characters): it travels as a header value, and sockudo refuses an empty
    key or one longer than 128 with a 400.
    """
    if not isinstance(key, str):
        raise InvalidArgumentTypeError(argument, f"must be a str, got {type(key).__name__}")
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        raise InvalidArgumentError(
            argument, f"must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters, got {len(key)}"
        )
    if not (key.isascii() and key.isprintable()) or " " in key:
        raise InvalidArgumentError(
            argument, "must be visible ASCII characters only (no spaces or control characters)"
        )
    return key


def with_idempotency_key(request: HttpRequest, key: str) -> HttpRequest:
    """A copy of `request` carrying `key` in the `X-Idempotency-Key` header.

    Any key header already there is replaced, so every resend carries the same
    one. The signature covers method, path and query, not headers, so a signed
    request stays valid. Only sockudo deduplicates on the key (see the module
    docstring); Pusher and soketi ignore it.
    """
    validate_idempotency_key(key, "key")
    lower = IDEMPOTENCY_KEY_HEADER.lower()
    kept = tuple((name, value) for name, value in request.headers if name.lower() != lower)
    return attrs.evolve(request, headers=(*kept, (IDEMPOTENCY_KEY_HEADER, key)))


def has_idempotency_key(request: HttpRequest) -> bool:
    """Whether `request` carries a non-empty `X-Idempotency-Key` header."""
    return bool(request.header(IDEMPOTENCY_KEY_HEADER))
