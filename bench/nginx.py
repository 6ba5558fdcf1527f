"""A throwaway nginx on 127.0.0.1 answering every request with `200 {}`.

Run as this process's child, from a temporary prefix (config, pid, logs and temp
paths all inside it), on a free loopback port, and stopped by its pid. Nothing is
installed: `find_nginx()` returns None when the binary is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self

INSTALL_HINT = "sudo apt-get install -y nginx"

_CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 256;
}}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_max_body_size 1m;
    client_body_buffer_size 64k;
    server {{
        listen 127.0.0.1:{port};
        default_type application/json;
        location / {{
            return 200 '{{}}';
        }}
    }}
}}
"""


def find_nginx() -> str | None:
    """The nginx binary (PATH, then the sbin directories), or None."""
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/opt/homebrew/bin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Nginx:
    """`with Nginx(binary) as server:` then `server.port`; stopped by pid on exit."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = 0
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def version(self) -> str:
        done = subprocess.run(
            [self.binary, "-v"], capture_output=True, check=False, stdin=subprocess.DEVNULL
        )
        text = (done.stderr or done.stdout).decode(errors="replace").strip()
        return text.rpartition("/")[2] or text

    def __enter__(self) -> Self:
        self._dir = tempfile.TemporaryDirectory(prefix="pusher-core-bench-nginx-")
        prefix = Path(self._dir.name)
        try:
            started = self._start(prefix)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if not started:
            log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
            self.__exit__(None, None, None)
            msg = f"nginx did not start on 127.0.0.1 (error log: {log.strip()[-500:]!r})"
            raise RuntimeError(msg)
        return self

    def _start(self, prefix: Path) -> bool:
        """Start nginx on a free port (a few tries: a port may be taken in between)."""
        for _ in range(5):
            self.port = _free_port()
            conf = prefix / "nginx.conf"
            conf.write_text(_CONFIG.format(prefix=prefix, port=self.port))
            self._proc = subprocess.Popen(
                [
                    self.binary,
                    "-c",
                    str(conf),
                    "-p",
                    str(prefix),
                    "-e",
                    str(prefix / "err.log"),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_ready():
                return True
            self._stop()
        return False

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.02)
        return False

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)  # its own pid: fast shutdown
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._stop()
        finally:
            if self._dir is not None:
                self._dir.cleanup()
                self._dir = None
