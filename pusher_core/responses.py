"""Turn HTTP responses into typed results, or typed `ApiError`s.

Rules:
- Any non-2xx status (or a 2xx with soketi's embedded `{"error", "code"}`)
  becomes an `ApiError` subclass carrying the status, the raw
  body, the server's message (`{"error": ...}` when present, else the text) and
  `Retry-After` when sent.
- 2xx parsing is lenient: `{}`, soketi's `{"ok": true}` and unknown keys are
  fine; every result keeps the decoded JSON as `raw` (the reference's return shape).
- A 2xx body that is not a JSON object raises `InvalidResponseError`, except for
  triggers, whose success does not depend on the body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from pusher_core import _json
from pusher_core.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    BadStatusError,
    ForbiddenError,
    InvalidResponseError,
    NotFoundError,
    PayloadTooLargeApiError,
    RateLimitedError,
    ServerError,
)
from pusher_core.transport import HttpResponse

__all__ = [
    "BatchResult",
    "ChannelAttributes",
    "ChannelInfo",
    "ChannelsList",
    "TriggerResult",
    "User",
    "Users",
    "effective_status",
    "error_for",
    "parse_batch",
    "parse_channel",
    "parse_channels",
    "parse_json",
    "parse_trigger",
    "parse_users",
    "raise_for_status",
    "retry_after",
]

_MESSAGE_LIMIT = 500
_STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    413: PayloadTooLargeApiError,
    429: RateLimitedError,
}


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _message(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    try:
        parsed = _json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        for field in ("error", "message"):
            if isinstance(parsed.get(field), str):
                return str(parsed[field])
    return text[:_MESSAGE_LIMIT]


def retry_after(response: HttpResponse) -> float | None:
    """Seconds from a `Retry-After` header, or None (absent, negative, or an HTTP-date)."""
    value = response.header("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP-date: the caller's clock is needed to use it
    return seconds if seconds >= 0 else None


def effective_status(response: HttpResponse) -> int:
    """The status the server meant: the HTTP status, or the one a 2xx error body names.

    soketi 1.x answers every API refusal with HTTP 200 and a body
    `{"error": "...", "code": 401}` (its CORS headers are written before the
    status, so the status is lost). A success body never has `error`, so a
    2xx whose JSON object has a string `error` and a 4xx/5xx integer `code`
    is that error. Error handling and retry decisions both read this status.
    """
    status = response.status
    body = response.body
    if not 200 <= status < 300 or b'"error"' not in body or not body.startswith(b"{"):  # noqa: PLR2004
        return status
    try:
        parsed = _json.loads(body)
    except ValueError:
        return status
    code = parsed.get("code") if isinstance(parsed, dict) else None
    if isinstance(parsed.get("error"), str) and type(code) is int and 400 <= code < 600:  # noqa: PLR2004
        return code
    return status


def error_for(response: HttpResponse, status: int | None = None) -> ApiError:
    """The typed error for a refused request (`status` defaults to the response's)."""
    status = response.status if status is None else status
    cls = _STATUS_ERRORS.get(status) or (ServerError if 500 <= status < 600 else BadStatusError)  # noqa: PLR2004
    return cls(status, response.body, _message(response.body), retry_after(response))


def raise_for_status(response: HttpResponse) -> None:
    """Raise the typed `ApiError` unless the request succeeded.

    Success is a 2xx status, except a 2xx carrying an error body (see
    `effective_status`).
    """
    status = effective_status(response)
    if not 200 <= status < 300:  # noqa: PLR2004
        raise error_for(response, status)


def parse_json(
    response: HttpResponse, decoder: type[json.JSONDecoder] | None = None, *, strict: bool = True
) -> dict[str, Any]:
    """Check the status, then decode the body as a JSON object.

    An empty body is `{}`. With `strict=False`, a body that is not a JSON
    object is also `{}` instead of an `InvalidResponseError`.
    """
    raise_for_status(response)
    if not response.body.strip():
        return {}
    try:
        parsed = _json.loads(response.body, decoder)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    if not strict:
        return {}
    raise InvalidResponseError(
        response.status, response.body, "the response body is not a JSON object"
    )


def _int(value: object) -> int | None:
    return value if type(value) is int else None


@attrs.frozen(kw_only=True)
class ChannelAttributes:
    """Attributes the API reported for one channel; `extra` keeps unknown keys."""

    user_count: int | None = None
    subscription_count: int | None = None
    occupied: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen, hash=False)

    @classmethod
    def from_json(cls, value: object) -> ChannelAttributes:
        """Leniently read `{"user_count": .., "subscription_count": .., ...}`."""
        data = value if isinstance(value, dict) else {}
        known = ("user_count", "subscription_count", "occupied")
        occupied = data.get("occupied")
        return cls(
            user_count=_int(data.get("user_count")),
            subscription_count=_int(data.get("subscription_count")),
            occupied=occupied if isinstance(occupied, bool) else None,
            extra={k: v for k, v in data.items() if k not in known},
        )


def _channel_map(value: object) -> Mapping[str, ChannelAttributes]:
    data = value if isinstance(value, dict) else {}
    return _frozen(
        {str(name): ChannelAttributes.from_json(attrs_) for name, attrs_ in data.items()}
    )


@attrs.frozen(kw_only=True, eq=False)
class TriggerResult:
    """The answer to a trigger: per-channel attributes when `info` was asked."""

    channels: Mapping[str, ChannelAttributes]
    raw: Mapping[str, Any]


@attrs.frozen(kw_only=True, eq=False)
class BatchResult:
    """The answer to a batch: one attributes value per event, aligned with the request.

    Empty when the server returned no per-event attributes (no `info` asked,
    or a server such as soketi that does not support it).
    """

    events: tuple[ChannelAttributes, ...]
    raw: Mapping[str, Any]


@attrs.frozen(kw_only=True, eq=False)
class ChannelsList:
    """Occupied channels and their attributes."""

    channels: Mapping[str, ChannelAttributes]
    raw: Mapping[str, Any]


@attrs.frozen(kw_only=True, eq=False)
class ChannelInfo:
    """One channel's state."""

    occupied: bool
    user_count: int | None
    subscription_count: int | None
    cache: Mapping[str, Any] | None
    raw: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class User:
    """A presence-channel member; `extra` keeps fields such as soketi's `user_info`."""

    id: str
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen, hash=False)


@attrs.frozen(kw_only=True, eq=False)
class Users:
    """The members of a presence channel."""

    users: tuple[User, ...]
    raw: Mapping[str, Any]

    @property
    def ids(self) -> tuple[str, ...]:
        """The member ids, in the server's order."""
        return tuple(user.id for user in self.users)


_NO_CHANNELS: Mapping[str, ChannelAttributes] = MappingProxyType({})
# The two bodies nearly every trigger gets back (Pusher's and soketi's), parsed once.
_PLAIN_SUCCESS = {
    b"{}": TriggerResult(channels=_NO_CHANNELS, raw=MappingProxyType({})),
    b'{"ok":true}': TriggerResult(channels=_NO_CHANNELS, raw=MappingProxyType({"ok": True})),
}


def parse_trigger(
    response: HttpResponse, decoder: type[json.JSONDecoder] | None = None
) -> TriggerResult:
    """A trigger's result (`{}`, `{"ok": true}` or `{"channels": {...}}`)."""
    if 200 <= response.status < 300 and decoder is None:  # noqa: PLR2004
        known = _PLAIN_SUCCESS.get(response.body)
        if known is not None:
            return known
    raw = parse_json(response, decoder, strict=False)
    return TriggerResult(channels=_channel_map(raw.get("channels")), raw=raw)


def parse_batch(
    response: HttpResponse, decoder: type[json.JSONDecoder] | None = None
) -> BatchResult:
    """A batch's result (`{}` or `{"batch": [{...}, {}, ...]}`)."""
    raw = parse_json(response, decoder, strict=False)
    items = raw.get("batch")
    events = (
        tuple(ChannelAttributes.from_json(item) for item in items)
        if isinstance(items, list)
        else ()
    )
    return BatchResult(events=events, raw=raw)


def parse_channels(
    response: HttpResponse, decoder: type[json.JSONDecoder] | None = None
) -> ChannelsList:
    """The channel list (`{"channels": {"name": {...}}}`)."""
    raw = parse_json(response, decoder)
    return ChannelsList(channels=_channel_map(raw.get("channels")), raw=raw)


def parse_channel(
    response: HttpResponse, decoder: type[json.JSONDecoder] | None = None
) -> ChannelInfo:
    """One channel's info (`{"occupied": true, "user_count": 3, ...}`)."""
    raw = parse_json(response, decoder)
    cache = raw.get("cache")
    return ChannelInfo(
        occupied=raw.get("occupied") is True,
        user_count=_int(raw.get("user_count")),
        subscription_count=_int(raw.get("subscription_count")),
        cache=_frozen(cache) if isinstance(cache, dict) else None,
        raw=raw,
    )


def parse_users(response: HttpResponse, decoder: type[json.JSONDecoder] | None = None) -> Users:
    """A presence channel's members (`{"users": [{"id": "1"}, ...]}`)."""
    raw = parse_json(response, decoder)
    items = raw.get("users")
    users = tuple(
        User(id=str(item["id"]), extra={k: v for k, v in item.items() if k != "id"})
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict) and isinstance(item.get("id"), (str, int))
    )
    return Users(users=users, raw=raw)
