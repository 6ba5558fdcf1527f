"""Call plans: each plan function takes exactly its builder's arguments and builds its request."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest

from pusher_core import events, plans, queries, responses
from pusher_core.config import AppConfig
from pusher_core.errors import InvalidArgumentTypeError
from pusher_core.transport import HttpResponse


class Decoder(json.JSONDecoder):
    """The app's own decoder: a plan hands it to its parser."""


CONFIG = AppConfig(app_id="7", key="key", secret="secret", json_decoder=Decoder)
TS = 1_700_000_000

# (plan, builder, operation, parser, the builder's required arguments)
CASES: list[tuple[Callable[..., Any], Callable[..., Any], str, object, dict[str, Any]]] = [
    (
        plans.trigger_plan,
        events.trigger_request,
        "trigger",
        responses.parse_trigger,
        {"channels": "c", "event_name": "e", "data": {"a": 1}, "timestamp": TS},
    ),
    (
        plans.trigger_batch_plan,
        events.trigger_batch_request,
        "trigger_batch",
        responses.parse_batch,
        {"events": [{"channel": "c", "name": "e", "data": "d"}], "timestamp": TS},
    ),
    (
        plans.send_to_user_plan,
        events.send_to_user_request,
        "send_to_user",
        responses.parse_trigger,
        {"user_id": "u", "event_name": "e", "data": "d", "timestamp": TS},
    ),
    (
        plans.channels_plan,
        queries.channels_request,
        "channels_info",
        responses.parse_channels,
        {"timestamp": TS},
    ),
    (
        plans.channel_plan,
        queries.channel_request,
        "channel_info",
        responses.parse_channel,
        {"channel": "c", "timestamp": TS},
    ),
    (
        plans.users_plan,
        queries.users_request,
        "users_info",
        responses.parse_users,
        {"channel": "presence-c", "timestamp": TS},
    ),
    (
        plans.terminate_connections_plan,
        queries.terminate_connections_request,
        "terminate_user_connections",
        None,
        {"user_id": "u", "timestamp": TS},
    ),
    (
        plans.get_plan,
        queries.get_request,
        "get",
        responses.parse_json,
        {"path": "/x", "timestamp": TS},
    ),
    (
        plans.post_plan,
        queries.post_request,
        "post",
        None,
        {"path": "/x", "body": {}, "timestamp": TS},
    ),
]
IDS = [case[2] for case in CASES]


@pytest.mark.parametrize(("plan", "build", "operation", "parser", "arguments"), CASES, ids=IDS)
def test_a_plan_takes_exactly_its_builders_arguments(
    plan: Callable[..., Any],
    build: Callable[..., Any],
    operation: str,
    parser: object,
    arguments: dict[str, Any],
) -> None:
    """Same keyword parameters, defaults and annotations; `config` is positional only."""
    del operation, parser, arguments
    planned = inspect.signature(plan).parameters
    built = inspect.signature(build).parameters
    assert list(planned) == list(built)
    assert planned["config"].kind is inspect.Parameter.POSITIONAL_ONLY
    for name in list(built)[1:]:
        assert planned[name] == built[name]
    assert plan.__name__ == build.__name__.removesuffix("_request") + "_plan"
    assert plan.__module__ == "pusher_core.plans"


@pytest.mark.parametrize(("plan", "build", "operation", "parser", "arguments"), CASES, ids=IDS)
def test_a_plan_holds_its_builders_request_and_reads_with_its_parser(
    plan: Callable[..., Any],
    build: Callable[..., Any],
    operation: str,
    parser: object,
    arguments: dict[str, Any],
) -> None:
    built = plan(CONFIG, **arguments)
    assert built.request == build(CONFIG, **arguments)
    assert built.operation == operation
    assert built.decoder is Decoder
    if parser is not None:
        assert built.parser is parser
    assert isinstance(built.parse(HttpResponse(status=200, body=b"{}")), object)


def test_a_plan_passes_every_optional_argument_on() -> None:
    """Optional arguments given to the plan reach the builder, not its defaults."""
    planned = plans.trigger_plan(
        CONFIG,
        channels="c",
        event_name="e",
        data="d",
        timestamp=TS,
        socket_id="1.2",
        info=["user_count"],
        nonce=None,
    )
    body = json.loads(planned.request.body)
    assert body["socket_id"] == "1.2"
    assert body["info"] == "user_count"


def test_a_wrong_keyword_names_the_plan() -> None:
    with pytest.raises(TypeError, match=r"trigger_plan\(\) got an unexpected keyword argument"):
        plans.trigger_plan(CONFIG, channel="c", event_name="e", data="d", timestamp=TS)  # type: ignore[call-arg]


def test_a_plan_refuses_what_is_not_a_config_as_its_builder_does() -> None:
    """The builder's own check answers (not an AttributeError from reading the decoder)."""
    with pytest.raises(InvalidArgumentTypeError, match="must be an AppConfig"):
        plans.channels_plan({"app_id": "1"}, timestamp=TS)  # type: ignore[arg-type]
