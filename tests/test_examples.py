"""The example scripts parse, and demo.sh says what each step does (without running it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _bash(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize("script", ["demo.sh", "soketi.sh"])
def test_scripts_parse(script: str) -> None:
    result = _bash("-n", str(EXAMPLES / script))
    assert (result.returncode, result.stderr) == (0, "")


def test_demo_prints_each_step_with_its_command() -> None:
    result = _bash(str(EXAMPLES / "demo.sh"), "--dry-run")
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert steps == [
        "==> [1/4] creating the virtual environment .venv",
        (
            "==> [2/4] installing pusher-core and its test dependencies into .venv "
            "(pip; about a minute the first time)"
        ),
        (
            "==> [3/4] installing soketi 1.6.1 and pusher-js into "
            "tests/integration/js/node_modules (npm ci)"
        ),
        (
            "==> [4/4] running the demo (examples/live_demo.py starts soketi and a pusher-js "
            "listener, then stops both)"
        ),
    ]
    assert "    $ python3 -m venv .venv" in result.stdout
    assert "    $ .venv/bin/python examples/live_demo.py" in result.stdout


def test_demo_keep_starts_soketi_through_the_script() -> None:
    result = _bash(str(EXAMPLES / "demo.sh"), "--keep", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (
        "==> [4/5] starting soketi on 127.0.0.1 and leaving it running (examples/soketi.sh start)"
        in result.stdout
    )
    assert "    $ examples/soketi.sh start" in result.stdout
    assert "live_demo.py --url" in result.stdout


def test_demo_refuses_unknown_options() -> None:
    result = _bash(str(EXAMPLES / "demo.sh"), "--kepp")
    assert result.returncode == 2
    assert "unknown option --kepp" in result.stderr


def test_ci_installs_system_packages_only_when_asked() -> None:
    """.ci/run's only apt-get install sits behind PUSHER_CORE_CI_INSTALL_NGINX=1 and says so."""
    text = (ROOT / ".ci" / "run").read_text()
    assert _bash("-n", str(ROOT / ".ci" / "run")).returncode == 0
    lines = text.splitlines()
    installs = [
        i
        for i, line in enumerate(lines)
        if "apt-get install" in line and not line.lstrip().startswith("#")
    ]
    assert len(installs) == 1
    guard = next(
        i for i, line in enumerate(lines) if '"${PUSHER_CORE_CI_INSTALL_NGINX:-0}" = 1' in line
    )
    assert guard < installs[0]
    assert not any(line.strip() in {"fi", "else"} for line in lines[guard + 1 : installs[0]])
    assert "installing the system package nginx with apt-get" in lines[guard + 1]
    assert "set PUSHER_CORE_CI_INSTALL_NGINX=1" in text
