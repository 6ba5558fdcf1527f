"""`FakeChannels`: an in-memory Channels app that serves the HTTP API as a transport.

Give it to a client as its transport (`Pusher.from_config(config, transport=fake)`)
and every request is checked the way the Pusher service checks it, then served
from memory: the signature (`signing.verify_request`: app key and secret, the
600 s timestamp window, `body_md5`), the route and method, the channel-name
grammar and the limits of `config.limits` (imported from `pusher_core.channels`
and `pusher_core.config`, never restated). Refusals answer with the service's
status and a plain-text body that says what was wrong; published events are
recorded as `RecordedEvent`s for assertions. Subscriptions are simulated with
`subscribe`/`sign_in`, so the channel queries and `info` attributes answer
what a real app would.

`handle(request, now)` is the sans-I/O core (an async transport can wrap it);
`send` reads the injected clock and calls it.

`reset()` forgets the recorded events and keeps the subscriptions and signed-in
users: a test usually sets up connections once and then checks what each
step published.

KNOWN DIFFERENCES from soketi 1.6.1 (tests/integration/test_fake_vs_soketi.py runs
one scenario against both and fails unless the differences are exactly these; "soketi's"
marks where soketi, not the fake, departs from the Pusher service):

- trigger_success_body: the fake answers `{}` (or `{"channels": ...}` / `{"batch": ...}`
  when `info` is asked) to triggers, batches, send_to_user and terminate; soketi answers
  `{"ok": true}` and ignores `info` (soketi's).
- error_status: the fake refuses with the HTTP status and a plain-text body; soketi
  answers HTTP 200 with `{"error": ..., "code": <status>}` (soketi's). The client raises
  the same `ApiError` subclass for both.
- stale_timestamp: the fake refuses a timestamp more than 600 s away with 401; soketi
  does not check it (soketi's).
- payload_limit: the fake refuses data over `Limits.max_payload_bytes` (10 KB) with 413;
  soketi accepts up to 100 KB (soketi's default).
- channel_name_length: the fake refuses names over `Limits.max_channel_name_length`
  (164) with 400; soketi accepts up to 200 (soketi's).
- channel_name_grammar: the fake refuses a channel name outside the grammar of
  `pusher_core.channels` with 400; soketi's HTTP API accepts it (soketi's).
- socket_id_format: the fake refuses a `socket_id` that is not `digits.digits` with 400;
  soketi accepts it (soketi's).
- empty_data: the fake accepts `"data": ""` (a string, as Pusher requires); soketi
  refuses it with 400 "The received data is incorrect" (soketi's).
- wrong_method: the fake answers a known path with the wrong method with 405; soketi
  answers 404 with an empty body (no route).
- channels_list_attributes: GET /channels gives `{}` per channel, `info=user_count`
  needs a `presence-` prefix (400 otherwise), and `#server-to-user-` channels are not
  listed; soketi always gives `subscription_count` and `occupied`, ignores `info` and
  lists `#server-to-user-` channels (soketi's).
- channel_info_attributes: GET /channels/{name} gives only the asked attributes and
  refuses `user_count` for a non-presence channel (400); soketi always adds
  `subscription_count` and ignores `user_count` there (soketi's).

The table is the `KNOWN_DIFFERENCES` mapping below (one key per row).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import unquote

import attrs

from pusher_core import _json
from pusher_core.channels import (
    ENCRYPTED_PREFIX,
    PRESENCE_PREFIX,
    PRIVATE_PREFIX,
    SERVER_TO_USER_PREFIX,
    ChannelKind,
    channel_kind,
    is_encrypted,
    validate_channel,
    validate_channel_prefix,
    validate_channels,
    validate_event_name,
    validate_info,
    validate_socket_id,
    validate_user_id,
)
from pusher_core.config import AppConfig
from pusher_core.encryption import decrypt
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError, PusherError
from pusher_core.events import check_batch_size
from pusher_core.signing import (
    DEFAULT_SKEW_SECONDS,
    RejectedRequest,
    RequestRejectReason,
    string_to_sign,
    verify_request,
)
from pusher_core.transport import Closeable, HttpRequest, HttpResponse
from pusher_core.webhooks import (
    ChannelOccupied,
    ChannelVacated,
    MemberAdded,
    MemberRemoved,
    SignedWebhook,
    WebhookEvent,
    webhook_request,
)

__all__ = ["ANY", "KNOWN_DIFFERENCES", "FakeChannels", "RecordedEvent"]

KNOWN_DIFFERENCES: Mapping[str, str] = {
    "trigger_success_body": "soketi answers {'ok': true} and ignores info (soketi's)",
    "error_status": "soketi answers refusals with HTTP 200 and {'error', 'code'} (soketi's)",
    "stale_timestamp": "soketi does not check auth_timestamp (soketi's)",
    "payload_limit": "soketi allows 100 KB of event data; Pusher 10 KB (soketi's)",
    "channel_name_length": "soketi allows 200-character channel names; Pusher 164 (soketi's)",
    "channel_name_grammar": "soketi's HTTP API accepts any channel name (soketi's)",
    "socket_id_format": "soketi accepts any socket_id (soketi's)",
    "empty_data": "soketi refuses data '' (soketi's)",
    "wrong_method": "the fake answers 405, soketi 404",
    "channels_list_attributes": "soketi adds subscription_count/occupied, ignores info, "
    "lists #server-to-user- channels (soketi's)",
    "channel_info_attributes": "soketi always adds subscription_count and ignores user_count "
    "on non-presence channels (soketi's)",
}
"""The differences from soketi 1.6.1 the differential test observes (see the module doc)."""


class _Anything:
    """Equal to everything: the default of `assert_triggered`'s matchers."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Anything()
"""Matches any value in `assert_triggered` (like `unittest.mock.ANY`, which also works)."""

_TEXT = (("Content-Type", "text/plain; charset=utf-8"),)
_JSON = (("Content-Type", "application/json"),)
_EVENT_INFO = frozenset(("user_count", "subscription_count"))
_CHANNEL_INFO = frozenset(("user_count", "subscription_count", "cache"))
_CACHE_PREFIX = "cache-"  # after the kind's prefix: cache-, private-cache-, presence-cache-...


def _is_cache(channel: str) -> bool:
    for prefix in (ENCRYPTED_PREFIX, PRIVATE_PREFIX, PRESENCE_PREFIX):
        if channel.startswith(prefix):
            return channel.removeprefix(prefix).startswith(_CACHE_PREFIX)
    return channel.startswith(_CACHE_PREFIX)


def _decoded(channel: str, data: str, master_key: bytes | None) -> Any:
    """What a subscriber's pusher-js would see: decrypted when possible, JSON when it parses."""
    text = data
    if is_encrypted(channel) and master_key is not None:
        try:
            text = decrypt(channel, data, master_key)
        except (PusherError, ValueError, TypeError):
            return data  # not sealed with this key: kept as sent
    try:
        return _json.loads(text)
    except ValueError:
        return text


@attrs.frozen(kw_only=True)
class RecordedEvent:
    """One event the fake accepted, as it would be delivered.

    Attributes:
        channel: the channel it was published on (`#server-to-user-<id>` for
            `send_to_user`).
        name: the event name.
        data: the `data` string exactly as sent (sealed JSON on encrypted channels).
        decoded: `data` JSON-decoded when it parses (else the string), decrypted
            first on `private-encrypted-` channels when the fake has the master key.
        socket_id: the connection excluded from delivery, if any.
        time: the clock (Unix seconds) when the fake received it.
        user_id: the user of a `send_to_user` event, else None.
        delivered_to: the socket ids that would receive it at that moment.
    """

    channel: str
    name: str
    data: str
    decoded: Any = attrs.field(eq=False, hash=False)
    socket_id: str | None = None
    time: float = 0.0
    user_id: str | None = None
    delivered_to: tuple[str, ...] = ()

    def _line(self) -> str:
        excluded = "" if self.socket_id is None else f" (excluding {self.socket_id})"
        return f"  {self.channel!r} {self.name!r} data={self.data!r}{excluded}"


@attrs.define
class _Connection:
    """A simulated client connection: its channels and, once signed in, its user."""

    socket_id: str
    user_id: str | None = None
    channels: dict[str, tuple[str | None, Any]] = attrs.field(factory=dict)


_NOBODY = _Connection("0.0")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(
    method: Callable[Concatenate[FakeChannels, _P], _R],
) -> Callable[Concatenate[FakeChannels, _P], _R]:
    """Run a public method under the fake's lock (state shared with a serving thread)."""

    @functools.wraps(method)
    def locked(fake: FakeChannels, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with fake._lock:  # noqa: SLF001  # the class's own lock
            return method(fake, *args, **kwargs)

    return locked


class _Refusal(Exception):  # noqa: N818  # a control-flow signal, never seen by users
    """A request the service refuses: its status and the text it answers."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


_Endpoint = Callable[..., dict[str, Any]]
"""An endpoint: `(request, now, *path arguments) -> the answer's JSON object`."""


def _refuse_argument(error: InvalidArgumentError | InvalidArgumentTypeError) -> _Refusal:
    return _Refusal(400, str(error))


class FakeChannels(Closeable):
    """An in-memory Channels app: a `Transport` that serves and records the HTTP API.

    Args:
        config: the app it impersonates: its id, key and secret check every
            request and its `limits` are enforced.
        clock: returns Unix seconds; `send` reads it for the signature window
            and `RecordedEvent.time` (default `time.time`).
        master_key: the 32-byte master key for decoding encrypted events
            (default: the config's).
    """

    def __init__(
        self,
        config: AppConfig,
        *,
        clock: Callable[[], float] = time.time,
        master_key: bytes | None = None,
    ) -> None:
        if not isinstance(config, AppConfig):
            raise InvalidArgumentTypeError(
                "config", f"must be an AppConfig, got {type(config).__name__}"
            )
        self.config = config
        self._clock = clock
        self._master_key = config.encryption_master_key if master_key is None else master_key
        self._secrets = {config.key: config.secret}
        self._events: list[RecordedEvent] = []
        self._connections: dict[str, _Connection] = {}
        self._socket_numbers = itertools.count(1)
        self._webhooks: list[WebhookEvent] = []
        self._nonces = itertools.count(1)
        # Apps under test may call from a server thread while the test reads the state.
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return (
            f"<FakeChannels app {self.config.app_id}: {len(self._events)} events, "
            f"{len(self._connections)} connections>"
        )

    # --- the transport ------------------------------------------------------------

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:  # noqa: ARG002
        """Serve `request` at the clock's current time (the `Transport` port)."""
        return self.handle(request, self._clock())

    def handle(self, request: HttpRequest, now: float) -> HttpResponse:
        """Serve `request` as the service would at Unix time `now` (pure but for the state)."""
        try:
            with self._lock:
                answer = self._serve(request, now)
        except _Refusal as refusal:
            text = refusal.text.encode("utf-8", "backslashreplace")
            return HttpResponse(status=refusal.status, headers=_TEXT, body=text)
        return HttpResponse(status=200, headers=_JSON, body=_json.dumps(answer).encode())

    def _serve(self, request: HttpRequest, now: float) -> dict[str, Any]:
        segments = request.path.split("/")
        if len(segments) < 4 or segments[0] != "" or segments[1] != "apps":  # noqa: PLR2004
            raise _Refusal(404, f"Not found: {request.path}")
        endpoint, args = self._route(segments[3:], request.method)
        if segments[2] != self.config.app_id:
            raise _Refusal(404, f"Unknown app {unquote(segments[2])!r}")
        self._check_signature(request, now)
        return endpoint(request, now, *args)

    def _route(self, rest: list[str], method: str) -> tuple[_Endpoint, tuple[str, ...]]:
        """The endpoint serving `/apps/{id}/<rest>` and its path arguments, or the refusal."""
        args: tuple[str, ...] = ()
        endpoint: _Endpoint
        match rest:
            case ["events"]:
                endpoint, allowed = self._events_endpoint, "POST"
            case ["batch_events"]:
                endpoint, allowed = self._batch_endpoint, "POST"
            case ["channels"]:
                endpoint, allowed = self._channels_endpoint, "GET"
            case ["channels", name]:
                endpoint, allowed, args = self._channel_endpoint, "GET", (unquote(name),)
            case ["channels", name, "users"]:
                endpoint, allowed, args = self._users_endpoint, "GET", (unquote(name),)
            case ["users", user_id, "terminate_connections"]:
                endpoint, allowed = self._terminate_endpoint, "POST"
                args = (unquote(user_id),)
            case _:
                raise _Refusal(404, f"Not found: /{'/'.join(rest)}")
        if method.upper() != allowed:
            raise _Refusal(405, f"Method {method.upper()} not allowed: use {allowed}")
        return endpoint, args

    def _check_signature(self, request: HttpRequest, now: float) -> None:
        verdict = verify_request(
            method=request.method,
            path=request.path,
            query=request.query,
            body=request.body,
            secrets=self._secrets,
            now=now,
        )
        if isinstance(verdict, RejectedRequest):
            raise _Refusal(401, self._auth_text(verdict.reason, request, now))

    def _auth_text(self, reason: RequestRejectReason, request: HttpRequest, now: float) -> str:
        params = {k.lower(): v for k, v in reversed(request.query)}
        if reason is RequestRejectReason.STALE:
            return (
                f"Timestamp expired: Given timestamp ({params.get('auth_timestamp')}) not "
                f"within {DEFAULT_SKEW_SECONDS}s of server time ({int(now)})"
            )
        if reason is RequestRejectReason.BAD_SIGNATURE:
            expected = string_to_sign(request.method, request.path, params.items())
            return (
                f"Invalid signature: you should have sent HmacSHA256Hex({expected!r}, "
                f"your_secret_key), but you sent {params.get('auth_signature')!r}"
            )
        texts = {
            RequestRejectReason.MISSING_AUTH_PARAMS: (
                "Missing authentication: auth_key, auth_timestamp, auth_version and "
                "auth_signature are required query parameters"
            ),
            RequestRejectReason.UNSUPPORTED_AUTH_VERSION: "Unsupported auth_version: use 1.0",
            RequestRejectReason.UNKNOWN_KEY: f"Unknown auth_key {params.get('auth_key')!r}",
            RequestRejectReason.BAD_TIMESTAMP: "auth_timestamp must be Unix seconds",
            RequestRejectReason.BODY_MD5_MISSING: "body_md5 is required for a request body",
            RequestRejectReason.BODY_MD5_MISMATCH: (
                "Invalid body_md5: expected "
                f"{hashlib.md5(request.body, usedforsecurity=False).hexdigest()}"
            ),
        }
        return texts[reason]

    # --- publishing -------------------------------------------------------------

    def _json_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            body = _json.loads(request.body)
        except ValueError:
            raise _Refusal(400, "Request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _Refusal(400, "Request body must be a JSON object")
        return body

    def _event(
        self, fields: Mapping[str, Any], where: str
    ) -> tuple[str, str, str | None, frozenset[str]]:
        """Check one event's name, data, socket_id and info; return them."""
        limits = self.config.limits
        name, data = fields.get("name"), fields.get("data")
        try:
            validate_event_name(name, limits, f"{where}name")
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None
        if not isinstance(data, str):
            raise _Refusal(400, f"{where}data must be a string (JSON-encode it)")
        size = len(data.encode("utf-8", "surrogatepass"))
        if size > limits.max_payload_bytes:
            raise _Refusal(
                413,
                f"Payload too large: {where}data is {size} bytes; the limit is "
                f"{limits.max_payload_bytes}",
            )
        socket_id = fields.get("socket_id")
        try:
            if socket_id is not None:
                validate_socket_id(socket_id, f"{where}socket_id")
            info = self._info(fields.get("info"), _EVENT_INFO, f"{where}info")
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None
        return str(name), data, socket_id, info

    def _info(self, value: object, allowed: frozenset[str], argument: str) -> frozenset[str]:
        csv = validate_info(value, argument)
        names = frozenset(csv.split(",")) if csv else frozenset()
        unknown = sorted(names - allowed)
        if unknown:
            raise _Refusal(
                400, f"{argument}: unknown attribute {unknown[0]!r}; use {sorted(allowed)}"
            )
        return names

    def _channels_of(self, fields: Mapping[str, Any], argument: str) -> tuple[str, ...]:
        limits = self.config.limits
        if "channels" in fields:
            channels = fields["channels"]
            if not isinstance(channels, list) or not channels:
                raise _Refusal(400, f"{argument} must be a non-empty list of channel names")
        elif "channel" in fields:
            channels = [fields["channel"]]
        else:
            raise _Refusal(400, "Missing channels: give 'channels' (a list) or 'channel'")
        try:
            return validate_channels(channels, limits, argument)
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None

    def _publish(
        self,
        channels: tuple[str, ...],
        name: str,
        data: str,
        socket_id: str | None,
        now: float,
    ) -> None:
        for channel in dict.fromkeys(channels):
            user_id = (
                channel.removeprefix(SERVER_TO_USER_PREFIX)
                if (channel.startswith(SERVER_TO_USER_PREFIX))
                else None
            )
            self._events.append(
                RecordedEvent(
                    channel=channel,
                    name=name,
                    data=data,
                    decoded=_decoded(channel, data, self._master_key),
                    socket_id=socket_id,
                    time=now,
                    user_id=user_id,
                    delivered_to=tuple(s for s in self._receivers(channel) if s != socket_id),
                )
            )

    def _attributes(self, channel: str, info: frozenset[str]) -> dict[str, int]:
        answer: dict[str, int] = {}
        if "user_count" in info and channel_kind(channel) is ChannelKind.PRESENCE:
            answer["user_count"] = len(self._members(channel))
        if "subscription_count" in info:
            answer["subscription_count"] = len(self._receivers(channel))
        return answer

    def _events_endpoint(self, request: HttpRequest, now: float) -> dict[str, Any]:
        body = self._json_body(request)
        channels = self._channels_of(body, "channels")
        name, data, socket_id, info = self._event(body, "")
        self._publish(channels, name, data, socket_id, now)
        if not info:
            return {}
        return {"channels": {c: self._attributes(c, info) for c in dict.fromkeys(channels)}}

    def _batch_endpoint(self, request: HttpRequest, now: float) -> dict[str, Any]:
        batch = self._json_body(request).get("batch")
        if not isinstance(batch, list) or not batch:
            raise _Refusal(400, "batch must be a non-empty list of events")
        try:
            check_batch_size(len(batch), self.config.limits)
        except InvalidArgumentError as error:
            raise _refuse_argument(error) from None
        checked = []
        for index, item in enumerate(batch):
            where = f"batch[{index}]."
            if not isinstance(item, dict):
                raise _Refusal(400, f"batch[{index}] must be an event object")
            if not isinstance(item.get("channel"), str):
                raise _Refusal(400, f"{where}channel must be a channel name")
            channels = self._channels_of({"channel": item["channel"]}, f"{where}channel")
            checked.append((channels, *self._event(item, where)))
        for channels, name, data, socket_id, _info in checked:
            self._publish(channels, name, data, socket_id, now)
        if not any(info for *_rest, info in checked):
            return {}
        return {"batch": [self._attributes(chs[0], info) for chs, *_rest, info in checked]}

    # --- queries ----------------------------------------------------------------

    def _query(self, request: HttpRequest) -> dict[str, str]:
        params: dict[str, str] = {}
        for key, value in request.query:
            params.setdefault(key.lower(), value)
        return params

    def _channels_endpoint(self, request: HttpRequest, _now: float) -> dict[str, Any]:
        params = self._query(request)
        prefix = params.get("filter_by_prefix", "")
        try:
            validate_channel_prefix(prefix, "filter_by_prefix")
            info = self._info(params.get("info"), frozenset(("user_count",)), "info")
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None
        if info and not prefix.startswith("presence-"):
            raise _Refusal(
                400,
                "info=user_count is only allowed with filter_by_prefix=presence- "
                "(user counts exist for presence channels only)",
            )
        return {
            "channels": {
                channel: self._attributes(channel, info)
                for channel in self._occupied()
                if channel.startswith(prefix)
            }
        }

    def _channel_name(self, name: str) -> str:
        try:
            return validate_channel(name, self.config.limits, "channel")
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None

    def _channel_endpoint(self, request: HttpRequest, _now: float, name: str) -> dict[str, Any]:
        channel = self._channel_name(name)
        try:
            info = self._info(self._query(request).get("info"), _CHANNEL_INFO, "info")
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None
        if "user_count" in info and channel_kind(channel) is not ChannelKind.PRESENCE:
            raise _Refusal(400, "info=user_count is only available for presence channels")
        if "cache" in info and not _is_cache(channel):
            raise _Refusal(400, "info=cache is only available for cache channels")
        answer: dict[str, Any] = {"occupied": bool(self._receivers(channel))}
        answer.update(self._attributes(channel, info))
        return answer

    def _users_endpoint(self, _request: HttpRequest, _now: float, name: str) -> dict[str, Any]:
        channel = self._channel_name(name)
        if channel_kind(channel) is not ChannelKind.PRESENCE:
            raise _Refusal(400, f"Users are only available for presence channels, not {channel!r}")
        return {"users": [{"id": user_id} for user_id in self._members(channel)]}

    def _terminate_endpoint(
        self, _request: HttpRequest, _now: float, user_id: str
    ) -> dict[str, Any]:
        try:
            validate_user_id(user_id, self.config.limits)
        except (InvalidArgumentError, InvalidArgumentTypeError) as error:
            raise _refuse_argument(error) from None
        for connection in list(self._connections.values()):
            if connection.user_id == user_id:
                self._disconnect(connection)
        return {}

    # --- simulated state ----------------------------------------------------------

    def _receivers(self, channel: str) -> list[str]:
        """The sockets an event on `channel` reaches, in connection order."""
        if channel.startswith(SERVER_TO_USER_PREFIX):
            user_id = channel.removeprefix(SERVER_TO_USER_PREFIX)
            return [s for s, c in self._connections.items() if c.user_id == user_id]
        return [s for s, c in self._connections.items() if channel in c.channels]

    def _members(self, channel: str) -> list[str]:
        """The distinct user ids on a presence channel, in order of joining."""
        members = (
            c.channels[channel][0] for c in self._connections.values() if channel in c.channels
        )
        return list(dict.fromkeys(m for m in members if m is not None))

    def _occupied(self) -> list[str]:
        seen = (ch for c in self._connections.values() for ch in c.channels)
        return sorted(dict.fromkeys(seen))

    def _connection(self, socket_id: str | None) -> _Connection:
        if socket_id is None:
            socket_id = f"{next(self._socket_numbers)}.1"
            while socket_id in self._connections:  # taken by a caller's own socket id
                socket_id = f"{next(self._socket_numbers)}.1"
        else:
            validate_socket_id(socket_id)
        connection = self._connections.get(socket_id)
        if connection is None:
            connection = self._connections[socket_id] = _Connection(socket_id)
        return connection

    @_locked
    def subscribe(
        self,
        channel: str,
        *,
        user_id: str | None = None,
        user_info: Any = None,
        socket_id: str | None = None,
    ) -> str:
        """Simulate a client subscribing to `channel`; return its socket id.

        Presence channels need `user_id` (the member); other channels refuse one.
        Without `socket_id` a new connection is made; with one, that connection
        (new or existing) subscribes.
        """
        limits = self.config.limits
        validate_channel(channel, limits)
        presence = channel_kind(channel) is ChannelKind.PRESENCE
        if channel.startswith(SERVER_TO_USER_PREFIX):
            raise InvalidArgumentError(
                "channel", "server-to-user channels are joined by sign_in(user_id), not subscribe"
            )
        if presence and user_id is None:
            raise InvalidArgumentError("user_id", f"{channel!r} is a presence channel: give one")
        if not presence and (user_id is not None or user_info is not None):
            raise InvalidArgumentError(
                "user_id", f"{channel!r} is not a presence channel: members exist on presence only"
            )
        if user_id is not None:
            validate_user_id(user_id, limits)
        if socket_id is not None and channel in self._connections.get(socket_id, _NOBODY).channels:
            raise InvalidArgumentError(
                "socket_id", f"connection {socket_id!r} is already subscribed to {channel!r}"
            )
        connection = self._connection(socket_id)
        occupied = bool(self._receivers(channel))
        joined = presence and user_id not in self._members(channel)
        connection.channels[channel] = (user_id, user_info)
        if not occupied:
            self._webhooks.append(ChannelOccupied(channel=channel))
        if joined:
            self._webhooks.append(MemberAdded(channel=channel, user_id=str(user_id)))
        return connection.socket_id

    def _leave(self, connection: _Connection, channel: str) -> None:
        """Take `connection` off `channel`, noting the webhooks that fires."""
        user_id, _info = connection.channels.pop(channel)
        if user_id is not None and user_id not in self._members(channel):
            self._webhooks.append(MemberRemoved(channel=channel, user_id=user_id))
        if not self._receivers(channel):
            self._webhooks.append(ChannelVacated(channel=channel))

    def _disconnect(self, connection: _Connection) -> None:
        for channel in list(connection.channels):
            self._leave(connection, channel)
        del self._connections[connection.socket_id]

    @_locked
    def unsubscribe(self, socket_id: str, channel: str | None = None) -> None:
        """Unsubscribe a connection from `channel`, or disconnect it entirely (None)."""
        connection = self._connections.get(socket_id)
        if connection is None:
            raise InvalidArgumentError("socket_id", f"no connection {socket_id!r} is open")
        if channel is None:
            self._disconnect(connection)
        elif channel in connection.channels:
            self._leave(connection, channel)
        else:
            raise InvalidArgumentError(
                "channel", f"connection {socket_id!r} is not subscribed to {channel!r}"
            )

    @_locked
    def sign_in(self, user_id: str, *, socket_id: str | None = None) -> str:
        """Simulate a connection signing in as `user_id` (it receives `send_to_user`)."""
        validate_user_id(user_id, self.config.limits)
        connection = self._connection(socket_id)
        connection.user_id = user_id
        return connection.socket_id

    @_locked
    def connections(self) -> tuple[str, ...]:
        """The socket ids of the open simulated connections."""
        return tuple(self._connections)

    # --- recorded events and assertions ---------------------------------------------

    @_locked
    def events(
        self, channel: str | None = None, name: str | None = None
    ) -> tuple[RecordedEvent, ...]:
        """The recorded events, oldest first, optionally only one channel's or name's."""
        return tuple(
            e
            for e in self._events
            if (channel is None or e.channel == channel) and (name is None or e.name == name)
        )

    def _recorded_text(self) -> str:
        if not self._events:
            return "Nothing was triggered."
        return "Recorded events:\n" + "\n".join(e._line() for e in self._events)  # noqa: SLF001

    @_locked
    def assert_triggered(
        self, channel: str, name: str, *, data: Any = ANY, socket_id: Any = ANY
    ) -> RecordedEvent:
        """The last event on `channel` named `name` matching `data` and `socket_id`.

        `data` matches the decoded value or the raw string. Raises `AssertionError`
        listing every recorded event when none matches.
        """
        for event in reversed(self._events):
            if (
                event.channel == channel
                and event.name == name
                and (data == event.decoded or data == event.data)  # noqa: PLR1714  # ANY first
                and socket_id == event.socket_id
            ):
                return event
        wanted = f"{channel!r} {name!r}"
        if data is not ANY:
            wanted += f" data={data!r}"
        if socket_id is not ANY:
            wanted += f" socket_id={socket_id!r}"
        raise AssertionError(f"No event {wanted} was triggered. {self._recorded_text()}")

    @_locked
    def assert_not_triggered(self, channel: str | None = None, name: str | None = None) -> None:
        """Raise `AssertionError` if any event on `channel` named `name` (None: any) was sent."""
        found = self.events(channel, name)
        if found:
            what = " ".join(
                [f"on {channel!r}" if channel else "", f"named {name!r}" if name else ""]
            ).strip()
            raise AssertionError(
                f"Expected no event {what or 'at all'}, but {len(found)} were triggered. "
                + self._recorded_text()
            )

    @_locked
    def reset(self) -> None:
        """Forget the recorded events and webhook events; connections and users stay."""
        self._events.clear()
        self._webhooks.clear()

    # --- webhooks -----------------------------------------------------------------------

    @_locked
    def webhook_events(self) -> tuple[WebhookEvent, ...]:
        """The webhook events the simulated connections fired, oldest first.

        `channel_occupied` on a channel's first subscriber, `member_added` when a
        user joins a presence channel, `member_removed` when their last connection
        leaves it, `channel_vacated` after the last subscriber leaves (Pusher
        delays the last two by a few seconds; the fake does not). Pass them to
        `webhook()` to deliver them to a receiver under test.
        """
        return tuple(self._webhooks)

    @_locked
    def webhook(
        self, *events: WebhookEvent, time_ms: int | None = None, nonce: bytes | None = None
    ) -> SignedWebhook:
        """A webhook of `events` signed with this app's key and secret, as Pusher posts it.

        `time_ms` defaults to the clock; client events on encrypted channels are
        sealed with the config's master key under `nonce`, by default a nonce
        derived from a counter (fine for tests, never for production).
        """
        if time_ms is None:
            time_ms = int(self._clock() * 1000)
        if nonce is None:
            seed = f"fake-webhook-{next(self._nonces)}".encode()
            nonce = hashlib.sha256(seed).digest()[:24]
        return webhook_request(self.config, events, time_ms=time_ms, nonce=nonce)
