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

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from pusher_core import _json
from pusher_core.channels import (
    ENCRYPTED_PREFIX,
    SERVER_TO_USER_PREFIX,
    is_encrypted,
    validate_channel,
    validate_channels,
    validate_event_name,
    validate_info,
    validate_socket_id,
    validate_user_id,
)
from pusher_core.config import AppConfig, Limits, check_config
from pusher_core.encryption import check_nonce, derive_nonce, encrypt, require_master_key
from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    PayloadTooLargeError,
    shown,
)
from pusher_core.signing import sign_request
from pusher_core.transport import HttpRequest

__all__ = [
    "BatchEvent",
    "check_batch_size",
    "event_data",
    "send_to_user_request",
    "trigger_batch_request",
    "trigger_bulk_requests",
    "trigger_request",
]

_BATCH_KEYS = frozenset(("channel", "name", "data", "socket_id", "info"))
_REQUIRED_IN_ORDER = ("channel", "name", "data")  # the order missing keys are reported in
_REQUIRED = frozenset(_REQUIRED_IN_ORDER)
_string = _json.string


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
    if channel is not None and channel.startswith(ENCRYPTED_PREFIX):
        if nonce is None:
            # A shell draws no nonce without a master key: then the key is what to fix.
            require_master_key(channel, config.encryption_master_key)
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
    encrypted = [c for c in channels if is_encrypted(c)]
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
    check_config(config)
    names = validate_channels(channels, config.limits)
    name = validate_event_name(event_name, config.limits)
    text = event_data(config, _single_channel(names), data, nonce)
    # The body is `{"name", "channels", "data"[, "socket_id"][, "info"]}`, all strings:
    # assembled around the codec's own string literal (see `_json.string`).
    body = (
        f'{{"name":{_string(name)},"channels":[{",".join(map(_string, names))}],'
        f'"data":{_string(text)}'
    )
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
    if type(event) is dict and _BATCH_KEYS.issuperset(event) and event.keys() >= _REQUIRED:
        return event  # the usual event: every key known, every required key there
    if isinstance(event, BatchEvent):
        return attrs.asdict(event, recurse=False)
    if not isinstance(event, Mapping):
        raise InvalidArgumentTypeError(
            f"batch[{index}]", f"must be a dict or BatchEvent, got {type(event).__name__}"
        )
    if not _BATCH_KEYS.issuperset(event):
        unknown = set(event) - _BATCH_KEYS
        raise InvalidArgumentError(
            f"batch[{index}]",
            f"unknown keys {sorted(map(_key_name, unknown))}; allowed: {sorted(_BATCH_KEYS)}",
        )
    for required in _REQUIRED_IN_ORDER:
        if required not in event:
            raise InvalidArgumentError(f"batch[{index}]", f"is missing {required!r}")
    return event


def _key_name(key: object) -> str:
    return key if isinstance(key, str) else shown(key)  # a 5,000-digit int has no str()


def _batch_items(config: AppConfig, events: object, nonce: bytes | None) -> list[str]:
    """Each event of a batch as its JSON object text: `{"name", "channel", "data", ...}`.

    The loop runs in this one frame, with no helper call per event.
    """
    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Sequence):
        raise InvalidArgumentTypeError(
            "batch", f"must be a list of events, got {type(events).__name__}"
        )
    limits = config.limits
    items = []
    for index, event in enumerate(events):
        fields = _batch_fields(event, index)
        try:
            channel = validate_channel(fields["channel"], limits, "channel")
            name = validate_event_name(fields["name"], limits, "name")
            # Only encrypted events use the nonce: each gets its own, derived from it.
            own_nonce = (
                derive_nonce(check_nonce(nonce), index)
                if nonce is not None and channel.startswith(ENCRYPTED_PREFIX)
                else None
            )
            text = event_data(config, channel, fields["data"], own_nonce, "data")
            item = f'{{"name":{_string(name)},"channel":{_string(channel)},"data":{_string(text)}'
            if len(fields) != len(_REQUIRED):  # an optional key is there
                socket_id = fields.get("socket_id")
                if socket_id is not None:
                    item += f',"socket_id":{_string(validate_socket_id(socket_id, "socket_id"))}'
                info = fields.get("info")
                if info is not None:
                    info_csv = validate_info(info, "info")
                    if info_csv is not None:
                        item += f',"info":{_string(info_csv)}'
        except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
            if exc.argument.partition("[")[0] not in _BATCH_KEYS:
                raise  # not about a field of the event (the nonce, the master key)
            raise exc.within(f"batch[{index}].") from None
        items.append(item + "}")
    return items


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
    check_config(config)
    items = _batch_items(config, events, nonce)
    check_batch_size(len(items), config.limits)
    return _post(config, f"/apps/{config.app_id}/batch_events", _batch_body(items), timestamp)


def _batch_body(items: list[str]) -> str:
    return '{"batch":[' + ",".join(items) + "]}"


def _check_not_empty(size: int) -> None:
    """Refuse publishing no events (a batch, or a bulk of batches)."""
    if size == 0:
        raise InvalidArgumentError("batch", "is empty: give at least one event")


def check_batch_size(size: int, limits: Limits) -> None:
    """Refuse a batch of `size` events: none, or more than `Limits.max_batch_size`."""
    _check_not_empty(size)
    if size > limits.max_batch_size:
        raise InvalidArgumentError(
            "batch",
            f"{size} events given; the limit is {limits.max_batch_size} per batch "
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
    check_config(config)
    items = _batch_items(config, events, nonce)
    _check_not_empty(len(items))
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
    check_config(config)
    channel = SERVER_TO_USER_PREFIX + validate_user_id(user_id, config.limits)
    return trigger_request(
        config, channels=channel, event_name=event_name, data=data, timestamp=timestamp
    )


def _post(config: AppConfig, path: str, body: str, timestamp: int) -> HttpRequest:
    """Sign a POST of the JSON text `body` to `path` (a literal path: no segment to encode)."""
    return sign_request(
        config, method="POST", path=path, body=body.encode("utf-8"), timestamp=timestamp
    )
