"""The imperative shell: `Pusher`, a drop-in for `pusher.Pusher` 3.3.4.

Rules:
- This is the only core module that reads the clock, draws randomness, reads
  the environment or imports `adapters` (lazily, for the default transport).
- Each method runs a call plan from `pusher_core.plans`: the core builds the
  plan, the shell sends `plan.request` and returns `plan.parse(response)`. No
  protocol logic lives here, and no operation is written twice.
- Effects are called before the core runs, whether or not it uses them: a
  publish draws a nonce whenever a master key is configured (the core ignores
  it for unencrypted channels).
- `TypedPusher` is the client; `Pusher`, the drop-in, is one line a method over
  it (and over `pusher_core.compat`), returning the reference's dict shapes.
"""

from __future__ import annotations

import copy
import functools
import importlib
import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict

from pusher_core.config import AppConfig, AppOptions, Limits
from pusher_core.errors import (
    ConfigurationError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    TransportError,
)
from pusher_core.transport import Closeable

if TYPE_CHECKING:
    import json

    from typing_extensions import Unpack

    # auth and webhooks load on first use: a client that only publishes never imports them.
    from pusher_core import auth, compat, events, plans, responses, retry, webhooks
    from pusher_core.plans import CallPlan, T
    from pusher_core.retry import RetryPolicy
    from pusher_core.transport import HttpRequest, HttpResponse, Transport


class _LazyModule:
    """A core module imported on first attribute access, so constructing a client stays light.

    Each attribute is copied onto the proxy when first read, so later reads are
    plain attribute hits.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)
        return value


if not TYPE_CHECKING:
    plans = _LazyModule("pusher_core.plans")
    retry = _LazyModule("pusher_core.retry")
    auth = _LazyModule("pusher_core.auth")
    compat = _LazyModule("pusher_core.compat")
    webhooks = _LazyModule("pusher_core.webhooks")

__all__ = ["ClientOptions", "Clock", "NonceSource", "Pusher", "PusherOptions", "TypedPusher"]

Clock = Callable[[], float]
"""Returns the current Unix time in seconds (default `time.time`)."""
NonceSource = Callable[[int], bytes]
"""Returns n random bytes (default: `secrets.token_bytes`, drawn 4 KiB at a time)."""


class ClientOptions(TypedDict, total=False):
    """The keyword options every `Pusher` constructor passes on to `Pusher.from_config`."""

    transport: Transport | None
    clock: Clock
    nonce_source: NonceSource
    timeout: float
    retry: RetryPolicy | None
    total_timeout: float | None
    idempotency_keys: bool


class PusherOptions(AppOptions, ClientOptions, total=False):
    """What `Pusher.from_url` and `Pusher.from_env` take: the config's options and the client's.

    `AppOptions` (ssl, host, port, cluster, the master key, the JSON codecs,
    limits) shape the `AppConfig`; `ClientOptions` (transport, clock, timeout,
    retry, ...) go to `Pusher.from_config`.
    """


_APP_OPTIONS = AppOptions.__required_keys__ | AppOptions.__optional_keys__
_CLIENT_OPTIONS = ClientOptions.__required_keys__ | ClientOptions.__optional_keys__


def _split_options(where: str, options: Mapping[str, Any]) -> tuple[AppOptions, ClientOptions]:
    """Sort `from_url`/`from_env` keywords into the config's and the client's.

    A keyword that is neither raises `TypeError`, as Python does for any
    unexpected keyword, naming it and what is accepted.
    """
    unknown = sorted(set(options) - _APP_OPTIONS - _CLIENT_OPTIONS)
    if unknown:
        accepted = ", ".join(sorted(_APP_OPTIONS | _CLIENT_OPTIONS | {"backend"}))
        raise TypeError(
            f"{where}() got an unexpected keyword argument {unknown[0]!r}; it accepts {accepted}"
        )
    app: Any = {name: value for name, value in options.items() if name in _APP_OPTIONS}
    client: Any = {name: value for name, value in options.items() if name in _CLIENT_OPTIONS}
    return app, client


def _refuse_backend(backend: object) -> None:
    """The reference's `backend=` (an HTTP library adapter) has no equivalent here."""
    if backend is not None:
        raise ConfigurationError(
            "pusher-core has no `backend`: pass transport=... (see adapters/) instead"
        )


_NONCE_BYTES = 24

# Random bytes are read from the OS this many at a time by the default nonce source.
_RANDOM_CHUNK = 4096


class _BufferedSecretsSource:
    """The default nonce source: `secrets.token_bytes`, drawn 4 KiB at a time.

    `secrets.token_bytes` calls `os.urandom`, whose syscall releases the GIL, so
    with threads sharing a client every publish handed the GIL over once more.
    Here each call returns the next unused `n` bytes of a buffer drawn from
    `secrets`: bytes are never returned twice, and a forked child discards the
    parent's buffer (`os.register_at_fork`) before drawing. Thread-safe.
    """

    __slots__ = ("__weakref__", "_buffer", "_lock", "_offset")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer = b""
        self._offset = 0
        if hasattr(os, "register_at_fork"):  # no fork, no hook (Windows)
            ref = weakref.ref(self)

            def forget() -> None:
                source = ref()
                if source is not None:
                    source._forget()  # noqa: SLF001

            os.register_at_fork(after_in_child=forget)

    def _forget(self) -> None:
        self._lock = threading.Lock()  # the parent's may have been held at fork time
        self._buffer = b""
        self._offset = 0

    def __call__(self, n: int) -> bytes:
        if not 0 <= n <= _RANDOM_CHUNK:  # also lets secrets reject bad values
            import secrets  # loaded with the first nonce, not with the client

            return secrets.token_bytes(n)
        with self._lock:
            start = self._offset
            end = start + n
            if end > len(self._buffer):
                import secrets

                self._buffer = secrets.token_bytes(_RANDOM_CHUNK)
                start, end = 0, n
            self._offset = end
            return self._buffer[start:end]

    def __repr__(self) -> str:
        return "<pusher_core default nonce source (secrets.token_bytes, drawn 4 KiB at a time)>"


_default_nonce_source: NonceSource = _BufferedSecretsSource()


def _default_transport(timeout: float) -> Transport:
    """The composition root's one choice: urllib3, imported only when needed."""
    from pusher_core.adapters.urllib3_transport import Urllib3Transport

    return Urllib3Transport(timeout=timeout)


@functools.cache
def _default_random() -> Callable[[], float]:
    """`random.random`, loaded when the first call runs (not with the client)."""
    from random import random

    return random


@functools.cache
def _default_policy() -> RetryPolicy:
    """`RetryPolicy()`, built once, when the first call runs (not at import)."""
    return retry.RetryPolicy()


def _check_timeout(timeout: object) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidArgumentTypeError(
            "timeout", f"must be a number of seconds, got {type(timeout).__name__}"
        )
    if not timeout > 0:
        raise InvalidArgumentError("timeout", f"must be more than 0 seconds, got {timeout!r}")
    return float(timeout)


class TypedPusher(Closeable):
    """The facade's calls, returning typed results (`TriggerResult`, `ChannelsList`, ...).

    Reach it as `Pusher(...).typed`; it shares the config, transport, clock and
    nonce source of its `Pusher`.
    """

    def __init__(
        self,
        config: AppConfig,
        transport: Transport | None,
        clock: Clock,
        nonce_source: NonceSource,
        timeout: float = 5,
        *,
        retry: RetryPolicy | None = None,
        total_timeout: float | None = None,
        idempotency_keys: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Clock = time.monotonic,
        random: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self._transport = transport
        self._timeout = _check_timeout(timeout)
        self._total = 2 * self._timeout if total_timeout is None else _check_timeout(total_timeout)
        self._retry = retry  # None: the default policy, loaded with the first call
        self._idempotency_keys = idempotency_keys
        self._lock = threading.Lock()
        self._clock = clock
        self._nonce_source = nonce_source
        self._sleep = sleep
        self._monotonic = monotonic
        self._random = random  # None: `random.random`, loaded with the first call

    @property
    def timeout(self) -> float:
        """Seconds for connecting and for each read, for the default transport."""
        return self._timeout

    def with_options(
        self, *, retry: RetryPolicy | None = None, idempotency_keys: bool | None = None
    ) -> TypedPusher:
        """A copy of this client with another retry policy or key setting, for a few calls.

        The copy shares the config, transport and effects: e.g.
        `pusher.typed.with_options(retry=RetryPolicy(allow_duplicate_posts=True)).trigger(...)`.
        """
        other = copy.copy(self)  # same class: its private state is its own to set
        if retry is not None:
            other._retry = retry  # noqa: SLF001
        if idempotency_keys is not None:
            other._idempotency_keys = idempotency_keys  # noqa: SLF001
        return other

    @property
    def transport(self) -> Transport:
        """The transport; the default one is built on first use (urllib3 loads then)."""
        transport = self._transport
        if transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = _default_transport(self._timeout)
                transport = self._transport
        return transport

    def close(self) -> None:
        """Close the transport's pooled connections; the client stays usable."""
        close = getattr(self._transport, "close", None)
        if close is not None:
            close()

    def replace_effects(
        self,
        *,
        transport: Transport | None = None,
        clock: Clock | None = None,
        nonce_source: NonceSource | None = None,
    ) -> Callable[[], None]:
        """Swap this client's transport, clock or nonce source in place; return the undo.

        For test doubles that must reach a client the app built at import time
        (and other modules imported by name), such as the pytest plugin's
        `pusher_fake.patch(client)`. None keeps the current effect; calling the
        returned function restores all three. Copies made earlier by
        `with_options` keep their effects.
        """
        previous = (self._transport, self._clock, self._nonce_source)
        if transport is not None:
            self._transport = transport
        if clock is not None:
            self._clock = clock
        if nonce_source is not None:
            self._nonce_source = nonce_source

        def restore() -> None:
            self._transport, self._clock, self._nonce_source = previous

        return restore

    def _now(self) -> int:
        return int(self._clock())

    def _nonce(self) -> bytes | None:
        """A fresh nonce for the events a call may seal; None when none can be sealed.

        Without a master key no event is encrypted (the builders refuse encrypted
        channels), so nothing is drawn from the nonce source.
        """
        if self.config.encryption_master_key is None:
            return None
        return self._nonce_source(_NONCE_BYTES)

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        """Send any request value once through this client's transport."""
        return self.transport.send(request, deadline=deadline)

    def run(self, plan: CallPlan[T]) -> T:
        """Execute one call plan: send, let the retry policy judge, read the answer.

        The whole call (every attempt and every wait) ends by one deadline,
        `total_timeout` from now. A POST carries a fresh `X-Idempotency-Key` when
        the client sends keys; retries resend the same request, key included.
        """
        request = plan.request
        if self._idempotency_keys and request.method == "POST":
            request = retry.with_idempotency_key(request, self._nonce_source(16).hex())
        policy = self._retry if self._retry is not None else _default_policy()
        transport = self.transport
        deadline = self._monotonic() + self._total
        attempt = 1
        while True:
            outcome: HttpResponse | TransportError
            try:
                outcome = transport.send(request, deadline=deadline)
            except TransportError as error:
                outcome = error
            decision = policy.decide(
                attempt=attempt,
                request=request,
                outcome=outcome,
                rand=(self._random or _default_random())(),
                seconds_left=deadline - self._monotonic(),
            )
            if isinstance(decision, retry.Stop):
                if isinstance(outcome, TransportError):
                    raise outcome
                return plan.parse(outcome)
            self._sleep(decision.delay)
            attempt += 1

    def trigger(
        self,
        channels: str | Sequence[str],
        event_name: str,
        data: object,
        socket_id: str | None = None,
        info: str | Sequence[str] | None = None,
    ) -> responses.TriggerResult:
        """Publish one event to one or more channels."""
        return self.run(
            plans.trigger_plan(
                self.config,
                channels=channels,
                event_name=event_name,
                data=data,
                socket_id=socket_id,
                info=info,
                timestamp=self._now(),
                nonce=self._nonce(),
            )
        )

    def trigger_batch(
        self, batch: Sequence[Mapping[str, Any] | events.BatchEvent]
    ) -> responses.BatchResult:
        """Publish up to the batch limit of events in one request."""
        return self.run(
            plans.trigger_batch_plan(
                self.config, events=batch, timestamp=self._now(), nonce=self._nonce()
            )
        )

    def trigger_bulk(
        self, batch: Sequence[Mapping[str, Any] | events.BatchEvent]
    ) -> list[responses.BatchResult]:
        """Publish any number of events as consecutive batch requests, in order.

        All events are validated before anything is sent. If a request fails,
        the error propagates and the later batches are not sent.
        """
        bulk = plans.trigger_bulk_plans(
            self.config, events=batch, timestamp=self._now(), nonce=self._nonce()
        )
        return [self.run(plan) for plan in bulk]

    def send_to_user(self, user_id: str, event_name: str, data: object) -> responses.TriggerResult:
        """Publish an event to every connection of a signed-in user."""
        return self.run(
            plans.send_to_user_plan(
                self.config,
                user_id=user_id,
                event_name=event_name,
                data=data,
                timestamp=self._now(),
            )
        )

    def channels_info(
        self, prefix_filter: str | None = None, attributes: str | Sequence[str] = ()
    ) -> responses.ChannelsList:
        """List occupied channels, optionally by prefix."""
        return self.run(
            plans.channels_plan(
                self.config,
                prefix_filter=prefix_filter,
                attributes=attributes,
                timestamp=self._now(),
            )
        )

    def channel_info(
        self, channel: str, attributes: str | Sequence[str] = ()
    ) -> responses.ChannelInfo:
        """One channel's state."""
        return self.run(
            plans.channel_plan(
                self.config, channel=channel, attributes=attributes, timestamp=self._now()
            )
        )

    def users_info(self, channel: str) -> responses.Users:
        """The members of a presence channel."""
        return self.run(plans.users_plan(self.config, channel=channel, timestamp=self._now()))

    def terminate_user_connections(self, user_id: str) -> dict[str, Any]:
        """Close every connection on which `user_id` signed in."""
        return self.run(
            plans.terminate_connections_plan(self.config, user_id=user_id, timestamp=self._now())
        )

    def get(self, path: str, params: Mapping[str, object] | None = None) -> dict[str, Any]:
        """A signed GET of any path relative to `/apps/{app_id}`."""
        return self.run(
            plans.get_plan(self.config, path=path, params=params, timestamp=self._now())
        )

    def post(
        self, path: str, body: object, params: Mapping[str, object] | None = None
    ) -> dict[str, Any]:
        """A signed POST of any path relative to `/apps/{app_id}`."""
        return self.run(
            plans.post_plan(self.config, path=path, body=body, params=params, timestamp=self._now())
        )

    def authorize_channel(
        self,
        channel: str,
        socket_id: str,
        user_id: str | int | None = None,
        user_info: Any = None,
    ) -> auth.ChannelAuth:
        """Authorize a subscription (no I/O): private, presence or encrypted channels."""
        return auth.authorize_channel(
            self.config, channel=channel, socket_id=socket_id, user_id=user_id, user_info=user_info
        )

    def authenticate_user(self, socket_id: str, user_data: Mapping[str, Any]) -> auth.UserAuth:
        """Sign a connection in as a user (no I/O)."""
        return auth.authenticate_user(self.config, socket_id=socket_id, user_data=user_data)

    def verify_webhook(
        self,
        headers: Mapping[str, str] | Sequence[tuple[str, str]],
        body: bytes,
        extra_secrets: Mapping[str, str] | None = None,
    ) -> webhooks.WebhookVerdict:
        """Verify a received webhook against the app's key (and `extra_secrets`), now."""
        return webhooks.verify_webhook(
            self.config, headers=headers, body=body, now_ms=self.now_ms(), secrets=extra_secrets
        )

    def now_ms(self) -> float:
        """The injected clock, in milliseconds."""
        return self._clock() * 1000


def _as_dict(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A result's parsed JSON as the reference returns it: a new dict, a shallow copy.

    A read-only view copies its mapping in one C call; `dict(view)` would go
    through the mapping protocol key by key.
    """
    return raw.copy() if type(raw) is MappingProxyType else dict(raw)


class Pusher(Closeable):
    """Drop-in replacement for `pusher.Pusher`: same constructor, methods and return shapes.

    Args (the reference's, in its order): app_id, key, secret, ssl, host,
    port, timeout (seconds, for the default transport), cluster,
    encryption_master_key (deprecated raw form), encryption_master_key_base64,
    json_encoder, json_decoder.

    Keyword-only extras:
        transport: anything with `send(HttpRequest, *, deadline=None) -> HttpResponse`
            (default: `pusher_core.adapters.urllib3_transport.Urllib3Transport`).
        retry: the `RetryPolicy` calls run under (default `RetryPolicy()`: safe
            retries only; `RetryPolicy.none()` sends each request once).
        total_timeout: seconds one call may take, every attempt and wait included
            (default twice `timeout`).
        idempotency_keys: send a fresh `X-Idempotency-Key` with every POST, so the
            policy may resend POSTs (only servers that deduplicate on it, such as
            sockudo, make that safe).
        clock: returns Unix seconds (default `time.time`).
        nonce_source: returns n random bytes (default: `secrets.token_bytes`,
            drawn 4 KiB at a time).
        limits: protocol limits, for dedicated clusters and self-hosted servers.
    """

    def __init__(
        self,
        app_id: str | int,
        key: str,
        secret: str,
        ssl: bool = True,
        host: str | None = None,
        port: int | None = None,
        timeout: float = 5,
        cluster: str | None = None,
        encryption_master_key: str | bytes | None = None,
        encryption_master_key_base64: str | bytes | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        json_decoder: type[json.JSONDecoder] | None = None,
        backend: object = None,
        *,
        transport: Transport | None = None,
        clock: Clock = time.time,
        nonce_source: NonceSource = _default_nonce_source,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        total_timeout: float | None = None,
        idempotency_keys: bool = False,
    ) -> None:
        _refuse_backend(backend)
        config = AppConfig.from_options(
            app_id,
            key,
            secret,
            ssl,
            host,
            port,
            cluster,
            encryption_master_key,
            encryption_master_key_base64,
            json_encoder,
            json_decoder,
            limits=limits,
        )
        self._init(
            config,
            TypedPusher(
                config,
                transport,
                clock,
                nonce_source,
                timeout,
                retry=retry,
                total_timeout=total_timeout,
                idempotency_keys=idempotency_keys,
            ),
        )

    def _init(self, config: AppConfig, typed: TypedPusher) -> None:
        self.config = config
        self.timeout = typed.timeout
        self.typed = typed

    @classmethod
    def from_config(
        cls,
        config: AppConfig,
        *,
        transport: Transport | None = None,
        clock: Clock = time.time,
        nonce_source: NonceSource = _default_nonce_source,
        timeout: float = 5,
        retry: RetryPolicy | None = None,
        total_timeout: float | None = None,
        idempotency_keys: bool = False,
    ) -> Pusher:
        """The fully injected constructor: a ready `AppConfig` plus the effects and options."""
        typed = TypedPusher(
            config,
            transport,
            clock,
            nonce_source,
            timeout,
            retry=retry,
            total_timeout=total_timeout,
            idempotency_keys=idempotency_keys,
        )
        return cls.from_typed(typed)

    @classmethod
    def from_typed(cls, typed: TypedPusher) -> Pusher:
        """The drop-in over an existing typed client (sharing its transport and options)."""
        client = cls.__new__(cls)
        client._init(typed.config, typed)  # noqa: SLF001
        return client

    @classmethod
    def from_url(
        cls, url: str, *, backend: object = None, **options: Unpack[PusherOptions]
    ) -> Pusher:
        """Configure from `http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID`, as the reference does.

        `options` are the constructor's keywords (ssl, host, port, cluster,
        timeout, encryption_master_key_base64, json_encoder, json_decoder,
        limits, transport, retry, ...); a given option wins over the URL
        (`AppConfig.from_url` says how). Any other keyword raises `TypeError`.
        """
        _refuse_backend(backend)
        app, client = _split_options("Pusher.from_url", options)
        return cls.from_config(AppConfig.from_url(url, **app), **client)

    @classmethod
    def from_env(
        cls,
        env: str | Mapping[str, str] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        backend: object = None,
        **options: Unpack[PusherOptions],
    ) -> Pusher:
        """Configure from `PUSHER_URL` or `PUSHER_APP_ID`/`_KEY`/`_SECRET`/`_CLUSTER`.

        `env` is the reference's: the name of the variable holding the URL
        (`from_env("MY_URL")` or `from_env(env="MY_URL")`). A mapping there is
        read instead of the environment, as `environ=` is (default `os.environ`).
        `options` are `from_url`'s and win over what the environment says.
        """
        _refuse_backend(backend)
        app, client = _split_options("Pusher.from_env", options)
        name = env if isinstance(env, str) else None
        if env is not None and name is None:
            if environ is not None:
                raise InvalidArgumentError(
                    "environ", "give the mapping to read once: as env or as environ, not both"
                )
            environ = env  # type: ignore[assignment]  # a mapping (AppConfig.from_env checks)
        config = AppConfig.from_env(os.environ if environ is None else environ, name=name, **app)
        return cls.from_config(config, **client)

    def __repr__(self) -> str:
        return f"Pusher(app_id={self.app_id!r}, key={self.key!r}, host={self.host!r})"

    # --- the reference's attributes -------------------------------------------

    @property
    def app_id(self) -> str:
        """The app id."""
        return self.config.app_id

    @property
    def key(self) -> str:
        """The app key."""
        return self.config.key

    @property
    def secret(self) -> str:
        """The app secret (never shown in `repr`)."""
        return self.config.secret

    @property
    def host(self) -> str:
        """The API host."""
        return self.config.host

    @property
    def port(self) -> int:
        """The API port."""
        return self.config.effective_port

    @property
    def ssl(self) -> bool:
        """Whether requests use HTTPS."""
        return self.config.scheme == "https"

    @property
    def transport(self) -> Transport:
        """The transport requests go through."""
        return self.typed.transport

    def close(self) -> None:
        """Close the transport's pooled connections; the client stays usable."""
        self.typed.close()

    # --- publishing --------------------------------------------------------------

    def trigger(
        self,
        channels: str | Sequence[str],
        event_name: str,
        data: object,
        socket_id: str | None = None,
        info: str | Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Publish one event to one or more channels; returns the API's JSON."""
        return _as_dict(self.typed.trigger(channels, event_name, data, socket_id, info).raw)

    def trigger_batch(
        self,
        batch: Sequence[Mapping[str, Any] | events.BatchEvent] = (),
        already_encoded: bool = False,  # noqa: ARG002  # strings are never re-encoded anyway
    ) -> dict[str, Any]:
        """Publish up to 10 events in one request; the caller's list is not modified.

        `already_encoded` is accepted for compatibility: string data is always
        sent as is, so it changes nothing.
        """
        return _as_dict(self.typed.trigger_batch(batch).raw)

    def trigger_bulk(
        self, batch: Sequence[Mapping[str, Any] | events.BatchEvent]
    ) -> list[dict[str, Any]]:
        """Publish any number of events as batches of 10, in order."""
        return [_as_dict(result.raw) for result in self.typed.trigger_bulk(batch)]

    def send_to_user(self, user_id: str, event_name: str, data: object) -> dict[str, Any]:
        """Publish an event to a signed-in user's connections."""
        return _as_dict(self.typed.send_to_user(user_id, event_name, data).raw)

    # --- reading state -------------------------------------------------------------

    def channels_info(
        self, prefix_filter: str | None = None, attributes: str | Sequence[str] | None = None
    ) -> dict[str, Any]:
        """The occupied channels (`{"channels": {...}}`)."""
        return _as_dict(self.typed.channels_info(prefix_filter, attributes or ()).raw)

    def channel_info(
        self, channel: str, attributes: str | Sequence[str] | None = None
    ) -> dict[str, Any]:
        """One channel's state (`{"occupied": ..., ...}`)."""
        return _as_dict(self.typed.channel_info(channel, attributes or ()).raw)

    def users_info(self, channel: str) -> dict[str, Any]:
        """A presence channel's members (`{"users": [...]}`)."""
        return _as_dict(self.typed.users_info(channel).raw)

    def terminate_user_connections(self, user_id: str) -> dict[str, Any]:
        """Disconnect every connection on which `user_id` signed in."""
        return self.typed.terminate_user_connections(user_id)

    def get(self, path: str, params: Mapping[str, object] | None = None) -> dict[str, Any]:
        """A signed GET of any path relative to `/apps/{app_id}`."""
        return self.typed.get(path, params)

    def post(
        self, path: str, body: object, params: Mapping[str, object] | None = None
    ) -> dict[str, Any]:
        """A signed POST of any path relative to `/apps/{app_id}`."""
        return self.typed.post(path, body, params)

    # --- authorization and webhooks (pure; no request is sent) ------------------

    def authenticate(
        self, channel: str, socket_id: str, custom_data: Mapping[str, Any] | None = None
    ) -> dict[str, str]:
        """The reference's channel auth dict (`shared_secret` is a str, so it JSON-encodes)."""
        return compat.authenticate(self.config, channel, socket_id, custom_data)

    def authorize_channel(
        self,
        channel: str,
        socket_id: str,
        user_id: str | int | None = None,
        user_info: Any = None,
    ) -> auth.ChannelAuth:
        """A typed `ChannelAuth` (`.to_json()` is the response body)."""
        return self.typed.authorize_channel(channel, socket_id, user_id, user_info)

    def authenticate_user(self, socket_id: str, user_data: Mapping[str, Any]) -> dict[str, str]:
        """The reference's user sign-in dict: `{"auth": ..., "user_data": ...}`."""
        return compat.authenticate_user(self.config, socket_id, user_data)

    def validate_webhook(
        self, key: str | bytes | None, signature: str | bytes | None, body: str | bytes
    ) -> dict[str, Any] | None:
        """The reference's webhook check: the body as a dict, or None when invalid."""
        return compat.validate_webhook(self.config, key, signature, body, self.typed.now_ms())

    def verify_webhook(
        self,
        headers: Mapping[str, str] | Sequence[tuple[str, str]],
        body: bytes,
        extra_secrets: Mapping[str, str] | None = None,
    ) -> webhooks.WebhookVerdict:
        """A typed verdict: `ValidWebhook` with typed events, or `RejectedWebhook(reason)`."""
        return self.typed.verify_webhook(headers, body, extra_secrets)
