"""Trigger events with pusher-core and watch a real pusher-js client receive them.

Starts soketi 1.6.1 on 127.0.0.1 and a pusher-js 8 client under Node (both from
tests/integration/js, installed with `npm ci`), subscribes the client to a public
and a private channel (authorized by pusher-core's auth helpers), triggers events
and prints what pusher-js delivers. Everything it starts, it stops.

    python examples/live_demo.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pusher_core import Pusher, channel_auth_response
from tests.integration.harness import (
    NodeClient,
    RecordingHttpServer,
    SoketiServer,
    ensure_node_modules,
)


def main() -> None:
    """Run the demo end to end."""
    js_dir = ensure_node_modules()
    with SoketiServer(js_dir=js_dir) as soketi, NodeClient(js_dir=js_dir) as listener:
        pusher = Pusher(
            soketi.app_id, soketi.key, soketi.secret, ssl=False, host="127.0.0.1", port=soketi.port
        )
        print(f"soketi on {soketi.base_url}, app {soketi.app_id}")

        def auth(
            _method: str, _path: str, headers: dict[str, str], body: bytes
        ) -> tuple[int, dict[str, str], bytes]:
            content_type = next(
                (v for k, v in headers.items() if k.lower() == "content-type"), None
            )
            answer = channel_auth_response(pusher.config, body, content_type, lambda _req: True)
            return answer.status, dict(answer.headers), answer.body

        with RecordingHttpServer(auth, name="auth") as auth_server:
            socket_id = listener.connect(
                "listener",
                **soketi.client_connect_args(
                    channel_auth_endpoint=f"{auth_server.url}/pusher/auth"
                ),
            )
            print(f"pusher-js connected as socket {socket_id}")
            for channel in ("my-channel", "private-my-channel"):
                listener.subscribe("listener", channel)
                print(f"pusher-js subscribed to {channel}")
                since = listener.mark()
                result = pusher.trigger(channel, "my-event", {"message": "hello world ✓"})
                print(f"pusher.trigger({channel!r}, 'my-event', ...) -> {result}")
                got = listener.expect(since=since, type="event", channel=channel, event="my-event")
                print(
                    f"pusher-js received on {channel}: "
                    + json.dumps(got["data"], ensure_ascii=False)
                )
    print("done: soketi and the listener are stopped")


if __name__ == "__main__":
    main()
