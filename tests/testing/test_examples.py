"""The documented examples run: examples/test_property_endpoints.py passes as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "test_property_endpoints.py"


def test_the_property_test_example_passes() -> None:
    """`python -m pytest examples/test_property_endpoints.py` passes every property."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", str(EXAMPLE), "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "6 passed" in out.stdout
