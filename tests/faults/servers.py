"""Small raw-socket fault servers on 127.0.0.1 for the transport fault suite.

A `FaultServer` accepts TCP (or TLS) connections and reads HTTP/1.1 requests on
each, one after another. Every request is recorded (`Received`: method, path,
body, which connection, its position on that connection) before it is handed
to the route named by the last segment of its path; the route answers, or
misbehaves on purpose, through an `Exchange`. When the route leaves the
connection open, the next request on it is read (keep-alive).

Routes (`/.../<route>`):
- `ok` (also `warm-ok`, `after`): 200, a JSON echo of the request body and the
  connection's number and the request's index on it;
- `close`, `reset`: read the request, then close (FIN) or reset (RST), unanswered;
- `reset-mid`: headers and part of the body, then RST;
- `stall`: headers promising 10 bytes, then silence until the client leaves;
- `trickle`: headers, then a 100-byte body one byte every `TRICKLE_EVERY` s;
- `trickle-head`: the status line itself one byte every `TRICKLE_EVERY` s;
- `truncated`: `Content-Length: 100`, 10 bytes, FIN;
- `garbage`: a status line that is not HTTP, then FIN;
- `bad-field`: a header line that is not `name: value`, before `Content-Length`;
- `cut-head`: the status line and one header line (no Content-Length), then FIN;
- `interim`: a `103 Early Hints` head, then the 200;
- `folded`: 200 with a header value folded over two lines (obsolete folding);
- `oversize`: `Content-Length: OVERSIZE`, then silence (reading it would time out);
- `oversize-chunked`, `oversize-close`: a body without end, chunked or until
  close, until the client hangs up;
- `gzip-bomb`: `Content-Encoding: gzip`, the bytes of `gzip_bomb()`;
- `not-json`: 200 with an HTML body;
- `status-<code>` / `status-<code>-retry`: that status, with `Retry-After: 7`
  for the latter;
- `redirect-<code>`: that status with `Location:` pointing at `redirect-target`;
- `chunked`: 200 sent in three chunks, keep-alive;
- `http10`: an HTTP/1.0 answer with Content-Length, then FIN;
- `conn-close`: HTTP/1.1 with `Connection: close`, then FIN;
- `idle-close`: a keep-alive 200, then FIN on the idle connection.
`FaultServer.push` writes bytes nobody asked for on an open connection.

Also `refused_port()`, `full_backlog()` (connecting times out) and
`SilentServer` (accepts TCP, never says a word: a TLS handshake stalls).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import select
import socket
import ssl
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import attrs

__all__ = [
    "OVERSIZE",
    "TRICKLE_EVERY",
    "Exchange",
    "FaultServer",
    "Received",
    "SilentServer",
    "full_backlog",
    "gzip_bomb",
    "refused_port",
]

TRICKLE_EVERY = 0.5  # seconds between trickled bytes
OVERSIZE = 50 * 1024 * 1024  # announced by `oversize`
_MAX_HEAD = 64 * 1024
_IDLE_LIMIT = 30.0  # a handler never waits longer than this for anything
_STREAM_LIMIT = 64 * 1024 * 1024  # endless bodies stop here if the client never hangs up


@attrs.frozen
class Received:
    """One request as a fault server read it."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    connection: int  # the server's number for the connection it came on
    index: int  # 0: the connection's first request (a new connection); 1, 2...: reused
    client_port: int

    def header(self, name: str) -> str | None:
        """The first header named `name` (any letter case), or None."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@functools.cache
def gzip_bomb() -> bytes:
    """About 127 KB of gzip that unpacks to 128 MiB of zeros (built without holding them)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip container
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(128)]
    parts.append(packer.flush())
    return b"".join(parts)


class Exchange:
    """One received request and the means to answer it, or not."""

    def __init__(self, server: FaultServer, sock: socket.socket, request: Received) -> None:
        self._server = server
        self._sock = sock
        self.request = request
        self.closed = False

    def send(self, data: bytes) -> None:
        """Write raw bytes."""
        self._sock.sendall(data)

    def reply(
        self,
        status: int = 200,
        body: bytes = b"{}",
        headers: tuple[tuple[str, str], ...] = (),
        *,
        version: str = "HTTP/1.1",
        close: bool = False,
    ) -> None:
        """A complete answer with Content-Length; `close` adds `Connection: close` and a FIN."""
        lines = [f"{version} {status} Fault Server"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        lines.append(f"Content-Length: {len(body)}")
        if close:
            lines.append("Connection: close")
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        if close:
            self.hang_up()

    def hang_up(self) -> None:
        """Close the connection (FIN), whatever was or was not answered."""
        self.closed = True
        self._sock.close()

    def reset(self) -> None:
        """Abort the connection: linger 0 makes close() send RST."""
        self.closed = True
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._sock.close()

    def stall(self) -> None:
        """Say nothing more until the client leaves (or the server stops); then close."""
        deadline = _IDLE_LIMIT
        while deadline > 0 and not self._server.stopping.is_set():
            readable, _, _ = select.select([self._sock], [], [], 0.05)
            deadline -= 0.05
            if readable:
                try:
                    if not self._sock.recv(65536):
                        break
                except OSError:
                    break
        self.hang_up()

    def trickle(self, data: bytes, every: float = TRICKLE_EVERY) -> None:
        """Send `data` one byte at a time, `every` seconds apart, until done or the client left."""
        for offset in range(len(data)):
            try:
                self.send(data[offset : offset + 1])
            except OSError:
                break
            if self._server.stopping.wait(every):
                break
        self.hang_up()

    def stream_until_hang_up(self, head: bytes, chunk: bytes, *, chunked: bool) -> None:
        """Send `head`, then `chunk` over and over (chunk-framed or raw) until the client leaves."""
        frame = b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk
        try:
            self.send(head)
            for _ in range(_STREAM_LIMIT // len(chunk)):
                if self._server.stopping.is_set():
                    break
                self.send(frame)
        except OSError:
            pass
        self.hang_up()


def _ok(exchange: Exchange) -> None:
    request = exchange.request
    document = {
        "body": request.body.decode("utf-8", "replace"),
        "connection": request.connection,
        "index": request.index,
    }
    exchange.reply(200, json.dumps(document).encode(), (("Content-Type", "application/json"),))


def _reset_mid(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
    exchange.reset()


def _stall(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
    exchange.stall()


def _trickle(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
    exchange.trickle(b"x" * 100)


def _trickle_head(exchange: Exchange) -> None:
    exchange.trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")


def _truncated(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
    exchange.hang_up()


def _garbage(exchange: Exchange) -> None:
    exchange.send(b"HELLO I AM NOT HTTP\r\n\r\n")
    exchange.hang_up()


def _bad_field(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nX-Ok: 1\r\nnot a field\r\nContent-Length: 2\r\n\r\n{}")


def _cut_head(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    exchange.hang_up()


def _interim(exchange: Exchange) -> None:
    exchange.send(
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    )


def _folded(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nX-Folded: one\r\n \t two \r\nContent-Length: 2\r\n\r\n{}")


def _oversize(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % OVERSIZE)
    exchange.stall()  # a client that tried to read this body would time out instead


def _oversize_chunked(exchange: Exchange) -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    exchange.stream_until_hang_up(head, b"x" * 65536, chunked=True)


def _oversize_close(exchange: Exchange) -> None:
    head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
    exchange.stream_until_hang_up(head, b"x" * 65536, chunked=False)


def _gzip_bomb(exchange: Exchange) -> None:
    headers = (("Content-Type", "application/json"), ("Content-Encoding", "gzip"))
    exchange.reply(200, gzip_bomb(), headers)


def _not_json(exchange: Exchange) -> None:
    body = b"<html><body>Bad gateway, maybe</body></html>"
    exchange.reply(200, body, (("Content-Type", "text/html"),))


def _chunked(exchange: Exchange) -> None:
    document = json.dumps({"body": exchange.request.body.decode("utf-8", "replace")}).encode()
    parts = [document[:5], document[5:10], document[10:]]
    framed = b"".join(b"%x\r\n%b\r\n" % (len(part), part) for part in parts if part)
    exchange.send(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + framed
        + b"0\r\n\r\n"
    )


def _http10(exchange: Exchange) -> None:
    exchange.reply(200, b'{"v":"1.0"}', version="HTTP/1.0")
    exchange.hang_up()


def _connection_close(exchange: Exchange) -> None:
    exchange.reply(200, b'{"v":"close"}', close=True)


def _idle_close(exchange: Exchange) -> None:
    _ok(exchange)  # a keep-alive answer...
    exchange.hang_up()  # ...then the server closes the idle connection


_ROUTES: dict[str, Callable[[Exchange], None]] = {
    "ok": _ok,
    "warm-ok": _ok,
    "after": _ok,
    "redirect-target": _ok,
    "close": Exchange.hang_up,
    "reset": Exchange.reset,
    "reset-mid": _reset_mid,
    "stall": _stall,
    "trickle": _trickle,
    "trickle-head": _trickle_head,
    "truncated": _truncated,
    "garbage": _garbage,
    "bad-field": _bad_field,
    "cut-head": _cut_head,
    "interim": _interim,
    "folded": _folded,
    "oversize": _oversize,
    "oversize-chunked": _oversize_chunked,
    "oversize-close": _oversize_close,
    "gzip-bomb": _gzip_bomb,
    "not-json": _not_json,
    "chunked": _chunked,
    "http10": _http10,
    "conn-close": _connection_close,
    "idle-close": _idle_close,
}


def _route(exchange: Exchange) -> None:
    name = exchange.request.path.rsplit("/", 1)[-1]
    if name.startswith("status-"):
        _, code, *retry = name.split("-")
        headers = (("Retry-After", "7"),) if retry else ()
        body = json.dumps({"error": f"status {code} from the fault server"}).encode()
        exchange.reply(int(code), body, (("Content-Type", "application/json"), *headers))
    elif name.startswith("redirect-"):
        target = exchange.request.path.rsplit("/", 1)[0] + "/redirect-target"
        exchange.reply(int(name.split("-")[1]), b"", (("Location", target),))
    else:
        _ROUTES[name](exchange)


class FaultServer:
    """A threaded raw HTTP/1.1 server on 127.0.0.1 that misbehaves on request.

    Args:
        tls: a server context to speak TLS with, or None for plain TCP.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self._tls = tls
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._open: dict[int, socket.socket] = {}
        self._threads: list[threading.Thread] = []
        self._numbers = itertools.count()
        self._acceptor = threading.Thread(target=self._accept, name=f"fault-{self.port}")
        self._acceptor.start()

    def received(self, path: str | None = None) -> list[Received]:
        """The requests read so far (with exactly that path, when given), in order."""
        with self._lock:
            return [item for item in self._received if path is None or item.path == path]

    def copies(self, path: str) -> int:
        """How many times a request for `path` arrived."""
        return len(self.received(path))

    def push(self, connection: int, data: bytes) -> None:
        """Write `data` on the open connection numbered `connection`, unasked."""
        with self._lock:
            sock = self._open[connection]
        sock.sendall(data)

    def stop(self) -> None:
        """Stop accepting, wake every handler, and wait for all of them."""
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux
        self._listener.close()
        self._acceptor.join(10)
        with self._lock:
            still_open = list(self._open.values())
            threads = list(self._threads)
        for sock in still_open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(10)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, address = self._listener.accept()
            except OSError:
                return
            number = next(self._numbers)
            thread = threading.Thread(target=self._serve, args=(sock, address[1], number))
            with self._lock:
                self._open[number] = sock
                self._threads.append(thread)
            thread.start()

    def _serve(self, raw: socket.socket, client_port: int, number: int) -> None:
        sock = raw
        try:
            raw.settimeout(_IDLE_LIMIT)
            if self._tls is not None:
                sock = self._tls.wrap_socket(raw, server_side=True)
                with self._lock:
                    self._open[number] = sock
            buffer = bytearray()
            for index in itertools.count():
                request = _read_request(sock, buffer, number, index, client_port)
                if request is None:
                    return
                with self._lock:
                    self._received.append(request)
                exchange = Exchange(self, sock, request)
                _route(exchange)
                if exchange.closed:
                    return
        except (OSError, ValueError):
            return  # the client went away (or sent nonsense): nothing to report
        finally:
            with self._lock:
                self._open.pop(number, None)
            sock.close()
            raw.close()


def _read_request(
    sock: socket.socket, buffer: bytearray, number: int, index: int, client_port: int
) -> Received | None:
    """The next request on `sock` (None when the client closed); keeps leftovers in `buffer`."""
    while b"\r\n\r\n" not in buffer:
        if len(buffer) > _MAX_HEAD:
            raise ValueError("request head too large")
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
    end = buffer.index(b"\r\n\r\n")
    lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    del buffer[: end + 4]
    method, target, _ = lines[0].split(" ", 2)
    headers = tuple(
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:])
    )
    length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
    while len(buffer) < length:
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
    body = bytes(buffer[:length])
    del buffer[:length]
    return Received(
        method=method,
        path=urlsplit(target).path,
        headers=headers,
        body=body,
        connection=number,
        index=index,
        client_port=client_port,
    )


class SilentServer:
    """Accepts TCP connections and never sends a byte: a TLS client's handshake stalls."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port: int = self._listener.getsockname()[1]
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name=f"silent-{self.port}")
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self._held.append(sock)

    def stop(self) -> None:
        """Stop accepting and close every held connection."""
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(10)
        for sock in self._held:
            sock.close()


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@contextlib.contextmanager
def full_backlog() -> Iterator[int]:
    """A loopback port whose accept queue is full, so a new connection's SYN goes unanswered.

    Linux drops SYNs to a listener whose backlog is full: connecting hangs until
    the client's connect timeout, a real connect timeout on loopback.
    """
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        for _ in range(16):
            probe = socket.socket()
            probe.settimeout(0.2)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                probe.close()
                break
            fillers.append(probe)
        else:
            raise RuntimeError("could not fill the listen backlog")
        yield port
    finally:
        for sock in fillers:
            sock.close()
        listener.close()
