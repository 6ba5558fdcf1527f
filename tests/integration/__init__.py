"""Integration tests against a real soketi server and pusher-js clients."""

from __future__ import annotations
