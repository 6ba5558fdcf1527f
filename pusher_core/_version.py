"""The package version: the single source hatchling reads (no importlib.metadata at import)."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
