"""The shell runs the retry policy: what is resent, how long it waits, and the one deadline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pusher_core.client import Pusher, TypedPusher
from pusher_core.config import AppConfig
from pusher_core.errors import (
    AuthenticationError,
    ConnectionDroppedError,
    ConnectionFailedError,
    ReadTimeoutError,
    ServerError,
    TLSError,
    TransportError,
)
from pusher_core.retry import IDEMPOTENCY_KEY_HEADER, RetryPolicy
from pusher_core.transport import HttpRequest, HttpResponse

CONFIG = AppConfig(app_id="1", key="key", secret="secret", scheme="http", host="127.0.0.1")
OK = HttpResponse(status=200, body=b"{}")
Outcome = HttpResponse | TransportError


class Scripted:
    """A transport answering from a script; it records every request and deadline."""

    def __init__(self, *outcomes: Outcome) -> None:
        self._outcomes: Iterator[Outcome] = iter(outcomes)
        self.sent: list[tuple[HttpRequest, float | None]] = []

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        self.sent.append((request, deadline))
        outcome = next(self._outcomes)
        if isinstance(outcome, TransportError):
            raise outcome
        return outcome


class Clock:
    """A monotonic clock that only sleeping advances."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(
    transport: Scripted, clock: Clock, *, retry: RetryPolicy | None = None, keys: bool = False
) -> TypedPusher:
    return TypedPusher(
        CONFIG,
        transport,
        lambda: 1_700_000_000.0,
        lambda n: bytes(range(n)),
        timeout=2,
        retry=retry,
        idempotency_keys=keys,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        random=lambda: 0.5,
    )


def dropped(request: HttpRequest | None = None) -> ConnectionDroppedError:
    return ConnectionDroppedError("closed before the answer", request)


def test_a_post_that_may_have_arrived_is_never_resent_by_default() -> None:
    """Default policy: a trigger whose bytes left is raised after one copy, without waiting."""
    transport, clock = Scripted(dropped()), Clock()
    with pytest.raises(ConnectionDroppedError):
        client(transport, clock).trigger("c", "e", "x")
    assert len(transport.sent) == 1
    assert clock.slept == []


@pytest.mark.parametrize(
    "first",
    [
        ConnectionFailedError("refused"),
        HttpResponse(status=503),
        HttpResponse(status=200, body=b'{"error":"Too many requests.","code":429}'),
    ],
    ids=["refused", "503", "soketi-429-as-200"],
)
def test_a_post_is_resent_when_nothing_arrived_or_the_server_refused(first: Outcome) -> None:
    """Refused connections and 429/503 answers are safe to resend, POSTs included."""
    transport, clock = Scripted(first, OK), Clock()
    assert client(transport, clock).trigger("c", "e", "x").raw == {}
    assert len(transport.sent) == 2
    assert transport.sent[0][0] == transport.sent[1][0]  # the very same request
    assert clock.slept == [pytest.approx(0.5 * 0.25)]  # full jitter: rand x base


@pytest.mark.parametrize("first", [dropped(), ReadTimeoutError("slow"), HttpResponse(status=502)])
def test_a_get_is_resent_after_any_transient_failure(first: Outcome) -> None:
    """Reads are idempotent: dropped connections, read timeouts and 5xx are retried."""
    transport, clock = Scripted(first, HttpResponse(status=200, body=b'{"channels":{}}')), Clock()
    assert client(transport, clock).channels_info().channels == {}
    assert [request.method for request, _ in transport.sent] == ["GET", "GET"]


def test_retry_after_is_honoured() -> None:
    """A 429 with `Retry-After: 1.5` waits exactly that long before the next attempt."""
    limited = HttpResponse(status=429, headers=(("Retry-After", "1.5"),))
    transport, clock = Scripted(limited, OK), Clock()
    client(transport, clock).trigger("c", "e", "x")
    assert clock.slept == [1.5]


def test_one_deadline_bounds_every_attempt_and_wait() -> None:
    """Every attempt gets the call's one deadline; a wait that would pass it stops the call."""
    limited = HttpResponse(status=503, headers=(("Retry-After", "3.9"),))
    transport, clock = Scripted(HttpResponse(status=503), limited), Clock()
    with pytest.raises(ServerError):
        client(transport, clock).trigger("c", "e", "x")  # total 4 s; 0.125 s gone, 3.9 s asked
    assert [deadline for _, deadline in transport.sent] == [104.0, 104.0]
    assert len(clock.slept) == 1


def test_attempts_are_capped() -> None:
    """At most `max_attempts` copies, then the last answer's error."""
    transport, clock = Scripted(*[HttpResponse(status=503)] * 5), Clock()
    with pytest.raises(ServerError):
        client(transport, clock, retry=RetryPolicy(max_attempts=3)).trigger("c", "e", "x")
    assert len(transport.sent) == 3


@pytest.mark.parametrize(
    "options",
    [{"retry": RetryPolicy(allow_duplicate_posts=True)}, {"idempotency_keys": True}],
    ids=["opt-in", "idempotency-key"],
)
def test_an_opted_in_post_is_resent_per_call(options: dict[str, object]) -> None:
    """Per call (`with_options`), an opt-in or a key lets the policy resend such a POST."""
    transport, clock = Scripted(dropped(), OK), Clock()
    base = client(transport, clock)
    assert base.with_options(**options).trigger("c", "e", "x").raw == {}  # type: ignore[arg-type]
    assert len(transport.sent) == 2
    keys = [request.header(IDEMPOTENCY_KEY_HEADER) for request, _ in transport.sent]
    assert keys[0] == keys[1]  # a resend carries the same key
    assert (keys[0] is not None) == ("idempotency_keys" in options)
    with pytest.raises(ConnectionDroppedError):  # the original client is unchanged
        client(Scripted(dropped()), clock).trigger("c", "e", "x")


def test_each_call_gets_its_own_idempotency_key_and_gets_do_not() -> None:
    """Keys are fresh per POST call and never sent on GETs."""
    transport, clock = Scripted(OK, OK, HttpResponse(status=200, body=b'{"channels":{}}')), Clock()
    counter = iter(range(1, 100))
    typed = TypedPusher(
        CONFIG,
        transport,
        lambda: 1_700_000_000.0,
        lambda n: bytes([next(counter)]) * n,
        idempotency_keys=True,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )
    typed.trigger("c", "e", "x")
    typed.trigger("c", "e", "x")
    typed.channels_info()
    keys = [request.header(IDEMPOTENCY_KEY_HEADER) for request, _ in transport.sent]
    assert keys[0] is not None
    assert keys[1] is not None
    assert keys[0] != keys[1]
    assert keys[2] is None


@pytest.mark.parametrize("outcome", [TLSError("bad certificate"), HttpResponse(status=401)])
def test_what_a_retry_cannot_fix_stops_at_once(outcome: Outcome) -> None:
    """TLS failures and 4xx refusals are raised after one attempt."""
    transport, clock = Scripted(outcome), Clock()
    with pytest.raises((TLSError, AuthenticationError)):
        client(transport, clock).channels_info()
    assert len(transport.sent) == 1


def test_none_policy_sends_once() -> None:
    """`RetryPolicy.none()` is the old behaviour: one copy, whatever happens."""
    transport, clock = Scripted(HttpResponse(status=503)), Clock()
    with pytest.raises(ServerError):
        client(transport, clock, retry=RetryPolicy.none()).channels_info()
    assert len(transport.sent) == 1


def test_bulk_stops_at_the_first_failure() -> None:
    """A bulk publish sends its batches in order and stops where one fails for good."""
    events = [{"channel": "c", "name": "e", "data": str(i)} for i in range(25)]
    transport, clock = Scripted(OK, dropped()), Clock()
    with pytest.raises(ConnectionDroppedError):
        client(transport, clock).trigger_bulk(events)
    assert len(transport.sent) == 2  # the third batch never left


def test_the_drop_in_takes_the_options() -> None:
    """`Pusher(..., retry=, total_timeout=, idempotency_keys=)` configures its typed client."""
    transport = Scripted(dropped(), OK)
    pusher = Pusher(
        "1",
        "key",
        "secret",
        transport=transport,
        retry=RetryPolicy(backoff_base=0),
        idempotency_keys=True,
        total_timeout=9,
    )
    assert pusher.trigger("c", "e", "x") == {}
    assert len(transport.sent) == 2
    deadline = transport.sent[0][1]
    assert deadline is not None
