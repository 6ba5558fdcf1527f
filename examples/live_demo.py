"""Trigger events with pusher-core and watch a real pusher-js client receive them.

Starts soketi 1.6.1 on 127.0.0.1 and a pusher-js 8 client under Node (both from
tests/integration/js, installed with `npm ci`), subscribes the client to a public
and a private channel (authorized by pusher-core's auth helpers), triggers events
and prints what pusher-js delivers. Everything it starts, it stops.

    python examples/live_demo.py
    python examples/live_demo.py --url "$(examples/soketi.sh url)"   # a soketi left running
"""

from __future__ import annotations

import argparse
import contextlib
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


def main(argv: list[str] | None = None) -> None:
    """Run the demo end to end."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        help="PUSHER_URL of a soketi on 127.0.0.1 that is already running "
        "(examples/soketi.sh start); by default the demo starts its own and stops it",
    )
    args = parser.parse_args(argv)
    js_dir = ensure_node_modules()
    with contextlib.ExitStack() as stack:
        if args.url:
            pusher = Pusher.from_url(args.url)
            if pusher.host != "127.0.0.1":
                parser.error("the demo talks to 127.0.0.1 only; give a URL of a local soketi")
            print(f"using the running soketi on {pusher.host}:{pusher.port}, app {pusher.app_id}")
        else:
            print("starting soketi 1.6.1 on 127.0.0.1 (stopped when the demo ends)")
            soketi = stack.enter_context(SoketiServer(js_dir=js_dir))
            pusher = Pusher.from_url(soketi.pusher_url)
            print(f"soketi on {soketi.base_url}, app {soketi.app_id}")
        print("starting a pusher-js 8 listener under Node")
        listener = stack.enter_context(NodeClient(js_dir=js_dir))

        def auth(
            _method: str, _path: str, headers: dict[str, str], body: bytes
        ) -> tuple[int, dict[str, str], bytes]:
            content_type = next(
                (v for k, v in headers.items() if k.lower() == "content-type"), None
            )
            answer = channel_auth_response(pusher.config, body, content_type, lambda _req: True)
            return answer.status, dict(answer.headers), answer.body

        auth_server = stack.enter_context(RecordingHttpServer(auth, name="auth"))
        socket_id = listener.connect(
            "listener",
            key=pusher.key,
            host=pusher.host,
            port=pusher.port,
            channel_auth_endpoint=f"{auth_server.url}/pusher/auth",
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
                f"pusher-js received on {channel}: " + json.dumps(got["data"], ensure_ascii=False)
            )
    print("done: the listener is stopped" + ("" if args.url else ", and so is soketi"))


if __name__ == "__main__":
    main()
