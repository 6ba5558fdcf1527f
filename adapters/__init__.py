"""Transports that execute pusher-core's request values.

- `pusher_core.adapters.urllib3_transport.Urllib3Transport`: the default (pooled, keep-alive).
- `pusher_core.adapters.urllib_transport.UrllibTransport`: standard library only.
- `pusher_core.adapters.replay`: record real traffic to a JSON cassette and replay it offline.

Nothing heavy is imported here; import the module of the transport you use.
"""

from __future__ import annotations

__all__: list[str] = []
