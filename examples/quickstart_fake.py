from __future__ import annotations

import time

from pusher_core import AppConfig, Pusher, verify_webhook
from pusher_core.testing import FakeChannels

# Any app id, key and secret: FakeChannels is an in-memory Channels app, nothing is sent.
config = AppConfig.from_url("https://app-key:app-secret@api-mt1.pusher.com/apps/4242")
fake = FakeChannels(config)  # a transport that checks each request as Pusher does
pusher = Pusher.from_config(config, transport=fake)

fake.subscribe("presence-room", user_id="1", user_info={"name": "Ann"})  # a simulated client
print(pusher.trigger("presence-room", "my-event", {"message": "hello world"}))  # -> {}
print(pusher.channel_info("presence-room", ["user_count"]))
# -> {'occupied': True, 'user_count': 1}

event = fake.assert_triggered("presence-room", "my-event", data={"message": "hello world"})
print(event.delivered_to)  # -> ('1.1',)

# The webhooks Pusher would have sent for that subscription, signed with the app's secret:
webhook = fake.webhook(*fake.webhook_events())
verdict = verify_webhook(
    config, headers=webhook.headers, body=webhook.body, now_ms=time.time() * 1000
)
print(verdict.events)
# -> (ChannelOccupied(channel='presence-room'), MemberAdded(channel='presence-room', user_id='1'))
