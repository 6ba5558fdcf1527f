"""Lazy exports (PEP 562): a package's one table of public names, each loaded on first use.

`pusher_core` and `pusher_core.testing` each keep one table, module -> names.
`exports` turns it into the name -> module map their `__all__` is built from, and
the module-level `__getattr__` that imports a name's module when the name is
first looked up. Importing this module costs only `importlib`, which every
import has loaded already.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # no `typing` import: `import pusher_core` must stay light

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, MutableMapping
    from typing import Any

__all__ = ["exports"]


def exports(
    namespace: MutableMapping[str, Any], table: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, str], Callable[[str], Any]]:
    """The package's name -> module map, and its `__getattr__`.

    Args:
        namespace: the package's `globals()`: a name, once loaded, is stored
            there, so later lookups do not reach `__getattr__` again.
        table: module -> the public names it defines, each listed once.
    """
    where = {name: module for module, names in table.items() for name in names}
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:  # noqa: N807  # the PEP 562 hook
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return where, __getattr__
