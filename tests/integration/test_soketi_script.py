"""`examples/soketi.sh`: start a soketi that outlives the command, use it, stop it."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from pusher_core import Pusher

from .local_soketi import NOT_RUNNING

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "soketi.sh"


def _script(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PUSHER_CORE_SOKETI_DIR": str(folder)}
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def _runs(pid: int) -> bool:
    """Alive and not a zombie (an exited child waiting to be reaped is not running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in {"Z", "X"}


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_start_trigger_status_stop(js_dir: Path, tmp_path: Path) -> None:
    """The printed PUSHER_URL works with Pusher.from_url; stop leaves nothing running."""
    started = _script(tmp_path, "start", "--port", "0")
    assert started.returncode == 0, started.stderr
    urls = [line for line in started.stdout.splitlines() if line.startswith("PUSHER_URL=")]
    assert len(urls) == 1, started.stdout
    url = urls[0].removeprefix("PUSHER_URL=")
    pid = int((tmp_path / "soketi.pid").read_text())
    try:
        assert _runs(pid)
        assert "stop it with: examples/soketi.sh stop" in started.stdout
        client = Pusher.from_url(url)
        assert (client.host, client.app_id) == ("127.0.0.1", "4242")
        assert client.trigger("soketi-script", "my-event", {"n": 1}) == {"ok": True}
        assert client.channels_info() == {"channels": {}}
        status = _script(tmp_path, "status")
        assert (status.returncode, f"PUSHER_URL={url}" in status.stdout) == (0, True)
        assert _script(tmp_path, "url").stdout.strip() == url
        again = _script(tmp_path, "start", "--port", "0")  # a second start reuses the first
        assert again.returncode == 0
        assert "already running" in again.stdout
        assert f"(pid {pid})" in again.stdout
    finally:
        stopped = _script(tmp_path, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert f"stopped soketi (pid {pid})" in stopped.stdout
    assert not _runs(pid)
    assert not _accepts(client.port)
    assert not (tmp_path / "soketi.pid").exists()
    after = _script(tmp_path, "status")
    assert after.returncode == NOT_RUNNING
    assert "not running" in after.stdout
    assert _script(tmp_path, "url").returncode == NOT_RUNNING
    assert _script(tmp_path, "stop").stdout.strip() == "soketi is not running"


def test_stale_pid_file_is_not_trusted(js_dir: Path, tmp_path: Path) -> None:
    """A pid file naming some other live process (here: this test) is never signalled."""
    (tmp_path / "soketi.pid").write_text(f"{os.getpid()}\n")
    (tmp_path / "details.json").write_text(
        f'{{"pid": {os.getpid()}, "work_dir": "{tmp_path / "server"}"}}'
    )
    assert _script(tmp_path, "status").returncode == NOT_RUNNING
    stopped = _script(tmp_path, "stop")
    assert stopped.stdout.strip() == "soketi is not running (stale pid file removed)"
    assert not (tmp_path / "soketi.pid").exists()


def test_busy_port_is_reported(js_dir: Path, tmp_path: Path) -> None:
    """Starting on a port in use fails with a hint instead of a soketi crash log."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _script(tmp_path, "start", "--port", str(port))
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert not (tmp_path / "soketi.pid").exists()
