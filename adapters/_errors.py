"""Translate foreign exceptions into pusher-core `TransportError`s, in one place.

Rules:
- An adapter runs each I/O step inside `map_exceptions(mapping, request)`. The
  first `mapping` entry whose foreign class the exception is an instance of names
  the `TransportError` subclass raised, so order the entries most specific first.
- The raised error carries the request that failed, unchanged, so the caller can
  resend it, and is chained `from` the foreign exception.
- `sent` is set by the adapter when it knows better than the class default
  (whether any byte of the request may have left); None keeps the default.
- Messages are built from the foreign exception's class and text (at most the
  request URL, which holds `auth_key` and `auth_signature`) and the adapter's
  phase description. Transports never see the app secret, so no message can
  contain it.
- An exception that matches no entry propagates unchanged: bugs stay visible.
  So does a `TransportError` (some derive from `OSError`), which is never wrapped twice.
- Success costs one small object and two method calls (the mapping is used only
  on failure): this sits on every request's hot path.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

from pusher_core.errors import TransportError
from pusher_core.transport import HttpRequest

__all__ = ["ExceptionMapping", "map_exceptions", "translate", "transport_error"]

ExceptionMapping = Mapping[type[BaseException], type[TransportError]]
"""Foreign exception class -> `TransportError` subclass, tried in insertion order."""


def transport_error(
    native: type[TransportError],
    exc: BaseException,
    request: HttpRequest,
    *,
    during: str = "",
    sent: bool | None = None,
) -> TransportError:
    """A `native` error describing the foreign `exc` (unraised; raise it `from exc`).

    The message is the foreign class name, then `during`, then the foreign text.
    """
    text = str(exc)
    name = type(exc).__name__
    message = f"{name} {during}" if during else name
    return native(f"{message}: {text}" if text else message, request, sent=sent)


def translate(
    exc: BaseException,
    mapping: ExceptionMapping,
    request: HttpRequest,
    *,
    during: str = "",
    sent: bool | None = None,
) -> TransportError | None:
    """The `TransportError` for `exc` under `mapping`, or None when no entry matches.

    Args:
        exc: the foreign exception.
        mapping: ordered foreign class -> pusher-core class.
        request: the request that was being sent; stored on the error as is.
        during: what the adapter was doing, e.g. "while connecting (timeout 5 s)".
        sent: whether any byte of the request may have left; None for the
            class default.

    Returns:
        An unraised error (the caller raises it `from exc`), or None.
    """
    if isinstance(exc, TransportError):
        return None  # already ours (some derive from OSError): never wrapped twice
    for foreign, native in mapping.items():
        if isinstance(exc, foreign):
            return transport_error(native, exc, request, during=during, sent=sent)
    return None


class _ExceptionMapper:
    """The context manager behind `map_exceptions` (a class: cheaper than a generator)."""

    __slots__ = ("_during", "_mapping", "_request")

    def __init__(self, mapping: ExceptionMapping, request: HttpRequest, during: str) -> None:
        self._mapping = mapping
        self._request = request
        self._during = during

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            return
        error = translate(exc, self._mapping, self._request, during=self._during)
        if error is not None:
            raise error from exc


def map_exceptions(
    mapping: ExceptionMapping, request: HttpRequest, *, during: str = ""
) -> _ExceptionMapper:
    """Context manager: re-raise foreign exceptions as the mapped `TransportError`.

    Args:
        mapping: ordered foreign class -> pusher-core class; unmatched exceptions
            propagate unchanged.
        request: the request being sent; every raised error carries it.
        during: an optional phrase for the message, e.g. "while connecting".

    Raises:
        TransportError: the mapped subclass, chained `from` the original.
    """
    return _ExceptionMapper(mapping, request, during)
