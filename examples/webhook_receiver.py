from __future__ import annotations

import time

from pusher_core import AppConfig, ValidWebhook, verify_webhook
from pusher_core.webhooks import ChannelOccupied, webhook_request

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
delivery = webhook_request(
    config, [ChannelOccupied(channel="my-channel")], time_ms=int(time.time() * 1000)
)
headers, body = dict(delivery.headers), delivery.body
print(receive(headers, body))  # -> event: ChannelOccupied(channel='my-channel'), then 204
print(receive({**headers, "X-Pusher-Signature": "0" * 64}, body))  # -> rejected: bad_signature, 401
