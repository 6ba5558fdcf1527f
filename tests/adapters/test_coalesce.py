"""`BodyWithHead`: a held body rides on the head's write, and is never lost or doubled."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest

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


class _Passed(http.client.HTTPConnection):
    """http.client's own `send`, recording what reaches it: what `os.write` left."""

    def __init__(self, sock: socket.socket, on_pass: Callable[[], object] = lambda: None) -> None:
        super().__init__("127.0.0.1", 9)
        self.sock = sock
        self.on_pass = on_pass
        self.passed: list[bytes] = []

    def send(self, data: Any) -> None:
        self.passed.append(bytes(data))
        self.on_pass()
        super().send(data)


class _Direct(BodyWithHead, _Passed):
    pass


def _drain(peer: socket.socket, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        into.extend(iter(lambda: peer.recv(65536), b""))

    reader = threading.Thread(target=read)
    reader.start()
    return reader


posix_only = pytest.mark.skipif(os.name != "posix", reason="sockets are descriptors on POSIX")


@posix_only
def test_a_write_the_kernel_takes_whole_is_one_system_call() -> None:
    client, peer = socket.socketpair()
    client.settimeout(5)
    conn = _Direct(client)
    conn.hold_body(b"body")
    conn.send(b"head\r\n\r\n")
    client.close()
    received: list[bytes] = []
    _drain(peer, received).join()
    peer.close()
    assert b"".join(received) == b"head\r\n\r\nbody"
    assert conn.passed == []  # sendall (a poll, then a send) was never needed


@posix_only
def test_what_the_send_buffer_cannot_take_goes_through_sendall_once() -> None:
    client, peer = socket.socketpair()
    client.settimeout(5)
    data = bytes(range(256)) * 8192  # 2 MiB: more than a socket buffer holds
    received: list[bytes] = []
    reader = _drain(peer, received)
    conn = _Direct(client)
    conn.send(data)
    client.close()
    reader.join()
    peer.close()
    assert b"".join(received) == data  # every byte once, in order
    (rest,) = conn.passed
    assert 0 < len(rest) < len(data)
    assert data.endswith(rest)  # the part os.write did not take, and only that


@posix_only
def test_a_full_send_buffer_leaves_the_whole_write_to_sendall() -> None:
    client, peer = socket.socketpair()
    client.settimeout(5)
    filler = 0
    with contextlib.suppress(BlockingIOError):
        while True:
            filler += os.write(client.fileno(), b"f" * 65536)
    received: list[bytes] = []
    readers: list[threading.Thread] = []
    # Only once os.write has found no room does the peer start reading.
    conn = _Direct(client, on_pass=lambda: readers.append(_drain(peer, received)))
    conn.send(b"request")
    client.close()
    readers[0].join()
    peer.close()
    assert b"".join(received) == b"f" * filler + b"request"
    assert conn.passed == [b"request"]
