from __future__ import annotations

import os
import time

from pusher_core import AppConfig, trigger_plan
from pusher_core.adapters.urllib_transport import UrllibTransport

config = AppConfig.from_url(os.environ["PUSHER_URL"])
plan = trigger_plan(
    config, channels="my-channel", event_name="my-event", data="hi", timestamp=int(time.time())
)
with UrllibTransport() as transport:
    result = plan.parse(transport.send(plan.request))  # TriggerResult, or a typed ApiError
print(result)
