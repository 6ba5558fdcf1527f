"""Webhook verdicts: authentication, freshness, typed events, decryption, reference form."""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from unittest import mock

import pytest

from pusher_core import webhooks
from pusher_core.compat import validate_webhook
from pusher_core.config import AppConfig
from pusher_core.encryption import encrypt
from pusher_core.errors import InvalidArgumentTypeError
from pusher_core.webhooks import (
    DEFAULT_MAX_AGE_MS,
    CacheMiss,
    ChannelOccupied,
    ChannelVacated,
    ClientEvent,
    DecryptionStatus,
    MemberAdded,
    MemberRemoved,
    RejectedWebhook,
    SubscriptionCount,
    UnknownWebhookEvent,
    ValidWebhook,
    WebhookRejectReason,
    verify_webhook,
)

KEY = "278d425bdf160c739803"
SECRET = "7ad3773142a6692b25b8"
MASTER = b"m" * 32
CONFIG = AppConfig(app_id="3", key=KEY, secret=SECRET, encryption_master_key=MASTER)
NOW = 1_700_000_000_000
R = WebhookRejectReason


def _body(events: list[Any], time_ms: Any = NOW) -> bytes:
    return json.dumps({"time_ms": time_ms, "events": events}).encode()


def _sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _headers(body: bytes, key: str = KEY, secret: str = SECRET) -> dict[str, str]:
    return {"X-Pusher-Key": key, "X-Pusher-Signature": _sign(body, secret)}


def _verify(body: bytes, headers: Any = None, **kwargs: Any) -> Any:
    arguments: dict[str, Any] = {"secrets": {KEY: SECRET}, "now_ms": NOW, **kwargs}
    return verify_webhook(
        headers=_headers(body) if headers is None else headers, body=body, **arguments
    )


# --- valid webhooks and typed events -----------------------------------------------


def test_every_documented_event_is_typed() -> None:
    """The documented event kinds become their typed values, in order."""
    events: list[dict[str, Any]] = [
        {"name": "channel_occupied", "channel": "a"},
        {"name": "channel_vacated", "channel": "a"},
        {"name": "member_added", "channel": "presence-a", "user_id": "1"},
        {"name": "member_removed", "channel": "presence-a", "user_id": 2},
        {
            "name": "client_event", "channel": "presence-a", "event": "client-x",
            "data": '{"a":1}', "socket_id": "1.2", "user_id": "1",
        },
        {"name": "client_event", "channel": "private-a", "event": "client-y", "data": "hi"},
        {"name": "cache_miss", "channel": "cache-a"},
        {"name": "subscription_count", "channel": "a", "subscription_count": 7},
    ]  # fmt: skip
    body = _body(events)
    verdict = _verify(body)
    assert verdict == ValidWebhook(
        key=KEY,
        time_ms=NOW,
        events=(
            ChannelOccupied(channel="a"),
            ChannelVacated(channel="a"),
            MemberAdded(channel="presence-a", user_id="1"),
            MemberRemoved(channel="presence-a", user_id="2"),
            ClientEvent(
                channel="presence-a", event="client-x", data='{"a":1}', socket_id="1.2",
                user_id="1",
            ),
            ClientEvent(channel="private-a", event="client-y", data="hi"),
            CacheMiss(channel="cache-a"),
            SubscriptionCount(channel="a", subscription_count=7),
        ),
        payload=json.loads(body),
    )  # fmt: skip
    assert verdict.ok
    assert [event.name for event in verdict.events] == [e["name"] for e in events]
    assert hash(verdict.events) == hash(verdict.events)


@pytest.mark.parametrize(
    "event",
    [
        {"name": "member_updated", "channel": "presence-a", "user_id": "1", "user_info": {}},
        {"name": "channel_occupied"},
        {"name": "channel_occupied", "channel": 5},
        {"name": "member_added", "channel": "presence-a"},
        {"name": "member_added", "channel": "presence-a", "user_id": True},
        {"name": "client_event", "channel": "private-a", "event": "client-x"},
        {"name": "client_event", "channel": "private-a", "event": "e", "data": "", "socket_id": 1},
        {"name": "client_event", "channel": "private-a", "event": "e", "data": "", "user_id": []},
        {"name": "subscription_count", "channel": "a", "subscription_count": -1},
        {"name": "subscription_count", "channel": "a", "subscription_count": "7"},
        {"name": "subscription_count", "channel": "a", "subscription_count": False},
    ],
)
def test_unknown_or_misfit_events_are_kept_raw(event: dict[str, Any]) -> None:
    """A new kind, or a known name whose fields do not fit, stays as UnknownWebhookEvent."""
    verdict = _verify(_body([event]))
    assert isinstance(verdict, ValidWebhook)
    (unknown,) = verdict.events
    assert unknown == UnknownWebhookEvent(name=event["name"], raw=event)
    assert isinstance(unknown.raw, MappingProxyType)
    assert hash(unknown) == hash(UnknownWebhookEvent(name=event["name"], raw={}))


def test_absurdly_long_integer_user_id_is_not_an_id() -> None:
    """An integer id too long to be a user id (a custom decoder could build one) stays raw."""

    class Huge(json.JSONDecoder):
        def __init__(self, **_: Any) -> None:
            super().__init__(parse_int=lambda text: 10**300 if text == "1" else int(text))

    event = {"name": "member_added", "channel": "presence-a", "user_id": 1}
    verdict = _verify(_body([event]), decoder=Huge)
    assert isinstance(verdict, ValidWebhook)
    assert isinstance(verdict.events[0], UnknownWebhookEvent)


def test_events_without_a_string_name_are_unknown_with_an_empty_name() -> None:
    """An event object without a usable name is kept, named ""."""
    verdict = _verify(_body([{"channel": "a"}, {"name": 5}]))
    assert isinstance(verdict, ValidWebhook)
    assert [e.name for e in verdict.events] == ["", ""]


def test_empty_event_list_is_valid() -> None:
    """`events: []` is a valid (if empty) delivery."""
    verdict = _verify(_body([]))
    assert isinstance(verdict, ValidWebhook)
    assert verdict.events == ()


def test_payload_is_the_parsed_body_read_only() -> None:
    """`payload` is the whole body as sent, and cannot be mutated."""
    body = json.dumps({"time_ms": NOW, "events": [], "extra": {"x": 1}}).encode()
    verdict = _verify(body)
    assert isinstance(verdict, ValidWebhook)
    assert dict(verdict.payload) == {"time_ms": NOW, "events": [], "extra": {"x": 1}}
    with pytest.raises(TypeError):
        verdict.payload["time_ms"] = 0  # type: ignore[index]


def test_fast_built_verdict_equals_a_constructed_one() -> None:
    """The verdict built through the slots equals one built by __init__ (repr too)."""
    body = _body([{"name": "channel_occupied", "channel": "a"}])
    verdict = _verify(body)
    built = ValidWebhook(
        key=KEY, time_ms=NOW, events=[ChannelOccupied(channel="a")], payload=json.loads(body)
    )
    assert verdict == built
    assert repr(verdict) == repr(built)
    assert verdict.events[0] == ChannelOccupied(channel="a")


# --- headers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        lambda k, s: {"X-Pusher-Key": k, "X-Pusher-Signature": s},
        lambda k, s: {"x-pusher-key": k, "x-pusher-signature": s},
        lambda k, s: {"X-PUSHER-KEY": k, "x-Pusher-Signature": s, "Content-Type": "x"},
        lambda k, s: [("Host", "h"), ("x-pusher-key", k), ("X-Pusher-Signature", s)],
        lambda k, s: [(b"x-pusher-key", k.encode()), (b"x-pusher-signature", s.encode())],
        lambda k, s: iter([("X-Pusher-Key", f" {k} "), ("X-Pusher-Signature", f"{s}\t")]),
        lambda k, s: {"X-Pusher-Key": k, "x-pusher-signature": s},
    ],
)
def test_header_shapes_and_letter_case(shape: Any) -> None:
    """Mappings, pairs (str or ASGI bytes), any letter case, surrounding whitespace."""
    body = _body([])
    assert _verify(body, shape(KEY, _sign(body))).ok


def test_first_header_of_a_name_counts() -> None:
    """With repeated headers the first value is the one verified."""
    body = _body([])
    good, bad = _sign(body), "0" * 64
    assert _verify(body, [("X-Pusher-Key", KEY), ("X-Pusher-Signature", good),
                          ("x-pusher-signature", bad)]).ok  # fmt: skip
    assert _verify(body, [("X-Pusher-Key", KEY), ("X-Pusher-Signature", bad),
                          ("x-pusher-signature", good)]).reason is R.BAD_SIGNATURE  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, R.MISSING_KEY),
        ({"X-Pusher-Signature": "abc"}, R.MISSING_KEY),
        ({"X-Pusher-Key": "", "X-Pusher-Signature": "abc"}, R.MISSING_KEY),
        ({"X-Pusher-Key": "  ", "X-Pusher-Signature": "abc"}, R.MISSING_KEY),
        ({"X-Pusher-Key": KEY}, R.MISSING_SIGNATURE),
        ({"X-Pusher-Key": KEY, "X-Pusher-Signature": ""}, R.MISSING_SIGNATURE),
        ({"X-Pusher-Key": "other", "X-Pusher-Signature": "abc"}, R.UNKNOWN_KEY),
        ({"X-Pusher-Key": KEY, "X-Pusher-Signature": "abc"}, R.BAD_SIGNATURE),
        ({"X-Pusher-Key": KEY, "X-Pusher-Signature": "é" * 64}, R.BAD_SIGNATURE),
        ({"X-Pusher-Key": KEY, "X-Pusher-Signature": "\udc80"}, R.BAD_SIGNATURE),
        (None, R.MISSING_KEY),
        (42, R.MISSING_KEY),
        ("X-Pusher-Key", R.MISSING_KEY),
        ([("X-Pusher-Key",)], R.MISSING_KEY),
        ([1, 2, 3], R.MISSING_KEY),
        ([("X-Pusher-Key", 5), ("X-Pusher-Signature", None)], R.MISSING_KEY),
        ({"X-Pusher-Key": 5, "X-Pusher-Signature": b"x"}, R.MISSING_KEY),
    ],
)
def test_header_rejections(headers: Any, reason: WebhookRejectReason) -> None:
    """Missing, empty, unknown or wrong headers are verdicts, never exceptions."""
    verdict = verify_webhook(headers=headers, body=_body([]), secrets={KEY: SECRET}, now_ms=NOW)
    assert verdict == RejectedWebhook(reason=reason)
    assert not verdict.ok


def test_signature_is_compared_in_constant_time() -> None:
    """The signature check goes through hmac.compare_digest."""
    body = _body([])
    with mock.patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert _verify(body).ok
        assert _verify(body, {"X-Pusher-Key": KEY, "X-Pusher-Signature": "0" * 64}).reason is (
            R.BAD_SIGNATURE
        )
    assert compare.call_count == 2


def test_signature_is_case_sensitive_hex() -> None:
    """Only the exact lowercase hex Pusher sends verifies (as in the reference)."""
    body = _body([])
    upper = {"X-Pusher-Key": KEY, "X-Pusher-Signature": _sign(body).upper()}
    assert _verify(body, upper).reason is R.BAD_SIGNATURE


# --- key rotation -------------------------------------------------------------------


def test_rotated_keys_verify_and_are_reported() -> None:
    """Every configured key verifies with its own secret; the verdict says which signed."""
    secrets = {"old-key": "old-secret", "new-key": "new-secret"}
    body = _body([])
    for key, secret in secrets.items():
        verdict = verify_webhook(
            headers=_headers(body, key, secret), body=body, secrets=secrets, now_ms=NOW
        )
        assert isinstance(verdict, ValidWebhook)
        assert verdict.key == key
    crossed = _headers(body, "old-key", "new-secret")
    verdict = verify_webhook(headers=crossed, body=body, secrets=secrets, now_ms=NOW)
    assert verdict == RejectedWebhook(reason=R.BAD_SIGNATURE)


def test_verify_webhook_with_a_config_uses_the_app_and_extra_keys() -> None:
    """The app's own key always verifies; secrets= add rotated tokens."""
    body = _body([])
    assert verify_webhook(CONFIG, headers=_headers(body), body=body, now_ms=NOW).ok
    other = _headers(body, "k2", "s2")
    assert verify_webhook(CONFIG, headers=other, body=body, now_ms=NOW) == RejectedWebhook(
        reason=R.UNKNOWN_KEY
    )
    assert verify_webhook(CONFIG, headers=other, body=body, now_ms=NOW, secrets={"k2": "s2"}).ok
    # secrets= cannot replace the app's own secret
    assert not verify_webhook(
        CONFIG,
        headers=_headers(body, KEY, "evil"),
        body=body,
        now_ms=NOW,
        secrets={KEY: "evil"},
    ).ok


# --- body -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", R.NOT_A_JSON_OBJECT),
        (b"not json", R.NOT_A_JSON_OBJECT),
        (b"[]", R.NOT_A_JSON_OBJECT),
        (b'"time_ms"', R.NOT_A_JSON_OBJECT),
        (b"\xff\xfe{", R.NOT_A_JSON_OBJECT),
        (b"[" * 100_000, R.NOT_A_JSON_OBJECT),
        (b'{"time_ms": 1' + b"0" * 5000 + b', "events": []}', R.NOT_A_JSON_OBJECT),
        (b'{"time_ms": 1} trailing', R.NOT_A_JSON_OBJECT),
        (b'{"events": []}', R.MISSING_TIME_MS),
        (b'{"time_ms": "1700000000000", "events": []}', R.MISSING_TIME_MS),
        (b'{"time_ms": true, "events": []}', R.MISSING_TIME_MS),
        (b'{"time_ms": -1, "events": []}', R.MISSING_TIME_MS),
        (b'{"time_ms": NaN, "events": []}', R.MISSING_TIME_MS),
        (b'{"time_ms": 1e400, "events": []}', R.MISSING_TIME_MS),
        (b'{"time_ms": 1700000000000}', R.MISSING_EVENTS),
        (b'{"time_ms": 1700000000000, "events": {}}', R.MISSING_EVENTS),
        (b'{"time_ms": 1700000000000, "events": [1]}', R.MISSING_EVENTS),
        (b'{"time_ms": 1700000000000, "events": [{"name": "x"}, []]}', R.MISSING_EVENTS),
    ],
)
def test_authentic_but_malformed_bodies(body: bytes, reason: WebhookRejectReason) -> None:
    """A correctly signed body that is not a webhook is rejected with the reason."""
    assert _verify(body) == RejectedWebhook(reason=reason)


def test_whitespace_around_the_json_is_fine() -> None:
    """Leading or trailing whitespace does not matter (the signature covers it)."""
    for body in (b"  " + _body([]), _body([]) + b"\n"):
        assert _verify(body).ok


def test_float_time_ms_is_accepted_as_the_reference_does() -> None:
    """A float time_ms (the reference's own tests send one) is floored."""
    verdict = _verify(_body([], time_ms=NOW + 0.75))
    assert isinstance(verdict, ValidWebhook)
    assert verdict.time_ms == NOW


def test_non_utf8_body_is_verified_over_its_bytes() -> None:
    """The signature covers the raw bytes, whatever they are (then the JSON check fails)."""
    body = b"\xff" + _body([])
    verdict = verify_webhook(CONFIG, headers=_headers(body), body=body, now_ms=NOW)
    assert verdict == RejectedWebhook(reason=R.NOT_A_JSON_OBJECT)
    forged = {"X-Pusher-Key": KEY, "X-Pusher-Signature": "0" * 64}
    verdict = verify_webhook(CONFIG, headers=forged, body=body, now_ms=NOW)
    assert verdict == RejectedWebhook(reason=R.BAD_SIGNATURE)


def test_utf16_json_body_parses_like_json_loads() -> None:
    """Bytes json.loads accepts (it detects UTF-16/32) are accepted alike."""
    body = json.dumps({"time_ms": NOW, "events": []}).encode("utf-16")
    assert verify_webhook(CONFIG, headers=_headers(body), body=body, now_ms=NOW).ok


def test_text_and_buffer_bodies() -> None:
    """A str body is verified as its UTF-8 bytes; bytearray and memoryview work too."""
    body = _body([{"name": "channel_occupied", "channel": "é"}])
    for given in (body.decode(), bytearray(body), memoryview(body)):
        assert _verify(given, _headers(body)).ok  # type: ignore[arg-type]
    assert _verify("\ud800", _headers(body)).reason is R.BAD_SIGNATURE  # type: ignore[arg-type]


def test_custom_decoder_is_honoured() -> None:
    """The app's json_decoder parses the body (e.g. Decimal floats)."""

    class DecimalDecoder(json.JSONDecoder):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(parse_float=Decimal, **kwargs)

    body = json.dumps({"time_ms": NOW, "events": [], "x": 1.5}).encode()
    verdict = _verify(body, decoder=DecimalDecoder)
    assert isinstance(verdict, ValidWebhook)
    assert verdict.payload["x"] == Decimal("1.5")


# --- freshness ----------------------------------------------------------------------


def test_default_window_is_fifteen_minutes_either_side() -> None:
    """5 minutes of retries plus 10 of clock skew: a 14-minute-old retry verifies, 16 does not."""
    assert DEFAULT_MAX_AGE_MS == 15 * 60 * 1000
    minute = 60_000
    for age, ok in [(0, True), (6 * minute, True), (14 * minute, True),
                    (15 * minute, True), (15 * minute + 1, False), (16 * minute, False),
                    (-10 * minute, True), (-16 * minute, False)]:  # fmt: skip
        verdict = _verify(_body([], time_ms=NOW - age))
        assert verdict.ok is ok, age
        if not ok:
            assert verdict.reason is R.STALE


def test_window_is_configurable_and_can_be_off() -> None:
    """max_age_ms narrows or widens the window; None disables it."""
    old = _body([], time_ms=0)
    assert _verify(old).reason is R.STALE
    assert _verify(old, max_age_ms=None).ok
    assert _verify(_body([], time_ms=NOW - 1001), max_age_ms=1000).reason is R.STALE
    assert _verify(_body([], time_ms=NOW - 1000), max_age_ms=1000).ok


def test_float_clock_and_huge_time_ms_do_not_overflow() -> None:
    """A float now_ms against an astronomically large time_ms is simply stale."""
    assert _verify(_body([], time_ms=10**400), now_ms=float(NOW)).reason is R.STALE
    assert _verify(_body([]), now_ms=NOW + 0.5).ok


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"now_ms": "now"}, "now_ms"),
        ({"now_ms": float("nan")}, "now_ms"),
        ({"now_ms": float("inf")}, "now_ms"),
        ({"now_ms": True}, "now_ms"),
        ({"max_age_ms": -1}, "max_age_ms"),
        ({"max_age_ms": 1.5}, "max_age_ms"),
        ({"max_age_ms": True}, "max_age_ms"),
        ({"secrets": [(KEY, SECRET)]}, "secrets"),
    ],
)
def test_callers_own_bad_arguments_raise(kwargs: dict[str, Any], argument: str) -> None:
    """Wrong types of the caller's own arguments are programming errors, raised by name."""
    with pytest.raises(InvalidArgumentTypeError) as info:
        _verify(_body([]), **kwargs)
    assert info.value.argument == argument
    with pytest.raises(InvalidArgumentTypeError, match="body"):
        verify_webhook(headers={}, body=None, secrets={}, now_ms=NOW)  # type: ignore[arg-type]


# --- decryption -----------------------------------------------------------------------


def _client_event(channel: str, data: str) -> dict[str, Any]:
    return {"name": "client_event", "channel": channel, "event": "client-e", "data": data,
            "socket_id": "1.2"}  # fmt: skip


def test_encrypted_client_event_is_decrypted_with_the_master_key() -> None:
    """With a master key, client_event data on private-encrypted- channels is opened."""
    channel = "private-encrypted-room"
    sealed = encrypt(channel, '{"secret":"msg"}', MASTER, bytes(24)).to_data()
    body = _body([_client_event(channel, sealed), _client_event("private-plain", "x")])
    verdict = verify_webhook(CONFIG, headers=_headers(body), body=body, now_ms=NOW)
    assert isinstance(verdict, ValidWebhook)
    opened, plain = verdict.events
    assert isinstance(opened, ClientEvent)
    assert opened.data == '{"secret":"msg"}'
    assert opened.decryption is DecryptionStatus.DECRYPTED
    assert not opened.decryption_failed
    assert isinstance(plain, ClientEvent)
    assert plain.decryption is DecryptionStatus.NOT_ENCRYPTED
    assert verdict.payload["events"][0]["data"] == sealed  # payload is the body as sent


def test_encrypted_data_stays_sealed_without_a_master_key() -> None:
    """Without a master key the sealed JSON is passed on, marked as such."""
    channel = "private-encrypted-room"
    sealed = encrypt(channel, "hi", MASTER, bytes(24)).to_data()
    verdict = _verify(_body([_client_event(channel, sealed)]))
    assert isinstance(verdict, ValidWebhook)
    (event,) = verdict.events
    assert isinstance(event, ClientEvent)
    assert (event.data, event.decryption) == (sealed, DecryptionStatus.NO_MASTER_KEY)


@pytest.mark.parametrize(
    "data",
    [
        encrypt("private-encrypted-other", "hi", MASTER, bytes(24)).to_data(),
        encrypt("private-encrypted-room", "hi", b"x" * 32, bytes(24)).to_data(),
        "plain text",
        "{}",
        '{"nonce": "AAAA", "ciphertext": "AAAA"}',
        "[" * 100_000,
    ],
)
def test_undecryptable_data_keeps_the_event_and_the_webhook(data: str) -> None:
    """Data that does not open under the key: the event stays, data=None, FAILED; never raises."""
    channel = "private-encrypted-room"
    body = _body([_client_event(channel, data), {"name": "channel_occupied", "channel": "a"}])
    verdict = verify_webhook(CONFIG, headers=_headers(body), body=body, now_ms=NOW)
    assert isinstance(verdict, ValidWebhook)
    failed, other = verdict.events
    assert failed == ClientEvent(
        channel=channel, event="client-e", data=None, socket_id="1.2",
        decryption=DecryptionStatus.FAILED,
    )  # fmt: skip
    assert failed.decryption_failed
    assert other == ChannelOccupied(channel="a")


# --- the reference's form -----------------------------------------------------------


def test_validate_webhook_returns_the_body_dict_or_none() -> None:
    """`validate_webhook(config, key, signature, body, now_ms)`: the parsed body, or None."""
    body = _body([{"name": "channel_occupied", "channel": "a"}])
    signature = _sign(body)
    expected = json.loads(body)
    assert validate_webhook(CONFIG, KEY, signature, body.decode(), NOW) == expected
    assert validate_webhook(CONFIG, KEY.encode(), signature.encode(), body, NOW) == expected
    assert validate_webhook(CONFIG, "other", signature, body, NOW) is None
    assert validate_webhook(CONFIG, KEY, "0" * 64, body, NOW) is None
    assert validate_webhook(CONFIG, None, signature, body, NOW) is None
    assert validate_webhook(CONFIG, KEY, None, body, NOW) is None
    assert validate_webhook(CONFIG, KEY, signature, None, NOW) is None  # type: ignore[arg-type]
    assert validate_webhook(CONFIG, KEY, b"\xff", body, NOW) is None
    assert validate_webhook(CONFIG, KEY, signature, body, NOW + 16 * 60_000) is None
    assert validate_webhook(CONFIG, KEY, signature, body, NOW + 6 * 60_000) == expected
    result = validate_webhook(CONFIG, KEY, signature, body, NOW)
    assert isinstance(result, dict)
    json.dumps(result)


def test_validate_webhook_matches_the_reference_inside_its_window() -> None:
    """For a fresh webhook the reference and we return the same dict; a 6-minute-old retry
    only we accept (B11: the reference drops Pusher's own late retries)."""
    from pusher.authentication_client import AuthenticationClient

    reference = AuthenticationClient(app_id="3", key=KEY, secret=SECRET)
    body = _body([{"name": "member_added", "channel": "presence-a", "user_id": "1"}])
    text, signature = body.decode(), _sign(body)
    with mock.patch("pusher.authentication_client.time.time", return_value=NOW / 1000):
        assert reference.validate_webhook(KEY, signature, text) == validate_webhook(
            CONFIG, KEY, signature, text, NOW
        )
    late = NOW + 6 * 60_000
    with mock.patch("pusher.authentication_client.time.time", return_value=late / 1000):
        assert reference.validate_webhook(KEY, signature, text) is None
    assert validate_webhook(CONFIG, KEY, signature, text, late) == json.loads(body)


def test_reference_custom_decoder_vector() -> None:
    """The reference suite's decoder test (NaN constant, float time_ms) passes here too."""
    constants = {"NaN": 99999}

    class Decoder(json.JSONDecoder):
        def __init__(self, **_: Any) -> None:
            super().__init__(parse_constant=constants.__getitem__)

    config = AppConfig(app_id="4", key="key", secret="secret", json_decoder=Decoder)
    t = NOW + 0.5
    body = '{"nan": NaN, "time_ms": %f, "events": []}' % t  # noqa: UP031
    signature = _sign(body.encode(), "secret")
    assert validate_webhook(config, "key", signature, body, NOW) == {
        "nan": 99999,
        "time_ms": t,
        "events": [],
    }


def test_module_surface() -> None:
    """`__all__` names exist; the default window is exported."""
    for name in webhooks.__all__:
        assert hasattr(webhooks, name)
    assert "DEFAULT_MAX_AGE_MS" in webhooks.__all__


def test_client_event_data_as_soketi_sends_it() -> None:
    """soketi forwards a client event's data as the JSON value the client sent, not a string."""
    data = {"text": "héllo", "n": [1, 2]}
    event = {
        "name": "client_event",
        "channel": "presence-room",
        "event": "client-typing",
        "data": data,
        "socket_id": "1.2",
        "user_id": "bob",
    }
    verdict = _verify(_body([event]))
    assert isinstance(verdict, ValidWebhook)
    (typed,) = verdict.events
    assert isinstance(typed, ClientEvent)
    assert (typed.data, typed.user_id) == (data, "bob")
    assert typed.decryption is DecryptionStatus.NOT_ENCRYPTED
    assert hash(verdict) == hash(verdict)
    sealed_object = {**event, "channel": "private-encrypted-room", "data": data}
    (failed,) = _verify(_body([sealed_object]), master_key=MASTER).events
    assert isinstance(failed, ClientEvent)
    assert failed.data is None
    assert failed.decryption is DecryptionStatus.FAILED


@pytest.mark.parametrize("bom", ["", "\ufeff", " \x00"])
def test_a_str_body_reads_as_its_utf8_bytes(bom: str) -> None:
    """A body given as str gets the verdict its UTF-8 bytes get: a leading BOM, NULs up front."""
    config = AppConfig(app_id="1", key="key", secret="secret")
    text = bom + '{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"c"}]}'
    raw = text.encode("utf-8")
    headers = {"X-Pusher-Key": "key", "X-Pusher-Signature": config.signer.sign_bytes(raw)}
    as_text = verify_webhook(config, headers=headers, body=text, now_ms=1_700_000_000_000)
    as_bytes = verify_webhook(config, headers=headers, body=raw, now_ms=1_700_000_000_000)
    assert as_text == as_bytes
    assert as_text.ok is (bom != " \x00")
    dict_text = validate_webhook(config, "key", headers["X-Pusher-Signature"], text, 1.7e12)
    assert dict_text == validate_webhook(config, "key", headers["X-Pusher-Signature"], raw, 1.7e12)
    assert (dict_text is not None) is as_text.ok
