"""Missing JS peers skip the integration tests, or fail them where CI requires the peers.

These tests need neither node nor node_modules, so they are not marked ``integration``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import NPM_CI_HINT
from .peers import REQUIRE_PEERS_VARIABLE, peers_required, require_js_peers

HERE = Path(__file__).resolve().parent
NO_SUCH_NODE = "pusher-core-test-no-such-node-binary"


def _installed(js_dir: Path) -> Path:
    """Lay out the two files the harness looks for, as `npm ci` would."""
    for relative in ("@soketi/soketi/bin/server.js", "pusher-js/package.json"):
        path = js_dir / "node_modules" / relative
        path.parent.mkdir(parents=True)
        path.write_text("")
    return js_dir


@pytest.mark.parametrize(
    ("value", "required"),
    [
        (None, False),
        ("", False),
        ("0", False),
        ("false", False),
        ("No", False),
        (" off ", False),
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("l", True),
    ],
)
def test_only_the_off_values_leave_the_requirement_off(value: str | None, required: bool) -> None:
    """Unset, empty, 0/false/no/off mean "skip"; any other value, even a typo, means "fail"."""
    environ = {} if value is None else {REQUIRE_PEERS_VARIABLE: value}
    assert peers_required(environ) is required


@pytest.mark.parametrize("environ", [{}, {REQUIRE_PEERS_VARIABLE: "1"}])
def test_installed_peers_are_used_either_way(tmp_path: Path, environ: dict[str, str]) -> None:
    """With node on PATH and node_modules in place the folder is returned, flag or not."""
    js_dir = _installed(tmp_path)
    assert require_js_peers(js_dir, environ, node=sys.executable) == js_dir


def test_missing_node_modules_skip_with_the_install_command(tmp_path: Path) -> None:
    """Without node_modules and without the flag the test is skipped; the reason is `npm ci`."""
    with pytest.raises(pytest.skip.Exception) as excinfo:
        require_js_peers(tmp_path, {}, node=sys.executable)
    assert NPM_CI_HINT in str(excinfo.value)


def test_missing_node_modules_fail_when_required(tmp_path: Path) -> None:
    """With the flag set, missing node_modules fail the test, naming the command and the flag."""
    with pytest.raises(pytest.fail.Exception) as excinfo:
        require_js_peers(tmp_path, {REQUIRE_PEERS_VARIABLE: "1"}, node=sys.executable)
    assert NPM_CI_HINT in str(excinfo.value)
    assert REQUIRE_PEERS_VARIABLE in str(excinfo.value)


@pytest.mark.parametrize(
    ("environ", "outcome"),
    [({}, pytest.skip.Exception), ({REQUIRE_PEERS_VARIABLE: "1"}, pytest.fail.Exception)],
)
def test_missing_node_is_a_missing_peer(
    tmp_path: Path, environ: dict[str, str], outcome: type[BaseException]
) -> None:
    """No node on PATH counts as a missing peer even when node_modules are installed."""
    js_dir = _installed(tmp_path)
    with pytest.raises(outcome) as excinfo:
        require_js_peers(js_dir, environ, node=NO_SUCH_NODE)
    assert "not on PATH" in str(excinfo.value)
    assert NPM_CI_HINT in str(excinfo.value)


SOKETI_TEST = """\
from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_needs_soketi(soketi: object) -> None:
    assert soketi is not None
"""


@pytest.mark.parametrize(
    ("flag", "outcome"),
    [(None, "1 skipped"), ("1", "1 error")],
)
def test_the_real_fixtures_skip_or_fail_without_node_modules(
    tmp_path: Path, flag: str | None, outcome: str
) -> None:
    """A copy of this folder without node_modules skips a soketi test; under the flag it errors."""
    copy = tmp_path / "integration"
    copy.mkdir()
    for name in ("__init__.py", "conftest.py", "harness.py", "peers.py"):
        shutil.copy(HERE / name, copy / name)
    (copy / "test_needs_soketi.py").write_text(SOKETI_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PUSHER_CORE_"))}
    if flag is not None:
        env[REQUIRE_PEERS_VARIABLE] = flag
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "-rsE",
            str(copy),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert outcome in output, output
    assert NPM_CI_HINT in output, output
    assert result.returncode == (0 if flag is None else 1), output
