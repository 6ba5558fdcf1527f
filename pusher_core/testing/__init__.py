"""Test doubles for apps built on pusher-core: an in-memory Channels app and webhooks.

`FakeChannels` serves the HTTP API from memory as a transport, checking every
request as the service does, and records what was published. `webhook_request`
(or `FakeChannels.webhook`) builds the signed webhooks Pusher would post, from the
typed events re-exported here. `PusherFake` is a `FakeChannels` with clients
wired to it, a settable clock and fixed nonces: what the pytest fixture
`pusher_fake` (`pusher_core.testing.plugin`, registered on install) gives.

Names load on first use (PEP 562): pytest imports this package at startup for
the plugin, so it must cost nothing for test suites that never use the fake.
"""

from __future__ import annotations

from pusher_core._lazy import exports

TYPE_CHECKING = False  # as in pusher_core/__init__.py: no `typing` import at startup

if TYPE_CHECKING:
    from pusher_core.testing.fake import (
        ANY as ANY,
        KNOWN_DIFFERENCES as KNOWN_DIFFERENCES,
        FakeChannels as FakeChannels,
        RecordedEvent as RecordedEvent,
    )
    from pusher_core.testing.harness import (
        CountingNonces as CountingNonces,
        FakeClock as FakeClock,
        PusherFake as PusherFake,
    )
    from pusher_core.webhooks import (
        CacheMiss as CacheMiss,
        ChannelOccupied as ChannelOccupied,
        ChannelVacated as ChannelVacated,
        ClientEvent as ClientEvent,
        MemberAdded as MemberAdded,
        MemberRemoved as MemberRemoved,
        SignedWebhook as SignedWebhook,
        SubscriptionCount as SubscriptionCount,
        webhook_request as webhook_request,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "pusher_core.testing.fake": ("ANY", "KNOWN_DIFFERENCES", "FakeChannels", "RecordedEvent"),
    "pusher_core.testing.harness": ("CountingNonces", "FakeClock", "PusherFake"),
    "pusher_core.webhooks": (
        "CacheMiss",
        "ChannelOccupied",
        "ChannelVacated",
        "ClientEvent",
        "MemberAdded",
        "MemberRemoved",
        "SignedWebhook",
        "SubscriptionCount",
        "webhook_request",
    ),
}
_WHERE, __getattr__ = exports(globals(), _EXPORTS)
__all__ = sorted(_WHERE)  # noqa: PLE0605  # built from the one table


def __dir__() -> list[str]:
    return __all__
