"""The reference's (`pusher` 3.3.4) helpers, each one line over the typed core.

`pusher_core.Pusher` calls these, so code migrating from the reference gets the
shapes it expects: dicts instead of values, None instead of a rejection reason.

Deliberate differences from pusher 3.3.4 (each fixes a reference bug):
- `authenticate`: `shared_secret` is `str` (the reference returns `bytes`, which
  `json.dumps` rejects); `channel_data` is compact JSON; public and
  `#server-to-user-` channels and presence channels without a `user_id` are
  errors; `custom_data` on a non-presence channel is ignored with a warning
  instead of being signed (which servers reject).
- `authenticate_user`: compact JSON `user_data`.
- `validate_webhook`: the window is 15 minutes (the reference's 300 s drops
  Pusher's own late retries); a missing header gives None instead of a
  `TypeError`; a body that is not a JSON object with an `events` array of
  objects gives None instead of a dict or an `AttributeError`. Nothing is
  decrypted: the dict is the body as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pusher_core.auth import authenticate_user as _authenticate_user, authorize_channel
from pusher_core.config import AppConfig
from pusher_core.webhooks import DEFAULT_MAX_AGE_MS, verified_payload

__all__ = ["authenticate", "authenticate_user", "validate_webhook"]


def authenticate(
    config: AppConfig,
    channel: str,
    socket_id: str,
    custom_data: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The reference's `Pusher.authenticate(channel, socket_id, custom_data)` dict."""
    return authorize_channel(
        config, channel=channel, socket_id=socket_id, custom_data=custom_data
    ).to_dict()


def authenticate_user(
    config: AppConfig, socket_id: str, user_data: Mapping[str, Any] | None
) -> dict[str, str]:
    """The reference's `Pusher.authenticate_user(socket_id, user_data)` dict."""
    return _authenticate_user(config, socket_id=socket_id, user_data=user_data).to_dict()


def _header(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None


def validate_webhook(
    config: AppConfig,
    key: str | bytes | None,
    signature: str | bytes | None,
    body: str | bytes,
    now_ms: float,
    *,
    max_age_ms: int | None = DEFAULT_MAX_AGE_MS,
) -> dict[str, Any] | None:
    """The reference's `Pusher.validate_webhook(key, signature, body)`: the body dict, or None."""
    if not isinstance(body, (str, bytes)):
        return None
    payload = verified_payload(
        config,
        key if type(key) is str else _header(key),
        signature if type(signature) is str else _header(signature),
        body,
        now_ms,
        max_age_ms,
    )
    # The parsed body is a fresh dict already (unless a custom decoder made another mapping).
    return payload if payload is None or type(payload) is dict else dict(payload)
