"""Type-checked by mypy only (never run): the public API reads as documented.

A change that breaks these annotations for users fails `mypy --strict` in CI.
"""

from __future__ import annotations

from typing import Any, assert_type

from pusher_core import (
    AppConfig,
    ChannelAuth,
    HttpRequest,
    Pusher,
    RejectedWebhook,
    TriggerResult,
    UserAuth,
    ValidWebhook,
    trigger_request,
    verify_webhook,
)
from pusher_core.adapters.replay import Cassette, ReplayTransport
from pusher_core.adapters.urllib_transport import UrllibTransport
from pusher_core.transport import Transport


def usage() -> None:
    config = AppConfig.from_url("https://key:secret@api-eu.pusher.com/apps/1")
    assert_type(
        trigger_request(config, channels="c", event_name="e", data={"a": 1}, timestamp=1),
        HttpRequest,
    )
    transport: Transport = UrllibTransport(timeout=3)
    client = Pusher("1", "key", "secret", cluster="eu", transport=transport)
    assert_type(client.trigger("c", "e", "data"), dict[str, Any])
    assert_type(client.typed.trigger("c", "e", "data"), TriggerResult)
    assert_type(client.authorize_channel("private-c", "1.2"), ChannelAuth)
    assert_type(client.typed.authenticate_user("1.2", {"id": "u"}), UserAuth)
    assert_type(client.authenticate("private-c", "1.2"), dict[str, str])
    verdict = verify_webhook(config, headers={}, body=b"{}", now_ms=0)
    if isinstance(verdict, ValidWebhook):
        assert_type(verdict.time_ms, int)
    else:
        assert_type(verdict, RejectedWebhook)
    Pusher.from_config(config, transport=ReplayTransport(Cassette()), clock=lambda: 1.0)
