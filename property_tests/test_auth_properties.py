"""Properties of channel authorization and user authentication.

- Every auth value JSON-serializes, and what is signed is exactly what is returned.
- The precompiled fast paths agree with the validated path on every input.
- `custom_data` on non-presence channels never reaches the signature.
- Differential against `pusher==3.3.4` (`AuthenticationClient`, which `Pusher`
  delegates to) wherever the reference is correct. Deliberate differences:
  - `shared_secret` is base64 text; the reference returns bytes (B2).
  - `channel_data` / `user_data` are compact UTF-8 JSON; the reference uses
    `json.dumps` defaults (spaces, ASCII escapes). Both sign their own string,
    so we check each is self-consistent, that the values are equal, and that
    our signer reproduces the reference's signature over the reference's string.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import string
import warnings
from typing import Any
from urllib.parse import urlencode

import attrs
from hypothesis import given, strategies as st
from pusher.authentication_client import AuthenticationClient

from property_tests.strategies import app_configs, channel_names, json_values, socket_ids, user_ids
from pusher_core.auth import (
    IgnoredCustomDataWarning,
    authenticate_user,
    authorize_channel,
)
from pusher_core.auth_endpoints import (
    AuthRequestError,
    ChannelAuthRequest,
    UserAuthRequest,
    channel_auth_response,
    parse_channel_auth_request,
    parse_user_auth_request,
)
from pusher_core.channels import validate_socket_id
from pusher_core.compat import authenticate
from pusher_core.config import AppConfig

HEX = frozenset(string.hexdigits.lower())
prefixes = st.sampled_from(
    ["private-", "private-cache-", "private-encrypted-", "presence-", "presence-cache-"]
)
master_keys = st.binary(min_size=32, max_size=32)
presence_ids = user_ids | st.integers(-(10**12), 10**12)


@st.composite
def configs(draw: st.DrawFn) -> AppConfig:
    """App configurations, with a master key."""
    return attrs.evolve(draw(app_configs()), encryption_master_key=draw(master_keys))


def _signature_of(config: AppConfig, auth_value: str) -> str:
    key, _, signature = auth_value.partition(":")
    assert key == config.key
    assert len(signature) == 64
    assert HEX.issuperset(signature)
    return signature


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@given(configs(), prefixes, channel_names, socket_ids, presence_ids, st.none() | json_values)
def test_channel_auth_always_json_serializes_and_signs_what_it_returns(
    config: AppConfig, prefix: str, name: str, socket_id: str, user_id: Any, user_info: Any
) -> None:
    """to_json() round-trips to to_dict(), every field is text, and the signature covers
    `socket:channel[:channel_data]` exactly."""
    channel = prefix + name
    presence = prefix.startswith("presence-")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IgnoredCustomDataWarning)
        result = authorize_channel(
            config,
            channel=channel,
            socket_id=socket_id,
            user_id=user_id if presence else None,
            user_info=user_info if presence else None,
        )
    as_dict = result.to_dict()
    assert json.loads(result.to_json()) == as_dict
    assert all(isinstance(value, str) for value in as_dict.values())
    signature = _signature_of(config, result.auth)
    if presence:
        assert result.channel_data is not None
        expected = {"user_id": user_id}
        if user_info is not None:
            expected["user_info"] = user_info
        assert json.loads(result.channel_data) == expected
        message = f"{socket_id}:{channel}:{result.channel_data}"
    else:
        assert result.channel_data is None
        message = f"{socket_id}:{channel}"
    assert signature == _hmac(config.secret, message)
    assert (result.shared_secret is not None) == channel.startswith("private-encrypted-")


@given(
    app_configs(),
    socket_ids,
    user_ids,
    st.none() | json_values,
    st.none() | st.lists(user_ids, max_size=100),
)
def test_user_auth_always_json_serializes_and_signs_what_it_returns(
    config: AppConfig, socket_id: str, user_id: str, info: Any, watchlist: list[str] | None
) -> None:
    """user_data decodes to the given mapping and is exactly the signed string."""
    user_data: dict[str, Any] = {"id": user_id}
    if info is not None:
        user_data["user_info"] = info
    if watchlist is not None:
        user_data["watchlist"] = watchlist
    result = authenticate_user(config, socket_id=socket_id, user_data=user_data)
    assert json.loads(result.to_json()) == result.to_dict()
    assert json.loads(result.user_data) == user_data
    signature = _signature_of(config, result.auth)
    assert signature == _hmac(config.secret, f"{socket_id}::user::{result.user_data}")


# --- differential against pusher 3.3.4 --------------------------------------------------


def _reference(config: AppConfig, master_b64: str | None = None) -> Any:
    return AuthenticationClient(
        app_id=config.app_id,
        key=config.key,
        secret=config.secret,
        host="127.0.0.1",
        encryption_master_key_base64=master_b64,
    )


@given(app_configs(), st.sampled_from(["private-", "private-cache-"]), channel_names, socket_ids)
def test_private_auth_equals_the_reference(
    config: AppConfig, prefix: str, name: str, socket_id: str
) -> None:
    """Private channels: byte-identical dicts."""
    channel = prefix + name
    assert authenticate(config, channel, socket_id) == _reference(config).authenticate(
        channel, socket_id
    )


@given(app_configs(), master_keys, channel_names, socket_ids)
def test_encrypted_auth_equals_the_reference_but_for_bytes(
    config: AppConfig, master: bytes, name: str, socket_id: str
) -> None:
    """Encrypted channels: same auth and key; the reference's shared_secret is bytes (B2)."""
    import base64

    channel = "private-encrypted-" + name
    ours = authenticate(attrs.evolve(config, encryption_master_key=master), channel, socket_id)
    theirs = _reference(config, base64.b64encode(master).decode()).authenticate(channel, socket_id)
    assert ours["auth"] == theirs["auth"]
    assert isinstance(theirs["shared_secret"], bytes)
    assert ours["shared_secret"] == theirs["shared_secret"].decode("ascii")


@given(
    app_configs(),
    st.sampled_from(["presence-", "presence-cache-"]),
    channel_names,
    socket_ids,
    presence_ids,
    st.none() | json_values,
)
def test_presence_auth_matches_the_reference_up_to_json_spacing(
    config: AppConfig, prefix: str, name: str, socket_id: str, user_id: Any, info: Any
) -> None:
    """Same member, same algorithm; only the JSON spelling of channel_data differs."""
    channel = prefix + name
    custom_data: dict[str, Any] = {"user_id": user_id}
    if info is not None:
        custom_data["user_info"] = info
    ours = authenticate(config, channel, socket_id, custom_data)
    theirs = _reference(config).authenticate(channel, socket_id, dict(custom_data))
    assert json.loads(ours["channel_data"]) == json.loads(theirs["channel_data"])
    our_message = f"{socket_id}:{channel}:{ours['channel_data']}"
    assert ours["auth"] == f"{config.key}:{_hmac(config.secret, our_message)}"
    # Our signer over the reference's own string gives the reference's signature.
    their_message = f"{socket_id}:{channel}:{theirs['channel_data']}"
    assert theirs["auth"] == f"{config.key}:{config.signer.sign(their_message)}"


@given(app_configs(), socket_ids, user_ids, st.none() | json_values)
def test_user_auth_matches_the_reference_up_to_json_spacing(
    config: AppConfig, socket_id: str, user_id: str, info: Any
) -> None:
    """Same user data, same algorithm; only the JSON spelling of user_data differs."""
    user_data: dict[str, Any] = {"id": user_id}
    if info is not None:
        user_data["user_info"] = info
    ours = authenticate_user(config, socket_id=socket_id, user_data=user_data).to_dict()
    theirs = _reference(config).authenticate_user(socket_id, dict(user_data))
    assert json.loads(ours["user_data"]) == json.loads(theirs["user_data"])
    their_message = f"{socket_id}::user::{theirs['user_data']}"
    assert theirs["auth"] == f"{config.key}:{config.signer.sign(their_message)}"
    our_message = f"{socket_id}::user::{ours['user_data']}"
    assert ours["auth"] == f"{config.key}:{_hmac(config.secret, our_message)}"


# --- the endpoints' parsers --------------------------------------------------------------

content_types = (
    st.none()
    | st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/json",
            "application/json; charset=utf-16",
            "text/plain",
            "",
        ]
    )
    | st.text(max_size=30)
)
form_bodies = st.lists(
    st.tuples(
        st.sampled_from(["socket_id", "channel_name", "x"]) | st.text(max_size=5),
        st.text(max_size=30) | socket_ids | channel_names.map(lambda n: "presence-" + n),
    ),
    max_size=4,
).map(lambda pairs: urlencode(pairs).encode())
bodies = st.binary(max_size=100) | form_bodies | json_values.map(lambda v: json.dumps(v).encode())


@given(bodies, content_types)
def test_parsers_give_a_request_or_a_field_error(body: bytes, content_type: str | None) -> None:
    """Any bytes and content type: a request value, or an AuthRequestError naming a field."""
    outcomes: list[tuple[Any, type[ChannelAuthRequest | UserAuthRequest]]] = [
        (_parsed(lambda: parse_channel_auth_request(body, content_type)), ChannelAuthRequest),
        (_parsed(lambda: parse_user_auth_request(body, content_type)), UserAuthRequest),
    ]
    for outcome, kind in outcomes:
        if isinstance(outcome, AuthRequestError):
            assert outcome.argument in {"socket_id", "channel_name", "body", "content_type"}
            assert outcome.status in {400, 413, 415}
        else:
            assert isinstance(outcome, kind)
            validate_socket_id(outcome.socket_id)


def _parsed(parse: Any) -> Any:
    """The request a parser returns, or the AuthRequestError it raises (anything else escapes)."""
    try:
        return parse()
    except AuthRequestError as exc:
        return exc


@given(socket_ids, st.sampled_from(["private-", "presence-"]), channel_names, user_ids)
def test_pusher_js_form_bodies_round_trip_through_the_helper(
    socket_id: str, prefix: str, name: str, user_id: str
) -> None:
    """What pusher-js posts is answered with the same auth authorize_channel gives."""
    channel = prefix + name
    config = AppConfig(app_id="1", key="k", secret="s")
    body = urlencode({"socket_id": socket_id, "channel_name": channel}).encode()
    member = {"user_id": user_id}
    response = channel_auth_response(
        config, body, "application/x-www-form-urlencoded", lambda _: member
    )
    expected = authorize_channel(
        config,
        channel=channel,
        socket_id=socket_id,
        custom_data=member if prefix == "presence-" else None,
    )
    assert response.status == 200
    assert response.body == expected.to_json().encode()
