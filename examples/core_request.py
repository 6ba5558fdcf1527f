from __future__ import annotations

from pusher_core import AppConfig, trigger_request

config = AppConfig.from_url("https://key:secret@api-eu.pusher.com/apps/123456")
request = trigger_request(
    config,
    channels="my-channel",
    event_name="my-event",
    data={"message": "hello"},
    timestamp=1_700_000_000,
)
print(request.method, request.url)
print(request.body)
# POST https://api-eu.pusher.com/apps/123456/events?auth_key=key&auth_timestamp=1700000000&auth_version=1.0&body_md5=...&auth_signature=...
# b'{"name":"my-event","channels":["my-channel"],"data":"{\\"message\\":\\"hello\\"}"}'
