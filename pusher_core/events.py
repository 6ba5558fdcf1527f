"""Builders for publishing events: trigger, batch, bulk and server-to-user.

Rules:
- Pure: the timestamp and (for encrypted channels) the nonce are arguments.
- Inputs are never mutated; every builder returns a new `HttpRequest`.
- `data` rule: a `str` is sent as is; anything else is JSON-encoded with the
  configured encoder (compact, no ASCII-escaping). For `private-encrypted-`
  channels that same string is the plaintext, and the sealed JSON replaces it.
- The payload limit applies to the final `data` string, measured in UTF-8 bytes,
  after encryption.
- One event is never published to several channels when any is encrypted: each
  encrypted channel has its own key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

import attrs

from pusher_core import _json
from pusher_core.channels import (
    SERVER_TO_USER_PREFIX,
    validate_channel,
    validate_channels,
    validate_event_name,
    validate_info,
    validate_socket_id,
    validate_user_id,
)
from pusher_core.config import AppConfig, Limits
from pusher_core.encryption import derive_nonce, encrypt
from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    PayloadTooLargeError,
)
from pusher_core.signing import check_timestamp, signed_request
from pusher_core.transport import HttpRequest

__all__ = [
    "BatchEvent",
    "event_data",
    "send_to_user_request",
    "trigger_batch_request",
    "trigger_bulk_requests",
    "trigger_request",
]

_ENCRYPTED_PREFIX = "private-encrypted-"
_BATCH_KEYS = frozenset(("channel", "name", "data", "socket_id", "info"))
_PLAIN_CHANNEL = re.compile(r"[-A-Za-z0-9_=@,.;]+").fullmatch  # channels.py's charset
_string = _json.string
_ENCODE = _json.encode
_MISSING = object()


def event_data(
    config: AppConfig,
    channel: str | None,
    data: object,
    nonce: bytes | None,
    argument: str = "data",
) -> str:
    """The final `data` string of one event: encoded, sealed if `channel` is encrypted, sized.

    `channel` is the single target channel, or None when the event goes to
    several (none of them encrypted).
    """
    text = data if isinstance(data, str) else _json.dumps_user(data, config.json_encoder, argument)
    size = len(text) if text.isascii() else _utf8_size(text, argument)
    if channel is not None and channel.startswith(_ENCRYPTED_PREFIX):
        if nonce is None:
            raise InvalidArgumentError(
                "nonce",
                f"{channel!r} is end-to-end encrypted: pass a fresh 24-byte random nonce",
            )
        text = encrypt(channel, text, config.encryption_master_key, nonce).to_data()
        size = len(text)
    if size > config.limits.max_payload_bytes:
        raise PayloadTooLargeError(
            argument,
            f"the event data is {size} bytes (UTF-8, after encryption); the limit is "
            f"{config.limits.max_payload_bytes} (Limits.max_payload_bytes; dedicated "
            "clusters and self-hosted servers may allow more)",
        )
    return text


def _utf8_size(text: str, argument: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            argument, "contains a lone surrogate, which cannot be sent as UTF-8; fix the text"
        ) from None


def _single_channel(channels: tuple[str, ...]) -> str | None:
    if len(channels) == 1:
        return channels[0]
    encrypted = [c for c in channels if c.startswith(_ENCRYPTED_PREFIX)]
    if encrypted:
        raise InvalidArgumentError(
            "channels",
            f"{encrypted[0]!r} is end-to-end encrypted and each encrypted channel has its own "
            "key: trigger it alone (one call per encrypted channel)",
        )
    return None


def trigger_request(
    config: AppConfig,
    *,
    channels: str | Sequence[str],
    event_name: str,
    data: object,
    timestamp: int,
    socket_id: str | None = None,
    info: str | Sequence[str] | None = None,
    nonce: bytes | None = None,
) -> HttpRequest:
    """`POST /apps/{id}/events`: publish one event to 1..limit channels.

    Args:
        config: the app.
        channels: one channel name or a sequence of them.
        event_name: the event's name.
        data: a `str` (sent as is) or a JSON-encodable value.
        timestamp: Unix seconds for the signature.
        socket_id: a connection to exclude from delivery.
        info: attributes to return per channel (`user_count`, `subscription_count`).
        nonce: 24 random bytes; required only for a `private-encrypted-` channel.
    """
    limits = config.limits
    names = (
        (channels,)
        if _plain_channel(channels, limits)
        else validate_channels(channels, limits)  # many channels, or any other case
    )
    name = validate_event_name(event_name, limits)
    text = event_data(config, _single_channel(names), data, nonce)
    # The body is `{"name", "channels", "data"[, "socket_id"][, "info"]}`, all strings:
    # assembled with the JSON encoder's own string function (see `_json.string`).
    channel_list = _string(names[0]) if len(names) == 1 else ",".join(map(_string, names))
    body = f'{{"name":{_string(name)},"channels":[{channel_list}],"data":{_string(text)}'
    if socket_id is not None:
        body += f',"socket_id":{_string(validate_socket_id(socket_id))}'
    info_csv = validate_info(info)
    if info_csv is not None:
        body += f',"info":{_string(info_csv)}'
    return _post(config, f"/apps/{config.app_id}/events", body + "}", timestamp)


@attrs.frozen(kw_only=True)
class BatchEvent:
    """One event of a batch: a single channel, its own `socket_id` and `info`."""

    channel: str
    name: str
    data: Any
    socket_id: str | None = None
    info: str | tuple[str, ...] | None = None


def _batch_fields(event: object, index: int) -> Mapping[str, Any]:
    """The fields of one batch event, a dict or a `BatchEvent`, with its keys checked."""
    if (
        type(event) is dict
        and "channel" in event
        and "name" in event
        and "data" in event
        and _BATCH_KEYS.issuperset(event)
    ):
        return event  # the common case, checked in one go; anything else is diagnosed below
    if isinstance(event, BatchEvent):
        return attrs.asdict(event, recurse=False)
    if isinstance(event, Mapping):
        unknown = set(event) - _BATCH_KEYS
        if unknown:
            raise InvalidArgumentError(
                f"batch[{index}]",
                f"unknown keys {sorted(map(str, unknown))}; allowed: {sorted(_BATCH_KEYS)}",
            )
        for required in ("channel", "name", "data"):
            if required not in event:
                raise InvalidArgumentError(f"batch[{index}]", f"is missing {required!r}")
        return event
    raise InvalidArgumentTypeError(
        f"batch[{index}]", f"must be a dict or BatchEvent, got {type(event).__name__}"
    )


def _batch_item(config: AppConfig, event: object, index: int, nonce: bytes | None) -> str:
    """One event of a batch as its JSON object text: `{"name", "channel", "data", ...}`."""
    fields = _batch_fields(event, index)
    limits = config.limits
    channel = fields["channel"]
    if not _plain_channel(channel, limits):
        channel = validate_channel(channel, limits, f"batch[{index}].channel")
    name = fields["name"]
    if not _plain_name(name, limits):
        name = validate_event_name(name, limits, f"batch[{index}].name")
    text = event_data(
        config,
        channel,
        fields["data"],
        # Only encrypted events use a nonce: derive one for them alone.
        None
        if nonce is None or not channel.startswith(_ENCRYPTED_PREFIX)
        else derive_nonce(nonce, index),
        f"batch[{index}].data",
    )
    item = f'{{"name":{_string(name)},"channel":{_string(channel)},"data":{_string(text)}'
    socket_id = fields.get("socket_id")
    if socket_id is not None:
        item += (
            f',"socket_id":{_string(validate_socket_id(socket_id, f"batch[{index}].socket_id"))}'
        )
    info = fields.get("info")
    if info is not None:
        info_csv = validate_info(info, f"batch[{index}].info")
        if info_csv is not None:
            item += f',"info":{_string(info_csv)}'
    return item + "}"


def _plain_channel(channel: object, limits: Limits) -> TypeGuard[str]:
    """True for a `str` channel name of the plain charset within the limit (the common case).

    False sends the name through `validate_channel`, which accepts the other valid
    names (`#server-to-user-...`) and explains every rejection.
    """
    return (
        type(channel) is str
        and len(channel) <= limits.max_channel_name_length
        and _PLAIN_CHANNEL(channel) is not None
    )


def _plain_name(name: object, limits: Limits) -> TypeGuard[str]:
    """True for a usable event name (what `validate_event_name` accepts), checked inline."""
    return (
        type(name) is str and 0 < len(name) <= limits.max_event_name_length and name.isprintable()
    )


def _batch_items(config: AppConfig, events: object, nonce: bytes | None) -> list[str]:
    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Sequence):
        raise InvalidArgumentTypeError(
            "batch", f"must be a list of events, got {type(events).__name__}"
        )
    if config.json_encoder is not None:
        return [_batch_item(config, event, i, nonce) for i, event in enumerate(events)]
    # Each event takes the fast path (`_plain_item`) or, if that declines it, the
    # fully checked one, which explains every failure.
    limits = config.limits
    return [
        _plain_item(event, limits) or _batch_item(config, event, index, nonce)
        for index, event in enumerate(events)
    ]


def _plain_item(event: object, limits: Limits) -> str | None:
    """The text of the common event, or None to leave it to `_batch_item`.

    The common event is a dict of exactly channel, name and data, with a plain
    unencrypted channel, a usable name and ASCII data within the limit: the same
    checks `_batch_item` applies, giving the same text (default JSON encoder only).
    """
    if type(event) is not dict or len(event) != 3:  # noqa: PLR2004  # channel, name, data
        return None
    channel, name, data = event.get("channel"), event.get("name"), event.get("data", _MISSING)
    if not (
        _plain_channel(channel, limits)
        and not channel.startswith(_ENCRYPTED_PREFIX)
        and _plain_name(name, limits)
    ):
        return None
    if type(data) is str:
        text = data
    elif isinstance(data, str) or data is _MISSING:
        return None
    else:
        try:
            text = _ENCODE(data)
        except (TypeError, ValueError):
            return None
    if not text.isascii() or len(text) > limits.max_payload_bytes:
        return None
    return f'{{"name":{_string(name)},"channel":{_string(channel)},"data":{_string(text)}}}'


def trigger_batch_request(
    config: AppConfig,
    *,
    events: Sequence[Mapping[str, Any] | BatchEvent],
    timestamp: int,
    nonce: bytes | None = None,
) -> HttpRequest:
    """`POST /apps/{id}/batch_events`: 1..batch-limit events in one request.

    Each event is a `BatchEvent` or a dict with `channel`, `name`, `data` and
    optional `socket_id` and `info`. Encrypted events get per-event nonces
    derived from `nonce`.
    """
    items = _batch_items(config, events, nonce)
    _check_batch_size(config, len(items))
    return _post(config, f"/apps/{config.app_id}/batch_events", _batch_body(items), timestamp)


def _batch_body(items: list[str]) -> str:
    return '{"batch":[' + ",".join(items) + "]}"


def _check_batch_size(config: AppConfig, size: int) -> None:
    if size == 0:
        raise InvalidArgumentError("batch", "is empty: give at least one event")
    if size > config.limits.max_batch_size:
        raise InvalidArgumentError(
            "batch",
            f"{size} events given; the limit is {config.limits.max_batch_size} per batch "
            "(Limits.max_batch_size): use trigger_bulk for any number of events",
        )


def trigger_bulk_requests(
    config: AppConfig,
    *,
    events: Sequence[Mapping[str, Any] | BatchEvent],
    timestamp: int,
    nonce: bytes | None = None,
) -> tuple[HttpRequest, ...]:
    """Any number of events as batch requests of at most the batch limit, in order.

    Everything is validated before the first request is returned, so a bad
    event never leaves earlier batches half-sent.
    """
    items = _batch_items(config, events, nonce)
    if not items:
        raise InvalidArgumentError("batch", "is empty: give at least one event")
    size = config.limits.max_batch_size
    path = f"/apps/{config.app_id}/batch_events"
    return tuple(
        _post(config, path, _batch_body(items[start : start + size]), timestamp)
        for start in range(0, len(items), size)
    )


def send_to_user_request(
    config: AppConfig,
    *,
    user_id: str,
    event_name: str,
    data: object,
    timestamp: int,
) -> HttpRequest:
    """Publish an event to every connection of a signed-in user (`#server-to-user-{id}`)."""
    channel = SERVER_TO_USER_PREFIX + validate_user_id(user_id, config.limits)
    return trigger_request(
        config, channels=channel, event_name=event_name, data=data, timestamp=timestamp
    )


def _post(config: AppConfig, path: str, body: str, timestamp: int) -> HttpRequest:
    """Sign a POST of the JSON text `body` to `path` (a literal path: no segment to encode)."""
    check_timestamp(timestamp)
    return signed_request(config, "POST", path, (), body.encode("utf-8"), timestamp)
