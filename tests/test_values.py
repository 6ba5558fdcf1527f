"""The trusted constructors build exactly what each class's own `__init__` builds."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import attrs
import pytest

from pusher_core._values import trusted_constructor
from pusher_core.auth import ChannelAuth, UserAuth
from pusher_core.transport import HttpRequest, HttpResponse
from pusher_core.webhooks import ChannelOccupied, MemberAdded, ValidWebhook


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (ChannelAuth._signed("k:s", None, None), ChannelAuth(auth="k:s")),
        (
            ChannelAuth._signed("k:s", '{"user_id":"1"}', "c2VjcmV0"),
            ChannelAuth(auth="k:s", channel_data='{"user_id":"1"}', shared_secret="c2VjcmV0"),
        ),
        (UserAuth._signed("k:s", '{"id":"1"}'), UserAuth(auth="k:s", user_data='{"id":"1"}')),
        (
            HttpRequest._signed(
                "POST", "https", "h", 443, "/p", (("a", "1"),), (("X", "y"),), b"{}", "/p?a=1"
            ),
            HttpRequest(
                method="POST",
                scheme="https",
                host="h",
                port=443,
                path="/p",
                query={"a": "1"},
                headers={"X": "y"},
                body=b"{}",
            ),
        ),
        (
            ValidWebhook._verified(
                "k", 5, (ChannelOccupied(channel="c"),), MappingProxyType({"time_ms": 5})
            ),
            ValidWebhook(
                key="k",
                time_ms=5,
                events=[ChannelOccupied(channel="c")],
                payload=MappingProxyType({"time_ms": 5}),
            ),
        ),
        (
            HttpResponse._received(200, (("A", "b"), ("A", "c")), b"{}"),
            HttpResponse(status=200, headers=[("A", "b"), ("A", "c")], body=b"{}"),
        ),
        (
            trusted_constructor(MemberAdded)("presence-a", "42"),
            MemberAdded(channel="presence-a", user_id="42"),
        ),
    ],
    ids=lambda value: type(value).__name__,
)
def test_trusted_value_equals_the_public_construction(built: Any, expected: Any) -> None:
    assert type(built) is type(expected)
    assert built == expected
    assert repr(built) == repr(expected)
    assert hash(built) == hash(expected)
    for field in attrs.fields(type(expected)):  # every slot is filled, the unequal ones too
        assert getattr(built, field.name) == getattr(expected, field.name)
    first = attrs.fields(type(expected))[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(built, first, "x")


def test_it_takes_every_field_in_order_and_nothing_else() -> None:
    make = trusted_constructor(ChannelAuth)
    assert make("a", "b", "c") == ChannelAuth(auth="a", channel_data="b", shared_secret="c")
    with pytest.raises(TypeError):
        make("a")  # no defaults: the caller states every field


def test_it_refuses_what_it_cannot_build_faithfully() -> None:
    @attrs.define(slots=False)
    class Plain:
        x: int

    @attrs.frozen
    class Checked:
        x: int

        def __attrs_post_init__(self) -> None:
            pass

    class NotAttrs:
        __slots__ = ("x",)

    for cls in (Plain, Checked, NotAttrs):
        with pytest.raises(TypeError, match=cls.__name__):
            trusted_constructor(cls)
