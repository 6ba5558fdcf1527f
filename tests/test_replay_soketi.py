"""Replay the cassette recorded against soketi (tests/cassettes/soketi.json), offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from pusher_core.adapters.replay import Cassette, ReplayTransport
from pusher_core.client import Pusher
from pusher_core.errors import AuthenticationError, ReplayMismatchError
from tests.integration.test_cassette import run_session

CASSETTE = Path(__file__).resolve().parent / "cassettes" / "soketi.json"


def _client(transport: ReplayTransport, secret: str = "any-secret") -> Pusher:
    return Pusher(
        "4242",
        "harness-app-key",
        secret,
        ssl=False,
        host="127.0.0.1",
        port=6001,
        transport=transport,
        clock=lambda: 1_700_000_000,
    )


def test_recorded_session_replays_with_soketi_answers() -> None:
    """Every call of the recorded session gets soketi's recorded answer, refusal included."""
    replay = ReplayTransport(Cassette.load(CASSETTE))
    client = _client(replay)
    run_session(client, _client(replay, "wrong-secret"))
    assert replay.unused == ()


def test_recorded_answers_are_typed() -> None:
    """soketi's shapes parse: {"ok": true}, channel info, and the 401 hidden in an HTTP 200."""
    replay = ReplayTransport(Cassette.load(CASSETTE))
    client = _client(replay)
    assert client.trigger("cassette-channel", "my-event", {"message": "hello world ✓"}) == {
        "ok": True
    }
    interactions = Cassette.load(CASSETTE).interactions
    refusal = interactions[-1]
    assert refusal.response.status == 200
    assert b'"code":401' in refusal.response.body
    with pytest.raises(AuthenticationError, match="secret authentication failed"):
        _client(ReplayTransport(Cassette(interactions=[refusal]))).trigger(
            "cassette-channel", "refused", "x"
        )


def test_unrecorded_request_is_refused() -> None:
    """A request the cassette does not hold fails loudly, naming the closest recording."""
    client = _client(ReplayTransport(Cassette.load(CASSETTE)))
    with pytest.raises(ReplayMismatchError, match="closest"):
        client.trigger("cassette-channel", "my-event", {"message": "something else"})
