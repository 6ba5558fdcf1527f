from __future__ import annotations

import os

from pusher_core import Pusher
from pusher_core.adapters.urllib_transport import UrllibTransport

with UrllibTransport(timeout=3) as transport:
    pusher = Pusher.from_url(os.environ["PUSHER_URL"], transport=transport)
    pusher.trigger("my-channel", "my-event", {"message": "hi"})
