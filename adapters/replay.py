"""Record real traffic to a JSON cassette and replay it offline.

Rules:
- A `Cassette` is a frozen tuple of `Interaction`s: the `HttpRequest` exactly as
  sent and the `HttpResponse` received. Transport errors are not recorded.
- The cassette file is human-readable JSON (`indent=2`, sorted keys, UTF-8,
  each `[name, value]` pair on one line). Bodies are stored as text (`"body"`)
  when they are valid UTF-8, else as base64 (`"body_base64"`). Query and
  headers are lists of `[name, value]` pairs in wire order.
- No secret is ever stored: a request carries `auth_key`, `auth_timestamp`,
  `body_md5` and `auth_signature` (an HMAC, which does not reveal the secret),
  never the secret itself. They are stored whole, so `exact=True` replay works.
- `ReplayTransport` matches on method, path, body and the query. By default the
  volatile auth parameters (`auth_timestamp`, `auth_signature`, `body_md5`) are
  ignored (`auth_key` and `auth_version` still count), so a recording replays
  under any clock; `exact=True` compares the full query, in order. Scheme, host,
  port and headers are never compared.
- Among the interactions matching a request, the first unused one in recorded
  order is served, so repeated identical requests get their responses in the
  order they were recorded. What happens once all of them were served is the
  serve mode: `ServeMode.ONCE` (the default) serves each interaction once and
  then raises; `ServeMode.REPEAT_LAST` keeps answering with the last one (for
  code that polls, or sends a request more often than when it was recorded).
- A request that matches no unused interaction raises `ReplayMismatchError`,
  whose message shows the request, the closest recorded request and what differs.
- Both transports take `send(request, *, deadline=None)` like every transport.
  Replay does no I/O, so it answers at once and the deadline never binds; the
  recorder hands the deadline to the transport it wraps.
- `close()` (or leaving a `with` block) closes what a transport holds: the
  recorder closes the transport it wraps; replay holds no connection.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import enum
import json
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ReplayMismatchError,
)
from pusher_core.transport import Closeable, HttpRequest, HttpResponse, Transport, encode_query

__all__ = [
    "VOLATILE_PARAMS",
    "Cassette",
    "Interaction",
    "RecordingTransport",
    "ReplayTransport",
    "ServeMode",
]

_FORMAT = "pusher-core cassette"
_VERSION = 1
VOLATILE_PARAMS = frozenset(("auth_timestamp", "auth_signature", "body_md5"))
_PREVIEW = 160  # characters of a body shown in a mismatch message
_DIFF_LIMIT = 4000  # characters compared by difflib when ranking candidates
_PAIR = 2
# A two-string array as json.dumps(indent=2) spreads it over four lines. JSON
# strings hold no raw newline, so this only ever matches whole [name, value] pairs.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_PAIR_LINES = re.compile(rf"\[\n\s*({_JSON_STRING}),\n\s*({_JSON_STRING})\n\s*\]")


@attrs.frozen(kw_only=True)
class Interaction:
    """One request as sent and the response it received."""

    request: HttpRequest
    response: HttpResponse


def _interactions(value: Iterable[Interaction]) -> tuple[Interaction, ...]:
    return tuple(value)


# --- JSON form -------------------------------------------------------------------------


def _body_to_json(body: bytes) -> dict[str, str]:
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def _pairs_to_json(pairs: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[name, value] for name, value in pairs]


def _request_to_json(request: HttpRequest) -> dict[str, Any]:
    return {
        "method": request.method,
        "scheme": request.scheme,
        "host": request.host,
        "port": request.port,
        "path": request.path,
        "query": _pairs_to_json(request.query),
        "headers": _pairs_to_json(request.headers),
        **_body_to_json(request.body),
    }


def _response_to_json(response: HttpResponse) -> dict[str, Any]:
    return {
        "status": response.status,
        "headers": _pairs_to_json(response.headers),
        **_body_to_json(response.body),
    }


class _Reader:
    """Typed access to one JSON object of a cassette, naming the place on failure."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise _bad(where, "must be a JSON object")
        self._value: dict[str, object] = value
        self._where = where

    def get(self, name: str, kind: type[Any]) -> Any:
        value = self._value.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _bad(f"{self._where}.{name}", f"must be a {kind.__name__}")
        return value

    def pairs(self, name: str) -> tuple[tuple[str, str], ...]:
        value = self._value.get(name, [])
        result = []
        if isinstance(value, list):
            for pair in value:
                if not (isinstance(pair, list) and len(pair) == _PAIR):
                    break
                first, second = pair
                if not (isinstance(first, str) and isinstance(second, str)):
                    break
                result.append((first, second))
            else:
                return tuple(result)
        raise _bad(f"{self._where}.{name}", "must be a list of [name, value] string pairs")

    def body(self) -> bytes:
        text = self._value.get("body")
        encoded = self._value.get("body_base64")
        if isinstance(text, str) and encoded is None:
            try:
                return text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _bad(f"{self._where}.body", "is not valid Unicode") from exc
        if isinstance(encoded, str) and text is None:
            try:
                return base64.b64decode(encoded, validate=True)
            except binascii.Error as exc:
                raise _bad(f"{self._where}.body_base64", "is not valid base64") from exc
        if text is None and encoded is None:
            return b""
        raise _bad(self._where, "needs a string body or body_base64, not both")


def _bad(where: str, problem: str) -> InvalidArgumentError:
    return InvalidArgumentError("cassette", f"{where} {problem}")


def _request_from_json(value: object, where: str) -> HttpRequest:
    data = _Reader(value, where)
    return HttpRequest(
        method=data.get("method", str),
        scheme=data.get("scheme", str),
        host=data.get("host", str),
        port=data.get("port", int),
        path=data.get("path", str),
        query=data.pairs("query"),
        headers=data.pairs("headers"),
        body=data.body(),
    )


def _response_from_json(value: object, where: str) -> HttpResponse:
    data = _Reader(value, where)
    return HttpResponse(
        status=data.get("status", int), headers=data.pairs("headers"), body=data.body()
    )


@attrs.frozen(kw_only=True)
class Cassette:
    """Recorded interactions, in order; `to_json`/`from_json`, `dump`/`load`."""

    interactions: tuple[Interaction, ...] = attrs.field(default=(), converter=_interactions)

    def to_json(self) -> str:
        """The cassette as indented JSON with sorted keys (ends with a newline)."""
        document = {
            "format": _FORMAT,
            "version": _VERSION,
            "interactions": [
                {
                    "request": _request_to_json(item.request),
                    "response": _response_to_json(item.response),
                }
                for item in self.interactions
            ],
        }
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
        return _PAIR_LINES.sub(r"[\1, \2]", text) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Cassette:
        """Parse what `to_json` wrote.

        Raises:
            InvalidArgumentError: the text is not a version-1 cassette; the message
                says which part is wrong.
        """
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise _bad("the text", f"is not JSON ({exc})") from exc
        top = _Reader(document, "the cassette")
        if top.get("format", str) != _FORMAT or top.get("version", int) != _VERSION:
            raise _bad("the cassette", f"must have format {_FORMAT!r} and version {_VERSION}")
        items = top.get("interactions", list)
        interactions = []
        for index, item in enumerate(items):
            entry = _Reader(item, f"interactions[{index}]")
            interactions.append(
                Interaction(
                    request=_request_from_json(
                        entry.get("request", dict), f"interactions[{index}].request"
                    ),
                    response=_response_from_json(
                        entry.get("response", dict), f"interactions[{index}].response"
                    ),
                )
            )
        return cls(interactions=interactions)

    def dump(self, path: str | os.PathLike[str]) -> None:
        """Write `to_json()` to `path` (UTF-8)."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cassette:
        """Read a cassette written by `dump`."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


# --- recording ----------------------------------------------------------------------------


class RecordingTransport(Closeable):
    """Pass requests to `inner` and record every response received.

    Requests that raise (a `TransportError`: no response) are not recorded.
    Safe to share across threads; interactions are kept in completion order.
    `close()` closes `inner` (when it has a `close()`): the recorder owns it.
    """

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._recorded: list[Interaction] = []

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        """Send through the inner transport (with the deadline) and record the interaction."""
        response = self._inner.send(request, deadline=deadline)
        with self._lock:
            self._recorded.append(Interaction(request=request, response=response))
        return response

    @property
    def cassette(self) -> Cassette:
        """Everything recorded so far."""
        with self._lock:
            return Cassette(interactions=self._recorded)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the recorded cassette to `path`."""
        self.cassette.dump(path)

    def close(self) -> None:
        """Close the wrapped transport (its pool); what was recorded stays available."""
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


# --- replay ---------------------------------------------------------------------------------


def _stable_query(query: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in query if k not in VOLATILE_PARAMS)


def _preview(body: bytes) -> str:
    if not body:
        return "no body"
    try:
        text = repr(body.decode("utf-8"))
    except UnicodeDecodeError:
        text = repr(body)
    if len(text) > _PREVIEW:
        text = text[: _PREVIEW - 3] + "..."
    return f"body {len(body)} bytes: {text}"


def _text(body: bytes) -> str:
    return body[:_DIFF_LIMIT].decode("utf-8", "replace")


class ServeMode(enum.Enum):
    """What `ReplayTransport` does once every recording of a request was served."""

    ONCE = "once"
    """Serve each recording once; one request more raises `ReplayMismatchError`."""
    REPEAT_LAST = "repeat_last"
    """Serve the recordings in order, then repeat the last one's answer for ever."""


class ReplayTransport(Closeable):
    """Serve recorded responses offline.

    Args:
        cassette: the recording to serve.
        exact: compare the full query (with `auth_timestamp`, `auth_signature`,
            `body_md5`), e.g. when the app runs on a fixed clock; by default
            those volatile parameters are ignored.
        serve: `ServeMode.ONCE` (default) serves each interaction once, so a
            test also checks how often a request is sent; `ServeMode.REPEAT_LAST`
            repeats the last matching answer once the recordings are used up.

    Recordings of equal requests are served in recorded order. Safe to share
    across threads.
    """

    def __init__(
        self, cassette: Cassette, *, exact: bool = False, serve: ServeMode = ServeMode.ONCE
    ) -> None:
        if not isinstance(cassette, Cassette):
            raise InvalidArgumentTypeError(
                "cassette", f"must be a Cassette, got {type(cassette).__name__}"
            )
        if not isinstance(serve, ServeMode):
            raise InvalidArgumentTypeError(
                "serve",
                f"must be ServeMode.ONCE or ServeMode.REPEAT_LAST, got {type(serve).__name__}",
            )
        self._interactions = cassette.interactions
        self._exact = bool(exact)
        self._serve = serve
        self._keys = tuple(self._key(item.request) for item in self._interactions)
        self._used = [False] * len(self._interactions)
        self._lock = threading.Lock()

    def _query(self, request: HttpRequest) -> tuple[tuple[str, str], ...]:
        return request.query if self._exact else _stable_query(request.query)

    def _key(self, request: HttpRequest) -> tuple[object, ...]:
        return (request.method, request.path, self._query(request), request.body)

    @property
    def serve(self) -> ServeMode:
        """The serve mode this transport was built with."""
        return self._serve

    @property
    def unused(self) -> tuple[Interaction, ...]:
        """The interactions not served yet (assert it is empty at the end of a test)."""
        with self._lock:
            return tuple(
                item for item, used in zip(self._interactions, self._used, strict=True) if not used
            )

    def send(
        self,
        request: HttpRequest,
        *,
        deadline: float | None = None,  # noqa: ARG002  # the port's keyword; nothing here waits
    ) -> HttpResponse:
        """The response recorded for the first unused interaction matching `request`.

        With `ServeMode.REPEAT_LAST`, once every matching interaction was served,
        the last one's response. `deadline` is accepted for the port's sake;
        nothing here waits.

        Raises:
            ReplayMismatchError: no unused interaction matches (in `ONCE` mode) or
                none matches at all; the message shows the closest recorded
                request and what differs.
        """
        key = self._key(request)
        last = -1
        with self._lock:
            for index, recorded in enumerate(self._keys):
                if recorded == key:
                    if not self._used[index]:
                        self._used[index] = True
                        return self._interactions[index].response
                    last = index
            if last >= 0 and self._serve is ServeMode.REPEAT_LAST:
                return self._interactions[last].response
            used_matches = sum(1 for recorded in self._keys if recorded == key)
        raise ReplayMismatchError(self._mismatch(request, used_matches))

    def close(self) -> None:
        """Nothing to release (no connection); here so every transport can be closed."""

    # --- the mismatch message -------------------------------------------------------------

    def _describe(self, request: HttpRequest) -> str:
        query = encode_query(self._query(request))
        target = f"{request.path}?{query}" if query else request.path
        return f"{request.method} {target} ({_preview(request.body)})"

    def _mismatch(self, request: HttpRequest, used_matches: int) -> str:
        mode = "exact" if self._exact else "ignoring auth_timestamp, auth_signature, body_md5"
        lines = [f"no recorded interaction matches {self._describe(request)} [{mode}]"]
        if used_matches:
            lines.append(
                f"{used_matches} recorded interaction(s) match it but were already served "
                "(each is served once, in order): the code sent this request more often "
                "than when it was recorded; to answer every further one with the last "
                "recording, pass serve=ServeMode.REPEAT_LAST"
            )
            return "\n".join(lines)
        if not self._interactions:
            lines.append("the cassette is empty")
            return "\n".join(lines)
        index = self._closest(request)
        closest = self._interactions[index].request
        status = "already served" if self._used[index] else "unused"
        lines.append(
            f"closest recorded (#{index + 1} of {len(self._interactions)}, {status}): "
            f"{self._describe(closest)}"
        )
        lines.extend(f"  - {difference}" for difference in self._differences(request, closest))
        return "\n".join(lines)

    def _closest(self, request: HttpRequest) -> int:
        sent = encode_query(self._query(request)) + "\n" + _text(request.body)

        def score(index: int) -> tuple[bool, bool, float, int]:
            recorded = self._interactions[index].request
            text = encode_query(self._query(recorded)) + "\n" + _text(recorded.body)
            ratio = difflib.SequenceMatcher(None, sent, text, autojunk=False).ratio()
            # Same method and path first, then similarity; ties go to the earliest.
            return (
                recorded.method == request.method,
                recorded.path == request.path,
                ratio,
                -index,
            )

        return max(range(len(self._interactions)), key=score)

    def _differences(self, request: HttpRequest, recorded: HttpRequest) -> list[str]:
        found = []
        if request.method != recorded.method:
            found.append(f"method: sent {request.method}, recorded {recorded.method}")
        if request.path != recorded.path:
            found.append(f"path: sent {request.path!r}, recorded {recorded.path!r}")
        sent_query, recorded_query = self._query(request), self._query(recorded)
        if sent_query != recorded_query:
            found.append(_query_difference(sent_query, recorded_query))
        if request.body != recorded.body:
            found.append(_body_difference(request.body, recorded.body))
        return found


def _query_difference(
    sent: tuple[tuple[str, str], ...], recorded: tuple[tuple[str, str], ...]
) -> str:
    sent_map, recorded_map = dict(sent), dict(recorded)
    parts = []
    for name in sorted(sent_map.keys() | recorded_map.keys()):
        if name not in recorded_map:
            parts.append(f"{name}={sent_map[name]!r} sent but not recorded")
        elif name not in sent_map:
            parts.append(f"{name}={recorded_map[name]!r} recorded but not sent")
        elif sent_map[name] != recorded_map[name]:
            parts.append(f"{name}: sent {sent_map[name]!r}, recorded {recorded_map[name]!r}")
    if not parts:
        parts.append("same parameters in a different order or repeated")
    return "query: " + "; ".join(parts)


def _snippet(body: bytes, start: int, end: int) -> str:
    head = "..." if start > 0 else ""
    tail = "..." if end < len(body) else ""
    return f"{head}{body[start:end]!r}{tail}"


def _body_difference(sent: bytes, recorded: bytes) -> str:
    offset = next(
        (i for i, (a, b) in enumerate(zip(sent, recorded, strict=False)) if a != b),
        min(len(sent), len(recorded)),
    )
    start, end = max(0, offset - 20), offset + 40
    return (
        f"body: differs from byte {offset} "
        f"(sent {len(sent)} bytes, recorded {len(recorded)}): "
        f"sent {_snippet(sent, start, end)}, recorded {_snippet(recorded, start, end)}"
    )
