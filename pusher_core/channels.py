"""Channel kinds and the validation rules for names, events, sockets and users.

Rules (Pusher docs "Channel Naming Conventions", HTTP API limits):
- Channel names use letters, digits and `-_=@,.;`; `#` only as `#server-to-user-`.
- Limits come from `Limits`, never from constants here.
- Every rejection names the argument and says what to change. Wrong types raise
  `InvalidArgumentTypeError` (a `TypeError`), bad values `InvalidArgumentError`
  (a `ValueError`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from pusher_core.config import Limits
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError

__all__ = [
    "ENCRYPTED_PREFIX",
    "NAME_CHARACTERS",
    "PRESENCE_PREFIX",
    "PRIVATE_PREFIX",
    "SERVER_TO_USER_PREFIX",
    "ChannelKind",
    "channel_kind",
    "is_encrypted",
    "validate_channel",
    "validate_channel_prefix",
    "validate_channels",
    "validate_event_name",
    "validate_info",
    "validate_socket_id",
    "validate_subscription",
    "validate_user_id",
]

PRIVATE_PREFIX = "private-"
ENCRYPTED_PREFIX = "private-encrypted-"
PRESENCE_PREFIX = "presence-"
SERVER_TO_USER_PREFIX = "#server-to-user-"
NAME_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=@,.;"
"""Every character a channel name or user id may hold (`#` only in `SERVER_TO_USER_PREFIX`)."""
_CHARSET = re.escape(NAME_CHARACTERS)  # the same set, as a regex class body
_SOCKET_ID_FORM = r"[0-9]+\.[0-9]+"  # Pusher's socket ids: digits.digits
_NAME = re.compile(f"[{_CHARSET}]+").fullmatch
_PREFIX = re.compile(f"#?[{_CHARSET}]*").fullmatch
_SOCKET_ID = re.compile(_SOCKET_ID_FORM).fullmatch
_NAME_CHARS = "letters, digits and - _ = @ , . ;"


class ChannelKind(enum.Enum):
    """What a channel name's prefix makes it."""

    PUBLIC = "public"
    PRIVATE = "private"
    PRIVATE_ENCRYPTED = "private-encrypted"
    PRESENCE = "presence"
    SERVER_TO_USER = "server-to-user"

    @property
    def needs_auth(self) -> bool:
        """Whether a client must be authorized to subscribe."""
        return self in (ChannelKind.PRIVATE, ChannelKind.PRIVATE_ENCRYPTED, ChannelKind.PRESENCE)


# The members, bound once: an enum attribute lookup costs a Python call on 3.11.
_PUBLIC, _PRIVATE, _ENCRYPTED, _PRESENCE, _SERVER_TO_USER = ChannelKind


def channel_kind(name: str) -> ChannelKind:
    """Classify a channel by prefix (cache variants authorize like their base)."""
    if type(name) is not str:
        _require_str(name, "name")
    if name.startswith(PRIVATE_PREFIX):
        return _ENCRYPTED if name.startswith(ENCRYPTED_PREFIX) else _PRIVATE
    if name.startswith(PRESENCE_PREFIX):
        return _PRESENCE
    if name.startswith(SERVER_TO_USER_PREFIX):
        return _SERVER_TO_USER
    return _PUBLIC


# `socket_id:channel`, both valid, in one match; the group that matched names the
# kind. The prefixes are tried as lookaheads, in `channel_kind`'s order, so a name
# is classified by its prefix alone, as there ("private-encrypted-" is encrypted);
# only the server-to-user prefix is consumed, as its `#` is outside the charset.
_SUBSCRIPTION = re.compile(
    f"{_SOCKET_ID_FORM}:(?:(?=({re.escape(ENCRYPTED_PREFIX)}))|(?=({re.escape(PRIVATE_PREFIX)}))"
    f"|(?=({re.escape(PRESENCE_PREFIX)}))|({re.escape(SERVER_TO_USER_PREFIX)}))?[{_CHARSET}]+"
).fullmatch
_KIND_OF_GROUP = (_PUBLIC, _ENCRYPTED, _PRIVATE, _PRESENCE, _SERVER_TO_USER)  # group 0: none


def validate_subscription(
    socket_id: object, channel: object, limits: Limits
) -> tuple[str, ChannelKind]:
    """`socket_id:channel` (the string a channel auth signs) and the channel's kind.

    The checks of `validate_channel` and `validate_socket_id` in one match, as
    authorizing needs all three answers; a rejection is theirs, the channel's first.
    """
    if (
        type(socket_id) is str
        and type(channel) is str
        and len(channel) <= limits.max_channel_name_length
    ):
        subject = f"{socket_id}:{channel}"
        match = _SUBSCRIPTION(subject)
        if match is not None:
            return subject, _KIND_OF_GROUP[match.lastindex or 0]
    name = validate_channel(channel, limits)
    return f"{validate_socket_id(socket_id)}:{name}", channel_kind(name)


def is_encrypted(name: str) -> bool:
    """Whether events on `name` are end-to-end encrypted (`private-encrypted-...`)."""
    return name.startswith(ENCRYPTED_PREFIX)


def _require_str(value: object, argument: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentTypeError(argument, f"must be a str, got {type(value).__name__}")
    return value


def validate_channel(name: object, limits: Limits, argument: str = "channel") -> str:
    """Return `name` if it is a valid channel name, else raise naming `argument`."""
    if type(name) is str and len(name) <= limits.max_channel_name_length and _NAME(name):
        return name  # the common case, accepted by the rules below in one match
    name = _require_str(name, argument)
    body = name.removeprefix(SERVER_TO_USER_PREFIX)
    if not body or not _NAME(body):
        raise InvalidArgumentError(
            argument,
            f"{name!r} is not a valid channel name: use only {_NAME_CHARS} "
            f"(and '#' only in the prefix {SERVER_TO_USER_PREFIX!r})",
        )
    if len(name) > limits.max_channel_name_length:
        raise InvalidArgumentError(
            argument,
            f"channel name is {len(name)} characters; the limit is "
            f"{limits.max_channel_name_length} (Limits.max_channel_name_length)",
        )
    return name


def validate_channel_prefix(prefix: object, argument: str = "prefix_filter") -> str:
    """Return `prefix` if channel names can start with it (e.g. `presence-`)."""
    if not isinstance(prefix, str):
        raise InvalidArgumentTypeError(argument, "must be a str such as 'presence-'")
    if not _PREFIX(prefix):
        raise InvalidArgumentError(argument, f"{prefix!r} cannot start a channel name")
    return prefix


def validate_channels(
    channels: object, limits: Limits, argument: str = "channels"
) -> tuple[str, ...]:
    """Accept one channel name or a sequence of them; return them as a tuple."""
    if isinstance(channels, str):
        return (validate_channel(channels, limits, argument),)
    if not isinstance(channels, Sequence) and not isinstance(channels, (set, frozenset)):
        raise InvalidArgumentTypeError(
            argument, f"must be a channel name or a list of names, got {type(channels).__name__}"
        )
    names = tuple(channels)
    if not names:
        raise InvalidArgumentError(argument, "is empty: give at least one channel")
    if len(names) > limits.max_channels_per_trigger:
        raise InvalidArgumentError(
            argument,
            f"{len(names)} channels given; the limit is {limits.max_channels_per_trigger} "
            "per trigger (Limits.max_channels_per_trigger): split the call",
        )
    return tuple(validate_channel(name, limits, f"{argument}[{i}]") for i, name in enumerate(names))


def validate_event_name(name: object, limits: Limits, argument: str = "event_name") -> str:
    """Return `name` if it is a usable event name (non-empty, printable, within the limit)."""
    if type(name) is str and 0 < len(name) <= limits.max_event_name_length and name.isprintable():
        return name  # the common case: every rule below, checked at once
    name = _require_str(name, argument)
    if not name:
        raise InvalidArgumentError(argument, "must not be empty")
    if not name.isprintable():
        raise InvalidArgumentError(argument, "must be printable text")
    if len(name) > limits.max_event_name_length:
        raise InvalidArgumentError(
            argument,
            f"event name is {len(name)} characters; the limit is "
            f"{limits.max_event_name_length} (Limits.max_event_name_length)",
        )
    return name


def validate_socket_id(socket_id: object, argument: str = "socket_id") -> str:
    """Return `socket_id` if it has Pusher's `digits.digits` form."""
    if type(socket_id) is str and _SOCKET_ID(socket_id):
        return socket_id
    socket_id = _require_str(socket_id, argument)
    if not _SOCKET_ID(socket_id):
        raise InvalidArgumentError(
            argument,
            f"{socket_id!r} is not a socket id; expected digits.digits such as '1234.5678' "
            "(the value pusher-js reports as connection.socket_id)",
        )
    return socket_id


def validate_user_id(user_id: object, limits: Limits, argument: str = "user_id") -> str:
    """Return `user_id` if it can name a user (channel-name characters, within the limit)."""
    if type(user_id) is str and len(user_id) <= limits.max_user_id_length and _NAME(user_id):
        return user_id  # the common case, accepted by the rules below in one match
    user_id = _require_str(user_id, argument)
    if not _NAME(user_id):
        raise InvalidArgumentError(
            argument, f"{user_id!r} is not a valid user id: use only {_NAME_CHARS}"
        )
    if len(user_id) > limits.max_user_id_length:
        raise InvalidArgumentError(
            argument,
            f"user id is {len(user_id)} characters; the limit is {limits.max_user_id_length}",
        )
    return user_id


_INFO_ATTRIBUTE = re.compile(r"\A[a-z_]+\Z")


def validate_info(info: object, argument: str = "info") -> str | None:
    """Normalise `info` attributes (a CSV string or a sequence) to a CSV string or None."""
    if info is None:
        return None
    parts: list[str]
    if isinstance(info, str):
        parts = [part.strip() for part in info.split(",")] if info else []
    elif isinstance(info, Sequence):
        parts = [_require_str(part, f"{argument}[{i}]") for i, part in enumerate(info)]
    else:
        raise InvalidArgumentTypeError(
            argument,
            f"must be a list of attribute names or a CSV string, got {type(info).__name__}",
        )
    for part in parts:
        if not _INFO_ATTRIBUTE.match(part):
            raise InvalidArgumentError(
                argument, f"{part!r} is not an attribute name such as 'user_count'"
            )
    return ",".join(parts) if parts else None
