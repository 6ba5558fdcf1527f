"""Call plans: every API operation as a value that any shell executes.

A plan holds the signed request to send and how to read its answer. A shell
(the sync client, an async client, a command line, a test double) does only
`plan.parse(transport.send(plan.request))`, plus the clock, nonce, transport and
retry policy it owns, so an operation is written once, here.

Rules:
- Pure: the timestamp and the nonce are arguments, as in the builders.
- A plan is immutable; `parse` raises the typed `ApiError` for a refusal.
- `trigger_bulk_plans` returns one plan per batch, in order: a shell sends them
  one after the other and stops at the first failure, so nothing is sent twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from pusher_core import events as _events, queries, responses
from pusher_core.config import AppConfig
from pusher_core.transport import HttpRequest, HttpResponse

__all__ = [
    "CallPlan",
    "channel_plan",
    "channels_plan",
    "get_plan",
    "post_plan",
    "send_to_user_plan",
    "terminate_connections_plan",
    "trigger_batch_plan",
    "trigger_bulk_plans",
    "trigger_plan",
    "users_plan",
]

T = TypeVar("T")
Decoder = type[json.JSONDecoder] | None
Parser = Callable[[HttpResponse, Decoder], T]


@attrs.frozen(kw_only=True)
class CallPlan(Generic[T]):
    """One request to send and how to read its answer.

    Attributes:
        operation: the API operation's name (`trigger`, `channel_info`, ...), for
            logs and for shells that dispatch on it.
        request: the signed request.
        parser: reads the response into the result (`pusher_core.responses.parse_*`).
        decoder: the app's JSON decoder class, handed to the parser.
    """

    operation: str
    request: HttpRequest
    parser: Parser[T] = attrs.field(repr=False)
    decoder: Decoder = attrs.field(default=None, repr=False)

    def parse(self, response: HttpResponse) -> T:
        """The result of this call, or the typed `ApiError` the server's answer means."""
        return self.parser(response, self.decoder)


def _plan(
    config: AppConfig, operation: str, request: HttpRequest, parser: Parser[T]
) -> CallPlan[T]:
    return CallPlan(
        operation=operation, request=request, parser=parser, decoder=config.json_decoder
    )


def _json_object(response: HttpResponse, decoder: Decoder) -> dict[str, Any]:
    """The answer of an endpoint whose success body does not matter (`{}` if not an object)."""
    return responses.parse_json(response, decoder, strict=False)


def trigger_plan(
    config: AppConfig,
    *,
    channels: str | Sequence[str],
    event_name: str,
    data: object,
    timestamp: int,
    socket_id: str | None = None,
    info: str | Sequence[str] | None = None,
    nonce: bytes | None = None,
) -> CallPlan[responses.TriggerResult]:
    """Publish one event (`events.trigger_request`), read as a `TriggerResult`."""
    request = _events.trigger_request(
        config,
        channels=channels,
        event_name=event_name,
        data=data,
        timestamp=timestamp,
        socket_id=socket_id,
        info=info,
        nonce=nonce,
    )
    return _plan(config, "trigger", request, responses.parse_trigger)


def trigger_batch_plan(
    config: AppConfig,
    *,
    events: Sequence[Mapping[str, Any] | _events.BatchEvent],
    timestamp: int,
    nonce: bytes | None = None,
) -> CallPlan[responses.BatchResult]:
    """Publish up to the batch limit of events in one request, read as a `BatchResult`."""
    request = _events.trigger_batch_request(config, events=events, timestamp=timestamp, nonce=nonce)
    return _plan(config, "trigger_batch", request, responses.parse_batch)


def trigger_bulk_plans(
    config: AppConfig,
    *,
    events: Sequence[Mapping[str, Any] | _events.BatchEvent],
    timestamp: int,
    nonce: bytes | None = None,
) -> tuple[CallPlan[responses.BatchResult], ...]:
    """Any number of events as consecutive batch plans, all validated before the first."""
    requests = _events.trigger_bulk_requests(
        config, events=events, timestamp=timestamp, nonce=nonce
    )
    return tuple(_plan(config, "trigger_batch", r, responses.parse_batch) for r in requests)


def send_to_user_plan(
    config: AppConfig, *, user_id: str, event_name: str, data: object, timestamp: int
) -> CallPlan[responses.TriggerResult]:
    """Publish to every connection of a signed-in user, read as a `TriggerResult`."""
    request = _events.send_to_user_request(
        config, user_id=user_id, event_name=event_name, data=data, timestamp=timestamp
    )
    return _plan(config, "send_to_user", request, responses.parse_trigger)


def channels_plan(
    config: AppConfig,
    *,
    timestamp: int,
    prefix_filter: str | None = None,
    attributes: str | Sequence[str] = (),
) -> CallPlan[responses.ChannelsList]:
    """The occupied channels, read as a `ChannelsList`."""
    request = queries.channels_request(
        config, timestamp=timestamp, prefix_filter=prefix_filter, attributes=attributes
    )
    return _plan(config, "channels_info", request, responses.parse_channels)


def channel_plan(
    config: AppConfig, *, channel: str, timestamp: int, attributes: str | Sequence[str] = ()
) -> CallPlan[responses.ChannelInfo]:
    """One channel's state, read as a `ChannelInfo`."""
    request = queries.channel_request(
        config, channel=channel, timestamp=timestamp, attributes=attributes
    )
    return _plan(config, "channel_info", request, responses.parse_channel)


def users_plan(config: AppConfig, *, channel: str, timestamp: int) -> CallPlan[responses.Users]:
    """The members of a presence channel, read as `Users`."""
    request = queries.users_request(config, channel=channel, timestamp=timestamp)
    return _plan(config, "users_info", request, responses.parse_users)


def terminate_connections_plan(
    config: AppConfig, *, user_id: str, timestamp: int
) -> CallPlan[dict[str, Any]]:
    """Close every connection on which `user_id` signed in; the answer's JSON object."""
    request = queries.terminate_connections_request(config, user_id=user_id, timestamp=timestamp)
    return _plan(config, "terminate_user_connections", request, _json_object)


def get_plan(
    config: AppConfig, *, path: str, timestamp: int, params: Mapping[str, object] | None = None
) -> CallPlan[dict[str, Any]]:
    """A signed GET of any path under `/apps/{id}`; the answer must be a JSON object."""
    request = queries.get_request(config, path=path, timestamp=timestamp, params=params)
    return _plan(config, "get", request, responses.parse_json)


def post_plan(
    config: AppConfig,
    *,
    path: str,
    body: object,
    timestamp: int,
    params: Mapping[str, object] | None = None,
) -> CallPlan[dict[str, Any]]:
    """A signed POST of any path under `/apps/{id}`; the answer's JSON object, if any."""
    request = queries.post_request(config, path=path, body=body, timestamp=timestamp, params=params)
    return _plan(config, "post", request, _json_object)
