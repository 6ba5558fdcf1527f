"""Totality: every public entry point of the core gives a value or a `PusherError`.

Nothing else may escape: no bare `TypeError`, `ValueError`, `AttributeError`,
`RecursionError`, `UnicodeError`, `OverflowError`, `KeyError` or `LookupError`.
One property per entry point; the `*_plan` functions share one property that
draws the plan, and the `parse_*` parsers one that runs them all on each response.

How arguments are drawn (`arguments`): every argument valid, then none, one, two
or three of them replaced by a value the function must refuse: a bad value of the
right type, or anything `hostile`. So each check of each entry point is reached
with everything before it valid. `hostile` holds the shapes that broke the core
(issue "Transports that never duplicate or lose an event", section 6): data nested
1,000+ levels deep (built with a loop), circular lists and dicts, 5,000-digit
integers (`timestamp=10**5000`, `port=10**5000`), NaN and infinities, lone
surrogates in every kind of string, non-str dict keys, `None`, bytes for str and
str for bytes, `object()`, nonces of 0/23/25/65 bytes.

Received input gets the stronger promise: `verify_request` (method, path, query,
body), `verify_webhook` and `compat.validate_webhook` (headers, body) answer any
received value with a verdict; only the caller's own arguments (secrets, clock,
codecs, config, a body that is not bytes or str) may raise, and only a `PusherError`.

The `config` argument of the builders is always an `AppConfig` (with or without
a master key, custom codecs or tight limits): it is the app, built once by
`AppConfig.from_*`, whose own totality is checked here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from hypothesis import given, strategies as st

from property_tests.strategies import CHANNEL_CHARS
from pusher_core import compat, plans
from pusher_core.auth import ChannelAuth, UserAuth, authenticate_user, authorize_channel
from pusher_core.auth_endpoints import (
    AuthResponse,
    ChannelAuthRequest,
    UserAuthRequest,
    channel_auth_response,
    parse_channel_auth_request,
    parse_user_auth_request,
    user_auth_response,
)
from pusher_core.channels import ChannelKind, channel_kind
from pusher_core.config import AppConfig, Limits
from pusher_core.encryption import EncryptedPayload, decrypt, encrypt
from pusher_core.errors import PusherError
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
    BatchResult,
    ChannelInfo,
    ChannelsList,
    TriggerResult,
    Users,
    parse_batch,
    parse_channel,
    parse_channels,
    parse_json,
    parse_trigger,
    parse_users,
)
from pusher_core.signing import RejectedRequest, ValidRequest, sign_request, verify_request
from pusher_core.transport import HttpRequest, HttpResponse
from pusher_core.webhooks import RejectedWebhook, ValidWebhook, verify_webhook

# --- the apps ----------------------------------------------------------------------------


class Encoder(json.JSONEncoder):
    """A user's encoder class: takes the `json.dumps(cls=...)` path."""


class Decoder(json.JSONDecoder):
    """A user's decoder class: takes the `json.loads(cls=...)` path."""


MASTER = bytes(range(32))
MASTER_B64 = base64.b64encode(MASTER).decode()
PLAIN = AppConfig.from_options("1", "key", "secret")
SEALED = AppConfig.from_options(
    "42",
    "key",
    "secret",
    ssl=False,
    host="127.0.0.1",
    port=6001,
    encryption_master_key_base64=MASTER_B64,
)
TIGHT = AppConfig.from_options(
    "7",
    "key",
    "secret",
    encryption_master_key_base64=MASTER_B64,
    limits=Limits(
        max_channels_per_trigger=2,
        max_batch_size=2,
        max_event_name_length=8,
        max_payload_bytes=64,
        max_channel_name_length=30,
        max_user_id_length=8,
        max_watchlist_size=2,
    ),
)
CODECS = AppConfig.from_options(
    "9",
    "key",
    "secret",
    encryption_master_key_base64=MASTER_B64,
    json_encoder=Encoder,
    json_decoder=Decoder,
)
configs = st.sampled_from([PLAIN, SEALED, TIGHT, CODECS])
SECRETS = {"key": "secret"}
NOW = 1_700_000_000

# --- hostile values ----------------------------------------------------------------------

SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff", "\udc80")


class Recipe:
    """Mixin for the outer level of a deep value: Hypothesis prints it by its recipe.

    `repr()`, which the library calls, stays the builtin one (and fails on data
    nested 1,000 deep, which the library must survive); only Hypothesis's report
    of a failing example reads `_repr_pretty_`, and would itself fail on the repr.
    """

    recipe = ""

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(self.recipe)


class DeepList(Recipe, list[Any]):
    pass


class DeepDict(Recipe, dict[str, Any]):
    pass


class DeepTuple(Recipe, tuple[Any, ...]):  # noqa: SLOT001  # holds its recipe
    pass


def nested(depth: int, shape: str) -> Any:
    """`depth` levels of lists, dicts or tuples around one leaf, built with a loop."""
    value: Any = "leaf"
    for _ in range(depth - 1):
        value = [value] if shape == "list" else {"k": value} if shape == "dict" else (value,)
    outer = (
        DeepList([value])
        if shape == "list"
        else DeepDict({"k": value})
        if shape == "dict"
        else DeepTuple((value,))
    )
    outer.recipe = f"nested({depth}, {shape!r})"
    return outer


def circular(shape: str) -> Any:
    """A list or dict that contains itself."""
    if shape == "list":
        loop: list[Any] = [1]
        loop.append(loop)
        return loop
    cycle: dict[str, Any] = {"a": 1}
    cycle["self"] = cycle
    return cycle


def with_surrogate(text: str, surrogate: str, at: int) -> str:
    """`text` with one lone surrogate inserted at `at` (clamped)."""
    at = min(at, len(text))
    return text[:at] + surrogate + text[at:]


def twisted(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid string with a lone surrogate inserted somewhere."""
    return st.builds(with_surrogate, valid, st.sampled_from(SURROGATES), st.integers(0, 20))


# Hashable hostile values (dict keys too), then the rest: built once, drawn by name
# (one draw per value keeps 1,000 examples of every property fast).
HOSTILE_KEYS: dict[str, Any] = {
    "None": None,
    "True": True,
    "0": 0,
    "-1": -1,
    "2**63": 2**63,
    "-(2**63)-1": -(2**63) - 1,
    "10**5000": 10**5000,
    "-10**5000": -(10**5000),
    "10**4301": 10**4301,
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "-0.0": -0.0,
    "1e308": 1e308,
    "empty str": "",
    **{f"surrogate {ord(c):x}": c for c in SURROGATES},
    "surrogate inside": "a\udfffb",
    "channel with surrogate": "private-\ud800",
    "socket id with surrogate": "1.1\udc00",
    "empty bytes": b"",
    "23 bytes": b"\x00" * 23,
    "24 bytes": b"n" * 24,
    "25 bytes": b"\xff" * 25,
    "65 bytes": b"x" * 65,
    "object()": object(),
    "int (a type)": int,
    "Ellipsis": Ellipsis,
    "complex": 1j,
    "range(3)": range(3),
    "pair": (1, 2),
    "frozenset": frozenset({1}),
    "tuple nested 1000": nested(1000, "tuple"),
    "tuple nested 1100": nested(1100, "tuple"),
}
DEEP_NAMES = tuple(
    f"{shape} nested {depth}"
    for shape in ("list", "dict")
    for depth in (999, 1000, 1001, 1100, 3000)
)
HOSTILE: dict[str, Any] = {
    **HOSTILE_KEYS,
    "bytearray": bytearray(b"n" * 24),
    "memoryview": memoryview(b"abc"),
    **{name: nested(int(name.split()[-1]), name.split()[0]) for name in DEEP_NAMES},
    "circular list": circular("list"),
    "circular dict": circular("dict"),
    "[nan]": [math.nan],
    "[10**5000]": [10**5000],
    "{'a': 10**5000}": {"a": 10**5000},
    "{10**5000: 1}": {10**5000: 1},
    "{None: 1}": {None: 1},
    "{(1, 2): 1}": {(1, 2): 1},
    "{b'k': 1}": {b"k": 1},
    "{deep tuple: 1}": {nested(1000, "tuple"): 1},
}


def hostile_value(name: str) -> Any:
    """The catalogued hostile value `name` (a function: strategies print it by name)."""
    return HOSTILE[name]


def named(*names: str) -> st.SearchStrategy[Any]:
    """The catalogued hostile values with these names."""
    return st.sampled_from(names).map(hostile_value)


catalogue = named(*sorted(HOSTILE))
deep = named(*DEEP_NAMES)
huge = named("10**5000", "-10**5000", "10**4301")
texts = st.text(max_size=12) | twisted(st.text(max_size=8)) | st.sampled_from(SURROGATES)
sized_bytes = named("empty bytes", "23 bytes", "24 bytes", "25 bytes", "65 bytes")
binaries = st.binary(max_size=30) | sized_bytes
dict_keys = named(*sorted(HOSTILE_KEYS)) | st.text(max_size=8) | st.integers()
hostile = st.one_of(
    catalogue,
    catalogue,
    texts,
    st.integers(),
    st.floats(),
    st.binary(max_size=30),
    st.lists(catalogue, max_size=3),
    st.lists(catalogue, max_size=3).map(tuple),
    st.dictionaries(dict_keys, catalogue, max_size=3),
)
# What user data must survive: deep, circular, NaN, 5,000-digit ints, non-str keys.
bad_data = named(*DEEP_NAMES, "circular list", "circular dict", "[nan]", "[10**5000]") | named(
    "{10**5000: 1}", "{(1, 2): 1}", "{b'k': 1}", "{deep tuple: 1}", "object()", "10**5000"
)


class Call(dict[str, Any]):
    """Keyword arguments, and which of them were spoiled."""

    spoiled: frozenset[str] = frozenset()


def arguments(**specs: Any) -> st.SearchStrategy[Call]:
    """Keyword arguments: all valid, then up to three replaced by a bad or hostile value.

    Each spec is a strategy of valid values, or `(valid, bad)` where `bad` draws
    values of the right type that must be refused (`hostile` is added to it).
    """
    valid = {name: spec[0] if isinstance(spec, tuple) else spec for name, spec in specs.items()}
    bad = {name: spec[1] if isinstance(spec, tuple) else hostile for name, spec in specs.items()}
    all_valid = st.fixed_dictionaries(valid)
    spoil = st.lists(st.sampled_from(sorted(specs)), max_size=3, unique=True)

    @st.composite
    def calls(draw: st.DrawFn) -> Call:
        call = Call(draw(all_valid))
        spoiled = draw(spoil)
        for name in spoiled:  # half of them right-typed, half anything
            call[name] = draw(bad[name] if draw(st.booleans()) else hostile)
        call.spoiled = frozenset(spoiled)
        return call

    return calls()


def _total(call: Callable[[], Any], *kinds: type) -> Any:
    """`call()` is one of `kinds`, or raises a `PusherError`; anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call()
        except PusherError:
            return None
    assert isinstance(result, kinds), f"{type(result).__name__} is not one of {kinds}"
    return result


def _each(result: Any) -> tuple[Any, ...]:
    return result if isinstance(result, tuple) else (result,)


# --- values and the bad values of the same type --------------------------------------------

# Short strings: Hypothesis draws a string character by character, and the limits
# that matter are short anyway (the TIGHT app allows 8-character event names).
channel_names = st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=16)
PREFIXES = ("", "private-", "private-encrypted-", "presence-", "private-cache-", "presence-cache-")
channels = (
    st.builds(lambda p, n: p + n, st.sampled_from(PREFIXES), channel_names),
    twisted(channel_names)
    | st.sampled_from(["", "a b", "#server-to-user-x", "#a", "x" * 200, "private-é"]),
)
channel_lists = (
    channels[0] | st.lists(channels[0], min_size=1, max_size=3),
    st.lists(channels[0] | channels[1] | hostile, max_size=4)
    | st.frozensets(channels[0], max_size=3)
    | st.just(["a"] * 101),
)
event_names = (
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")),
        min_size=1,
        max_size=12,
    ),
    twisted(st.just("event")) | st.sampled_from(["", "a\nb", "x" * 201]),
)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
# JSON-shaped data two levels deep (`strategies.json_values` is recursive and costs more
# per example than the rest of a property together; depth comes from `deep` instead).
json_values = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=4),
    st.dictionaries(
        st.text(max_size=6), json_scalars | st.lists(json_scalars, max_size=2), max_size=4
    ),
)
datas = (
    json_values | st.text(max_size=12) | st.sampled_from(["x" * 70, {"a": "é" * 40}]),
    bad_data | twisted(st.just("data")),
)
socket_ids = (
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 10**6), st.integers(0, 10**6)),
    st.sampled_from(["1.", ".1", "1.1\n", "a.b", "", "1.1.1"]) | twisted(st.just("1.1")),
)
optional_socket_ids = (st.none() | socket_ids[0], socket_ids[1])
infos = (
    st.sampled_from([None, "user_count", "subscription_count,user_count", ["user_count"], ""]),
    st.sampled_from(["Bad", "a,,b", [1], ["user_count", None]]) | twisted(st.just("user_count")),
)
timestamps = (st.integers(0, 2**40), st.sampled_from([-1, 2**63, 1.5, True, "1", None]) | huge)
nonces = (
    st.sampled_from([b"n" * 24, None]),
    sized_bytes | st.sampled_from(["x" * 24, bytearray(b"n" * 24), 24]),
)
user_ids = st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=10)
users = (user_ids, twisted(user_ids) | st.sampled_from(["", "a b", "x" * 300, "é"]))
paths = (
    st.sampled_from(["/channels", "/channels/x/users", "/users/1/terminate_connections"]),
    st.sampled_from(["/../x", "x", "/a b", "", "/./x", "/%"]) | twisted(st.just("/channels")),
)
param_maps = (
    st.none()
    | st.dictionaries(st.sampled_from(["a", "B", "info"]), st.text(max_size=8) | st.integers()),
    st.dictionaries(
        st.sampled_from(["auth_key", "Auth_Key", "a", "A"]) | dict_keys,
        st.text(max_size=8) | texts | catalogue,
        min_size=1,
        max_size=3,
    ),
)
bodies = (json_values | binaries, bad_data)
prefix_filters = (
    st.sampled_from([None, "", "presence-", "private-", "#server-to-user-"]),
    st.sampled_from(["#", "a b", "é"]) | twisted(st.just("presence-")),
)
attribute_lists = (
    st.sampled_from([(), "user_count", ["subscription_count"], "user_count,subscription_count"]),
    st.sampled_from(["a,,b", "Bad", [1], "user count"]),
)


# --- configuration -------------------------------------------------------------------------

limits_values = (
    st.none() | st.builds(Limits, max_batch_size=st.integers(1, 5)),
    st.sampled_from([5, {"max_batch_size": 1}, Limits]),
)
master_raw = (
    st.none() | st.sampled_from(["m" * 32, b"m" * 32]),
    st.sampled_from(["m" * 31, "é" * 32, b"m" * 33]) | twisted(st.just("m" * 31)),
)
master_b64 = (
    st.none() | st.sampled_from([MASTER_B64, MASTER_B64.encode()]),
    st.sampled_from(["AAAA", "not base64!", "é" * 44, MASTER_B64[:-2]])
    | twisted(st.just(MASTER_B64[:-1])),
)
encoders = (st.sampled_from([None, Encoder, json.JSONEncoder]), st.sampled_from([Decoder, dict, 5]))
decoders = (st.sampled_from([None, Decoder, json.JSONDecoder]), st.sampled_from([Encoder, dict, 5]))
hosts = ["api-eu.pusher.com", "127.0.0.1", "[::1]", "localhost"]


@given(
    arguments(
        app_id=(
            st.integers(1, 10**9) | st.sampled_from(["1", "0042"]),
            st.sampled_from(["12a", "", "-1", -1, 1.0, True]) | huge,
        ),
        key=(
            st.sampled_from(["key", "app-key"]),
            st.sampled_from(["k:ey", "ke\ny", ""]) | twisted(st.just("key")),
        ),
        secret=(st.text(min_size=1, max_size=12), st.just("")),
        ssl=(st.booleans(), st.sampled_from([1, "true"])),
        host=(
            st.sampled_from([None, *hosts]),
            st.sampled_from(["a b", "", "http://h", "h:1", "[::1"]) | twisted(st.just("h")),
        ),
        port=(
            st.none() | st.integers(1, 65535),
            st.sampled_from([0, 65536, -1, 443.0, "80", 10**30]) | huge,
        ),
        cluster=(
            st.sampled_from([None, "mt1", "eu", "ap-1"]),
            st.sampled_from(["EU", "a/b", ""]) | twisted(st.just("eu")),
        ),
        encryption_master_key=master_raw,
        encryption_master_key_base64=master_b64,
        json_encoder=encoders,
        json_decoder=decoders,
        limits=limits_values,
    )
)
def test_app_config_from_options_is_total(call: Call) -> None:
    _total(lambda: AppConfig.from_options(**call), AppConfig)


def _url(scheme: str, key: str, secret: str, host: str, port: str, path: str) -> str:
    return f"{scheme}://{key}:{secret}@{host}{port}{path}"


urls = (
    st.builds(
        _url,
        st.sampled_from(["https", "http"]),
        st.sampled_from(["key", "k%2Aey"]),
        st.sampled_from(["secret", "s%40x"]),
        st.sampled_from(["api.pusherapp.com", "127.0.0.1", "[::1]"]),
        st.sampled_from(["", ":6001"]),
        st.sampled_from(["/apps/1", "/apps/1/"]),
    ),
    st.builds(
        _url,
        st.sampled_from(["https", "ftp", ""]),
        st.sampled_from(["key", "", "k%3Aey", "k%FF"]) | texts,
        st.sampled_from(["secret", ""]) | texts,
        st.sampled_from(["h", "[::1", "h h", ""]) | texts,
        st.sampled_from(["", ":0", ":99999", ":x", f":{'9' * 5000}", ":١٢"]),
        st.sampled_from(["/apps/1", "/apps/x", "/apps/1?q=1", "/apps/1#f", ""]),
    )
    | texts,
)


@given(
    arguments(
        url=urls,
        ssl=(st.sampled_from([None, True, False]), st.sampled_from([1, "yes"])),
        host=(st.none() | st.sampled_from(hosts), st.sampled_from(["", "h/x", "h:1"])),
        port=(st.sampled_from([None, 1, 6001]), st.sampled_from([0, 65536, "80"])),
        cluster=(st.sampled_from([None, "eu"]), st.sampled_from(["", "E U"])),
        encryption_master_key_base64=master_b64,
        json_encoder=encoders,
        json_decoder=decoders,
        limits=limits_values,
    )
)
def test_app_config_from_url_is_total(call: Call) -> None:
    _total(lambda: AppConfig.from_url(**call), AppConfig)


def _environ(call: Call, url: bool) -> dict[str, Any]:
    names = {
        "url": "PUSHER_URL",
        "app_id": "PUSHER_APP_ID",
        "key": "PUSHER_APP_KEY",
        "secret": "PUSHER_APP_SECRET",
        "cluster": "PUSHER_APP_CLUSTER",
        "master": "PUSHER_ENCRYPTION_MASTER_KEY_BASE64",
    }
    return {names[k]: v for k, v in call.items() if v is not None and (url or k != "url")}


environ_values = arguments(
    url=(st.none() | urls[0], urls[1]),
    app_id=(st.sampled_from(["1", "42"]), st.sampled_from(["x", ""])),
    key=(st.just("key"), st.just("")),
    secret=(st.just("secret"), st.just("")),
    cluster=(st.sampled_from([None, "eu", ""]), st.just("E U")),
    master=master_b64,
)
environs = (
    st.builds(_environ, environ_values, st.booleans()),
    st.sampled_from([None, [("PUSHER_URL", "x")], "PUSHER_URL=x"]),
)


@given(arguments(environ=environs, limits=limits_values))
def test_app_config_from_env_is_total(call: Call) -> None:
    _total(lambda: AppConfig.from_env(**call), AppConfig)


LIMITS = (
    st.integers(1, 10**6) | huge.filter(lambda n: n > 0),
    st.sampled_from([0, -1, True, 1.5, "5", None]) | huge,
)


@given(
    arguments(
        max_channels_per_trigger=LIMITS,
        max_batch_size=LIMITS,
        max_event_name_length=LIMITS,
        max_payload_bytes=LIMITS,
        max_channel_name_length=LIMITS,
        max_user_id_length=LIMITS,
        max_watchlist_size=LIMITS,
    )
)
def test_limits_are_total(call: Call) -> None:
    _total(lambda: Limits(**call), Limits)


# --- signing -------------------------------------------------------------------------------


@given(
    configs,
    arguments(
        method=(
            st.sampled_from(["GET", "POST", "get"]),
            st.sampled_from([b"GET"]) | twisted(st.just("GET")),
        ),
        path=(
            st.sampled_from(["/apps/1/events", "/apps/1/channels/a%23b", "/"]),
            twisted(st.just("/apps/1/x")),
        ),
        timestamp=timestamps,
        params=param_maps,
        body=(
            binaries | st.sampled_from([b"{}", bytearray(b"{}"), memoryview(b"{}")]),
            st.sampled_from(["{}", ""]),
        ),
    ),
)
def test_sign_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: sign_request(config, **call), HttpRequest)


request_bodies = st.sampled_from([b"", b"{}", b'{"a":1}']) | st.binary(max_size=20)
request_params = st.dictionaries(
    st.sampled_from(["a", "B", "info"]), st.text(max_size=8), max_size=2
)
query_pairs = st.tuples(st.sampled_from(["auth_key", "auth_timestamp", "body_md5"]) | texts, texts)
bad_stamps = st.sampled_from(["9" * 21, "١٢", "-1", "", None, 1.5]) | huge
QUERY_FORMS = (
    "wire",
    "pairs",
    "lists",
    "bytes",
    "stamp twice",
    "other key",
    "extra text",
    "extra pair",
    "bad stamp",
    "junk pairs",
    "hostile",
)
junk_pairs = st.lists(query_pairs | hostile, max_size=5)


def _query(form: str, signed: HttpRequest, draw: st.DrawFn) -> Any:
    """The signed request's query in one received form, tampered with or not."""
    wire = signed.target.partition("?")[2]
    pairs = signed.query
    forms: dict[str, Callable[[], Any]] = {
        "wire": lambda: wire,
        "pairs": lambda: pairs,
        "lists": lambda: [list(pair) for pair in pairs],
        "bytes": wire.encode,
        "stamp twice": lambda: wire + "&auth_timestamp=1",
        "other key": lambda: wire.replace("auth_key=key", f"auth_key={draw(texts)}"),
        "extra text": lambda: f"{wire}&z={draw(texts)}",
        "extra pair": lambda: [*pairs, draw(query_pairs)],
        "bad stamp": lambda: [
            (k, v) if k != "auth_timestamp" else (k, draw(bad_stamps)) for k, v in pairs
        ],
        "junk pairs": lambda: draw(junk_pairs),
        "hostile": lambda: draw(hostile),
    }
    return forms[form]()


@st.composite
def received_requests(draw: st.DrawFn) -> Call:
    """A signed request as a server receives it: method, path, query and body.

    Mostly as signed, often tampered with; `spoiled` names the parts whose type is
    one no server receives (a method or path that is not a str, a body that is
    neither bytes nor str): only those may raise.
    """
    body = draw(request_bodies)
    signed = sign_request(
        PLAIN,
        method=draw(st.sampled_from(["GET", "POST"])),
        path=draw(st.sampled_from(["/apps/1/events", "/apps/1/channels/a%40b"])),
        params=draw(request_params),
        timestamp=draw(st.integers(NOW - 1000, NOW + 1000)),
        body=body,
    )
    call = Call(
        method=signed.method if draw(st.booleans()) else draw(texts),
        path=signed.path if draw(st.booleans()) else draw(paths[0] | paths[1]),
        query=_query(draw(st.sampled_from(QUERY_FORMS)), signed, draw),
        body=body if draw(st.booleans()) else draw(binaries),
    )
    if draw(st.integers(0, 4)) == 0:  # the caller's mistake: a type no server receives
        call[draw(st.sampled_from(["method", "path", "body"]))] = draw(hostile)
    call.spoiled = frozenset(
        name
        for name, kinds in (
            ("method", str),
            ("path", str),
            ("body", (bytes, bytearray, memoryview, str)),
        )
        if not isinstance(call[name], kinds)
    )
    return call


@given(
    received_requests(),
    arguments(
        secrets=(
            st.sampled_from([SECRETS, {"key": "secret", "old": "x"}]),
            st.sampled_from(
                [{"key": ""}, {"old": ""}, {"": "x"}, {5: "x"}, {"key": None}, [("key", "s")]]
            ),
        ),
        now=(
            st.integers(NOW - 2000, NOW + 2000) | st.floats(NOW - 2000, NOW + 2000),
            st.sampled_from([math.nan, math.inf, "1", None, True]),
        ),
        skew_seconds=(
            st.sampled_from([600, 0, 0.5, 10**30]),
            st.sampled_from([-1, math.nan, "600"]),
        ),
    ),
)
def test_verify_request_is_total(received: Call, own: Call) -> None:
    """Any received request gives a verdict; the caller's own bad arguments a PusherError."""
    verdict = _total(lambda: verify_request(**received, **own), ValidRequest, RejectedRequest)
    if not received.spoiled and not own.spoiled:
        assert verdict is not None, "a received request must get a verdict, not an error"


# --- publishing ----------------------------------------------------------------------------


trigger_arguments = {
    "channels": channel_lists,
    "event_name": event_names,
    "data": datas,
    "timestamp": timestamps,
    "socket_id": optional_socket_ids,
    "info": infos,
    "nonce": nonces,
}


@given(configs, arguments(**trigger_arguments))
def test_trigger_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: trigger_request(config, **call), HttpRequest)


event_fields = arguments(
    channel=channels, name=event_names, data=datas, socket_id=optional_socket_ids, info=infos
)
# Keys a batch event must not have, some of which cannot be printed in the message.
unknown_keys = named("10**5000", "tuple nested 1000", "None", "pair", "nan") | st.sampled_from(
    ["extra", "Channel", ""]
)
batch_events = (
    event_fields.map(lambda call: BatchEvent(**call))
    | event_fields.map(dict)
    | st.builds(
        lambda call, drop, extra: {
            **{k: v for k, v in call.items() if k not in drop},
            **extra,
        },
        event_fields,
        st.sets(st.sampled_from(["channel", "name", "data"]), max_size=2),
        st.dictionaries(unknown_keys, catalogue, min_size=1, max_size=2),
    )
    | catalogue
)
batches: tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]] = (
    st.lists(event_fields.map(dict), min_size=1, max_size=3),
    st.lists(batch_events, max_size=4) | st.just([]),
)


@given(configs, arguments(events=batches, timestamp=timestamps, nonce=nonces))
def test_trigger_batch_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: trigger_batch_request(config, **call), HttpRequest)


@given(configs, arguments(events=batches, timestamp=timestamps, nonce=nonces))
def test_trigger_bulk_requests_is_total(config: AppConfig, call: Call) -> None:
    result = _total(lambda: trigger_bulk_requests(config, **call), tuple)
    assert all(isinstance(r, HttpRequest) for r in _each(result or ()))


send_to_user_arguments = {
    "user_id": users,
    "event_name": event_names,
    "data": datas,
    "timestamp": timestamps,
}


@given(configs, arguments(**send_to_user_arguments))
def test_send_to_user_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: send_to_user_request(config, **call), HttpRequest)


# --- queries -------------------------------------------------------------------------------

channels_arguments = {
    "timestamp": timestamps,
    "prefix_filter": prefix_filters,
    "attributes": attribute_lists,
}
channel_arguments = {"channel": channels, "timestamp": timestamps, "attributes": attribute_lists}
users_arguments = {"channel": channels, "timestamp": timestamps}
terminate_arguments = {"user_id": users, "timestamp": timestamps}
get_arguments = {"path": paths, "timestamp": timestamps, "params": param_maps}
post_arguments = {"path": paths, "body": bodies, "timestamp": timestamps, "params": param_maps}


@given(configs, arguments(**channels_arguments))
def test_channels_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: channels_request(config, **call), HttpRequest)


@given(configs, arguments(**channel_arguments))
def test_channel_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: channel_request(config, **call), HttpRequest)


@given(configs, arguments(**users_arguments))
def test_users_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: users_request(config, **call), HttpRequest)


@given(configs, arguments(**terminate_arguments))
def test_terminate_connections_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: terminate_connections_request(config, **call), HttpRequest)


@given(configs, arguments(**get_arguments))
def test_get_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: get_request(config, **call), HttpRequest)


@given(configs, arguments(**post_arguments))
def test_post_request_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: post_request(config, **call), HttpRequest)


# --- call plans: the same arguments as the builders they wrap ---------------------------

PLAN_ARGUMENTS = {
    "trigger_plan": arguments(**trigger_arguments),
    "trigger_batch_plan": arguments(events=batches, timestamp=timestamps, nonce=nonces),
    "trigger_bulk_plans": arguments(events=batches, timestamp=timestamps, nonce=nonces),
    "send_to_user_plan": arguments(**send_to_user_arguments),
    "channels_plan": arguments(**channels_arguments),
    "channel_plan": arguments(**channel_arguments),
    "users_plan": arguments(**users_arguments),
    "terminate_connections_plan": arguments(**terminate_arguments),
    "get_plan": arguments(**get_arguments),
    "post_plan": arguments(**post_arguments),
}


def test_every_plan_function_is_covered() -> None:
    assert sorted(PLAN_ARGUMENTS) == sorted(name for name in plans.__all__ if name != "CallPlan")


@given(st.sampled_from(sorted(PLAN_ARGUMENTS)), configs, st.data())
def test_plan_functions_are_total(name: str, config: AppConfig, data: st.DataObject) -> None:
    """Each plan function (a thin shell over the builders above) on its own arguments."""
    call = data.draw(PLAN_ARGUMENTS[name])
    result = _total(lambda: getattr(plans, name)(config, **call), plans.CallPlan, tuple)
    assert all(isinstance(plan, plans.CallPlan) for plan in _each(result or ()))


# --- channel and user auth -----------------------------------------------------------------

user_infos = (st.none() | json_values | st.just({"name": "é" * 10}), bad_data)
member_ids = (user_ids | st.integers(0, 10**9), users[1] | huge | st.sampled_from([True, 1.5, -1]))
custom_datas = (
    st.none() | arguments(user_id=member_ids, user_info=user_infos).map(dict),
    st.sampled_from([{}, {"user_info": {}}, {"user_id": None}, ["user_id"]]),
)


@given(
    configs,
    arguments(
        channel=channels,
        socket_id=socket_ids,
        user_id=(st.none() | member_ids[0], member_ids[1]),
        user_info=user_infos,
        custom_data=custom_datas,
    ),
)
def test_authorize_channel_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: authorize_channel(config, **call), ChannelAuth)


user_datas: tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]] = (
    st.builds(
        dict,
        arguments(
            id=users,
            user_info=user_infos,
            watchlist=(
                st.lists(user_ids, max_size=3),
                st.lists(users[1] | hostile, min_size=1, max_size=3)
                | st.just(["u"] * 101)
                | st.just("u"),
            ),
        ),
    ),
    st.sampled_from([None, {}, {"user_info": {}}, ["id"]]),
)


@given(configs, arguments(socket_id=socket_ids, user_data=user_datas))
def test_authenticate_user_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: authenticate_user(config, **call), UserAuth)


@given(
    configs,
    arguments(channel=channels, socket_id=socket_ids, custom_data=custom_datas),
)
def test_compat_authenticate_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: compat.authenticate(config, **call), dict)


@given(configs, arguments(socket_id=socket_ids, user_data=user_datas))
def test_compat_authenticate_user_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: compat.authenticate_user(config, **call), dict)


# --- auth endpoints ------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
form_values = st.sampled_from(["1.1", "private-a", "presence-a", "private-encrypted-a", "a", ""])
form_fields = st.lists(
    st.tuples(st.sampled_from(["socket_id", "channel_name", "x"]), form_values | texts),
    max_size=4,
)


def _form(fields: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{k}={quote(v, errors='surrogatepass')}" for k, v in fields).encode()


def _json_body(value: Any) -> bytes:
    try:
        return json.dumps(value).encode("utf-8", "surrogatepass")
    except RecursionError:
        return b"[" * 70_000


def _auth_body(socket_id: str, channel: str, form: bool) -> bytes:
    """A well-formed auth request body, form-encoded or JSON."""
    if form:
        return _form([("socket_id", socket_id), ("channel_name", channel)])
    return _json_body({"socket_id": socket_id, "channel_name": channel})


auth_bodies = (
    st.builds(
        _auth_body,
        socket_ids[0],
        st.sampled_from(["private-a", "presence-a", "private-encrypted-a"]),
        st.booleans(),
    ),
    form_fields.map(_form)
    | form_fields.map(dict).map(_json_body)
    | (json_values | deep).map(_json_body)
    | binaries
    | st.sampled_from([b"{" * 5000, b"[" * 60_000, b"a=1&" * 200, b"x" * 70_000, "socket_id=1.1"])
    | texts,
)
CHARSETS = (
    "utf-16",
    "base64",
    "hex",
    "rot13",
    "zlib",
    "undefined",
    "punycode",
    "unicode_escape",
    "idna",
    "\x00",
    "\ud800",
    "x" * 300,
)
content_types = (
    st.sampled_from(
        [None, FORM, "application/json", "application/vnd.api+json; charset=UTF-8", FORM.encode()]
    ),
    st.builds(
        lambda media, charset: f"{media}; charset={charset}",
        st.sampled_from([FORM, "application/json"]),
        st.sampled_from(CHARSETS),
    )
    | st.sampled_from(["text/plain", "", 'application/json; charset="latin-1"']),
)


@given(arguments(body=auth_bodies, content_type=content_types, limits=limits_values))
def test_parse_channel_auth_request_is_total(call: Call) -> None:
    _total(lambda: parse_channel_auth_request(**call), ChannelAuthRequest)


@given(arguments(body=auth_bodies, content_type=content_types))
def test_parse_user_auth_request_is_total(call: Call) -> None:
    _total(lambda: parse_user_auth_request(**call), UserAuthRequest)


def _deciding(answer: Any) -> Callable[[Any], Any]:
    return lambda _request: answer


channel_decisions = (
    st.sampled_from([True, False, None]).map(_deciding) | custom_datas[0].map(_deciding),
    hostile.map(_deciding) | custom_datas[1].map(_deciding),
)
user_decisions = (
    user_datas[0].map(_deciding) | st.none().map(_deciding),
    hostile.map(_deciding) | user_datas[1].map(_deciding),
)


@given(configs, arguments(body=auth_bodies, content_type=content_types, decide=channel_decisions))
def test_channel_auth_response_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: channel_auth_response(config, **call), AuthResponse)


@given(configs, arguments(body=auth_bodies, content_type=content_types, decide=user_decisions))
def test_user_auth_response_is_total(config: AppConfig, call: Call) -> None:
    _total(lambda: user_auth_response(config, **call), AuthResponse)


# --- webhooks ------------------------------------------------------------------------------


def _hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


webhook_events = st.one_of(
    json_values,
    deep,
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["client_event", "member_added", "subscription_count", "x"]),
            "channel": st.sampled_from(["private-encrypted-a", "presence-a", "a"]) | texts,
        },
        optional={
            "event": texts,
            "data": st.sampled_from(['{"nonce":"","ciphertext":""}', "x", 5]) | texts,
            "user_id": user_ids | st.integers() | texts,
            "subscription_count": st.integers(),
        },
    ),
)
webhook_times = st.integers(NOW * 1000 - 10**6, NOW * 1000 + 10**6) | st.sampled_from(
    [-1, 1.5, math.inf, "1", None, 10**30]
)
webhook_event_lists: st.SearchStrategy[Any] = st.lists(
    webhook_events, max_size=3
) | st.sampled_from([None, {}, [1]])
odd_webhook_bodies = st.sampled_from(
    [b"[" * 100_000, b'{"a":' * 5000, b"\xef\xbb\xbf{}", "{}".encode("utf-16")]
) | json_values.map(lambda v: json.dumps(v).encode())


@st.composite
def webhook_bodies(draw: st.DrawFn) -> bytes:
    """A webhook body: mostly the documented object, with hostile parts; else anything."""
    shape = draw(st.sampled_from(["object", "object", "text", "bytes"]))
    if shape == "text":
        return draw(odd_webhook_bodies)
    if shape == "bytes":
        return draw(binaries)
    value = {"time_ms": draw(webhook_times), "events": draw(webhook_event_lists)}
    try:
        return json.dumps(value).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError):
        return b'{"time_ms":' + b"1" * 5000 + b',"events":[]}'


header_keys = st.sampled_from(["key", "key", "other", " key "]) | texts
HEADER_FORMS = ("dict", "bytes pairs", "str pairs", "hostile")


def _headers(form: str, key: str, signature: str) -> Any:
    if form == "dict":
        return {"X-Pusher-Key": key, "X-Pusher-Signature": signature}
    if form == "bytes pairs":
        return [
            (b"x-pusher-key", key.encode("utf-8", "surrogatepass")),
            (b"x-pusher-signature", signature.encode("utf-8", "surrogatepass")),
        ]
    return [("X-PUSHER-KEY", key), ("x-pusher-signature", signature), ("x", "y", "z")]


@st.composite
def received_webhooks(draw: st.DrawFn) -> Call:
    """Headers and a body as received: mostly signed correctly, often tampered with.

    `spoiled` names the body when it is neither bytes nor str (the caller's mistake).
    """
    body = draw(webhook_bodies())
    signature = _hmac("secret", body) if draw(st.booleans()) else draw(texts)
    form = draw(st.sampled_from(HEADER_FORMS))
    headers = draw(hostile) if form == "hostile" else _headers(form, draw(header_keys), signature)
    received: Any = draw(st.sampled_from(["bytes", "bytes", "str", "other bytes", "hostile"]))
    if received == "hostile":
        received = draw(hostile)
    elif received == "other bytes":
        received = draw(binaries)
    else:
        received = body if received == "bytes" else body.decode("utf-8", "surrogateescape")
    call = Call(headers=headers, body=received)
    if not isinstance(received, (bytes, bytearray, memoryview, str)):
        call.spoiled = frozenset({"body"})
    return call


@given(
    received_webhooks(),
    arguments(
        config=(st.sampled_from([PLAIN, SEALED, CODECS, None]), st.sampled_from([SECRETS, "key"])),
        secrets=(
            st.sampled_from([SECRETS, {"other": "s2"}]),
            st.sampled_from([{"old": ""}, {"": "x"}, {5: "x"}, {"k": 1}]),
        ),
        now_ms=(
            st.integers(NOW * 1000 - 10**6, NOW * 1000 + 10**6) | st.floats(0, 2e12),
            st.sampled_from([math.nan, math.inf, "1", None, True]),
        ),
        max_age_ms=(st.sampled_from([None, 0, 900_000, 10**30]), st.sampled_from([-1, 1.5, "1"])),
        master_key=(
            st.sampled_from([None, MASTER, b"\x00" * 32]),
            st.sampled_from([b"m", "m" * 32]),
        ),
        decoder=decoders,
    ),
)
def test_verify_webhook_is_total(received: Call, own: Call) -> None:
    """Any headers and body give a verdict; the caller's own bad arguments a PusherError."""
    verdict = _total(lambda: verify_webhook(**received, **own), ValidWebhook, RejectedWebhook)
    if not received.spoiled and not own.spoiled:
        assert verdict is not None, "received headers and body must get a verdict, not an error"


@given(
    configs,
    received_webhooks(),
    arguments(
        now_ms=(
            st.integers(NOW * 1000 - 10**6, NOW * 1000 + 10**6),
            st.sampled_from([math.nan, "1", None]),
        ),
        max_age_ms=(st.sampled_from([None, 900_000]), st.sampled_from([-1, 1.5])),
    ),
)
def test_compat_validate_webhook_is_total(config: AppConfig, received: Call, own: Call) -> None:
    """Any header values and body give the dict or None; a bad clock a PusherError."""
    headers, body = received["headers"], received["body"]
    if isinstance(headers, dict):  # the two header values as the reference takes them
        key, signature = headers.get("X-Pusher-Key"), headers.get("X-Pusher-Signature")
    else:
        key, signature = headers, body
    result = _total(
        lambda: compat.validate_webhook(config, key, signature, body, **own), dict, type(None)
    )
    if not own.spoiled:
        assert result is None or isinstance(result, dict)


# --- end-to-end encryption -----------------------------------------------------------------

encrypted_channels = (
    st.sampled_from(["private-encrypted-a", "a"]) | channel_names,
    twisted(st.just("private-encrypted-a")),
)
masters = (st.just(MASTER), st.sampled_from([None, b"m" * 31, "m" * 32]))


@given(
    arguments(
        channel=encrypted_channels,
        plaintext=(st.text(max_size=12), twisted(st.just("data"))),
        master_key=masters,
        nonce=(st.just(b"n" * 24), nonces[1] | st.none()),
    )
)
def test_encrypt_is_total(call: Call) -> None:
    _total(lambda: encrypt(**call), EncryptedPayload)


SEALED_DATA = encrypt("private-encrypted-a", "hello", MASTER, b"n" * 24)
payloads = (
    st.sampled_from([SEALED_DATA, SEALED_DATA.to_data()]),
    st.one_of(
        st.builds(EncryptedPayload, nonce=sized_bytes | hostile, ciphertext=binaries | hostile),
        st.builds(
            lambda n, c: json.dumps({"nonce": n, "ciphertext": c}),
            st.sampled_from(["", "bm5u", "=", "é"]) | texts,
            st.sampled_from(["", "AAAA"]) | texts,
        ),
        texts,
        st.sampled_from(["[" * 50_000, '{"nonce":' * 3000, "1" * 5000]),
    ),
)


@given(arguments(channel=encrypted_channels, payload=payloads, master_key=masters))
def test_decrypt_is_total(call: Call) -> None:
    _total(lambda: decrypt(**call), str)


@given(arguments(data=payloads))
def test_encrypted_payload_from_data_is_total(call: Call) -> None:
    _total(lambda: EncryptedPayload.from_data(**call), EncryptedPayload)


# --- responses and channel kinds -----------------------------------------------------------

response_bodies = st.one_of(
    binaries,
    json_values.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(
        [
            b"{}",
            b'{"ok":true}',
            b'{"error":"nope","code":401}',
            b'{"error":"x","code":' + b"9" * 5000 + b"}",
            b'{"error":' * 3000,
            b"[" * 100_000,
            b'{"channels":{"a":{"user_count":1}},"batch":[{}, 1],"users":[{"id":1},{"id":[]}]}',
            b'{"occupied":true,"cache":{"data":"x"},"users":"x","channels":[]}',
            "{}".encode("utf-16"),
            b"\xef\xbb\xbf{}",
        ]
    ),
)
header_values = (
    st.sampled_from(["5", "-1", "nan", "inf", "1e999", "9" * 5000, "Wed, 21 Oct"]) | texts
)
response_headers = st.lists(
    st.tuples(
        st.sampled_from(["Retry-After", "retry-after", "Content-Type"]) | texts, header_values
    ),
    max_size=3,
)
PARSERS: tuple[tuple[Callable[..., Any], type], ...] = (
    (parse_json, dict),
    (parse_trigger, TriggerResult),
    (parse_batch, BatchResult),
    (parse_channels, ChannelsList),
    (parse_channel, ChannelInfo),
    (parse_users, Users),
)


@given(
    st.builds(
        HttpResponse, status=st.integers(100, 599), headers=response_headers, body=response_bodies
    ),
    arguments(decoder=decoders),
)
def test_response_parsers_are_total(response: HttpResponse, call: Call) -> None:
    for parse, kind in PARSERS:
        _total(lambda parse=parse: parse(response, **call), kind)  # type: ignore[misc]


@given(arguments(name=channels))
def test_channel_kind_is_total(call: Call) -> None:
    _total(lambda: channel_kind(**call), ChannelKind)
