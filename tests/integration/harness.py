"""Integration-test harness: a real soketi server, pusher-js clients and HTTP receivers.

Everything here binds and talks to 127.0.0.1 only.

* :class:`SoketiServer` starts the pinned soketi (``tests/integration/js``) as a
  child ``node`` process with a generated JSON config and stops exactly that pid.
* :class:`NodeClient` runs ``client.js`` (pusher-js driver) and exchanges JSON
  lines with it; see the protocol at the top of ``client.js``.
* :class:`RecordingHttpServer` is a threaded HTTP server with a pluggable handler
  that records every request (webhook receiver, pusher-js auth endpoint).

Only the standard library is used.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_APP_KEY",
    "DEFAULT_APP_SECRET",
    "DEFAULT_WEBHOOK_EVENTS",
    "JS_DIR",
    "HarnessError",
    "HttpHandler",
    "NodeClient",
    "RecordedRequest",
    "RecordingHttpServer",
    "SoketiServer",
    "WaitTimeoutError",
    "ensure_node_modules",
    "free_tcp_port",
    "free_udp_port",
    "inet_sockets_of_pid",
    "iter_webhook_events",
    "json_response",
    "matching",
    "parse_form",
    "wait_for_webhook_event",
]

JS_DIR: Path = Path(__file__).resolve().parent / "js"
"""Folder holding package.json, package-lock.json, client.js and node_modules."""

LOOPBACK = "127.0.0.1"

DEFAULT_APP_ID = "4242"
# Key and secret must not look like numbers: soketi JSON-parses SOKETI_* env
# values, and several tools treat numeric-looking strings as numbers.
DEFAULT_APP_KEY = "harness-app-key"
DEFAULT_APP_SECRET = "harness-app-secret"

DEFAULT_WEBHOOK_EVENTS: tuple[str, ...] = (
    "channel_occupied",
    "channel_vacated",
    "member_added",
    "member_removed",
    "client_event",
)

NPM_CI_HINT = "npm ci --prefix tests/integration/js --no-audit --no-fund --ignore-scripts"

JsonDict = dict[str, Any]


class HarnessError(RuntimeError):
    """The harness could not do what it was asked (process died, bad setup, ...)."""


class WaitTimeoutError(HarnessError, TimeoutError):
    """A ``wait_for`` ran out of time."""


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def ensure_node_modules(js_dir: Path = JS_DIR) -> Path:
    """Return ``js_dir`` or raise :class:`HarnessError` if ``npm ci`` was not run."""
    needed = [
        js_dir / "node_modules" / "@soketi" / "soketi" / "bin" / "server.js",
        js_dir / "node_modules" / "pusher-js" / "package.json",
    ]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise HarnessError(
            "integration test JS dependencies are not installed "
            f"(missing: {', '.join(missing)}). Run: {NPM_CI_HINT}"
        )
    return js_dir


def free_tcp_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
        return port


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
        return port


def parse_form(body: bytes) -> dict[str, str]:
    """Parse an ``application/x-www-form-urlencoded`` body (last value wins)."""
    pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    return dict(pairs)


def json_response(
    payload: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Build a handler return value carrying a JSON body."""
    out = {"Content-Type": "application/json"}
    if headers:
        out.update(headers)
    return status, out, json.dumps(payload).encode("utf-8")


def matching(**fields: object) -> Callable[[JsonDict], bool]:
    """Predicate: every given key is present in the message with an equal value."""

    def predicate(message: JsonDict) -> bool:
        return all(key in message and message[key] == value for key, value in fields.items())

    return predicate


def _hex_ipv4(hex_addr: str) -> tuple[str, int]:
    addr_hex, port_hex = hex_addr.split(":")
    raw = bytes.fromhex(addr_hex)[::-1]  # /proc/net stores it little-endian
    return ".".join(str(b) for b in raw), int(port_hex, 16)


def inet_sockets_of_pid(pid: int) -> list[tuple[str, str, int]]:
    """IPv4/IPv6 TCP-listening and UDP sockets owned by ``pid`` (Linux ``/proc``).

    Returns ``(proto, local_address, local_port)`` tuples, proto being ``tcp``,
    ``udp``, ``tcp6`` or ``udp6``. IPv6 addresses are returned as raw hex.
    """
    inodes: set[str] = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    result: list[tuple[str, str, int]] = []
    for proto in ("tcp", "udp", "tcp6", "udp6"):
        table = Path(f"/proc/{pid}/net/{proto}")
        if not table.exists():
            continue
        lines = table.read_text().splitlines()[1:]
        for line in lines:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if inode not in inodes:
                continue
            if proto.startswith("tcp") and state != "0A":  # 0A = LISTEN
                continue
            if proto.endswith("6"):
                addr_hex, port_hex = local.split(":")
                result.append((proto, addr_hex, int(port_hex, 16)))
            else:
                addr, port = _hex_ipv4(local)
                result.append((proto, addr, port))
    return result


def _clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment without SOKETI_* settings and proxies."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith("SOKETI_")
        and k.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    }
    env["NO_PROXY"] = "*"
    if extra:
        env.update(extra)
    return env


def _stop_process(proc: subprocess.Popen[Any], timeout: float) -> None:
    """SIGTERM this one child, then SIGKILL it after ``timeout`` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=5)


# ---------------------------------------------------------------------------
# RecordingHttpServer
# ---------------------------------------------------------------------------

HttpHandler = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]
"""``handler(method, path_with_query, headers, body) -> (status, headers, body)``."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    """Path including the query string, as sent."""
    headers: dict[str, str]
    """Header names as sent (original case); repeated headers joined with ``", "``."""
    body: bytes
    """Raw body bytes, exactly as received."""
    received_at: float
    response_status: int

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body.decode("utf-8"))

    @property
    def path_only(self) -> str:
        return urllib.parse.urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))


def _default_handler(
    method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    return json_response({})


class RecordingHttpServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that records every request.

    The handler may be swapped at any time with :meth:`set_handler`. A handler
    that raises produces a 500 and the exception is kept in :attr:`errors`.
    """

    def __init__(self, handler: HttpHandler | None = None, *, name: str = "http") -> None:
        self.name = name
        self._handler: HttpHandler = handler or _default_handler
        self._requests: list[RecordedRequest] = []
        self._cond = threading.Condition()
        self.errors: list[BaseException] = []
        owner = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers: dict[str, str] = {}
                for key, value in self.headers.items():
                    headers[key] = f"{headers[key]}, {value}" if key in headers else value
                try:
                    status, out_headers, out_body = owner._handler(
                        self.command, self.path, headers, body
                    )
                except BaseException as exc:  # recorded, reported as 500
                    owner.errors.append(exc)
                    status, out_headers, out_body = (
                        500,
                        {"Content-Type": "text/plain"},
                        repr(exc).encode(),
                    )
                owner._record(
                    RecordedRequest(
                        method=self.command,
                        path=self.path,
                        headers=headers,
                        body=body,
                        received_at=time.time(),
                        response_status=status,
                    )
                )
                self.send_response(status)
                sent = {k.lower() for k in out_headers}
                for key, value in out_headers.items():
                    self.send_header(key, value)
                if "content-length" not in sent:
                    self.send_header("Content-Length", str(len(out_body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out_body)

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815
            do_PUT = _handle  # noqa: N815
            do_DELETE = _handle  # noqa: N815
            do_PATCH = _handle  # noqa: N815
            do_HEAD = _handle  # noqa: N815
            do_OPTIONS = _handle  # noqa: N815

        self._server = http.server.ThreadingHTTPServer((LOOPBACK, 0), _Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------
    def start(self) -> RecordingHttpServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"RecordingHttpServer-{self.name}",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # configuration -----------------------------------------------------------
    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{LOOPBACK}:{self.port}"

    def set_handler(self, handler: HttpHandler | None) -> None:
        """Replace the handler (``None`` restores the default ``200 {}``)."""
        self._handler = handler or _default_handler

    # recording -----------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self._requests.append(request)
            self._cond.notify_all()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request so far, in arrival order."""
        with self._cond:
            return list(self._requests)

    def mark(self) -> int:
        """The number of requests so far; pass it as ``since`` to :meth:`wait_for`."""
        with self._cond:
            return len(self._requests)

    def clear(self) -> None:
        with self._cond:
            self._requests.clear()

    def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool],
        timeout: float = 10.0,
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """The first request (index >= ``since``) matching ``predicate``.

        Raises :class:`WaitTimeoutError` listing what did arrive.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for request in self._requests[since:]:
                    if predicate(request):
                        return request
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{r.method} {r.path} {r.body[:300]!r}" for r in self._requests[since:]]
                    raise WaitTimeoutError(
                        f"{self.name}: no matching request within {timeout}s; "
                        f"received {len(seen)}: " + "\n  ".join(["", *seen[-20:]])
                    )
                self._cond.wait(remaining)


# ---------------------------------------------------------------------------
# SoketiServer
# ---------------------------------------------------------------------------


class SoketiServer:
    """One soketi 1.6.1 process bound to 127.0.0.1 with one app.

    ``port`` is the HTTP/WebSocket port (0: a free one, chosen at start).
    ``server_options`` holds extra soketi options as *dotted keys*
    (e.g. ``{"eventLimits.maxPayloadInKb": 10}``); soketi applies each top-level
    key of the config file with ``dot.set``, so a nested object would replace the
    whole default subtree. ``app_options`` is merged into the app object
    (e.g. ``{"maxEventPayloadInKb": 10, "maxPresenceMembersPerChannel": 3}``).
    """

    def __init__(
        self,
        *,
        app_id: str = DEFAULT_APP_ID,
        key: str = DEFAULT_APP_KEY,
        secret: str = DEFAULT_APP_SECRET,
        webhook_url: str | None = None,
        webhook_events: Sequence[str] = DEFAULT_WEBHOOK_EVENTS,
        webhook_batching: bool = False,
        app_options: Mapping[str, object] | None = None,
        server_options: Mapping[str, object] | None = None,
        user_authentication_timeout_ms: int = 600_000,
        debug: bool = False,
        js_dir: Path = JS_DIR,
        work_dir: Path | None = None,
        startup_timeout: float = 30.0,
        node: str = "node",
        port: int = 0,
    ) -> None:
        self.app_id = app_id
        self.key = key
        self.secret = secret
        self.webhook_url = webhook_url
        self.webhook_events = tuple(webhook_events)
        self.webhook_batching = webhook_batching
        self.app_options = dict(app_options or {})
        self.server_options = dict(server_options or {})
        self.user_authentication_timeout_ms = user_authentication_timeout_ms
        self.debug = debug
        self.js_dir = js_dir
        self.startup_timeout = startup_timeout
        self.node = node
        self._own_work_dir = work_dir is None
        self._work_dir = work_dir
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self.host = LOOPBACK
        self._wanted_port = port
        self.port = 0
        self.metrics_port = 0
        self.discovery_port = 0

    # derived ---------------------------------------------------------------------
    @property
    def work_dir(self) -> Path:
        if self._work_dir is None:
            raise HarnessError("soketi has not been started")
        return self._work_dir

    @property
    def config_path(self) -> Path:
        return self.work_dir / "soketi.json"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "soketi.log"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pusher_url(self) -> str:
        """``PUSHER_URL`` for this server's app (``Pusher.from_url`` reads it)."""
        return f"http://{self.key}:{self.secret}@{self.host}:{self.port}/apps/{self.app_id}"

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise HarnessError("soketi has not been started")
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_text(self) -> str:
        """Everything soketi wrote to stdout/stderr so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except (OSError, HarnessError):
            return ""

    def app_config(self) -> JsonDict:
        app: JsonDict = {
            "id": self.app_id,
            "key": self.key,
            "secret": self.secret,
            "enabled": True,
            "enableClientMessages": True,
            "enableUserAuthentication": True,
            "maxConnections": -1,
            "maxBackendEventsPerSecond": -1,
            "maxClientEventsPerSecond": -1,
            "maxReadRequestsPerSecond": -1,
            "webhooks": (
                [{"url": self.webhook_url, "event_types": list(self.webhook_events)}]
                if self.webhook_url
                else []
            ),
        }
        app.update(self.app_options)
        return app

    def config(self) -> JsonDict:
        """The soketi config (dotted keys) that :meth:`start` writes."""
        cfg: JsonDict = {
            "debug": self.debug,
            "host": self.host,
            "port": self.port,
            "mode": "full",
            "adapter.driver": "local",
            "appManager.driver": "array",
            "appManager.array.apps": [self.app_config()],
            "cache.driver": "memory",
            "queue.driver": "sync",
            "rateLimiter.driver": "local",
            # The metrics/usage server always listens; keep it on loopback.
            "metrics.enabled": False,
            "metrics.host": self.host,
            "metrics.port": self.metrics_port,
            # node-discover always runs. Bind it to loopback and send its UDP
            # hellos to itself instead of broadcasting to 255.255.255.255.
            "cluster.hostname": self.host,
            "cluster.address": self.host,
            "cluster.port": self.discovery_port,
            "cluster.unicast": f"{self.host}:{self.discovery_port}",
            "cluster.broadcast": self.host,
            "shutdownGracePeriod": 100,
            "userAuthenticationTimeout": self.user_authentication_timeout_ms,
            "webhooks.batching.enabled": self.webhook_batching,
        }
        cfg.update(self.server_options)
        return cfg

    # lifecycle -------------------------------------------------------------------
    def start(self) -> SoketiServer:
        if self._proc is not None:
            raise HarnessError("soketi already started")
        ensure_node_modules(self.js_dir)
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="soketi-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.port = self._wanted_port or free_tcp_port()
        self.metrics_port = free_tcp_port()
        while self.metrics_port == self.port:
            self.metrics_port = free_tcp_port()
        self.discovery_port = free_udp_port()
        self.config_path.write_text(json.dumps(self.config(), indent=2))
        server_js = self.js_dir / "node_modules" / "@soketi" / "soketi" / "bin" / "server.js"
        self._log_file = self.log_path.open("wb")  # closed in stop()
        self._proc = subprocess.Popen(
            [self.node, str(server_js), "start", f"--config={self.config_path}"],
            cwd=self.work_dir,  # soketi loads ./.env via dotenv: keep cwd empty
            # pm2 (required by soketi) creates $PM2_HOME (default ~/.pm2) on load.
            env=_clean_env({"PM2_HOME": str(self.work_dir / "pm2")}),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        last_error = "no attempt"
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = None if self._proc is None else self._proc.returncode
                raise HarnessError(f"soketi exited early (code {code}). Log:\n{self.log_text()}")
            try:
                status, body = self.request("GET", "/ready", timeout=1.0)
                if status == 200:
                    # The app route proves that this is *our* soketi: unsigned,
                    # it answers "authentication failed" (code 401; soketi sends
                    # that with HTTP status 200, see README) rather than
                    # "app not found".
                    status2, body2 = self.request(
                        "GET", f"/apps/{self.app_id}/channels", timeout=1.0
                    )
                    if status2 == 401 or b'"code":401' in body2:
                        return
                    last_error = f"/apps/{self.app_id}/channels -> {status2} {body2[:200]!r}"
                else:
                    last_error = f"/ready -> {status} {body[:200]!r}"
            except OSError as exc:
                last_error = repr(exc)
            time.sleep(0.05)
        raise HarnessError(
            f"soketi did not become ready within {self.startup_timeout}s "
            f"({last_error}). Log:\n{self.log_text()}"
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the soketi process this object started (TERM, then KILL)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _stop_process(proc, timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._own_work_dir and self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # plain HTTP ------------------------------------------------------------------
    def request(
        self,
        method: str,
        path_and_query: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = 10.0,
    ) -> tuple[int, bytes]:
        """Send one raw (unsigned unless you signed it) HTTP request to soketi."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if body is not None and not any(k.lower() == "content-type" for k in hdrs):
                hdrs["Content-Type"] = "application/json"
            conn.request(method, path_and_query, body=body, headers=hdrs)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def client_connect_args(
        self, *, channel_auth_endpoint: str | None = None, user_auth_endpoint: str | None = None
    ) -> JsonDict:
        """The connection fields of a ``connect`` command for this server."""
        args: JsonDict = {"key": self.key, "host": self.host, "port": self.port}
        if channel_auth_endpoint is not None:
            args["channel_auth_endpoint"] = channel_auth_endpoint
        if user_auth_endpoint is not None:
            args["user_auth_endpoint"] = user_auth_endpoint
        return args


# ---------------------------------------------------------------------------
# NodeClient
# ---------------------------------------------------------------------------


@dataclass
class _Stream:
    messages: list[JsonDict] = field(default_factory=list)
    closed: bool = False


class NodeClient:
    """``node client.js``: drive pusher-js clients through JSON lines.

    Every stdout line is parsed and kept (:attr:`messages`); :meth:`wait_for`
    finds the first message at index >= ``since`` matching a predicate. Use
    :meth:`mark` before an action and pass it as ``since`` to ignore earlier
    messages.
    """

    def __init__(
        self,
        *,
        js_dir: Path = JS_DIR,
        node: str = "node",
        stderr_path: Path | None = None,
        ready_timeout: float = 15.0,
    ) -> None:
        ensure_node_modules(js_dir)
        self.js_dir = js_dir
        self._cond = threading.Condition()
        self._stream = _Stream()
        self._req = 0
        if stderr_path is None:
            fd, name = tempfile.mkstemp(prefix="client-js-", suffix=".stderr")
            os.close(fd)
            stderr_path = Path(name)
            self._own_stderr = True
        else:
            self._own_stderr = False
        self.stderr_path = stderr_path
        self._stderr_file = stderr_path.open("wb")  # closed in close()
        self._proc: subprocess.Popen[str] = subprocess.Popen(
            [node, str(js_dir / "client.js")],
            cwd=js_dir,
            env=_clean_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            text=True,
            encoding="utf-8",
            bufsize=1,
            start_new_session=True,
        )
        self._reader = threading.Thread(
            target=self._read_stdout, name="NodeClient-stdout", daemon=True
        )
        self._reader.start()
        try:
            self.ready = self.wait_for(matching(type="ready"), ready_timeout)
        except BaseException:
            self.close()
            raise

    # process ---------------------------------------------------------------------
    @property
    def pid(self) -> int:
        return self._proc.pid

    def _read_stdout(self) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        for raw_line in stdout:
            line = raw_line.rstrip("\n")
            if not line:
                continue
            try:
                message = json.loads(line)
                if not isinstance(message, dict):
                    message = {"type": "_raw_stdout", "line": line}
            except json.JSONDecodeError:
                message = {"type": "_raw_stdout", "line": line}
            with self._cond:
                self._stream.messages.append(message)
                self._cond.notify_all()
        with self._cond:
            self._stream.closed = True
            self._cond.notify_all()

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def close(self, timeout: float = 5.0) -> None:
        """Ask client.js to exit, then TERM/KILL it if it does not."""
        if self._proc.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                assert self._proc.stdin is not None
                self._proc.stdin.write(json.dumps({"cmd": "exit"}) + "\n")
                self._proc.stdin.flush()
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _stop_process(self._proc, timeout)
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        self._reader.join(timeout=5)
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdout is not None:
                self._proc.stdout.close()
        self._stderr_file.close()
        if self._own_stderr:
            with contextlib.suppress(OSError):
                self.stderr_path.unlink()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # messages --------------------------------------------------------------------
    @property
    def messages(self) -> list[JsonDict]:
        """A snapshot of every message received so far."""
        with self._cond:
            return list(self._stream.messages)

    def mark(self) -> int:
        """The number of messages so far; pass it as ``since`` to :meth:`wait_for`."""
        with self._cond:
            return len(self._stream.messages)

    def find_all(self, predicate: Callable[[JsonDict], bool], *, since: int = 0) -> list[JsonDict]:
        with self._cond:
            return [m for m in self._stream.messages[since:] if predicate(m)]

    def wait_for(
        self,
        predicate: Callable[[JsonDict], bool],
        timeout: float = 10.0,
        *,
        since: int = 0,
    ) -> JsonDict:
        """The first message (index >= ``since``) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self._stream.messages[since:]:
                    if predicate(message):
                        return message
                if self._stream.closed:
                    raise HarnessError(
                        "client.js exited before a matching message arrived. "
                        f"Last messages: {self._tail(since)}\nstderr:\n{self.stderr_text()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeoutError(
                        f"no matching client.js message within {timeout}s. "
                        f"Last messages: {self._tail(since)}\nstderr:\n{self.stderr_text()[-2000:]}"
                    )
                self._cond.wait(remaining)

    def expect(self, timeout: float = 10.0, *, since: int = 0, **fields: object) -> JsonDict:
        """``wait_for(matching(**fields))``."""
        return self.wait_for(matching(**fields), timeout, since=since)

    def _tail(self, since: int) -> str:
        tail = self._stream.messages[since:][-25:]
        return "\n  " + "\n  ".join(json.dumps(m, ensure_ascii=False) for m in tail)

    # commands --------------------------------------------------------------------
    def send(
        self, command: Mapping[str, object], *, wait_ack: bool = True, timeout: float = 10.0
    ) -> JsonDict | None:
        """Send one command; by default wait for its ``ack`` and raise on ``cmd_error``."""
        with self._cond:
            self._req += 1
            req = self._req
            start = len(self._stream.messages)
        payload = dict(command)
        payload.setdefault("req", req)
        req_value = payload["req"]
        if self._proc.poll() is not None:
            raise HarnessError(f"client.js is not running (exit {self._proc.returncode})")
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(payload) + "\n")
        self._proc.stdin.flush()
        if not wait_ack:
            return None
        reply = self.wait_for(
            lambda m: m.get("type") in ("ack", "cmd_error") and m.get("req") == req_value,
            timeout,
            since=start,
        )
        if reply["type"] == "cmd_error":
            raise HarnessError(f"client.js rejected {payload}: {reply.get('error')}")
        return reply

    def connect(
        self,
        client_id: str,
        *,
        key: str,
        host: str,
        port: int,
        channel_auth_endpoint: str | None = None,
        user_auth_endpoint: str | None = None,
        auth_headers: Mapping[str, str] | None = None,
        auth_params: Mapping[str, str] | None = None,
        options: Mapping[str, object] | None = None,
        wait: bool = True,
        timeout: float = 10.0,
    ) -> str | None:
        """Create pusher-js client ``client_id``; return its socket_id if ``wait``."""
        since = self.mark()
        command: JsonDict = {
            "cmd": "connect",
            "id": client_id,
            "key": key,
            "host": host,
            "port": port,
        }
        if channel_auth_endpoint is not None:
            command["channel_auth_endpoint"] = channel_auth_endpoint
        if user_auth_endpoint is not None:
            command["user_auth_endpoint"] = user_auth_endpoint
        if auth_headers:
            command["auth_headers"] = dict(auth_headers)
        if auth_params:
            command["auth_params"] = dict(auth_params)
        if options:
            command["options"] = dict(options)
        self.send(command)
        if not wait:
            return None
        message = self.expect(timeout, since=since, type="connected", client=client_id)
        socket_id: str = message["socket_id"]
        return socket_id

    def subscribe(
        self, client_id: str, channel: str, *, wait: bool = True, timeout: float = 10.0
    ) -> JsonDict | None:
        """Subscribe; if ``wait``, return the ``subscribed`` message (raise on error)."""
        since = self.mark()
        self.send({"cmd": "subscribe", "id": client_id, "channel": channel})
        if not wait:
            return None
        message = self.wait_for(
            lambda m: (
                m.get("client") == client_id
                and m.get("channel") == channel
                and m.get("type") in ("subscribed", "subscription_error")
            ),
            timeout,
            since=since,
        )
        if message["type"] == "subscription_error":
            raise HarnessError(f"subscription to {channel} failed: {message}")
        return message

    def unsubscribe(self, client_id: str, channel: str) -> None:
        self.send({"cmd": "unsubscribe", "id": client_id, "channel": channel})

    def signin(
        self, client_id: str, *, wait: bool = True, timeout: float = 10.0
    ) -> JsonDict | None:
        """``pusher.signin()``.

        If ``wait``, wait for ``signed_in`` and then for ``user_subscribed`` (soketi
        confirmed ``#server-to-user-<id>``, so server-to-user events now arrive);
        return the ``signed_in`` message. Raise on any failure report.
        """
        since = self.mark()
        self.send({"cmd": "signin", "id": client_id})
        if not wait:
            return None
        failures = ("signin_error", "user_subscription_error", "pusher_error", "disconnected")
        signed_in: JsonDict | None = None
        for wanted in ("signed_in", "user_subscribed"):
            kinds = (wanted, *failures)

            def predicate(m: JsonDict, kinds: tuple[str, ...] = kinds) -> bool:
                return m.get("client") == client_id and m.get("type") in kinds

            message = self.wait_for(predicate, timeout, since=since)
            if message["type"] != wanted:
                raise HarnessError(f"signin of {client_id} failed: {message}")
            if signed_in is None:
                signed_in = message
        return signed_in

    def client_event(self, client_id: str, channel: str, event: str, data: object) -> JsonDict:
        """``channel.trigger(event, data)``; returns the ``client_event_sent`` report."""
        since = self.mark()
        self.send(
            {
                "cmd": "client_event",
                "id": client_id,
                "channel": channel,
                "event": event,
                "data": data,
            }
        )
        return self.expect(since=since, type="client_event_sent", client=client_id, channel=channel)

    def disconnect(self, client_id: str, *, wait: bool = True, timeout: float = 10.0) -> None:
        since = self.mark()
        self.send({"cmd": "disconnect", "id": client_id})
        if wait:
            self.expect(timeout, since=since, type="disconnected", client=client_id)

    def state(self, client_id: str) -> JsonDict:
        since = self.mark()
        self.send({"cmd": "state", "id": client_id})
        return self.expect(since=since, type="state", client=client_id)

    def events(
        self,
        client_id: str | None = None,
        *,
        channel: str | None = None,
        event: str | None = None,
        since: int = 0,
    ) -> list[JsonDict]:
        """Recorded ``event`` messages, filtered."""

        def predicate(m: JsonDict) -> bool:
            return (
                m.get("type") == "event"
                and (client_id is None or m.get("client") == client_id)
                and (channel is None or m.get("channel") == channel)
                and (event is None or m.get("event") == event)
            )

        return self.find_all(predicate, since=since)


def iter_webhook_events(
    requests: Sequence[RecordedRequest],
) -> Iterator[tuple[RecordedRequest, JsonDict]]:
    """Every ``(request, event)`` of webhook deliveries (each body holds ``events``)."""
    for request in requests:
        try:
            payload = request.json()
        except ValueError:
            continue
        if isinstance(payload, dict):
            for event in payload.get("events") or []:
                if isinstance(event, dict):
                    yield request, event


def wait_for_webhook_event(
    receiver: RecordingHttpServer,
    predicate: Callable[[JsonDict], bool],
    timeout: float = 10.0,
    *,
    since: int = 0,
) -> tuple[RecordedRequest, JsonDict]:
    """The first webhook event (in requests at index >= ``since``) matching ``predicate``."""

    def request_matches(request: RecordedRequest) -> bool:
        return any(predicate(event) for _, event in iter_webhook_events([request]))

    request = receiver.wait_for(request_matches, timeout, since=since)
    for _, event in iter_webhook_events([request]):
        if predicate(event):
            return request, event
    raise HarnessError("unreachable: matching request lost its event")  # pragma: no cover
