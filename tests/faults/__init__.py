"""Fault suite: both transports against small misbehaving 127.0.0.1 servers."""

from __future__ import annotations
