"""Both transports shared: across `os.fork()` and across 16 threads, each request arrives once."""

from __future__ import annotations

import json
import os
import threading
import time
import warnings

import pytest

from pusher_core.errors import TransportError

from .conftest import Harness, Scheme, Transport

ROUNDS = 40


def _publish(harness: Harness, transport: Transport, scheme: Scheme, who: str) -> list[str]:
    """Send ROUNDS POSTs; what went wrong, as text (empty when every answer was right)."""
    problems = []
    for i in range(ROUNDS):
        request = harness.request(f"{who}-{i}/ok", scheme=scheme)
        try:
            response = transport.send(request)
        except TransportError as exc:
            problems.append(f"{who} {i}: {exc!r}")
            continue
        if response.status != 200 or json.loads(response.body)["body"] != request.body.decode():
            problems.append(f"{who} {i}: wrong answer {response.status} {response.body!r}")
    return problems


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_fork_while_pooled(harness: Harness, scheme: Scheme) -> None:
    """After fork, parent and child publish at once: each arrives once, intact; no sharing."""
    transport = harness.transport(connect_timeout=5, read_timeout=5)
    server = harness.server(scheme)
    warm = harness.warm(transport, scheme)  # the parent's pooled connection
    reader, writer = os.pipe()
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads running
        pid = os.fork()
    if pid == 0:  # the child: publish, report through the pipe, leave without any cleanup
        status = 1
        try:
            os.close(reader)
            problems = _publish(harness, transport, scheme, "child")
            os.write(writer, "\n".join(problems).encode()[:60000])
            status = 0 if not problems else 1
        finally:
            os._exit(status)
    os.close(writer)
    problems = _publish(harness, transport, scheme, "parent")
    child_report = _read_all(reader)
    _, wait_status = os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    assert os.waitstatus_to_exitcode(wait_status) == 0, child_report
    assert problems == []
    connections: dict[str, set[int]] = {"parent": set(), "child": set()}
    for who, used in connections.items():
        for i in range(ROUNDS):
            (received,) = server.received(f"/apps/1/{harness.tag}/{who}-{i}/ok")  # exactly once
            assert json.loads(received.body)["name"] == "e"  # the body arrived whole
            used.add(received.connection)
    assert connections["parent"] == {warm}  # the parent's connection carried on untouched
    assert warm not in connections["child"]  # the child never wrote to it
    usable = transport.send(harness.request("after", scheme=scheme)).status == 200
    harness.record(
        f"fork while pooled ({scheme}), {ROUNDS}+{ROUNDS} POSTs at once",
        "every answer right, no error in either process",
        seconds,
        "1 each",
        usable_after=usable,
    )
    assert usable


def test_sixteen_threads_share_one_transport(harness: Harness) -> None:
    """16 threads x 40 POSTs on one transport: each arrives once, each answer is its own."""
    transport = harness.transport(connect_timeout=5, read_timeout=5)
    start = threading.Barrier(16)
    problems: list[str] = []

    def work(n: int) -> None:
        start.wait()
        problems.extend(_publish(harness, transport, "http", f"thread{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    assert problems == []
    for n in range(16):
        for i in range(ROUNDS):
            assert harness.plain.copies(f"/apps/1/{harness.tag}/thread{n}-{i}/ok") == 1
    usable = transport.send(harness.request("after")).status == 200
    harness.record(
        f"16 threads x {ROUNDS} POSTs, one transport",
        "every answer its own request's, no error",
        seconds,
        "1 each",
        usable_after=usable,
    )
    assert usable
