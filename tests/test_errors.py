"""The error tree: builtin bases for migrating code, `sent` for the retry policy, pickling."""

from __future__ import annotations

import pickle

import pytest

from pusher_core.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    PusherError,
    ReadTimeoutError,
    ResponseTooLargeError,
    TLSError,
    TransportError,
    TransportTimeoutError,
)
from pusher_core.transport import HttpRequest

REQUEST = HttpRequest(method="POST", scheme="http", host="127.0.0.1", port=80, path="/apps/1/x")


@pytest.mark.parametrize(
    ("cls", "builtin", "sent"),
    [
        (ConnectionFailedError, ConnectionError, False),
        (ConnectTimeoutError, TimeoutError, False),
        (TLSError, ConnectionError, False),
        (ReadTimeoutError, TimeoutError, True),
        (ConnectionDroppedError, ConnectionError, True),
        (TransportTimeoutError, TimeoutError, True),
        (TransportError, PusherError, True),
        (ResponseTooLargeError, PusherError, True),
    ],
)
def test_transport_errors_match_builtins_and_say_whether_bytes_left(
    cls: type[TransportError], builtin: type[BaseException], sent: bool
) -> None:
    """`except ConnectionError`/`TimeoutError` keeps working; `sent` defaults by what failed."""
    error = cls("it failed", REQUEST)
    assert isinstance(error, builtin)
    assert isinstance(error, PusherError)
    assert error.sent is sent
    assert cls("x", REQUEST, sent=not sent).sent is (not sent)


@pytest.mark.parametrize("sent", [True, False])
def test_transport_errors_pickle_with_request_and_sent(sent: bool) -> None:
    """A transport error survives pickling (multiprocessing, Celery) with all it carries."""
    error = pickle.loads(pickle.dumps(ReadTimeoutError("slow", REQUEST, sent=sent)))
    assert type(error) is ReadTimeoutError
    assert (error.message, error.request, error.sent) == ("slow", REQUEST, sent)
    assert str(error) == "slow (POST http://127.0.0.1/apps/1/x)"
