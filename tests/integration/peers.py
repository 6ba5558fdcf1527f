"""Integration peers (node, soketi, pusher-js): use them, or skip, or fail where CI needs them.

On a developer's machine a missing peer *skips* the integration tests and the skip
reason is the command that installs them. Where ``PUSHER_CORE_REQUIRE_PEERS`` is
set (``.ci/run`` sets it to ``1``), a missing peer *fails* them instead, so a CI run
can never pass by skipping the only tests that talk to a real Pusher server.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from .harness import NPM_CI_HINT, HarnessError, ensure_node_modules

__all__ = ["REQUIRE_PEERS_VARIABLE", "peers_required", "require_js_peers"]

REQUIRE_PEERS_VARIABLE = "PUSHER_CORE_REQUIRE_PEERS"

# Values that leave the requirement off; anything else (e.g. "1") turns it on, so a
# typo in CI fails closed rather than quietly skipping.
_OFF = frozenset({"", "0", "false", "no", "off"})


def peers_required(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` asks for missing peers to fail rather than skip."""
    return environ.get(REQUIRE_PEERS_VARIABLE, "").strip().lower() not in _OFF


def _missing_peer(js_dir: Path, node: str) -> str | None:
    """What is missing, with the command that installs it; None when nothing is."""
    if shutil.which(node) is None:
        return f"needs Node.js ({node!r} is not on PATH), then: {NPM_CI_HINT}"
    try:
        ensure_node_modules(js_dir)
    except HarnessError:
        return f"needs soketi and pusher-js from npm: {NPM_CI_HINT}"
    return None


def require_js_peers(js_dir: Path, environ: Mapping[str, str], *, node: str = "node") -> Path:
    """Return ``js_dir`` when node and its node_modules are there.

    Otherwise skip the calling test (the reason names the install command), or fail
    it when :func:`peers_required` says so.

    Args:
        js_dir: the folder holding ``package.json`` and, once installed, ``node_modules``.
        environ: the environment to read ``PUSHER_CORE_REQUIRE_PEERS`` from.
        node: the Node.js executable the harness will run.

    Raises:
        pytest.skip.Exception: a peer is missing and the requirement is off.
        pytest.fail.Exception: a peer is missing and the requirement is on.
    """
    missing = _missing_peer(js_dir, node)
    if missing is None:
        return js_dir
    if peers_required(environ):
        pytest.fail(
            f"{missing} ({REQUIRE_PEERS_VARIABLE} is set: missing peers fail, not skip)",
            pytrace=False,
        )
    pytest.skip(missing)
