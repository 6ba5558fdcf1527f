"""The README's examples that need a server run against soketi, as a reader runs them.

Each is a script given only `PUSHER_URL` (the session's soketi) and allowed to
connect to 127.0.0.1 and nowhere else (tests/readme_examples.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readme_examples import EXAMPLES, SOKETI, run_example

from .harness import SoketiServer

pytestmark = pytest.mark.integration


def pusher_url(server: SoketiServer) -> str:
    """The URL a reader exports: http://KEY:SECRET@127.0.0.1:PORT/apps/APP_ID."""
    return f"http://{server.key}:{server.secret}@{server.host}:{server.port}/apps/{server.app_id}"


@pytest.mark.parametrize("name", sorted(SOKETI))
def test_example_runs_against_soketi(name: str, soketi: SoketiServer, tmp_path: Path) -> None:
    result = run_example(
        EXAMPLES / name,
        cwd=tmp_path,
        allowed_hosts=["127.0.0.1"],
        env={"PUSHER_URL": pusher_url(soketi)},
    )
    assert result.returncode == 0, result.stderr


def test_quickstart_prints_what_its_comments_say(soketi: SoketiServer, tmp_path: Path) -> None:
    result = run_example(
        EXAMPLES / "quickstart.py",
        cwd=tmp_path,
        allowed_hosts=["127.0.0.1"],
        env={"PUSHER_URL": pusher_url(soketi)},
    )
    trigger, info, auth = result.stdout.splitlines()
    assert trigger == "{'ok': True}"
    assert info == "{'subscription_count': 0, 'occupied': False}"
    assert auth.startswith(f"{{'auth': '{soketi.key}:")


def test_record_replay_example_leaves_a_cassette(soketi: SoketiServer, tmp_path: Path) -> None:
    result = run_example(
        EXAMPLES / "record_replay.py",
        cwd=tmp_path,
        allowed_hosts=["127.0.0.1"],
        env={"PUSHER_URL": pusher_url(soketi)},
    )
    assert result.returncode == 0, result.stderr
    cassette = (tmp_path / "my_flow.json").read_text(encoding="utf-8")
    assert soketi.secret not in cassette
    # The replayed call returns soketi's recorded answer.
    assert result.stdout.strip() == "{'ok': True}"


def test_the_demo_runs(js_dir: Path, tmp_path: Path) -> None:
    """examples/live_demo.py, what `bash examples/demo.sh` ends with, prints what pusher-js got."""
    result = run_example(
        EXAMPLES / "live_demo.py", cwd=tmp_path, allowed_hosts=["127.0.0.1"], timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "pusher-js received on my-channel" in result.stdout
    assert "pusher-js received on private-my-channel" in result.stdout
