"""The Pusher facade: reference-compatible calls, injected effects, thin build-send-interpret."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

from pusher_core.client import Pusher
from pusher_core.config import AppConfig
from pusher_core.encryption import decrypt
from pusher_core.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    PusherBadAuth,
)
from pusher_core.events import trigger_request
from pusher_core.transport import HttpRequest, HttpResponse

MASTER_B64 = "OHRXNUZRTG5pUTFzQlFGd3J3N3Q2VFZFc0paZDEweVk="


class Scripted:
    """A transport that records requests and answers from a script."""

    def __init__(self, *answers: HttpResponse) -> None:
        self.sent: list[HttpRequest] = []
        self.deadlines: list[float | None] = []
        self._answers = list(answers)

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        self.sent.append(request)
        self.deadlines.append(deadline)
        if self._answers:
            return self._answers.pop(0)
        return HttpResponse(status=200, body=b"{}")


def make(*answers: HttpResponse, **kwargs: Any) -> tuple[Pusher, Scripted]:
    transport = Scripted(*answers)
    kwargs.setdefault("nonce_source", lambda n: b"\x01" * n)
    client = Pusher(
        "4",
        "key",
        "secret",
        ssl=False,
        host="127.0.0.1",
        port=6001,
        transport=transport,
        clock=lambda: 1_700_000_000.7,
        **kwargs,
    )
    return client, transport


def test_trigger_builds_with_the_injected_clock() -> None:
    """The shell's request equals the core's, built from the injected clock (truncated)."""
    client, transport = make()
    assert client.trigger("my-channel", "my-event", {"message": "hello world"}) == {}
    expected = trigger_request(
        client.config,
        channels="my-channel",
        event_name="my-event",
        data={"message": "hello world"},
        timestamp=1_700_000_000,
    )
    assert transport.sent == [expected]
    assert transport.sent[0].url.startswith("http://127.0.0.1:6001/apps/4/events?")


def test_returns_reference_shapes_and_typed_results() -> None:
    """Methods return dicts like the reference; `.typed` returns values."""
    body = b'{"channels":{"presence-a":{"user_count":2}}}'
    client, _ = make(HttpResponse(status=200, body=body), HttpResponse(status=200, body=body))
    assert client.channels_info("presence-", ["user_count"]) == json.loads(body)
    typed = client.typed.channels_info("presence-", ["user_count"])
    assert typed.channels["presence-a"].user_count == 2


def test_each_call_returns_a_dict_of_its_own() -> None:
    """A returned dict is the caller's: changing it changes no later answer or typed result."""
    ok = HttpResponse(status=200, body=b'{"ok":true}')
    client, _ = make(
        HttpResponse(status=200, body=b"{}"), HttpResponse(status=200, body=b"{}"), ok, ok
    )
    for _ in range(2):
        first = client.trigger("a", "e", "d")
        assert type(first) is dict
        assert first == {}
        first["changed"] = True
    for _ in range(2):
        answer = client.trigger("a", "e", "d")
        assert type(answer) is dict
        assert answer == {"ok": True}
        answer["ok"] = False
    assert client.typed.trigger("a", "e", "d").raw == {}


def test_errors_are_typed_and_keep_reference_names() -> None:
    """A 401 raises AuthenticationError, which `except PusherBadAuth` catches."""
    client, _ = make(HttpResponse(status=401, body=b'{"error":"The secret authentication failed"}'))
    with pytest.raises(PusherBadAuth) as info:
        client.trigger("c", "e", "d")
    assert isinstance(info.value, AuthenticationError)
    assert info.value.status == 401


def test_encrypted_trigger_uses_the_nonce_source() -> None:
    """Encrypted channels are sealed with the injected nonce source's bytes."""
    client, transport = make(encryption_master_key_base64=MASTER_B64)
    client.trigger("private-encrypted-x", "e", {"a": 1})
    data = json.loads(transport.sent[0].body)["data"]
    assert json.loads(data)["nonce"] == base64.b64encode(b"\x01" * 24).decode()
    assert decrypt("private-encrypted-x", data, client.config.encryption_master_key) == '{"a":1}'


def test_without_a_master_key_no_nonce_is_drawn() -> None:
    """Nothing can be sealed without a master key, so publishing draws no nonce.

    An encrypted channel is then refused for the missing key, whatever the call.
    """
    drawn: list[int] = []

    def source(n: int) -> bytes:
        drawn.append(n)
        return b"\x01" * n

    client, transport = make(nonce_source=source)
    client.trigger("my-channel", "e", {"a": 1})
    client.trigger_batch([{"channel": "c", "name": "e", "data": "d"}])
    client.trigger_bulk([{"channel": "c", "name": "e", "data": "d"}])
    assert drawn == []
    assert len(transport.sent) == 3
    sealed = [{"channel": "private-encrypted-x", "name": "e", "data": "d"}]
    calls: list[Callable[[], object]] = [
        lambda: client.trigger("private-encrypted-x", "e", "d"),
        lambda: client.trigger_batch(sealed),
        lambda: client.trigger_bulk(sealed),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError, match="encryption_master_key_base64"):
            call()
    assert len(transport.sent) == 3
    keyed, _ = make(nonce_source=source, encryption_master_key_base64=MASTER_B64)
    keyed.trigger("my-channel", "e", {"a": 1})
    assert drawn == [24]


def test_batch_bulk_send_to_user_terminate_and_generic() -> None:
    """Every publishing and management call goes through the transport once per request."""
    client, transport = make()
    batch = [{"channel": "c", "name": "e", "data": str(i)} for i in range(25)]
    assert client.trigger_batch(batch[:3]) == {}
    assert client.trigger_bulk(batch) == [{}, {}, {}]
    client.send_to_user("u1", "e", "hi")
    client.terminate_user_connections("u1")
    client.get("/channels", {"filter_by_prefix": "presence-"})
    client.post("/events", {"name": "e", "channels": ["c"], "data": "x"})
    paths = [r.path for r in transport.sent]
    assert paths == [
        "/apps/4/batch_events",
        "/apps/4/batch_events",
        "/apps/4/batch_events",
        "/apps/4/batch_events",
        "/apps/4/events",
        "/apps/4/users/u1/terminate_connections",
        "/apps/4/channels",
        "/apps/4/events",
    ]


def test_validation_happens_before_sending() -> None:
    """A bad call raises before anything reaches the transport."""
    client, transport = make()
    with pytest.raises(InvalidArgumentError):
        client.trigger([], "e", "d")
    with pytest.raises(InvalidArgumentError):
        client.trigger_bulk(
            [{"channel": "c", "name": "e", "data": "d"}] * 12
            + [{"channel": "c", "name": "", "data": "d"}]
        )
    assert transport.sent == []


def test_constructors_and_attributes() -> None:
    """from_url/from_env/from_config configure the same client; the repr hides the secret."""
    transport = Scripted()
    by_url = Pusher.from_url("http://key:secret@127.0.0.1:6001/apps/4", transport=transport)
    by_env = Pusher.from_env(
        {"PUSHER_URL": "http://key:secret@127.0.0.1:6001/apps/4"}, transport=transport
    )
    by_config = Pusher.from_config(
        AppConfig.from_url("http://key:secret@127.0.0.1:6001/apps/4"), transport=transport
    )
    assert by_url.config == by_env.config == by_config.config
    with mock.patch.dict(os.environ, {"MY_PUSHER_URL": "http://key:secret@127.0.0.1:6001/apps/4"}):
        by_name = Pusher.from_env("MY_PUSHER_URL", transport=transport)  # the reference's form
    assert by_name.config == by_url.config
    with (
        mock.patch.dict(os.environ, {"MY_PUSHER_URL": ""}),
        pytest.raises(ConfigurationError, match="MY_PUSHER_URL"),
    ):
        Pusher.from_env("MY_PUSHER_URL", transport=transport)
    assert (by_url.app_id, by_url.key, by_url.secret, by_url.host, by_url.port, by_url.ssl) == (
        "4",
        "key",
        "secret",
        "127.0.0.1",
        6001,
        False,
    )
    assert "secret" not in repr(by_url)
    assert by_url.transport is transport
    with pytest.raises(ConfigurationError, match="transport"):
        Pusher("1", "k", "s", backend=object(), transport=transport)


def test_default_transport_is_urllib3_built_on_first_use() -> None:
    """Without a transport, urllib3 loads only when the first request needs it."""
    code = (
        "import sys; from pusher_core import Pusher; c = Pusher('1', 'k', 's', timeout=7);"
        "print('urllib3' in sys.modules); t = c.transport;"
        "print(type(t).__name__, t is c.transport)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "Urllib3Transport", "True"]


@pytest.mark.parametrize(
    ("timeout", "error"),
    [
        (0, InvalidArgumentError),
        (-1.5, InvalidArgumentError),
        ("5", InvalidArgumentTypeError),
        (True, InvalidArgumentTypeError),
    ],
)
def test_bad_timeout_fails_at_construction(timeout: object, error: type[Exception]) -> None:
    """The timeout is checked when the client is built, not at the first request."""
    with pytest.raises(error, match="timeout"):
        Pusher("1", "k", "s", timeout=timeout)  # type: ignore[arg-type]


# --- the default nonce source -------------------------------------------------------


class _CountingUrandom:
    """Stands in for secrets.token_bytes: distinct, recognisable bytes, and a call log."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self._next = 0

    def __call__(self, n: int) -> bytes:
        self.calls.append(n)
        out = bytes((self._next + i) % 251 for i in range(n))
        self._next += n
        return out


class _CounterUrandom:
    """Stands in for secrets.token_bytes: 8-byte counters, so no 24-byte slice repeats."""

    def __init__(self) -> None:
        self._next = 0

    def __call__(self, n: int) -> bytes:
        words = [(self._next + i).to_bytes(8, "big") for i in range(n // 8)]
        self._next += n // 8
        return b"".join(words)


def test_default_nonce_source_hands_out_each_os_byte_once() -> None:
    """Consecutive nonces are consecutive, never reused slices of one draw."""
    from pusher_core.client import _RANDOM_CHUNK, _BufferedSecretsSource

    fake = _CountingUrandom()
    source = _BufferedSecretsSource()
    with mock.patch("secrets.token_bytes", fake):
        first = b"".join(source(24) for _ in range(_RANDOM_CHUNK // 24))
        assert fake.calls == [_RANDOM_CHUNK]
        assert first == bytes(i % 251 for i in range(len(first)))
        after = source(24)  # the leftover tail is too short: a fresh read
    assert fake.calls == [_RANDOM_CHUNK, _RANDOM_CHUNK]
    assert after == bytes((_RANDOM_CHUNK + i) % 251 for i in range(24))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_default_nonce_source_rereads_after_fork() -> None:
    """A forked child never reuses the parent's buffered bytes."""
    from pusher_core.client import _BufferedSecretsSource

    source = _BufferedSecretsSource()
    source(24)  # the buffer is filled; the next 24 bytes are already decided
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next nonce and leave at once
        try:
            os.write(write_end, source(24))
        finally:
            os._exit(0)
    os.close(write_end)
    child = os.read(read_end, 24)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert len(child) == 24
    assert child != source(24)


def test_default_nonce_source_edge_sizes() -> None:
    """Sizes outside the buffer go straight to secrets.token_bytes (which rejects negatives)."""
    from pusher_core.client import _RANDOM_CHUNK, _BufferedSecretsSource

    source = _BufferedSecretsSource()
    assert source(0) == b""
    assert len(source(_RANDOM_CHUNK + 1)) == _RANDOM_CHUNK + 1
    with pytest.raises(ValueError):
        source(-1)


def test_default_nonce_source_is_unique_across_threads() -> None:
    """Threads sharing the source never receive the same bytes."""
    import threading

    from pusher_core.client import _BufferedSecretsSource

    fake = _CounterUrandom()
    source = _BufferedSecretsSource()
    got: list[bytes] = []
    lock = threading.Lock()

    def draw() -> None:
        mine = [source(24) for _ in range(500)]
        with lock:
            got.extend(mine)

    with mock.patch("secrets.token_bytes", fake):
        threads = [threading.Thread(target=draw) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(got) == 2000
    assert len(set(got)) == 2000


def test_pusher_default_nonce_source_draws_24_fresh_bytes_per_trigger() -> None:
    """By default every encrypted publish is sealed with a different nonce."""
    transport = Scripted()
    client = Pusher(
        "1", "key", "secret", encryption_master_key_base64=MASTER_B64, transport=transport
    )
    client.trigger("private-encrypted-a", "e", {"x": 1})
    client.trigger("private-encrypted-a", "e", {"x": 1})
    nonces = [json.loads(json.loads(r.body)["data"])["nonce"] for r in transport.sent]
    assert len({*nonces}) == 2
    assert all(len(base64.b64decode(n)) == 24 for n in nonces)


def test_clients_close_their_transport_and_work_as_context_managers() -> None:
    """`close()` and `with` release the transport's pool; the client stays usable."""
    from pusher_core.client import TypedPusher
    from pusher_core.config import AppConfig
    from pusher_core.transport import HttpResponse

    class Counting:
        closed = 0

        def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
            del request, deadline  # every call gets the same answer
            return HttpResponse(status=200, body=b"{}")

        def close(self) -> None:
            self.closed += 1

    transport = Counting()
    config = AppConfig(app_id="1", key="k", secret="s")
    with Pusher.from_config(config, transport=transport, clock=lambda: 1.0) as client:
        assert client.trigger("c", "e", "x") == {}
    assert transport.closed == 1
    assert client.trigger("c", "e", "x") == {}  # still usable
    with TypedPusher(config, transport, lambda: 1.0, lambda n: b"n" * n) as typed:
        typed.close()
    assert transport.closed == 3
    Pusher.from_config(config, clock=lambda: 1.0).close()  # no transport built yet: nothing to do


def test_replace_effects_swaps_in_place_and_undoes() -> None:
    """A client the app already built sends through a new transport, clock and nonces, then back."""
    client, original = make(encryption_master_key_base64=MASTER_B64)
    other = Scripted()
    undo = client.typed.replace_effects(
        transport=other, clock=lambda: 1_800_000_000.0, nonce_source=lambda n: b"\x02" * n
    )
    client.trigger("private-encrypted-x", "e", "secret text")
    assert (original.sent, len(other.sent)) == ([], 1)
    assert "auth_timestamp=1800000000" in other.sent[0].url
    sealed = json.loads(json.loads(other.sent[0].body)["data"])
    assert base64.b64decode(sealed["nonce"]) == b"\x02" * 24
    keep = client.typed.replace_effects()  # None keeps every effect
    client.trigger("c", "e", "x")
    assert len(other.sent) == 2
    keep()
    undo()
    client.trigger("c", "e", "x")
    assert (len(original.sent), len(other.sent)) == (1, 2)
    assert "auth_timestamp=1700000000" in original.sent[0].url
