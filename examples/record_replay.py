from __future__ import annotations

import os

from pusher_core import Pusher
from pusher_core.adapters.replay import Cassette, RecordingTransport, ReplayTransport
from pusher_core.adapters.urllib3_transport import Urllib3Transport

url = os.environ["PUSHER_URL"]  # http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID

# once, against a real server:
recorder = RecordingTransport(Urllib3Transport())
Pusher.from_url(url, transport=recorder).trigger("c", "e", {"x": 1})
recorder.save("my_flow.json")  # readable JSON, no secret inside

# in your tests, offline (the URL gives the app's credentials; nothing is sent):
replay = ReplayTransport(Cassette.load("my_flow.json"))
client = Pusher.from_url(url, transport=replay, clock=lambda: 1_700_000_000)
print(client.trigger("c", "e", {"x": 1}))  # served from the cassette
