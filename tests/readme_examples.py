"""README <-> examples/: the code blocks, the files they come from, and how each file runs.

Every fenced `python` block of README.md is preceded by a marker naming its file::

    <!-- example: examples/quickstart.py -->

and shows that file exactly, less the `from __future__ import annotations` line the
project's style requires in every file; or, when the file has a region between
`# --- readme start` and `# --- readme end`, exactly that region (the lines before
it set up what the block leaves to the reader, such as a client).

Each example file is in one category, which says how CI runs it (tests/test_readme.py
and tests/integration/test_readme_examples.py). After editing an example,
`python -m tests.readme_examples` copies it into its README block.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"

OFFLINE = frozenset({"core_request.py", "webhook_receiver.py", "quickstart_fake.py"})
"""Run as scripts with every network connection refused."""
SOKETI = frozenset(
    {
        "quickstart.py",
        "call_plan.py",
        "every_method.py",
        "transport_choice.py",
        "retries.py",
        "retry_loop.py",
        "record_replay.py",
    }
)
"""Run as scripts with PUSHER_URL naming a local soketi; connections only to 127.0.0.1."""
FRAMEWORK = frozenset({"flask_app.py", "django_app.py"})
"""Driven through their framework's test client (tests/test_framework_examples.py)."""
PYTEST = frozenset(
    {
        "test_with_fake.py",
        "test_pusher_fake.py",
        "test_properties_quick.py",
        "test_property_endpoints.py",
    }
)
"""A user's tests: run with `python -m pytest examples/NAME` (tests/test_readme.py)."""
DEMO = frozenset({"live_demo.py"})
"""The demo that examples/demo.sh runs; it starts its own soketi and pusher-js listener
(run by tests/integration/test_readme_examples.py too)."""

MARKER = re.compile(r"<!-- example: (examples/[\w.-]+\.py) -->")
FUTURE = "from __future__ import annotations\n"
START, END = "# --- readme start\n", "# --- readme end\n"


@attrs.frozen
class Block:
    """One fenced code block of the README."""

    language: str
    text: str
    line: int  # of the opening fence, 1-based
    example: str | None  # the marker's path just above the fence, if any


def readme_blocks(text: str) -> list[Block]:
    """Every fenced block, in order, with the example marker preceding it."""
    blocks: list[Block] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[index])
        if not fence:
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].startswith("```"):
            body.append(lines[index])
            index += 1
        previous = next((ln for ln in reversed(lines[:start]) if ln.strip()), "")
        marker = MARKER.fullmatch(previous.strip())
        blocks.append(
            Block(fence.group(1), "".join(body), start + 1, marker.group(1) if marker else None)
        )
        index += 1
    return blocks


def shown_text(path: Path) -> str:
    """What the README shows of an example file (its region, or the whole file)."""
    text = path.read_text(encoding="utf-8")
    if START in text:
        region = text.split(START, 1)[1]
        assert END in region, f"{path.name}: '# --- readme start' without '# --- readme end'"
        return region.split(END, 1)[0]
    return text.replace(FUTURE + "\n", "", 1).replace(FUTURE, "", 1)


# Refuses every connection (and name lookup) except to the hosts in argv[2], then
# runs the example in argv[1] as __main__ with the arguments after those two.
_GUARDED_RUN = """
import runpy, socket, sys
path, allowed = sys.argv[1], set(filter(None, sys.argv[2].split(",")))
sys.argv[:] = [path, *sys.argv[3:]]
def _check(host):
    if host not in allowed:
        raise OSError(f"this example may not reach {host!r} (allowed: {sorted(allowed)})")
def _guard(original):
    def guarded(self, address, *args):
        _check(address[0] if isinstance(address, tuple) else address)
        return original(self, address, *args)
    return guarded
socket.socket.connect = _guard(socket.socket.connect)
socket.socket.connect_ex = _guard(socket.socket.connect_ex)
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    _check(host.decode() if isinstance(host, bytes) else host)
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
runpy.run_path(path, run_name="__main__")
"""


def run_example(
    path: Path,
    *,
    cwd: Path,
    allowed_hosts: Iterable[str] = (),
    env: dict[str, str] | None = None,
    args: Iterable[str] = (),
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run an example as a script: warnings are errors, only `allowed_hosts` are reachable."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PUSHER_")}
    environment.update(env or {})
    return subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-c",
            _GUARDED_RUN,
            str(path),
            ",".join(allowed_hosts),
            *args,
        ],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def synced_readme(text: str) -> str:
    """`text` with every marked Python block replaced by what its example file shows."""
    out: list[str] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        marker = MARKER.fullmatch(line.strip())
        if marker and index < len(lines) and lines[index].startswith("```python"):
            out.append(lines[index])
            index += 1
            while index < len(lines) and not lines[index].startswith("```"):
                index += 1
            out.append(shown_text(ROOT / marker.group(1)))
    return "".join(out)


if __name__ == "__main__":
    # python -m tests.readme_examples: copy each example file into its README block.
    README.write_text(synced_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
