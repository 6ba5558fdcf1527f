"""The pytest plugin of pusher-core: the `pusher_fake` fixture.

Installing pusher-core registers it (entry point `pytest11`, name `pusher_core`;
`pytest -p no:pusher_core` turns it off). Importing it loads nothing but this
module: the fake, the client and the core load when a test first asks for
`pusher_fake`, so suites that never use it pay nothing.

Fixtures:
    pusher_fake: a `pusher_core.testing.PusherFake`: the in-memory app
        (`events()`, `assert_triggered(...)`, `subscribe(...)`, `webhook(...)`,
        ...), `.client` (a drop-in `Pusher` wired to it), `.typed`, `.clock`
        (a `FakeClock` standing still until moved) and `.patch(app_client)` to
        send an app's own client to the fake until the test ends.
    pusher_fake_config: the `AppConfig` the fake impersonates (a test app
        with an encryption master key); override it to use your app's.

Example::

    def test_order_is_announced(pusher_fake):
        pusher_fake.patch(myapp.realtime.pusher_client)
        myapp.orders.create(item="tea")
        pusher_fake.assert_triggered("orders", "created", data={"item": "tea"})
"""

from __future__ import annotations

import pytest

TYPE_CHECKING = False  # no `typing` import when pytest loads the plugin

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pusher_core.config import AppConfig
    from pusher_core.testing.harness import PusherFake

__all__ = ["TEST_MASTER_KEY", "pusher_fake", "pusher_fake_config"]

TEST_MASTER_KEY = bytes(range(32))
"""The default test app's encryption master key (for `private-encrypted-` channels)."""


@pytest.fixture
def pusher_fake_config() -> AppConfig:
    """The app `pusher_fake` impersonates: app 1, key `pusher-fake-key`, with a master key.

    Override this fixture (in a conftest.py) to return your app's config, e.g.
    `AppConfig.from_env({...test values...})` or `myapp.pusher_client.config`.
    """
    from pusher_core.config import AppConfig

    return AppConfig(
        app_id="1",
        key="pusher-fake-key",
        secret="pusher-fake-secret",  # noqa: S106  # a test app's, by design
        encryption_master_key=TEST_MASTER_KEY,
    )


@pytest.fixture
def pusher_fake(pusher_fake_config: AppConfig) -> Iterator[PusherFake]:
    """An in-memory Pusher Channels app with a client wired to it (see the module doc).

    At teardown every client given to `pusher_fake.patch` gets its own
    transport, clock and nonce source back.
    """
    from pusher_core.testing.harness import PusherFake

    fake = PusherFake(pusher_fake_config)
    try:
        yield fake
    finally:
        fake.undo()
