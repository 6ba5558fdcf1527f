from __future__ import annotations

from pusher_core import Pusher
from pusher_core.testing import ChannelOccupied, PusherFake

# --- the app's code (in real life: myapp/realtime.py and myapp/orders.py) ---
# The app's client, built once at import time with the app's real credentials.
pusher_client = Pusher(app_id="123", key="live-key", secret="live-secret", cluster="eu")


def create_order(item: str, owner: str) -> None:
    pusher_client.trigger(["orders", f"private-user-{owner}"], "created", {"item": item})


def who_is_in(room: str) -> list[str]:
    return [user["id"] for user in pusher_client.users_info(f"presence-{room}")["users"]]


# --- the app's tests (tests/test_orders.py): the pusher_fake fixture needs no import ---
def test_a_new_order_is_announced(pusher_fake: PusherFake) -> None:
    pusher_fake.patch(pusher_client)  # undone when the test ends
    create_order("tea", owner="ann")
    pusher_fake.assert_triggered("orders", "created", data={"item": "tea"})
    pusher_fake.assert_triggered("private-user-ann", "created")
    pusher_fake.assert_not_triggered("private-user-bob")


def test_presence_queries_see_simulated_members(pusher_fake: PusherFake) -> None:
    pusher_fake.patch(pusher_client)
    pusher_fake.subscribe("presence-kitchen", user_id="ann")
    pusher_fake.subscribe("presence-kitchen", user_id="bob")
    assert who_is_in("kitchen") == ["ann", "bob"]


def test_webhooks_age(pusher_fake: PusherFake) -> None:
    webhook = pusher_fake.webhook(ChannelOccupied(channel="orders"))  # post it to your route
    assert pusher_fake.client.verify_webhook(webhook.headers, webhook.body).ok
    pusher_fake.clock.advance(16 * 60)  # now older than the 15-minute window
    assert not pusher_fake.client.verify_webhook(webhook.headers, webhook.body).ok
