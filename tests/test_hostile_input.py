"""Hostile input gets a named PusherError (or a verdict), never a bare builtin exception.

One test per defect found by `property_tests/test_totality.py` and by the issue
"Transports that never duplicate or lose an event", section 6 ("Everything raised
is a PusherError"). Each asserts the specific error class and the argument it names.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from pusher_core.auth import authenticate_user, authorize_channel
from pusher_core.auth_endpoints import (
    AuthRequestError,
    ChannelAuthRequest,
    channel_auth_response,
    parse_channel_auth_request,
    parse_user_auth_request,
    user_auth_response,
)
from pusher_core.channels import ChannelKind, channel_kind
from pusher_core.compat import authenticate, authenticate_user as compat_authenticate_user
from pusher_core.config import AppConfig, Limits
from pusher_core.encryption import EncryptedPayload, decrypt, encrypt
from pusher_core.errors import (
    ConfigurationError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    PusherError,
)
from pusher_core.events import (
    BatchEvent,
    send_to_user_request,
    trigger_batch_request,
    trigger_bulk_requests,
    trigger_request,
)
from pusher_core.queries import (
    channel_request,
    channels_request,
    get_request,
    post_request,
    terminate_connections_request,
    users_request,
)
from pusher_core.responses import (
    parse_batch,
    parse_channel,
    parse_channels,
    parse_json,
    parse_trigger,
    parse_users,
)
from pusher_core.signing import (
    RejectedRequest,
    RequestRejectReason,
    ValidRequest,
    sign_request,
    verify_request,
)
from pusher_core.transport import HttpResponse
from pusher_core.webhooks import verify_webhook

SECRET = "secret"
CONFIG = AppConfig.from_options("1", "key", SECRET)
MASTER_B64 = base64.b64encode(b"M" * 32).decode()
HUGE = 10**5000  # more digits than Python will print (sys.get_int_max_str_digits)


def nested(depth: int, shape: str = "list") -> Any:
    """`depth` levels of lists or dicts around one leaf, built with a loop."""
    value: Any = "leaf"
    for _ in range(depth):
        value = [value] if shape == "list" else {"k": value} if shape == "dict" else (value,)
    return value


def containing_itself(shape: str) -> Any:
    """A list or dict that holds itself: endlessly deep to an encoder."""
    if shape == "list":
        items: list[Any] = []
        items.append(items)
        return items
    mapping: dict[str, Any] = {}
    mapping["self"] = mapping
    return mapping


# Deeper than any CPython encodes (3.10 and 3.11 stop near 1,000 levels, 3.12+ further),
# and values that contain themselves.
DEEP = [
    nested(50_000, "list"),
    nested(50_000, "dict"),
    nested(100_000, "list"),
    containing_itself("list"),
    containing_itself("dict"),
]
DEEP_IDS = ["list 50000", "dict 50000", "list 100000", "list in itself", "dict in itself"]


# --- the defects the issue lists -----------------------------------------------------------

SEALED = AppConfig.from_options("1", "key", SECRET, encryption_master_key_base64=MASTER_B64)
EVENT = {"channel": "a", "name": "e", "data": "d"}
Build = Callable[[], object]


def _raises_naming(error: type[Exception], argument: str, build: Build) -> None:
    with pytest.raises(error) as caught:
        build()
    assert caught.value.argument == argument  # type: ignore[attr-defined]
    assert type(caught.value) is error


def _decide_bug_naming(argument: str, build: Build) -> None:
    """An auth endpoint's decide returned it: the server's ConfigurationError, quoting the cause."""
    with pytest.raises(ConfigurationError) as caught:
        build()
    assert type(caught.value) is ConfigurationError
    assert f"({argument}: " in str(caught.value)
    cause = caught.value.__cause__
    assert type(cause) is InvalidArgumentError
    assert cause.argument == argument


@pytest.mark.parametrize("data", DEEP, ids=DEEP_IDS)
def test_deeply_nested_event_data_is_an_invalid_argument_naming_it(data: Any) -> None:
    event = {**EVENT, "data": data}
    cases: list[tuple[str, Build]] = [
        (
            "data",
            lambda: trigger_request(CONFIG, channels="a", event_name="e", data=data, timestamp=1),
        ),
        (
            "data",
            lambda: send_to_user_request(
                CONFIG, user_id="u", event_name="e", data=data, timestamp=1
            ),
        ),
        (
            "batch[1].data",
            lambda: trigger_batch_request(CONFIG, events=[EVENT, event], timestamp=1),
        ),
        (
            "batch[1].data",
            lambda: trigger_bulk_requests(CONFIG, events=[EVENT, event], timestamp=1),
        ),
        (
            "batch[0].data",
            lambda: trigger_batch_request(CONFIG, events=[BatchEvent(**event)], timestamp=1),
        ),
    ]
    for argument, build in cases:
        _raises_naming(InvalidArgumentError, argument, build)


@pytest.mark.parametrize("info", DEEP, ids=DEEP_IDS)
def test_deeply_nested_member_info_is_an_invalid_argument_naming_it(info: Any) -> None:
    member = {"user_id": "u", "user_info": info}
    cases: list[tuple[str, Build]] = [
        (
            "user_info",
            lambda: authorize_channel(
                CONFIG, channel="presence-a", socket_id="1.1", user_id="u", user_info=info
            ),
        ),
        (
            "custom_data",
            lambda: authorize_channel(
                CONFIG, channel="presence-a", socket_id="1.1", custom_data=member
            ),
        ),
        ("custom_data", lambda: authenticate(CONFIG, "presence-a", "1.1", member)),
    ]
    for argument, build in cases:
        _raises_naming(InvalidArgumentError, argument, build)
    _decide_bug_naming(
        "custom_data",
        lambda: channel_auth_response(
            CONFIG, b"socket_id=1.1&channel_name=presence-a", None, lambda _: member
        ),
    )


@pytest.mark.parametrize("info", DEEP, ids=DEEP_IDS)
def test_deeply_nested_user_data_is_an_invalid_argument_naming_it(info: Any) -> None:
    user_data = {"id": "u", "user_info": info}
    cases: list[Build] = [
        lambda: authenticate_user(CONFIG, socket_id="1.1", user_data=user_data),
        lambda: compat_authenticate_user(CONFIG, "1.1", user_data),
    ]
    for build in cases:
        _raises_naming(InvalidArgumentError, "user_data", build)
    _decide_bug_naming(
        "user_data", lambda: user_auth_response(CONFIG, b"socket_id=1.1", None, lambda _: user_data)
    )


@pytest.mark.parametrize("body", DEEP, ids=DEEP_IDS)
def test_a_deeply_nested_post_body_is_an_invalid_argument_naming_body(body: Any) -> None:
    _raises_naming(
        InvalidArgumentError,
        "body",
        lambda: post_request(CONFIG, path="/x", body=body, timestamp=1),
    )


@pytest.mark.parametrize("timestamp", [HUGE, -HUGE], ids=["10**5000", "-10**5000"])
def test_a_5000_digit_timestamp_is_an_invalid_argument_naming_timestamp(timestamp: int) -> None:
    cases: list[Build] = [
        lambda: sign_request(CONFIG, method="GET", path="/apps/1/x", timestamp=timestamp),
        lambda: trigger_request(
            CONFIG, channels="a", event_name="e", data="d", timestamp=timestamp
        ),
        lambda: trigger_batch_request(CONFIG, events=[EVENT], timestamp=timestamp),
        lambda: trigger_bulk_requests(CONFIG, events=[EVENT], timestamp=timestamp),
        lambda: send_to_user_request(
            CONFIG, user_id="u", event_name="e", data="d", timestamp=timestamp
        ),
        lambda: channels_request(CONFIG, timestamp=timestamp),
        lambda: channel_request(CONFIG, channel="a", timestamp=timestamp),
        lambda: users_request(CONFIG, channel="presence-a", timestamp=timestamp),
        lambda: terminate_connections_request(CONFIG, user_id="u", timestamp=timestamp),
        lambda: get_request(CONFIG, path="/channels", timestamp=timestamp),
        lambda: post_request(CONFIG, path="/x", body={}, timestamp=timestamp),
    ]
    for build in cases:
        _raises_naming(InvalidArgumentError, "timestamp", build)


ENCRYPTED_EVENT = {"channel": "private-encrypted-a", "name": "e", "data": "secret"}


@pytest.mark.parametrize(
    "nonce",
    [b"", "x" * 24, b"x" * 65, b"x" * 23, b"x" * 25, bytearray(b"x" * 24), 24],
    ids=["b''", "str of 24", "65 bytes", "23 bytes", "25 bytes", "bytearray", "int"],
)
def test_a_bad_nonce_gives_batch_and_bulk_the_error_trigger_gives(nonce: Any) -> None:
    with pytest.raises(PusherError) as single:
        trigger_request(
            SEALED,
            channels="private-encrypted-a",
            event_name="e",
            data="d",
            timestamp=1,
            nonce=nonce,
        )
    assert (type(single.value), single.value.argument) == (InvalidArgumentTypeError, "nonce")  # type: ignore[attr-defined]
    for build in (trigger_batch_request, trigger_bulk_requests):
        batches: list[list[Any]] = [[ENCRYPTED_EVENT], [EVENT, BatchEvent(**ENCRYPTED_EVENT)]]
        for events in batches:
            _raises_naming(
                type(single.value),
                "nonce",
                partial(build, SEALED, events=events, timestamp=1, nonce=nonce),
            )


@pytest.mark.parametrize(
    "secrets",
    [
        {"old": ""},
        {"key": SECRET, "old": ""},
        {"old": None},
        {"old": 5},
        {"old": b"s"},
        {"": "s"},
        {5: "s"},
    ],
    ids=["empty", "empty beside a good one", "None", "int", "bytes", "empty key", "int key"],
)
def test_empty_or_non_string_secrets_are_a_configuration_error(secrets: Any) -> None:
    body = b'{"time_ms": 0, "events": []}'
    headers = {"X-Pusher-Key": "old", "X-Pusher-Signature": "0" * 64}
    for config in (None, CONFIG):
        with pytest.raises(ConfigurationError, match=r"^secrets: "):
            verify_webhook(config, headers=headers, body=body, now_ms=0, secrets=secrets)
    with pytest.raises(ConfigurationError, match=r"^secrets: "):
        verify_request(method="GET", path="/", query="", body=b"", secrets=secrets, now=0)


# --- configuration ----------------------------------------------------------------------


@pytest.mark.parametrize("port", [HUGE, -HUGE, DEEP[0]], ids=["10**5000", "-10**5000", "deep"])
def test_an_unprintable_port_is_a_configuration_error_naming_port(port: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"^port must be an int in 1..65535"):
        AppConfig.from_options("1", "key", SECRET, port=port)
    with pytest.raises(ConfigurationError, match=r"^port must be an int in 1..65535"):
        AppConfig(app_id="1", key="key", secret=SECRET, port=port)


def test_unprintable_values_are_shown_by_type() -> None:
    with pytest.raises(ConfigurationError, match=r"got <int>$"):
        AppConfig.from_options("1", "key", SECRET, port=HUGE)
    with pytest.raises(ConfigurationError, match=r"got \[\[\[\['leaf'\]\]\]\]$"):
        AppConfig.from_options("1", "key", SECRET, port=nested(4))


@pytest.mark.parametrize("app_id", [HUGE, DEEP[0], DEEP[1]], ids=["10**5000", "list", "dict"])
def test_an_unprintable_app_id_is_a_configuration_error_naming_app_id(app_id: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"^app_id must be the app's numeric id"):
        AppConfig.from_options(app_id, "key", SECRET)


def test_an_unprintable_host_or_cluster_is_a_configuration_error_naming_it() -> None:
    with pytest.raises(ConfigurationError, match=r"^host must be a bare host name"):
        AppConfig.from_options("1", "key", SECRET, host=DEEP[0])
    with pytest.raises(ConfigurationError, match=r"^cluster must look like"):
        AppConfig.from_options("1", "key", SECRET, cluster=HUGE)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-HUGE, DEEP[0], DEEP[1]], ids=["-10**5000", "list", "dict"])
def test_an_unprintable_limit_is_a_configuration_error_naming_the_limit(value: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"^limit max_batch_size must be a positive int"):
        Limits(max_batch_size=value)


@pytest.mark.parametrize("limits", [5, {"max_batch_size": 1}, []])
def test_a_limits_argument_that_is_not_limits_is_a_configuration_error(limits: Any) -> None:
    builds: tuple[Callable[[], object], ...] = (
        lambda: AppConfig.from_options("1", "key", SECRET, limits=limits),
        lambda: AppConfig.from_url("http://key:secret@h/apps/1", limits=limits),
        lambda: AppConfig.from_env({"PUSHER_URL": "http://k:s@h/apps/1"}, limits=limits),
    )
    for build in builds:
        with pytest.raises(ConfigurationError, match=r"^limits must be a pusher_core.Limits"):
            build()


def test_a_scheme_other_than_http_or_https_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"^scheme must be 'http' or 'https'"):
        AppConfig(app_id="1", key="key", secret=SECRET, scheme="ftp")  # type: ignore[arg-type]


@pytest.mark.parametrize("environ", [None, [("PUSHER_URL", "x")], "PUSHER_URL=x", 5])
def test_an_environ_that_is_not_a_mapping_is_an_invalid_argument_type(environ: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        AppConfig.from_env(environ)
    assert caught.value.argument == "environ"


def test_a_raw_master_key_with_a_lone_surrogate_is_a_configuration_error() -> None:
    with (
        pytest.warns(DeprecationWarning, match="deprecated"),
        pytest.raises(ConfigurationError, match=r"^encryption_master_key must be 32 characters"),
    ):
        AppConfig.from_options("1", "key", SECRET, encryption_master_key="\ud800" * 32)


# --- signing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"a": DEEP[0]}, {"a": DEEP[1]}, {HUGE: "x"}, {"a": [HUGE]}],
    ids=["deep list", "deep dict", "10**5000 key", "10**5000 in a list"],
)
def test_unprintable_params_are_an_invalid_argument_type_naming_params(params: Any) -> None:
    builds: tuple[Callable[[], object], ...] = (
        lambda: sign_request(CONFIG, method="GET", path="/apps/1/x", timestamp=1, params=params),
        lambda: get_request(CONFIG, path="/x", timestamp=1, params=params),
    )
    for build in builds:
        with pytest.raises(InvalidArgumentTypeError) as caught:
            build()
        assert caught.value.argument == "params"


@pytest.mark.parametrize(
    ("argument", "given"),
    [
        ("method", {"method": None}),
        ("method", {"method": b"GET"}),
        ("path", {"path": None}),
        ("path", {"path": DEEP[0]}),
        ("body", {"body": "{}"}),
        ("body", {"body": None}),
        ("body", {"body": DEEP[1]}),
    ],
)
def test_a_method_path_or_body_of_the_wrong_type_is_named(argument: str, given: Any) -> None:
    call = {"method": "POST", "path": "/apps/1/events", "body": b"{}", **given}
    with pytest.raises(InvalidArgumentTypeError) as caught:
        sign_request(CONFIG, timestamp=1, **call)
    assert caught.value.argument == argument


@pytest.mark.parametrize("body", [bytearray(b"{}"), memoryview(b"{}")], ids=["bytearray", "view"])
def test_a_bytes_like_body_is_signed_as_its_bytes(body: Any) -> None:
    signed = sign_request(CONFIG, method="POST", path="/apps/1/x", timestamp=1, body=body)
    assert signed == sign_request(CONFIG, method="POST", path="/apps/1/x", timestamp=1, body=b"{}")
    assert type(signed.body) is bytes


@pytest.mark.parametrize(
    ("argument", "method", "path"),
    [
        ("method", "G\ud800T", "/apps/1/x"),
        ("path", "GET", "/apps/1/\udc80"),
        ("path", "GET\n", "/\ud800"),
    ],
)
def test_a_lone_surrogate_in_the_method_or_path_is_named(
    argument: str, method: str, path: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="lone surrogate") as caught:
        sign_request(CONFIG, method=method, path=path, timestamp=1)
    assert caught.value.argument == argument


# --- verifying a received request --------------------------------------------------------

SIGNED = sign_request(
    CONFIG, method="POST", path="/apps/1/events", timestamp=1000, params={"a": "b"}, body=b"{}"
)
WIRE_QUERY = SIGNED.target.partition("?")[2]


def _verify(**given: Any) -> Any:
    call = {
        "method": "POST",
        "path": "/apps/1/events",
        "query": WIRE_QUERY,
        "body": b"{}",
        "secrets": {"key": SECRET},
        "now": 1000,
        **given,
    }
    return verify_request(**call)


def test_the_signed_request_verifies_in_every_received_form() -> None:
    for query in (WIRE_QUERY, WIRE_QUERY.encode(), SIGNED.query, list(map(list, SIGNED.query))):
        assert _verify(query=query) == ValidRequest(key="key", timestamp=1000)
    assert _verify(body="{}") == ValidRequest(key="key", timestamp=1000)


@pytest.mark.parametrize(
    "query",
    [None, 5, [(1, 2)], [("a", "b", "c")], ["ab"], [("auth_key", ["key"])], DEEP[0], object()],
    ids=["None", "int", "int pair", "triple", "str", "list value", "deep", "object"],
)
def test_a_query_of_any_shape_gets_a_verdict(query: Any) -> None:
    assert _verify(query=query) == RejectedRequest(reason=RequestRejectReason.MISSING_AUTH_PARAMS)


def test_non_string_pairs_are_ignored_not_fatal() -> None:
    query = [*SIGNED.query, (b"x", "y"), ("auth_key", 5), ("n", None), ("auth_timestamp", 1)]
    assert _verify(query=query) == ValidRequest(key="key", timestamp=1000)


@pytest.mark.parametrize(
    "given",
    [
        {"query": WIRE_QUERY + "&z=\ud800"},
        {"query": [*SIGNED.query, ("z", "\udc80")]},
        {"query": WIRE_QUERY.encode() + b"&z=\xff"},
        {"path": "/apps/1/events\ud800"},
        {"method": "POST\udfff"},
    ],
    ids=["query text", "query pairs", "query bytes", "path", "method"],
)
def test_a_lone_surrogate_anywhere_in_the_request_is_a_bad_signature(given: Any) -> None:
    assert _verify(**given) == RejectedRequest(reason=RequestRejectReason.BAD_SIGNATURE)


def test_a_str_body_that_no_client_can_have_sent_is_a_body_mismatch() -> None:
    assert _verify(body="{\ud800}") == RejectedRequest(reason=RequestRejectReason.BODY_MD5_MISMATCH)


@pytest.mark.parametrize(
    ("argument", "given"),
    [
        ("method", {"method": None}),
        ("path", {"path": b"/apps/1/events"}),
        ("body", {"body": None}),
        ("body", {"body": DEEP[0]}),
        ("now", {"now": "1000"}),
        ("now", {"now": None}),
        ("now", {"now": float("nan")}),
        ("now", {"now": float("inf")}),
        ("now", {"now": True}),
        ("skew_seconds", {"skew_seconds": float("nan")}),
        ("skew_seconds", {"skew_seconds": [600]}),
    ],
)
def test_the_callers_own_arguments_of_the_wrong_type_are_named(
    argument: str, given: dict[str, Any]
) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        _verify(**given)
    assert caught.value.argument == argument


def test_a_negative_skew_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        _verify(skew_seconds=-1)
    assert caught.value.argument == "skew_seconds"


def test_a_huge_clock_is_just_stale() -> None:
    assert _verify(now=HUGE) == RejectedRequest(reason=RequestRejectReason.STALE)
    assert _verify(now=1e308, skew_seconds=10**30) == RejectedRequest(
        reason=RequestRejectReason.STALE
    )


# --- publishing ---------------------------------------------------------------------------

EVENT = {"channel": "a", "name": "e", "data": "d"}


@pytest.mark.parametrize(
    ("key", "named"),
    [(HUGE, "<int>"), (nested(100_000, "tuple"), "<tuple>"), (5, "5"), (None, "None")],
    ids=["10**5000", "deep tuple", "int", "None"],
)
def test_a_batch_event_with_an_unprintable_extra_key_is_named(key: Any, named: str) -> None:
    for build in (trigger_batch_request, trigger_bulk_requests):
        with pytest.raises(InvalidArgumentError, match="unknown keys") as caught:
            build(CONFIG, events=[EVENT, {**EVENT, key: 1}], timestamp=1)
        assert caught.value.argument == "batch[1]"
        assert named in caught.value.message


# --- reading answers and webhooks ------------------------------------------------------------

PARSERS = [parse_json, parse_trigger, parse_batch, parse_channels, parse_channel, parse_users]


@pytest.mark.parametrize("decoder", [5, "json", json.JSONEncoder, json.JSONDecoder()])
@pytest.mark.parametrize("parse", PARSERS, ids=lambda parse: parse.__name__)
def test_a_decoder_that_is_not_a_decoder_class_is_named(parse: Any, decoder: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        parse(HttpResponse(status=200, body=b'{"a": 1}'), decoder)
    assert caught.value.argument == "decoder"


def _webhook(body: bytes, **given: Any) -> Any:
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Pusher-Key": "key", "X-Pusher-Signature": signature}
    return verify_webhook(headers=headers, body=body, now_ms=0, **given)


@pytest.mark.parametrize("decoder", [5, json.JSONEncoder])
def test_a_webhook_decoder_that_is_not_a_decoder_class_is_named(decoder: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        _webhook(b'{"time_ms": 0, "events": []}', secrets={"key": SECRET}, decoder=decoder)
    assert caught.value.argument == "decoder"


@pytest.mark.parametrize(
    "config", [{"key": SECRET}, "key", 5], ids=["the secrets, positionally", "str", "int"]
)
def test_a_webhook_config_that_is_not_an_app_config_is_named(config: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        _webhook(b"{}", config=config)
    assert caught.value.argument == "config"


# --- end-to-end encryption ---------------------------------------------------------------

MASTER = b"M" * 32
ENCRYPTED = "private-encrypted-a"


@pytest.mark.parametrize("payload", [None, b"{}", 5, DEEP[0], {"nonce": "", "ciphertext": ""}])
def test_decrypt_of_a_payload_that_is_neither_str_nor_encrypted_payload_is_named(
    payload: Any,
) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        decrypt(ENCRYPTED, payload, MASTER)
    assert caught.value.argument == "payload"


@pytest.mark.parametrize(
    ("nonce", "ciphertext"),
    [(5, b"x" * 20), (b"n" * 24, None), (bytearray(b"n" * 24), b"x" * 20), ("n" * 24, b"")],
)
def test_decrypt_of_an_encrypted_payload_holding_non_bytes_is_named(
    nonce: Any, ciphertext: Any
) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        decrypt(ENCRYPTED, EncryptedPayload(nonce=nonce, ciphertext=ciphertext), MASTER)
    assert caught.value.argument == "payload"


@pytest.mark.parametrize("plaintext", [None, b"data", 5, ["data"]])
def test_encrypt_of_a_plaintext_that_is_not_a_str_is_named(plaintext: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        encrypt(ENCRYPTED, plaintext, MASTER, b"n" * 24)
    assert caught.value.argument == "plaintext"


# --- auth endpoints -----------------------------------------------------------------------

FORM_BODY = b"socket_id=1.1&channel_name=private-a"
FORM = "application/x-www-form-urlencoded"


def test_a_content_type_given_as_bytes_is_read_as_latin_1() -> None:
    expected = ChannelAuthRequest(socket_id="1.1", channel_name="private-a")
    assert parse_channel_auth_request(FORM_BODY, FORM.encode()) == expected  # type: ignore[arg-type]
    assert parse_channel_auth_request(FORM_BODY, bytearray(FORM.encode())) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("content_type", [5, ["application/json"], object()])
def test_a_content_type_of_another_type_is_named(content_type: Any) -> None:
    for parse in (
        lambda: parse_channel_auth_request(FORM_BODY, content_type),
        lambda: parse_user_auth_request(FORM_BODY, content_type),
        lambda: channel_auth_response(CONFIG, FORM_BODY, content_type, lambda _: True),
        lambda: user_auth_response(CONFIG, FORM_BODY, content_type, lambda _: {"id": "u"}),
    ):
        with pytest.raises(InvalidArgumentTypeError) as caught:
            parse()
        assert caught.value.argument == "content_type"


@pytest.mark.parametrize(
    "charset",
    ["base64", "hex", "zlib", "bz2", "rot13", "uu", "quopri", "undefined", "\x00", "\ud800"],
)
@pytest.mark.parametrize("media", [FORM, "application/json"])
def test_a_charset_that_is_not_a_text_encoding_is_a_415_naming_content_type(
    media: str, charset: str
) -> None:
    content_type = f"{media}; charset={charset}"
    with pytest.raises(AuthRequestError) as caught:
        parse_channel_auth_request(FORM_BODY, content_type)
    assert (caught.value.argument, caught.value.status) == ("content_type", 415)
    response = channel_auth_response(CONFIG, FORM_BODY, content_type, lambda _: True)
    assert response.status == 415


@pytest.mark.parametrize("limits", [5, {"max_channel_name_length": 10}, "limits"])
def test_auth_request_limits_that_are_not_limits_are_named(limits: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        parse_channel_auth_request(FORM_BODY, FORM, limits=limits)
    assert caught.value.argument == "limits"


@pytest.mark.parametrize("decide", [None, True, {"user_id": "u"}, "allow"])
def test_a_decide_that_is_not_callable_is_named(decide: Any) -> None:
    for respond in (channel_auth_response, user_auth_response):
        for body in (FORM_BODY, b"not a request"):
            with pytest.raises(InvalidArgumentTypeError) as caught:
                respond(CONFIG, body, FORM, decide)
            assert caught.value.argument == "decide"


# --- channel kinds ------------------------------------------------------------------------


@pytest.mark.parametrize("name", [None, b"private-a", 5, ["private-a"]])
def test_channel_kind_of_a_name_that_is_not_a_str_is_named(name: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as caught:
        channel_kind(name)
    assert caught.value.argument == "name"


def test_channel_kind_of_a_str_subclass_still_classifies() -> None:
    class Name(str):
        __slots__ = ()

    assert channel_kind(Name("presence-a")) is ChannelKind.PRESENCE


@pytest.mark.parametrize("config", [None, {"app_id": "1"}, "https://k:s@h/apps/1"])
@pytest.mark.parametrize(
    "build",
    [
        lambda c: __import__("pusher_core").trigger_request(
            c, channels="c", event_name="e", data="x", timestamp=1
        ),
        lambda c: __import__("pusher_core").trigger_batch_request(
            c, events=[{"channel": "c", "name": "e", "data": "x"}], timestamp=1
        ),
        lambda c: __import__("pusher_core").trigger_bulk_requests(c, events=[], timestamp=1),
        lambda c: __import__("pusher_core").send_to_user_request(
            c, user_id="u", event_name="e", data="x", timestamp=1
        ),
        lambda c: __import__("pusher_core").channels_request(c, timestamp=1),
        lambda c: __import__("pusher_core").channel_request(c, channel="c", timestamp=1),
        lambda c: __import__("pusher_core").users_request(c, channel="presence-c", timestamp=1),
        lambda c: __import__("pusher_core").terminate_connections_request(
            c, user_id="u", timestamp=1
        ),
        lambda c: __import__("pusher_core").get_request(c, path="/channels", timestamp=1),
        lambda c: __import__("pusher_core").post_request(c, path="/x", body={}, timestamp=1),
        lambda c: __import__("pusher_core").sign_request(c, method="GET", path="/", timestamp=1),
        lambda c: __import__("pusher_core").authorize_channel(
            c, channel="private-c", socket_id="1.2"
        ),
        lambda c: __import__("pusher_core").authenticate_user(
            c, socket_id="1.2", user_data={"id": "u"}
        ),
        lambda c: __import__("pusher_core").trigger_plan(
            c, channels="c", event_name="e", data="x", timestamp=1
        ),
    ],
)
def test_a_config_that_is_not_an_app_config_is_named(config: object, build: Any) -> None:
    """Every builder refuses a `config` that is not an `AppConfig`, naming `config`."""
    with pytest.raises(InvalidArgumentTypeError) as excinfo:
        build(config)
    assert excinfo.value.argument == "config"


@pytest.mark.parametrize("shape", ["list", "dict"])
def test_data_about_1000_levels_deep_is_a_request_or_a_named_error(shape: str) -> None:
    """The issue's 1,000 levels: CPython 3.12+ encodes them, older ones stop: never a bare error."""
    data = nested(1000, shape)
    refused: str | None = None
    try:
        request = trigger_request(CONFIG, channels="c", event_name="e", data=data, timestamp=1)
    except InvalidArgumentError as error:
        refused = error.argument
    else:
        assert request.body.count(b"[" if shape == "list" else b"{") >= 1000
    assert refused in (None, "data")
