"""pusher-core against a real server (soketi 1.6.1) and the official client (pusher-js 8).

Every test runs once per transport (urllib3 and the standard library). The
pusher-js clients authorize through an endpoint built on pusher-core's pure
auth helpers; events are published with the `Pusher` facade; webhooks are
verified with `pusher_core.webhooks`.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from pusher_core import errors
from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.adapters.urllib_transport import UrllibTransport
from pusher_core.auth_endpoints import (
    ChannelAuthRequest,
    UserAuthRequest,
    channel_auth_response,
    user_auth_response,
)
from pusher_core.client import Pusher
from pusher_core.config import Limits
from pusher_core.transport import Transport
from pusher_core.webhooks import (
    RejectedWebhook,
    ValidWebhook,
    WebhookRejectReason,
    verify_webhook,
)

from .harness import (
    NodeClient,
    RecordedRequest,
    RecordingHttpServer,
    SoketiServer,
    iter_webhook_events,
)

pytestmark = pytest.mark.integration

UNICODE = 'héllo wörld ✓ — 日本語 🎉 "quoted" \\ back\nslash'
MASTER_KEY_B64 = base64.b64encode(bytes(range(32))).decode()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["urllib3", "stdlib"])
def transport(request: pytest.FixtureRequest) -> Iterator[Transport]:
    """Each transport in turn; closed after the test."""
    made: Urllib3Transport | UrllibTransport = (
        Urllib3Transport(timeout=5) if request.param == "urllib3" else UrllibTransport(timeout=5)
    )
    with made:
        yield made


def make_pusher(soketi: SoketiServer, transport: Transport, **kwargs: Any) -> Pusher:
    return Pusher(
        soketi.app_id,
        soketi.key,
        kwargs.pop("secret", soketi.secret),
        ssl=False,
        host="127.0.0.1",
        port=soketi.port,
        encryption_master_key_base64=MASTER_KEY_B64,
        transport=transport,
        **kwargs,
    )


@pytest.fixture
def pusher(soketi: SoketiServer, transport: Transport) -> Pusher:
    return make_pusher(soketi, transport)


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


@pytest.fixture
def auth(auth_server: RecordingHttpServer, pusher: Pusher) -> RecordingHttpServer:
    """pusher-js's auth endpoints, wired with pusher-core's one-call helpers.

    `?user_id=U` on the endpoint URL stands for the app's session: it names the user.
    """

    def handler(
        _method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(path)
        user_id = dict(parse_qsl(url.query)).get("user_id", "anonymous")
        content_type = _header(headers, "Content-Type")

        def channel_decision(request: ChannelAuthRequest) -> object:
            if request.channel_name.startswith("private-denied-"):
                return False
            return {"user_id": user_id, "user_info": {"name": f"Zoë {user_id}"}}

        def user_decision(_request: UserAuthRequest) -> dict[str, Any]:
            return {"id": user_id, "user_info": {"name": f"Zoë {user_id}"}}

        if url.path == "/pusher/auth":
            response = channel_auth_response(pusher.config, body, content_type, channel_decision)  # type: ignore[arg-type]
        else:
            response = user_auth_response(pusher.config, body, content_type, user_decision)
        return response.status, dict(response.headers), response.body

    auth_server.set_handler(handler)
    return auth_server


def connect(
    node: NodeClient,
    client_id: str,
    soketi: SoketiServer,
    auth: RecordingHttpServer,
    user: str = "u",
) -> str:
    socket_id = node.connect(
        client_id,
        **soketi.client_connect_args(
            channel_auth_endpoint=f"{auth.url}/pusher/auth?user_id={user}",
            user_auth_endpoint=f"{auth.url}/pusher/user-auth?user_id={user}",
        ),
    )
    assert socket_id is not None
    return socket_id


def test_events_arrive_on_every_channel_kind(
    soketi: SoketiServer, pusher: Pusher, node_client: NodeClient, auth: RecordingHttpServer
) -> None:
    """Public, private, presence and encrypted channels deliver exactly the data sent."""
    connect(node_client, "c", soketi, auth)
    channels = [unique(p) for p in ("public-", "private-", "presence-", "private-encrypted-")]
    for channel in channels:
        node_client.subscribe("c", channel)
    payload = {"text": UNICODE, "n": [1, 2.5, None, True], "nested": {"二": "三"}}
    for channel in channels:
        since = node_client.mark()
        assert pusher.trigger(channel, "structured", payload) == {"ok": True}
        got = node_client.expect(since=since, type="event", channel=channel, event="structured")
        assert got["data"] == payload
        since = node_client.mark()
        pusher.trigger(channel, "text", UNICODE)
        got = node_client.expect(since=since, type="event", channel=channel, event="text")
        assert got["data"] == UNICODE
    assert any(r.path_only == "/pusher/auth" for r in auth.requests)


def test_socket_id_exclusion(
    soketi: SoketiServer, pusher: Pusher, node_client: NodeClient, auth: RecordingHttpServer
) -> None:
    """The excluded connection does not get the event; the others do."""
    sender = connect(node_client, "sender", soketi, auth)
    connect(node_client, "other", soketi, auth)
    channel = unique("public-")
    node_client.subscribe("sender", channel)
    node_client.subscribe("other", channel)
    since = node_client.mark()
    pusher.trigger(channel, "excluded", {"x": 1}, socket_id=sender)
    pusher.trigger(channel, "everyone", {"x": 2})
    node_client.expect(since=since, type="event", client="other", channel=channel, event="excluded")
    node_client.expect(
        since=since, type="event", client="sender", channel=channel, event="everyone"
    )
    node_client.expect(since=since, type="event", client="other", channel=channel, event="everyone")
    assert not node_client.events("sender", channel=channel, event="excluded", since=since)


def test_batch_and_bulk_arrive_complete_and_in_order(
    soketi: SoketiServer, pusher: Pusher, node_client: NodeClient, auth: RecordingHttpServer
) -> None:
    """A 10-event batch and a 25-event bulk (3 requests) arrive complete and in order."""
    connect(node_client, "c", soketi, auth)
    plain, secret = unique("public-"), unique("private-encrypted-")
    node_client.subscribe("c", plain)
    node_client.subscribe("c", secret)
    since = node_client.mark()
    batch = [{"channel": plain, "name": "batch", "data": {"i": i, "t": UNICODE}} for i in range(10)]
    pusher.trigger_batch(batch)
    bulk = [
        {"channel": secret if i % 2 else plain, "name": "bulk", "data": {"i": i}} for i in range(25)
    ]
    assert len(pusher.trigger_bulk(bulk)) == 3
    node_client.wait_for(
        lambda _m: len(node_client.events("c", event="bulk", since=since)) == 25, timeout=15
    )
    got_batch = [m["data"] for m in node_client.events("c", event="batch", since=since)]
    assert got_batch == [e["data"] for e in batch]
    for channel in (plain, secret):
        got = [
            m["data"]["i"]
            for m in node_client.events("c", channel=channel, event="bulk", since=since)
        ]
        assert got == [e["data"]["i"] for e in bulk if e["channel"] == channel]  # type: ignore[index]


def test_channel_state_reflects_subscriptions(
    soketi: SoketiServer, pusher: Pusher, node_client: NodeClient, auth: RecordingHttpServer
) -> None:
    """Channel list, channel info and presence users match the live subscriptions."""
    prefix = unique("presence-state-")
    room = f"{prefix}-room"
    connect(node_client, "ann", soketi, auth, user="ann")
    connect(node_client, "bob", soketi, auth, user="bob")
    node_client.subscribe("ann", room)
    node_client.subscribe("bob", room)
    listing = pusher.typed.channels_info(prefix_filter=prefix)
    assert set(listing.channels) == {room}
    assert pusher.channels_info(prefix_filter=prefix)["channels"][room]["subscription_count"] == 2
    info = pusher.typed.channel_info(room, ["user_count"])
    assert (info.occupied, info.user_count) == (True, 2)
    assert sorted(pusher.typed.users_info(room).ids) == ["ann", "bob"]
    assert sorted(u["id"] for u in pusher.users_info(room)["users"]) == ["ann", "bob"]
    node_client.unsubscribe("bob", room)
    deadline = time.monotonic() + 10
    while pusher.typed.channel_info(room, ["user_count"]).user_count != 1:
        assert time.monotonic() < deadline, "bob never left"
        time.sleep(0.05)
    assert pusher.typed.users_info(room).ids == ("ann",)
    assert pusher.typed.channel_info(unique("public-empty-")).occupied is False


def test_send_to_user_and_terminate(
    soketi: SoketiServer, pusher: Pusher, node_client: NodeClient, auth: RecordingHttpServer
) -> None:
    """A signed-in user gets server-to-user events and is disconnected by terminate."""
    user = unique("user-")
    connect(node_client, "alice", soketi, auth, user=user)
    signed_in = node_client.signin("alice")
    assert signed_in is not None
    assert signed_in["user"] == {"id": user, "user_info": {"name": f"Zoë {user}"}}
    since = node_client.mark()
    pusher.send_to_user(user, "note", {"hi": UNICODE})
    got = node_client.expect(since=since, type="user_event", client="alice", event="note")
    assert got["data"] == {"hi": UNICODE}
    since = node_client.mark()
    pusher.terminate_user_connections(user)
    assert node_client.expect(since=since, type="closed", client="alice")["code"] == 4009
    node_client.expect(since=since, type="disconnected", client="alice")


def _webhooks_for(receiver: RecordingHttpServer, channel: str, since: int) -> list[RecordedRequest]:
    return [
        request
        for request, event in iter_webhook_events(receiver.requests[since:])
        if event.get("channel") == channel
    ]


def test_every_webhook_verifies_and_tampering_is_rejected(
    soketi: SoketiServer,
    pusher: Pusher,
    node_client: NodeClient,
    auth: RecordingHttpServer,
    webhook_receiver: RecordingHttpServer,
) -> None:
    """Occupied, member added/removed, client event, vacated: all verify; tampered copies fail."""
    channel = unique("presence-hooks-")
    since = webhook_receiver.mark()
    connect(node_client, "a", soketi, auth, user="ann")
    connect(node_client, "b", soketi, auth, user="bob")
    node_client.subscribe("a", channel)
    node_client.subscribe("b", channel)
    node_client.client_event("b", channel, "client-typing", {"text": UNICODE})
    node_client.unsubscribe("b", channel)
    node_client.unsubscribe("a", channel)
    wanted = {
        "channel_occupied",
        "member_added",
        "client_event",
        "member_removed",
        "channel_vacated",
    }
    seen: dict[str, Any] = {}
    deadline = time.monotonic() + 15
    while set(seen) != wanted:
        assert time.monotonic() < deadline, f"missing webhooks: {wanted - set(seen)}"
        for request in _webhooks_for(webhook_receiver, channel, since):
            verdict = verify_webhook(
                pusher.config, headers=request.headers, body=request.body, now_ms=time.time() * 1000
            )
            assert isinstance(verdict, ValidWebhook), verdict
            for event in verdict.events:
                seen[event.name] = event
            tampered = request.body.replace(b'"channel"', b'"channe1"', 1)
            rejected = verify_webhook(
                pusher.config, headers=request.headers, body=tampered, now_ms=time.time() * 1000
            )
            assert rejected == RejectedWebhook(reason=WebhookRejectReason.BAD_SIGNATURE)
            assert pusher.validate_webhook(
                request.header("X-Pusher-Key"),
                request.header("X-Pusher-Signature"),
                request.body.decode(),
            ) == json.loads(request.body)
        time.sleep(0.05)
    assert seen["member_added"].user_id == "bob"
    assert seen["client_event"].event == "client-typing"
    assert seen["client_event"].data == {"text": UNICODE}


def test_refusals_become_typed_errors(soketi: SoketiServer, transport: Transport) -> None:
    """Wrong secret -> 401; oversized payload -> 413; too many channels -> 400."""
    wrong = make_pusher(soketi, transport, secret="not-the-secret")
    with pytest.raises(errors.AuthenticationError) as bad_auth:
        wrong.trigger(unique("public-"), "e", "x")
    assert bad_auth.value.status == 401
    assert "authentication" in bad_auth.value.message
    generous = make_pusher(
        soketi,
        transport,
        limits=Limits(max_payload_bytes=1024 * 1024, max_channels_per_trigger=1000),
    )
    with pytest.raises(errors.PayloadTooLargeApiError) as too_big:
        generous.trigger(unique("public-"), "e", "x" * (101 * 1024))
    assert too_big.value.status == 413
    with pytest.raises(errors.BadRequestError) as too_many:
        generous.trigger([f"c-{i}" for i in range(101)], "e", "x")
    assert too_many.value.status == 400
    assert "100 channels" in too_many.value.message


def test_seed_quickstart_with_only_the_import_changed(
    soketi: SoketiServer,
    transport: Transport,
    node_client: NodeClient,
    auth_server: RecordingHttpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The seed's quickstart runs unchanged but for the import (and the local server)."""
    from pusher_core import Pusher as QuickstartPusher  # the one changed line
    from pusher_core.auth import IgnoredCustomDataWarning

    pusher_client = QuickstartPusher(
        app_id=soketi.app_id,
        key=soketi.key,
        secret=soketi.secret,
        ssl=False,
        host="127.0.0.1",
        port=soketi.port,
        transport=transport,
    )
    print(pusher_client.trigger("my-channel", "my-event", {"message": "hello world"}))

    channel = "private-my-channel"

    def endpoint(
        _m: str, _p: str, _h: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        socket_id = dict(parse_qsl(body.decode()))["socket_id"]
        with pytest.warns(IgnoredCustomDataWarning, match="custom_data"):
            response = pusher_client.authenticate(
                channel=channel,
                socket_id=socket_id,
                custom_data={"user_id": "user-123", "user_info": {"name": "John Doe"}},
            )
        print(response)
        return 200, {"Content-Type": "application/json"}, json.dumps(response).encode()

    auth_server.set_handler(endpoint)
    connect(node_client, "quick", soketi, auth_server)
    node_client.subscribe("quick", channel)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "{'ok': True}"
    assert out[1].startswith("{'auth': '" + soketi.key + ":")
