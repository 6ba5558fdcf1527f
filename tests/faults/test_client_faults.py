"""The client over real transports: the default retry policy never duplicates a POST."""

from __future__ import annotations

import pytest

from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.adapters.urllib_transport import UrllibTransport
from pusher_core.client import Pusher
from pusher_core.errors import ConnectionDroppedError, ServerError
from pusher_core.retry import IDEMPOTENCY_KEY_HEADER, RetryPolicy

from .servers import FaultServer

Transport = Urllib3Transport | UrllibTransport


def _client(server: FaultServer, kind: str, **options: object) -> Pusher:
    transport: Transport = (
        Urllib3Transport(timeout=0.5) if kind == "urllib3" else UrllibTransport(timeout=0.5)
    )
    return Pusher(
        "1",
        "key",
        "secret",
        ssl=False,
        host="127.0.0.1",
        port=server.port,
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("route", ["close", "reset", "reset-mid"])
def test_a_post_without_answer_reaches_the_server_once(
    plain: FaultServer, kind: str, route: str
) -> None:
    """Default client: a POST the server read but never answered arrives exactly once."""
    with _client(plain, kind) as pusher:
        path = f"/apps/1/post-once-{kind}-{route}/{route}"
        with pytest.raises(ConnectionDroppedError):
            pusher.post(path.removeprefix("/apps/1"), {"n": 1})
        assert plain.copies(path) == 1
        assert pusher.post("/ok", {"n": 2})["body"] == '{"n":2}'  # usable after


def test_a_get_without_answer_is_retried_up_to_the_policy(plain: FaultServer, kind: str) -> None:
    """A GET is idempotent: the default policy sends it `max_attempts` times, no more."""
    path = f"/apps/1/get-thrice-{kind}/close"
    pusher = _client(plain, kind, retry=RetryPolicy(backoff_base=0.01))
    with pusher, pytest.raises(ConnectionDroppedError):
        pusher.get(path.removeprefix("/apps/1"))
    assert plain.copies(path) == 3


def test_an_idempotency_key_makes_the_post_resendable(plain: FaultServer, kind: str) -> None:
    """With keys, a dropped POST is resent, every copy carrying the same key."""
    path = f"/apps/1/keyed-{kind}/close"
    pusher = _client(plain, kind, idempotency_keys=True, retry=RetryPolicy(backoff_base=0.01))
    with pusher, pytest.raises(ConnectionDroppedError):
        pusher.post(path.removeprefix("/apps/1"), {"n": 1})
    copies = plain.received(path)
    assert len(copies) == 3
    assert len({request.header(IDEMPOTENCY_KEY_HEADER) for request in copies}) == 1


def test_503_is_retried_and_reported(plain: FaultServer, kind: str) -> None:
    """A 503 is safe to resend for any method; after the last attempt it is a ServerError."""
    path = f"/apps/1/busy-{kind}/status-503"
    pusher = _client(plain, kind, retry=RetryPolicy(backoff_base=0.01))
    with pusher, pytest.raises(ServerError):
        pusher.post(path.removeprefix("/apps/1"), {"n": 1})
    assert plain.copies(path) == 3
