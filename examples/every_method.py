"""Every `Pusher` method, as the README lists them, against PUSHER_URL (a local soketi)."""

from __future__ import annotations

import json
import os
import time

from pusher_core import Pusher
from pusher_core.signing import Signer

pusher = Pusher.from_url(os.environ["PUSHER_URL"])
events = [{"channel": f"channel-{n}", "name": "e", "data": {"n": n}} for n in range(25)]
key = pusher.key
body = json.dumps({"time_ms": int(time.time() * 1000), "events": []})
signature = Signer(pusher.secret).sign_bytes(body.encode())  # as Pusher signs a webhook
headers = {"X-Pusher-Key": key, "X-Pusher-Signature": signature}

# --- readme start
pusher.trigger("my-channel", "my-event", {"message": "hi"})  # {} (soketi: {"ok": True})
pusher.trigger(["a", "b"], "my-event", "raw string", socket_id="123.456")  # exclude one connection
pusher.trigger("presence-room", "e", {}, info=["user_count"])  # {"channels": {...}}
pusher.trigger_batch(
    [
        {"channel": "a", "name": "e", "data": {"n": 1}},
        {"channel": "b", "name": "e", "data": "x", "socket_id": "1.2"},
    ]
)
pusher.trigger_bulk(events)  # any number of events, batches of 10, in order -> [dict, ...]
pusher.send_to_user("user-1", "note", {"hi": 1})
pusher.channels_info(prefix_filter="presence-", attributes=["user_count"])
pusher.channel_info("presence-room", ["user_count"])  # {"occupied": True, "user_count": 2, ...}
pusher.users_info("presence-room")  # {"users": [{"id": "1"}, ...]}
pusher.terminate_user_connections("user-1")
pusher.get("/channels", {"filter_by_prefix": "private-"})  # any signed GET under /apps/{id}
pusher.post("/events", {"name": "e", "channels": ["c"], "data": "x"})

pusher.authenticate("private-chat", "123.456")  # {"auth": "key:..."}
pusher.authenticate("presence-room", "123.456", {"user_id": "1", "user_info": {"name": "Ann"}})
pusher.authorize_channel("presence-room", "123.456", user_id="1")  # typed ChannelAuth
pusher.authenticate_user("123.456", {"id": "1", "user_info": {"name": "Ann"}})
pusher.validate_webhook(key, signature, body)  # the body dict, or None
pusher.verify_webhook(headers, body)  # ValidWebhook | RejectedWebhook

result = pusher.typed.channel_info("presence-room", ["user_count"])
print(result.occupied, result.user_count)
# --- readme end

assert pusher.validate_webhook(key, signature, body) is not None
assert type(pusher.verify_webhook(headers, body)).__name__ == "ValidWebhook"
pusher.close()
