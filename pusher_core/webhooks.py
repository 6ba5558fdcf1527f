"""Webhook verification: raw request in, a verdict value out.

Pusher posts `{"time_ms": <creation time>, "events": [{"name": ..., ...}, ...]}`
with `X-Pusher-Key` (the app key that signed) and `X-Pusher-Signature` (hex
HMAC-SHA256 of the raw body under that key's secret).

`webhook_request` builds the signed request Pusher would send (for testing a
receiver); `verify_webhook` accepts every webhook it builds and recovers its events.

Rules (Pusher "Webhooks"):
- Verify the raw body bytes, never re-serialized JSON, against the secret of the
  key named in `X-Pusher-Key`; several keys may be valid at once (rotation). The
  signature compare runs in constant time. Nothing is parsed before it verifies.
- Total over hostile input: any headers and any bytes give a `WebhookVerdict`;
  rejection is a value with a `WebhookRejectReason`, never an exception.
- Freshness: `|now_ms - time_ms| <= max_age_ms`, by default 15 minutes. Pusher
  retries a failed delivery for up to 5 minutes, resending the *original*
  `time_ms`, so anything under 5 minutes drops legitimate retries (the
  reference's 300 s window does, bug B11). On top of that we allow 10 minutes of
  clock difference between Pusher and the receiver, the tolerance Pusher itself
  grants signed API requests (600 s). The window bounds how long a captured
  webhook can be replayed; it cannot prevent a replay inside the window, which
  needs the receiver to remember what it processed. The future side only absorbs
  clock skew (forging a future `time_ms` needs the secret), so one symmetric
  bound keeps a single knob at no cost. `max_age_ms=None` turns the check off.
- Every event is kept, in order: the known kinds become typed values, anything
  else (a new kind, or a known name whose fields do not fit) becomes an
  `UnknownWebhookEvent` holding the raw object, so a new event type never breaks
  a receiver.
- With a master key, `client_event` data on `private-encrypted-` channels is
  decrypted. Data that does not decrypt keeps its event with `data=None` and
  `decryption=FAILED` instead of rejecting the webhook: the body is authentic
  (Pusher signed it), the bad payload came from a client, and rejecting would
  drop the other events of a batch and make Pusher retry a delivery that can
  never succeed.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias, TypeGuard

import attrs

from pusher_core import _json
from pusher_core._values import trusted_constructor
from pusher_core.channels import is_encrypted
from pusher_core.config import AppConfig
from pusher_core.encryption import check_nonce, decrypt, derive_nonce, encrypt
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError, PusherError
from pusher_core.signing import Signer, check_secrets
from pusher_core.transport import received_body

__all__ = [
    "DEFAULT_MAX_AGE_MS",
    "CacheMiss",
    "ChannelOccupied",
    "ChannelVacated",
    "ClientEvent",
    "DecryptionStatus",
    "MemberAdded",
    "MemberRemoved",
    "RejectedWebhook",
    "SignedWebhook",
    "SubscriptionCount",
    "UnknownWebhookEvent",
    "ValidWebhook",
    "WebhookEvent",
    "WebhookRejectReason",
    "WebhookVerdict",
    "verified_payload",
    "verify_webhook",
    "webhook_request",
]

DEFAULT_MAX_AGE_MS = 15 * 60 * 1000
"""5 minutes of Pusher retries + 10 minutes of clock skew, on either side of `now_ms`."""

_KEY_HEADER = "x-pusher-key"
_SIGNATURE_HEADER = "x-pusher-signature"
_MAX_INT_ID = 10**200


class WebhookRejectReason(enum.Enum):
    """Why a webhook was not accepted."""

    MISSING_KEY = "missing_key"
    """No (or an empty) `X-Pusher-Key` header."""
    MISSING_SIGNATURE = "missing_signature"
    """No (or an empty) `X-Pusher-Signature` header."""
    UNKNOWN_KEY = "unknown_key"
    """The key header names a key that is not among the configured secrets."""
    BAD_SIGNATURE = "bad_signature"
    """The signature does not match the body under that key's secret."""
    NOT_A_JSON_OBJECT = "not_a_json_object"
    """The (authentic) body is not a JSON object."""
    MISSING_TIME_MS = "missing_time_ms"
    """`time_ms` is absent or not a non-negative number."""
    MISSING_EVENTS = "missing_events"
    """`events` is absent or not an array of objects."""
    STALE = "stale"
    """`time_ms` is further from `now_ms` than `max_age_ms`."""


class DecryptionStatus(enum.Enum):
    """What happened to a `client_event`'s data."""

    NOT_ENCRYPTED = "not_encrypted"
    """Not an encrypted channel: `data` is as sent."""
    DECRYPTED = "decrypted"
    """`data` is the decrypted plaintext."""
    NO_MASTER_KEY = "no_master_key"
    """Encrypted channel, no master key given: `data` is the sealed JSON as sent."""
    FAILED = "failed"
    """Encrypted channel, the data did not decrypt under the master key: `data` is None."""


@attrs.frozen(kw_only=True)
class ChannelOccupied:
    """A channel got its first subscriber."""

    name: ClassVar[str] = "channel_occupied"
    channel: str


@attrs.frozen(kw_only=True)
class ChannelVacated:
    """A channel lost its last subscriber (delayed a few seconds by Pusher)."""

    name: ClassVar[str] = "channel_vacated"
    channel: str


@attrs.frozen(kw_only=True)
class MemberAdded:
    """A user joined a presence channel."""

    name: ClassVar[str] = "member_added"
    channel: str
    user_id: str


@attrs.frozen(kw_only=True)
class MemberRemoved:
    """A user left a presence channel (delayed a few seconds by Pusher)."""

    name: ClassVar[str] = "member_removed"
    channel: str
    user_id: str


@attrs.frozen(kw_only=True)
class ClientEvent:
    """A client published an event on a private or presence channel.

    Attributes:
        channel: where it was published.
        event: the client event's name (`client-...`).
        data: the data as sent: a string from Pusher (soketi forwards the
            client's JSON value as is); decrypted on encrypted channels when
            possible (see `decryption`), None if decryption failed.
        socket_id: the publishing connection, when sent.
        user_id: the publishing member, on presence channels.
        decryption: whether `data` is plain, decrypted, still sealed or lost.
    """

    name: ClassVar[str] = "client_event"
    channel: str
    event: str
    data: Any = attrs.field(hash=False)  # may be a JSON object (soketi), so not hashed
    socket_id: str | None = None
    user_id: str | None = None
    decryption: DecryptionStatus = DecryptionStatus.NOT_ENCRYPTED

    @property
    def decryption_failed(self) -> bool:
        """True when the channel is encrypted and the data did not decrypt."""
        return self.decryption is DecryptionStatus.FAILED


@attrs.frozen(kw_only=True)
class CacheMiss:
    """A client subscribed to a cache channel that had no cached event."""

    name: ClassVar[str] = "cache_miss"
    channel: str


@attrs.frozen(kw_only=True)
class SubscriptionCount:
    """A non-presence channel's subscriber count changed."""

    name: ClassVar[str] = "subscription_count"
    channel: str
    subscription_count: int


def _read_only(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(raw))


@attrs.frozen(kw_only=True)
class UnknownWebhookEvent:
    """An event this library has no type for (or whose fields did not fit): kept raw.

    `name` is the event's `name` ("" when it has none); `raw` is the whole event
    object, read-only.
    """

    name: str
    raw: Mapping[str, Any] = attrs.field(converter=_read_only, hash=False)


WebhookEvent: TypeAlias = (
    ChannelOccupied
    | ChannelVacated
    | MemberAdded
    | MemberRemoved
    | ClientEvent
    | CacheMiss
    | SubscriptionCount
    | UnknownWebhookEvent
)


def _event_tuple(events: Iterable[WebhookEvent]) -> tuple[WebhookEvent, ...]:
    return tuple(events)


@attrs.frozen(kw_only=True)
class ValidWebhook:
    """An authentic, fresh webhook: when Pusher created it, and its events in order.

    Attributes:
        key: the app key whose secret signed it (useful while rotating keys).
        time_ms: when Pusher created it, Unix milliseconds.
        events: every event, typed, in order.
        payload: the whole parsed body as sent (read-only; nothing decrypted).
    """

    key: str
    time_ms: int
    events: tuple[WebhookEvent, ...] = attrs.field(converter=_event_tuple)
    payload: Mapping[str, Any] = attrs.field(factory=dict, repr=False, hash=False)

    _verified: ClassVar[Callable[..., ValidWebhook]]
    """The verifier's constructor: (key, time_ms, events as a tuple, payload), trusted."""

    @property
    def ok(self) -> bool:
        """Always True: lets callers branch without `isinstance`."""
        return True


ValidWebhook._verified = trusted_constructor(ValidWebhook)  # noqa: SLF001


@attrs.frozen(kw_only=True)
class RejectedWebhook:
    """A webhook that must not be acted on; `reason` says why."""

    reason: WebhookRejectReason

    @property
    def ok(self) -> bool:
        """Always False."""
        return False


WebhookVerdict: TypeAlias = ValidWebhook | RejectedWebhook

_REJECTED = {reason: RejectedWebhook(reason=reason) for reason in WebhookRejectReason}


# --- events ----------------------------------------------------------------------


def _is_int(value: object) -> TypeGuard[int]:
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def _id(value: object) -> str | None:
    """A user id: a string, or an integer written as digits (presence ids may be numbers)."""
    if isinstance(value, str):
        return value
    if _is_int(value) and -_MAX_INT_ID < value < _MAX_INT_ID:  # no valid id is longer
        return str(value)
    return None


def _channel_event(
    make: Callable[[str], ChannelOccupied | ChannelVacated | CacheMiss],
) -> Callable[[Mapping[str, Any], bytes | None], WebhookEvent | None]:
    """The parser of an event holding only `channel`; `make` builds it from a checked one."""

    def parse(raw: Mapping[str, Any], _master_key: bytes | None) -> WebhookEvent | None:
        channel = raw.get("channel")
        return make(channel) if isinstance(channel, str) else None

    return parse


def _member_event(
    make: Callable[[str, str], MemberAdded | MemberRemoved],
) -> Callable[[Mapping[str, Any], bytes | None], WebhookEvent | None]:
    """The parser of a member event; `make` builds it from a checked channel and user id."""

    def parse(raw: Mapping[str, Any], _master_key: bytes | None) -> WebhookEvent | None:
        channel, user_id = raw.get("channel"), _id(raw.get("user_id"))
        if not isinstance(channel, str) or user_id is None:
            return None
        return make(channel, user_id)

    return parse


def _subscription_count(raw: Mapping[str, Any], _master_key: bytes | None) -> WebhookEvent | None:
    channel, count = raw.get("channel"), raw.get("subscription_count")
    if not isinstance(channel, str) or not _is_int(count) or count < 0:
        return None
    return SubscriptionCount(channel=channel, subscription_count=count)


def _plaintext_of(
    channel: str, data: object, master_key: bytes | None
) -> tuple[object, DecryptionStatus]:
    """The client event's data as the receiver should see it, and how it got there."""
    if not is_encrypted(channel):
        return data, DecryptionStatus.NOT_ENCRYPTED
    if master_key is None:
        return data, DecryptionStatus.NO_MASTER_KEY
    if not isinstance(data, str):
        return None, DecryptionStatus.FAILED  # a sealed payload is always a JSON string
    try:
        return decrypt(channel, data, master_key), DecryptionStatus.DECRYPTED
    except (PusherError, ValueError, TypeError, RecursionError):
        # A client sent something that is not a payload sealed with this key.
        return None, DecryptionStatus.FAILED


def _client_event(raw: Mapping[str, Any], master_key: bytes | None) -> WebhookEvent | None:
    channel, event, data = raw.get("channel"), raw.get("event"), raw.get("data")
    socket_id, user_id = raw.get("socket_id"), raw.get("user_id")
    if (
        not isinstance(channel, str)
        or not isinstance(event, str)
        or "data" not in raw
        or not (socket_id is None or isinstance(socket_id, str))
        or not (user_id is None or _id(user_id) is not None)
    ):
        return None
    plain, status = _plaintext_of(channel, data, master_key)
    return ClientEvent(
        channel=channel,
        event=event,
        data=plain,
        socket_id=socket_id,
        user_id=None if user_id is None else _id(user_id),
        decryption=status,
    )


_PARSERS: Mapping[str, Callable[[Mapping[str, Any], bytes | None], WebhookEvent | None]] = {
    "channel_occupied": _channel_event(trusted_constructor(ChannelOccupied)),
    "channel_vacated": _channel_event(trusted_constructor(ChannelVacated)),
    "member_added": _member_event(trusted_constructor(MemberAdded)),
    "member_removed": _member_event(trusted_constructor(MemberRemoved)),
    "client_event": _client_event,
    "cache_miss": _channel_event(trusted_constructor(CacheMiss)),
    "subscription_count": _subscription_count,
}


# --- headers and body ------------------------------------------------------------


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")  # how HTTP carries header bytes
    return None


def _pusher_headers(headers: object) -> tuple[str | None, str | None]:
    """The `X-Pusher-Key` and `X-Pusher-Signature` values; empty counts as missing.

    A mapping that answers the canonical spellings (a plain dict, or a
    framework's case-insensitive one) is asked directly; otherwise the first
    entry of each name, in any letter case, counts.
    """
    if type(headers) is dict or isinstance(headers, Mapping):
        key, signature = headers.get("X-Pusher-Key"), headers.get("X-Pusher-Signature")
        if isinstance(key, str) and isinstance(signature, str):
            return key.strip() or None, signature.strip() or None
        items: Iterable[Any] = headers.items()
    elif isinstance(headers, Iterable):
        items = headers
    else:
        return None, None
    key = signature = None
    try:
        for item in items:
            pair = tuple(item)
            if len(pair) != 2:  # noqa: PLR2004
                continue
            name, value = _text(pair[0]), _text(pair[1])
            if name is None or value is None:
                continue
            lowered = name.strip().lower()
            if lowered == _KEY_HEADER and key is None:
                key = value.strip()
            elif lowered == _SIGNATURE_HEADER and signature is None:
                signature = value.strip()
    except (TypeError, ValueError):  # not an iterable of pairs: as if no headers came
        return None, None
    return key or None, signature or None


def _check_arguments(now_ms: object, max_age_ms: object) -> None:
    """The caller's own arguments: wrong types are programming errors, so they raise.

    Each check tests the usual exact type first (an int, or a float clock), as
    `_time_ms` does, so the usual call passes without calling `_is_int`.
    """
    if type(now_ms) is float:
        if not math.isfinite(now_ms):
            raise InvalidArgumentTypeError("now_ms", "must be finite")
    elif type(now_ms) is not int and not _is_int(now_ms):
        raise InvalidArgumentTypeError("now_ms", "must be a finite number of Unix milliseconds")
    if max_age_ms is not None and not (
        (type(max_age_ms) is int or _is_int(max_age_ms)) and max_age_ms >= 0
    ):
        raise InvalidArgumentTypeError("max_age_ms", "must be a non-negative int or None")


# --- signature -------------------------------------------------------------------


def _authentic(
    key: str | None,
    signature: str | None,
    raw: bytes | None,
    config: AppConfig | None,
    secrets: Mapping[str, str] | None,
) -> tuple[str, bytes] | WebhookRejectReason:
    """`(key, raw)` when `signature` is `key`'s HMAC of `raw`; else why the webhook is rejected."""
    if key is None:
        return WebhookRejectReason.MISSING_KEY
    if signature is None:
        return WebhookRejectReason.MISSING_SIGNATURE
    # The app's own key signs with its keyed HMAC; another key with its given secret.
    if config is not None and key == config.key:
        signer = config.signer
    else:
        secret = None if secrets is None else secrets.get(key)
        if secret is None:
            return WebhookRejectReason.UNKNOWN_KEY
        signer = Signer(secret)
    # Constant time: the compare must not reveal how much of a forgery was right.
    if raw is None or not signer.verify_bytes(raw, signature):
        return WebhookRejectReason.BAD_SIGNATURE
    return key, raw


# --- body ------------------------------------------------------------------------


def _time_ms(value: object) -> int | None:
    """`time_ms` as an int: Pusher sends one; a finite float (the reference's tests) is floored."""
    if type(value) is int or _is_int(value):
        return value if value >= 0 else None
    if isinstance(value, float) and math.isfinite(value) and value >= 0:
        return int(value)
    return None


def _payload(
    raw: str | bytes,
    decoder: type[json.JSONDecoder] | None,
    now_ms: float,
    max_age_ms: int | None,
) -> tuple[Mapping[str, Any], int, list[Mapping[str, Any]]] | WebhookRejectReason:
    """What an authentic body says: the object, its `time_ms` and its `events`, or why not.

    The one reading of a webhook body, for the typed verdict and the reference's dict alike.
    """
    try:
        parsed = _json.loads(raw, decoder)
    except ValueError:
        return WebhookRejectReason.NOT_A_JSON_OBJECT
    if type(parsed) is not dict and not isinstance(parsed, Mapping):
        return WebhookRejectReason.NOT_A_JSON_OBJECT
    time_ms = _time_ms(parsed.get("time_ms"))
    if time_ms is None:
        return WebhookRejectReason.MISSING_TIME_MS
    events = parsed.get("events")
    if type(events) is not list:
        return WebhookRejectReason.MISSING_EVENTS
    for event in events:
        if type(event) is not dict and not isinstance(event, Mapping):
            return WebhookRejectReason.MISSING_EVENTS
    # Compared, not subtracted: Python compares a float clock with any int exactly,
    # where `now_ms - time_ms` would overflow a float for a huge time_ms.
    if max_age_ms is not None and not now_ms - max_age_ms <= time_ms <= now_ms + max_age_ms:
        return WebhookRejectReason.STALE
    return parsed, time_ms, events


def _parsed_form(body: object, raw: bytes) -> str | bytes:
    """What `_payload` reads of an authentic body whose bytes are `raw`.

    A str body as given, when that reads the same as its bytes: no decoding again.
    """
    if type(body) is str and _json.reads_as_utf8(body):
        return body
    return raw


def _typed_events(
    events: list[Mapping[str, Any]], master_key: bytes | None
) -> tuple[WebhookEvent, ...]:
    """Each event object as its type, in order; one that does not fit stays raw.

    The loop runs in this one frame, with no helper call per event.
    """
    typed: list[WebhookEvent] = []
    for raw in events:
        name = raw.get("name")
        if isinstance(name, str):
            parse = _PARSERS.get(name)
            event = None if parse is None else parse(raw, master_key)
            if event is not None:
                typed.append(event)
                continue
        typed.append(UnknownWebhookEvent(name=name if isinstance(name, str) else "", raw=raw))
    return tuple(typed)


def _secrets(config: AppConfig | None, secrets: object) -> Mapping[str, str] | None:
    if type(config) is not AppConfig and config is not None:  # e.g. the secrets, positionally
        raise InvalidArgumentTypeError(
            "config", f"must be an AppConfig or None, got {type(config).__name__}"
        )
    if secrets is None:
        if config is None:
            raise InvalidArgumentError(
                "secrets", "give the app's config, or secrets={key: secret, ...}"
            )
        return None
    return check_secrets(secrets)


def verify_webhook(
    config: AppConfig | None = None,
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str,
    now_ms: float,
    secrets: Mapping[str, str] | None = None,
    max_age_ms: int | None = DEFAULT_MAX_AGE_MS,
    master_key: bytes | None = None,
    decoder: type[json.JSONDecoder] | None = None,
) -> WebhookVerdict:
    """Verify a received webhook and parse its events.

    Args:
        config: the app: its key verifies with its secret, and its master key and
            JSON decoder apply. May be None when `secrets` is given.
        headers: the request headers, any letter case: a mapping, or pairs (str
            or bytes, as ASGI gives them). Only `X-Pusher-Key` and
            `X-Pusher-Signature` are read; the first of each counts.
        body: the raw request body, exactly as received (bytes; a str is taken as
            its UTF-8 encoding).
        now_ms: the current Unix time in milliseconds.
        secrets: other app key -> secret pairs that may sign (the app's other
            tokens while rotating), or every pair when there is no config.
        max_age_ms: the freshness window around `now_ms`; None disables it.
        master_key: the 32-byte encryption master key (default: the config's), to
            decrypt client events on `private-encrypted-` channels.
        decoder: a `json.JSONDecoder` subclass for the body (default: the config's).

    Returns:
        `ValidWebhook(key, time_ms, events, payload)`, or `RejectedWebhook(reason)`.
        Never raises on hostile headers or body.

    Raises:
        ConfigurationError: a given secret (or key) is empty or not a string.
        InvalidArgumentError: neither `config` nor `secrets` was given.
        InvalidArgumentTypeError: only for the caller's own arguments of the wrong
            type (`config`, `now_ms`, `max_age_ms`, `secrets`, `decoder`, or a body
            that is not bytes/str).
    """
    _check_arguments(now_ms, max_age_ms)
    extra = None if secrets is None and type(config) is AppConfig else _secrets(config, secrets)
    if config is not None:
        master_key = config.encryption_master_key if master_key is None else master_key
        decoder = config.json_decoder if decoder is None else decoder
    key, signature = _pusher_headers(headers)
    signed = _authentic(key, signature, received_body(body), config, extra)
    # A reason is told from a result by the result's type: an isinstance test against
    # an enum class goes through its metaclass, a few hundred instructions each.
    if not isinstance(signed, tuple):
        return _REJECTED[signed]
    key, raw = signed
    read = _payload(_parsed_form(body, raw), decoder, now_ms, max_age_ms)
    if not isinstance(read, tuple):
        return _REJECTED[read]
    payload, time_ms, events = read
    return ValidWebhook._verified(  # noqa: SLF001  # this module's own trusted constructor
        key,
        time_ms,
        _typed_events(events, master_key),
        MappingProxyType(payload),
    )


def verified_payload(
    config: AppConfig,
    key: str | None,
    signature: str | None,
    body: object,
    now_ms: float,
    max_age_ms: int | None = DEFAULT_MAX_AGE_MS,
) -> Mapping[str, Any] | None:
    """The body of an authentic, fresh webhook of `config`'s app as sent, or None.

    The same checks as `verify_webhook` (one signature check, one body reading),
    given the two header values; nothing is typed or decrypted. For the
    reference-compatible `validate_webhook`.
    """
    _check_arguments(now_ms, max_age_ms)
    signed = _authentic(key or None, signature or None, received_body(body), config, None)
    if not isinstance(signed, tuple):  # a WebhookRejectReason
        return None
    read = _payload(_parsed_form(body, signed[1]), config.json_decoder, now_ms, max_age_ms)
    return read[0] if isinstance(read, tuple) else None


# --- building: what Pusher sends, for testing receivers ----------------------------


@attrs.frozen(kw_only=True)
class SignedWebhook:
    """A webhook request as Pusher posts it: the headers and the exact body bytes.

    Post `body` with `headers` to the receiver under test (`dict(headers)` for
    most test clients).
    """

    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The header named `name` (any letter case), or None."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)


def _fields(event: WebhookEvent, config: AppConfig, nonce: bytes | None) -> dict[str, Any]:
    """One event as the JSON object Pusher sends (client data sealed on encrypted channels)."""
    if isinstance(event, UnknownWebhookEvent):
        return dict(event.raw)
    if not isinstance(event, ClientEvent):
        return {"name": event.name, **attrs.asdict(event)}
    data = event.data
    if is_encrypted(event.channel):
        if not isinstance(data, str):
            raise InvalidArgumentTypeError(
                "events", f"client event data on {event.channel!r} must be the plaintext str"
            )
        if nonce is None:
            raise InvalidArgumentError(
                "nonce", f"{event.channel!r} is end-to-end encrypted: pass a 24-byte random nonce"
            )
        data = encrypt(event.channel, data, config.encryption_master_key, nonce).to_data()
    fields: dict[str, Any] = {
        "name": event.name,
        "channel": event.channel,
        "event": event.event,
        "data": data,
    }
    if event.socket_id is not None:
        fields["socket_id"] = event.socket_id
    if event.user_id is not None:
        fields["user_id"] = event.user_id
    return fields


_EVENT_TYPES = (
    ChannelOccupied,
    ChannelVacated,
    MemberAdded,
    MemberRemoved,
    ClientEvent,
    CacheMiss,
    SubscriptionCount,
    UnknownWebhookEvent,
)


def webhook_request(
    config: AppConfig,
    events: Iterable[WebhookEvent],
    *,
    time_ms: int,
    nonce: bytes | None = None,
) -> SignedWebhook:
    """The webhook Pusher would send for `events`: `{"time_ms", "events"}`, signed.

    Args:
        config: the app: its key names the signer (`X-Pusher-Key`) and its secret
            signs the body (`X-Pusher-Signature`, hex HMAC-SHA256 of the bytes).
        events: typed events (`ChannelOccupied(channel=...)`, `ClientEvent(...)`,
            ...); an `UnknownWebhookEvent`'s raw object is sent as it is.
        time_ms: the creation time, Unix milliseconds.
        nonce: 24 random bytes, needed only when a `ClientEvent` is on a
            `private-encrypted-` channel: its `data` (the plaintext) is sealed
            with the config's master key, each such event under its own nonce
            derived from this one.
    """
    if not isinstance(config, AppConfig):
        raise InvalidArgumentTypeError(
            "config", f"must be an AppConfig, got {type(config).__name__}"
        )
    if not _is_int(time_ms) or time_ms < 0:
        raise InvalidArgumentTypeError("time_ms", "must be a non-negative int of Unix milliseconds")
    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
        raise InvalidArgumentTypeError("events", "must be an iterable of webhook events")
    objects = []
    for index, event in enumerate(events):
        if not isinstance(event, _EVENT_TYPES):
            raise InvalidArgumentTypeError(
                f"events[{index}]",
                f"must be a webhook event such as ChannelOccupied, got {type(event).__name__}",
            )
        own = derive_nonce(check_nonce(nonce), index) if nonce is not None else None
        objects.append(_fields(event, config, own))
    text = _json.dumps_user({"time_ms": time_ms, "events": objects}, None, "events")
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            "events", "contain a lone surrogate, which cannot be sent as UTF-8; fix the text"
        ) from None
    return SignedWebhook(
        headers=(
            ("Content-Type", "application/json"),
            ("X-Pusher-Key", config.key),
            ("X-Pusher-Signature", config.signer.sign_bytes(body)),
        ),
        body=body,
    )
