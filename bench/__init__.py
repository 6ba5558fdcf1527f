"""Benchmarks: pusher-core against the reference (`pusher==3.3.4`) and against the floor.

Run `python -m bench` (a full run, a few minutes) or `python -m bench --quick`
(a smoke run for CI: a few hundred iterations, no targets checked). It prints the
machine, then one markdown table.

- The candidate is pusher-core.
- The reference is `pusher==3.3.4`, driven through its own public API.
- The floor is the bare primitive work written inline here (hashlib, hmac, json,
  PyNaCl, a raw urllib3 or `http.client` loop), with nothing else.

Every figure comes with the ratio it is judged by, from the same run: the
contenders run interleaved in rounds, and each ratio is the median of the
per-round ratios. Nothing is installed: when nginx or the reference is missing,
the affected rows or columns are skipped with a note saying how to install them.
"""

from __future__ import annotations
