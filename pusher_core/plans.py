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
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, TypeVar

import attrs

from pusher_core import events as _events, queries, responses
from pusher_core._values import trusted_constructor
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
P = ParamSpec("P")
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

    _built: ClassVar[Callable[..., CallPlan[Any]]]
    """The planners' constructor: (operation, request, parser, decoder), trusted."""

    def parse(self, response: HttpResponse) -> T:
        """The result of this call, or the typed `ApiError` the server's answer means."""
        return self.parser(response, self.decoder)


CallPlan._built = trusted_constructor(CallPlan)  # noqa: SLF001


def _plan(
    config: AppConfig, operation: str, request: HttpRequest, parser: Parser[T]
) -> CallPlan[T]:
    """Every plan's one construction: the request, its reader and the app's decoder."""
    return CallPlan._built(operation, request, parser, config.json_decoder)  # noqa: SLF001


def _planner(
    operation: str,
    build: Callable[Concatenate[AppConfig, P], HttpRequest],
    parser: Parser[T],
) -> Callable[Concatenate[AppConfig, P], CallPlan[T]]:
    """The plan function of one operation: `build`'s arguments in, a `CallPlan` out.

    The plan takes exactly what the request builder takes, so an operation's
    arguments are declared once, on its builder. It is generated with the
    builder's own keyword parameters and defaults, as attrs generates `__init__`:
    a `**kwargs` pass-through costs more than the plan's own work, and this way
    `help()` and a wrong keyword name the plan's real parameters.
    """
    code = build.__code__
    if code.co_argcount != 1 or code.co_posonlyargcount or code.co_flags & _VARIADIC:
        raise TypeError(f"{build.__name__} must take (config, *, keyword parameters)")
    names = code.co_varnames[1 : 1 + code.co_kwonlyargcount]
    defaults = build.__kwdefaults__ or {}
    namespace: dict[str, Any] = {
        "plan_of": _plan,
        "build": build,
        "operation": operation,
        "parser": parser,
        **{f"default_{name}": value for name, value in defaults.items()},
    }
    name = f"{build.__name__.removesuffix('_request')}_plan"
    parameters = ", ".join(f"{n}=default_{n}" if n in defaults else n for n in names)
    arguments = ", ".join(f"{n}={n}" for n in names)
    source = (
        f"def {name}(config, /, *, {parameters}):\n"
        f"    return plan_of(config, operation, build(config, {arguments}), parser)"
    )
    exec(source, namespace)  # noqa: S102  # parameter names are the builder's identifiers
    plan: Callable[Concatenate[AppConfig, P], CallPlan[T]] = namespace[name]
    plan.__module__ = __name__
    result = parser.__annotations__.get("return", "Any")
    plan.__annotations__ = {**build.__annotations__, "return": f"CallPlan[{result}]"}
    plan.__doc__ = f"`{build.__name__}`, read with `{parser.__name__}`.\n\n{build.__doc__}"
    return plan


# Flags of a function taking *args or **kwargs (`inspect.CO_VARARGS | CO_VARKEYWORDS`).
_VARIADIC = 0x04 | 0x08


def _json_object(response: HttpResponse, decoder: Decoder) -> dict[str, Any]:
    """The answer of an endpoint whose success body does not matter (`{}` if not an object)."""
    return responses.parse_json(response, decoder, strict=False)


trigger_plan = _planner("trigger", _events.trigger_request, responses.parse_trigger)
trigger_batch_plan = _planner("trigger_batch", _events.trigger_batch_request, responses.parse_batch)
send_to_user_plan = _planner("send_to_user", _events.send_to_user_request, responses.parse_trigger)
channels_plan = _planner("channels_info", queries.channels_request, responses.parse_channels)
channel_plan = _planner("channel_info", queries.channel_request, responses.parse_channel)
users_plan = _planner("users_info", queries.users_request, responses.parse_users)
terminate_connections_plan = _planner(
    "terminate_user_connections", queries.terminate_connections_request, _json_object
)
get_plan = _planner("get", queries.get_request, responses.parse_json)
post_plan = _planner("post", queries.post_request, _json_object)


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
