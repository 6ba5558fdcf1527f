"""Smoke test of the integration harness: real soketi, real pusher-js.

The library is not used here: request signing, auth strings, webhook signatures
and encryption are hand-rolled with the standard library (and PyNaCl) following
shared/design/protocol.md §1-§4.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.parse
import uuid
from collections.abc import Mapping
from typing import Any

import pytest

from .harness import (
    NodeClient,
    RecordedRequest,
    RecordingHttpServer,
    SoketiServer,
    json_response,
    parse_form,
    wait_for_webhook_event,
)

pytestmark = pytest.mark.integration

UNICODE_TEXT = 'héllo wörld ✓ — 日本語 🎉 "quoted" \\ back\nslash'


# ---------------------------------------------------------------------------
# hand-rolled protocol pieces (stand-ins for the library under construction)
# ---------------------------------------------------------------------------


def _hmac_hex(secret: str, message: str | bytes) -> str:
    data = message.encode("utf-8") if isinstance(message, str) else message
    return hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


def signed_request(
    server: SoketiServer,
    method: str,
    path: str,
    body: object | None = None,
    query: Mapping[str, str] | None = None,
) -> tuple[int, Any]:
    """Send an auth_version 1.0 signed request; return (HTTP status, parsed JSON)."""
    raw = json.dumps(body).encode("utf-8") if body is not None else b""
    params: dict[str, str] = dict(query or {})
    params.update(auth_key=server.key, auth_timestamp=str(int(time.time())), auth_version="1.0")
    if raw:
        params["body_md5"] = hashlib.md5(raw).hexdigest()
    to_sign = "&".join(f"{k.lower()}={params[k]}" for k in sorted(params, key=str.lower))
    params["auth_signature"] = _hmac_hex(server.secret, f"{method.upper()}\n{path}\n{to_sign}")
    status, response = server.request(
        method, f"{path}?{urllib.parse.urlencode(params)}", raw or None
    )
    return status, json.loads(response) if response else None


def trigger(server: SoketiServer, channel: str, event: str, data: str) -> None:
    status, body = signed_request(
        server,
        "POST",
        f"/apps/{server.app_id}/events",
        {"name": event, "channels": [channel], "data": data},
    )
    assert status == 200, body
    assert body == {"ok": True}


def shared_secret(channel: str, master_key: bytes) -> bytes:
    return hashlib.sha256(channel.encode("utf-8") + master_key).digest()


def encrypt_for_channel(channel: str, master_key: bytes, plaintext: str) -> str:
    import nacl.secret
    import nacl.utils

    box = nacl.secret.SecretBox(shared_secret(channel, master_key))
    nonce = nacl.utils.random(nacl.secret.SecretBox.NONCE_SIZE)
    ciphertext = box.encrypt(plaintext.encode("utf-8"), nonce).ciphertext
    return json.dumps(
        {
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        }
    )


class AuthEndpoint:
    """pusher-js auth endpoint: ``/channel-auth?user_id=U`` and ``/user-auth?user_id=U``."""

    def __init__(self, server: SoketiServer, master_key: bytes | None = None) -> None:
        self.server = server
        self.master_key = master_key or os.urandom(32)

    def __call__(
        self, _method: str, path: str, _headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(url.query))
        user_id = query.get("user_id", "anonymous")
        form = parse_form(body)
        socket_id = form["socket_id"]
        key, secret = self.server.key, self.server.secret
        if url.path == "/deny":
            return json_response({"error": "nope"}, status=403)
        if url.path == "/user-auth":
            user_data = json.dumps({"id": user_id, "user_info": {"name": "Zoë " + user_id}})
            auth = f"{key}:{_hmac_hex(secret, f'{socket_id}::user::{user_data}')}"
            return json_response({"auth": auth, "user_data": user_data})
        if url.path == "/channel-auth":
            channel = form["channel_name"]
            if channel.startswith("presence-"):
                channel_data = json.dumps(
                    {"user_id": user_id, "user_info": {"name": "Zoë " + user_id}}
                )
                auth = f"{key}:{_hmac_hex(secret, f'{socket_id}:{channel}:{channel_data}')}"
                return json_response({"auth": auth, "channel_data": channel_data})
            auth = f"{key}:{_hmac_hex(secret, f'{socket_id}:{channel}')}"
            payload = {"auth": auth}
            if channel.startswith("private-encrypted-"):
                payload["shared_secret"] = base64.b64encode(
                    shared_secret(channel, self.master_key)
                ).decode()
            return json_response(payload)
        return json_response({"error": "unknown path"}, status=404)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def assert_valid_webhook(request: RecordedRequest, server: SoketiServer) -> None:
    assert request.method == "POST"
    assert request.path == "/webhooks"
    assert request.header("Content-Type") == "application/json"
    assert request.header("X-Pusher-Key") == server.key
    signature = request.header("X-Pusher-Signature")
    assert signature is not None
    assert hmac.compare_digest(signature, _hmac_hex(server.secret, request.body))


def connect(
    client: NodeClient,
    client_id: str,
    server: SoketiServer,
    auth: RecordingHttpServer,
    user_id: str = "u",
) -> str:
    socket_id = client.connect(
        client_id,
        **server.client_connect_args(
            channel_auth_endpoint=f"{auth.url}/channel-auth?user_id={user_id}",
            user_auth_endpoint=f"{auth.url}/user-auth?user_id={user_id}",
        ),
    )
    assert socket_id is not None
    return socket_id


# ---------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------


def test_soketi_binds_loopback_only(soketi: SoketiServer) -> None:
    from .harness import inet_sockets_of_pid

    sockets = inet_sockets_of_pid(soketi.pid)
    assert sockets, "soketi has no sockets?"
    assert all(proto in ("tcp", "udp") and addr == "127.0.0.1" for proto, addr, _ in sockets), (
        sockets
    )
    assert ("tcp", "127.0.0.1", soketi.port) in sockets
    assert ("udp", "127.0.0.1", soketi.discovery_port) in sockets


def test_soketi_error_responses_use_http_200(soketi: SoketiServer) -> None:
    """Quirk: soketi's errors carry HTTP 200 and {"error", "code"} in the body."""
    status, body = soketi.request("GET", f"/apps/{soketi.app_id}/channels")
    assert (status, json.loads(body)) == (
        200,
        {"error": "The secret authentication failed", "code": 401},
    )
    status, body = signed_request(soketi, "GET", f"/apps/{soketi.app_id}/channels")
    assert status == 200
    assert "channels" in body


def test_public_channel_trigger(
    soketi: SoketiServer, node_client: NodeClient, auth_server: RecordingHttpServer
) -> None:
    connect(node_client, "c1", soketi, auth_server)
    channel = unique("public-")
    node_client.subscribe("c1", channel)

    since = node_client.mark()
    payload = {"text": UNICODE_TEXT, "n": 1, "nested": {"list": [1, "二", None]}}
    trigger(soketi, channel, "my-event", json.dumps(payload, ensure_ascii=False))
    message = node_client.expect(since=since, type="event", channel=channel, event="my-event")
    assert message["data"] == payload  # pusher-js JSON-parses string data

    since = node_client.mark()
    trigger(soketi, channel, "plain", UNICODE_TEXT)  # not JSON: delivered as-is
    message = node_client.expect(since=since, type="event", channel=channel, event="plain")
    assert message["data"] == UNICODE_TEXT


def test_private_channel_auth_and_webhooks(
    soketi: SoketiServer,
    node_client: NodeClient,
    auth_server: RecordingHttpServer,
    webhook_receiver: RecordingHttpServer,
) -> None:
    auth_server.set_handler(AuthEndpoint(soketi))
    socket_id = connect(node_client, "c1", soketi, auth_server)
    channel = unique("private-")
    hooks = webhook_receiver.mark()

    node_client.subscribe("c1", channel)
    auth_request = auth_server.wait_for(lambda r: r.path_only == "/channel-auth")
    assert auth_request.method == "POST"
    assert auth_request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert parse_form(auth_request.body) == {"socket_id": socket_id, "channel_name": channel}

    request, event = wait_for_webhook_event(
        webhook_receiver,
        lambda e: e.get("name") == "channel_occupied" and e.get("channel") == channel,
        since=hooks,
    )
    assert_valid_webhook(request, soketi)
    assert event == {"name": "channel_occupied", "channel": channel}
    assert abs(request.json()["time_ms"] / 1000 - time.time()) < 60

    since = node_client.mark()
    trigger(soketi, channel, "secret-event", json.dumps({"ok": UNICODE_TEXT}))
    assert node_client.expect(since=since, type="event", channel=channel, event="secret-event")[
        "data"
    ] == {"ok": UNICODE_TEXT}

    node_client.unsubscribe("c1", channel)
    request, _ = wait_for_webhook_event(
        webhook_receiver,
        lambda e: e.get("name") == "channel_vacated" and e.get("channel") == channel,
        since=hooks,
    )
    assert_valid_webhook(request, soketi)

    # A refused authorization surfaces as subscription_error with the HTTP status.
    denied = unique("private-")
    node_client.send(
        {
            "cmd": "connect",
            "id": "c2",
            **soketi.client_connect_args(channel_auth_endpoint=f"{auth_server.url}/deny"),
        }
    )
    node_client.expect(type="connected", client="c2")
    since = node_client.mark()
    node_client.subscribe("c2", denied, wait=False)
    error = node_client.expect(since=since, type="subscription_error", client="c2", channel=denied)
    assert error["status"] == 403


def test_user_signin_server_to_user_and_terminate(
    soketi: SoketiServer,
    node_client: NodeClient,
    auth_server: RecordingHttpServer,
) -> None:
    auth_server.set_handler(AuthEndpoint(soketi))
    user_id = unique("user-")
    socket_id = connect(node_client, "alice", soketi, auth_server, user_id=user_id)

    signed_in = node_client.signin("alice")
    assert signed_in is not None
    assert signed_in["user"] == {"id": user_id, "user_info": {"name": "Zoë " + user_id}}
    user_auth = auth_server.wait_for(lambda r: r.path_only == "/user-auth")
    assert parse_form(user_auth.body) == {"socket_id": socket_id}
    # signin() also waited for "user_subscribed": soketi has #server-to-user-<id>.
    status, body = signed_request(soketi, "GET", f"/apps/{soketi.app_id}/channels")
    assert f"#server-to-user-{user_id}" in body["channels"]

    since = node_client.mark()
    trigger(soketi, f"#server-to-user-{user_id}", "private-note", json.dumps({"hi": UNICODE_TEXT}))
    message = node_client.expect(
        since=since, type="user_event", client="alice", event="private-note"
    )
    assert message["data"] == {"hi": UNICODE_TEXT}

    since = node_client.mark()
    status, body = signed_request(
        soketi, "POST", f"/apps/{soketi.app_id}/users/{user_id}/terminate_connections", {}
    )
    assert (status, body) == (200, {"ok": True})
    closed = node_client.expect(since=since, type="closed", client="alice")
    assert closed["code"] == 4009
    disconnected = node_client.expect(since=since, type="disconnected", client="alice")
    assert disconnected["close_code"] == 4009
    pusher_error = node_client.expect(since=since, type="pusher_error", client="alice")
    assert pusher_error["code"] == 4009


def test_presence_client_events_and_webhooks(
    soketi: SoketiServer,
    node_client: NodeClient,
    auth_server: RecordingHttpServer,
    webhook_receiver: RecordingHttpServer,
) -> None:
    auth_server.set_handler(AuthEndpoint(soketi))
    channel = unique("presence-")
    hooks = webhook_receiver.mark()
    connect(node_client, "a", soketi, auth_server, user_id="ann")
    b_socket = connect(node_client, "b", soketi, auth_server, user_id="bob")

    first = node_client.subscribe("a", channel)
    assert first is not None
    assert first["members"]["me"] == {"id": "ann", "info": {"name": "Zoë ann"}}
    since = node_client.mark()
    second = node_client.subscribe("b", channel)
    assert second is not None
    assert second["members"]["count"] == 2
    added = node_client.expect(since=since, type="member_added", client="a", channel=channel)
    assert (added["user_id"], added["user_info"]) == ("bob", {"name": "Zoë bob"})

    sent = node_client.client_event("b", channel, "client-typing", {"text": UNICODE_TEXT})
    assert sent["ok"] is True
    got = node_client.expect(type="event", client="a", channel=channel, event="client-typing")
    assert got["data"] == {"text": UNICODE_TEXT}
    assert got["user_id"] == "bob"
    assert not node_client.events("b", channel=channel, event="client-typing"), (
        "sender must not get its own event"
    )

    request, event = wait_for_webhook_event(
        webhook_receiver,
        lambda e: e.get("name") == "client_event" and e.get("channel") == channel,
        since=hooks,
    )
    assert_valid_webhook(request, soketi)
    # soketi forwards `data` as the client sent it: pusher-js sends an object,
    # so it is an object here (Pusher documents a string).
    assert event == {
        "name": "client_event",
        "channel": channel,
        "event": "client-typing",
        "data": {"text": UNICODE_TEXT},
        "socket_id": b_socket,
        "user_id": "bob",
    }
    _, event = wait_for_webhook_event(
        webhook_receiver,
        lambda e: (
            e.get("name") == "member_added"
            and e.get("channel") == channel
            and e.get("user_id") == "bob"
        ),
        since=hooks,
    )

    since = node_client.mark()
    node_client.unsubscribe("b", channel)
    removed = node_client.expect(since=since, type="member_removed", client="a", channel=channel)
    assert removed["user_id"] == "bob"
    request, event = wait_for_webhook_event(
        webhook_receiver,
        lambda e: e.get("name") == "member_removed" and e.get("channel") == channel,
        since=hooks,
    )
    assert_valid_webhook(request, soketi)
    assert event == {"name": "member_removed", "channel": channel, "user_id": "bob"}


def test_encrypted_channel_end_to_end(
    soketi: SoketiServer,
    node_client: NodeClient,
    auth_server: RecordingHttpServer,
) -> None:
    endpoint = AuthEndpoint(soketi, master_key=os.urandom(32))
    auth_server.set_handler(endpoint)
    connect(node_client, "c1", soketi, auth_server)
    channel = unique("private-encrypted-")
    node_client.subscribe("c1", channel)

    since = node_client.mark()
    payload = {"secret": UNICODE_TEXT, "n": [1, 2, 3]}
    trigger(
        soketi,
        channel,
        "enc",
        encrypt_for_channel(channel, endpoint.master_key, json.dumps(payload)),
    )
    message = node_client.expect(since=since, type="event", channel=channel, event="enc")
    assert message["data"] == payload

    since = node_client.mark()
    trigger(
        soketi, channel, "enc-text", encrypt_for_channel(channel, endpoint.master_key, UNICODE_TEXT)
    )
    message = node_client.expect(since=since, type="event", channel=channel, event="enc-text")
    assert message["data"] == UNICODE_TEXT  # not JSON: pusher-js falls back to the string
