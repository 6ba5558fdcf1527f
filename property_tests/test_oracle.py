"""The core against an independent statement of the protocol.

The oracle below is a second, minimal implementation of the Pusher Channels server
protocol, written in this file from the protocol notes (protocol.md §1.2 request
signing, §1.3-1.4 endpoints and limits, §2.1 auth strings, §3 encryption) and the
module docstrings of pusher_core. It uses only the standard library (`json`,
`hashlib`, `hmac`, `base64`, `urllib.parse.quote`, `re`) and PyNaCl's `SecretBox`
for sealing, and no code of pusher_core: the tests import only public names (the
functions under test, `AppConfig`/`Limits` as inputs, the result types and
`PusherError`). The documented worked vectors check the oracle itself, and
pusher_core through it.

- Requests: `trigger_request`, `trigger_batch_request` and `sign_request` produce the
  oracle's body bytes, method, path, query pairs and URL.
- Acceptance: over nearly valid input, the builders accept exactly what the oracle's
  grammar accepts, and a refusal is a `PusherError` naming a parameter the oracle
  finds wrong.
- Auth: private, presence, private-encrypted and user auth are the oracle's HMACs.
- Webhooks: `verify_webhook` and `compat.validate_webhook` agree with a minimal verifier.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import math
import re
import string
import warnings
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import attrs
from hypothesis import given, strategies as st
from nacl.secret import SecretBox

from property_tests.strategies import (
    CHANNEL_CHARS,
    app_configs,
    channel_names,
    event_names,
    json_values,
    keys,
    near_channel_names,
    near_event_names,
    near_socket_ids,
    near_user_ids,
    request_configs,
    secrets_,
    socket_ids,
    user_ids,
)
from pusher_core.auth import IgnoredCustomDataWarning, authenticate_user, authorize_channel
from pusher_core.compat import authenticate, validate_webhook
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import PusherError
from pusher_core.events import trigger_batch_request, trigger_request
from pusher_core.signing import sign_request, string_to_sign
from pusher_core.transport import HttpRequest
from pusher_core.webhooks import (
    RejectedWebhook,
    ValidWebhook,
    WebhookRejectReason,
    verify_webhook,
)

# ======================================================================================
# The oracle: the protocol restated, sharing no code with pusher_core.
# ======================================================================================

AUTH_VERSION = "1.0"
PRIVATE = "private-"
ENCRYPTED = "private-encrypted-"
PRESENCE = "presence-"
SERVER_TO_USER = "#server-to-user-"
# §1.4: channel names (and user ids) use letters, digits and `-_=@,.;`; `#` only in the
# `#server-to-user-` prefix. Matched with `fullmatch`: `$` alone would let a final
# newline through.
CHANNEL_NAME = re.compile(r"^[-A-Za-z0-9_=@,.;]+$")
# §1.3: socket ids are `\d+\.\d+` with ASCII digits (Python's `\d` is any Unicode digit).
SOCKET_ID = re.compile(r"^\d+\.\d+$", re.ASCII)
NONCE_BYTES = 24
# §3: the sealed `data` is `{"nonce":"<b64 24 B>","ciphertext":"<b64 16 B tag + text>"}`.
SEALED_OVERHEAD = len('{"nonce":"","ciphertext":""}') + len(base64.b64encode(bytes(NONCE_BYTES)))
WEBHOOK_WINDOW_MS = 15 * 60 * 1000  # webhooks.py: 5 min of retries + 10 min of skew


def compact(value: Any) -> str:
    """Compact JSON without ASCII-escaping: the one encoding the protocol values use."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def hmac_hex(secret: str, message: str | bytes) -> str:
    """Hex HMAC-SHA256 of `message` (UTF-8 when text) under `secret`."""
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def pct(text: str) -> str:
    """A query key or value on the wire: every reserved character percent-encoded."""
    return quote(text, safe="")


def channel_ok(name: object, limits: Limits) -> bool:
    """§1.4: the channel grammar, after an optional `#server-to-user-`, within the limit."""
    if not isinstance(name, str) or len(name) > limits.max_channel_name_length:
        return False
    return CHANNEL_NAME.fullmatch(name.removeprefix(SERVER_TO_USER)) is not None


def socket_ok(socket_id: object) -> bool:
    """§1.3: `digits.digits`."""
    return isinstance(socket_id, str) and SOCKET_ID.fullmatch(socket_id) is not None


def user_id_ok(user_id: object, limits: Limits) -> bool:
    """§1.4: user ids use the channel-name characters, within the limit."""
    return (
        isinstance(user_id, str)
        and len(user_id) <= limits.max_user_id_length
        and CHANNEL_NAME.fullmatch(user_id) is not None
    )


def presence_user_ok(user_id: object, limits: Limits) -> bool:
    """§2.1: a presence `user_id` may be a number; its digits must then be a user id."""
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user_id = str(user_id)
    return user_id_ok(user_id, limits)


def event_name_ok(name: object, limits: Limits) -> bool:
    """channels.py: non-empty, printable, within the limit (the protocol states no grammar)."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= limits.max_event_name_length
        and name.isprintable()
    )


def event_text(data: Any) -> str:
    """events.py: a `str` is sent as is; any other value as its compact JSON."""
    return data if isinstance(data, str) else compact(data)


def info_csv(info: str | list[str] | None) -> str | None:
    """§1.3: `info` is a CSV of attribute names; none given means no `info` field."""
    if info is None:
        return None
    parts = info.split(",") if isinstance(info, str) else info
    kept = [part.strip() for part in parts if part.strip()]
    return ",".join(kept) if kept else None


def shared_secret(channel: str, master_key: bytes) -> str:
    """§2.1/§3: base64 of SHA-256(channel name as UTF-8 || master key)."""
    return base64.b64encode(hashlib.sha256(channel.encode() + master_key).digest()).decode()


def sealed(channel: str, plaintext: str, master_key: bytes, nonce: bytes) -> str:
    """§3: the `data` of an encrypted event: secretbox under the channel's key, as JSON."""
    box = SecretBox(hashlib.sha256(channel.encode() + master_key).digest())
    ciphertext = box.encrypt(plaintext.encode(), nonce).ciphertext
    return compact(
        {
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        }
    )


@dataclasses.dataclass(frozen=True)
class Expected:
    """What the oracle says a signed request is."""

    method: str
    path: str
    body: bytes
    signed: str
    query: tuple[tuple[str, str], ...]
    url: str


def signed_request(
    config: AppConfig,
    method: str,
    path: str,
    body: bytes,
    timestamp: int,
    params: Mapping[str, str | int] | None = None,
) -> Expected:
    """§1.2: auth params, body_md5 for a non-empty body, sorted raw query, HMAC, encoded wire."""
    pairs = {key.lower(): str(value) for key, value in (params or {}).items()}
    pairs |= {
        "auth_key": config.key,
        "auth_timestamp": str(timestamp),
        "auth_version": AUTH_VERSION,
    }
    if body:
        pairs["body_md5"] = hashlib.md5(body).hexdigest()
    ordered = sorted(pairs.items(), key=lambda pair: pair[0].encode())
    signed = "\n".join([method.upper(), path, "&".join(f"{k}={v}" for k, v in ordered)])
    # The signature is appended to the sorted query (§1.2 step 4).
    query = (*ordered, ("auth_signature", hmac_hex(config.secret, signed)))
    default_port = 443 if config.scheme == "https" else 80
    port = default_port if config.port is None else config.port
    origin = f"{config.scheme}://{config.host}" + ("" if port == default_port else f":{port}")
    wire = "&".join(f"{pct(k)}={pct(v)}" for k, v in query)
    return Expected(method.upper(), path, body, signed, query, f"{origin}{path}?{wire}")


def trigger(
    config: AppConfig,
    channels: list[str],
    name: str,
    data: str,
    timestamp: int,
    socket_id: str | None = None,
    info: str | None = None,
) -> Expected:
    """§1.3 `POST /apps/{id}/events` with `data` already the final string."""
    envelope: dict[str, Any] = {"name": name, "channels": channels, "data": data}
    if socket_id is not None:
        envelope["socket_id"] = socket_id
    if info is not None:
        envelope["info"] = info
    body = compact(envelope).encode()
    return signed_request(config, "POST", f"/apps/{config.app_id}/events", body, timestamp)


def channel_auth(config: AppConfig, message: str) -> str:
    """§2.1: `"<key>:" + hex HMAC-SHA256(secret, string)`."""
    return f"{config.key}:{hmac_hex(config.secret, message)}"


WebhookOracle = tuple[int, list[Any]] | str


def webhook(
    secrets: Mapping[str, str], key: str | None, signature: str | None, body: bytes, now_ms: float
) -> WebhookOracle:
    """§4: `(time_ms, event names)` for an authentic, well-formed, fresh body, else why not."""
    if not key:
        return "missing_key"
    if not signature:
        return "missing_signature"
    if key not in secrets:
        return "unknown_key"
    if not hmac.compare_digest(hmac_hex(secrets[key], body).encode(), signature.encode()):
        return "bad_signature"
    try:
        payload = json.loads(body)
    except ValueError:
        return "malformed"
    if not isinstance(payload, dict):
        return "malformed"
    time_ms, events = payload.get("time_ms"), payload.get("events")
    if type(time_ms) is not int or time_ms < 0:
        return "malformed"
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        return "malformed"
    if abs(now_ms - time_ms) > WEBHOOK_WINDOW_MS:
        return "stale"
    return time_ms, [event.get("name") for event in events]


# --- which parameters the oracle finds wrong ------------------------------------------


def data_errors(
    config: AppConfig, channel: object, data: Any, nonce: bytes | None, argument: str
) -> set[str]:
    """One event's data to `channel` (None: several channels): nonce, master key, size."""
    errors = set()
    encrypted = isinstance(channel, str) and channel.startswith(ENCRYPTED)
    if encrypted:
        if nonce is None or len(nonce) != NONCE_BYTES:
            errors.add("nonce")
        if config.encryption_master_key is None:
            errors.add("encryption_master_key_base64")
    try:
        size = len(event_text(data).encode())
    except UnicodeEncodeError:  # a lone surrogate is not UTF-8
        return errors | {argument}
    if encrypted:
        # §3/events.py: the limit applies after encryption (16 B tag, base64, the envelope).
        size = SEALED_OVERHEAD + 4 * math.ceil((size + 16) / 3)
    if size > config.limits.max_payload_bytes:
        errors.add(argument)
    return errors


def trigger_errors(
    config: AppConfig,
    channels: object,
    name: object,
    data: Any,
    socket_id: object,
    nonce: bytes | None,
) -> set[str]:
    """§1.3-1.4, §3: what is wrong with a trigger (empty: it must be accepted)."""
    limits = config.limits
    if isinstance(channels, str):
        names: list[object] = [channels]
        errors = set() if channel_ok(channels, limits) else {"channels"}
    else:
        assert isinstance(channels, list)
        names = channels
        errors = {f"channels[{i}]" for i, n in enumerate(names) if not channel_ok(n, limits)}
        if not 1 <= len(names) <= limits.max_channels_per_trigger:
            errors.add("channels")
    # §3: one event is never published to several channels when any is encrypted.
    if len(names) > 1 and any(isinstance(n, str) and n.startswith(ENCRYPTED) for n in names):
        errors.add("channels")
    if not event_name_ok(name, limits):
        errors.add("event_name")
    errors |= data_errors(config, names[0] if len(names) == 1 else None, data, nonce, "data")
    if socket_id is not None and not socket_ok(socket_id):
        errors.add("socket_id")
    return errors


def batch_errors(config: AppConfig, events: list[dict[str, Any]], nonce: bytes | None) -> set[str]:
    """§1.3-1.4: what is wrong with a batch, per event and as a whole."""
    limits = config.limits
    errors = set() if 1 <= len(events) <= limits.max_batch_size else {"batch"}
    for i, event in enumerate(events):
        if not channel_ok(event["channel"], limits):
            errors.add(f"batch[{i}].channel")
        if not event_name_ok(event["name"], limits):
            errors.add(f"batch[{i}].name")
        errors |= data_errors(config, event["channel"], event["data"], nonce, f"batch[{i}].data")
        socket_id = event.get("socket_id")
        if socket_id is not None and not socket_ok(socket_id):
            errors.add(f"batch[{i}].socket_id")
    return errors


def channel_auth_errors(
    config: AppConfig, channel: object, socket_id: object, user_id: object
) -> set[str]:
    """§2.1/§2.3: only private, private-encrypted and presence channels are authorized."""
    errors = set() if channel_ok(channel, config.limits) else {"channel"}
    if not socket_ok(socket_id):
        errors.add("socket_id")
    name = channel if isinstance(channel, str) else ""
    if not name.startswith((PRIVATE, PRESENCE)):  # public and #server-to-user- channels
        errors.add("channel")
    if name.startswith(PRESENCE) and not presence_user_ok(user_id, config.limits):
        errors.add("user_id")
    if name.startswith(ENCRYPTED) and config.encryption_master_key is None:
        errors.add("encryption_master_key_base64")
    return errors


def user_auth_errors(config: AppConfig, socket_id: object, user_data: object) -> set[str]:
    """§2.1/§1.4: `user_data` has a valid string `id` and an optional bounded `watchlist`."""
    errors = set() if socket_ok(socket_id) else {"socket_id"}
    if not isinstance(user_data, dict) or "id" not in user_data:
        return errors | {"user_data"}
    if not user_id_ok(user_data["id"], config.limits):
        errors.add("user_data['id']")
    if "watchlist" in user_data:
        watchlist = user_data["watchlist"]
        argument = "user_data['watchlist']"
        if not isinstance(watchlist, list) or len(watchlist) > config.limits.max_watchlist_size:
            return errors | {argument}
        errors |= {
            f"{argument}[{i}]"
            for i, member in enumerate(watchlist)
            if not user_id_ok(member, config.limits)
        }
    return errors


# ======================================================================================
# Helpers
# ======================================================================================

TIMESTAMP = 1_700_000_000
timestamps = st.integers(0, 2**63 - 1)


def assert_request(request: HttpRequest, expected: Expected) -> None:
    """`request` is, field for field, the request the oracle computed."""
    assert request.method == expected.method
    assert request.path == expected.path
    assert request.body == expected.body
    assert request.query == expected.query
    assert request.url == expected.url
    content_type = "application/json" if expected.body else None
    assert request.header("Content-Type") == content_type


def refusal(call: Callable[[], object]) -> str | None:
    """None when `call` returns, else the `argument` its `PusherError` names."""
    try:
        call()
    except PusherError as exc:
        error = exc
    else:
        return None
    argument = getattr(error, "argument", None)
    assert isinstance(argument, str), f"{type(error).__name__} names no argument: {error}"
    return argument


def assert_verdict(expected: set[str], got: str | None) -> None:
    """Accepted exactly when the oracle finds nothing wrong; else blamed on a wrong parameter."""
    if expected:
        assert got is not None, f"accepted, but the oracle finds {sorted(expected)} wrong"
        assert got in expected, f"refused naming {got!r}; the oracle finds {sorted(expected)}"
    else:
        assert got is None, f"refused naming {got!r}, but the oracle finds nothing wrong"


# ======================================================================================
# 1. trigger and batch requests are the oracle's requests
# ======================================================================================

valid_channels = st.builds(
    str.__add__,
    st.sampled_from(["", PRIVATE, "private-cache-", PRESENCE, SERVER_TO_USER]),
    channel_names,
)
data_values = st.one_of(
    json_values,
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.just('{"some":"data"}'),
)
ATTRIBUTES = ["user_count", "subscription_count"]
info_values = st.one_of(
    st.none(),
    st.just(""),
    st.lists(st.sampled_from(ATTRIBUTES), max_size=2, unique=True),
    st.sampled_from(
        ["user_count", "user_count,subscription_count", "user_count, subscription_count"]
    ),
)


@given(
    config=request_configs(),
    channels=st.lists(valid_channels, min_size=1, max_size=4),
    as_str=st.booleans(),
    name=event_names,
    data=data_values,
    socket_id=st.none() | socket_ids,
    info=info_values,
    timestamp=timestamps,
)
def test_trigger_request_is_the_protocol_request(
    config: AppConfig,
    channels: list[str],
    as_str: bool,
    name: str,
    data: Any,
    socket_id: str | None,
    info: str | list[str] | None,
    timestamp: int,
) -> None:
    """trigger_request's body, method, path, query and URL are the oracle's, bit for bit."""
    target: str | list[str] = channels[0] if as_str and len(channels) == 1 else channels
    request = trigger_request(
        config,
        channels=target,
        event_name=name,
        data=data,
        timestamp=timestamp,
        socket_id=socket_id,
        info=info,
    )
    expected = trigger(
        config, channels, name, event_text(data), timestamp, socket_id, info_csv(info)
    )
    assert_request(request, expected)


@given(
    config=request_configs(),
    name=event_names,
    suffix=channel_names,
    data=data_values,
    master_key=st.binary(min_size=32, max_size=32),
    nonce=st.binary(min_size=NONCE_BYTES, max_size=NONCE_BYTES),
)
def test_encrypted_trigger_seals_the_data_as_the_protocol_says(
    config: AppConfig, name: str, suffix: str, data: Any, master_key: bytes, nonce: bytes
) -> None:
    """On a private-encrypted channel, data is the secretbox of the plain data string."""
    config = attrs.evolve(config, encryption_master_key=master_key)
    channel = ENCRYPTED + suffix
    request = trigger_request(
        config, channels=channel, event_name=name, data=data, timestamp=TIMESTAMP, nonce=nonce
    )
    text = sealed(channel, event_text(data), master_key, nonce)
    assert_request(request, trigger(config, [channel], name, text, TIMESTAMP))


batch_events = st.fixed_dictionaries(
    {"channel": valid_channels, "name": event_names, "data": data_values},
    optional={"socket_id": st.none() | socket_ids, "info": info_values},
)


@given(
    config=request_configs(),
    events=st.lists(batch_events, min_size=1, max_size=10),
    timestamp=timestamps,
)
def test_batch_request_is_the_protocol_request(
    config: AppConfig, events: list[dict[str, Any]], timestamp: int
) -> None:
    """trigger_batch_request's body, method, path, query and URL are the oracle's."""
    request = trigger_batch_request(config, events=events, timestamp=timestamp)
    items = []
    for event in events:
        item = {
            "name": event["name"],
            "channel": event["channel"],
            "data": event_text(event["data"]),
        }
        if event.get("socket_id") is not None:
            item["socket_id"] = event["socket_id"]
        csv = info_csv(event.get("info"))
        if csv is not None:
            item["info"] = csv
        items.append(item)
    body = compact({"batch": items}).encode()
    path = f"/apps/{config.app_id}/batch_events"
    assert_request(request, signed_request(config, "POST", path, body, timestamp))


# ======================================================================================
# 2. sign_request is the oracle's signature
# ======================================================================================

RESERVED = {"auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"}
param_keys = st.text(
    alphabet=string.ascii_letters + string.digits + "_-[]. \u00e9\u00c4\u00df",
    min_size=1,
    max_size=12,
).filter(lambda k: k.lower() not in RESERVED)
param_values = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.integers()
params_ = st.dictionaries(param_keys, param_values, max_size=6).filter(
    lambda params: len({k.lower() for k in params}) == len(params)  # keys are case-blind
)
paths = st.lists(
    st.text(alphabet=string.ascii_letters + string.digits + "-_.~%=@,;", min_size=1, max_size=12),
    max_size=4,
)


@given(
    config=request_configs(),
    method=st.sampled_from(["GET", "get", "Get", "POST", "post"]),
    segments=paths,
    params=params_,
    body=st.just(b"") | st.binary(max_size=60),
    timestamp=timestamps,
)
def test_sign_request_is_the_protocol_signature(
    config: AppConfig,
    method: str,
    segments: list[str],
    params: dict[str, str | int],
    body: bytes,
    timestamp: int,
) -> None:
    """sign_request's query, signed string and URL are the oracle's; no body_md5 without a body."""
    path = "/".join([f"/apps/{config.app_id}", *segments])
    request = sign_request(
        config, method=method, path=path, timestamp=timestamp, params=params, body=body
    )
    expected = signed_request(config, method, path, body, timestamp, params)
    assert_request(request, expected)
    assert ("body_md5" in dict(request.query)) == bool(body)
    assert string_to_sign(request.method, request.path, request.query) == expected.signed


# ======================================================================================
# 3. the builders accept exactly what the oracle's grammar accepts
# ======================================================================================

SMALL = Limits(
    max_channels_per_trigger=3,
    max_batch_size=3,
    max_event_name_length=12,
    max_payload_bytes=120,
    max_channel_name_length=24,
    max_user_id_length=10,
    max_watchlist_size=2,
)


short_names = st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=8)
short_channels = st.builds(
    str.__add__, st.sampled_from(["", PRIVATE, PRESENCE, SERVER_TO_USER, ENCRYPTED]), short_names
)
short_event_names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")), min_size=1, max_size=12
)
short_user_ids = st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=10)
short_socket_ids = st.builds("{}.{}".format, st.integers(0, 10**6), st.integers(0, 10**6))


@st.composite
def mostly(draw: st.DrawFn, valid: st.SearchStrategy[Any], noisy: st.SearchStrategy[Any]) -> Any:
    """Valid values three times in four, nearly valid ones otherwise.

    (`st.one_of(valid, valid, valid, noisy)` does not weight its branches: measured over
    1,000 examples, only about a third of its values were valid.)
    """
    return draw(valid) if draw(st.integers(0, 3)) else draw(noisy)


@st.composite
def small_configs(draw: st.DrawFn) -> AppConfig:
    """An app with small limits, with or without an encryption master key."""
    return AppConfig(
        app_id="1",
        key="k",
        secret=draw(secrets_),
        encryption_master_key=draw(st.none() | st.just(b"m" * 32)),
        limits=SMALL,
    )


trigger_channels = st.one_of(
    mostly(short_channels, near_channel_names),
    st.lists(mostly(short_channels, near_channel_names), max_size=4),
)
# Sizes at SMALL's 120-byte limit: plain (ASCII and 2-byte UTF-8), and plaintexts whose
# sealed form is 120 bytes (29 B) or just over it (30 B).
boundary_data = st.sampled_from(
    ["x" * 119, "x" * 120, "x" * 121, "\u00e9" * 60, "\u00e9" * 61, "x" * 29, "x" * 30]
)
near_data = st.one_of(
    boundary_data,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.text(alphabet="x", min_size=100, max_size=130),
    st.dictionaries(st.text(max_size=4), st.text(max_size=30), max_size=3),
    st.just("\ud800"),
)
nonces = mostly(
    st.binary(min_size=NONCE_BYTES, max_size=NONCE_BYTES), st.none() | st.just(b"short")
)


@given(
    config=small_configs(),
    channels=trigger_channels,
    name=mostly(short_event_names, near_event_names),
    data=near_data,
    socket_id=mostly(st.none() | short_socket_ids, near_socket_ids),
    nonce=nonces,
)
def test_trigger_accepts_exactly_the_protocol_grammar(
    config: AppConfig,
    channels: Any,
    name: Any,
    data: Any,
    socket_id: Any,
    nonce: bytes | None,
) -> None:
    """trigger_request accepts exactly the oracle's valid triggers and blames a wrong parameter."""
    got = refusal(
        lambda: trigger_request(
            config,
            channels=channels,
            event_name=name,
            data=data,
            timestamp=TIMESTAMP,
            socket_id=socket_id,
            nonce=nonce,
        )
    )
    assert_verdict(trigger_errors(config, channels, name, data, socket_id, nonce), got)


near_batch_events = st.fixed_dictionaries(
    {
        "channel": mostly(short_channels, near_channel_names),
        "name": mostly(short_event_names, near_event_names),
        "data": near_data,
    },
    optional={"socket_id": mostly(st.none() | short_socket_ids, near_socket_ids)},
)


@given(config=small_configs(), events=st.lists(near_batch_events, max_size=4), nonce=nonces)
def test_batch_accepts_exactly_the_protocol_grammar(
    config: AppConfig, events: list[dict[str, Any]], nonce: bytes | None
) -> None:
    """trigger_batch_request accepts exactly the oracle's valid batches, blaming a wrong field."""
    got = refusal(
        lambda: trigger_batch_request(config, events=events, timestamp=TIMESTAMP, nonce=nonce)
    )
    assert_verdict(batch_errors(config, events, nonce), got)


@given(
    config=small_configs(),
    channel=mostly(short_channels, near_channel_names),
    socket_id=mostly(short_socket_ids, near_socket_ids),
    user_id=mostly(st.none() | short_user_ids, near_user_ids),
    user_info=st.none() | json_values,
)
def test_channel_authorization_accepts_exactly_the_protocol_grammar(
    config: AppConfig, channel: str, socket_id: Any, user_id: Any, user_info: Any
) -> None:
    """authorize_channel accepts exactly the oracle's authorizable requests, blaming a wrong one."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = refusal(
            lambda: authorize_channel(
                config, channel=channel, socket_id=socket_id, user_id=user_id, user_info=user_info
            )
        )
    assert_verdict(channel_auth_errors(config, channel, socket_id, user_id), got)
    if got is None:
        # auth.py: a user id or info on a non-presence channel is not signed, and it says so.
        ignored = not channel.startswith(PRESENCE) and (user_id, user_info) != (None, None)
        expected_warnings = [IgnoredCustomDataWarning] if ignored else []
        assert [warning.category for warning in caught] == expected_warnings


near_watchlists = mostly(
    st.lists(mostly(short_user_ids, near_user_ids), max_size=3), st.none() | st.text(max_size=3)
)
near_user_data = mostly(
    st.fixed_dictionaries(
        {"id": mostly(short_user_ids, near_user_ids)},
        optional={"user_info": json_values, "watchlist": near_watchlists},
    ),
    st.one_of(
        st.none(),
        st.integers(),
        st.dictionaries(st.sampled_from(["name", "user_info"]), json_values, max_size=2),
    ),
)


@given(
    config=small_configs(),
    socket_id=mostly(short_socket_ids, near_socket_ids),
    user_data=near_user_data,
)
def test_user_authentication_accepts_exactly_the_protocol_grammar(
    config: AppConfig, socket_id: Any, user_data: Any
) -> None:
    """authenticate_user accepts exactly the oracle's valid sign-ins, blaming a wrong parameter."""
    got = refusal(lambda: authenticate_user(config, socket_id=socket_id, user_data=user_data))
    assert_verdict(user_auth_errors(config, socket_id, user_data), got)


# ======================================================================================
# 4. auth values are the oracle's HMACs
# ======================================================================================


@given(
    config=request_configs(),
    prefix=st.sampled_from([PRIVATE, "private-cache-"]),
    suffix=channel_names,
    socket_id=socket_ids,
    custom_data=st.none()
    | st.dictionaries(st.sampled_from(["user_id", "user_info", "x"]), json_values),
)
def test_private_channel_auth_is_the_protocol_signature(
    config: AppConfig, prefix: str, suffix: str, socket_id: str, custom_data: dict[str, Any] | None
) -> None:
    """A private channel's auth is key:HMAC(secret, "socket_id:channel"), whatever custom_data."""
    channel = prefix + suffix
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = authorize_channel(
            config, channel=channel, socket_id=socket_id, custom_data=custom_data
        )
    expected = {"auth": channel_auth(config, f"{socket_id}:{channel}")}
    assert result.to_dict() == expected
    assert result.to_json() == compact(expected)
    # §2.1: servers verify only socket_id:channel here; auth.py warns that the rest is unused.
    expected_warnings = [IgnoredCustomDataWarning] if custom_data else []
    assert [warning.category for warning in caught] == expected_warnings


presence_user_ids = user_ids | st.integers(-(10**12), 10**12)


@given(
    config=request_configs(),
    suffix=channel_names,
    socket_id=socket_ids,
    user_id=presence_user_ids,
    user_info=st.none() | json_values,
)
def test_presence_channel_auth_signs_the_channel_data(
    config: AppConfig, suffix: str, socket_id: str, user_id: str | int, user_info: Any
) -> None:
    """A presence auth signs "socket:channel:channel_data" and returns that channel_data."""
    channel = PRESENCE + suffix
    member: dict[str, Any] = {"user_id": user_id}
    if user_info is not None:
        member["user_info"] = user_info
    channel_data = compact(member)
    expected = {
        "auth": channel_auth(config, f"{socket_id}:{channel}:{channel_data}"),
        "channel_data": channel_data,
    }
    result = authorize_channel(
        config, channel=channel, socket_id=socket_id, user_id=user_id, user_info=user_info
    )
    assert result.to_dict() == expected
    assert result.to_json() == compact(expected)
    # The reference's form, custom_data, signs the same member.
    assert authenticate(config, channel, socket_id, member) == expected


@given(
    config=request_configs(),
    suffix=channel_names,
    socket_id=socket_ids,
    master_key=st.binary(min_size=32, max_size=32),
)
def test_encrypted_channel_auth_carries_the_shared_secret(
    config: AppConfig, suffix: str, socket_id: str, master_key: bytes
) -> None:
    """A private-encrypted auth is the private auth plus base64(sha256(channel || master key))."""
    config = attrs.evolve(config, encryption_master_key=master_key)
    channel = ENCRYPTED + suffix
    result = authorize_channel(config, channel=channel, socket_id=socket_id)
    expected = {
        "auth": channel_auth(config, f"{socket_id}:{channel}"),
        "shared_secret": shared_secret(channel, master_key),
    }
    assert result.to_dict() == expected
    assert result.to_json() == compact(expected)


@given(
    config=request_configs(),
    socket_id=socket_ids,
    user_id=user_ids,
    extra=st.fixed_dictionaries(
        {},
        optional={
            "user_info": json_values,
            "watchlist": st.lists(user_ids, max_size=5),
            "name": st.text(max_size=20),
        },
    ),
)
def test_user_auth_signs_the_user_data(
    config: AppConfig, socket_id: str, user_id: str, extra: dict[str, Any]
) -> None:
    """A user auth signs "socket::user::user_data", user_data being the compact JSON given."""
    user_data = {"id": user_id, **extra}
    encoded = compact(user_data)
    expected = {"auth": channel_auth(config, f"{socket_id}::user::{encoded}"), "user_data": encoded}
    result = authenticate_user(config, socket_id=socket_id, user_data=user_data)
    assert result.to_dict() == expected
    assert result.to_json() == compact(expected)


# ======================================================================================
# 5. webhooks: the verdict is the minimal verifier's
# ======================================================================================

R = WebhookRejectReason
REASONS = {
    R.MISSING_KEY: "missing_key",
    R.MISSING_SIGNATURE: "missing_signature",
    R.UNKNOWN_KEY: "unknown_key",
    R.BAD_SIGNATURE: "bad_signature",
    R.NOT_A_JSON_OBJECT: "malformed",
    R.MISSING_TIME_MS: "malformed",
    R.MISSING_EVENTS: "malformed",
    R.STALE: "stale",
}
NOW_MS = 1_700_000_000_000
webhook_events = st.one_of(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["channel_occupied", "channel_vacated", "cache_miss"]),
            "channel": channel_names,
        }
    ),
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["member_added", "member_removed"]),
            "channel": channel_names.map(PRESENCE.__add__),
            "user_id": user_ids,
        }
    ),
    st.fixed_dictionaries(
        {
            "name": st.just("client_event"),
            "channel": channel_names,
            "event": st.text(max_size=10),
            "data": st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
        }
    ),
    st.fixed_dictionaries({"name": st.text(max_size=12)}, optional={"x": json_values}),
)
offsets = st.one_of(
    st.sampled_from(
        [-WEBHOOK_WINDOW_MS - 1, -WEBHOOK_WINDOW_MS, 0, WEBHOOK_WINDOW_MS, WEBHOOK_WINDOW_MS + 1]
    ),
    st.integers(-2 * WEBHOOK_WINDOW_MS, 2 * WEBHOOK_WINDOW_MS),
)
MALFORMED_BODIES = (b"", b"not json", b"{", b"\xff\xfe{}", b"[]", b'"time_ms"', b"1")
FAULTS = (
    "rotated_key",  # signed with another configured key (unknown unless rotating)
    "wrong_secret",
    "unknown_key",
    "stale",
    "malformed",
    "not_json",
    "flip",  # one bit of the body flipped after signing
    "space",  # a space appended after signing: the same JSON, other bytes
    "upper",  # the signature in upper-case hex
    "no_signature",
    "no_key",
    "empty_signature",  # the header sent with an empty value
    "empty_key",
)


def one_in(draw: st.DrawFn, n: int) -> bool:
    """True once in `n` draws (an explicit weight: `sampled_from` is not uniform)."""
    return draw(st.integers(0, n - 1)) == 0


@st.composite
def webhook_bodies(draw: st.DrawFn, time_ms: int, *, malformed: bool) -> bytes:
    """A body as Pusher sends it (any key order, spacing, escaping), or a malformed one."""
    events = draw(st.lists(webhook_events, max_size=3))
    payload: Any = {"time_ms": time_ms, "events": events}
    if malformed:
        payload = draw(
            st.sampled_from(
                [
                    {"events": events},
                    {"time_ms": str(time_ms), "events": events},
                    {"time_ms": None, "events": events},
                    {"time_ms": -1, "events": events},
                    {"time_ms": time_ms},
                    {"time_ms": time_ms, "events": {"name": "channel_occupied"}},
                    {"time_ms": time_ms, "events": [*events, 1]},
                    [time_ms, events],
                ]
            )
        )
    if isinstance(payload, dict) and draw(st.booleans()):
        payload = dict(reversed(payload.items()))
    separators = None if draw(st.booleans()) else (",", ":")
    return json.dumps(payload, ensure_ascii=draw(st.booleans()), separators=separators).encode()


@dataclasses.dataclass(frozen=True)
class Delivery:
    """A webhook as received, and who may verify it."""

    config: AppConfig
    rotated: dict[str, str]  # other keys that may sign (secrets=)
    mode: str  # "config", "rotation" or "secrets"
    key: str | None
    signature: str | None
    body: bytes
    now_ms: int


@st.composite
def deliveries(draw: st.DrawFn) -> Delivery:
    """Authentic webhooks, and ones with one fault: key, secret, body, signature or time."""
    config = draw(app_configs())
    rotated = draw(st.dictionaries(keys.filter(lambda k: k != config.key), secrets_, max_size=2))
    mode = draw(st.sampled_from(["config", "rotation", "secrets"]))
    fault = "none" if one_in(draw, 2) else draw(st.sampled_from(FAULTS))
    key, secret = config.key, config.secret
    if fault == "rotated_key" and rotated:
        key, secret = draw(st.sampled_from(sorted(rotated.items())))
    elif fault == "wrong_secret":
        secret = draw(secrets_)  # (almost always) not the key's secret
    elif fault == "unknown_key":
        key = draw(keys)  # (almost always) a key nobody configured
    now_ms = NOW_MS + draw(st.integers(-(10**9), 10**9))
    in_window = st.integers(-WEBHOOK_WINDOW_MS, WEBHOOK_WINDOW_MS)
    time_ms = now_ms + draw(offsets if fault == "stale" else in_window)
    if fault == "not_json":
        body = draw(st.sampled_from(MALFORMED_BODIES))
    else:
        body = draw(webhook_bodies(time_ms, malformed=fault == "malformed"))
    signature = hmac_hex(secret, body)
    if fault == "flip" and body:
        at = draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([body[at] ^ (1 << draw(st.integers(0, 7)))]) + body[at + 1 :]
    elif fault == "space":
        body += b" "
    elif fault == "upper":
        signature = signature.upper()
    return Delivery(
        config,
        rotated,
        mode,
        {"no_key": None, "empty_key": ""}.get(fault, key),
        {"no_signature": None, "empty_signature": ""}.get(fault, signature),
        body,
        now_ms,
    )


def _headers(delivery: Delivery, as_pairs: bool) -> dict[str, str] | list[tuple[str, str]]:
    found = [("X-Pusher-Key", delivery.key), ("X-Pusher-Signature", delivery.signature)]
    present = [(name, value) for name, value in found if value is not None]
    if as_pairs:
        return [(name.lower(), value) for name, value in present]
    return dict(present)


@given(delivery=deliveries(), as_pairs=st.booleans())
def test_webhook_verdicts_are_the_minimal_verifiers(delivery: Delivery, as_pairs: bool) -> None:
    """verify_webhook and validate_webhook accept exactly what the minimal verifier accepts."""
    config, body, now_ms = delivery.config, delivery.body, delivery.now_ms
    own = {config.key: config.secret}
    trusted = {**delivery.rotated, **own}
    headers = _headers(delivery, as_pairs)
    if delivery.mode == "config":
        trusted = own
        verdict = verify_webhook(config, headers=headers, body=body, now_ms=now_ms)
    elif delivery.mode == "rotation":
        verdict = verify_webhook(
            config, headers=headers, body=body, now_ms=now_ms, secrets=delivery.rotated
        )
    else:
        verdict = verify_webhook(headers=headers, body=body, now_ms=now_ms, secrets=trusted)
    expected = webhook(trusted, delivery.key, delivery.signature, body, now_ms)
    if isinstance(expected, str):
        assert isinstance(verdict, RejectedWebhook)
        assert REASONS[verdict.reason] == expected
    else:
        assert isinstance(verdict, ValidWebhook)
        assert (verdict.key, verdict.time_ms) == (delivery.key, expected[0])
        assert [event.name for event in verdict.events] == expected[1]
    # The reference's form: one key (the app's own), the body dict or None.
    reference = validate_webhook(config, delivery.key, delivery.signature, body, now_ms)
    if isinstance(webhook(own, delivery.key, delivery.signature, body, now_ms), str):
        assert reference is None
    else:
        assert reference == json.loads(body)


def test_a_webhook_half_a_millisecond_past_the_window_is_stale() -> None:
    """|now_ms - time_ms| > 15 minutes is stale, for a fractional now_ms too."""
    config = AppConfig(app_id="1", key="k", secret="s")
    time_ms = NOW_MS - WEBHOOK_WINDOW_MS
    body = compact({"time_ms": time_ms, "events": []}).encode()
    headers = {"X-Pusher-Key": "k", "X-Pusher-Signature": hmac_hex("s", body)}
    now_ms = NOW_MS + 0.5
    assert webhook({"k": "s"}, "k", headers["X-Pusher-Signature"], body, now_ms) == "stale"
    verdict = verify_webhook(config, headers=headers, body=body, now_ms=now_ms)
    assert isinstance(verdict, RejectedWebhook)
    assert verdict.reason is R.STALE


# ======================================================================================
# 6. the documented vectors, through the oracle and through pusher_core
# ======================================================================================

DOC_KEY, DOC_SECRET = "278d425bdf160c739803", "7ad3773142a6692b25b8"
DOC_CONFIG = AppConfig(app_id="3", key=DOC_KEY, secret=DOC_SECRET)
DOC_BODY = b'{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'
DOC_MD5 = "ec365a775a4cd0599faeb73354201b6f"
DOC_SIGNATURE = "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
DOC_SIGNED = (
    "POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179"
    "&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f"
)


def test_the_oracle_reproduces_the_request_signing_vector() -> None:
    """The oracle signs the docs' trigger body to the docs' md5, string and signature."""
    expected = signed_request(DOC_CONFIG, "POST", "/apps/3/events", DOC_BODY, 1353088179)
    query = dict(expected.query)
    assert (query["body_md5"], expected.signed) == (DOC_MD5, DOC_SIGNED)
    assert query["auth_signature"] == DOC_SIGNATURE


def test_trigger_request_reproduces_the_request_signing_vector() -> None:
    """trigger_request builds the docs' body exactly and signs it to the docs' signature."""
    request = trigger_request(
        DOC_CONFIG,
        channels="project-3",
        event_name="foo",
        data={"some": "data"},
        timestamp=1353088179,
    )
    assert request.body == DOC_BODY
    assert dict(request.query)["body_md5"] == DOC_MD5
    assert dict(request.query)["auth_signature"] == DOC_SIGNATURE
    assert_request(
        request, signed_request(DOC_CONFIG, "POST", "/apps/3/events", DOC_BODY, 1353088179)
    )


def test_the_oracle_reproduces_the_python_suite_request_vectors() -> None:
    """The oracle reproduces pusher-http-python's GET (md5 of empty included) and POST vectors."""
    config = AppConfig(app_id="4", key="key", secret="secret", scheme="http", host="somehost")
    empty_md5 = hashlib.md5(b"").hexdigest()
    get = signed_request(
        config, "GET", "/some/obscure/api", b"", 1000, {"foo": "bar", "body_md5": empty_md5}
    )
    assert dict(get.query)["auth_signature"][:8] == "5c49f04a"
    assert dict(get.query)["auth_signature"][-4:] == "dbac"
    post = signed_request(config, "POST", "/some/obscure/api", b'{"foo": "bar"}', 1000)
    assert dict(post.query)["auth_signature"][:8] == "e05fa4ca"
    assert dict(post.query)["auth_signature"][-4:] == "258b"


PRIVATE_VECTOR = "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
USER_VECTOR = "4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba"


def test_private_auth_vector() -> None:
    """§2.1: private-foobar on socket 1234.1234 signs to the documented HMAC."""
    assert hmac_hex(DOC_SECRET, "1234.1234:private-foobar") == PRIVATE_VECTOR
    result = authorize_channel(DOC_CONFIG, channel="private-foobar", socket_id="1234.1234")
    assert result.auth == f"{DOC_KEY}:{PRIVATE_VECTOR}"


def test_user_auth_vector() -> None:
    """§2.1: user {"id":"12345"} on socket 1234.1234 signs to the documented HMAC."""
    assert hmac_hex(DOC_SECRET, '1234.1234::user::{"id":"12345"}') == USER_VECTOR
    result = authenticate_user(DOC_CONFIG, socket_id="1234.1234", user_data={"id": "12345"})
    assert (result.auth, result.user_data) == (f"{DOC_KEY}:{USER_VECTOR}", '{"id":"12345"}')


def test_presence_auth_vector_and_the_stale_doc_vector() -> None:
    """§2.1: "Mr. Channels" signs to 31935e7d86db…; the doc's afaed3695da2… is "Mr. Pusher"."""
    for name, prefix in (("Mr. Channels", "31935e7d86db"), ("Mr. Pusher", "afaed3695da2")):
        channel_data = compact({"user_id": 10, "user_info": {"name": name}})
        message = f"1234.1234:presence-foobar:{channel_data}"
        assert hmac_hex(DOC_SECRET, message).startswith(prefix)
        result = authorize_channel(
            DOC_CONFIG,
            channel="presence-foobar",
            socket_id="1234.1234",
            user_id=10,
            user_info={"name": name},
        )
        assert result.channel_data == channel_data
        assert result.auth == f"{DOC_KEY}:{hmac_hex(DOC_SECRET, message)}"


def test_python_suite_auth_vectors() -> None:
    """§2.1: pusher-http-python's private, encrypted shared_secret and user sign-in vectors."""
    config = AppConfig(
        app_id="1",
        key="foo",
        secret="bar",
        encryption_master_key=base64.b64decode("OHRXNUZRTG5pUTFzQlFGd3J3N3Q2VFZFc0paZDEweVk="),
    )
    signature = hmac_hex("bar", "345.23:private-channel")
    assert (signature[:8], signature[-4:]) == ("89955e77", "92ff")
    assert authorize_channel(config, channel="private-channel", socket_id="345.23").auth == (
        f"foo:{signature}"
    )
    secret = "VmIsNZtCSteh8kazd2toc+ofhohBtUouQRSDtRvuyVI="
    assert config.encryption_master_key is not None
    assert shared_secret("private-encrypted-channel", config.encryption_master_key) == secret
    encrypted = authorize_channel(config, channel="private-encrypted-channel", socket_id="345.23")
    assert encrypted.shared_secret == secret
    user = AppConfig(app_id="1", key="thisisaauthkey", secret="thisisasecret")
    user_data = {"id": "123", "name": "John Smith"}
    signature = hmac_hex("thisisasecret", f"12345.6789::user::{compact(user_data)}")
    assert (signature[:8], signature[-4:]) == ("0dddb208", "7373")
    result = authenticate_user(user, socket_id="12345.6789", user_data=user_data)
    assert result.auth == f"thisisaauthkey:{signature}"
