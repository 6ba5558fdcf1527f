"""Row 7: cold imports in fresh interpreters, net of interpreter start-up.

Each statement runs as `python -E -c STATEMENT` in a new process, interleaved
round by round with `python -E -c pass`; the figure is the median wall time
minus the median start-up. The floor column holds the dependency floor: what
importing the candidate's own third-party dependencies alone costs (attrs for
the import; attrs and urllib3 for import + construct), for context only.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    APP_ID,
    CORE,
    FLOOR,
    KEY,
    REFERENCE,
    SECRET,
    Line,
    Ratio,
    Settings,
    median,
    ratio_spread,
)

_ROOT = Path(__file__).resolve().parent.parent
_START = "pass"
_CONSTRUCT_ARGS = f"{APP_ID!r}, {KEY!r}, {SECRET!r}"

STATEMENTS = {
    ("7a", FLOOR): "import attrs",
    ("7a", REFERENCE): "import pusher",
    ("7a", CORE): "import pusher_core",
    ("7b", FLOOR): "import attrs, urllib3",
    ("7b", REFERENCE): f"import pusher; pusher.Pusher({_CONSTRUCT_ARGS})",
    ("7b", CORE): f"from pusher_core.client import Pusher; Pusher({_CONSTRUCT_ARGS})",
}


def _wall_ms(statement: str) -> float:
    start = time.perf_counter_ns()
    subprocess.run(
        [sys.executable, "-E", "-c", statement],
        cwd=_ROOT,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    return (time.perf_counter_ns() - start) / 1e6


def _importable(module: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-E", "-c", f"import {module}"],
        cwd=_ROOT,
        check=False,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return done.returncode == 0


def run(settings: Settings) -> list[Line]:
    have_reference = _importable("pusher")
    statements = {
        key: stmt for key, stmt in STATEMENTS.items() if have_reference or key[1] != REFERENCE
    }
    everything = [_START, *statements.values()]
    for statement in everything:  # compile bytecode, warm the file cache
        _wall_ms(statement)
    samples: dict[str, list[float]] = {statement: [] for statement in everything}
    rounds = 3 if settings.quick else 21
    for index in range(rounds):
        shift = index % len(everything)
        for statement in everything[shift:] + everything[:shift]:
            samples[statement].append(_wall_ms(statement))
    start = median(samples[_START])

    def net(row: str, who: str) -> float | None:
        statement = statements.get((row, who))
        return None if statement is None else max(median(samples[statement]) - start, 0.01)

    def with_spread(row: str, who: str, value: float) -> Ratio:
        """`value` (core ÷ `who`, of the medians) with the spread of its per-round ratios."""
        per_round = [
            max(core - begin, 0.01) / max(other - begin, 0.01)
            for core, other, begin in zip(
                samples[statements[row, CORE]],
                samples[statements[row, who]],
                samples[_START],
                strict=True,
            )
        ]
        return Ratio(value, ratio_spread(per_round))

    lines = []
    for row, what, limit in (
        ("7a", f"Cold `import` (start-up {start:.1f} ms subtracted)", 1.0),
        ("7b", "Cold import + construct a client (default transport)", 0.5),
    ):
        floor, ref, core = net(row, FLOOR), net(row, REFERENCE), net(row, CORE)
        vs_ref = None if ref is None or core is None else with_spread(row, REFERENCE, core / ref)
        lines.append(
            Line(
                row=row,
                what=what,
                unit="ms",
                floor=floor,
                reference=ref,
                core=core,
                vs_floor=(
                    None if floor is None or core is None else with_spread(row, FLOOR, core / floor)
                ),
                vs_reference=vs_ref,
                target=f"≤ {limit:.2f}x ref",
                met=None if vs_ref is None else vs_ref <= limit,
            )
        )
    return lines
