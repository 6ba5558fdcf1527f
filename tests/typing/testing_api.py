"""Type-checked by mypy only (never run): the testing API reads as documented.

`pusher_core.strategies` and the `pusher_fake` fixture's `PusherFake`, as a user's
test suite annotates them.
"""

from __future__ import annotations

from typing import Any, assert_type

from hypothesis import strategies as st

from pusher_core import AppConfig, ChannelKind, Pusher, TypedPusher, strategies as ps
from pusher_core.testing import ChannelOccupied, FakeClock, PusherFake, RecordedEvent
from pusher_core.webhooks import SignedWebhook


def strategies(config: AppConfig) -> None:
    assert_type(ps.channel_names(ChannelKind.PRESENCE), st.SearchStrategy[str])
    assert_type(ps.invalid_socket_ids(), st.SearchStrategy[str])
    assert_type(
        ps.auth_request_bodies("user", encoding="form"), st.SearchStrategy[tuple[bytes, str]]
    )
    assert_type(ps.auth_requests(), st.SearchStrategy[ps.AuthRequest])
    assert_type(ps.event_payloads(1024), st.SearchStrategy[object])
    occupied = st.lists(st.builds(ChannelOccupied, channel=ps.channel_names()))
    assert_type(ps.signed_webhooks(config, occupied, now_ms=0), st.SearchStrategy[SignedWebhook])
    assert_type(ps.tampered_webhooks(config, now_ms=0), st.SearchStrategy[SignedWebhook])


def fixture(pusher_fake: PusherFake, app_client: Pusher) -> None:
    assert_type(pusher_fake.client, Pusher)
    assert_type(pusher_fake.typed, TypedPusher)
    assert_type(pusher_fake.clock, FakeClock)
    assert_type(pusher_fake.clock.advance(60), float)
    pusher_fake.patch(app_client)
    assert_type(pusher_fake.assert_triggered("c", "e", data={"a": 1}), RecordedEvent)
    assert_type(pusher_fake.events("c"), tuple[RecordedEvent, ...])
    assert_type(pusher_fake.webhook(ChannelOccupied(channel="c")), SignedWebhook)
    assert_type(pusher_fake.client.trigger("c", "e", "d"), dict[str, Any])
