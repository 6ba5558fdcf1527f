"""`PusherFake`: a `FakeChannels` with clients wired to it, a settable clock and fixed nonces.

It is what the pytest fixture `pusher_fake` gives (`pusher_core.testing.plugin`),
and works as well without pytest::

    fake = PusherFake(AppConfig(app_id="1", key="k", secret="s"))
    fake.client.trigger("orders", "created", {"id": 7})   # the drop-in Pusher
    fake.assert_triggered("orders", "created", data={"id": 7})

Rules:
- The fake is the transport of `client`/`typed`, and of every client given to
  `patch`: nothing leaves the process.
- Time stands still at `FakeClock`'s start (2023-11-14T22:13:20Z) until the test
  moves it, and nonces come from a counter, so a run's requests, auth
  signatures and sealed payloads are the same every time.
- `patch(client)` changes an app's own client in place (its transport, clock and
  nonce source) and `undo()` puts them back; the fixture undoes at teardown.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable

from pusher_core.client import Pusher, TypedPusher
from pusher_core.config import AppConfig
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.retry import RetryPolicy
from pusher_core.testing.fake import FakeChannels

__all__ = ["DEFAULT_START", "CountingNonces", "FakeClock", "PusherFake"]

DEFAULT_START = 1_700_000_000.0
"""Where a `FakeClock` starts: 2023-11-14T22:13:20Z, in Unix seconds."""


class FakeClock:
    """A clock (Unix seconds) that stands still until the test moves it.

    Pass it wherever pusher-core takes a clock; `now_ms` is the same time in
    milliseconds, as webhook verification takes it.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)

    def __call__(self) -> float:
        """The current time, Unix seconds."""
        return self._now

    def __repr__(self) -> str:
        return f"FakeClock({self._now!r})"

    @property
    def now_ms(self) -> int:
        """The current time in Unix milliseconds."""
        return int(self._now * 1000)

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` (backwards if negative); return the new time."""
        self._now += seconds
        return self._now

    def set(self, now: float) -> None:
        """Put the clock at `now` (Unix seconds)."""
        self._now = float(now)


class CountingNonces:
    """A nonce source whose bytes come from a counter: the same sequence every run.

    Each call returns bytes of SHA-256 over the next counter value, so no two
    calls repeat. For tests only: real nonces must be random.
    """

    def __init__(self) -> None:
        self._counter = itertools.count()

    def __call__(self, n: int) -> bytes:
        """The next `n` bytes."""
        seed = f"pusher-fake-nonce-{next(self._counter)}".encode()
        stream = b"".join(
            hashlib.sha256(seed + block.to_bytes(4, "big")).digest() for block in range(-(-n // 32))
        )
        return stream[:n]

    def __repr__(self) -> str:
        return "<CountingNonces (deterministic, for tests)>"


class PusherFake(FakeChannels):
    """A `FakeChannels` plus the clients that talk to it.

    Everything `FakeChannels` offers (`events`, `assert_triggered`,
    `assert_not_triggered`, `subscribe`, `sign_in`, `webhook`, `reset`, ...)
    is here, and:

    Attributes:
        config: the app the fake impersonates.
        clock: the `FakeClock` the fake and its clients read.
        nonces: the `CountingNonces` its clients draw from.
        client: a drop-in `Pusher` sending to the fake.
        typed: the same client's `TypedPusher` (typed results).
    """

    def __init__(self, config: AppConfig, *, clock: FakeClock | None = None) -> None:
        self.clock = clock if clock is not None else FakeClock()
        self.nonces = CountingNonces()
        self._undo: list[Callable[[], None]] = []
        self._impersonate(config)

    def _impersonate(self, config: AppConfig) -> None:
        """Serve `config`'s app: a fresh fake state and clients for it."""
        super().__init__(config, clock=self.clock)
        self.client = Pusher.from_config(
            config, transport=self, clock=self.clock, nonce_source=self.nonces, retry=_ONCE
        )
        self.typed = self.client.typed

    def __repr__(self) -> str:
        return f"<PusherFake {super().__repr__()[1:-1]}, clock at {self.clock()}>"

    def patch(self, client: Pusher | TypedPusher) -> None:
        """Make an app's own client send to this fake, with its clock and nonces.

        The client is changed in place (`TypedPusher.replace_effects`), so every
        module that imported it sees the fake; `undo()` (the fixture's teardown)
        restores it. When the client is for another app (another id, key or
        secret) than `config`, the fake takes that app's config, as long as
        nothing was recorded or subscribed yet.

        Raises:
            InvalidArgumentTypeError: `client` is not a `Pusher` or `TypedPusher`.
            InvalidArgumentError: the client is for another app and the fake is
                already in use (or serves another patched client).
        """
        typed = client.typed if isinstance(client, Pusher) else client
        if not isinstance(typed, TypedPusher):
            raise InvalidArgumentTypeError(
                "client", f"must be a Pusher or TypedPusher, got {type(client).__name__}"
            )
        if typed.config != self.config:
            if self._undo or self.events() or self.connections() or self.webhook_events():
                raise InvalidArgumentError(
                    "client",
                    f"is for app {typed.config.app_id!r} (key {typed.config.key!r}) but this "
                    f"fake already serves app {self.config.app_id!r}: patch before publishing "
                    "or subscribing, or give the fixture that app's config "
                    "(override the pusher_fake_config fixture)",
                )
            self._impersonate(typed.config)
        self._undo.append(
            typed.replace_effects(transport=self, clock=self.clock, nonce_source=self.nonces)
        )

    def undo(self) -> None:
        """Give every patched client back its own transport, clock and nonce source."""
        while self._undo:
            self._undo.pop()()


_ONCE = RetryPolicy.none()
