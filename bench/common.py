"""Shared pieces: the app under test, interleaved timing, medians and the result table."""

from __future__ import annotations

import base64
import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

APP_ID = "123456"
KEY = "278d425bdf160c739803"
SECRET = "7ad3773142a6692b25b8"
SECRET_BYTES = SECRET.encode()
MASTER_KEY = bytes(range(32))
MASTER_KEY_B64 = base64.b64encode(MASTER_KEY).decode("ascii")

FLOOR = "floor"
REFERENCE = "reference"
CORE = "pusher-core"

Runner = Callable[[int], int]
"""Runs a contender `n` times and returns the elapsed nanoseconds."""


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure."""

    quick: bool
    rounds: int
    loop_ms: float  # the wall time one contender's loop should take in one round
    fixed_n: int | None = None  # quick mode: this many iterations, no calibration

    @classmethod
    def make(cls, *, quick: bool) -> Settings:
        if quick:
            return cls(quick=True, rounds=3, loop_ms=2.0, fixed_n=100)
        return cls(quick=False, rounds=15, loop_ms=25.0)


def looped(fn: Callable[[Any], object], args: Callable[[int], Sequence[Any]]) -> Runner:
    """A runner calling `fn(arg)` for each of `args(n)`; the arguments are built untimed.

    Every contender of every pure row goes through this same loop, so the loop's
    own cost is identical for all of them.
    """

    def run(n: int) -> int:
        work = args(n)
        start = time.perf_counter_ns()
        for arg in work:
            fn(arg)
        return time.perf_counter_ns() - start

    return run


def same(value: object = None) -> Callable[[int], Sequence[Any]]:
    """Arguments for a contender that does not mutate its input: one value, n times."""
    return lambda n: [value] * n


def _timed(run: Runner, n: int) -> int:
    gc.collect()
    gc.disable()
    try:
        return run(n)
    finally:
        gc.enable()


def interleave(contenders: dict[str, Runner], settings: Settings) -> dict[str, list[float]]:
    """Nanoseconds per operation of each contender, one sample per round.

    Each round runs every contender once, in an order rotated round by round;
    loop sizes are calibrated so that each loop takes about `settings.loop_ms`.
    The garbage collector is off inside loops (for every contender alike).
    """
    names = list(contenders)
    sizes: dict[str, int] = {}
    for name, run in contenders.items():
        run(20)  # warm caches, lazy imports and keyed state
        if settings.fixed_n is not None:
            sizes[name] = settings.fixed_n
            continue
        probe = 200
        per_op = _timed(run, probe) / probe
        sizes[name] = max(probe, int(settings.loop_ms * 1e6 / max(per_op, 1.0)))
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(settings.rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            size = sizes[name]
            samples[name].append(_timed(contenders[name], size) / size)
    return samples


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


NOISY_SPREAD = 0.25
"""A ratio whose per-round values span more than this share of it is marked noisy (quick mode)."""


class Ratio(float):
    """A ratio that remembers how much its per-round values varied.

    `spread` is (largest - smallest) / median of the per-round ratios, or None
    when unknown. It only informs the quick run's "noisy" mark; the value itself
    is the figure the table prints and the full run checks.
    """

    spread: float | None

    def __new__(cls, value: float, spread: float | None = None) -> Self:
        ratio = super().__new__(cls, value)
        ratio.spread = spread
        return ratio


def ratio_spread(per_round: Sequence[float]) -> float | None:
    """(largest - smallest) / median of per-round ratios; None with fewer than two rounds."""
    if len(per_round) < 2:
        return None
    middle = median(per_round)
    if middle == 0:
        return None
    return (max(per_round) - min(per_round)) / abs(middle)


def paired_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> Ratio:
    """The median of per-round ratios: robust to a machine that slows down mid-run."""
    per_round = [a / b for a, b in zip(numerator, denominator, strict=True)]
    return Ratio(median(per_round), ratio_spread(per_round))


def is_noisy(ratio: float | None) -> bool:
    """Whether a ratio's rounds disagreed too much for its figure to mean anything."""
    spread = getattr(ratio, "spread", None)
    return spread is not None and spread > NOISY_SPREAD


@dataclass
class Line:
    """One line of the result table."""

    row: str
    what: str
    unit: str
    floor: float | None = None
    reference: float | None = None
    core: float | None = None
    vs_floor: float | None = None  # core / floor, of the figures in `unit`
    vs_reference: float | None = None  # core / reference, of the figures in `unit`
    target: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)


def at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit


def all_met(*checks: bool | None) -> bool | None:
    known = [check for check in checks if check is not None]
    if len(known) < len(checks):
        return None if not known or all(known) else False
    return all(known)


def _figure(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float | None, *, quick: bool = False) -> str:
    if value is None:
        return "—"
    if quick and is_noisy(value):
        return f"{value:.2f}x (noisy)"
    return f"{value:.2f}x"


QUICK_NOTE = (
    "Quick mode is a smoke run: {rounds} rounds of a few hundred iterations show that "
    "every row works, not how fast it is. Its figures move by large factors from run to "
    "run; ratios marked (noisy) varied by more than {percent}% between rounds. Quote only "
    "a full run (`python -m bench`)."
)


def quick_note(settings: Settings) -> str:
    """What the quick run's figures are worth, printed above its table."""
    return QUICK_NOTE.format(rounds=settings.rounds, percent=round(NOISY_SPREAD * 100))


def render(lines: Sequence[Line], *, checked: bool) -> str:
    """The markdown table; an unchecked (quick) table marks noisy ratios."""
    out = [
        (
            "| # | Measure | Unit | Floor | Reference | pusher-core | core ÷ floor | core ÷ ref "
            "| Target | Met |"
        ),
        "|---|---|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for line in lines:
        if not checked:
            met = "not checked"
        elif line.met is None:
            met = "—"
        else:
            met = "yes" if line.met else "**no**"
        out.append(
            f"| {line.row} | {line.what} | {line.unit} | {_figure(line.floor)} "
            f"| {_figure(line.reference)} | {_figure(line.core)} "
            f"| {_ratio(line.vs_floor, quick=not checked)} "
            f"| {_ratio(line.vs_reference, quick=not checked)} | {line.target or '—'} | {met} |"
        )
    return "\n".join(out)
