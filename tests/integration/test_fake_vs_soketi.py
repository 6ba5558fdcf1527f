"""FakeChannels tells the truth: one scenario, run against soketi 1.6.1 and against the fake.

The same `Pusher` client (with limits raised, so the *servers'* checks answer) runs
every step against both. Subscriptions are made by real pusher-js clients on soketi
and by `fake.subscribe`/`fake.sign_in` on the fake. Each step's outcome (the result,
or the typed error class and effective status, plus the HTTP status) is compared.
Every step that differs must be explained by a row of the fake's
`KNOWN_DIFFERENCES`, and every row must still explain a difference: the table in
`pusher_core/testing/fake.py` is exact.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs
import pytest

from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.auth_endpoints import (
    ChannelAuthRequest,
    UserAuthRequest,
    channel_auth_response,
    user_auth_response,
)
from pusher_core.client import Pusher
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import ApiError
from pusher_core.retry import RetryPolicy
from pusher_core.testing import KNOWN_DIFFERENCES, FakeChannels
from pusher_core.transport import HttpRequest, HttpResponse, Transport

from .harness import NodeClient, RecordingHttpServer, SoketiServer

pytestmark = pytest.mark.integration

MASTER_KEY = bytes(range(32))
# The client checks nothing the servers check, so each refusal comes from the server.
LOOSE = Limits(
    max_channels_per_trigger=1000,
    max_batch_size=1000,
    max_event_name_length=1000,
    max_payload_bytes=10**7,
    max_channel_name_length=1000,
)


class Recording:
    """A transport wrapper that remembers the last HTTP status it received."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.status: int | None = None

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        response = self.inner.send(request, deadline=deadline)
        self.status = response.status
        return response


@attrs.frozen
class Clients:
    """The clients one side of the scenario uses, all through the same transport."""

    ok: Pusher
    stale: Pusher
    forged: Pusher
    other_app: Pusher
    transport: Recording
    excluded: str  # the socket id of subscriber "one" on this side


def _clients(base: AppConfig, transport: Transport, excluded: str) -> Clients:
    recording = Recording(transport)

    def client(config: AppConfig, clock: Callable[[], float] = time.time) -> Pusher:
        return Pusher.from_config(
            config, transport=recording, clock=clock, retry=RetryPolicy.none()
        )

    return Clients(
        ok=client(base),
        stale=client(base, lambda: time.time() - 3600),
        forged=client(attrs.evolve(base, secret="not-the-secret")),
        other_app=client(attrs.evolve(base, app_id="999")),
        transport=recording,
        excluded=excluded,
    )


@attrs.frozen
class Names:
    public: str
    presence: str
    encrypted: str
    user: str


def _outcome(call: Callable[[], Any], transport: Recording) -> tuple[object, ...]:
    transport.status = None
    try:
        result = call()
    except ApiError as error:
        return ("error", type(error).__name__, error.status, transport.status)
    return ("ok", _sorted(result), transport.status)


def _sorted(value: Any) -> Any:
    """Results with member lists in id order (servers may list members in any order)."""
    if isinstance(value, dict) and isinstance(value.get("users"), list):
        return {**value, "users": sorted(value["users"], key=lambda u: str(u.get("id")))}
    return value


Step = tuple[str, Callable[[Clients, Names], Any]]

STEPS: list[Step] = [
    ("trigger", lambda c, n: c.ok.trigger(n.public, "ev", {"a": 1})),
    (
        "trigger_info",
        lambda c, n: c.ok.trigger(
            [n.public, n.presence], "ev", "x", info="user_count,subscription_count"
        ),
    ),
    (
        "batch",
        lambda c, n: c.ok.trigger_batch(
            [
                {"channel": n.public, "name": "e1", "data": "1"},
                {"channel": n.presence, "name": "e2", "data": "2"},
            ]
        ),
    ),
    ("trigger_excluding", lambda c, n: c.ok.trigger(n.public, "ev-excl", "x", c.excluded)),
    ("trigger_encrypted", lambda c, n: c.ok.trigger(n.encrypted, "ev", {"secret": 1})),
    ("bad_signature", lambda c, n: c.forged.trigger(n.public, "ev", "x")),
    ("stale_timestamp", lambda c, n: c.stale.trigger(n.public, "ev", "x")),
    ("unknown_app", lambda c, n: c.other_app.trigger(n.public, "ev", "x")),
    ("unknown_path", lambda c, _n: c.ok.get("/nothing/here")),
    (
        "too_many_channels",
        lambda c, n: c.ok.trigger([f"{n.public}-{i}" for i in range(101)], "ev", "x"),
    ),
    ("data_over_10kb", lambda c, n: c.ok.trigger(n.public, "ev", "d" * (20 * 1024))),
    ("data_over_100kb", lambda c, n: c.ok.trigger(n.public, "ev", "d" * (101 * 1024))),
    ("event_name_over_200", lambda c, n: c.ok.trigger(n.public, "e" * 201, "x")),
    ("channel_name_over_164", lambda c, n: c.ok.trigger(n.public + "x" * 170, "ev", "x")),
    (
        "batch_over_10",
        lambda c, n: c.ok.trigger_batch([{"channel": n.public, "name": "e", "data": "d"}] * 11),
    ),
    (
        "bad_channel_name",
        lambda c, _n: c.ok.post("/events", {"name": "ev", "channels": ["bad name"], "data": "x"}),
    ),
    (
        "bad_socket_id",
        lambda c, n: c.ok.post(
            "/events", {"name": "ev", "channels": [n.public], "data": "x", "socket_id": "abc"}
        ),
    ),
    ("missing_data", lambda c, n: c.ok.post("/events", {"name": "ev", "channels": [n.public]})),
    ("empty_data", lambda c, n: c.ok.trigger(n.public, "ev", "")),
    ("wrong_method", lambda c, _n: c.ok.get("/events")),
    ("channels", lambda c, _n: c.ok.channels_info()),
    ("channels_presence_user_count", lambda c, _n: c.ok.channels_info("presence-", ["user_count"])),
    ("channels_user_count_no_prefix", lambda c, _n: c.ok.channels_info(attributes=["user_count"])),
    ("channel", lambda c, n: c.ok.channel_info(n.public)),
    (
        "channel_subscription_count",
        lambda c, n: c.ok.channel_info(n.public, ["subscription_count"]),
    ),
    ("channel_presence_user_count", lambda c, n: c.ok.channel_info(n.presence, ["user_count"])),
    ("channel_unoccupied", lambda c, n: c.ok.channel_info(n.public + "-empty")),
    ("channel_user_count_of_public", lambda c, n: c.ok.channel_info(n.public, ["user_count"])),
    ("users", lambda c, n: c.ok.users_info(n.presence)),
    ("users_of_public", lambda c, n: c.ok.get(f"/channels/{n.public}/users")),
    ("send_to_user", lambda c, n: c.ok.send_to_user(n.user, "note", {"hi": 1})),
    ("terminate", lambda c, n: c.ok.terminate_user_connections(n.user)),
    ("users_after_terminate", lambda c, n: c.ok.users_info(n.presence)),
]

# Which row of KNOWN_DIFFERENCES explains each step whose outcomes differ.
EXPLAINED = {
    "trigger": "trigger_success_body",
    "trigger_excluding": "trigger_success_body",
    "trigger_encrypted": "trigger_success_body",
    "trigger_info": "trigger_success_body",
    "batch": "trigger_success_body",
    "send_to_user": "trigger_success_body",
    "terminate": "trigger_success_body",
    "bad_signature": "error_status",
    "unknown_app": "error_status",
    "too_many_channels": "error_status",
    "data_over_100kb": "error_status",
    "event_name_over_200": "error_status",
    "batch_over_10": "error_status",
    "users_of_public": "error_status",
    "stale_timestamp": "stale_timestamp",
    "bad_channel_name": "channel_name_grammar",
    "bad_socket_id": "socket_id_format",
    "missing_data": "error_status",
    "empty_data": "empty_data",
    "wrong_method": "wrong_method",
    "channel_user_count_of_public": "channel_info_attributes",
    "data_over_10kb": "payload_limit",
    "channel_name_over_164": "channel_name_length",
    "channels": "channels_list_attributes",
    "channels_presence_user_count": "channels_list_attributes",
    "channels_user_count_no_prefix": "channels_list_attributes",
    "channel": "channel_info_attributes",
    "channel_presence_user_count": "channel_info_attributes",
    "channel_unoccupied": "channel_info_attributes",
}


def _run(
    clients: Clients, names: Names, settle: Callable[[], None]
) -> dict[str, tuple[object, ...]]:
    outcomes = {}
    for name, step in STEPS:
        if name == "users_after_terminate":
            settle()
        outcomes[name] = _outcome(functools.partial(step, clients, names), clients.transport)
    return outcomes


@pytest.fixture
def auth(auth_server: RecordingHttpServer) -> RecordingHttpServer:
    """pusher-js's endpoints; `?user_id=U` on the URL names the user."""
    config = AppConfig(
        app_id="4242",
        key="harness-app-key",
        secret="harness-app-secret",
        encryption_master_key=MASTER_KEY,
    )

    def handler(
        _method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(path)
        user_id = dict(parse_qsl(url.query)).get("user_id", "anonymous")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)

        def channel_decision(_request: ChannelAuthRequest) -> object:
            return {"user_id": user_id}

        def user_decision(_request: UserAuthRequest) -> dict[str, Any]:
            return {"id": user_id}

        if url.path == "/pusher/auth":
            response = channel_auth_response(config, body, content_type, channel_decision)  # type: ignore[arg-type]
        else:
            response = user_auth_response(config, body, content_type, user_decision)
        return response.status, dict(response.headers), response.body

    auth_server.set_handler(handler)
    return auth_server


@pytest.fixture
def names() -> Names:
    tag = uuid.uuid4().hex[:10]
    return Names(
        public=f"fvs-{tag}",
        presence=f"presence-fvs-{tag}",
        encrypted=f"private-encrypted-fvs-{tag}",
        user=f"user-{tag}",
    )


@pytest.fixture
def soketi_outcomes(
    soketi_factory: Callable[..., SoketiServer],
    node_client: NodeClient,
    auth: RecordingHttpServer,
    names: Names,
) -> dict[str, tuple[object, ...]]:
    server = soketi_factory()

    def connect(client_id: str, user: str) -> str | None:
        return node_client.connect(
            client_id,
            **server.client_connect_args(
                channel_auth_endpoint=f"{auth.url}/pusher/auth?user_id={user}",
                user_auth_endpoint=f"{auth.url}/pusher/user-auth?user_id={user}",
            ),
        )

    one = connect("one", "member-1")
    assert one is not None
    connect("two", "member-2")
    connect("signed", names.user)
    node_client.subscribe("one", names.public)
    node_client.subscribe("two", names.public)
    node_client.subscribe("two", names.encrypted)
    node_client.subscribe("one", names.presence)
    node_client.subscribe("signed", names.presence)
    node_client.signin("signed")

    def settle() -> None:
        node_client.expect(type="closed", client="signed")
        time.sleep(0.3)  # soketi removes the member after the close

    config = AppConfig(
        app_id=server.app_id,
        key=server.key,
        secret=server.secret,
        scheme="http",
        host="127.0.0.1",
        port=server.port,
        encryption_master_key=MASTER_KEY,
        limits=LOOSE,
    )
    with Urllib3Transport(timeout=5) as transport:
        outcomes = _run(_clients(config, transport, one), names, settle)
    # Who received what: the excluded socket did not, and pusher-js decrypted the secret.
    node_client.expect(type="event", client="two", event="ev-excl")
    node_client.expect(type="event", client="two", channel=names.encrypted, event="ev")
    time.sleep(0.3)  # time enough for a wrong delivery to the excluded socket
    received = {
        "ev-excl": sorted(m["client"] for m in node_client.events(event="ev-excl")),
        "encrypted": [m["data"] for m in node_client.events(channel=names.encrypted, event="ev")],
        "note": sorted(
            m["client"]
            for m in node_client.messages
            if m.get("type") == "user_event" and m.get("event") == "note"
        ),
    }
    return {**outcomes, "received": (received,)}


def fake_outcomes(names: Names) -> dict[str, tuple[object, ...]]:
    config = AppConfig(
        app_id="4242",
        key="harness-app-key",
        secret="harness-app-secret",
        encryption_master_key=MASTER_KEY,
    )
    fake = FakeChannels(config)
    one = fake.subscribe(names.public)
    two = fake.subscribe(names.public)
    fake.subscribe(names.encrypted, socket_id=two)
    fake.subscribe(names.presence, user_id="member-1", socket_id=one)
    signed = fake.sign_in(names.user)
    fake.subscribe(names.presence, user_id=names.user, socket_id=signed)
    client_config = attrs.evolve(config, limits=LOOSE)
    outcomes = _run(_clients(client_config, fake, one), names, lambda: None)
    clients = {one: "one", two: "two", signed: "signed"}
    received = {
        "ev-excl": sorted(clients[s] for e in fake.events(name="ev-excl") for s in e.delivered_to),
        "encrypted": [e.decoded for e in fake.events(names.encrypted)],
        "note": sorted(clients[s] for e in fake.events(name="note") for s in e.delivered_to),
    }
    return {**outcomes, "received": (received,)}


def test_fake_matches_soketi_but_for_the_known_differences(
    soketi_outcomes: dict[str, tuple[object, ...]], names: Names
) -> None:
    faked = fake_outcomes(names)
    report = "\n".join(
        f"{name}:\n  soketi: {soketi_outcomes[name]}\n  fake:   {faked[name]}"
        for name, _step in STEPS
    )
    assert (
        faked["received"]
        == soketi_outcomes["received"]
        == ({"ev-excl": ["two"], "encrypted": [{"secret": 1}], "note": ["signed"]},)
    )
    differing = {name for name, _step in STEPS if soketi_outcomes[name] != faked[name]}
    assert differing == set(EXPLAINED), report
    assert set(EXPLAINED.values()) == set(KNOWN_DIFFERENCES), report
