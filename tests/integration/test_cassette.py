"""Record a cassette against soketi; the committed copy is replayed offline by the unit tests.

Run with PUSHER_CORE_RECORD=1 to rewrite tests/cassettes/soketi.json. Without
it, the session is recorded afresh and must replay against the committed
cassette request for request (so the committed file never drifts from what the
library sends).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pusher_core.adapters.replay import Cassette, RecordingTransport, ReplayTransport
from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.client import Pusher
from pusher_core.errors import AuthenticationError

from .harness import SoketiServer

pytestmark = pytest.mark.integration

CASSETTE = Path(__file__).resolve().parents[1] / "cassettes" / "soketi.json"


def run_session(client: Pusher, wrong: Pusher) -> None:
    """The scripted session: every endpoint once, plus one refusal."""
    client.trigger("cassette-channel", "my-event", {"message": "hello world ✓"})
    client.trigger(["cassette-a", "cassette-b"], "multi", "plain text", info=["subscription_count"])
    client.trigger_batch(
        [
            {"channel": "cassette-a", "name": "b1", "data": {"n": 1}},
            {"channel": "cassette-b", "name": "b2", "data": "two", "socket_id": "1.2"},
        ]
    )
    client.channels_info(prefix_filter="cassette-")
    client.channel_info("cassette-channel", ["subscription_count"])
    client.users_info("presence-cassette")
    client.send_to_user("cassette-user", "note", {"hi": 1})
    client.terminate_user_connections("cassette-user")
    with pytest.raises(AuthenticationError):
        wrong.trigger("cassette-channel", "refused", "x")


def test_record_soketi_cassette(soketi: SoketiServer, tmp_path: Path) -> None:
    """Recording against soketi gives a secret-free cassette matching the committed one."""
    with Urllib3Transport() as inner:
        recorder = RecordingTransport(inner)
        common = {"ssl": False, "host": "127.0.0.1", "port": soketi.port, "transport": recorder}
        client = Pusher(soketi.app_id, soketi.key, soketi.secret, **common)  # type: ignore[arg-type]
        wrong = Pusher(soketi.app_id, soketi.key, "wrong-secret", **common)  # type: ignore[arg-type]
        run_session(client, wrong)
    fresh = tmp_path / "soketi.json"
    recorder.save(fresh)
    text = fresh.read_text(encoding="utf-8")
    assert soketi.secret not in text
    assert "wrong-secret" not in text
    if os.environ.get("PUSHER_CORE_RECORD") == "1":
        CASSETTE.write_text(text, encoding="utf-8")
    committed = ReplayTransport(Cassette.load(CASSETTE))
    for interaction in recorder.cassette.interactions:
        # Same requests as committed (the volatile auth parameters aside).
        committed.send(interaction.request)
    assert committed.unused == ()
