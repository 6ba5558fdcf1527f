"""Channel authorization and user authentication: known answers, rules and errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import pickle
import warnings
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest

from pusher_core import auth
from pusher_core.auth import (
    ChannelAuth,
    IgnoredCustomDataWarning,
    UserAuth,
    authenticate_user,
    authorize_channel,
)
from pusher_core.compat import authenticate
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError, PusherError

DOCS = AppConfig(app_id="3", key="278d425bdf160c739803", secret="7ad3773142a6692b25b8")
SOCKET = "1234.1234"
MASTER_B64 = "OHRXNUZRTG5pUTFzQlFGd3J3N3Q2VFZFc0paZDEweVk="
ENCRYPTED = AppConfig.from_options("1", "foo", "bar", encryption_master_key_base64=MASTER_B64)


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


# --- known answers (protocol.md §2.1) -------------------------------------------------


def test_docs_private_vector() -> None:
    """The docs' private-channel vector: private-foobar -> 58df8b0c..."""
    result = authorize_channel(DOCS, channel="private-foobar", socket_id=SOCKET)
    assert result == ChannelAuth(
        auth="278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
    )
    assert result.to_json() == (
        '{"auth":"278d425bdf160c739803:'
        '58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"}'
    )


def test_python_suite_private_vector() -> None:
    """The reference suite's `345.23:private-channel` (key foo, secret bar) -> 89955e77...92ff."""
    config = AppConfig(app_id="1", key="foo", secret="bar")
    result = authorize_channel(config, channel="private-channel", socket_id="345.23")
    key, _, signature = result.auth.partition(":")
    assert key == "foo"
    assert signature.startswith("89955e77")
    assert signature.endswith("92ff")


def test_docs_user_vector() -> None:
    """The docs' user sign-in vector: `{"id":"12345"}` -> 4708d583..."""
    result = authenticate_user(DOCS, socket_id=SOCKET, user_data={"id": "12345"})
    assert result == UserAuth(
        auth="278d425bdf160c739803:"
        "4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba",
        user_data='{"id":"12345"}',
    )


def test_presence_vector_derived_independently() -> None:
    """Presence signs `socket:channel:channel_data`; our vector comes from hmac directly.

    The docs' presence example prints `afaed3695da2...`, which reproduces only with
    user_info `"Mr. Pusher"`; the doc text says `"Mr. Channels"`, whose signature
    starts `31935e7d86db` (protocol.md §2.1: the doc vector is stale).
    """
    result = authorize_channel(
        DOCS,
        channel="presence-foobar",
        socket_id=SOCKET,
        user_id=10,
        user_info={"name": "Mr. Channels"},
    )
    channel_data = '{"user_id":10,"user_info":{"name":"Mr. Channels"}}'
    expected = _hmac(DOCS.secret, f"{SOCKET}:presence-foobar:{channel_data}")
    assert result.channel_data == channel_data
    assert result.auth == f"{DOCS.key}:{expected}"
    assert expected.startswith("31935e7d86db")

    stale = authorize_channel(
        DOCS, channel="presence-foobar", socket_id=SOCKET, user_id=10,
        user_info={"name": "Mr. Pusher"},
    )  # fmt: skip
    assert stale.auth.split(":")[1].startswith("afaed3695da2")


def test_python_suite_encrypted_vector() -> None:
    """The reference suite's encrypted channel: shared_secret `VmIsNZ...yVI=`, as text (B2)."""
    result = authorize_channel(ENCRYPTED, channel="private-encrypted-channel", socket_id="345.23")
    assert result.shared_secret == "VmIsNZtCSteh8kazd2toc+ofhohBtUouQRSDtRvuyVI="
    assert isinstance(result.shared_secret, str)
    # shared_secret is not signed: the auth is the plain private one.
    assert result.auth == f"foo:{_hmac('bar', '345.23:private-encrypted-channel')}"
    assert json.loads(result.to_json()) == result.to_dict()


@pytest.mark.parametrize(
    ("user_data", "signature"),
    [
        ({"id": "123"}, "fc713f433deb729d0d96f9e26ef054285cbc3e833ebe840b93722a2fa16a6a18"),
        (
            {"id": "123", "name": "John Smith"},
            "0dddb208b53c7649f3fbbb86254a6e1986bc6f8b566423ea690c9ca773497373",
        ),
    ],
)
def test_php_suite_user_vectors(user_data: dict[str, str], signature: str) -> None:
    """pusher-http-php's sign-in vectors (compact JSON, like ours) reproduce exactly.

    protocol.md §2.1 lists the second under "Python suite"; it is PHP's
    (tests/unit/AuthenticateUserTest.php): the reference's spaced JSON signs differently.
    """
    config = AppConfig(app_id="1", key="thisisaauthkey", secret="thisisasecret")
    ours = authenticate_user(config, socket_id="12345.6789", user_data=user_data)
    assert ours.auth == f"thisisaauthkey:{signature}"
    assert ours.user_data == json.dumps(user_data, separators=(",", ":"))
    spaced = _hmac("thisisasecret", f"12345.6789::user::{json.dumps(user_data)}")
    assert spaced != signature


# --- channel kinds ------------------------------------------------------------------


@pytest.mark.parametrize(
    "channel", ["private-x", "private-cache-x", "private-", "private-a=b@c,d.e;f_g-h"]
)
def test_private_channels_sign_socket_and_channel(channel: str) -> None:
    """Private and private-cache channels sign exactly `socket_id:channel`."""
    result = authorize_channel(DOCS, channel=channel, socket_id=SOCKET)
    assert result.auth == f"{DOCS.key}:{_hmac(DOCS.secret, f'{SOCKET}:{channel}')}"
    assert result.channel_data is None
    assert result.shared_secret is None
    assert result.to_dict() == {"auth": result.auth}


def test_encrypted_cache_channel_is_encrypted() -> None:
    """`private-encrypted-cache-` authorizes like `private-encrypted-`."""
    result = authorize_channel(ENCRYPTED, channel="private-encrypted-cache-x", socket_id=SOCKET)
    secret = hashlib.sha256(b"private-encrypted-cache-x" + base64.b64decode(MASTER_B64)).digest()
    assert result.shared_secret == base64.b64encode(secret).decode()
    assert list(result.to_dict()) == ["auth", "shared_secret"]


def test_encrypted_channel_without_master_key_is_a_clear_error() -> None:
    """Without a master key an encrypted channel cannot be authorized, and says what to set."""
    with pytest.raises(InvalidArgumentError, match="encryption_master_key_base64"):
        authorize_channel(DOCS, channel="private-encrypted-x", socket_id=SOCKET)


@pytest.mark.parametrize(
    ("channel", "match"),
    [
        ("public-channel", "public channel"),
        ("cache-channel", "public channel"),
        ("#server-to-user-42", "authenticate_user"),
    ],
)
def test_unauthorizable_channels_are_errors(channel: str, match: str) -> None:
    """Public and server-to-user channels are never authorized."""
    with pytest.raises(InvalidArgumentError, match=match) as info:
        authorize_channel(DOCS, channel=channel, socket_id=SOCKET)
    assert info.value.argument == "channel"


# --- presence -----------------------------------------------------------------------


def test_presence_string_user_id_and_no_user_info() -> None:
    """A string id stays a string; absent user_info is left out of channel_data."""
    result = authorize_channel(DOCS, channel="presence-x", socket_id=SOCKET, user_id="u-1")
    assert result.channel_data == '{"user_id":"u-1"}'
    assert (
        result.auth
        == f"{DOCS.key}:{_hmac(DOCS.secret, SOCKET + ':presence-x:' + result.channel_data)}"
    )


def test_presence_integer_user_id_is_a_json_number() -> None:
    """An int id is serialized as a number, like the docs' `"user_id":10`."""
    result = authorize_channel(DOCS, channel="presence-cache-x", socket_id=SOCKET, user_id=10)
    assert result.channel_data == '{"user_id":10}'


def test_presence_custom_data_form_equals_keyword_form() -> None:
    """The reference's `custom_data` dict gives the same answer as user_id/user_info."""
    info = {"name": "Ada", "tags": ["x"]}
    by_keywords = authorize_channel(
        DOCS, channel="presence-x", socket_id=SOCKET, user_id="42", user_info=info
    )
    by_custom_data = authorize_channel(
        DOCS, channel="presence-x", socket_id=SOCKET,
        custom_data={"user_id": "42", "user_info": info},
    )  # fmt: skip
    assert by_keywords == by_custom_data


def test_presence_custom_data_keeps_extra_keys_in_order() -> None:
    """Extra custom_data keys are kept, in order, in the signed channel_data."""
    result = authorize_channel(
        DOCS, channel="presence-x", socket_id=SOCKET,
        custom_data={"extra": 1, "user_id": "42"},
    )  # fmt: skip
    assert result.channel_data == '{"extra":1,"user_id":"42"}'


def test_presence_channel_data_is_compact_and_unescaped() -> None:
    """channel_data is compact UTF-8 JSON: what is signed is what is returned."""
    result = authorize_channel(
        DOCS, channel="presence-x", socket_id=SOCKET, user_id="1", user_info={"name": "Zoë 🎉"}
    )
    assert result.channel_data == '{"user_id":"1","user_info":{"name":"Zoë 🎉"}}'
    body = json.loads(result.to_json())
    assert body["channel_data"] == result.channel_data
    assert (
        body["auth"]
        == f"{DOCS.key}:{_hmac(DOCS.secret, SOCKET + ':presence-x:' + result.channel_data)}"
    )


def test_presence_uses_the_configured_json_encoder() -> None:
    """user_info goes through the app's json_encoder, as in the reference."""

    class DecimalEncoder(json.JSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, Decimal):
                return str(o)
            return super().default(o)

    config = AppConfig(app_id="1", key="k", secret="s", json_encoder=DecimalEncoder)
    result = authorize_channel(
        config, channel="presence-x", socket_id=SOCKET, user_id="1", user_info={"p": Decimal("1.5")}
    )
    assert result.channel_data == '{"user_id":"1","user_info":{"p":"1.5"}}'


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({}, InvalidArgumentError, "user_id"),
        ({"user_info": {"a": 1}}, InvalidArgumentError, "user_id"),
        ({"custom_data": {}}, InvalidArgumentError, "custom_data"),
        ({"custom_data": {"user_info": {}}}, InvalidArgumentError, "custom_data"),
        ({"custom_data": {"user_id": "1"}, "user_id": "1"}, InvalidArgumentError, "custom_data"),
        ({"custom_data": "{}"}, InvalidArgumentTypeError, "custom_data"),
        ({"user_id": True}, InvalidArgumentTypeError, "user_id"),
        ({"user_id": 1.5}, InvalidArgumentTypeError, "user_id"),
        ({"user_id": ""}, InvalidArgumentError, "user_id"),
        ({"user_id": "e:2"}, InvalidArgumentError, "user_id"),
        ({"user_id": "x" * 201}, InvalidArgumentError, "user_id"),
        ({"user_id": 10**5000}, InvalidArgumentError, "user_id"),
        ({"custom_data": {"user_id": "a b"}}, InvalidArgumentError, "custom_data['user_id']"),
        ({"user_id": "1", "user_info": {"x": object()}}, InvalidArgumentTypeError, "user_info"),
        ({"user_id": "1", "user_info": "\ud800"}, InvalidArgumentError, "user_info"),
        ({"custom_data": {"user_id": "1", "user_info": "\ud800"}}, InvalidArgumentError,
         "custom_data"),
    ],
)  # fmt: skip
def test_presence_errors_name_the_argument(
    kwargs: dict[str, Any], error: type[Exception], argument: str
) -> None:
    """Missing, conflicting or invalid presence members raise, naming what to fix."""
    with pytest.raises(error) as info:
        authorize_channel(DOCS, channel="presence-x", socket_id=SOCKET, **kwargs)
    assert info.value.argument == argument  # type: ignore[attr-defined]


# --- custom data on non-presence channels -------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"custom_data": {"user_id": "1", "user_info": {"a": 1}}},
        {"user_id": "1"},
        {"user_info": {"a": 1}},
    ],
)
@pytest.mark.parametrize("channel", ["private-x", "private-encrypted-x"])
def test_custom_data_on_non_presence_is_ignored_with_a_warning(
    kwargs: dict[str, Any], channel: str
) -> None:
    """Servers verify only socket:channel there: data dropped, auth works, a warning says so."""
    with pytest.warns(IgnoredCustomDataWarning, match="only used by presence") as record:
        result = authorize_channel(ENCRYPTED, channel=channel, socket_id=SOCKET, **kwargs)
    assert result == authorize_channel(ENCRYPTED, channel=channel, socket_id=SOCKET)
    assert result.channel_data is None
    assert record[0].filename == __file__  # points at the caller


def test_empty_custom_data_on_private_is_silent() -> None:
    """An empty custom_data is "no data", as in the reference: no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = authorize_channel(DOCS, channel="private-x", socket_id=SOCKET, custom_data={})
    assert result == authorize_channel(DOCS, channel="private-x", socket_id=SOCKET)


def test_ignored_custom_data_warning_is_a_user_warning() -> None:
    """The warning can be filtered like any UserWarning."""
    assert issubclass(IgnoredCustomDataWarning, UserWarning)


# --- argument errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"socket_id": "1234"}, InvalidArgumentError, "socket_id"),
        ({"socket_id": "1234.1234\n"}, InvalidArgumentError, "socket_id"),
        ({"socket_id": "a.b"}, InvalidArgumentError, "socket_id"),
        ({"socket_id": "١٢.٣٤"}, InvalidArgumentError, "socket_id"),  # non-ASCII digits
        ({"socket_id": 1234.1234}, InvalidArgumentTypeError, "socket_id"),
        ({"socket_id": None}, InvalidArgumentTypeError, "socket_id"),
        ({"channel": "private-a:b"}, InvalidArgumentError, "channel"),
        ({"channel": "private-ä"}, InvalidArgumentError, "channel"),
        ({"channel": "private-" + "x" * 200}, InvalidArgumentError, "channel"),
        ({"channel": b"private-x"}, InvalidArgumentTypeError, "channel"),
        ({"channel": ""}, InvalidArgumentError, "channel"),
    ],
)
def test_bad_socket_ids_and_channels(
    kwargs: dict[str, Any], error: type[Exception], argument: str
) -> None:
    """Socket ids must be digits.digits, channels valid names; errors name the argument."""
    arguments: dict[str, Any] = {"channel": "private-x", "socket_id": SOCKET, **kwargs}
    with pytest.raises(error) as info:
        authorize_channel(DOCS, **arguments)
    assert info.value.argument == argument  # type: ignore[attr-defined]
    assert isinstance(info.value, PusherError)


def test_configured_channel_length_limit_applies_on_the_fast_path() -> None:
    """Limits.max_channel_name_length holds for plain private channels too."""
    config = AppConfig(app_id="1", key="k", secret="s", limits=Limits(max_channel_name_length=12))
    authorize_channel(config, channel="private-abcd", socket_id=SOCKET)
    with pytest.raises(InvalidArgumentError, match="limit is 12"):
        authorize_channel(config, channel="private-abcde", socket_id=SOCKET)


def test_fast_path_value_equals_a_constructed_one() -> None:
    """The hot path's value is indistinguishable from `ChannelAuth(auth=...)`."""

    class Text(str):
        __slots__ = ()

    fast = authorize_channel(DOCS, channel="private-x", socket_id=SOCKET)
    slow = authorize_channel(DOCS, channel=Text("private-x"), socket_id=Text(SOCKET))
    built = ChannelAuth(auth=fast.auth)
    assert fast == slow == built
    assert hash(fast) == hash(built)
    assert repr(fast) == repr(built)
    assert pickle.loads(pickle.dumps(fast)) == fast


def test_values_are_frozen() -> None:
    """Auth values cannot be changed after the fact."""
    result = authorize_channel(DOCS, channel="private-x", socket_id=SOCKET)
    with pytest.raises(AttributeError):
        result.auth = "x"  # type: ignore[misc]


# --- reference-compatible form -------------------------------------------------------


def test_authenticate_returns_the_reference_dict_shapes() -> None:
    """`authenticate(config, channel, socket_id, custom_data)` returns JSON-ready dicts."""
    assert authenticate(DOCS, "private-foobar", SOCKET) == {
        "auth": "278d425bdf160c739803:"
        "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
    }
    presence = authenticate(
        DOCS, "presence-foobar", SOCKET, {"user_id": 10, "user_info": {"name": "Mr. Channels"}}
    )
    assert presence == {
        "auth": authorize_channel(
            DOCS, channel="presence-foobar", socket_id=SOCKET, user_id=10,
            user_info={"name": "Mr. Channels"},
        ).auth,
        "channel_data": '{"user_id":10,"user_info":{"name":"Mr. Channels"}}',
    }  # fmt: skip
    encrypted = authenticate(ENCRYPTED, "private-encrypted-channel", "345.23")
    assert encrypted["shared_secret"] == "VmIsNZtCSteh8kazd2toc+ofhohBtUouQRSDtRvuyVI="
    json.dumps(encrypted)  # the reference's bytes shared_secret fails here (B2)


def test_authenticate_presence_fast_and_validated_forms_agree() -> None:
    """A plain-dict custom_data with a string id (the common form) equals the typed answer."""
    member = {"user_info": {"name": "Ada"}, "user_id": "42"}
    expected = authorize_channel(DOCS, channel="presence-x", socket_id=SOCKET, custom_data=member)
    assert authenticate(DOCS, "presence-x", SOCKET, member) == expected.to_dict()
    assert expected.channel_data == '{"user_info":{"name":"Ada"},"user_id":"42"}'
    proxied = authenticate(DOCS, "presence-x", SOCKET, MappingProxyType(member))
    assert proxied == expected.to_dict()


def test_authenticate_warns_at_the_callers_line() -> None:
    """The reference form's warning points at its caller too."""
    with pytest.warns(IgnoredCustomDataWarning) as record:
        authenticate(DOCS, "private-x", SOCKET, {"user_id": "1"})
    assert record[0].filename == __file__


def test_warning_points_at_the_application_through_the_facade() -> None:
    """Through `Pusher.authenticate` / `authorize_channel` too, the warning names our line."""
    from pusher_core.client import Pusher

    client = Pusher("1", "key", "secret")
    with pytest.warns(IgnoredCustomDataWarning) as record:
        client.authenticate("private-x", SOCKET, {"user_id": "1"})
    with pytest.warns(IgnoredCustomDataWarning) as typed_record:
        client.authorize_channel("private-x", SOCKET, user_id="1")
    assert [w.filename for w in [*record, *typed_record]] == [__file__, __file__]


def test_authenticate_errors_stay_value_errors() -> None:
    """`except ValueError` written for the reference keeps catching bad input."""
    with pytest.raises(ValueError, match="socket_id"):
        authenticate(DOCS, "private-x", "nope")
    with pytest.raises(ValueError, match="user_id"):
        authenticate(DOCS, "presence-x", SOCKET)


# --- user authentication -------------------------------------------------------------


def test_user_data_is_signed_exactly_as_returned() -> None:
    """`socket::user::user_data` is signed over the exact returned string, keys in given order."""
    data = {"id": "42", "user_info": {"name": "Zoë"}, "watchlist": ["1", "2"], "extra": None}
    result = authenticate_user(DOCS, socket_id=SOCKET, user_data=data)
    assert result.user_data == (
        '{"id":"42","user_info":{"name":"Zoë"},"watchlist":["1","2"],"extra":null}'
    )
    assert result.auth == f"{DOCS.key}:{_hmac(DOCS.secret, f'{SOCKET}::user::{result.user_data}')}"
    assert json.loads(result.to_json()) == result.to_dict()
    assert result.to_dict() == {"auth": result.auth, "user_data": result.user_data}


def test_any_mapping_works_as_user_data() -> None:
    """A read-only or custom mapping signs the same as the equal dict."""
    data = {"id": "1", "user_info": {"a": 1}}
    expected = authenticate_user(DOCS, socket_id=SOCKET, user_data=data)
    assert authenticate_user(DOCS, socket_id=SOCKET, user_data=MappingProxyType(data)) == expected


def test_watchlist_tuple_is_a_json_array() -> None:
    """A tuple watchlist serializes as an array."""
    result = authenticate_user(DOCS, socket_id=SOCKET, user_data={"id": "1", "watchlist": ("a",)})
    assert result.user_data == '{"id":"1","watchlist":["a"]}'


def test_watchlist_limit_is_configurable() -> None:
    """100 ids pass by default, 101 do not; Limits.max_watchlist_size moves the bound."""
    authenticate_user(DOCS, socket_id=SOCKET, user_data={"id": "1", "watchlist": ["u"] * 100})
    with pytest.raises(InvalidArgumentError, match="limit is 100"):
        authenticate_user(DOCS, socket_id=SOCKET, user_data={"id": "1", "watchlist": ["u"] * 101})
    config = AppConfig(app_id="1", key="k", secret="s", limits=Limits(max_watchlist_size=2))
    with pytest.raises(InvalidArgumentError, match="limit is 2"):
        authenticate_user(
            config, socket_id=SOCKET, user_data={"id": "1", "watchlist": ["a", "b", "c"]}
        )


@pytest.mark.parametrize(
    ("user_data", "error", "argument"),
    [
        (None, InvalidArgumentError, "user_data"),
        ([("id", "1")], InvalidArgumentTypeError, "user_data"),
        ({}, InvalidArgumentError, "user_data"),
        ({"name": "x"}, InvalidArgumentError, "user_data"),
        ({"id": ""}, InvalidArgumentError, "user_data['id']"),
        ({"id": 42}, InvalidArgumentTypeError, "user_data['id']"),
        ({"id": "a b"}, InvalidArgumentError, "user_data['id']"),
        ({"id": "1", "watchlist": "2"}, InvalidArgumentTypeError, "user_data['watchlist']"),
        ({"id": "1", "watchlist": None}, InvalidArgumentTypeError, "user_data['watchlist']"),
        ({"id": "1", "watchlist": ["ok", ""]}, InvalidArgumentError, "user_data['watchlist'][1]"),
        ({"id": "1", "watchlist": [7]}, InvalidArgumentTypeError, "user_data['watchlist'][0]"),
        ({"id": "1", "user_info": {1j: 1}}, InvalidArgumentTypeError, "user_data"),
        ({"id": "1", "user_info": "\udfff"}, InvalidArgumentError, "user_data"),
    ],
)  # fmt: skip
def test_bad_user_data(user_data: Any, error: type[Exception], argument: str) -> None:
    """user_data needs a non-empty string `id`; watchlist ids must be valid; errors say where."""
    with pytest.raises(error) as info:
        authenticate_user(DOCS, socket_id=SOCKET, user_data=user_data)
    assert info.value.argument == argument  # type: ignore[attr-defined]


def test_user_auth_bad_socket_id() -> None:
    """User sign-in validates the socket id like channel auth."""
    with pytest.raises(InvalidArgumentError) as info:
        authenticate_user(DOCS, socket_id="1.2.3", user_data={"id": "1"})
    assert info.value.argument == "socket_id"


# --- secrets never print ----------------------------------------------------------


def test_secret_and_master_key_never_appear_in_values_or_errors() -> None:
    """No repr, str or error message of auth, endpoint, webhook or encryption values shows them."""
    from pusher_core import auth_endpoints, encryption, webhooks

    secret = "s3cr3t-VALUE-that-must-not-leak"
    master = b"M" * 32
    master_b64 = base64.b64encode(master).decode()
    config = AppConfig(app_id="1", key="app-key", secret=secret, encryption_master_key=master)
    channel_key = encryption.shared_secret("private-encrypted-x", master)
    shown: list[object] = [
        config,
        authorize_channel(config, channel="private-x", socket_id=SOCKET),
        authorize_channel(config, channel="private-encrypted-x", socket_id=SOCKET),
        authorize_channel(config, channel="presence-x", socket_id=SOCKET, user_id="1"),
        authenticate_user(config, socket_id=SOCKET, user_data={"id": "1"}),
        auth_endpoints.channel_auth_response(
            config, b"socket_id=1.1&channel_name=private-encrypted-x", None, lambda _: True
        ),
        encryption.encrypt("private-encrypted-x", "hi", master, bytes(24)),
    ]
    body = b'{"time_ms":1,"events":[{"name":"channel_occupied","channel":"c"}]}'
    shown.extend(
        webhooks.verify_webhook(
            config,
            headers={"X-Pusher-Key": "app-key", "X-Pusher-Signature": signature},
            body=body,
            now_ms=1,
        )
        for signature in (hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(), "bad")
    )
    failures: list[Any] = [
        lambda: authorize_channel(config, channel="public", socket_id=SOCKET),
        lambda: authorize_channel(config, channel="private-x", socket_id="bad"),
        lambda: authorize_channel(config, channel="presence-x", socket_id=SOCKET),
        lambda: authorize_channel(
            AppConfig(app_id="1", key="k", secret=secret), channel="private-encrypted-x",
            socket_id=SOCKET,
        ),
        lambda: authenticate_user(config, socket_id=SOCKET, user_data={"id": ""}),
        lambda: auth_endpoints.parse_channel_auth_request(b"", "text/plain"),
        lambda: auth_endpoints.parse_user_auth_request(b"socket_id=x", None),
        lambda: auth_endpoints.channel_auth_response(
            config, b"socket_id=1.1&channel_name=presence-x", None, lambda _: True
        ),
        lambda: encryption.decrypt("private-encrypted-x", "{}", master),
        lambda: encryption.decrypt(
            "private-encrypted-x",
            encryption.encrypt("private-encrypted-y", "hi", master, bytes(24)),
            master,
        ),
        lambda: webhooks.verify_webhook(config, headers={}, body=b"", now_ms="now"),  # type: ignore[arg-type]
        lambda: AppConfig.from_url(f"http://key:{secret}@host/apps/x"),
        lambda: AppConfig.from_options(
            "1", "k", secret, encryption_master_key_base64=master_b64[:-4]
        ),
    ]  # fmt: skip
    for fail in failures:
        with pytest.raises(PusherError) as info:
            fail()
        shown.extend([info.value, *info.value.args])
    forbidden = [secret, master_b64, master.decode(), base64.b64encode(channel_key).decode()]
    for value in shown:
        for text in (repr(value), str(value)):
            for needle in forbidden:
                assert needle not in text, (type(value).__name__, needle)


def test_module_surface() -> None:
    """`__all__` lists exactly the public names, each defined."""
    assert sorted(auth.__all__) == sorted(
        name for name in vars(auth) if not name.startswith("_") and name in auth.__all__
    )
    for name in auth.__all__:
        assert hasattr(auth, name)
