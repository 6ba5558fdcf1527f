"""Hypothesis strategies for property tests of apps built on pusher-core.

Every strategy is built from the core's own rules: the channel alphabet and
prefixes of `pusher_core.channels`, the limits of a `pusher_core.config.Limits`
(pass your app's `config.limits`), the payload measure of
`pusher_core.events.event_data`. So "valid" means what pusher-core accepts and
"invalid" what it rejects, and both follow the core when it changes.

Needs `hypothesis` (a test dependency; `import pusher_core` never loads it).

Example, a property test of an app's auth endpoint (here a plain function of
the body and Content-Type, as a Flask or Django view would call it)::

    from hypothesis import given
    from pusher_core import AppConfig, ChannelKind, channel_auth_response
    from pusher_core import strategies as ps

    config = AppConfig(app_id="1", key="app-key", secret="app-secret")

    def auth_endpoint(body: bytes, content_type: str) -> tuple[int, bytes]:
        response = channel_auth_response(config, body, content_type, lambda r: True)
        return response.status, response.body

    @given(ps.auth_request_bodies(ChannelKind.PRIVATE))
    def test_every_pusher_js_request_for_a_private_channel_is_authorized(request):
        body, content_type = request
        assert auth_endpoint(body, content_type)[0] == 200

and of its webhook endpoint, which must accept what Pusher signs and refuse
anything else::

    from pusher_core import verify_webhook

    NOW_MS = 1_700_000_000_000

    def webhook_endpoint(headers, body: bytes, now_ms: int) -> int:
        verdict = verify_webhook(config, headers=headers, body=body, now_ms=now_ms)
        return 200 if verdict.ok else 401

    @given(ps.signed_webhooks(config, now_ms=NOW_MS))
    def test_pusher_webhooks_are_accepted(webhook):
        assert webhook_endpoint(webhook.headers, webhook.body, NOW_MS) == 200

    @given(ps.tampered_webhooks(config, now_ms=NOW_MS))
    def test_forged_or_stale_webhooks_are_refused(webhook):
        assert webhook_endpoint(webhook.headers, webhook.body, NOW_MS) == 401

`examples/test_property_endpoints.py` runs a fuller version of both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Literal
from urllib.parse import quote

import attrs

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as missing:  # a test dependency, not one of pusher-core's
    raise ImportError(
        "pusher_core.strategies needs Hypothesis: pip install 'pusher-core[hypothesis]'"
    ) from missing

from pusher_core.channels import (
    ENCRYPTED_PREFIX,
    NAME_CHARACTERS,
    PRESENCE_PREFIX,
    PRIVATE_PREFIX,
    SERVER_TO_USER_PREFIX,
    ChannelKind,
)
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import PayloadTooLargeError
from pusher_core.events import event_data
from pusher_core.webhooks import (
    DEFAULT_MAX_AGE_MS,
    CacheMiss,
    ChannelOccupied,
    ChannelVacated,
    ClientEvent,
    MemberAdded,
    MemberRemoved,
    SignedWebhook,
    SubscriptionCount,
    WebhookEvent,
    webhook_request,
)

__all__ = [
    "AuthRequest",
    "auth_request_bodies",
    "auth_requests",
    "channel_names",
    "event_names",
    "event_payloads",
    "invalid_channel_names",
    "invalid_event_names",
    "invalid_socket_ids",
    "oversized_event_payloads",
    "signed_webhooks",
    "socket_ids",
    "tampered_webhooks",
    "user_ids",
    "webhook_events",
]

_DEFAULT_LIMITS = Limits()
_PREFIXES: Mapping[ChannelKind, str] = {
    ChannelKind.PUBLIC: "",
    ChannelKind.PRIVATE: PRIVATE_PREFIX,
    ChannelKind.PRIVATE_ENCRYPTED: ENCRYPTED_PREFIX,
    ChannelKind.PRESENCE: PRESENCE_PREFIX,
    ChannelKind.SERVER_TO_USER: SERVER_TO_USER_PREFIX,
}
_AUTHORIZED_KINDS = tuple(kind for kind in ChannelKind if kind.needs_auth)
_ASCII_DIGITS = "0123456789"
_FORM = "application/x-www-form-urlencoded"
# What `encodeURIComponent` leaves as it is (ECMA-262): pusher-js encodes every field with it.
_URI_COMPONENT_SAFE = "-_.!~*'()"
_utf8_chars = st.characters(codec="utf-8")
# Letters, marks, numbers, punctuation, symbols and the space: what `str.isprintable`
# (the core's test for event names) accepts. One `characters` strategy, so
# Hypothesis draws long text from it quickly.
_printable_chars = st.characters(
    codec="utf-8", categories=("L", "M", "N", "P", "S"), include_characters=" "
)
_name_chars = st.characters(categories=(), include_characters=NAME_CHARACTERS)
# Characters a name may not hold: anything outside the alphabet, with the ones a
# careless check lets through drawn often (space, newline, NUL, `#`, `/`, e-acute,
# FULLWIDTH DIGIT ONE, KELVIN SIGN, an emoji).
_not_name_chars = st.one_of(
    st.sampled_from(" \n\t\x00#/%+:?*\u00e9\uff11\u212a\U0001f600"),
    _utf8_chars,
).filter(lambda c: c not in NAME_CHARACTERS)


def _check_limits(limits: object) -> Limits:
    if not isinstance(limits, Limits):
        raise InvalidArgument(f"limits must be a pusher_core.Limits, got {type(limits).__name__}")
    return limits


def _check_kind(kind: object, allowed: tuple[ChannelKind, ...] = tuple(ChannelKind)) -> None:
    if kind is not None and kind not in allowed:
        names = ", ".join(f"ChannelKind.{k.name}" for k in allowed)
        raise InvalidArgument(f"kind must be None or one of {names}; got {kind!r}")


def _sized_text(
    chars: st.SearchStrategy[str], min_size: int, max_size: int
) -> st.SearchStrategy[str]:
    """Text of `min_size..max_size` characters, often short and sometimes exactly `max_size`."""
    return st.one_of(
        st.text(chars, min_size=min_size, max_size=min(max_size, min_size + 16)),
        st.text(chars, min_size=min_size, max_size=max_size),
        st.text(chars, min_size=max_size, max_size=max_size),
    )


def _names_of(kind: ChannelKind, limits: Limits) -> st.SearchStrategy[str]:
    prefix = _PREFIXES[kind]
    room = limits.max_channel_name_length - len(prefix)
    if room < 1:
        raise InvalidArgument(
            f"Limits.max_channel_name_length={limits.max_channel_name_length} leaves no room "
            f"for a {kind.value} channel name after its prefix {prefix!r}"
        )
    return _of_kind(kind, _sized_text(_name_chars, 1, room).map(prefix.__add__))


def _of_kind(kind: ChannelKind, names: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`names` (which start with `kind`'s prefix) without those a longer prefix claims."""
    if kind is ChannelKind.PUBLIC:
        return names.filter(lambda name: not name.startswith((PRIVATE_PREFIX, PRESENCE_PREFIX)))
    if kind is ChannelKind.PRIVATE:
        return names.filter(lambda name: not name.startswith(ENCRYPTED_PREFIX))
    return names


def channel_names(
    kind: ChannelKind | None = None, valid: bool = True, limits: Limits = _DEFAULT_LIMITS
) -> st.SearchStrategy[str]:
    """Channel names of `kind` (any kind if None) that the core accepts under `limits`.

    Names use the core's alphabet and prefixes and run up to
    `limits.max_channel_name_length`; `channel_kind(name)` is `kind`. With
    `valid=False`, this is `invalid_channel_names(kind, limits)`.
    """
    _check_kind(kind)
    _check_limits(limits)
    if not valid:
        return invalid_channel_names(kind, limits)
    return _names_of_any([kind] if kind is not None else list(ChannelKind), limits)


def _names_of_any(kinds: list[ChannelKind], limits: Limits) -> st.SearchStrategy[str]:
    """Names of one of `kinds`: all of them, or (for several) those whose prefix fits."""
    if len(kinds) == 1:
        return _names_of(kinds[0], limits)
    fitting = [k for k in kinds if len(_PREFIXES[k]) < limits.max_channel_name_length]
    return st.one_of([_names_of(k, limits) for k in fitting])


@st.composite
def _with_bad_character(draw: st.DrawFn, names: st.SearchStrategy[str], prefix: str) -> str:
    name = draw(names)
    bad = draw(_not_name_chars)
    # After the prefix, so the name still looks like its kind; a `#` never goes
    # first (that could spell the server-to-user prefix).
    start = max(len(prefix), 1 if bad == "#" else 0)
    at = draw(st.integers(start, len(name)))
    return name[:at] + bad + name[at:]


def invalid_channel_names(
    kind: ChannelKind | None = None, limits: Limits = _DEFAULT_LIMITS
) -> st.SearchStrategy[str]:
    """Strings the core rejects as channel names under `limits`.

    Each is one mistake away from a valid name: a character outside the
    alphabet, one character too many (or a few), a final newline, the empty
    string, or a malformed `#` prefix. With a `kind`, names keep that kind's
    prefix (`SERVER_TO_USER` adds the malformed `#` ones), so they look like
    what an endpoint for that kind receives.
    """
    _check_kind(kind)
    _check_limits(limits)
    kinds = [kind] if kind is not None else list(ChannelKind)
    options: list[st.SearchStrategy[str]] = []
    for k in kinds:
        prefix = _PREFIXES[k]
        room = limits.max_channel_name_length - len(prefix)
        if room >= 1:
            valid = _names_of(k, limits)
            options.append(_with_bad_character(valid, prefix))
            options.append(valid.map(lambda name: name + "\n"))
        too_long = st.text(_name_chars, min_size=max(room, 0) + 1, max_size=max(room, 0) + 8)
        options.append(_of_kind(k, too_long.map(prefix.__add__)))
    if kind in (None, ChannelKind.PUBLIC):
        options.append(st.just(""))
    if kind in (None, ChannelKind.SERVER_TO_USER):
        body = st.text(_name_chars, max_size=8)
        options.append(st.just(SERVER_TO_USER_PREFIX))  # no user id after the prefix
        options.append(body.map(lambda b: "#" + SERVER_TO_USER_PREFIX + b))
        # `#` with anything but the whole server-to-user prefix.
        partial = st.sampled_from(
            [SERVER_TO_USER_PREFIX[:i] for i in range(1, len(SERVER_TO_USER_PREFIX))]
        )
        options.append(
            st.builds(str.__add__, partial, body).filter(
                lambda name: not name.startswith(SERVER_TO_USER_PREFIX)  # "#server-to-user" + "-x"
            )
        )
    return st.one_of(options)


def user_ids(limits: Limits = _DEFAULT_LIMITS) -> st.SearchStrategy[str]:
    """User ids the core accepts (for presence members, `send_to_user`, user auth)."""
    _check_limits(limits)
    return _sized_text(_name_chars, 1, limits.max_user_id_length)


def socket_ids() -> st.SearchStrategy[str]:
    """Socket ids of the `digits.digits` form Pusher gives each connection (`1234.5678`)."""
    digits = st.text(_ASCII_DIGITS, min_size=1, max_size=12)
    return st.builds("{}.{}".format, digits, digits)


@st.composite
def _mangled_socket_id(draw: st.DrawFn) -> str:
    left, right = draw(socket_ids()).split(".")
    mistake = draw(st.integers(0, 6))
    if mistake == 0:  # a digit another script writes (Arabic-Indic, fullwidth, ...)
        digit = draw(st.characters(categories=["Nd"]).filter(lambda c: not c.isascii()))
        return f"{left}.{digit}{right}"
    if mistake == 1:  # whitespace or a newline around it
        space = draw(st.sampled_from([" ", "\n", "\t", "\r\n"]))
        return draw(st.sampled_from([space + left + "." + right, left + "." + right + space]))
    if mistake == 2:  # a sign  # noqa: PLR2004
        return draw(st.sampled_from("+-")) + left + "." + right
    if mistake == 3:  # another separator  # noqa: PLR2004
        return left + draw(st.sampled_from([",", ":", "_", "..", " ", "-"])) + right
    if mistake == 4:  # a side missing  # noqa: PLR2004
        return draw(st.sampled_from([left + ".", "." + right, left + right, "."]))
    if mistake == 5:  # a third part  # noqa: PLR2004
        return f"{left}.{right}.{draw(st.integers(0, 99))}"
    return draw(st.text(st.characters(codec="utf-8"), max_size=8).filter(lambda t: not t.isdigit()))


def invalid_socket_ids() -> st.SearchStrategy[str]:
    """Strings the core rejects as socket ids, mostly one mistake away from a real one.

    Non-ASCII digits, surrounding whitespace or a newline, a sign, another
    separator, a missing or third part, and free text without the dot form.
    """
    return st.one_of(st.just(""), _mangled_socket_id())


def event_names(limits: Limits = _DEFAULT_LIMITS) -> st.SearchStrategy[str]:
    """Event names the core accepts: printable text, up to `limits.max_event_name_length`."""
    _check_limits(limits)
    return _sized_text(_printable_chars, 1, limits.max_event_name_length)


def invalid_event_names(limits: Limits = _DEFAULT_LIMITS) -> st.SearchStrategy[str]:
    """Event names the core rejects: empty, too long, or holding a non-printable character."""
    _check_limits(limits)
    longest = limits.max_event_name_length
    non_printable = st.one_of(
        st.sampled_from("\n\r\t\x00\x7f\u2028\u200b\ud800"),
        st.characters().filter(lambda c: not c.isprintable()),
    )
    with_non_printable = st.builds(
        lambda head, bad, tail: head + bad + tail,
        st.text(_printable_chars, max_size=8),
        non_printable,
        st.text(_printable_chars, max_size=8),
    )
    too_long = st.text(_printable_chars, min_size=longest + 1, max_size=longest + 8)
    return st.one_of(st.just(""), with_non_printable, too_long)


def _measuring_config(max_bytes: int) -> AppConfig:
    """An app whose only use is to measure event data against `max_bytes`."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise InvalidArgument(f"max_bytes must be a positive int, got {max_bytes!r}")
    return AppConfig(
        app_id="1",
        key="strategies",
        secret="strategies",  # noqa: S106  # signs nothing: only measures
        limits=Limits(max_payload_bytes=max_bytes),
    )


def _fits(config: AppConfig, data: object) -> bool:
    try:
        event_data(config, None, data, None)
    except PayloadTooLargeError:
        return False
    return True


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_utf8_chars),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(_utf8_chars), inner, max_size=5)
    ),
    max_leaves=20,
)


@st.composite
def _text_of_bytes(draw: st.DrawFn, size: int) -> str:
    """A string of exactly `size` UTF-8 bytes: drawn text, cut or padded with ASCII."""
    head = draw(st.text(_utf8_chars, max_size=24)).encode()[:size].decode(errors="ignore")
    pad = "x" * (size - len(head.encode()))
    return draw(st.sampled_from([head + pad, pad + head]))


def event_payloads(
    max_bytes: int = _DEFAULT_LIMITS.max_payload_bytes,
) -> st.SearchStrategy[object]:
    """Event `data` the core publishes under a payload limit of `max_bytes`.

    Strings (sent as they are) and JSON values (encoded by the core), up to
    and exactly at `max_bytes` as the core measures them (UTF-8 bytes of the
    final string). On `private-encrypted-` channels the limit applies after
    encryption, which adds its own overhead: leave room for it there.
    """
    config = _measuring_config(max_bytes)
    return st.one_of(
        st.text(_utf8_chars),
        _json_values,
        _text_of_bytes(max_bytes),
        st.builds(lambda text: {"message": text}, st.text(_utf8_chars)),
    ).filter(lambda data: _fits(config, data))


def oversized_event_payloads(
    max_bytes: int = _DEFAULT_LIMITS.max_payload_bytes,
) -> st.SearchStrategy[object]:
    """Event `data` just over `max_bytes`, which the core refuses (`PayloadTooLargeError`)."""
    config = _measuring_config(max_bytes)
    over = st.integers(max_bytes + 1, max_bytes + 64).flatmap(_text_of_bytes)
    return st.one_of(
        over,
        over.map(lambda text: {"message": text}),
        over.map(lambda text: [text]),
    ).filter(lambda data: not _fits(config, data))


# --- auth endpoint requests -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class AuthRequest:
    """One request to an auth endpoint, as a client sends it, and what it carries.

    Attributes:
        body: the raw request body.
        content_type: the request's `Content-Type` header.
        socket_id: the `socket_id` field.
        channel_name: the `channel_name` field (None for a user-auth request).
        params: the other fields (pusher-js `auth.params`), in body order.
    """

    body: bytes
    content_type: str
    socket_id: str
    channel_name: str | None
    params: tuple[tuple[str, str], ...]


def _uri_component(text: str) -> str:
    return quote(text, safe=_URI_COMPONENT_SAFE)


_param_names = st.text(_utf8_chars, min_size=1, max_size=12).filter(
    lambda name: name not in ("socket_id", "channel_name")
)
_params = st.dictionaries(_param_names, st.text(_utf8_chars, max_size=16), max_size=4).map(
    lambda params: tuple(params.items())
)


@st.composite
def _auth_request(
    draw: st.DrawFn,
    kind: ChannelKind | Literal["user"] | None,
    encoding: Literal["form", "json"] | None,
    limits: Limits,
) -> AuthRequest:
    socket_id = draw(socket_ids())
    channel: str | None = None
    if kind != "user":
        kinds = [kind] if isinstance(kind, ChannelKind) else list(_AUTHORIZED_KINDS)
        channel = draw(_names_of_any(kinds, limits))
    params = draw(_params)
    fields = [("socket_id", socket_id)]
    if channel is not None:
        fields.append(("channel_name", channel))
    fields.extend(params)
    if (encoding or draw(st.sampled_from(["form", "json"]))) == "form":
        # pusher-js: `socket_id=...&channel_name=...` then its params, each side
        # through encodeURIComponent, posted as a form.
        body = "&".join(f"{_uri_component(k)}={_uri_component(v)}" for k, v in fields)
        content_type = draw(st.sampled_from([_FORM, f"{_FORM}; charset=UTF-8"]))
    else:
        # A custom authorizer posting JSON (fetch or axios with a JSON body).
        body = json.dumps(dict(fields), ensure_ascii=draw(st.booleans()))
        content_type = draw(
            st.sampled_from(["application/json", "application/json; charset=utf-8"])
        )
    return AuthRequest(
        body=body.encode(),
        content_type=content_type,
        socket_id=socket_id,
        channel_name=channel,
        params=params,
    )


def auth_requests(
    kind: ChannelKind | Literal["user"] | None = None,
    *,
    encoding: Literal["form", "json"] | None = None,
    limits: Limits = _DEFAULT_LIMITS,
) -> st.SearchStrategy[AuthRequest]:
    """Requests to an auth endpoint, with the fields they carry (see `auth_request_bodies`)."""
    if kind != "user":
        _check_kind(kind, _AUTHORIZED_KINDS)
    if encoding not in (None, "form", "json"):
        raise InvalidArgument(f"encoding must be 'form', 'json' or None; got {encoding!r}")
    _check_limits(limits)
    return _auth_request(kind, encoding, limits)


def auth_request_bodies(
    kind: ChannelKind | Literal["user"] | None = None,
    *,
    encoding: Literal["form", "json"] | None = None,
    limits: Limits = _DEFAULT_LIMITS,
) -> st.SearchStrategy[tuple[bytes, str]]:
    """`(body, content_type)` of auth requests as clients send them.

    Args:
        kind: the channel kind asked for (private, private-encrypted or
            presence; any of them if None), or `"user"` for user authentication
            (sign-in) requests, which carry no channel.
        encoding: `"form"` for pusher-js's form-encoded body
            (`socket_id=...&channel_name=...&<auth params>`, Content-Type
            `application/x-www-form-urlencoded`), `"json"` for a JSON object
            with the same fields, None for either.
        limits: the app's limits (channel name length).

    `parse_channel_auth_request` (for `"user"`: `parse_user_auth_request`)
    accepts every one.
    """
    return auth_requests(kind, encoding=encoding, limits=limits).map(
        lambda request: (request.body, request.content_type)
    )


# --- webhooks -------------------------------------------------------------------------

# Pusher only relays client events whose name starts with this (pusher-js refuses others).
_CLIENT_EVENT_PREFIX = "client-"
_NONCES = st.binary(min_size=24, max_size=24)


def _check_config(config: object) -> AppConfig:
    if not isinstance(config, AppConfig):
        raise InvalidArgument(
            f"config must be a pusher_core.AppConfig, got {type(config).__name__}"
        )
    return config


def webhook_events(config: AppConfig) -> st.SearchStrategy[WebhookEvent]:
    """Typed webhook events Pusher sends for `config`'s app, one of each kind.

    Channel names, user ids and socket ids are valid under `config.limits`;
    client events are on private and presence channels (and on
    `private-encrypted-` ones when the config has a master key, with the
    plaintext as `data`), named `client-...`.
    """
    limits = _check_config(config).limits
    channels = channel_names(limits=limits).filter(
        lambda name: not name.startswith(SERVER_TO_USER_PREFIX)
    )
    presence = channel_names(ChannelKind.PRESENCE, limits=limits)
    client_kinds = [ChannelKind.PRIVATE, ChannelKind.PRESENCE]
    if config.encryption_master_key is not None:
        client_kinds.append(ChannelKind.PRIVATE_ENCRYPTED)
    room = limits.max_event_name_length - len(_CLIENT_EVENT_PREFIX)
    client_events = st.builds(
        ClientEvent,
        channel=st.one_of([channel_names(kind, limits=limits) for kind in client_kinds]),
        event=st.text(_printable_chars, max_size=min(room, 32)).map(_CLIENT_EVENT_PREFIX.__add__),
        data=st.text(_utf8_chars),
        socket_id=st.none() | socket_ids(),
    )
    member = user_ids(limits)
    return st.one_of(
        st.builds(ChannelOccupied, channel=channels),
        st.builds(ChannelVacated, channel=channels),
        st.builds(MemberAdded, channel=presence, user_id=member),
        st.builds(MemberRemoved, channel=presence, user_id=member),
        client_events,
        # A presence channel's client events name the member who sent them.
        st.builds(
            ClientEvent,
            channel=presence,
            event=st.just(_CLIENT_EVENT_PREFIX + "typing"),
            data=st.text(_utf8_chars),
            socket_id=socket_ids(),
            user_id=member,
        ),
        st.builds(CacheMiss, channel=channels),
        st.builds(SubscriptionCount, channel=channels, subscription_count=st.integers(0, 10**6)),
    )


def _check_window(now_ms: object, max_age_ms: object) -> tuple[int, int]:
    if isinstance(now_ms, bool) or not isinstance(now_ms, int) or now_ms < 0:
        raise InvalidArgument(f"now_ms must be a non-negative int of Unix ms, got {now_ms!r}")
    if isinstance(max_age_ms, bool) or not isinstance(max_age_ms, int) or max_age_ms < 0:
        raise InvalidArgument(f"max_age_ms must be a non-negative int, got {max_age_ms!r}")
    return now_ms, max_age_ms


def _event_lists(
    config: AppConfig, events: st.SearchStrategy[Sequence[WebhookEvent]] | None
) -> st.SearchStrategy[Sequence[WebhookEvent]]:
    if events is None:
        # One event a webhook unless the app enables batch webhooks: mostly one.
        return st.lists(webhook_events(config), min_size=1, max_size=4)
    return events


@st.composite
def _signed(
    draw: st.DrawFn,
    config: AppConfig,
    events: st.SearchStrategy[Sequence[WebhookEvent]],
    times: st.SearchStrategy[int],
) -> SignedWebhook:
    return webhook_request(config, draw(events), time_ms=draw(times), nonce=draw(_NONCES))


def signed_webhooks(
    config: AppConfig,
    events: st.SearchStrategy[Sequence[WebhookEvent]] | None = None,
    *,
    now_ms: int,
    max_age_ms: int = DEFAULT_MAX_AGE_MS,
) -> st.SearchStrategy[SignedWebhook]:
    """Webhooks as Pusher posts them to `config`'s app: `verify_webhook` accepts each.

    Args:
        config: the app whose key and secret sign them.
        events: lists of typed events to send (default: one to four drawn from
            `webhook_events(config)`).
        now_ms: the receiver's clock (Unix ms) at verification.
        max_age_ms: the receiver's freshness window: every `time_ms` is within
            it of `now_ms` (Pusher retries with the original `time_ms`).

    Each is a `SignedWebhook`: post `.body` with `.headers` to the endpoint
    under test, whose clock reads `now_ms`.
    """
    _check_config(config)
    now_ms, max_age_ms = _check_window(now_ms, max_age_ms)
    times = st.integers(max(now_ms - max_age_ms, 0), now_ms + max_age_ms)
    return _signed(config, _event_lists(config, events), times)


def _with_headers(webhook: SignedWebhook, **replace: str | None) -> SignedWebhook:
    """`webhook` with the named X-Pusher-* headers replaced (None: left out)."""
    names = {name.replace("_", "-"): value for name, value in replace.items()}
    headers = [
        (name, names[name.lower()]) if name.lower() in names else (name, value)
        for name, value in webhook.headers
    ]
    return SignedWebhook(
        headers=tuple((name, value) for name, value in headers if value is not None),
        body=webhook.body,
    )


@st.composite
def _tampered(
    draw: st.DrawFn,
    config: AppConfig,
    events: st.SearchStrategy[Sequence[WebhookEvent]],
    now_ms: int,
    max_age_ms: int,
) -> SignedWebhook:
    fresh = st.integers(max(now_ms - max_age_ms, 0), now_ms + max_age_ms)
    webhook = draw(_signed(config, events, fresh))
    signature = webhook.header("X-Pusher-Signature") or ""
    mistake = draw(st.integers(0, 6))
    if mistake == 0:  # one bit of the body flipped
        at = draw(st.integers(0, len(webhook.body) - 1))
        bit = 1 << draw(st.integers(0, 7))
        body = webhook.body[:at] + bytes([webhook.body[at] ^ bit]) + webhook.body[at + 1 :]
        return SignedWebhook(headers=webhook.headers, body=body)
    if mistake == 1:  # one hex digit of the signature changed
        at = draw(st.integers(0, len(signature) - 1))
        digit = draw(st.sampled_from("0123456789abcdef").filter(lambda d: d != signature[at]))
        return _with_headers(
            webhook, x_pusher_signature=signature[:at] + digit + signature[at + 1 :]
        )
    if mistake == 2:  # signed by a key the app does not have  # noqa: PLR2004
        key = draw(st.text(_name_chars, min_size=1, max_size=20).filter(lambda k: k != config.key))
        return _with_headers(webhook, x_pusher_key=key)
    if mistake == 3:  # the app's key, someone else's secret  # noqa: PLR2004
        secret = draw(st.text(_utf8_chars, min_size=1).filter(lambda s: s != config.secret))
        forger = attrs.evolve(config, secret=secret)
        return _with_headers(webhook, x_pusher_signature=forger.signer.sign_bytes(webhook.body))
    if mistake == 4:  # a header missing or empty  # noqa: PLR2004
        header = draw(st.sampled_from(["x_pusher_key", "x_pusher_signature"]))
        return _with_headers(webhook, **{header: draw(st.sampled_from([None, ""]))})
    if mistake == 5 and now_ms - max_age_ms > 0:  # signed, but too old  # noqa: PLR2004
        stale = st.integers(max(now_ms - 10 * max_age_ms - 1, 0), now_ms - max_age_ms - 1)
        return draw(_signed(config, events, stale))
    # signed, but from too far in the future (clock skew beyond the window)
    future = now_ms + max_age_ms
    return draw(_signed(config, events, st.integers(future + 1, future + 10 * max_age_ms + 1)))


def tampered_webhooks(
    config: AppConfig,
    events: st.SearchStrategy[Sequence[WebhookEvent]] | None = None,
    *,
    now_ms: int,
    max_age_ms: int = DEFAULT_MAX_AGE_MS,
) -> st.SearchStrategy[SignedWebhook]:
    """Webhooks `verify_webhook` rejects at `now_ms`, each one mistake from a real one.

    A bit of the body flipped, a hex digit of the signature changed, a key the
    app does not have, the app's key with another secret, a missing or empty
    header, or a `time_ms` outside `max_age_ms` of `now_ms` (stale, or from the
    future). Arguments as for `signed_webhooks`.
    """
    _check_config(config)
    now_ms, max_age_ms = _check_window(now_ms, max_age_ms)
    return _tampered(config, _event_lists(config, events), now_ms, max_age_ms)
