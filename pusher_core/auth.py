"""Channel authorization and user authentication: the signed answers pusher-js asks for.

Rules (Pusher "Authorizing users" and "Authenticating users", auth signatures):
- `auth` is `"<key>:" + hex HMAC-SHA256(secret, string)`, where the string is
  `socket_id:channel` for private and private-encrypted channels,
  `socket_id:channel:channel_data` for presence channels, and
  `socket_id::user::user_data` for user sign-in.
- `channel_data` and `user_data` are serialized once (compact JSON, the configured
  encoder) and the exact string signed is the exact string returned: servers
  verify against the string the client sends back.
- `shared_secret` (private-encrypted channels only) is the base64 *text* of
  SHA-256(channel || master key). It is handed to the authorized client, never
  signed, and never shown in a `repr`.
- Public and `#server-to-user-` channels are never authorized: asking is an error.
- `custom_data` (or `user_id`/`user_info`) on a non-presence channel is ignored
  with an `IgnoredCustomDataWarning`: servers verify only `socket_id:channel` there,
  so signing it would produce an auth that fails.
- Every input goes through the named validators of `channels.py`, which own
  the channel grammar and every error message.
"""

from __future__ import annotations

import base64
import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import attrs

from pusher_core import _json
from pusher_core._values import trusted_constructor
from pusher_core.channels import (
    ChannelKind,
    validate_socket_id,
    validate_subscription,
    validate_user_id,
)
from pusher_core.config import AppConfig, check_config
from pusher_core.encryption import shared_secret as _channel_key
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError

__all__ = [
    "ChannelAuth",
    "IgnoredCustomDataWarning",
    "UserAuth",
    "authenticate_user",
    "authorize_channel",
]

_PACKAGE_DIR = str(Path(__file__).parent)  # as code objects spell it
# The kinds compared on every authorization, bound once (enum attribute lookups are slow).
_PUBLIC, _ENCRYPTED, _PRESENCE, _SERVER_TO_USER = (
    ChannelKind.PUBLIC,
    ChannelKind.PRIVATE_ENCRYPTED,
    ChannelKind.PRESENCE,
    ChannelKind.SERVER_TO_USER,
)


class IgnoredCustomDataWarning(UserWarning):
    """`custom_data`, `user_id` or `user_info` was given for a non-presence channel and ignored."""


@attrs.frozen(kw_only=True)
class ChannelAuth:
    """The answer to a channel authorization request, as pusher-js expects it.

    Attributes:
        auth: `"<key>:<hex signature>"`.
        channel_data: presence channels only: the exact JSON string that was signed.
        shared_secret: private-encrypted channels only: the channel key, base64 text.
    """

    auth: str
    channel_data: str | None = None
    shared_secret: str | None = attrs.field(default=None, repr=False)

    _signed: ClassVar[Callable[..., ChannelAuth]]
    """The authorizer's constructor: (auth, channel_data, shared_secret), trusted."""

    def to_dict(self) -> dict[str, str]:
        """The JSON object pusher-js reads: `auth`, plus the other fields when set."""
        result = {"auth": self.auth}
        if self.channel_data is not None:
            result["channel_data"] = self.channel_data
        if self.shared_secret is not None:
            result["shared_secret"] = self.shared_secret
        return result

    def to_json(self) -> str:
        """The response body: compact JSON of `to_dict()`."""
        return _json.dumps(self.to_dict())


ChannelAuth._signed = trusted_constructor(ChannelAuth)  # noqa: SLF001


@attrs.frozen(kw_only=True)
class UserAuth:
    """The answer to a user sign-in request: `auth` and the exact signed `user_data`."""

    auth: str
    user_data: str

    _signed: ClassVar[Callable[..., UserAuth]]
    """The authenticator's constructor: (auth, user_data), trusted."""

    def to_dict(self) -> dict[str, str]:
        """The JSON object pusher-js reads: `{"auth": ..., "user_data": ...}`."""
        return {"auth": self.auth, "user_data": self.user_data}

    def to_json(self) -> str:
        """The response body: compact JSON of `to_dict()`."""
        return _json.dumps(self.to_dict())


UserAuth._signed = trusted_constructor(UserAuth)  # noqa: SLF001


def authorize_channel(
    config: AppConfig,
    *,
    channel: str,
    socket_id: str,
    user_id: str | int | None = None,
    user_info: Any = None,
    custom_data: Mapping[str, Any] | None = None,
) -> ChannelAuth:
    """Authorize one connection (`socket_id`) to subscribe to `channel`.

    Args:
        config: the app whose secret signs.
        channel: a `private-`, `private-encrypted-` or `presence-` channel
            (cache variants included).
        socket_id: the connection's id, `digits.digits`.
        user_id: presence only: the member's id, a string or an integer.
        user_info: presence only: optional JSON-encodable details about the member.
        custom_data: the reference's form of the same, `{"user_id": ..., "user_info": ...}`;
            extra keys are kept in `channel_data`. Give it or `user_id`, not both.

    Returns:
        A `ChannelAuth`; `to_json()` is the response body.

    Raises:
        InvalidArgumentError: a bad socket id or channel name, a public or
            `#server-to-user-` channel, a presence channel without a user id, or an
            encrypted channel without a configured master key.
        InvalidArgumentTypeError: an argument of the wrong type.
    """
    check_config(config)
    subject, kind = validate_subscription(socket_id, channel, config.limits)
    if kind is _PUBLIC or kind is _SERVER_TO_USER:
        _refuse(channel, kind)
    if custom_data is not None and not isinstance(custom_data, Mapping):
        raise InvalidArgumentTypeError(
            "custom_data",
            "must be a mapping such as {'user_id': '42', 'user_info': {...}}, "
            f"got {type(custom_data).__name__}",
        )
    if kind is _PRESENCE:
        channel_data = _channel_data(config, user_id, user_info, custom_data)
        argument = "user_info" if custom_data is None else "custom_data"
        signature = config.signer.sign(f"{subject}:{channel_data}", argument)
        return ChannelAuth._signed(f"{config.key}:{signature}", channel_data, None)  # noqa: SLF001
    if custom_data or user_id is not None or user_info is not None:
        warnings.warn(
            f"custom_data, user_id and user_info are only used by presence channels; ignored "
            f"for {channel!r}, whose auth signs only socket_id:channel as servers verify it",
            IgnoredCustomDataWarning,
            stacklevel=_outside_caller(),
        )
    auth = f"{config.key}:{config.signer.sign(subject)}"
    if kind is _ENCRYPTED:
        key = _channel_key(channel, config.encryption_master_key)
        shared = base64.b64encode(key).decode("ascii")
        return ChannelAuth._signed(auth, None, shared)  # noqa: SLF001
    return ChannelAuth._signed(auth, None, None)  # noqa: SLF001


def _refuse(name: str, kind: ChannelKind) -> NoReturn:
    """Public and server-to-user channels are never authorized: say what to do instead."""
    if kind is ChannelKind.SERVER_TO_USER:
        raise InvalidArgumentError(
            "channel",
            f"{name!r} is a server-to-user channel: pusher-js subscribes to it after user "
            "sign-in; authenticate the user with authenticate_user instead",
        )
    raise InvalidArgumentError(
        "channel",
        f"{name!r} is a public channel: clients subscribe to it without authorization; "
        "only private-, private-encrypted- and presence- channels are authorized",
    )


def _outside_caller() -> int:
    """The `stacklevel` of the first caller outside pusher_core (the facade included).

    So the warning points at the application's line, however it got here.
    """
    frame = inspect.currentframe()
    level = 0
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


def _check_user_id(user_id: object, config: AppConfig, argument: str) -> None:
    """A presence user id: a valid id string, or an int whose digits are one."""
    if type(user_id) is str:
        validate_user_id(user_id, config.limits, argument)
        return
    if isinstance(user_id, bool) or not isinstance(user_id, (str, int)):
        raise InvalidArgumentTypeError(
            argument, f"must be a str or an int, got {type(user_id).__name__}"
        )
    if isinstance(user_id, str):
        validate_user_id(user_id, config.limits, argument)
        return
    try:
        text = str(user_id)
    except ValueError:  # more digits than Python will print
        raise InvalidArgumentError(argument, "is far too long for a user id") from None
    validate_user_id(text, config.limits, argument)


def _channel_data(
    config: AppConfig,
    user_id: object,
    user_info: object,
    custom_data: Mapping[str, Any] | None,
) -> str:
    """The presence `channel_data` string, serialized exactly once."""
    if custom_data is not None:
        if user_id is not None or user_info is not None:
            raise InvalidArgumentError(
                "custom_data", "give either custom_data or user_id/user_info, not both"
            )
        if custom_data.get("user_id") is None:
            raise InvalidArgumentError(
                "custom_data",
                "presence channels need a user id: pass {'user_id': ..., 'user_info': {...}}",
            )
        _check_user_id(custom_data["user_id"], config, "custom_data['user_id']")
        return _json.dumps_user(dict(custom_data), config.json_encoder, "custom_data")
    if user_id is None:
        raise InvalidArgumentError(
            "user_id", "presence channels need the member's user id (a str or an int)"
        )
    _check_user_id(user_id, config, "user_id")
    payload: dict[str, Any] = {"user_id": user_id}
    if user_info is not None:
        payload["user_info"] = user_info
    return _json.dumps_user(payload, config.json_encoder, "user_info")


def authenticate_user(
    config: AppConfig, *, socket_id: str, user_data: Mapping[str, Any] | None
) -> UserAuth:
    """Sign in one connection as a user (`socket_id::user::user_data`).

    The reference's `Pusher.authenticate_user(socket_id, user_data)` dict is
    `authenticate_user(config, socket_id=..., user_data=...).to_dict()`; it
    differs only in using compact JSON for `user_data`.

    Args:
        config: the app whose secret signs.
        socket_id: the connection's id, `digits.digits`.
        user_data: a mapping with a non-empty string `id`, optional `user_info`,
            optional `watchlist` (a list of at most `Limits.max_watchlist_size`
            user ids) and any other keys, serialized in their given order.

    Returns:
        A `UserAuth`; `to_json()` is the response body.

    Raises:
        InvalidArgumentError: a bad socket id, a missing or invalid `id`, or a
            watchlist that is too long or holds an invalid id.
        InvalidArgumentTypeError: an argument of the wrong type.
    """
    check_config(config)
    socket = validate_socket_id(socket_id)
    if not isinstance(user_data, dict):
        user_data = _user_data_mapping(user_data)
    if "id" not in user_data:
        raise InvalidArgumentError(
            "user_data", "has no 'id': give the user's id as a non-empty string"
        )
    validate_user_id(user_data["id"], config.limits, "user_data['id']")
    if "watchlist" in user_data:
        _check_watchlist(user_data["watchlist"], config)
    encoded = _json.dumps_user(user_data, config.json_encoder, "user_data")
    signature = config.signer.sign(f"{socket}::user::{encoded}", "user_data")
    return UserAuth._signed(f"{config.key}:{signature}", encoded)  # noqa: SLF001


def _user_data_mapping(user_data: object) -> dict[str, Any]:
    """Any mapping as a dict (what the JSON encoder takes); None and others are errors."""
    if user_data is None:
        raise InvalidArgumentError(
            "user_data", "is required: a mapping with a non-empty string 'id'"
        )
    if not isinstance(user_data, Mapping):
        raise InvalidArgumentTypeError(
            "user_data", f"must be a mapping with an 'id', got {type(user_data).__name__}"
        )
    return dict(user_data)


def _check_watchlist(watchlist: object, config: AppConfig) -> None:
    argument = "user_data['watchlist']"
    if isinstance(watchlist, (str, bytes)) or not isinstance(watchlist, Sequence):
        raise InvalidArgumentTypeError(
            argument, f"must be a list of user ids, got {type(watchlist).__name__}"
        )
    limit = config.limits.max_watchlist_size
    if len(watchlist) > limit:
        raise InvalidArgumentError(
            argument,
            f"holds {len(watchlist)} user ids; the limit is {limit} "
            "(Limits.max_watchlist_size; Pusher truncates longer lists with error 4302)",
        )
    for i, member in enumerate(watchlist):
        validate_user_id(member, config.limits, f"{argument}[{i}]")
