"""Channel kinds and validation rules."""

from __future__ import annotations

import pytest

from pusher_core.channels import (
    ChannelKind,
    channel_kind,
    validate_channel,
    validate_channels,
    validate_event_name,
    validate_info,
    validate_socket_id,
    validate_subscription,
    validate_user_id,
)
from pusher_core.config import Limits
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError

LIMITS = Limits()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("my-channel", ChannelKind.PUBLIC),
        ("cache-x", ChannelKind.PUBLIC),
        ("private-x", ChannelKind.PRIVATE),
        ("private-cache-x", ChannelKind.PRIVATE),
        ("private-encrypted-x", ChannelKind.PRIVATE_ENCRYPTED),
        ("private-encrypted-cache-x", ChannelKind.PRIVATE_ENCRYPTED),
        ("presence-x", ChannelKind.PRESENCE),
        ("presence-cache-x", ChannelKind.PRESENCE),
        ("#server-to-user-42", ChannelKind.SERVER_TO_USER),
    ],
)
def test_kinds(name: str, kind: ChannelKind) -> None:
    """The prefix decides the kind; cache variants authorize like their base."""
    assert channel_kind(name) is kind
    assert kind.needs_auth == (
        kind in {ChannelKind.PRIVATE, ChannelKind.PRIVATE_ENCRYPTED, ChannelKind.PRESENCE}
    )


@pytest.mark.parametrize("name", ["a", "A-z_0=9@,.;", "#server-to-user-7", "x" * 164])
def test_valid_channels(name: str) -> None:
    """Documented characters and lengths up to the limit pass unchanged."""
    assert validate_channel(name, LIMITS) == name


@pytest.mark.parametrize(
    "name", ["", "a b", "é", "a#b", "#private-x", "#server-to-user-", "x" * 165, "a/b", "a:b"]
)
def test_invalid_channels(name: str) -> None:
    """Everything else is refused with the argument's name."""
    with pytest.raises(InvalidArgumentError, match=r"^channel: ") as info:
        validate_channel(name, LIMITS)
    assert isinstance(info.value, ValueError)


def test_channel_type() -> None:
    """A non-string name is a TypeError too."""
    with pytest.raises(InvalidArgumentTypeError, match="must be a str") as info:
        validate_channel(5, LIMITS)
    assert isinstance(info.value, TypeError)


def test_channels_one_or_many() -> None:
    """A string is one channel; lists are bounded by the limit; empty is refused."""
    assert validate_channels("a", LIMITS) == ("a",)
    assert validate_channels(["a", "b"], LIMITS) == ("a", "b")
    assert validate_channels(["c"] * 100, LIMITS) == ("c",) * 100
    with pytest.raises(InvalidArgumentError, match="empty"):
        validate_channels([], LIMITS)
    with pytest.raises(InvalidArgumentError, match="101 channels"):
        validate_channels(["c"] * 101, LIMITS)
    with pytest.raises(InvalidArgumentError, match=r"channels\[1\]"):
        validate_channels(["ok", "not ok"], LIMITS)
    with pytest.raises(InvalidArgumentTypeError, match="channels"):
        validate_channels(5, LIMITS)
    assert validate_channels(["x"] * 150, Limits(max_channels_per_trigger=150)) == ("x",) * 150


def test_event_names() -> None:
    """Non-empty, printable, at most 200 characters."""
    assert validate_event_name("my-event", LIMITS) == "my-event"
    assert validate_event_name("é" * 200, LIMITS) == "é" * 200
    for bad in ("", "x" * 201, "a\nb", "\ud800"):
        with pytest.raises(InvalidArgumentError, match="event_name"):
            validate_event_name(bad, LIMITS)
    with pytest.raises(InvalidArgumentTypeError):
        validate_event_name(None, LIMITS)


def test_socket_ids() -> None:
    """Only digits.digits."""
    assert validate_socket_id("123.456") == "123.456"
    for bad in ("", "123", "1.2.3", "a.b", "1.2 ", "\u0661.\u0662"):
        with pytest.raises(InvalidArgumentError, match="socket_id"):
            validate_socket_id(bad)
    with pytest.raises(InvalidArgumentTypeError):
        validate_socket_id(123.456)


def test_user_ids() -> None:
    """Channel-name characters (the server refused `e:2` once), bounded length."""
    assert validate_user_id("user-123", LIMITS) == "user-123"
    for bad in ("", "e:2", "a b", "x" * 201):
        with pytest.raises(InvalidArgumentError, match="user_id"):
            validate_user_id(bad, LIMITS)
    with pytest.raises(InvalidArgumentTypeError):
        validate_user_id(12, LIMITS)


def test_info() -> None:
    """Info attributes normalise to a CSV string."""
    assert validate_info(None) is None
    assert validate_info([]) is None
    assert validate_info("") is None
    assert validate_info(["user_count", "subscription_count"]) == "user_count,subscription_count"
    assert validate_info("user_count, subscription_count") == "user_count,subscription_count"
    with pytest.raises(InvalidArgumentError, match="info"):
        validate_info(["user count"])
    with pytest.raises(InvalidArgumentTypeError, match="info"):
        validate_info(5)


class _Name(str):
    """A str subclass: valid text, not of type str."""

    __slots__ = ()


@pytest.mark.parametrize(
    ("socket_id", "channel", "kind"),
    [
        ("1.2", "private-x", ChannelKind.PRIVATE),
        ("1234.5678", "private-encrypted-x", ChannelKind.PRIVATE_ENCRYPTED),
        ("1.2", "private-encrypted-", ChannelKind.PRIVATE_ENCRYPTED),  # the prefix alone
        ("1.2", "private-", ChannelKind.PRIVATE),
        ("1.2", "presence-", ChannelKind.PRESENCE),
        ("1.2", "presence-cache-x", ChannelKind.PRESENCE),
        ("1.2", "#server-to-user-42", ChannelKind.SERVER_TO_USER),
        ("1.2", "my-channel", ChannelKind.PUBLIC),
        ("1.2", "privatex", ChannelKind.PUBLIC),
        ("1.2", "x" * LIMITS.max_channel_name_length, ChannelKind.PUBLIC),
        (_Name("1.2"), _Name("private-x"), ChannelKind.PRIVATE),
    ],
)
def test_a_subscription_is_signed_as_socket_colon_channel(
    socket_id: str, channel: str, kind: ChannelKind
) -> None:
    """What authorizing signs, and the kind the prefix alone decides."""
    assert validate_subscription(socket_id, channel, LIMITS) == (f"{socket_id}:{channel}", kind)


@pytest.mark.parametrize(
    ("socket_id", "channel", "argument", "error"),
    [
        ("1.2", "#server-to-user-", "channel", InvalidArgumentError),
        ("1.2", "#private-x", "channel", InvalidArgumentError),
        ("1.2", "private-x:y", "channel", InvalidArgumentError),
        ("1.2", "", "channel", InvalidArgumentError),
        ("1.2", "x" * (LIMITS.max_channel_name_length + 1), "channel", InvalidArgumentError),
        ("1.2", 5, "channel", InvalidArgumentTypeError),
        ("12", "private-x", "socket_id", InvalidArgumentError),
        ("1.2:private-x", "private-x", "socket_id", InvalidArgumentError),
        ("1.2.3", "private-x", "socket_id", InvalidArgumentError),
        ("\u0661.\u0662", "private-x", "socket_id", InvalidArgumentError),  # non-ASCII digits
        (1.2, "private-x", "socket_id", InvalidArgumentTypeError),  # formats as "1.2"
        ("12", "#x", "channel", InvalidArgumentError),  # both wrong: the channel is named
    ],
)
def test_a_bad_subscription_is_refused_as_its_own_validator_refuses_it(
    socket_id: object, channel: object, argument: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        validate_subscription(socket_id, channel, LIMITS)
    assert raised.value.argument == argument  # type: ignore[attr-defined]

    def alone() -> object:  # the one validator of that argument, on its own
        if argument == "channel":
            return validate_channel(channel, LIMITS)
        return validate_socket_id(socket_id)

    with pytest.raises(error) as expected:
        alone()
    assert str(raised.value) == str(expected.value)
