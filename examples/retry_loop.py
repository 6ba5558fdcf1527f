from __future__ import annotations

import os
import random
import time

from pusher_core import AppConfig, trigger_request
from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.errors import TransportError
from pusher_core.retry import RetryPolicy, Stop

config = AppConfig.from_url(os.environ["PUSHER_URL"])
request = trigger_request(
    config, channels="my-channel", event_name="my-event", data="hi", timestamp=int(time.time())
)
policy, deadline = RetryPolicy(), time.monotonic() + 30
attempt = 1
with Urllib3Transport() as transport:
    while True:
        try:
            outcome = transport.send(request, deadline=deadline)
        except TransportError as error:
            outcome = error
        decision = policy.decide(
            attempt=attempt,
            request=request,
            outcome=outcome,
            rand=random.random(),
            seconds_left=deadline - time.monotonic(),
        )
        if isinstance(decision, Stop):  # reason: succeeded, final_status, may_duplicate, ...
            break
        time.sleep(decision.delay)
        attempt += 1
print(decision.reason)  # -> StopReason.SUCCEEDED
