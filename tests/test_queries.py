"""Channel-state, user and generic request builders."""

from __future__ import annotations

import json

import pytest

from pusher_core.config import AppConfig
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.queries import (
    channel_request,
    channels_request,
    get_request,
    post_request,
    terminate_connections_request,
    users_request,
)
from pusher_core.signing import verify_request
from pusher_core.transport import HttpRequest

CONFIG = AppConfig.from_url("http://key:secret@127.0.0.1:6001/apps/4")
TS = 1_700_000_000


def params(request: HttpRequest) -> dict[str, str]:
    return {k: v for k, v in request.query if not k.startswith("auth_")}


def verifies(request: HttpRequest) -> bool:
    return verify_request(
        method=request.method,
        path=request.path,
        query=request.target.partition("?")[2],
        body=request.body,
        secrets={"key": "secret"},
        now=TS,
    ).ok


def test_channels() -> None:
    """Prefix filter and attributes become filter_by_prefix and info; GETs have no body_md5."""
    request = channels_request(
        CONFIG, prefix_filter="presence-", attributes=["user_count"], timestamp=TS
    )
    assert (request.method, request.path) == ("GET", "/apps/4/channels")
    assert params(request) == {"filter_by_prefix": "presence-", "info": "user_count"}
    assert request.url.startswith("http://127.0.0.1:6001/apps/4/channels?")
    assert request.body == b""
    assert verifies(request)
    assert params(channels_request(CONFIG, timestamp=TS)) == {}
    assert params(channels_request(CONFIG, prefix_filter="#server-to-user-", timestamp=TS)) == {
        "filter_by_prefix": "#server-to-user-"
    }
    assert (
        "filter_by_prefix=%23server-to-user-"
        in channels_request(CONFIG, prefix_filter="#server-to-user-", timestamp=TS).target
    )
    with pytest.raises(InvalidArgumentError, match="prefix_filter"):
        channels_request(CONFIG, prefix_filter="a b", timestamp=TS)
    with pytest.raises(InvalidArgumentTypeError, match="prefix_filter"):
        channels_request(CONFIG, prefix_filter=5, timestamp=TS)  # type: ignore[arg-type]


def test_channel() -> None:
    """One channel's info, with attributes."""
    request = channel_request(
        CONFIG, channel="presence-x", attributes=["user_count", "subscription_count"], timestamp=TS
    )
    assert request.path == "/apps/4/channels/presence-x"
    assert params(request) == {"info": "user_count,subscription_count"}
    assert verifies(request)
    with pytest.raises(InvalidArgumentError, match="channel"):
        channel_request(CONFIG, channel="", timestamp=TS)


def test_users() -> None:
    """Only presence channels have users."""
    request = users_request(CONFIG, channel="presence-room", timestamp=TS)
    assert request.path == "/apps/4/channels/presence-room/users"
    assert verifies(request)
    with pytest.raises(InvalidArgumentError, match="not a presence channel"):
        users_request(CONFIG, channel="private-room", timestamp=TS)


def test_terminate_path_includes_app() -> None:
    """The path is /apps/{id}/users/{uid}/terminate_connections (the reference drops /apps/{id})."""
    request = terminate_connections_request(CONFIG, user_id="user-9", timestamp=TS)
    assert (request.method, request.path) == ("POST", "/apps/4/users/user-9/terminate_connections")
    assert request.body == b"{}"
    assert verifies(request)
    with pytest.raises(InvalidArgumentError, match="user_id"):
        terminate_connections_request(CONFIG, user_id="a/b", timestamp=TS)


def test_generic() -> None:
    """Any relative path can be signed, GET with params, POST with JSON or raw bytes."""
    get = get_request(CONFIG, path="/channels", params={"filter_by_prefix": "a"}, timestamp=TS)
    assert get.path == "/apps/4/channels"
    assert verifies(get)
    post = post_request(
        CONFIG, path="/events", body={"name": "e", "channels": ["c"], "data": "é"}, timestamp=TS
    )
    assert json.loads(post.body)["data"] == "é"
    assert post.header("content-type") == "application/json"
    assert verifies(post)
    assert post_request(CONFIG, path="/x", body=b"raw", timestamp=TS).body == b"raw"
    for bad in ("channels", "/a b", "/../x", "/a?b", ""):
        with pytest.raises(InvalidArgumentError, match="path"):
            get_request(CONFIG, path=bad, timestamp=TS)
    with pytest.raises(InvalidArgumentTypeError, match="path"):
        get_request(CONFIG, path=None, timestamp=TS)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentTypeError, match="body"):
        post_request(CONFIG, path="/x", body=object(), timestamp=TS)
    with pytest.raises(InvalidArgumentError, match="body"):
        post_request(CONFIG, path="/x", body="\ud800", timestamp=TS)
