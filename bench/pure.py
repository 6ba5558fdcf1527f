"""Rows 1-6: the pure builders (no I/O), against the reference and the floor.

Each contender returns what its caller needs next: the signed URL (the body is
built on the way), the auth string or dict, the parsed webhook. Before timing,
every floor is checked to produce exactly pusher-core's bytes for the same input
(same timestamp and nonce), so the floor does the same work and nothing more.

The timestamp is read from the clock and, for encrypted events, a fresh 24-byte
nonce is drawn inside every contender's loop, as the reference does internally.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from typing import Any

from bench.common import (
    APP_ID,
    CORE,
    FLOOR,
    KEY,
    MASTER_KEY,
    MASTER_KEY_B64,
    REFERENCE,
    SECRET,
    SECRET_BYTES,
    Line,
    Runner,
    Settings,
    all_met,
    at_most,
    interleave,
    looped,
    median,
    paired_ratio,
    same,
)

CHANNEL = "my-channel"
ENCRYPTED_CHANNEL = "private-encrypted-my-channel"
PRIVATE_CHANNEL = "private-my-channel"
PRESENCE_CHANNEL = "presence-my-channel"
EVENT = "my-event"
DATA: dict[str, Any] = {"message": "hello world", "count": 42}
SOCKET_ID = "1234.5678"
MEMBER: dict[str, Any] = {"user_id": "42", "user_info": {"name": "Ada Lovelace"}}
USER_DATA: dict[str, Any] = {"id": "42", "user_info": {"name": "Ada Lovelace"}}
BATCH: list[dict[str, Any]] = [
    {"channel": f"channel-{i}", "name": EVENT, "data": {"message": "hello", "index": i}}
    for i in range(10)
]
BASE_URL = "https://api-mt1.pusher.com"
EVENTS_PATH = f"/apps/{APP_ID}/events"
BATCH_PATH = f"/apps/{APP_ID}/batch_events"

# The same compact, non-ASCII-escaping JSON the candidate sends: one encoder, built once.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# --- the floor: the bare primitive work, inline ----------------------------------------


def floor_signed_url(path: str, body: bytes, timestamp: int) -> str:
    """json body in, signed URL out: md5, the sorted query, one HMAC, formatting."""
    query = (
        f"auth_key={KEY}&auth_timestamp={timestamp}&auth_version=1.0"
        f"&body_md5={hashlib.md5(body).hexdigest()}"
    )
    signature = hmac.new(
        SECRET_BYTES, f"POST\n{path}\n{query}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{BASE_URL}{path}?{query}&auth_signature={signature}"


def floor_trigger(timestamp: int) -> tuple[str, bytes]:
    body = _ENCODE({"name": EVENT, "channels": [CHANNEL], "data": _ENCODE(DATA)}).encode()
    return floor_signed_url(EVENTS_PATH, body, timestamp), body


def floor_batch(timestamp: int) -> tuple[str, bytes]:
    items = [
        {"name": event["name"], "channel": event["channel"], "data": _ENCODE(event["data"])}
        for event in BATCH
    ]
    body = _ENCODE({"batch": items}).encode()
    return floor_signed_url(BATCH_PATH, body, timestamp), body


def floor_encrypted(timestamp: int, nonce: bytes) -> tuple[str, bytes]:
    import base64

    from nacl.secret import SecretBox

    key = hashlib.sha256(ENCRYPTED_CHANNEL.encode() + MASTER_KEY).digest()
    sealed = SecretBox(key).encrypt(_ENCODE(DATA).encode(), nonce).ciphertext
    data = _ENCODE(
        {
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ciphertext": base64.b64encode(sealed).decode("ascii"),
        }
    )
    body = _ENCODE({"name": EVENT, "channels": [ENCRYPTED_CHANNEL], "data": data}).encode()
    return floor_signed_url(EVENTS_PATH, body, timestamp), body


def floor_private_auth() -> str:
    message = f"{SOCKET_ID}:{PRIVATE_CHANNEL}".encode()
    return f"{KEY}:{hmac.new(SECRET_BYTES, message, hashlib.sha256).hexdigest()}"


def floor_presence_auth() -> tuple[str, str]:
    channel_data = _ENCODE(MEMBER)
    message = f"{SOCKET_ID}:{PRESENCE_CHANNEL}:{channel_data}".encode()
    return f"{KEY}:{hmac.new(SECRET_BYTES, message, hashlib.sha256).hexdigest()}", channel_data


def floor_user_auth() -> tuple[str, str]:
    user_data = _ENCODE(USER_DATA)
    message = f"{SOCKET_ID}::user::{user_data}".encode()
    return f"{KEY}:{hmac.new(SECRET_BYTES, message, hashlib.sha256).hexdigest()}", user_data


def floor_webhook(body: bytes, signature: str) -> Any:
    expected = hmac.new(SECRET_BYTES, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return None
    return json.loads(body)


def webhook_body() -> tuple[bytes, str]:
    """A one-event webhook, signed now (the reference rejects bodies older than 5 minutes)."""
    body = _ENCODE(
        {
            "time_ms": int(time.time() * 1000),
            "events": [{"name": "channel_occupied", "channel": CHANNEL}],
        }
    ).encode()
    return body, hmac.new(SECRET_BYTES, body, hashlib.sha256).hexdigest()


# --- the contenders ------------------------------------------------------------------


def _reference_client() -> Any | None:
    try:
        import pusher
    except ImportError:
        return None
    return pusher.Pusher(APP_ID, KEY, SECRET, encryption_master_key_base64=MASTER_KEY_B64)


def _fresh_batches(n: int) -> list[list[dict[str, Any]]]:
    # The reference writes the encoded data back into the caller's dicts: it gets
    # fresh ones every call (built untimed), or it would skip the encoding.
    return [[dict(event) for event in BATCH] for _ in range(n)]


class _Row:
    """One measured row: the runners, a check that the floor equals the candidate."""

    def __init__(
        self,
        row: str,
        what: str,
        floor: Runner,
        core: Runner,
        reference: Runner | None,
        limit: float,
    ) -> None:
        self.row = row
        self.what = what
        self.runners = {FLOOR: floor, CORE: core}
        if reference is not None:
            self.runners[REFERENCE] = reference
        self.limit = limit

    def measure(self, settings: Settings) -> Line:
        samples = interleave(self.runners, settings)
        core = samples[CORE]
        ref = samples.get(REFERENCE)
        vs_floor = paired_ratio(core, samples[FLOOR])
        vs_ref = None if ref is None else paired_ratio(core, ref)
        line = Line(
            row=self.row,
            what=self.what,
            unit="µs/op",
            floor=median(samples[FLOOR]) / 1e3,
            reference=None if ref is None else median(ref) / 1e3,
            core=median(core) / 1e3,
            vs_floor=vs_floor,
            vs_reference=vs_ref,
            target=f"≤ {self.limit:.2f}x floor, < 1x ref",
            met=all_met(at_most(vs_floor, self.limit), None if vs_ref is None else vs_ref < 1),
        )
        if ref is None:
            line.notes.append("reference not installed")
        return line


# The targets: pure builders and webhook verification at most 1.25x the floor
# (and faster than the reference, checked in `_Row.measure`).
_BUILDER_LIMIT = 1.25
_WEBHOOK_LIMIT = 1.25


def _check(what: str, got: object, expected: object) -> None:
    if got != expected:
        msg = f"{what}: the floor does not produce pusher-core's bytes:\n{got!r}\n{expected!r}"
        raise AssertionError(msg)


def build_rows(*, webhooks: bool = True) -> list[_Row]:
    """The rows 1-6, after checking that each floor produces the candidate's exact output."""
    from pusher_core import auth
    from pusher_core.config import AppConfig
    from pusher_core.events import trigger_batch_request, trigger_request

    config = AppConfig.from_options(
        APP_ID, KEY, SECRET, encryption_master_key_base64=MASTER_KEY_B64
    )
    reference = _reference_client()
    # The reference's seam for a request built but not sent: `make_request` on the
    # request methods of its inner client.
    seam: Any = None if reference is None else reference._pusher_client  # noqa: SLF001
    ref_api: Any = reference
    stamp = int(time.time())
    nonce = os.urandom(24)

    # Same bytes: floor and candidate, same timestamp and nonce.
    request = trigger_request(
        config, channels=CHANNEL, event_name=EVENT, data=DATA, timestamp=stamp
    )
    _check("trigger", floor_trigger(stamp), (request.url, request.body))
    request = trigger_batch_request(config, events=BATCH, timestamp=stamp)
    _check("batch", floor_batch(stamp), (request.url, request.body))
    request = trigger_request(
        config,
        channels=ENCRYPTED_CHANNEL,
        event_name=EVENT,
        data=DATA,
        timestamp=stamp,
        nonce=nonce,
    )
    _check("encrypted trigger", floor_encrypted(stamp, nonce), (request.url, request.body))
    private = auth.authorize_channel(config, channel=PRIVATE_CHANNEL, socket_id=SOCKET_ID)
    _check("private auth", floor_private_auth(), private.auth)
    presence = auth.authorize_channel(
        config,
        channel=PRESENCE_CHANNEL,
        socket_id=SOCKET_ID,
        user_id=MEMBER["user_id"],
        user_info=MEMBER["user_info"],
    )
    _check("presence auth", floor_presence_auth(), (presence.auth, presence.channel_data))
    user = auth.authenticate_user(config, socket_id=SOCKET_ID, user_data=USER_DATA)
    _check("user auth", floor_user_auth(), (user.auth, user.user_data))

    clock = time.time

    def core_trigger(_: object) -> str:
        return trigger_request(
            config, channels=CHANNEL, event_name=EVENT, data=DATA, timestamp=int(clock())
        ).url

    def core_batch(_: object) -> str:
        return trigger_batch_request(config, events=BATCH, timestamp=int(clock())).url

    def core_encrypted(_: object) -> str:
        return trigger_request(
            config,
            channels=ENCRYPTED_CHANNEL,
            event_name=EVENT,
            data=DATA,
            timestamp=int(clock()),
            nonce=os.urandom(24),
        ).url

    def core_private(_: object) -> object:
        return auth.authorize_channel(config, channel=PRIVATE_CHANNEL, socket_id=SOCKET_ID)

    def core_presence(_: object) -> object:
        return auth.authorize_channel(
            config,
            channel=PRESENCE_CHANNEL,
            socket_id=SOCKET_ID,
            user_id=MEMBER["user_id"],
            user_info=MEMBER["user_info"],
        )

    def core_user(_: object) -> object:
        return auth.authenticate_user(config, socket_id=SOCKET_ID, user_data=USER_DATA)

    def ref(build: Callable[[Any], object]) -> Runner | None:
        return None if reference is None else looped(build, same())

    rows = [
        _Row(
            "1",
            "Build and sign a trigger (1 channel, small dict)",
            looped(lambda _: floor_trigger(int(clock()))[0], same()),
            looped(core_trigger, same()),
            ref(lambda _: seam.trigger.make_request(CHANNEL, EVENT, DATA).url),
            _BUILDER_LIMIT,
        ),
        _Row(
            "2",
            "Build and sign a batch of 10 events",
            looped(lambda _: floor_batch(int(clock()))[0], same()),
            looped(core_batch, same()),
            None
            if reference is None
            else looped(
                lambda batch: seam.trigger_batch.make_request(batch).url,
                _fresh_batches,
            ),
            _BUILDER_LIMIT,
        ),
        _Row(
            "3",
            "Encrypted trigger (fixed master key, fresh nonce)",
            looped(lambda _: floor_encrypted(int(clock()), os.urandom(24))[0], same()),
            looped(core_encrypted, same()),
            ref(lambda _: seam.trigger.make_request(ENCRYPTED_CHANNEL, EVENT, DATA).url),
            _BUILDER_LIMIT,
        ),
        _Row(
            "4a",
            "Private channel auth",
            looped(lambda _: floor_private_auth(), same()),
            looped(core_private, same()),
            ref(lambda _: ref_api.authenticate(PRIVATE_CHANNEL, SOCKET_ID)),
            _BUILDER_LIMIT,
        ),
        _Row(
            "4b",
            "Presence channel auth (user id + info)",
            looped(lambda _: floor_presence_auth(), same()),
            looped(core_presence, same()),
            ref(lambda _: ref_api.authenticate(PRESENCE_CHANNEL, SOCKET_ID, copy.copy(MEMBER))),
            _BUILDER_LIMIT,
        ),
        _Row(
            "5",
            "User authentication",
            looped(lambda _: floor_user_auth(), same()),
            looped(core_user, same()),
            ref(lambda _: ref_api.authenticate_user(SOCKET_ID, USER_DATA)),
            _BUILDER_LIMIT,
        ),
    ]
    if webhooks:
        rows.extend(_webhook_rows(config, reference))
    return rows


def _webhook_rows(config: Any, reference: Any | None) -> list[_Row]:
    """Row 6: the typed verdict; 6b: `Pusher.validate_webhook`, the dict migrating code gets."""
    from pusher_core import webhooks
    from pusher_core.client import Pusher

    body, signature = webhook_body()
    text = body.decode()
    headers = {"X-Pusher-Key": KEY, "X-Pusher-Signature": signature}
    # How an app verifies its own webhooks: with its config, whose keyed HMAC is reused
    # (a legitimate way under the floor's per-call hmac.new).
    verify = webhooks.verify_webhook
    clock = time.time
    validate = Pusher.from_config(config, clock=clock).validate_webhook
    verdict = verify(config, headers=headers, body=body, now_ms=int(clock() * 1000))
    parsed = floor_webhook(body, signature)
    if not isinstance(verdict, webhooks.ValidWebhook):
        raise TypeError(f"webhook: pusher-core rejected the floor's webhook: {verdict!r}")
    _check(
        "webhook",
        (parsed["time_ms"], [(e["name"], e["channel"]) for e in parsed["events"]]),
        (verdict.time_ms, [(e.name, getattr(e, "channel", None)) for e in verdict.events]),
    )
    _check("webhook dict", parsed, validate(KEY, signature, text))

    def typed(_: object) -> object:
        return verify(config, headers=headers, body=body, now_ms=int(clock() * 1000))

    def as_dict(_: object) -> object:
        return validate(KEY, signature, text)

    def floor(_: object) -> object:
        return floor_webhook(body, signature)

    def ref(_: object) -> object:
        return None if reference is None else reference.validate_webhook(KEY, signature, text)

    return [
        _Row(
            "6",
            "Verify a one-event webhook (typed verdict)",
            looped(floor, same()),
            looped(typed, same()),
            None if reference is None else looped(ref, same()),
            _WEBHOOK_LIMIT,
        ),
        _Row(
            "6b",
            "Verify a one-event webhook (drop-in `Pusher.validate_webhook`)",
            looped(floor, same()),
            looped(as_dict, same()),
            None if reference is None else looped(ref, same()),
            _WEBHOOK_LIMIT,
        ),
    ]


def run(settings: Settings, rows: set[str]) -> list[Line]:
    try:
        import pusher_core.webhooks  # noqa: F401
    except ImportError:
        webhooks = False
    else:
        webhooks = True
    lines = [
        row.measure(settings)
        for row in build_rows(webhooks=webhooks)
        if row.row.rstrip("ab") in rows
    ]
    if not webhooks and "6" in rows:
        lines.append(
            Line(
                row="6",
                what="Verify a one-event webhook",
                unit="µs/op",
                notes=["pusher_core.webhooks is missing"],
            )
        )
    return lines
