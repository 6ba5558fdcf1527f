"""Fork safety: a child process never uses a connection its parent opened.

Rules:
- A transport registers a method with `register(self._after_fork_in_child)`
  (a module, a function with `register_function`). Right after `os.fork()`, in
  the child and before the child runs anything else, every registered function
  and every registered method of a live transport is called
  (`os.register_at_fork`).
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

__all__ = ["register", "register_function"]

_hooks: set[weakref.WeakMethod[Callable[[], None]]] = set()
_functions: list[Callable[[], None]] = []


def register(method: Callable[[], None]) -> None:
    """Call the bound `method` in every child forked while its object is alive."""
    _hooks.add(weakref.WeakMethod(method, _hooks.discard))


def register_function(function: Callable[[], None]) -> None:
    """Call `function` in every child forked from now on (kept for the process's life)."""
    _functions.append(function)


def _in_child() -> None:
    for function in _functions:
        function()
    for ref in list(_hooks):
        method = ref()
        if method is not None:
            method()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork
    os.register_at_fork(after_in_child=_in_child)
