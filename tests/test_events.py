"""Trigger, batch, bulk and server-to-user builders."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from pusher_core.config import AppConfig, Limits
from pusher_core.encryption import decrypt, derive_nonce
from pusher_core.errors import (
    InvalidArgumentError,
    InvalidArgumentTypeError,
    PayloadTooLargeError,
)
from pusher_core.events import (
    BatchEvent,
    send_to_user_request,
    trigger_batch_request,
    trigger_bulk_requests,
    trigger_request,
)
from pusher_core.signing import verify_request
from pusher_core.transport import HttpRequest

CONFIG = AppConfig(app_id="3", key="278d425bdf160c739803", secret="7ad3773142a6692b25b8")
MASTER = b"K" * 32
ENC = AppConfig(app_id="3", key="k", secret="s", encryption_master_key=MASTER)
NONCE = bytes(range(24))
TS = 1353088179


def body(request: HttpRequest) -> Any:
    return json.loads(request.body)


def assert_verifies(config: AppConfig, request: HttpRequest) -> None:
    verdict = verify_request(
        method=request.method,
        path=request.path,
        query=request.query,
        body=request.body,
        secrets={config.key: config.secret},
        now=TS,
    )
    assert verdict.ok, verdict


def test_docs_example_body_and_signature() -> None:
    """The docs' example event builds the exact documented body and signature."""
    request = trigger_request(
        CONFIG, channels="project-3", event_name="foo", data={"some": "data"}, timestamp=TS
    )
    assert request.method == "POST"
    assert request.url.startswith("https://api-mt1.pusher.com/apps/3/events?")
    assert (
        request.body == b'{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'
    )
    assert dict(request.query)["auth_signature"] == (
        "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
    )


def test_trigger_options() -> None:
    """Several channels, socket_id exclusion and info attributes."""
    request = trigger_request(
        CONFIG,
        channels=["a", "presence-b"],
        event_name="e",
        data="already a string",
        socket_id="1.2",
        info=["user_count", "subscription_count"],
        timestamp=TS,
    )
    assert body(request) == {
        "name": "e",
        "channels": ["a", "presence-b"],
        "data": "already a string",
        "socket_id": "1.2",
        "info": "user_count,subscription_count",
    }
    assert_verifies(CONFIG, request)


def test_data_rule_unicode_and_encoder() -> None:
    """Strings go raw; other data is compact JSON, unescaped; the configured encoder is used."""
    request = trigger_request(
        CONFIG, channels="c", event_name="e", data={"msg": "héllo ✓"}, timestamp=TS
    )
    assert body(request)["data"] == '{"msg":"héllo ✓"}'
    assert "héllo ✓".encode() in request.body

    class SetEncoder(json.JSONEncoder):
        def default(self, o: object) -> object:
            return sorted(o) if isinstance(o, set) else super().default(o)

    custom = AppConfig(app_id="1", key="k", secret="s", json_encoder=SetEncoder)
    assert (
        body(trigger_request(custom, channels="c", event_name="e", data={3, 1}, timestamp=TS))[
            "data"
        ]
        == "[1,3]"
    )
    with pytest.raises(InvalidArgumentTypeError, match="data"):
        trigger_request(CONFIG, channels="c", event_name="e", data={1}, timestamp=TS)


def test_payload_limit_counts_utf8_bytes() -> None:
    """10 KB of UTF-8: 5120 'é' fit (10240 bytes), 5121 do not; the limit is settable."""
    trigger_request(CONFIG, channels="c", event_name="e", data="é" * 5120, timestamp=TS)
    with pytest.raises(PayloadTooLargeError, match="10242 bytes") as info:
        trigger_request(CONFIG, channels="c", event_name="e", data="é" * 5121, timestamp=TS)
    assert isinstance(info.value, ValueError)
    big = AppConfig(app_id="1", key="k", secret="s", limits=Limits(max_payload_bytes=100 * 1024))
    trigger_request(big, channels="c", event_name="e", data="x" * 100 * 1024, timestamp=TS)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"channels": []}, InvalidArgumentError, "empty"),
        ({"channels": ["c"] * 101}, InvalidArgumentError, "101"),
        ({"channels": "bad name"}, InvalidArgumentError, "channel"),
        ({"event_name": ""}, InvalidArgumentError, "event_name"),
        ({"event_name": "x" * 201}, InvalidArgumentError, "event_name"),
        ({"socket_id": "nope"}, InvalidArgumentError, "socket_id"),
        ({"info": 3}, InvalidArgumentTypeError, "info"),
        # Text that cannot be UTF-8 is refused instead of being sent mangled.
        ({"data": "\ud800"}, InvalidArgumentError, "surrogate"),
    ],
)
def test_trigger_errors(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    """Every bad argument is refused with an error that names it or what is wrong with it."""
    args: dict[str, Any] = {
        "channels": "c",
        "event_name": "e",
        "data": "d",
        "timestamp": TS,
        **kwargs,
    }
    with pytest.raises(error, match=match):
        trigger_request(CONFIG, **args)


def test_encrypted_trigger() -> None:
    """A single encrypted channel gets sealed data that decrypts to the plaintext rule's string."""
    request = trigger_request(
        ENC,
        channels="private-encrypted-x",
        event_name="e",
        data={"a": "ü"},
        timestamp=TS,
        nonce=NONCE,
    )
    data = body(request)["data"]
    envelope = json.loads(data)
    assert set(envelope) == {"nonce", "ciphertext"}
    assert base64.b64decode(envelope["nonce"]) == NONCE
    assert decrypt("private-encrypted-x", data, MASTER) == '{"a":"ü"}'
    assert "ü".encode() not in request.body


@pytest.mark.parametrize(
    ("config", "channels", "nonce", "match"),
    [
        pytest.param(ENC, "private-encrypted-x", None, "nonce", id="no-nonce"),
        pytest.param(CONFIG, "private-encrypted-x", NONCE, "encryption_master_key", id="no-key"),
        # Neither: the missing key is what to fix (a client draws no nonce without one).
        pytest.param(
            CONFIG, "private-encrypted-x", None, "encryption_master_key", id="no-key-no-nonce"
        ),
        pytest.param(
            ENC, ["a", "private-encrypted-x"], NONCE, "trigger it alone", id="with-a-plain-channel"
        ),
        pytest.param(
            ENC,
            ["private-encrypted-y", "private-encrypted-x"],
            NONCE,
            "trigger it alone",
            id="with-another-encrypted-channel",
        ),
    ],
)
def test_encrypted_needs_nonce_key_and_single_channel(
    config: AppConfig, channels: str | list[str], nonce: bytes | None, match: str
) -> None:
    """No nonce, no key, or several channels with an encrypted one: refused, never plaintext."""
    with pytest.raises(InvalidArgumentError, match=match):
        trigger_request(
            config, channels=channels, event_name="e", data="d", timestamp=TS, nonce=nonce
        )


def test_encrypted_payload_limit_applies_after_encryption() -> None:
    """A plaintext under the limit whose ciphertext is over it is refused."""
    small = AppConfig(
        app_id="1",
        key="k",
        secret="s",
        encryption_master_key=MASTER,
        limits=Limits(max_payload_bytes=200),
    )
    trigger_request(small, channels="c", event_name="e", data="x" * 150, timestamp=TS)
    with pytest.raises(PayloadTooLargeError, match="after encryption"):
        trigger_request(
            small,
            channels="private-encrypted-c",
            event_name="e",
            data="x" * 150,
            timestamp=TS,
            nonce=NONCE,
        )


BATCH: list[dict[str, Any]] = [
    {"channel": "a", "name": "e1", "data": {"n": 1}},
    {
        "channel": "presence-b",
        "name": "e2",
        "data": "two",
        "socket_id": "1.2",
        "info": "user_count",
    },
]


def test_batch() -> None:
    """A batch carries per-event socket_id and info, and never mutates the caller's list."""
    events = copy.deepcopy(BATCH)
    request = trigger_batch_request(CONFIG, events=events, timestamp=TS)
    assert events == BATCH
    assert request.path == "/apps/3/batch_events"
    assert body(request) == {
        "batch": [
            {"name": "e1", "channel": "a", "data": '{"n":1}'},
            {
                "name": "e2",
                "channel": "presence-b",
                "data": "two",
                "socket_id": "1.2",
                "info": "user_count",
            },
        ]
    }
    assert_verifies(CONFIG, request)
    typed = trigger_batch_request(
        CONFIG,
        events=[BatchEvent(channel="a", name="e1", data={"n": 1}), BatchEvent(**BATCH[1])],
        timestamp=TS,
    )
    assert typed == request


@pytest.mark.parametrize(
    ("events", "error", "match"),
    [
        ([], InvalidArgumentError, "empty"),
        ([{"channel": "a", "name": "e", "data": "d"}] * 11, InvalidArgumentError, "limit is 10"),
        ([{"channel": "a", "name": "e"}], InvalidArgumentError, r"batch\[0\]: is missing 'data'"),
        (
            [{"channel": "a", "name": "e", "data": "d", "chanel": "x"}],
            InvalidArgumentError,
            "unknown keys",
        ),
        (
            [{"channel": "a b", "name": "e", "data": "d"}],
            InvalidArgumentError,
            r"batch\[0\].channel",
        ),
        (
            [{"channel": "a", "name": "e", "data": "d", "socket_id": "x"}],
            InvalidArgumentError,
            r"batch\[0\].socket_id",
        ),
        (["not an event"], InvalidArgumentTypeError, r"batch\[0\]"),
        ({"channel": "a"}, InvalidArgumentTypeError, "batch"),
    ],
)
def test_batch_errors(events: Any, error: type[Exception], match: str) -> None:
    """Empty, oversized and malformed batches are refused, naming the event."""
    with pytest.raises(error, match=match):
        trigger_batch_request(CONFIG, events=events, timestamp=TS)


def test_batch_encrypts_per_event_with_distinct_nonces() -> None:
    """Encrypted events in a batch are sealed one by one, each under its own derived nonce."""
    events = [
        {"channel": "private-encrypted-x", "name": "e", "data": "one"},
        {"channel": "plain", "name": "e", "data": "two"},
        {"channel": "private-encrypted-x", "name": "e", "data": "three"},
    ]
    items = body(trigger_batch_request(ENC, events=events, timestamp=TS, nonce=NONCE))["batch"]
    assert items[1]["data"] == "two"
    assert decrypt("private-encrypted-x", items[0]["data"], MASTER) == "one"
    assert decrypt("private-encrypted-x", items[2]["data"], MASTER) == "three"
    nonces = {json.loads(items[i]["data"])["nonce"] for i in (0, 2)}
    assert nonces == {base64.b64encode(derive_nonce(NONCE, i)).decode() for i in (0, 2)}
    assert len(nonces) == 2


def test_bulk_splits_in_order() -> None:
    """25 events become batches of 10, 10 and 5, order preserved, each signed."""
    events = [{"channel": "c", "name": "e", "data": str(i)} for i in range(25)]
    requests = trigger_bulk_requests(CONFIG, events=events, timestamp=TS)
    sizes = [len(body(r)["batch"]) for r in requests]
    assert sizes == [10, 10, 5]
    datas = [item["data"] for r in requests for item in body(r)["batch"]]
    assert datas == [str(i) for i in range(25)]
    for request in requests:
        assert_verifies(CONFIG, request)
    custom = AppConfig(app_id="3", key="k", secret="s", limits=Limits(max_batch_size=7))
    assert [
        len(body(r)["batch"]) for r in trigger_bulk_requests(custom, events=events, timestamp=TS)
    ] == [7, 7, 7, 4]


@pytest.mark.parametrize(
    ("events", "match"),
    [
        pytest.param(
            [{"channel": "c", "name": "e", "data": "d"}] * 15
            + [{"channel": "c", "name": "", "data": "d"}],
            r"batch\[15\].name",
            id="bad-16th-event",
        ),
        pytest.param([], "empty", id="no-events"),
    ],
)
def test_bulk_validates_everything_first(events: list[dict[str, Any]], match: str) -> None:
    """A bad event anywhere, or no event at all, fails the whole bulk before any request exists."""
    with pytest.raises(InvalidArgumentError, match=match):
        trigger_bulk_requests(CONFIG, events=events, timestamp=TS)


def test_send_to_user() -> None:
    """Server-to-user is a trigger on #server-to-user-{id}."""
    request = send_to_user_request(
        CONFIG, user_id="user-1", event_name="hi", data={"x": 1}, timestamp=TS
    )
    assert body(request) == {
        "name": "hi",
        "channels": ["#server-to-user-user-1"],
        "data": '{"x":1}',
    }
    with pytest.raises(InvalidArgumentError, match="user_id"):
        send_to_user_request(CONFIG, user_id="a b", event_name="hi", data="x", timestamp=TS)
