"""`python -m bench [--quick] [--rows 1,2,8]`: run the benchmark, print a markdown table."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from bench import imports, pure, wire
from bench.common import Line, Settings, quick_note, render
from bench.nginx import INSTALL_HINT, Nginx, find_nginx

ALL_ROWS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
_PURE_ROWS = {"1", "2", "3", "4", "5", "6"}
_WIRE_ROWS = {"8", "9", "10"}


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _machine(nginx_version: str | None) -> str:
    versions = ", ".join(
        f"{name} {_version(name) or 'not installed'}"
        for name in ("pusher-core", "pusher", "attrs", "urllib3", "requests", "pynacl")
    )
    return "\n".join(
        [
            f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            (
                f"- machine: {_cpu_model()}, {os.cpu_count()} cores, "
                f"{platform.system()} {platform.release()}"
            ),
            f"- python: {platform.python_implementation()} {platform.python_version()}",
            f"- packages: {versions}",
            f"- nginx: {nginx_version or 'not found'}",
        ]
    )


def _parse_rows(text: str) -> set[str]:
    rows = {part.strip() for part in text.split(",") if part.strip()}
    unknown = rows - set(ALL_ROWS)
    if unknown:
        msg = f"unknown rows {sorted(unknown)}; choose from {', '.join(ALL_ROWS)}"
        raise argparse.ArgumentTypeError(msg)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="pusher-core against pusher==3.3.4 and the bare-primitive floor.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run (a few hundred iterations per contender); targets are not checked",
    )
    parser.add_argument(
        "--rows",
        type=_parse_rows,
        default=set(ALL_ROWS),
        help="comma-separated rows to run (default: all, 1-10)",
    )
    args = parser.parse_args(argv)
    settings = Settings.make(quick=args.quick)
    rows: set[str] = args.rows
    notes: list[str] = []

    binary = find_nginx()
    nginx_version = Nginx(binary).version() if binary else None
    print("## pusher-core benchmark" + (" (quick mode: targets not checked)" if args.quick else ""))
    print()
    print(_machine(nginx_version))
    print(f"- command: python -m bench{' --quick' if args.quick else ''}")
    print()
    if args.quick:
        print(quick_note(settings))
        print()
    sys.stdout.flush()

    if _version("pusher") is None:
        notes.append(
            "The reference is not installed: its column is empty. "
            "Install it with `pip install pusher==3.3.4`."
        )
    lines: list[Line] = []
    if rows & _PURE_ROWS:
        lines += pure.run(settings, rows)
    if "7" in rows:
        lines += imports.run(settings)
    if rows & _WIRE_ROWS:
        if binary is None:
            notes.append(
                "nginx was not found, so rows 8-10 were skipped. Install it with "
                f"`{INSTALL_HINT}` (Debian/Ubuntu; `brew install nginx` on macOS)."
            )
        else:
            with Nginx(binary) as server:
                lines += wire.run(settings, server.port, rows)
    for line in lines:
        notes += [f"Row {line.row}: {note}" for note in line.notes]

    print(render(lines, checked=not args.quick))
    print()
    print(
        "Ratios are core ÷ floor and core ÷ reference of the figure in the Unit column "
        "(for times lower is better, for rates higher is better), each the median of "
        "per-round ratios from this run."
    )
    for note in notes:
        print(f"- {note}")
    if not args.quick:
        missed = list(dict.fromkeys(line.row for line in lines if line.met is False))
        print()
        print(f"Targets missed: {', '.join(missed)}" if missed else "All checked targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
