"""The speed-ups produce exactly the bytes of the straightforward construction.

The builders assemble JSON envelopes around `_json.string`, sign param-less
requests in a fixed query order and hand `HttpRequest` its `target` and `origin`
precomputed. Each property rebuilds the same request the plain way (a dict through
`_json.dumps`, `signed_query`, `encode_query`, the `HttpRequest` constructor) and
requires equality, fields and cached properties alike. The JSON encoder built
once (`_json.encode`) gives the standard encoder's text, or its error.
"""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from property_tests.strategies import (
    app_configs,
    channel_names,
    event_names,
    json_values,
    secrets_,
    socket_ids,
)
from pusher_core import _json
from pusher_core.config import AppConfig, Limits
from pusher_core.events import event_data, trigger_batch_request, trigger_request
from pusher_core.signing import LIBRARY_HEADER, sign_request, signed_query
from pusher_core.transport import HttpRequest, encode_query

TIMESTAMP = 1_700_000_000


@st.composite
def odd_key_configs(draw: st.DrawFn) -> AppConfig:
    """Configs whose key needs percent-encoding on the wire (`&`, `=`, spaces, non-ASCII)."""
    key = draw(
        st.text(
            alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
            min_size=1,
            max_size=20,
        ).filter(lambda k: ":" not in k and k.isprintable())
    )
    return AppConfig(
        app_id="42",
        key=key,
        secret=draw(secrets_),
        scheme="https",
        port=draw(st.none() | st.integers(1, 65535)),
        limits=Limits(max_payload_bytes=100 * 1024),
    )


configs = st.one_of(app_configs(), odd_key_configs())

# The plain construction passes no nonce, so an encrypted channel would be refused
# before any bytes exist; sealing is the encryption properties' business. Hypothesis
# also draws string literals from the code under test, so "private-encrypted-" itself
# comes up often enough to fail a randomized run.
plain_channel_names = channel_names.filter(lambda c: not c.startswith("private-encrypted-"))

data_values = st.one_of(
    json_values,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
info_values = st.one_of(st.none(), st.sampled_from(["user_count", "subscription_count"]))


def _plain_request(config: AppConfig, path: str, body: bytes) -> HttpRequest:
    query = signed_query(config, method="POST", path=path, body=body, timestamp=TIMESTAMP)
    headers = [LIBRARY_HEADER]
    if body:
        headers.append(("Content-Type", "application/json"))
    return HttpRequest(
        method="POST",
        scheme=config.scheme,
        host=config.host,
        port=config.effective_port,
        path=path,
        query=query,
        headers=tuple(headers),
        body=body,
    )


def _same(fast: HttpRequest, plain: HttpRequest) -> None:
    assert fast == plain
    assert fast.target == f"{plain.path}?{encode_query(plain.query)}"
    assert fast.origin == plain.origin
    assert fast.url == plain.url


@given(
    config=configs,
    channels=st.lists(plain_channel_names, min_size=1, max_size=3),
    name=event_names,
    data=data_values,
    socket_id=st.one_of(st.none(), socket_ids),
    info=info_values,
)
def test_trigger_body_and_signature_match_the_plain_construction(
    config: AppConfig,
    channels: list[str],
    name: str,
    data: Any,
    socket_id: str | None,
    info: str | None,
) -> None:
    target: str | list[str] = channels[0] if len(channels) == 1 else channels
    fast = trigger_request(
        config,
        channels=target,
        event_name=name,
        data=data,
        timestamp=TIMESTAMP,
        socket_id=socket_id,
        info=info,
    )
    body: dict[str, Any] = {
        "name": name,
        "channels": channels,
        "data": event_data(config, channels[0] if len(channels) == 1 else None, data, None),
    }
    if socket_id is not None:
        body["socket_id"] = socket_id
    if info is not None:
        body["info"] = info
    path = f"/apps/{config.app_id}/events"
    _same(fast, _plain_request(config, path, _json.dumps(body).encode()))


batch_events = st.fixed_dictionaries(
    {"channel": plain_channel_names, "name": event_names, "data": data_values},
    optional={"socket_id": socket_ids, "info": st.sampled_from(["user_count", ""])},
)


@given(config=configs, events=st.lists(batch_events, min_size=1, max_size=10))
def test_batch_body_and_signature_match_the_plain_construction(
    config: AppConfig, events: list[dict[str, Any]]
) -> None:
    fast = trigger_batch_request(config, events=events, timestamp=TIMESTAMP)
    items = []
    for i, event in enumerate(events):
        item: dict[str, Any] = {
            "name": event["name"],
            "channel": event["channel"],
            "data": event_data(config, event["channel"], event["data"], None, f"batch[{i}]"),
        }
        if event.get("socket_id") is not None:
            item["socket_id"] = event["socket_id"]
        if event.get("info"):
            item["info"] = event["info"]
        items.append(item)
    path = f"/apps/{config.app_id}/batch_events"
    _same(fast, _plain_request(config, path, _json.dumps({"batch": items}).encode()))


@given(
    config=configs,
    path=st.text(alphabet=string.ascii_letters + "/", min_size=1, max_size=20),
    body=st.binary(max_size=40),
)
def test_paramless_signing_matches_signed_query(config: AppConfig, path: str, body: bytes) -> None:
    fast = sign_request(config, method="post", path=path, timestamp=TIMESTAMP, body=body)
    _same(fast, _plain_request(config, path, body))


# --- the JSON encoder built once is the standard one --------------------------------

_STANDARD_ENCODE = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False
).encode
encodable = (
    st.recursive(
        json_values | st.floats() | st.integers(-(10**30), 10**30),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(
                st.text(max_size=4) | st.integers() | st.booleans() | st.none(), inner, max_size=4
            )
        ),
        max_leaves=12,
    )
    | st.builds(object)
    | st.lists(st.builds(object) | json_values, max_size=3)
)


def _encoded(encode: Any, value: object) -> tuple[str, object]:
    try:
        return "ok", encode(value)
    except (TypeError, ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc)


@given(encodable)
def test_json_encode_is_the_standard_encoder(value: object) -> None:
    """`_json.encode` (one C encoder, no markers) gives the standard text, or its error."""
    assert _encoded(_json.encode, value) == _encoded(_STANDARD_ENCODE, value)
    assert _encoded(_json.dumps, value) == _encoded(_STANDARD_ENCODE, value)


def test_json_encode_reports_circular_values_as_the_standard_encoder() -> None:
    """Without markers the C encoder recurses; the error is still the standard one."""
    looped: list[Any] = [1]
    looped.append({"a": looped})
    assert _encoded(_json.encode, looped) == ("ValueError", "Circular reference detected")
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert _encoded(_json.encode, deep)[0] == _encoded(_STANDARD_ENCODE, deep)[0]
    assert _json.encode([1, 2]) == "[1,2]"  # and the encoder still works afterwards
