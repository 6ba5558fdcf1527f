"""Interpreting responses: lenient 2xx parsing, typed errors for everything else."""

from __future__ import annotations

import json
import pickle

import pytest

from pusher_core import errors
from pusher_core.responses import (
    effective_status,
    parse_batch,
    parse_channel,
    parse_channels,
    parse_json,
    parse_trigger,
    parse_users,
    raise_for_status,
)
from pusher_core.transport import HttpResponse


def ok(body: bytes) -> HttpResponse:
    return HttpResponse(status=200, headers=(("Content-Type", "application/json"),), body=body)


@pytest.mark.parametrize("raw", [b"", b"{}", b'{"ok":true}', b"OK", b"[]"])
def test_trigger_lenient(raw: bytes) -> None:
    """Pusher's `{}`, soketi's `{"ok":true}` and even non-JSON success bodies are a success."""
    result = parse_trigger(ok(raw))
    assert dict(result.channels) == {}


def test_trigger_with_info() -> None:
    """Per-channel attributes are typed; unknown keys are kept."""
    result = parse_trigger(
        ok(
            b'{"channels":{"presence-x":{"user_count":42,"subscription_count":51},"y":{"subscription_count":13,"new":1}}}'
        )
    )
    assert result.channels["presence-x"].user_count == 42
    assert result.channels["presence-x"].subscription_count == 51
    assert result.channels["y"].user_count is None
    assert dict(result.channels["y"].extra) == {"new": 1}
    assert result.raw["channels"]["y"]["subscription_count"] == 13


def test_batch_aligned() -> None:
    """Batch attributes stay index-aligned with the request."""
    result = parse_batch(ok(b'{"batch":[{"user_count":1},{},{"subscription_count":3}]}'))
    assert [e.user_count for e in result.events] == [1, None, None]
    assert result.events[2].subscription_count == 3
    assert parse_batch(ok(b'{"ok":true}')).events == ()


def test_channels_channel_users() -> None:
    """Channel list, one channel and presence users, including soketi's shapes."""
    listing = parse_channels(
        ok(
            b'{"channels":{"presence-a":{"user_count":2},"b":{"subscription_count":1,"occupied":true}}}'
        )
    )
    assert listing.channels["presence-a"].user_count == 2
    assert listing.channels["b"].occupied is True
    info = parse_channel(
        ok(b'{"occupied":true,"user_count":3,"subscription_count":4,"cache":{"data":"x","ttl":60}}')
    )
    assert (info.occupied, info.user_count, info.subscription_count) == (True, 3, 4)
    assert info.cache is not None
    assert info.cache["ttl"] == 60
    assert parse_channel(ok(b'{"occupied":false}')).occupied is False
    users = parse_users(ok(b'{"users":[{"id":"1"},{"id":2,"user_info":{"n":1}},{"nope":1}]}'))
    assert users.ids == ("1", "2")
    assert users.users[1].extra["user_info"] == {"n": 1}


@pytest.mark.parametrize("parse", [parse_channels, parse_channel, parse_users])
def test_query_results_need_json_objects(parse: object) -> None:
    """A 2xx that is not a JSON object is an InvalidResponseError for queries."""
    with pytest.raises(errors.InvalidResponseError, match="not a JSON object"):
        parse(ok(b"<html>"))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("status", "cls", "reference"),
    [
        (400, errors.BadRequestError, errors.PusherBadRequest),
        (401, errors.AuthenticationError, errors.PusherBadAuth),
        (403, errors.ForbiddenError, errors.PusherForbidden),
        (404, errors.NotFoundError, errors.PusherBadStatus),
        (413, errors.PayloadTooLargeApiError, errors.PusherBadStatus),
        (429, errors.RateLimitedError, errors.PusherBadStatus),
        (500, errors.ServerError, errors.PusherBadStatus),
        (503, errors.ServerError, errors.PusherBadStatus),
        (302, errors.BadStatusError, errors.PusherBadStatus),
        (418, errors.BadStatusError, errors.PusherBadStatus),
    ],
)
def test_status_errors(status: int, cls: type[errors.ApiError], reference: type[Exception]) -> None:
    """Each status maps to its type, which is also the reference's name for it."""
    response = HttpResponse(
        status=status, body=b'{"error":"The secret authentication failed","code":401}'
    )
    with pytest.raises(cls) as info:
        raise_for_status(response)
    assert isinstance(info.value, reference)
    assert isinstance(info.value, errors.PusherError)
    assert info.value.status == status
    assert info.value.message == "The secret authentication failed"
    assert info.value.body == response.body
    assert str(info.value) == f"HTTP {status}: The secret authentication failed"


def test_error_messages_and_retry_after() -> None:
    """Text bodies, string codes, and Retry-After seconds are surfaced."""
    text = HttpResponse(status=400, body=b"Unknown auth_key\n")
    with pytest.raises(errors.BadRequestError, match="Unknown auth_key"):
        raise_for_status(text)
    sockudo = HttpResponse(
        status=429,
        headers={"Retry-After": "7"},
        body=b'{"error":"rate","code":"rate_limited","status":429}',
    )
    with pytest.raises(errors.RateLimitedError) as info:
        parse_json(sockudo)
    assert info.value.retry_after == 7.0
    assert "retry after 7 s" in str(info.value)
    date = HttpResponse(
        status=503, headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, body=b""
    )
    with pytest.raises(errors.ServerError) as server:
        raise_for_status(date)
    assert server.value.retry_after is None
    assert str(server.value) == "HTTP 503"


def test_errors_pickle() -> None:
    """API errors survive pickling with their fields (for multiprocessing and task queues)."""
    error = errors.RateLimitedError(429, b"x", "slow down", 3.0)
    clone = pickle.loads(pickle.dumps(error))
    assert (type(clone), clone.status, clone.body, clone.message, clone.retry_after) == (
        errors.RateLimitedError,
        429,
        b"x",
        "slow down",
        3.0,
    )
    arg = pickle.loads(pickle.dumps(errors.InvalidArgumentError("channel", "bad")))
    assert (arg.argument, str(arg)) == ("channel", "channel: bad")


@pytest.mark.parametrize(
    ("body", "cls"),
    [
        (b'{"error":"The secret authentication failed","code":401}', errors.AuthenticationError),
        (
            b'{"error":"The event data should be less than 100 KB.","code":413}',
            errors.PayloadTooLargeApiError,
        ),
        (
            b'{"error":"Cannot broadcast to more than 100 channels at once","code":400}',
            errors.BadRequestError,
        ),
        (b'{"error":"The app 9 could not be found.","code":404}', errors.NotFoundError),
    ],
)
def test_soketi_errors_hidden_in_200(body: bytes, cls: type[errors.ApiError]) -> None:
    """soketi sends refusals as HTTP 200 with {"error", "code"}: they are errors, not successes."""
    with pytest.raises(cls) as info:
        parse_trigger(ok(body))
    assert info.value.status == json.loads(body)["code"]
    assert info.value.message == json.loads(body)["error"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"ok":true}',
        b'{"error":"x","code":"limit"}',
        b'{"error":"x","code":200}',
        b'{"error":5,"code":401}',
        b'{"error":',
    ],
)
def test_success_bodies_that_mention_error(body: bytes) -> None:
    """Only a string `error` with a 4xx/5xx integer `code` turns a 2xx into an error."""
    assert parse_trigger(ok(body)).raw == (json.loads(body) if body.endswith(b"}") else {})


@pytest.mark.parametrize(
    ("status", "body", "meant"),
    [
        (200, b'{"error":"Too many requests.","code":429}', 429),
        (200, b'{"error":"A server error has occurred.","code":500}', 500),
        (202, b'{"error":"The secret authentication failed","code":401}', 401),
        (200, b'{"ok":true}', 200),
        (200, b'{"error":"x","code":"rate_limited"}', 200),
        (200, b'{"error":"x","code":200}', 200),
        (200, b'{"error":"x","code":600}', 200),
        (200, b'{"error":', 200),
        (503, b'{"error":"x","code":429}', 503),
        (404, b"", 404),
    ],
)
def test_effective_status(status: int, body: bytes, meant: int) -> None:
    """A 2xx naming a 4xx/5xx `code` beside a string `error` means that code; else the status."""
    assert effective_status(HttpResponse(status=status, body=body)) == meant
