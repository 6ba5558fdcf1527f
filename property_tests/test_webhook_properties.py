"""Properties of webhook verification.

- Total: any headers and any body give a verdict, never an exception.
- Authentic webhooks verify, with every event kept in order; a rotated key verifies.
- Any single change to the body, the signature, the key or the secret is rejected.
- Freshness is exactly `|now - time_ms| <= max_age_ms`.
- Sealed client-event data decrypts in the verdict.
- `verify_webhook_for`'s inline hot path gives exactly `verify_webhook`'s verdict.
- Differential against `pusher==3.3.4` `validate_webhook`: the same dict inside the
  reference's 300 s window; beyond it, up to our 15 minutes, only we accept (B11:
  the reference drops Pusher's own late retries).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import string
from typing import Any
from unittest import mock

from hypothesis import assume, given, strategies as st
from pusher.authentication_client import AuthenticationClient

from property_tests.strategies import channel_names, json_values, keys, secrets_, user_ids
from pusher_core.compat import validate_webhook
from pusher_core.config import AppConfig
from pusher_core.encryption import encrypt
from pusher_core.webhooks import (
    DEFAULT_MAX_AGE_MS,
    ClientEvent,
    DecryptionStatus,
    RejectedWebhook,
    UnknownWebhookEvent,
    ValidWebhook,
    WebhookRejectReason,
    verify_webhook,
)

NOW = 1_700_000_000_000
R = WebhookRejectReason

header_names = st.sampled_from(
    ["X-Pusher-Key", "x-pusher-key", "X-PUSHER-SIGNATURE", "X-Pusher-Signature", "Content-Type"]
) | st.text(max_size=20)
header_values = st.text(max_size=70) | st.binary(max_size=70)
any_headers = st.one_of(
    st.dictionaries(header_names, st.text(max_size=70), max_size=5),
    st.lists(st.tuples(header_names | st.binary(max_size=20), header_values), max_size=6),
    st.lists(st.tuples(header_names), max_size=3),
    st.none(),
    st.integers(),
    st.text(max_size=20),
    st.lists(st.integers() | st.none(), max_size=3),
)
events = st.one_of(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["channel_occupied", "channel_vacated", "cache_miss"]),
         "channel": channel_names}
    ),
    st.fixed_dictionaries(
        {"name": st.sampled_from(["member_added", "member_removed"]),
         "channel": channel_names.map(lambda n: "presence-" + n),
         "user_id": user_ids | st.integers(0, 10**9)}
    ),
    st.fixed_dictionaries(
        {"name": st.just("client_event"), "channel": channel_names, "event": st.text(max_size=20),
         "data": st.text(max_size=40)},
        optional={"socket_id": st.just("1.2"), "user_id": user_ids},
    ),
    st.fixed_dictionaries(
        {"name": st.just("subscription_count"), "channel": channel_names,
         "subscription_count": st.integers(0, 10**6)}
    ),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)  # fmt: skip
times = st.integers(NOW - 10 * DEFAULT_MAX_AGE_MS, NOW + 10 * DEFAULT_MAX_AGE_MS)


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _body(time_ms: int, items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"time_ms": time_ms, "events": items}).encode()


@given(any_headers, st.binary(max_size=200), st.dictionaries(keys, secrets_, max_size=3), times)
def test_any_headers_and_body_give_a_verdict(
    headers: Any, body: bytes, secrets: dict[str, str], now_ms: int
) -> None:
    """Hostile headers and bytes always give a verdict, never an exception."""
    verdict = verify_webhook(headers=headers, body=body, secrets=secrets, now_ms=now_ms)
    assert isinstance(verdict, (ValidWebhook, RejectedWebhook))


@given(
    keys,
    secrets_,
    st.binary(max_size=300)
    | st.text(max_size=100).map(str.encode)
    | json_values.map(lambda v: json.dumps(v).encode()),
    st.none() | st.binary(min_size=32, max_size=32),
    times,
)
def test_any_authentic_body_gives_a_verdict(
    key: str, secret: str, body: bytes, master: bytes | None, now_ms: int
) -> None:
    """A correctly signed body of any content reaches the parser and still never raises."""
    headers = {"X-Pusher-Key": key, "X-Pusher-Signature": _sign(secret, body)}
    verdict = verify_webhook(
        headers=headers, body=body, secrets={key: secret}, now_ms=now_ms, master_key=master
    )
    assert isinstance(verdict, ValidWebhook) or verdict.reason is not R.BAD_SIGNATURE


@given(keys, secrets_, times, st.lists(events, max_size=5))
def test_authentic_webhooks_verify_with_every_event_in_order(
    key: str, secret: str, time_ms: int, items: list[dict[str, Any]]
) -> None:
    """A signed, fresh webhook verifies; every event is kept, in order, typed or raw."""
    body = _body(time_ms, items)
    headers = {"x-pusher-key": key, "x-pusher-signature": _sign(secret, body)}
    verdict = verify_webhook(headers=headers, body=body, secrets={key: secret}, now_ms=time_ms)
    assert isinstance(verdict, ValidWebhook)
    assert verdict.key == key
    assert verdict.time_ms == time_ms
    assert len(verdict.events) == len(items)
    for event, item in zip(verdict.events, items, strict=True):
        name = item.get("name")
        assert event.name == (name if isinstance(name, str) else "")
        if isinstance(event, UnknownWebhookEvent):
            assert dict(event.raw) == item


@st.composite
def tampered_bodies(draw: st.DrawFn, body: bytes) -> bytes:
    """`body` with exactly one byte flipped, inserted or deleted."""
    how = draw(st.sampled_from(["flip", "insert", "delete"]))
    if how == "insert":
        at = draw(st.integers(0, len(body)))
        return body[:at] + bytes([draw(st.integers(0, 255))]) + body[at:]
    at = draw(st.integers(0, len(body) - 1))
    if how == "delete":
        return body[:at] + body[at + 1 :]
    return body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1 :]


@given(keys, secrets_, st.lists(events, max_size=3), st.data())
def test_any_single_change_is_rejected(
    key: str, secret: str, items: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Change one byte of the body, one hex digit of the signature, the key or the secret:
    the webhook is rejected."""
    body = _body(NOW, items)
    signature = _sign(secret, body)
    secrets = {key: secret}

    def verdict(headers: dict[str, str], payload: bytes, known: dict[str, str]) -> Any:
        return verify_webhook(headers=headers, body=payload, secrets=known, now_ms=NOW)

    good = {"X-Pusher-Key": key, "X-Pusher-Signature": signature}
    assert verdict(good, body, secrets).ok

    changed = data.draw(tampered_bodies(body))
    assert verdict(good, changed, secrets) == RejectedWebhook(reason=R.BAD_SIGNATURE)

    at = data.draw(st.integers(0, 63))
    digit = data.draw(
        st.sampled_from(string.hexdigits.lower()).filter(lambda d: d != signature[at])
    )
    forged = {**good, "X-Pusher-Signature": signature[:at] + digit + signature[at + 1 :]}
    assert verdict(forged, body, secrets) == RejectedWebhook(reason=R.BAD_SIGNATURE)

    other_key = data.draw(keys.filter(lambda k: k != key))
    assert verdict({**good, "X-Pusher-Key": other_key}, body, secrets) == RejectedWebhook(
        reason=R.UNKNOWN_KEY
    )
    other_secret = data.draw(secrets_.filter(lambda s: s.encode() != secret.encode()))
    assert verdict(good, body, {key: other_secret}) == RejectedWebhook(reason=R.BAD_SIGNATURE)
    both = {key: other_secret, other_key: secret}
    assert verdict({**good, "X-Pusher-Key": other_key}, body, both).ok  # the right pair only


@given(st.dictionaries(keys, secrets_, min_size=1, max_size=5), st.data())
def test_every_rotated_key_verifies(secrets: dict[str, str], data: st.DataObject) -> None:
    """With several key/secret pairs configured, each verifies its own webhooks."""
    key = data.draw(st.sampled_from(sorted(secrets)))
    body = _body(NOW, [])
    headers = {"X-Pusher-Key": key, "X-Pusher-Signature": _sign(secrets[key], body)}
    verdict = verify_webhook(headers=headers, body=body, secrets=secrets, now_ms=NOW)
    assert isinstance(verdict, ValidWebhook)
    assert verdict.key == key


@given(times, st.none() | st.integers(0, 2 * DEFAULT_MAX_AGE_MS), st.integers(0, 10**13))
def test_freshness_is_exactly_the_window(now_ms: int, max_age_ms: int | None, time_ms: int) -> None:
    """Accepted if and only if |now - time_ms| <= max_age_ms (or the window is off)."""
    body = _body(time_ms, [])
    headers = {"X-Pusher-Key": "k", "X-Pusher-Signature": _sign("s", body)}
    verdict = verify_webhook(
        headers=headers, body=body, secrets={"k": "s"}, now_ms=now_ms, max_age_ms=max_age_ms
    )
    fresh = max_age_ms is None or abs(now_ms - time_ms) <= max_age_ms
    assert verdict.ok is fresh
    if not fresh:
        assert verdict == RejectedWebhook(reason=R.STALE)


@given(
    channel_names,
    st.text(),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=24, max_size=24),
)
def test_sealed_client_events_decrypt_in_the_verdict(
    name: str, plaintext: str, master: bytes, nonce: bytes
) -> None:
    """Client-event data sealed for a private-encrypted- channel arrives as its plaintext."""
    channel = "private-encrypted-" + name
    sealed = encrypt(channel, plaintext, master, nonce).to_data()
    item = {"name": "client_event", "channel": channel, "event": "client-e", "data": sealed}
    body = _body(NOW, [item])
    headers = {"X-Pusher-Key": "k", "X-Pusher-Signature": _sign("s", body)}
    verdict = verify_webhook(
        headers=headers, body=body, secrets={"k": "s"}, now_ms=NOW, master_key=master
    )
    assert isinstance(verdict, ValidWebhook)
    assert verdict.events == (
        ClientEvent(
            channel=channel, event="client-e", data=plaintext,
            decryption=DecryptionStatus.DECRYPTED,
        ),
    )  # fmt: skip


# --- differential against pusher 3.3.4 --------------------------------------------------


def _reference_result(config: AppConfig, key: str, signature: str, text: str, now: int) -> Any:
    reference = AuthenticationClient(app_id="1", key=config.key, secret=config.secret)
    with mock.patch("pusher.authentication_client.time.time", return_value=now / 1000):
        return reference.validate_webhook(key, signature, text)


@given(
    keys,
    secrets_,
    st.integers(1, 10**13),
    st.integers(-299_000, 299_000),
    st.lists(events, max_size=3),
    st.booleans(),
)
def test_validate_webhook_equals_the_reference_inside_its_window(
    key: str, secret: str, time_ms: int, offset: int, items: list[dict[str, Any]], tamper: bool
) -> None:
    """Fresh by both rules: the same dict (or both None when the signature is wrong)."""
    config = AppConfig(app_id="1", key=key, secret=secret)
    text = _body(time_ms, items).decode()
    signature = _sign(secret, text.encode())
    if tamper:
        signature = signature[::-1]
        assume(signature != signature[::-1])
    now = time_ms + offset
    ours = validate_webhook(config, key, signature, text, now)
    assert ours == _reference_result(config, key, signature, text, now)
    assert (ours is None) is tamper


@given(
    keys,
    secrets_,
    st.integers(DEFAULT_MAX_AGE_MS, 10**13),
    st.integers(301_000, DEFAULT_MAX_AGE_MS) | st.integers(-DEFAULT_MAX_AGE_MS, -301_000),
)
def test_late_retries_only_we_accept(key: str, secret: str, time_ms: int, offset: int) -> None:
    """5 to 15 minutes off (Pusher's retries plus skew): the reference says None, we don't."""
    config = AppConfig(app_id="1", key=key, secret=secret)
    text = _body(time_ms, []).decode()
    signature = _sign(secret, text.encode())
    now = time_ms + offset
    assert _reference_result(config, key, signature, text, now) is None
    assert validate_webhook(config, key, signature, text, now) == json.loads(text)


# --- verify_webhook_for's hot path is verify_webhook --------------------------------------


def _mostly(usual: Any, *others: Any) -> st.SearchStrategy[Any]:
    """`usual` three times in four, else one of `others`."""
    return st.sampled_from([usual] * (3 * len(others)) + list(others))


@st.composite
def hot_path_cases(draw: st.DrawFn) -> tuple[AppConfig, dict[str, str], Any, bytes, Any, Any]:
    """Mostly what the hot path takes (the app's own key, a dict, bytes, an int clock),
    often slightly off so that every rejection and every fallback runs too."""
    key, secret = draw(keys), draw(secrets_)
    master = draw(st.none() | st.binary(min_size=32, max_size=32))
    config = AppConfig(app_id="1", key=key, secret=secret, encryption_master_key=master)
    extra = draw(st.dictionaries(keys, secrets_, max_size=2))
    time_value: Any = draw(times)
    if draw(_mostly(False, True)):
        time_value = draw(st.floats(0, 2e12) | st.integers(-5, 5) | json_values)
    items: Any = draw(st.lists(events, max_size=3))
    if draw(_mostly(False, True)):
        items = draw(st.sampled_from([None, "x", [1], [[]]]))
    payload: Any = {"time_ms": time_value, "events": items}
    if draw(_mostly(False, True)):
        payload = draw(st.dictionaries(st.sampled_from(["time_ms", "events", "x"]), json_values))
    body = json.dumps(payload).encode()
    body = draw(
        _mostly(
            body,
            b" " + body,
            body + b"\n",
            body[:-1],
            body + b"}",
            b"[]",
            b"",
            body.decode().encode("utf-16"),
        )
    )
    if draw(_mostly(False, True)):
        body = draw(st.binary(max_size=40))
    signer = draw(_mostly(key, *sorted(extra), "unknown"))
    signer_secret = secret if signer == key else extra.get(signer, "other")
    good = _sign(signer_secret, body)
    signature = draw(_mostly(good, f" {good} ", good.upper(), good[:-1], "", "é" + good))
    key_header = draw(_mostly(signer, f" {signer}\t", "", key.lower(), key + "x"))
    headers: dict[str, str] = {"X-Pusher-Key": key_header, "X-Pusher-Signature": signature}
    if draw(_mostly(False, True)):
        del headers[draw(st.sampled_from(sorted(headers)))]
    numeric = isinstance(time_value, (int, float)) and not isinstance(time_value, bool)
    now_ms: Any = time_value if numeric else NOW
    if draw(_mostly(False, True)):
        now_ms = draw(times | st.floats(0, 2e13) | st.integers(-5, 5))
    max_age = draw(_mostly(DEFAULT_MAX_AGE_MS, None, 0, 10**6) | st.integers(0, 10**7))
    if numeric and max_age is not None and draw(_mostly(False, True)):  # the window's edges
        now_ms = time_value + draw(st.sampled_from([-1, 1])) * (
            max_age + draw(st.sampled_from([0, 1]))
        )
    return config, extra, headers, body, now_ms, max_age


@given(hot_path_cases())
def test_verify_webhook_for_hot_path_is_verify_webhook(
    case: tuple[AppConfig, dict[str, str], Any, bytes, Any, Any],
) -> None:
    """The same verdict as `verify_webhook` with the app's key, secret and master key."""
    config, extra, headers, body, now_ms, max_age = case
    ours = verify_webhook(
        config,
        headers=headers,
        body=body,
        now_ms=now_ms,
        max_age_ms=max_age,
        secrets=extra or None,
    )
    general = verify_webhook(
        headers=headers,
        body=body,
        secrets={**extra, config.key: config.secret},
        now_ms=now_ms,
        max_age_ms=max_age,
        master_key=config.encryption_master_key,
    )
    assert type(ours) is type(general)
    assert ours == general
    if isinstance(ours, ValidWebhook) and isinstance(general, ValidWebhook):
        assert ours.events == general.events
        assert type(ours.payload) is type(general.payload)
        assert dict(ours.payload) == dict(general.payload)
