"""Building signed webhooks: `verify_webhook` accepts every one and recovers its events."""

from __future__ import annotations

import hashlib
import hmac
import json

import attrs
import pytest
from hypothesis import given, settings, strategies as st

from pusher_core.config import AppConfig
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.webhooks import (
    CacheMiss,
    ChannelOccupied,
    ChannelVacated,
    ClientEvent,
    DecryptionStatus,
    MemberAdded,
    MemberRemoved,
    SubscriptionCount,
    UnknownWebhookEvent,
    ValidWebhook,
    WebhookEvent,
    verify_webhook,
    webhook_request,
)

MASTER = bytes(range(32))
CONFIG = AppConfig(app_id="1", key="hook-key", secret="hook-secret", encryption_master_key=MASTER)
NONCE = bytes(24)
T = 1_700_000_000_000

names = st.text(st.sampled_from("abcXYZ09-_=@,.;"), min_size=1, max_size=20)
plain_channels = names.filter(lambda n: not n.startswith("private-encrypted-"))
texts = st.text(max_size=30).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t))
events: st.SearchStrategy[WebhookEvent] = st.one_of(
    st.builds(ChannelOccupied, channel=names),
    st.builds(ChannelVacated, channel=names),
    st.builds(MemberAdded, channel=names, user_id=names),
    st.builds(MemberRemoved, channel=names, user_id=names),
    st.builds(CacheMiss, channel=names),
    st.builds(SubscriptionCount, channel=names, subscription_count=st.integers(0, 10**6)),
    st.builds(
        ClientEvent,
        channel=plain_channels,
        event=names.map(lambda n: "client-" + n),
        data=texts,
        socket_id=st.none() | st.just("1.2"),
        user_id=st.none() | names,
    ),
    st.builds(
        ClientEvent,
        channel=names.map(lambda n: "private-encrypted-" + n),
        event=st.just("client-x"),
        data=texts,
        socket_id=st.just("3.4"),
    ),
    st.builds(
        UnknownWebhookEvent,
        name=names,
        raw=names.map(lambda n: {"name": "x_" + n, "extra": [1, "two"]}),
    ).map(lambda e: UnknownWebhookEvent(name=str(e.raw["name"]), raw=e.raw)),
)


def _expected(event: WebhookEvent) -> WebhookEvent:
    if isinstance(event, ClientEvent) and event.channel.startswith("private-encrypted-"):
        return attrs.evolve(event, decryption=DecryptionStatus.DECRYPTED)
    return event


def _verified(built: object) -> ValidWebhook:
    assert hasattr(built, "headers")
    verdict = verify_webhook(CONFIG, headers=built.headers, body=built.body, now_ms=T)  # type: ignore[attr-defined]
    assert isinstance(verdict, ValidWebhook), verdict
    return verdict


@settings(deadline=None)  # the first sealing loads PyNaCl
@given(st.lists(events, max_size=6), st.integers(0, 2 * T))
def test_every_built_webhook_verifies_and_round_trips(
    sent: list[WebhookEvent], time_ms: int
) -> None:
    built = webhook_request(CONFIG, sent, time_ms=time_ms, nonce=NONCE)
    verdict = verify_webhook(
        CONFIG, headers=built.headers, body=built.body, now_ms=T, max_age_ms=None
    )
    assert isinstance(verdict, ValidWebhook)
    assert verdict.time_ms == time_ms
    assert verdict.key == "hook-key"
    assert list(verdict.events) == [_expected(e) for e in sent]


def test_the_wire_form_is_pushers() -> None:
    built = webhook_request(
        CONFIG,
        [MemberAdded(channel="presence-a", user_id="7"), ChannelOccupied(channel="a")],
        time_ms=T,
    )
    assert json.loads(built.body) == {
        "time_ms": T,
        "events": [
            {"name": "member_added", "channel": "presence-a", "user_id": "7"},
            {"name": "channel_occupied", "channel": "a"},
        ],
    }
    expected = hmac.new(b"hook-secret", built.body, hashlib.sha256).hexdigest()
    assert built.header("x-pusher-signature") == expected
    assert built.header("X-Pusher-Key") == "hook-key"
    assert built.header("content-type") == "application/json"
    assert built.header("missing") is None
    assert _verified(built).events[1] == ChannelOccupied(channel="a")


def test_client_event_fields_are_optional() -> None:
    built = webhook_request(
        CONFIG, [ClientEvent(channel="private-a", event="client-e", data="d")], time_ms=T
    )
    (event,) = json.loads(built.body)["events"]
    assert event == {
        "name": "client_event",
        "channel": "private-a",
        "event": "client-e",
        "data": "d",
    }


def test_encrypted_client_events_are_sealed_each_under_its_own_nonce() -> None:
    sent = [
        ClientEvent(channel="private-encrypted-a", event="client-e", data="same"),
        ClientEvent(channel="private-encrypted-a", event="client-e", data="same"),
    ]
    built = webhook_request(CONFIG, sent, time_ms=T, nonce=NONCE)
    first, second = json.loads(built.body)["events"]
    assert "same" not in built.body.decode()
    assert first["data"] != second["data"]
    assert [e.data for e in _verified(built).events] == ["same", "same"]  # type: ignore[union-attr]


def test_encrypted_client_events_need_a_nonce_and_text() -> None:
    event = ClientEvent(channel="private-encrypted-a", event="client-e", data="x")
    with pytest.raises(InvalidArgumentError, match="nonce"):
        webhook_request(CONFIG, [event], time_ms=T)
    with pytest.raises(InvalidArgumentTypeError, match="plaintext str"):
        webhook_request(CONFIG, [attrs.evolve(event, data={"a": 1})], time_ms=T, nonce=NONCE)
    with pytest.raises(InvalidArgumentTypeError, match="nonce"):
        webhook_request(CONFIG, [event], time_ms=T, nonce=b"short")


def test_soketi_style_object_data_is_sent_as_json() -> None:
    built = webhook_request(
        CONFIG, [ClientEvent(channel="private-a", event="client-e", data={"a": 1})], time_ms=T
    )
    assert _verified(built).events[0].data == {"a": 1}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"config": "x"}, InvalidArgumentTypeError, "config"),
        ({"time_ms": -1}, InvalidArgumentTypeError, "time_ms"),
        ({"time_ms": 1.5}, InvalidArgumentTypeError, "time_ms"),
        ({"events": "abc"}, InvalidArgumentTypeError, "iterable of webhook events"),
        ({"events": 3}, InvalidArgumentTypeError, "iterable of webhook events"),
        ({"events": [{"name": "x"}]}, InvalidArgumentTypeError, r"events\[0\]"),
        (
            {"events": [ClientEvent(channel="a", event="e", data={1j})]},
            InvalidArgumentTypeError,
            "cannot be JSON-encoded",
        ),
        (
            {"events": [ClientEvent(channel="a", event="e", data="\ud800")]},
            InvalidArgumentError,
            "lone surrogate",
        ),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], fragment: str) -> None:
    arguments: dict[str, object] = {"config": CONFIG, "events": [], "time_ms": T}
    arguments.update(kwargs)
    with pytest.raises(error, match=fragment):
        webhook_request(**arguments)  # type: ignore[arg-type]
