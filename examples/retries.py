from __future__ import annotations

import os

from pusher_core import Pusher
from pusher_core.retry import RetryPolicy

pusher = Pusher.from_url(os.environ["PUSHER_URL"])  # retry=RetryPolicy(), the default
once = pusher.typed.with_options(retry=RetryPolicy.none())  # for some calls only
once.trigger("my-channel", "my-event", {"message": "sent at most once"})
