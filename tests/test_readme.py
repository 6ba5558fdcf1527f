"""Every Python block of README.md is an example file that CI runs, so copy-paste works.

See tests/readme_examples.py for the marker, the region rule and the categories.
The examples that need soketi run in tests/integration/test_readme_examples.py,
the Flask and Django apps in tests/test_framework_examples.py; the example test files
run here, under pytest, as a user runs them.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.readme_examples import (
    DEMO,
    EXAMPLES,
    FRAMEWORK,
    OFFLINE,
    PYTEST,
    README,
    SOKETI,
    Block,
    readme_blocks,
    run_example,
    shown_text,
    synced_readme,
)

BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
PYTHON = [b for b in BLOCKS if b.language == "python"]


def _id(block: Block) -> str:
    return f"line-{block.line}"


def test_readme_has_python_blocks() -> None:
    """The parser finds the README's blocks (a parser finding none would pass everything)."""
    assert len(PYTHON) >= 10
    untagged = [b.line for b in BLOCKS if b.language not in {"python", "bash", "text"}]
    assert not untagged, f"README.md lines {untagged}: tag each block python, bash or text"


@pytest.mark.parametrize("block", PYTHON, ids=_id)
def test_python_block_is_an_example_file(block: Block) -> None:
    """Each Python block names its file and shows exactly that file (or its region)."""
    assert block.example is not None, (
        f"README.md:{block.line}: put '<!-- example: examples/NAME.py -->' above this block"
    )
    path = EXAMPLES.parent / block.example
    assert path.is_file(), f"README.md:{block.line}: {block.example} does not exist"
    assert block.text == shown_text(path), (
        f"README.md:{block.line} differs from {block.example}: copy the file into the block"
    )


def test_every_example_file_is_run_by_ci() -> None:
    """Each file under examples/ is in exactly one category, which says how it runs."""
    categories = [OFFLINE, SOKETI, FRAMEWORK, PYTEST, DEMO]
    files = {p.name for p in EXAMPLES.glob("*.py")}
    assert files == set().union(*categories)
    assert sum(len(c) for c in categories) == len(files)
    shown = {Path(b.example).name for b in PYTHON if b.example}
    assert shown <= OFFLINE | SOKETI | FRAMEWORK | PYTEST


@pytest.mark.parametrize("name", sorted(PYTEST))
def test_example_test_file_passes_under_pytest(name: str, tmp_path: Path) -> None:
    """`python -m pytest examples/NAME` passes every test in the file, none skipped.

    The pytest plugin comes from the installed package's `pytest11` entry point,
    as in a user's project.
    """
    path = EXAMPLES / name
    tests = [
        node.name
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    assert tests, f"{name} defines no test"
    out = subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(tests)} passed" in out.stdout, out.stdout
    assert "skipped" not in out.stdout, out.stdout


@pytest.mark.parametrize("name", sorted(OFFLINE))
def test_offline_example_runs_without_network(name: str, tmp_path: Path) -> None:
    """Examples that need no server run with every connection and name lookup refused."""
    result = run_example(EXAMPLES / name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout


def test_webhook_receiver_example_prints_what_its_comments_say(tmp_path: Path) -> None:
    result = run_example(EXAMPLES / "webhook_receiver.py", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "event: ChannelOccupied(channel='my-channel')",
        "204",
        "rejected: bad_signature",
        "401",
    ]


def test_fake_quickstart_prints_what_its_comments_say(tmp_path: Path) -> None:
    result = run_example(EXAMPLES / "quickstart_fake.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "{}",
        "{'occupied': True, 'user_count': 1}",
        "('1.1',)",
        (
            "(ChannelOccupied(channel='presence-room'), "
            "MemberAdded(channel='presence-room', user_id='1'))"
        ),
    ]


def test_core_request_example_prints_a_signed_request(tmp_path: Path) -> None:
    result = run_example(EXAMPLES / "core_request.py", cwd=tmp_path)
    first, second = result.stdout.splitlines()
    assert first.startswith(
        "POST https://api-eu.pusher.com/apps/123456/events?auth_key=key&auth_timestamp=1700000000"
    )
    assert "&auth_signature=" in first
    body = rb'{"name":"my-event","channels":["my-channel"],"data":"{\"message\":\"hello\"}"}'
    assert second == repr(body)


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("socket.create_connection(('192.0.2.1', 80), timeout=5)", ""),
        ("socket.create_connection(('127.0.0.1', 9), timeout=5)", ""),
        ("socket.getaddrinfo('api-mt1.pusher.com', 443)", "127.0.0.1"),
        ("socket.create_connection(('192.0.2.1', 80), timeout=5)", "127.0.0.1"),
    ],
)
def test_the_guard_refuses_connections(tmp_path: Path, code: str, allowed: str) -> None:
    """The offline runner really refuses: a script that connects fails before any packet."""
    script = tmp_path / "connects.py"
    script.write_text(f"import socket\n{code}\n", encoding="utf-8")
    result = run_example(script, cwd=tmp_path, allowed_hosts=filter(None, [allowed]))
    assert result.returncode != 0
    assert "this example may not reach" in result.stderr


def test_the_guard_lets_allowed_hosts_through(tmp_path: Path) -> None:
    """Loopback stays reachable for the soketi examples (here: refused by the OS, not the guard)."""
    script = tmp_path / "connects.py"
    script.write_text(
        "import socket\n"
        "with socket.socket() as s:\n"
        "    s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', port), timeout=5)\n"
        "except ConnectionRefusedError:\n"
        "    print('refused by the OS')\n",
        encoding="utf-8",
    )
    result = run_example(script, cwd=tmp_path, allowed_hosts=["127.0.0.1"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "refused by the OS\n"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("block", [b for b in BLOCKS if b.language == "bash"], ids=_id)
def test_bash_block_parses(block: Block) -> None:
    result = subprocess.run(
        ["bash", "-n"], input=block.text, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"README.md:{block.line}: {result.stderr}"


def test_sync_copies_the_file_into_a_stale_block() -> None:
    """`python -m tests.readme_examples` rewrites marked blocks from their files."""
    stale = (
        "Intro.\n\n<!-- example: examples/core_request.py -->\n```python\nold code\n```\n\n"
        "```bash\necho untouched\n```\n"
    )
    synced = synced_readme(stale)
    assert synced == (
        "Intro.\n\n<!-- example: examples/core_request.py -->\n```python\n"
        + shown_text(EXAMPLES / "core_request.py")
        + "```\n\n```bash\necho untouched\n```\n"
    )
    assert synced_readme(README.read_text(encoding="utf-8")) == README.read_text(encoding="utf-8")
