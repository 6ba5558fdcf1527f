"""Transport adapters against real 127.0.0.1 servers, plus record/replay."""

from __future__ import annotations
