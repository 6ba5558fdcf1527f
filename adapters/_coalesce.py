"""One write per request: the head and a small body go out in a single system call.

`http.client` writes the head (`endheaders`) and the body with separate `send`
calls, and urllib3 does the same. On a socket with a timeout every
`socket.sendall` also waits in `poll` first, so each write costs two system
calls, and with threads each system call may hand the GIL to another thread.

A connection class that mixes in `BodyWithHead` holds a body of up to
`COALESCE_MAX` bytes (`hold_body`) and appends it to the next `send`: the head's.
Once the head is written, `send_held_body` sends a body still held, so a library
that wrote its head some other way would cost a second write, not a request.

On a plain TCP socket (POSIX), `send` first hands the bytes to `os.write`. A
socket with a timeout is in non-blocking mode, so that write never waits: the
kernel takes what fits in the send buffer, usually everything, and the rest (or
all of it, if nothing fitted) goes through `socket.sendall`, which waits under
the socket's timeout. A request then costs one system call instead of
`sendall`'s poll and send. TLS sockets always write through `sendall`.
The transports' tests watch both calls, so a library that changed when it calls
`send` would show a second write, or a body out of place.
"""

from __future__ import annotations

import http.client
import os
import socket
from typing import Any

__all__ = ["COALESCE_MAX", "FRAMING_HEADERS", "BodyWithHead"]

COALESCE_MAX = 64 * 1024
"""Bodies up to this size are written with the head; larger ones follow it."""

FRAMING_HEADERS = frozenset(("content-length", "transfer-encoding"))
"""The headers that frame a body (lower case): a request giving one is written as
given, and the HTTP library adds no `Content-Length` of its own."""

# Where a socket's descriptor is one `os.write` can write to.
_DESCRIPTOR_WRITES = os.name == "posix"


class BodyWithHead(http.client.HTTPConnection):
    """An `http.client` connection whose next `send` carries a held body too."""

    _pending_body: bytes | None = None

    def hold_body(self, body: bytes | None) -> bytes | None:
        """Hold `body` for the head's write when it is small; return what is left to send."""
        if body is not None and len(body) <= COALESCE_MAX:
            self._pending_body = body
            return None
        return body

    def drop_body(self) -> None:
        """Forget a held body (the request failed before its head was written)."""
        self._pending_body = None

    def send_held_body(self) -> None:
        """Send a held body that no write took, after the head.

        Called once the head is written: it does nothing while the library writes
        its head through `send`, and keeps the request whole if it ever stops.
        """
        body = self._pending_body
        if body is not None:
            self._pending_body = None
            self.send(body)

    def send(self, data: Any) -> None:
        """Write `data`, with the held body appended; on a plain socket, one `write` first."""
        body = self._pending_body
        if body is not None:
            self._pending_body = None
            data = data + body
        sock = self.sock
        if _DESCRIPTOR_WRITES and type(sock) is socket.socket and type(data) is bytes:
            try:
                written = os.write(sock.fileno(), data)
            except BlockingIOError:  # the send buffer is full: sendall waits for room
                written = 0
            if written == len(data):
                return
            data = memoryview(data)[written:]
        super().send(data)
