"""Limits shared by the transports: the call deadline and the response size cap.

Rules:
- A call with a `deadline` (an absolute `time.monotonic()` instant) gets a
  `Budget`. Every socket wait of that call asks `Budget.wait()` how long it may
  last: the phase's own timeout (connect while connecting; read for writing and
  reading), cut to the time left. With no time left it raises `TimeoutError`,
  which the transports map like any socket timeout. The budget remembers, per
  phase, which of the two bounded the latest wait, so the error message names
  the timeout that fired (`Budget.limit`: "read timeout 5 s" or "total
  deadline 1 s"). `Budget.bound(sock)` applies `wait()` to a socket, skipping
  the system call while the socket's timeout would not change.
- The budget of the call in progress lives in `CALL`, a thread-local: the
  transport sets it around the call, and the connection classes read it. A
  connection is used by one call, in one thread, at a time.
- Responses are read through `BudgetedResponse`, whose file asks the budget
  before every receive. So the deadline bounds each receive of the status line,
  the headers and the body: a server trickling bytes is cut off at the
  deadline, not after (bytes x read timeout). In a call without a deadline it
  reads `http.client`'s own file. Its head is read by `_head.read_head`, not
  by `email` as `http.client` would, and the header pairs go to `CALL.headers`
  in the order and letter case received.
- `read_body` enforces `max_response_bytes` while reading: a Content-Length
  above the cap fails before the body is read; a chunked or close-delimited
  body fails as soon as it passes the cap. Bodies are returned as received,
  never decompressed.
"""

from __future__ import annotations

import http.client
import io
import math
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from pusher_core.adapters._head import read_head
from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ResponseTooLargeError,
    TransportTimeoutError,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from pusher_core.transport import HttpRequest

__all__ = [
    "CALL",
    "CONNECT",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "EXCHANGE",
    "Budget",
    "BudgetedResponse",
    "check_max_response_bytes",
    "read_body",
    "start_budget",
]

DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024
"""4 MiB: Channels API answers are a few KiB at most."""

CONNECT = 0
"""Phase: TCP connect, proxy tunnel, TLS handshake (bounded by the connect timeout)."""

EXCHANGE = 1
"""Phase: writing the request and reading the response (bounded by the read timeout)."""

_CHUNK = 64 * 1024  # bytes asked for per read of a body of unknown length


def check_max_response_bytes(value: object) -> int:
    """`max_response_bytes`, validated: a positive int."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError(
            "max_response_bytes", f"must be an int (bytes), got {value!r}"
        )
    if value < 1:
        raise InvalidArgumentError("max_response_bytes", f"must be at least 1 byte, got {value}")
    return value


class Budget:
    """The time limits of one call that has a deadline.

    Args:
        deadline: the absolute `time.monotonic()` instant the call must end by.
        total: seconds the call had when it began (for messages).
        timeouts: (connect, read) seconds, each bounding one wait.
        texts: how those two timeouts are named in messages.
    """

    __slots__ = ("_cut", "_deadline", "_texts", "_timeouts", "_total", "phase")

    def __init__(
        self,
        deadline: float,
        total: float,
        timeouts: tuple[float, float],
        texts: tuple[str, str],
    ) -> None:
        self._deadline = deadline
        self._total = total
        self._timeouts = timeouts
        self._texts = texts
        self.phase = CONNECT
        self._cut = [False, False]  # per phase: did the deadline bound its latest wait?

    def _deadline_text(self) -> str:
        return f"total deadline {self._total:.3g} s"

    def limit(self, phase: int) -> str:
        """The name of what bounded the latest wait of `phase`, for error messages."""
        return self._deadline_text() if self._cut[phase] else self._texts[phase]

    def wait(self, phase: int | None = None) -> float:
        """Seconds the next wait of `phase` (default: the current phase) may last.

        Raises:
            TimeoutError: the deadline has passed.
        """
        if phase is None:
            phase = self.phase
        timeout = self._timeouts[phase]
        left = self._deadline - time.monotonic()
        if left >= timeout:
            self._cut[phase] = False
            return timeout
        self._cut[phase] = True
        if left <= 0:
            raise TimeoutError(f"{self._deadline_text()} reached")
        return left

    def bound(self, sock: socket.socket) -> None:
        """Give `sock` the timeout of its next wait in the current phase (`wait()`).

        While the socket already has the phase's full timeout and the deadline is
        further away than that, `wait()` would return that same timeout: the
        system call is skipped.
        """
        timeout = self._timeouts[self.phase]
        if sock.gettimeout() != timeout or self._deadline - time.monotonic() < timeout:
            sock.settimeout(self.wait())


def start_budget(
    deadline: object,
    request: HttpRequest,
    timeouts: tuple[float, float],
    texts: tuple[str, str],
) -> Budget:
    """The budget of a call that must end by `deadline`.

    Raises:
        InvalidArgumentTypeError: `deadline` is not a number.
        InvalidArgumentError: `deadline` is NaN.
        TransportTimeoutError: the deadline has already passed; nothing was sent.
    """
    if isinstance(deadline, bool) or not isinstance(deadline, (int, float)):
        raise InvalidArgumentTypeError(
            "deadline", f"must be a time.monotonic() instant (float), got {deadline!r}"
        )
    if math.isnan(deadline):
        raise InvalidArgumentError("deadline", "must be a time.monotonic() instant, got nan")
    total = deadline - time.monotonic()
    if total <= 0:
        raise TransportTimeoutError(
            f"total deadline reached {-total:.3g} s before the request was sent",
            request,
            sent=False,
        )
    return Budget(float(deadline), total, timeouts, texts)


class _CallState(threading.local):
    """What the connection classes need to know about the call in progress."""

    budget: Budget | None = None
    wrote: bool = False  # a write of the request began: bytes may have left
    # The (name, value) pairs of the response head `BudgetedResponse` read last, as
    # received, in order: the transports' one source of response headers.
    headers: tuple[tuple[str, str], ...] = ()


CALL = _CallState()
"""The calling thread's call state; transports set it around each call."""


class _BudgetedRaw(io.RawIOBase):
    """A socket's raw reader that bounds each receive by the current call's budget."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        # Counts as a reference to the socket, like http.client's own file does:
        # closing the connection leaves a response it passed on readable.
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        budget = CALL.budget
        if budget is not None:
            budget.bound(self._sock)
        return self._raw.readinto(buffer)

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _FileSource:
    """Stands in for the socket when `http.client` asks it for a file."""

    __slots__ = ("_file",)

    def __init__(self, file: io.BufferedReader[_BudgetedRaw]) -> None:
        self._file = file

    def makefile(self, _mode: str) -> io.BufferedReader[_BudgetedRaw]:
        return self._file


class BudgetedResponse(http.client.HTTPResponse):
    """`http.client.HTTPResponse` reading through a budgeted file, its head read by `read_head`.

    The connection classes of both transports use it as `response_class`. When
    the status line or headers cannot be read (timeout, reset, not HTTP), it
    closes itself, so the socket is released when the connection is closed,
    not whenever the garbage collector gets to the half-read response.
    """

    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.request_method = method
        if CALL.budget is None:  # no deadline for this call: http.client's own file
            super().__init__(sock, debuglevel, method, url)
            return
        file = io.BufferedReader(_BudgetedRaw(sock))
        super().__init__(cast("socket.socket", _FileSource(file)), debuglevel, method, url)

    def begin(self) -> None:
        """Read the head (`_head.read_head`) and set up the body's reader; on failure, close.

        The received pairs go to `CALL.headers`, where the transports read them.
        `msg` and `headers` stay None: only urllib3 reads them, and its
        connections' response class fills them (`urllib3_transport`).
        """
        try:
            head = read_head(self.fp.readline, self.request_method)
        except BaseException:
            self.close()
            raise
        self.version = head.version
        self.code = self.status = head.status
        self.reason = head.reason
        self.chunked = head.chunked
        self.chunk_left = None
        self.length = head.length
        self.will_close = head.will_close
        CALL.headers = head.fields


def read_body(
    read: Callable[[int | None], bytes],
    length: int | None,
    cap: int,
    request: HttpRequest,
    status: int,
) -> bytes:
    """The response body, read with `read`, refusing more than `cap` bytes.

    Args:
        read: reads up to n bytes of the body, or all of it for None (b"" at the end).
        length: the body's Content-Length, or None (chunked, or until close).
        cap: the transport's `max_response_bytes`.
        request: the request, for the error.
        status: the response status, for the error message.

    Raises:
        ResponseTooLargeError: the body is, or grew, larger than `cap`.
    """
    if length is not None:
        if length > cap:
            raise ResponseTooLargeError(
                f"HTTP {status} answer announces {length} bytes (Content-Length), more than "
                f"max_response_bytes={cap}; the body was not read",
                request,
            )
        return read(None)
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > cap:
            raise ResponseTooLargeError(
                f"HTTP {status} answer passed max_response_bytes={cap} while being read "
                f"({total} bytes so far); the rest was not read",
                request,
            )
        parts.append(chunk)
