"""FakeChannels: served answers, the service's refusals, recording and assertions."""

from __future__ import annotations

import json
import threading
from typing import Any
from unittest import mock
from urllib.parse import quote

import pytest
from hypothesis import given, settings, strategies as st

from pusher_core import errors
from pusher_core.client import Pusher
from pusher_core.config import AppConfig, Limits
from pusher_core.encryption import encrypt
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.queries import get_request, post_request
from pusher_core.signing import sign_request
from pusher_core.testing import (
    ANY,
    ChannelOccupied,
    ChannelVacated,
    ClientEvent,
    FakeChannels,
    MemberAdded,
    MemberRemoved,
    RecordedEvent,
)
from pusher_core.transport import HttpRequest, HttpResponse
from pusher_core.webhooks import ValidWebhook, verify_webhook

NOW = 1_700_000_000.0
MASTER = bytes(range(32))
CONFIG = AppConfig(app_id="42", key="fake-key", secret="fake-secret", encryption_master_key=MASTER)
# A client that checks nothing itself, so the fake's own checks are what answers.
LOOSE = AppConfig(
    app_id="42",
    key="fake-key",
    secret="fake-secret",
    encryption_master_key=MASTER,
    limits=Limits(
        max_channels_per_trigger=1000,
        max_batch_size=1000,
        max_event_name_length=1000,
        max_payload_bytes=10**7,
        max_channel_name_length=1000,
    ),
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeChannels:
    return FakeChannels(CONFIG, clock=clock)


@pytest.fixture
def pusher(fake: FakeChannels, clock: Clock) -> Pusher:
    return Pusher.from_config(CONFIG, transport=fake, clock=clock, nonce_source=bytes)


@pytest.fixture
def loose(fake: FakeChannels, clock: Clock) -> Pusher:
    return Pusher.from_config(LOOSE, transport=fake, clock=clock, nonce_source=bytes)


def post(path: str, body: object, *, timestamp: int = int(NOW)) -> HttpRequest:
    text = body if isinstance(body, str) else json.dumps(body)
    return sign_request(
        CONFIG, method="POST", path=f"/apps/42{path}", body=text.encode(), timestamp=timestamp
    )


def text(response: HttpResponse) -> str:
    return response.body.decode()


# --- publishing ----------------------------------------------------------------------


def test_trigger_is_recorded_and_answered_with_an_empty_object(
    fake: FakeChannels, pusher: Pusher, clock: Clock
) -> None:
    clock.now = NOW + 5
    assert pusher.trigger(["a", "b", "a"], "ev", {"x": 1}) == {}
    first, second = fake.events()
    assert first == RecordedEvent(
        channel="a", name="ev", data='{"x":1}', decoded={"x": 1}, time=NOW + 5
    )
    assert first.decoded == {"x": 1}
    assert second.channel == "b"
    assert fake.events("b") == (second,)
    assert fake.events(name="other") == ()


def test_decoded_falls_back_to_the_string(fake: FakeChannels, pusher: Pusher) -> None:
    pusher.trigger("a", "ev", "not json")
    assert fake.assert_triggered("a", "ev").decoded == "not json"


def test_socket_id_exclusion_is_recorded_and_not_delivered(
    fake: FakeChannels, pusher: Pusher
) -> None:
    me = fake.subscribe("room")
    other = fake.subscribe("room")
    pusher.trigger("room", "ev", "x", socket_id=me)
    event = fake.assert_triggered("room", "ev", socket_id=me)
    assert event.delivered_to == (other,)


def test_trigger_info_answers_counts_per_channel(fake: FakeChannels, pusher: Pusher) -> None:
    fake.subscribe("presence-p", user_id="u1")
    fake.subscribe("presence-p", user_id="u1")
    fake.subscribe("presence-p", user_id="u2", user_info={"name": "Two"})
    fake.subscribe("a")
    result = pusher.typed.trigger(
        ["presence-p", "a", "empty"], "ev", "x", info=["user_count", "subscription_count"]
    )
    assert result.raw == {
        "channels": {
            "presence-p": {"user_count": 2, "subscription_count": 3},
            "a": {"subscription_count": 1},
            "empty": {"subscription_count": 0},
        }
    }


def test_encrypted_events_are_decoded_with_the_master_key(
    fake: FakeChannels, pusher: Pusher
) -> None:
    pusher.trigger("private-encrypted-x", "ev", {"secret": 1})
    event = fake.assert_triggered("private-encrypted-x", "ev", data={"secret": 1})
    assert "ciphertext" in event.data
    keyless = FakeChannels(AppConfig(app_id="42", key="fake-key", secret="fake-secret"))
    keyless.handle(_encrypted_request(), NOW)
    (sealed,) = keyless.events()
    assert sealed.decoded == json.loads(sealed.data)  # still sealed: the JSON envelope


def _encrypted_request() -> HttpRequest:
    data = encrypt("private-encrypted-x", "plain", MASTER, bytes(24)).to_data()
    return post("/events", {"name": "ev", "channels": ["private-encrypted-x"], "data": data})


def test_encrypted_data_under_another_key_is_kept_as_sent() -> None:
    fake = FakeChannels(CONFIG, master_key=bytes(32))
    fake.handle(_encrypted_request(), NOW)
    (event,) = fake.events()
    assert event.decoded == event.data


def test_batch_records_every_event_and_answers_info(fake: FakeChannels, pusher: Pusher) -> None:
    fake.subscribe("a")
    assert pusher.trigger_batch([{"channel": "a", "name": "e1", "data": "1"}]) == {}
    answer = pusher.trigger_batch(
        [
            {"channel": "a", "name": "e2", "data": "2", "info": "subscription_count"},
            {"channel": "b", "name": "e3", "data": "3"},
        ]
    )
    assert answer == {"batch": [{"subscription_count": 1}, {}]}
    assert [e.name for e in fake.events()] == ["e1", "e2", "e3"]


def test_send_to_user_reaches_signed_in_connections(fake: FakeChannels, pusher: Pusher) -> None:
    socket = fake.sign_in("u1")
    fake.sign_in("u2")
    pusher.send_to_user("u1", "hello", {"a": 1})
    event = fake.assert_triggered("#server-to-user-u1", "hello", data={"a": 1})
    assert event.user_id == "u1"
    assert event.delivered_to == (socket,)


# --- queries ------------------------------------------------------------------------


def test_channel_queries(fake: FakeChannels, pusher: Pusher) -> None:
    socket = fake.subscribe("presence-room", user_id="u1")
    fake.subscribe("presence-room", user_id="u2", socket_id="99.1")
    fake.subscribe("public", socket_id=socket)
    assert pusher.channels_info() == {"channels": {"presence-room": {}, "public": {}}}
    assert pusher.channels_info("presence-", ["user_count"]) == {
        "channels": {"presence-room": {"user_count": 2}}
    }
    assert pusher.channel_info("presence-room", ["user_count", "subscription_count"]) == {
        "occupied": True,
        "user_count": 2,
        "subscription_count": 2,
    }
    assert pusher.channel_info("nobody") == {"occupied": False}
    assert pusher.users_info("presence-room") == {"users": [{"id": "u1"}, {"id": "u2"}]}
    fake.unsubscribe("99.1", "presence-room")
    assert pusher.users_info("presence-room") == {"users": [{"id": "u1"}]}
    fake.unsubscribe(socket)
    assert pusher.channels_info() == {"channels": {}}


def test_channel_info_refuses_attributes_of_another_channel_type(pusher: Pusher) -> None:
    with pytest.raises(errors.BadRequestError, match="presence channels"):
        pusher.channel_info("public", ["user_count"])
    with pytest.raises(errors.BadRequestError, match="cache channels"):
        pusher.channel_info("public", ["cache"])
    for cache in ("cache-x", "private-cache-x", "private-encrypted-cache-x", "presence-cache-x"):
        assert pusher.channel_info(cache, ["cache"]) == {"occupied": False}
    with pytest.raises(errors.BadRequestError, match="cache channels"):
        pusher.channel_info("private-mycache-x", ["cache"])
    with pytest.raises(errors.BadRequestError, match="unknown attribute 'bogus'"):
        pusher.channel_info("public", ["bogus"])


def test_channels_user_count_needs_a_presence_prefix(pusher: Pusher) -> None:
    with pytest.raises(errors.BadRequestError, match="presence-"):
        pusher.channels_info(attributes=["user_count"])
    with pytest.raises(errors.BadRequestError, match="unknown attribute"):
        pusher.channels_info("presence-", ["subscription_count"])


def test_users_of_a_non_presence_channel_is_400(fake: FakeChannels) -> None:
    request = get_request(CONFIG, path="/channels/public/users", timestamp=int(NOW))
    response = fake.handle(request, NOW)
    assert response.status == 400
    assert "presence" in text(response)


def test_terminate_disconnects_the_users_connections(fake: FakeChannels, pusher: Pusher) -> None:
    mine = fake.sign_in("u1")
    fake.subscribe("presence-p", user_id="u1", socket_id=mine)
    theirs = fake.subscribe("presence-p", user_id="u2")
    fake.sign_in("u2", socket_id=theirs)
    assert pusher.terminate_user_connections("u1") == {}
    assert fake.connections() == (theirs,)
    assert pusher.users_info("presence-p") == {"users": [{"id": "u2"}]}


def test_terminate_refuses_a_bad_user_id(fake: FakeChannels) -> None:
    request = post_request(
        CONFIG, path="/users/bad%20id/terminate_connections", body={}, timestamp=int(NOW)
    )
    response = fake.handle(request, NOW)
    assert response.status == 400
    assert "not a valid user id" in text(response)


# --- the service's refusals --------------------------------------------------------------


def test_stale_and_future_timestamps_are_401(fake: FakeChannels) -> None:
    request = post("/events", {"name": "e", "channels": ["a"], "data": "d"}, timestamp=1000)
    response = fake.handle(request, NOW)
    assert response.status == 401
    assert text(response).startswith("Timestamp expired: Given timestamp (1000) not within 600s")
    assert fake.handle(request, 1000 + 600).status == 200
    assert fake.handle(request, 1000 - 601).status == 401
    assert fake.events() != ()


def test_bad_signature_is_401_and_shows_the_string_to_sign(fake: FakeChannels) -> None:
    request = post("/events", {"name": "e", "channels": ["a"], "data": "d"})
    forged = HttpRequest(
        method="POST",
        scheme="https",
        host="h",
        port=443,
        path=request.path,
        query=[(k, "0" * 64 if k == "auth_signature" else v) for k, v in request.query],
        body=request.body,
    )
    response = fake.handle(forged, NOW)
    assert response.status == 401
    assert text(response).startswith("Invalid signature: you should have sent HmacSHA256Hex(")
    assert "POST\\n/apps/42/events\\nauth_key=fake-key" in text(response)
    assert "fake-secret" not in text(response)
    assert fake.events() == ()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda q: [p for p in q if p[0] != "auth_key"], "Missing authentication"),
        (lambda q: [(k, "2.0" if k == "auth_version" else v) for k, v in q], "auth_version"),
        (lambda q: [(k, "other" if k == "auth_key" else v) for k, v in q], "Unknown auth_key"),
        (lambda q: [(k, "x" if k == "auth_timestamp" else v) for k, v in q], "Unix seconds"),
        (lambda q: [p for p in q if p[0] != "body_md5"], "body_md5 is required"),
        (lambda q: [(k, "0" if k == "body_md5" else v) for k, v in q], "Invalid body_md5"),
    ],
)
def test_every_signature_refusal_is_401_with_a_reason(
    fake: FakeChannels, mutate: Any, expected: str
) -> None:
    request = post("/events", {"name": "e", "channels": ["a"], "data": "d"})
    changed = HttpRequest(
        method="POST",
        scheme="https",
        host="h",
        port=443,
        path=request.path,
        query=mutate(list(request.query)),
        body=request.body,
    )
    response = fake.handle(changed, NOW)
    assert (response.status, expected in text(response)) == (401, True), text(response)
    assert response.header("Content-Type") == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/", "GET", 404),
        ("/apps", "GET", 404),
        ("/other/42/events", "GET", 404),
        ("/apps/42/nothing", "GET", 404),
        ("/apps/42/channels/a/b/c", "GET", 404),
        ("/apps/7/events", "POST", 404),
        ("/apps/42/events", "GET", 405),
        ("/apps/42/channels", "POST", 405),
    ],
)
def test_routes_and_methods(fake: FakeChannels, path: str, method: str, status: int) -> None:
    request = sign_request(
        CONFIG,
        method=method,
        path=path,
        timestamp=int(NOW),
        body=b"{}" if method == "POST" else b"",
    )
    response = fake.handle(request, NOW)
    assert response.status == status, text(response)


def test_unknown_app_is_404_before_the_signature(fake: FakeChannels) -> None:
    other = AppConfig(app_id="7", key="k", secret="s")
    response = fake.handle(get_request(other, path="/channels", timestamp=0), NOW)
    assert (response.status, text(response)) == (404, "Unknown app '7'")


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ("not json", 400, "not valid JSON"),
        ("[1]", 400, "JSON object"),
        ({"name": "e", "data": "d"}, 400, "Missing channels"),
        ({"name": "e", "channels": [], "data": "d"}, 400, "non-empty list"),
        ({"name": "e", "channels": "a", "data": "d"}, 400, "non-empty list"),
        (
            {"name": "e", "channels": ["a"] * 101, "data": "d"},
            400,
            "101 channels given; the limit is 100",
        ),
        ({"name": "e", "channels": ["bad name"], "data": "d"}, 400, "not a valid channel name"),
        ({"name": "e", "channels": ["a" * 165], "data": "d"}, 400, "the limit is 164"),
        ({"name": "e", "channels": [1], "data": "d"}, 400, "must be a str"),
        ({"channels": ["a"], "data": "d"}, 400, "name"),
        ({"name": "e" * 201, "channels": ["a"], "data": "d"}, 400, "the limit is 200"),
        ({"name": "e", "channels": ["a"]}, 400, "data must be a string"),
        ({"name": "e", "channels": ["a"], "data": {"x": 1}}, 400, "data must be a string"),
        ({"name": "e", "channels": ["a"], "data": "d" * 10241}, 413, "10241 bytes"),
        ({"name": "e", "channels": ["a"], "data": "é" * 5121}, 413, "10242 bytes"),
        ({"name": "e", "channels": ["a"], "data": "d", "socket_id": "x"}, 400, "not a socket"),
        ({"name": "e", "channels": ["a"], "data": "d", "info": "bogus"}, 400, "unknown attr"),
        ({"name": "e", "channels": ["a"], "data": "d", "info": "User-Count"}, 400, "attribute"),
        ({"name": "e", "channels": ["a"], "data": "d", "info": 3}, 400, "info"),
    ],
)
def test_event_refusals(fake: FakeChannels, body: object, status: int, fragment: str) -> None:
    response = fake.handle(post("/events", body), NOW)
    assert response.status == status
    assert fragment in text(response)
    assert fake.events() == ()


def test_single_channel_field_is_accepted(fake: FakeChannels) -> None:
    response = fake.handle(post("/events", {"name": "e", "channel": "a", "data": "d"}), NOW)
    assert (response.status, response.body) == (200, b"{}")
    assert response.header("Content-Type") == "application/json"
    fake.assert_triggered("a", "e", data="d")


def test_exactly_the_limits_pass(fake: FakeChannels) -> None:
    body = {
        "name": "e" * 200,
        "channels": [f"c{i}" for i in range(99)] + ["a" * 164],
        "data": "d" * 10240,
    }
    assert fake.handle(post("/events", body), NOW).status == 200
    assert len(fake.events()) == 100


def test_the_configs_limits_apply() -> None:
    config = AppConfig(
        app_id="42",
        key="fake-key",
        secret="fake-secret",
        limits=Limits(max_payload_bytes=100 * 1024, max_batch_size=2),
    )
    fake = FakeChannels(config)
    request = sign_request(
        config,
        method="POST",
        path="/apps/42/events",
        timestamp=int(NOW),
        body=json.dumps({"name": "e", "channels": ["a"], "data": "d" * 50000}).encode(),
    )
    assert fake.handle(request, NOW).status == 200


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "non-empty list"),
        ({"batch": []}, "non-empty list"),
        (
            {"batch": [{"channel": "a", "name": "e", "data": "d"}] * 11},
            "11 events given; the limit is 10",
        ),
        ({"batch": ["x"]}, "batch[0] must be an event object"),
        ({"batch": [{"channels": ["a"], "name": "e", "data": "d"}]}, "batch[0].channel must"),
        ({"batch": [{"channel": "#x", "name": "e", "data": "d"}]}, "batch[0].channel"),
        (
            {"batch": [{"channel": "a", "name": "e", "data": "d"}, {"channel": "a", "data": "d"}]},
            "batch[1].name",
        ),
        ({"batch": [{"channel": "a", "name": "e", "data": 1}]}, "batch[0].data must be"),
    ],
)
def test_batch_refusals_publish_nothing(fake: FakeChannels, body: object, fragment: str) -> None:
    response = fake.handle(post("/batch_events", body), NOW)
    assert response.status == 400
    assert fragment in text(response)
    assert fake.events() == ()


def test_batch_payload_over_the_limit_is_413(fake: FakeChannels) -> None:
    body = {"batch": [{"channel": "a", "name": "e", "data": "d" * 10241}]}
    response = fake.handle(post("/batch_events", body), NOW)
    assert response.status == 413
    assert "batch[0].data is 10241 bytes" in text(response)


@pytest.mark.parametrize(
    ("path", "params", "fragment"),
    [
        ("/channels/bad%20name", {}, "'bad name' is not a valid channel name"),
        ("/channels/bad%20name/users", {}, "not a valid channel name"),
        ("/channels", {"filter_by_prefix": "bad prefix"}, "cannot start a channel name"),
        ("/channels/a", {"info": "no such"}, "is not an attribute name"),
        ("/channels", {"info": "no such"}, "is not an attribute name"),
    ],
)
def test_query_refusals(
    fake: FakeChannels, path: str, params: dict[str, str], fragment: str
) -> None:
    request = get_request(CONFIG, path=path, params=params, timestamp=int(NOW))
    response = fake.handle(request, NOW)
    assert response.status == 400
    assert fragment in text(response)


def test_the_client_sees_the_refusals_as_typed_errors(loose: Pusher) -> None:
    with pytest.raises(errors.PayloadTooLargeApiError):
        loose.trigger("a", "e", "d" * 20000)
    with pytest.raises(errors.BadRequestError, match="101 channels given; the limit is 100"):
        loose.trigger([f"c{i}" for i in range(101)], "e", "d")
    with pytest.raises(errors.BadRequestError, match="11 events given; the limit is 10"):
        loose.trigger_batch([{"channel": "a", "name": "e", "data": "d"}] * 11)


# --- simulated clients ------------------------------------------------------------------


def test_subscribe_checks_its_arguments(fake: FakeChannels) -> None:
    with pytest.raises(InvalidArgumentError, match="presence channel: give one"):
        fake.subscribe("presence-p")
    with pytest.raises(InvalidArgumentError, match="not a presence channel"):
        fake.subscribe("a", user_id="u")
    with pytest.raises(InvalidArgumentError, match="sign_in"):
        fake.subscribe("#server-to-user-u")
    with pytest.raises(InvalidArgumentError, match="not a valid channel name"):
        fake.subscribe("bad name")
    with pytest.raises(InvalidArgumentError, match="not a valid user id"):
        fake.subscribe("presence-p", user_id="bad id")
    with pytest.raises(InvalidArgumentError, match="not a socket id"):
        fake.subscribe("a", socket_id="nope")
    socket = fake.subscribe("a")
    with pytest.raises(InvalidArgumentError, match="already subscribed"):
        fake.subscribe("a", socket_id=socket)
    with pytest.raises(InvalidArgumentError, match="not a valid user id"):
        fake.sign_in("bad id")


def test_socket_ids_are_fresh_and_reusable(fake: FakeChannels) -> None:
    taken = fake.subscribe("a", socket_id="1.1")
    fresh = fake.subscribe("a")
    assert taken == "1.1"
    assert fresh != taken
    assert fake.subscribe("b", socket_id=fresh) == fresh
    assert fake.connections() == (taken, fresh)


def test_unsubscribe_refuses_what_is_not_there(fake: FakeChannels) -> None:
    socket = fake.subscribe("a")
    with pytest.raises(InvalidArgumentError, match="no connection"):
        fake.unsubscribe("9.9")
    with pytest.raises(InvalidArgumentError, match="not subscribed"):
        fake.unsubscribe(socket, "b")


# --- assertions -----------------------------------------------------------------------------


def test_assert_triggered_matches_raw_or_decoded_data(fake: FakeChannels, pusher: Pusher) -> None:
    pusher.trigger("a", "ev", {"n": 1})
    pusher.trigger("a", "ev", {"n": 2})
    assert fake.assert_triggered("a", "ev").decoded == {"n": 2}  # the latest
    assert fake.assert_triggered("a", "ev", data={"n": 1}).data == '{"n":1}'
    assert fake.assert_triggered("a", "ev", data='{"n":1}').decoded == {"n": 1}
    assert fake.assert_triggered("a", "ev", data=mock.ANY, socket_id=None).decoded == {"n": 2}


def test_assert_triggered_failure_lists_what_was_recorded(
    fake: FakeChannels, pusher: Pusher
) -> None:
    with pytest.raises(AssertionError, match="Nothing was triggered"):
        fake.assert_triggered("a", "ev")
    pusher.trigger("a", "ev", {"n": 1}, socket_id="1.2")
    with pytest.raises(AssertionError) as raised:
        fake.assert_triggered("a", "ev", data={"n": 3}, socket_id="1.2")
    message = str(raised.value)
    assert "No event 'a' 'ev' data={'n': 3} socket_id='1.2' was triggered" in message
    assert """'a' 'ev' data='{"n":1}' (excluding 1.2)""" in message


def test_assert_not_triggered(fake: FakeChannels, pusher: Pusher) -> None:
    fake.assert_not_triggered()
    pusher.trigger("a", "ev", "x")
    fake.assert_not_triggered("b")
    fake.assert_not_triggered("a", "other")
    with pytest.raises(AssertionError, match="no event on 'a' named 'ev', but 1 were"):
        fake.assert_not_triggered("a", "ev")
    with pytest.raises(AssertionError, match="no event at all"):
        fake.assert_not_triggered()
    with pytest.raises(AssertionError, match="named 'ev'"):
        fake.assert_not_triggered(name="ev")


def test_reset_forgets_events_and_keeps_connections(fake: FakeChannels, pusher: Pusher) -> None:
    socket = fake.subscribe("a")
    pusher.trigger("a", "ev", "x")
    fake.reset()
    assert fake.events() == ()
    assert fake.connections() == (socket,)


def test_any_matches_everything() -> None:
    assert object() == ANY
    assert not ANY != 1  # noqa: SIM202
    assert repr(ANY) == "ANY"
    assert hash(ANY) == hash(ANY)


def test_transport_shape(fake: FakeChannels) -> None:
    with fake as same:
        assert same is fake
    fake.close()
    assert "FakeChannels app 42: 0 events, 0 connections" in repr(fake)
    with pytest.raises(InvalidArgumentTypeError):
        FakeChannels("not a config")  # type: ignore[arg-type]


# --- webhooks ----------------------------------------------------------------------------


def test_state_changes_fire_webhook_events(fake: FakeChannels) -> None:
    first = fake.subscribe("presence-p", user_id="u1")
    fake.subscribe("presence-p", user_id="u1")
    second = fake.subscribe("presence-p", user_id="u2")
    fake.unsubscribe(first)
    fake.sign_in("u2", socket_id=second)
    fake.subscribe("public", socket_id=second)
    fake.handle(
        post_request(CONFIG, path="/users/u2/terminate_connections", body={}, timestamp=int(NOW)),
        NOW,
    )
    assert fake.webhook_events() == (
        ChannelOccupied(channel="presence-p"),
        MemberAdded(channel="presence-p", user_id="u1"),
        MemberAdded(channel="presence-p", user_id="u2"),
        ChannelOccupied(channel="public"),
        MemberRemoved(channel="presence-p", user_id="u2"),  # u1's second connection stays
        ChannelVacated(channel="public"),
    )
    fake.reset()
    assert fake.webhook_events() == ()


def test_a_member_leaving_one_of_two_connections_stays(fake: FakeChannels) -> None:
    first = fake.subscribe("presence-p", user_id="u1")
    fake.subscribe("presence-p", user_id="u1")
    fake.unsubscribe(first, "presence-p")
    assert fake.webhook_events() == (
        ChannelOccupied(channel="presence-p"),
        MemberAdded(channel="presence-p", user_id="u1"),
    )


def test_fake_webhooks_verify_with_the_apps_secret(fake: FakeChannels, clock: Clock) -> None:
    fake.subscribe("a")
    built = fake.webhook(*fake.webhook_events())
    verdict = verify_webhook(CONFIG, headers=built.headers, body=built.body, now_ms=NOW * 1000)
    assert isinstance(verdict, ValidWebhook)
    assert verdict.time_ms == int(NOW * 1000)
    assert verdict.events == (ChannelOccupied(channel="a"),)
    sealed = ClientEvent(channel="private-encrypted-x", event="client-e", data='{"n":1}')
    one, two = fake.webhook(sealed), fake.webhook(sealed, time_ms=5)
    assert one.body != two.body  # a fresh nonce per webhook
    opened = verify_webhook(CONFIG, headers=two.headers, body=two.body, now_ms=5)
    assert isinstance(opened, ValidWebhook)
    assert opened.events[0].data == '{"n":1}'  # type: ignore[union-attr]
    explicit = fake.webhook(sealed, time_ms=5, nonce=bytes(24))
    assert explicit == fake.webhook(sealed, time_ms=5, nonce=bytes(24))


def test_the_last_member_leaving_vacates(fake: FakeChannels) -> None:
    socket = fake.subscribe("presence-p", user_id="u1")
    fake.unsubscribe(socket, "presence-p")
    assert fake.webhook_events()[-2:] == (
        MemberRemoved(channel="presence-p", user_id="u1"),
        ChannelVacated(channel="presence-p"),
    )
    assert fake.connections() == (socket,)  # still connected, on no channel


def test_the_docstring_table_lists_exactly_the_known_differences() -> None:
    from pusher_core.testing import KNOWN_DIFFERENCES, fake

    assert fake.__doc__ is not None
    rows = {
        line[2:].split(":", 1)[0] for line in fake.__doc__.splitlines() if line.startswith("- ")
    }
    assert rows == set(KNOWN_DIFFERENCES)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values | st.text(max_size=210),
        "data": json_values,
        "channel": json_values | st.sampled_from(["a", "presence-p", "#server-to-user-u"]),
        "channels": json_values | st.lists(st.sampled_from(["a", "b c", "é"]), max_size=3),
        "socket_id": json_values | st.just("1.2"),
        "info": json_values | st.sampled_from(["user_count", "subscription_count"]),
    },
)


@settings(deadline=None)
@given(
    path=st.sampled_from(["/events", "/batch_events", "/users/u/terminate_connections"]),
    body=st.one_of(
        event_like.map(json.dumps),
        st.lists(event_like, max_size=3).map(lambda b: json.dumps({"batch": b})),
        json_values.map(json.dumps),
        st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
    ),
)
def test_any_signed_post_gets_a_service_answer(path: str, body: str) -> None:
    fake = FakeChannels(CONFIG)
    response = fake.handle(post(path, body), NOW)
    assert response.status in {200, 400, 413}
    if response.status == 200:
        assert isinstance(json.loads(response.body), dict)
    else:
        assert response.body


@settings(deadline=None)
@given(
    segments=st.lists(st.text(max_size=6), max_size=4),
    query=st.dictionaries(
        st.sampled_from(["info", "filter_by_prefix", "x"]), st.text(max_size=12), max_size=3
    ),
)
def test_any_signed_get_gets_a_service_answer(segments: list[str], query: dict[str, str]) -> None:
    fake = FakeChannels(CONFIG)
    fake.subscribe("presence-p", user_id="u")
    path = "/apps/42/" + "/".join(quote(s, safe="") for s in segments)
    request = sign_request(CONFIG, method="GET", path=path, params=query, timestamp=int(NOW))
    assert fake.handle(request, NOW).status in {200, 400, 404, 405}


def test_concurrent_clients_share_one_state(fake: FakeChannels, pusher: Pusher) -> None:
    def work(i: int) -> None:
        socket = fake.subscribe(f"c{i}")
        pusher.trigger(f"c{i}", "ev", i)
        fake.unsubscribe(socket)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e.decoded for e in fake.events()) == list(range(8))
    assert fake.connections() == ()


def test_a_path_no_client_can_send_still_gets_an_answer(fake: FakeChannels) -> None:
    request = HttpRequest(method="GET", scheme="https", host="h", port=443, path="/\ud800")
    response = fake.handle(request, NOW)
    assert (response.status, response.body) == (404, b"Not found: /\\ud800")
