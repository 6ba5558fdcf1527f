from __future__ import annotations

import json
import time

from pusher_core import AppConfig, ValidWebhook, verify_webhook
from pusher_core.signing import Signer

config = AppConfig.from_url("https://app-key:app-secret@api-mt1.pusher.com/apps/4242")


def receive(headers: dict[str, str], body: bytes) -> int:
    """Your endpoint, in any framework: the request's headers and raw body in, a status out."""
    verdict = verify_webhook(config, headers=headers, body=body, now_ms=time.time() * 1000)
    if not isinstance(verdict, ValidWebhook):
        print("rejected:", verdict.reason.value)
        return 401
    for event in verdict.events:  # ChannelOccupied, MemberAdded, ClientEvent, ...
        print("event:", event)
    return 204


# What Pusher posts: a JSON body, the app key, and the body's HMAC-SHA256 under the secret.
body = json.dumps(
    {
        "time_ms": int(time.time() * 1000),
        "events": [{"name": "channel_occupied", "channel": "my-channel"}],
    }
).encode()
headers = {"X-Pusher-Key": "app-key", "X-Pusher-Signature": Signer("app-secret").sign_bytes(body)}
print(receive(headers, body))  # -> event: ChannelOccupied(channel='my-channel'), then 204
print(receive({**headers, "X-Pusher-Signature": "0" * 64}, body))  # -> rejected: bad_signature, 401
