"""Differential tests against the reference, `pusher==3.3.4`, under a frozen clock.

Where the reference is correct, signatures match exactly. Deliberate differences
are named, each in its own test:
- JSON spacing: the reference sends `json.dumps` defaults (", " and ": ",
  ASCII-escaped); we send compact UTF-8. Same values, different bytes, so
  body_md5 and the signature differ, yet our signer signs *its* body identically.
- body_md5 on GET: the reference signs md5("") into every GET; we send none.
- terminate path: the reference drops `/apps/{id}` from the path.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

from hypothesis import given, strategies as st
from pusher.pusher_client import PusherClient

from property_tests.strategies import channel_names as all_channel_names, json_values, socket_ids
from pusher_core import events, queries
from pusher_core.config import AppConfig, Limits
from pusher_core.signing import Signer, sign_request, string_to_sign, verify_request

TS = 1_700_000_000
# The reference needs a master key for encrypted channels; these tests compare plain ones.
channel_names = all_channel_names.filter(lambda c: not c.startswith("private-encrypted-"))
keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=20)
secrets_ = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=20
)
event_names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=40
)
attributes = st.lists(
    st.sampled_from(["user_count", "subscription_count"]), max_size=2, unique=True
)


def _pair(app_id: int, key: str, secret: str) -> tuple[PusherClient, AppConfig]:
    # PusherClient is the reference's HTTP half; its request methods expose `make_request`.
    reference = PusherClient(app_id=str(app_id), key=key, secret=secret, host="127.0.0.1")
    ours = AppConfig(
        app_id=str(app_id),
        key=key,
        secret=secret,
        host="127.0.0.1",
        limits=Limits(max_payload_bytes=30 * 1024),
    )
    return reference, ours


def _frozen() -> Any:
    return mock.patch("pusher.http.time.time", return_value=TS)


# app id, key, secret, channels, event name, data, socket id
TRIGGER_INPUTS = (
    st.integers(1, 10**9),
    keys,
    secrets_,
    st.lists(channel_names, min_size=1, max_size=5),
    event_names,
    json_values,
    st.none() | socket_ids,
)


def _signature(query: Any) -> str:
    return str(dict(query)["auth_signature"])


@given(*TRIGGER_INPUTS)
def test_trigger_same_signature_for_same_body(
    app_id: int,
    key: str,
    secret: str,
    channels: list[str],
    name: str,
    data: Any,
    socket_id: str | None,
) -> None:
    """Signing the reference's exact trigger body yields the reference's exact signature."""
    reference, config = _pair(app_id, key, secret)
    with _frozen():
        ref = reference.trigger.make_request(channels, name, data, socket_id)
    ours = sign_request(config, method="POST", path=ref.path, body=ref.body, timestamp=TS)
    assert _signature(ours.query) == ref.query_params["auth_signature"]
    assert dict(ours.query)["body_md5"] == ref.query_params["body_md5"]


@given(*TRIGGER_INPUTS)
def test_trigger_bodies_differ_only_in_json_spacing(
    app_id: int,
    key: str,
    secret: str,
    channels: list[str],
    name: str,
    data: Any,
    socket_id: str | None,
) -> None:
    """Deliberate difference (JSON spacing): same values, compact UTF-8 bytes."""
    reference, config = _pair(app_id, key, secret)
    with _frozen():
        ref = reference.trigger.make_request(channels, name, data, socket_id)
    ours = events.trigger_request(
        config, channels=channels, event_name=name, data=data, socket_id=socket_id, timestamp=TS
    )
    theirs_body, our_body = json.loads(ref.body), json.loads(ours.body)
    if not isinstance(data, str):
        theirs_body["data"] = json.loads(theirs_body["data"])
        our_body["data"] = json.loads(our_body["data"])
    assert our_body == theirs_body
    assert ours.path == ref.path
    assert verify_request(
        method="POST",
        path=ours.path,
        query=ours.query,
        body=ours.body,
        secrets={key: secret},
        now=TS,
    ).ok


@given(
    st.integers(1, 10**9),
    keys,
    secrets_,
    st.lists(
        st.fixed_dictionaries(
            {"channel": channel_names, "name": event_names, "data": st.text(max_size=30)},
            optional={"socket_id": socket_ids},
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_batch_same_signature_for_same_body(
    app_id: int, key: str, secret: str, batch: list[dict[str, Any]]
) -> None:
    """Batches: the reference's body, signed by us, gives the reference's signature."""
    reference, config = _pair(app_id, key, secret)
    with _frozen():
        ref = reference.trigger_batch.make_request([dict(e) for e in batch])
    ours = sign_request(config, method="POST", path=ref.path, body=ref.body, timestamp=TS)
    assert _signature(ours.query) == ref.query_params["auth_signature"]
    built = events.trigger_batch_request(config, events=batch, timestamp=TS)
    assert json.loads(built.body) == json.loads(ref.body)


@given(
    st.integers(1, 10**9),
    keys,
    secrets_,
    channel_names,
    attributes,
    st.sampled_from(["channels_info", "channel_info", "users_info"]),
)
def test_get_requests_differ_only_by_body_md5(
    app_id: int, key: str, secret: str, channel: str, attrs_: list[str], which: str
) -> None:
    """Deliberate difference (body_md5 on GET): same algorithm, we just omit md5("")."""
    reference, config = _pair(app_id, key, secret)
    presence = f"presence-{channel}"
    with _frozen():
        if which == "channels_info":
            ref = reference.channels_info.make_request(channel, attrs_)
            ours = queries.channels_request(
                config, prefix_filter=channel, attributes=attrs_, timestamp=TS
            )
        elif which == "channel_info":
            ref = reference.channel_info.make_request(presence, attrs_)
            ours = queries.channel_request(
                config, channel=presence, attributes=attrs_, timestamp=TS
            )
        else:
            ref = reference.users_info.make_request(presence)
            ours = queries.users_request(config, channel=presence, timestamp=TS)
    theirs = dict(ref.query_params)
    assert ours.path == ref.path
    assert theirs.pop("body_md5") == "d41d8cd98f00b204e9800998ecf8427e"
    our_query = dict(ours.query)
    assert "body_md5" not in our_query
    assert {k: v for k, v in our_query.items() if k != "auth_signature"} == {
        k: v for k, v in theirs.items() if k != "auth_signature"
    }
    # Our signer applied to the reference's query (md5 included) reproduces its signature,
    # and our verifier accepts the reference's request.
    expected = Signer(secret).sign(string_to_sign("GET", ref.path, ref.query_params.items()))
    assert expected == ref.query_params["auth_signature"]
    assert verify_request(
        method="GET",
        path=ref.path,
        query=ref.query_params.items(),
        body=b"",
        secrets={key: secret},
        now=TS,
    ).ok


@given(
    st.integers(1, 10**9),
    keys,
    secrets_,
    st.text(alphabet="abcdefghij0123456789-_", min_size=1, max_size=20),
)
def test_terminate_path_is_fixed(app_id: int, key: str, secret: str, user_id: str) -> None:
    """Deliberate difference (terminate path): ours carries /apps/{id}, the reference's does not."""
    reference, config = _pair(app_id, key, secret)
    with _frozen():
        ref = reference.terminate_user_connections.make_request(user_id)
    ours = queries.terminate_connections_request(config, user_id=user_id, timestamp=TS)
    assert ref.path == f"/users/{user_id}/terminate_connections"
    assert ours.path == f"/apps/{app_id}{ref.path}"
    # Same algorithm on the same inputs: sign the reference's path and body, get its signature.
    replayed = sign_request(config, method="POST", path=ref.path, body=ref.body, timestamp=TS)
    assert _signature(replayed.query) == ref.query_params["auth_signature"]
