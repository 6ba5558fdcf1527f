"""Builders are total (a value or a PusherError, nothing else) and never mutate their inputs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import given, strategies as st

from property_tests.strategies import channel_names, event_names, json_values, socket_ids
from pusher_core import events, queries
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import PusherError
from pusher_core.transport import HttpRequest

CONFIG = AppConfig(
    app_id="1",
    key="k",
    secret="s",
    encryption_master_key=b"m" * 32,
    limits=Limits(max_batch_size=4),
)
NONCE = b"n" * 24

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.binary(max_size=8),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
maybe_channel = channel_names | st.sampled_from(["private-encrypted-x", "presence-y"]) | anything
maybe_channels = maybe_channel | st.lists(maybe_channel, max_size=5)
maybe_event = event_names | anything
maybe_socket = st.none() | socket_ids | anything
batch_item = st.fixed_dictionaries(
    {"channel": maybe_channel, "name": maybe_event, "data": json_values},
    optional={"socket_id": maybe_socket, "info": anything, "extra": anything},
)
batches = st.lists(batch_item, max_size=6) | anything


def _total(build: Callable[[], Any]) -> None:
    try:
        result = build()
    except PusherError:
        return
    requests = result if isinstance(result, tuple) else (result,)
    assert all(isinstance(r, HttpRequest) for r in requests)


@given(maybe_channels, maybe_event, json_values | anything, maybe_socket, anything)
def test_trigger_is_total(channels: Any, name: Any, data: Any, socket_id: Any, info: Any) -> None:
    """Any input to trigger gives a request or a PusherError."""
    _total(
        lambda: events.trigger_request(
            CONFIG,
            channels=channels,
            event_name=name,
            data=data,
            socket_id=socket_id,
            info=info,
            timestamp=1,
            nonce=NONCE,
        )
    )


@given(batches)
def test_batch_and_bulk_are_total(batch: Any) -> None:
    """Any input to batch or bulk gives request(s) or a PusherError."""
    _total(lambda: events.trigger_batch_request(CONFIG, events=batch, timestamp=1, nonce=NONCE))
    _total(lambda: events.trigger_bulk_requests(CONFIG, events=batch, timestamp=1, nonce=NONCE))


@given(anything | channel_names, anything, maybe_event, json_values)
def test_queries_are_total(channel: Any, other: Any, name: Any, data: Any) -> None:
    """Every query builder is total too."""
    _total(
        lambda: queries.channels_request(
            CONFIG, prefix_filter=channel, attributes=other, timestamp=1
        )
    )
    _total(lambda: queries.channel_request(CONFIG, channel=channel, attributes=other, timestamp=1))
    _total(lambda: queries.users_request(CONFIG, channel=channel, timestamp=1))
    _total(lambda: queries.terminate_connections_request(CONFIG, user_id=channel, timestamp=1))
    _total(lambda: queries.get_request(CONFIG, path=channel, params=other, timestamp=1))
    _total(lambda: queries.post_request(CONFIG, path=channel, body=data, params=other, timestamp=1))
    _total(
        lambda: events.send_to_user_request(
            CONFIG, user_id=channel, event_name=name, data=data, timestamp=1
        )
    )


@given(st.lists(batch_item, min_size=1, max_size=6))
def test_batch_never_mutates(batch: list[dict[str, Any]]) -> None:
    """The caller's list and dicts are unchanged, whatever happens."""
    before = copy.deepcopy(batch)
    _total(lambda: events.trigger_bulk_requests(CONFIG, events=batch, timestamp=1, nonce=NONCE))
    _total(lambda: events.trigger_batch_request(CONFIG, events=batch, timestamp=1, nonce=NONCE))
    assert batch == before


@given(st.lists(channel_names, min_size=1, max_size=5), json_values)
def test_trigger_never_mutates(channels: list[str], data: Any) -> None:
    """Channel lists and data structures are unchanged by building a trigger."""
    before = copy.deepcopy((channels, data))
    _total(
        lambda: events.trigger_request(
            CONFIG, channels=channels, event_name="e", data=data, timestamp=1, nonce=NONCE
        )
    )
    assert (channels, data) == before
