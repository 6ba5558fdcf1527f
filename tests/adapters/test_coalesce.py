"""`BodyWithHead`: a held body rides on the head's write, and is never lost or doubled."""

from __future__ import annotations

import http.client
from typing import Any

from pusher_core.adapters._coalesce import COALESCE_MAX, BodyWithHead


class _Sink(http.client.HTTPConnection):
    """Records what reaches the socket layer instead of writing it."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 9)
        self.writes: list[bytes] = []

    def send(self, data: Any) -> None:
        self.writes.append(bytes(data))


class _Probe(BodyWithHead, _Sink):
    pass


def test_a_small_body_joins_the_next_write_once() -> None:
    conn = _Probe()
    assert conn.hold_body(b"body") is None
    conn.send(b"head\r\n\r\n")
    conn.send_held_body()  # the head's write took it: nothing more
    conn.send(b"next")
    assert conn.writes == [b"head\r\n\r\nbody", b"next"]


def test_a_body_no_write_took_is_sent_after_the_head() -> None:
    conn = _Probe()
    conn.hold_body(b"body")
    conn.send_held_body()  # as if the library had written its head another way
    conn.send_held_body()
    assert conn.writes == [b"body"]


def test_a_large_body_is_left_to_the_caller_and_a_dropped_one_is_forgotten() -> None:
    conn = _Probe()
    large = b"x" * (COALESCE_MAX + 1)
    assert conn.hold_body(large) is large
    assert conn.hold_body(None) is None
    conn.hold_body(b"body")
    conn.drop_body()
    conn.send(b"head")
    conn.send_held_body()
    assert conn.writes == [b"head"]
