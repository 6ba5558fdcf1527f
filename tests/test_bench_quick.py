"""The benchmark's quick-mode honesty: noisy ratios are marked, full mode prints as before."""

from __future__ import annotations

import pytest

from bench.common import (
    NOISY_SPREAD,
    Line,
    Ratio,
    Settings,
    is_noisy,
    paired_ratio,
    quick_note,
    ratio_spread,
    render,
)


def test_paired_ratio_value_is_still_the_median_of_per_round_ratios() -> None:
    ratio = paired_ratio([10.0, 30.0, 12.0], [1.0, 1.0, 2.0])
    assert ratio == 10.0  # per round: 10, 30, 6
    assert ratio.spread == pytest.approx((30 - 6) / 10)


@pytest.mark.parametrize(
    ("per_round", "spread"),
    [
        ([2.0, 2.0, 2.0], 0.0),
        ([1.0, 1.1, 1.2], pytest.approx(0.2 / 1.1)),
        ([9.76, 1.0, 1.2], pytest.approx(8.76 / 1.2)),
        ([3.0], None),
        ([], None),
        ([0.0, 0.0, 1.0], None),
    ],
)
def test_ratio_spread(per_round: list[float], spread: object) -> None:
    assert ratio_spread(per_round) == spread


@pytest.mark.parametrize(
    ("ratio", "noisy"),
    [
        (Ratio(1.5, 0.0), False),
        (Ratio(1.5, NOISY_SPREAD), False),
        (Ratio(9.76, NOISY_SPREAD + 0.01), True),
        (Ratio(9.76, None), False),
        (9.76, False),  # a plain float carries no spread: not judged
        (None, False),
    ],
)
def test_is_noisy(ratio: float | None, noisy: bool) -> None:
    assert is_noisy(ratio) is noisy


def _line(vs_floor: float | None, vs_reference: float | None) -> Line:
    return Line(
        row="1",
        what="Sign a trigger",
        unit="µs/op",
        floor=1.0,
        reference=20.0,
        core=9.76,
        vs_floor=vs_floor,
        vs_reference=vs_reference,
        target="≤ 12.00x floor, < 1x ref",
        met=True,
    )


def test_quick_table_marks_noisy_ratios_only() -> None:
    table = render([_line(Ratio(9.76, 3.0), Ratio(0.49, 0.1))], checked=False)
    row = table.splitlines()[-1]
    assert "| 9.76x (noisy) |" in row
    assert "| 0.49x |" in row
    assert row.endswith("| not checked |")


def test_full_table_is_unchanged_by_spread() -> None:
    table = render([_line(Ratio(9.76, 3.0), Ratio(0.49, 3.0))], checked=True)
    row = table.splitlines()[-1]
    assert "(noisy)" not in table
    assert "| 9.76x | 0.49x | ≤ 12.00x floor, < 1x ref | yes |" in row


def test_quick_note_says_it_is_a_smoke_run() -> None:
    note = quick_note(Settings.make(quick=True))
    assert note.startswith("Quick mode is a smoke run: 3 rounds")
    assert "more than 25% between rounds" in note
    assert "`python -m bench`" in note


def test_import_row_ratios_carry_their_spread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 7's ratios keep their value (of the medians) and gain the per-round spread."""
    from bench import imports

    walls = {"pass": iter([10.0] * 4)}  # 1 warm-up + 3 rounds per statement
    for (_, who), statement in imports.STATEMENTS.items():
        per_round = {"floor": [12.0, 12.0, 12.0], "reference": [30.0, 30.0, 30.0]}.get(
            who, [14.0, 50.0, 15.0]
        )
        walls[statement] = iter([0.0, *per_round])
    monkeypatch.setattr(imports, "_importable", lambda _module: True)
    monkeypatch.setattr(imports, "_wall_ms", lambda statement: next(walls[statement]))
    first = imports.run(Settings.make(quick=True))[0]
    assert first.vs_floor == pytest.approx(5.0 / 2.0)  # nets: core 5 (median), floor 2
    assert is_noisy(first.vs_floor)  # per round 2, 20, 2.5
    assert first.vs_reference == pytest.approx(5.0 / 20.0)
    assert is_noisy(first.vs_reference)
