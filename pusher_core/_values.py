"""Trusted constructors for the core's frozen values (h11-style).

A module that builds its own frozen attrs values on a hot path (a signed
request, an auth answer, a webhook verdict and its events) asks for one here,
beside the class, and uses it only with values it has already checked. It takes
every field positionally, in field order, and fills the slots directly: no
keyword call, no converters, validators or defaults. The result equals what the
class's `__init__` builds from the same field values.

The constructor is generated, as attrs generates `__init__`: a loop over the
fields costs more than the work it would save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["trusted_constructor"]

T = TypeVar("T")


def trusted_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor filling every field of the slotted attrs class `cls`.

    Raises:
        TypeError: `cls` is not a slotted attrs class, or runs `__attrs_post_init__`
            (whose work this constructor would skip).
    """
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slotted attrs class")
    if hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__name__} has __attrs_post_init__, which would be skipped")
    names = [field.name for field in attrs.fields(cls)]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def {cls.__name__}_trusted({', '.join(names)}):", "    value = new(cls)"]
    for name in names:
        namespace[f"set_{name}"] = cls.__dict__[name].__set__  # the slot's own setter
        lines.append(f"    set_{name}(value, {name})")
    lines.append("    return value")
    exec("\n".join(lines), namespace)  # noqa: S102  # field names are identifiers
    constructor: Callable[..., T] = namespace[f"{cls.__name__}_trusted"]
    constructor.__qualname__ = f"{cls.__qualname__}._trusted"
    return constructor
