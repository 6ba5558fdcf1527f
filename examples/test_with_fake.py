from __future__ import annotations

import time

from pusher_core import AppConfig, Pusher, verify_webhook
from pusher_core.testing import ChannelOccupied, FakeChannels

config = AppConfig(app_id="1", key="app-key", secret="app-secret")


def place_order(pusher: Pusher, order_id: int) -> None:  # the code under test
    pusher.trigger(["orders", f"order-{order_id}"], "placed", {"id": order_id})


def test_place_order() -> None:
    fake = FakeChannels(config)  # serves and checks the HTTP API in memory
    pusher = Pusher.from_config(config, transport=fake)
    fake.subscribe("presence-staff", user_id="alice")  # a simulated client
    place_order(pusher, 7)
    event = fake.assert_triggered("order-7", "placed", data={"id": 7})
    assert event.data == '{"id":7}'
    fake.assert_not_triggered("refunds")
    assert pusher.users_info("presence-staff") == {"users": [{"id": "alice"}]}


def test_webhook_receiver() -> None:
    fake = FakeChannels(config)
    hook = fake.webhook(ChannelOccupied(channel="orders"))  # signed as Pusher signs it
    # POST hook.body with dict(hook.headers) to your receiver; here, verify directly:
    now_ms = time.time() * 1000
    verdict = verify_webhook(config, headers=hook.headers, body=hook.body, now_ms=now_ms)
    assert verdict.ok
