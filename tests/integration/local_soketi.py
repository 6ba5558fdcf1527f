"""A local soketi 1.6.1 that outlives the command starting it: `start`, `stop`, `status`, `url`.

`examples/soketi.sh` runs this as `python -m tests.integration.local_soketi`. The
server is the integration tests' own `SoketiServer` (same config file, loopback
pinning and app), started in its own session and left running; its pid and
details go to a state folder (`$PUSHER_CORE_SOKETI_DIR`, default `.soketi/` at the
repository root), from which `stop` ends exactly that process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from tests.integration.harness import LOOPBACK, HarnessError, SoketiServer

__all__ = ["DEFAULT_PORT", "NOT_RUNNING", "main", "state_dir"]

DEFAULT_PORT = 6001
"""soketi's usual port; `--port 0` picks a free one."""
NOT_RUNNING = 3
"""`status`'s and `url`'s exit code when no server runs (as LSB init scripts use)."""

_ROOT = Path(__file__).resolve().parents[2]


def state_dir(environ: dict[str, str] | None = None) -> Path:
    """Where the pid file, the details, soketi's config and its log live."""
    environ = dict(os.environ) if environ is None else environ
    return Path(environ.get("PUSHER_CORE_SOKETI_DIR") or _ROOT / ".soketi")


def _pid_file(folder: Path) -> Path:
    return folder / "soketi.pid"


def _details_file(folder: Path) -> Path:
    return folder / "details.json"


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, exited but not yet reaped, does not)."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            state = stat.read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return False
        return state not in {"Z", "X"}
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_ours(pid: int, work_dir: str) -> bool:
    """Whether `pid` is the soketi we started there (not a reused pid).

    soketi renames its process (`soketi-server`), so the check is its working
    directory, which `SoketiServer` sets to its own folder.
    """
    if not work_dir:
        return False
    if not Path("/proc/self/cwd").exists():
        return True  # no /proc (macOS): trust the pid file
    try:
        return Path(f"/proc/{pid}/cwd").resolve(strict=True) == Path(work_dir).resolve()
    except OSError:
        return False


def _running(folder: Path) -> dict[str, Any] | None:
    """The details of the server recorded in `folder`, if that server still runs."""
    try:
        pid = int(_pid_file(folder).read_text().strip())
        details: dict[str, Any] = json.loads(_details_file(folder).read_text())
    except (OSError, ValueError):
        return None
    if (
        details.get("pid") != pid
        or not _alive(pid)
        or not _is_ours(pid, str(details.get("work_dir", "")))
    ):
        return None
    return details


def _forget(folder: Path) -> None:
    for path in (_pid_file(folder), _details_file(folder)):
        path.unlink(missing_ok=True)


def _print_details(details: dict[str, Any]) -> None:
    print(f"soketi 1.6.1 runs on {details['host']}:{details['port']} (pid {details['pid']})")
    print(f"  app id:  {details['app_id']}")
    print(f"  key:     {details['key']}")
    print(f"  secret:  {details['secret']}")
    print(f"  log:     {details['log']}")
    print(f"PUSHER_URL={details['url']}")
    print("stop it with: examples/soketi.sh stop")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def start(folder: Path, port: int) -> int:
    """Start soketi unless one already runs from `folder`; print how to use it."""
    details = _running(folder)
    if details is not None:
        print("already running")
        _print_details(details)
        return 0
    _forget(folder)
    if port and not _port_free(port):
        print(
            f"port {port} on {LOOPBACK} is in use: stop what runs there, or pass --port 0 "
            "(a free port) or another port",
            file=sys.stderr,
        )
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    server = SoketiServer(work_dir=folder / "server", port=port)
    print(f"starting soketi 1.6.1 on {LOOPBACK} (config and log in {server.work_dir})")
    try:
        server.start()
    except HarnessError as exc:
        print(f"soketi did not start: {exc}", file=sys.stderr)
        return 1
    details = {
        "pid": server.pid,
        "host": server.host,
        "port": server.port,
        "app_id": server.app_id,
        "key": server.key,
        "secret": server.secret,
        "url": server.pusher_url,
        "work_dir": str(server.work_dir),
        "log": str(server.log_path),
    }
    _details_file(folder).write_text(json.dumps(details, indent=2) + "\n")
    _pid_file(folder).write_text(f"{server.pid}\n")
    # Not server.stop(): soketi runs in its own session and outlives this process.
    _print_details(details)
    return 0


def stop(folder: Path, timeout: float = 10.0) -> int:
    """Stop the soketi recorded in `folder` (TERM, then KILL after `timeout` seconds)."""
    details = _running(folder)
    if details is None:
        print(
            "soketi is not running"
            + (" (stale pid file removed)" if _pid_file(folder).exists() else "")
        )
        _forget(folder)
        return 0
    pid = int(details["pid"])
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _alive(pid) and time.monotonic() < deadline + 5:
            time.sleep(0.05)
    _forget(folder)
    print(f"stopped soketi (pid {pid})")
    return 0


def status(folder: Path) -> int:
    """Print the running server's details, or say that none runs."""
    details = _running(folder)
    if details is None:
        print("soketi is not running (start it with: examples/soketi.sh start)")
        return NOT_RUNNING
    _print_details(details)
    return 0


def url(folder: Path) -> int:
    """Print only the running server's PUSHER_URL (for scripts)."""
    details = _running(folder)
    if details is None:
        print("soketi is not running", file=sys.stderr)
        return NOT_RUNNING
    print(details["url"])
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line of `examples/soketi.sh`."""
    parser = argparse.ArgumentParser(
        prog="examples/soketi.sh",
        description="A local soketi 1.6.1 on 127.0.0.1 with the integration tests' config.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="start soketi and print its PUSHER_URL")
    start_parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0: a free port"
    )
    commands.add_parser("stop", help="stop the soketi that start started")
    commands.add_parser("status", help=f"print its details (exit {NOT_RUNNING}: not running)")
    commands.add_parser("url", help="print only its PUSHER_URL")
    args = parser.parse_args(argv)
    folder = state_dir()
    if args.command == "start":
        return start(folder, args.port)
    if args.command == "stop":
        return stop(folder)
    if args.command == "status":
        return status(folder)
    return url(folder)


if __name__ == "__main__":
    sys.exit(main())
