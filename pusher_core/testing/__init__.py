"""Test doubles for apps built on pusher-core: an in-memory Channels app and webhooks.

`FakeChannels` serves the HTTP API from memory as a transport, checking every
request as the service does, and records what was published. `webhook_request`
(or `FakeChannels.webhook`) builds the signed webhooks Pusher would post, from the
typed events re-exported here.
"""

from __future__ import annotations

from pusher_core.testing.fake import ANY, KNOWN_DIFFERENCES, FakeChannels, RecordedEvent
from pusher_core.webhooks import (
    CacheMiss,
    ChannelOccupied,
    ChannelVacated,
    ClientEvent,
    MemberAdded,
    MemberRemoved,
    SignedWebhook,
    SubscriptionCount,
    webhook_request,
)

__all__ = [
    "ANY",
    "KNOWN_DIFFERENCES",
    "CacheMiss",
    "ChannelOccupied",
    "ChannelVacated",
    "ClientEvent",
    "FakeChannels",
    "MemberAdded",
    "MemberRemoved",
    "RecordedEvent",
    "SignedWebhook",
    "SubscriptionCount",
    "webhook_request",
]
