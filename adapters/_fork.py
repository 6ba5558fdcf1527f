"""Fork safety: a child process never uses a connection its parent opened.

Rules:
- A transport registers itself with `register(self)`; a module registers a
  function with `register_function`. Right after `os.fork()`, in the child and
  before the child runs anything else (`os.register_at_fork`), every registered
  function runs, then `_after_fork_in_child()` of every registered transport
  still alive.
- That method forgets the pool and closes the child's copies of the inherited
  sockets. Closing a copy releases this process's descriptor and nothing else:
  no `shutdown()` and no TLS close_notify (`ssl.SSLSocket.close()` sends none),
  so the parent's connections carry on untouched, and a connection the parent
  later closes is not held open by the child.
- Registration holds weak references: it never keeps a transport alive.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import Protocol

__all__ = ["register", "register_function"]


class _ForkAware(Protocol):
    def _after_fork_in_child(self) -> None: ...


_transports: weakref.WeakSet[_ForkAware] = weakref.WeakSet()
_functions: list[Callable[[], None]] = []


def register(transport: _ForkAware) -> None:
    """Call `transport._after_fork_in_child()` in every child forked while it is alive."""
    _transports.add(transport)


def register_function(function: Callable[[], None]) -> None:
    """Call `function` in every child forked from now on (kept for the process's life)."""
    _functions.append(function)


def _in_child() -> None:
    for function in _functions:
        function()
    for transport in list(_transports):
        transport._after_fork_in_child()  # noqa: SLF001  # the hook each transport defines for this


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork
    os.register_at_fork(after_in_child=_in_child)
