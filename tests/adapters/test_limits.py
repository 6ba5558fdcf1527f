"""The shared call limits: the deadline budget, the size-capped body reader, the fork registry."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from pusher_core.adapters import _fork
from pusher_core.adapters._limits import (
    CONNECT,
    EXCHANGE,
    Budget,
    check_max_response_bytes,
    read_body,
    start_budget,
)
from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ResponseTooLargeError,
    TransportTimeoutError,
)
from pusher_core.transport import HttpRequest

_REQUEST = HttpRequest(method="POST", scheme="http", host="127.0.0.1", port=1, path="/apps/1/x")
_TEXTS = ("connect timeout 2 s", "read timeout 3 s")


def _budget(seconds_left: float) -> Budget:
    return Budget(time.monotonic() + seconds_left, seconds_left, (2.0, 3.0), _TEXTS)


def test_budget_waits_the_phase_timeout_while_time_is_plenty() -> None:
    """Far from the deadline, each phase waits its own timeout and names it."""
    budget = _budget(60)
    assert budget.wait() == 2.0  # connecting is the first phase
    budget.phase = EXCHANGE
    assert budget.wait() == 3.0
    assert [budget.limit(CONNECT), budget.limit(EXCHANGE)] == list(_TEXTS)


def test_budget_cuts_waits_to_the_time_left_and_names_the_deadline() -> None:
    """Near the deadline a wait is the time left, and the message names the total deadline."""
    budget = _budget(1.0)
    waited = budget.wait(EXCHANGE)
    assert 0.5 < waited <= 1.0
    assert [budget.limit(CONNECT), budget.limit(EXCHANGE)] == [
        "connect timeout 2 s",
        "total deadline 1 s",
    ]
    budget.wait(CONNECT)
    assert budget.limit(CONNECT) == "total deadline 1 s"


class _Socket:
    """Records the timeouts a budget gives it (a socket's gettimeout/settimeout)."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.set: list[float] = []

    def gettimeout(self) -> float | None:
        return self.timeout

    def settimeout(self, value: float) -> None:
        self.timeout = value
        self.set.append(value)


@pytest.mark.parametrize("phase", [CONNECT, EXCHANGE])
def test_bound_skips_the_system_call_only_when_the_timeout_would_not_change(phase: int) -> None:
    """Far from the deadline a socket already at the phase's timeout keeps it untouched."""
    budget = _budget(60)
    budget.phase = phase
    full = (2.0, 3.0)[phase]
    ready = _Socket(full)
    budget.bound(ready)  # type: ignore[arg-type]
    assert ready.set == []
    other = _Socket(full + 1)  # e.g. the other phase's timeout, or none at all
    budget.bound(other)  # type: ignore[arg-type]
    assert other.set == [full]
    blocking = _Socket(None)
    budget.bound(blocking)  # type: ignore[arg-type]
    assert blocking.set == [full]


def test_bound_cuts_the_socket_to_the_time_left_near_the_deadline() -> None:
    """A deadline nearer than the phase's timeout always reaches the socket, and is named."""
    budget = _budget(1.0)
    budget.phase = EXCHANGE
    sock = _Socket(3.0)  # already at the read timeout, but the deadline is nearer
    budget.bound(sock)  # type: ignore[arg-type]
    assert len(sock.set) == 1
    assert 0.5 < sock.set[0] <= 1.0
    assert budget.limit(EXCHANGE) == "total deadline 1 s"


def test_budget_raises_once_the_deadline_passed() -> None:
    """No time left: TimeoutError, which the transports map like a socket timeout."""
    budget = Budget(time.monotonic() - 0.01, 1.0, (2.0, 3.0), _TEXTS)
    with pytest.raises(TimeoutError, match="total deadline 1 s reached"):
        budget.wait()


@pytest.mark.parametrize(
    ("deadline", "error"),
    [("soon", InvalidArgumentTypeError), (True, InvalidArgumentTypeError)],
)
def test_start_budget_checks_the_deadline_type(deadline: object, error: type[Exception]) -> None:
    """A deadline that is not a number is refused, naming the argument."""
    with pytest.raises(error) as excinfo:
        start_budget(deadline, _REQUEST, (1.0, 1.0), _TEXTS)
    assert excinfo.value.argument == "deadline"  # type: ignore[attr-defined]


def test_start_budget_refuses_nan() -> None:
    """NaN is no instant."""
    with pytest.raises(InvalidArgumentError) as excinfo:
        start_budget(float("nan"), _REQUEST, (1.0, 1.0), _TEXTS)
    assert excinfo.value.argument == "deadline"


def test_start_budget_refuses_a_passed_deadline_as_unsent() -> None:
    """A deadline already passed is a timeout that sent nothing."""
    with pytest.raises(TransportTimeoutError) as excinfo:
        start_budget(time.monotonic() - 1, _REQUEST, (1.0, 1.0), _TEXTS)
    assert excinfo.value.sent is False
    assert excinfo.value.request is _REQUEST


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0, InvalidArgumentError),
        (-5, InvalidArgumentError),
        (1.5, InvalidArgumentTypeError),
        (True, InvalidArgumentTypeError),
        ("4M", InvalidArgumentTypeError),
    ],
)
def test_max_response_bytes_is_checked(value: object, error: type[Exception]) -> None:
    """The cap must be a positive int; the error names the option."""
    with pytest.raises(error) as excinfo:
        check_max_response_bytes(value)
    assert excinfo.value.argument == "max_response_bytes"  # type: ignore[attr-defined]
    assert check_max_response_bytes(1) == 1


class _Body:
    """A body read in pieces, recording how much was asked for."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces
        self.asked: list[int | None] = []

    def read(self, amount: int | None) -> bytes:
        self.asked.append(amount)
        if amount is None:
            whole = b"".join(self.pieces)
            self.pieces = []
            return whole
        return self.pieces.pop(0) if self.pieces else b""


def test_a_content_length_over_the_cap_fails_before_reading() -> None:
    """Content-Length above the cap raises without reading a byte of the body."""
    body = _Body([b"x" * 11])
    with pytest.raises(ResponseTooLargeError, match="max_response_bytes=10") as excinfo:
        read_body(body.read, 11, 10, _REQUEST, 200)
    assert body.asked == []
    assert excinfo.value.sent is True


def test_a_content_length_at_the_cap_is_read_whole() -> None:
    """A body exactly the cap's size is fine."""
    body = _Body([b"x" * 10])
    assert read_body(body.read, 10, 10, _REQUEST, 200) == b"x" * 10


def test_a_body_of_unknown_length_stops_past_the_cap() -> None:
    """Chunked or close-delimited: reading stops at the first piece that passes the cap."""
    body = _Body([b"x" * 6, b"x" * 6, b"x" * 6])
    with pytest.raises(ResponseTooLargeError, match="12 bytes so far"):
        read_body(body.read, None, 10, _REQUEST, 200)
    assert len(body.pieces) == 1  # the third piece was never asked for


def test_a_body_of_unknown_length_under_the_cap_is_joined() -> None:
    """Pieces under the cap come back as one bytes value."""
    body = _Body([b"ab", b"cd"])
    assert read_body(body.read, None, 10, _REQUEST, 200) == b"abcd"


def test_fork_registration_keeps_nothing_alive() -> None:
    """A registered transport can still be collected; it then leaves the registry."""

    class Owner:
        def _after_fork_in_child(self) -> None:
            """Nothing."""

    owner = Owner()
    _fork.register(owner)
    assert owner in _fork._transports
    alive = weakref.ref(owner)
    del owner
    gc.collect()
    assert alive() is None
    assert all(type(item).__name__ != "Owner" for item in _fork._transports)
