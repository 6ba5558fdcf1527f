"""Call plans: each plan function takes exactly its builder's arguments and builds its request."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any, NamedTuple, cast

import pytest

from pusher_core import events, plans, queries, responses
from pusher_core.config import AppConfig
from pusher_core.errors import InvalidArgumentTypeError
from pusher_core.transport import HttpResponse


class Decoder(json.JSONDecoder):
    """The app's own decoder: a plan hands it to its parser."""


CONFIG = AppConfig(app_id="7", key="key", secret="secret", json_decoder=Decoder)
TS = 1_700_000_000


class Case(NamedTuple):
    plan: Callable[..., Any]
    build: Callable[..., Any]
    operation: str
    parser: object  # None: the plans module's own reader of an answer that does not matter
    arguments: dict[str, Any]  # the builder's required arguments


ONE_EVENT = [{"channel": "c", "name": "e", "data": "d"}]
CASES = [
    Case(
        plans.trigger_plan,
        events.trigger_request,
        "trigger",
        responses.parse_trigger,
        {"channels": "c", "event_name": "e", "data": {"a": 1}, "timestamp": TS},
    ),
    Case(
        plans.trigger_batch_plan,
        events.trigger_batch_request,
        "trigger_batch",
        responses.parse_batch,
        {"events": ONE_EVENT, "timestamp": TS},
    ),
    Case(
        plans.send_to_user_plan,
        events.send_to_user_request,
        "send_to_user",
        responses.parse_trigger,
        {"user_id": "u", "event_name": "e", "data": "d", "timestamp": TS},
    ),
    Case(
        plans.channels_plan,
        queries.channels_request,
        "channels_info",
        responses.parse_channels,
        {"timestamp": TS},
    ),
    Case(
        plans.channel_plan,
        queries.channel_request,
        "channel_info",
        responses.parse_channel,
        {"channel": "c", "timestamp": TS},
    ),
    Case(
        plans.users_plan,
        queries.users_request,
        "users_info",
        responses.parse_users,
        {"channel": "presence-c", "timestamp": TS},
    ),
    Case(
        plans.terminate_connections_plan,
        queries.terminate_connections_request,
        "terminate_user_connections",
        None,
        {"user_id": "u", "timestamp": TS},
    ),
    Case(
        plans.get_plan,
        queries.get_request,
        "get",
        responses.parse_json,
        {"path": "/x", "timestamp": TS},
    ),
    Case(
        plans.post_plan,
        queries.post_request,
        "post",
        None,
        {"path": "/x", "body": {}, "timestamp": TS},
    ),
]


@pytest.fixture(params=CASES, ids=[case.operation for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return cast("Case", request.param)


def test_a_plan_takes_exactly_its_builders_arguments(case: Case) -> None:
    """Same keyword parameters, defaults and annotations; `config` is positional only."""
    planned = inspect.signature(case.plan).parameters
    built = inspect.signature(case.build).parameters
    assert list(planned) == list(built)
    assert planned["config"].kind is inspect.Parameter.POSITIONAL_ONLY
    for name in list(built)[1:]:
        assert planned[name] == built[name]
    assert case.plan.__name__ == case.build.__name__.removesuffix("_request") + "_plan"
    assert case.plan.__module__ == "pusher_core.plans"


def test_a_plan_holds_its_builders_request_and_reads_with_its_parser(case: Case) -> None:
    built = case.plan(CONFIG, **case.arguments)
    assert built.request == case.build(CONFIG, **case.arguments)
    assert built.operation == case.operation
    assert built.decoder is Decoder
    if case.parser is not None:
        assert built.parser is case.parser
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
