"""Builders for reading channel state and managing users, plus generic signed requests.

Rules:
- Pure: the timestamp is an argument; every builder returns a signed `HttpRequest`.
- GET requests carry no `body_md5` (they have no body); names in paths are
  percent-encoded exactly as the server will sign them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pusher_core import _json
from pusher_core.channels import (
    ChannelKind,
    channel_kind,
    validate_channel,
    validate_channel_prefix,
    validate_info,
    validate_user_id,
)
from pusher_core.config import AppConfig, check_config
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.signing import app_path, sign_request
from pusher_core.transport import HttpRequest

__all__ = [
    "channel_request",
    "channels_request",
    "get_request",
    "post_request",
    "terminate_connections_request",
    "users_request",
]

_RELATIVE_PATH = re.compile(r"\A(/[A-Za-z0-9\-._~%!$&'()*+,;=:@]+)+/?\Z")


def channels_request(
    config: AppConfig,
    *,
    timestamp: int,
    prefix_filter: str | None = None,
    attributes: str | Sequence[str] = (),
) -> HttpRequest:
    """`GET /apps/{id}/channels`: occupied channels, optionally filtered by prefix.

    Pusher allows `attributes=["user_count"]` only with a `presence-` prefix.
    """
    check_config(config)
    params: dict[str, object] = {}
    if prefix_filter is not None and prefix_filter != "":
        params["filter_by_prefix"] = validate_channel_prefix(prefix_filter)
    info = validate_info(attributes, "attributes")
    if info is not None:
        params["info"] = info
    return sign_request(
        config, method="GET", path=app_path(config, "channels"), params=params, timestamp=timestamp
    )


def channel_request(
    config: AppConfig,
    *,
    channel: str,
    timestamp: int,
    attributes: str | Sequence[str] = (),
) -> HttpRequest:
    """`GET /apps/{id}/channels/{channel}`: whether it is occupied, plus attributes."""
    check_config(config)
    name = validate_channel(channel, config.limits)
    info = validate_info(attributes, "attributes")
    return sign_request(
        config,
        method="GET",
        path=app_path(config, "channels", name),
        params={} if info is None else {"info": info},
        timestamp=timestamp,
    )


def users_request(config: AppConfig, *, channel: str, timestamp: int) -> HttpRequest:
    """`GET /apps/{id}/channels/{channel}/users`: the members of a presence channel."""
    check_config(config)
    name = validate_channel(channel, config.limits)
    if channel_kind(name) is not ChannelKind.PRESENCE:
        raise InvalidArgumentError(
            "channel", f"{name!r} is not a presence channel: only presence-* channels have users"
        )
    return sign_request(
        config, method="GET", path=app_path(config, "channels", name, "users"), timestamp=timestamp
    )


def terminate_connections_request(
    config: AppConfig, *, user_id: str, timestamp: int
) -> HttpRequest:
    """`POST /apps/{id}/users/{user_id}/terminate_connections`.

    Closes every connection on which this user signed in (the reference sends
    this to a path without `/apps/{id}`, which servers answer with 404).
    """
    check_config(config)
    uid = validate_user_id(user_id, config.limits)
    return sign_request(
        config,
        method="POST",
        path=app_path(config, "users", uid, "terminate_connections"),
        body=b"{}",
        timestamp=timestamp,
    )


def _app_relative(config: AppConfig, path: object) -> str:
    if not isinstance(path, str):
        raise InvalidArgumentTypeError("path", f"must be a str, got {type(path).__name__}")
    if not _RELATIVE_PATH.match(path) or "/../" in f"{path}/" or "/./" in f"{path}/":
        raise InvalidArgumentError(
            "path",
            f"{path!r} must be a percent-encoded path relative to the app, such as '/channels'",
        )
    return f"/apps/{config.app_id}{path}"


def get_request(
    config: AppConfig,
    *,
    path: str,
    timestamp: int,
    params: Mapping[str, object] | None = None,
) -> HttpRequest:
    """A signed GET of any API path relative to `/apps/{id}` (e.g. `/channels`)."""
    check_config(config)
    return sign_request(
        config,
        method="GET",
        path=_app_relative(config, path),
        params=params,
        timestamp=timestamp,
    )


def post_request(
    config: AppConfig,
    *,
    path: str,
    body: object,
    timestamp: int,
    params: Mapping[str, object] | None = None,
) -> HttpRequest:
    """A signed POST of any API path relative to `/apps/{id}`.

    `body` is sent as is when it is `bytes`; anything else is JSON-encoded.
    """
    check_config(config)
    if isinstance(body, bytes):
        raw = body
    else:
        try:
            raw = _json.dumps_user(body, None, "body").encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError("body", "contains a lone surrogate; fix the text") from None
    return sign_request(
        config,
        method="POST",
        path=_app_relative(config, path),
        params=params,
        body=raw,
        timestamp=timestamp,
    )
