"""Test doubles for apps built on pusher-core: an in-memory Channels app and webhooks.

`FakeChannels` serves the HTTP API from memory as a transport, checking every
request as the service does, and records what was published.
"""

from __future__ import annotations

from pusher_core.testing.fake import ANY, KNOWN_DIFFERENCES, FakeChannels, RecordedEvent

__all__ = ["ANY", "KNOWN_DIFFERENCES", "FakeChannels", "RecordedEvent"]
