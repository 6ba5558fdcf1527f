"""The README's record/replay block, run against PUSHER_URL (a local soketi).

The block calls `Pusher(app_id, key, secret, ...)` with the default host; here
`Pusher` is bound to the local server's host and port, and the cassette goes to
the current directory's tests/cassettes/.
"""

# ruff: noqa: E402  (the README block imports after this setup)
from __future__ import annotations

import functools
import os
from pathlib import Path

import pusher_core
from pusher_core import AppConfig

local = AppConfig.from_url(os.environ["PUSHER_URL"])
app_id, key, secret = local.app_id, local.key, local.secret
Pusher = functools.partial(pusher_core.Pusher, host=local.host, port=local.port, ssl=False)
Path("tests/cassettes").mkdir(parents=True, exist_ok=True)

# --- readme start
from pusher_core.adapters.replay import Cassette, RecordingTransport, ReplayTransport
from pusher_core.adapters.urllib3_transport import Urllib3Transport

# once, against a real server:
recorder = RecordingTransport(Urllib3Transport())
Pusher(app_id, key, secret, transport=recorder).trigger("c", "e", {"x": 1})
recorder.save("tests/cassettes/my_flow.json")  # readable JSON, no secret inside

# in your tests, offline:
replay = ReplayTransport(Cassette.load("tests/cassettes/my_flow.json"))
client = Pusher(app_id, key, secret, transport=replay, clock=lambda: 1_700_000_000)
client.trigger("c", "e", {"x": 1})  # served from the cassette
# --- readme end

print("replayed:", Path("tests/cassettes/my_flow.json").stat().st_size, "bytes of cassette")
