from __future__ import annotations

import os

from pusher_core import Pusher

# PUSHER_URL: http://KEY:SECRET@127.0.0.1:PORT/apps/APP_ID for a local soketi, or
# https://KEY:SECRET@api-CLUSTER.pusher.com/apps/APP_ID for a Channels app.
with Pusher.from_url(os.environ["PUSHER_URL"]) as pusher:
    print(pusher.trigger("my-channel", "my-event", {"message": "hello world"}))
    # -> {'ok': True} from soketi ({} from Pusher)
    print(pusher.channel_info("my-channel", ["subscription_count"]))
    # -> {'subscription_count': 0, 'occupied': False}
    print(pusher.authenticate("private-my-channel", "123.456"))
    # -> {'auth': 'KEY:<hex signature>'}
