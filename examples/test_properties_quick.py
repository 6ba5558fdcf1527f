from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given

from pusher_core import (
    AppConfig,
    ChannelKind,
    channel_auth_response,
    strategies as ps,
    verify_webhook,
)
from pusher_core.webhooks import SignedWebhook

config = AppConfig(app_id="1", key="app-key", secret="app-secret")
NOW_MS = 1_700_000_000_000


# The endpoints under test, as plain functions of what the request carries:
def auth_endpoint(body: bytes, content_type: str) -> tuple[int, bytes]:
    response = channel_auth_response(config, body, content_type, lambda request: True)
    return response.status, response.body


def webhook_endpoint(headers: Mapping[str, str], body: bytes, now_ms: int) -> int:
    verdict = verify_webhook(config, headers=headers, body=body, now_ms=now_ms)
    return 200 if verdict.ok else 401


@given(ps.auth_request_bodies(ChannelKind.PRIVATE))
def test_every_pusher_js_request_for_a_private_channel_is_authorized(
    request: tuple[bytes, str],
) -> None:
    body, content_type = request
    assert auth_endpoint(body, content_type)[0] == 200


@given(ps.signed_webhooks(config, now_ms=NOW_MS))
def test_pusher_webhooks_are_accepted(webhook: SignedWebhook) -> None:
    assert webhook_endpoint(dict(webhook.headers), webhook.body, NOW_MS) == 200


@given(ps.tampered_webhooks(config, now_ms=NOW_MS))
def test_forged_or_stale_webhooks_are_refused(webhook: SignedWebhook) -> None:
    assert webhook_endpoint(dict(webhook.headers), webhook.body, NOW_MS) == 401
