"""pusher_core.strategies yields what it claims: valid values pass the core, invalid ones fail."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, find, given, settings, strategies as st
from hypothesis.errors import InvalidArgument

from pusher_core import strategies as ps
from pusher_core.auth_endpoints import (
    AuthRequestError,
    channel_auth_response,
    parse_channel_auth_request,
    parse_user_auth_request,
    user_auth_response,
)
from pusher_core.channels import (
    NAME_CHARACTERS,
    ChannelKind,
    channel_kind,
    validate_channel,
    validate_event_name,
    validate_socket_id,
    validate_user_id,
)
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import InvalidArgumentError, PayloadTooLargeError
from pusher_core.events import trigger_request
from pusher_core.webhooks import (
    DEFAULT_MAX_AGE_MS,
    ChannelOccupied,
    ClientEvent,
    DecryptionStatus,
    MemberAdded,
    RejectedWebhook,
    SignedWebhook,
    UnknownWebhookEvent,
    ValidWebhook,
    WebhookEvent,
    WebhookRejectReason,
    verify_webhook,
)

# No per-example deadline (the machine running the suite is shared); fewer examples
# than Hypothesis's default, as each property runs under many parameters.
SETTINGS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
TIGHT = Limits(max_channel_name_length=30, max_event_name_length=12, max_user_id_length=9)
# With a master key, so encrypted channels can be authorized too.
CONFIG = AppConfig(app_id="1", key="app-key", secret="app-secret", encryption_master_key=b"k" * 32)
AUTHORIZED = [ChannelKind.PRIVATE, ChannelKind.PRIVATE_ENCRYPTED, ChannelKind.PRESENCE]


# --- the alphabet the strategies are built from --------------------------------------


@given(st.characters())
@SETTINGS
def test_name_characters_are_exactly_the_one_character_names(char: str) -> None:
    """`NAME_CHARACTERS` is the set of characters the validator accepts, nothing more."""
    try:
        validate_channel(char, Limits())
    except InvalidArgumentError:
        assert char not in NAME_CHARACTERS
    else:
        assert char in NAME_CHARACTERS


def test_every_name_character_is_a_channel_name_and_a_user_id() -> None:
    for char in NAME_CHARACTERS:
        assert validate_channel(char, Limits()) == char
        assert validate_user_id(char, Limits()) == char


# --- channel names -------------------------------------------------------------------


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
@pytest.mark.parametrize("kind", [None, *ChannelKind], ids=str)
@given(data=st.data())
@SETTINGS
def test_channel_names_are_accepted_and_of_their_kind(
    data: st.DataObject, kind: ChannelKind | None, limits: Limits
) -> None:
    name = data.draw(ps.channel_names(kind, limits=limits))
    assert validate_channel(name, limits) == name
    assert len(name) <= limits.max_channel_name_length
    if kind is not None:
        assert channel_kind(name) is kind


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
@pytest.mark.parametrize("kind", list(ChannelKind), ids=str)
def test_channel_names_reach_the_length_limit(kind: ChannelKind, limits: Limits) -> None:
    """Names exactly as long as the limit allows are generated."""
    longest = limits.max_channel_name_length
    name = find(ps.channel_names(kind, limits=limits), lambda n: len(n) == longest)
    assert validate_channel(name, limits) == name


@pytest.mark.parametrize("kind", list(ChannelKind), ids=str)
def test_any_kind_means_every_kind(kind: ChannelKind) -> None:
    find(ps.channel_names(), lambda name: channel_kind(name) is kind)


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
@pytest.mark.parametrize("kind", [None, *ChannelKind], ids=str)
@given(data=st.data())
@SETTINGS
def test_invalid_channel_names_are_rejected(
    data: st.DataObject, kind: ChannelKind | None, limits: Limits
) -> None:
    name = data.draw(ps.channel_names(kind, valid=False, limits=limits))
    with pytest.raises(InvalidArgumentError, match="channel"):
        validate_channel(name, limits)


@pytest.mark.parametrize("kind", [ChannelKind.PUBLIC, *AUTHORIZED], ids=str)
@given(data=st.data())
@SETTINGS
def test_invalid_names_of_a_kind_keep_its_prefix_and_fail_the_auth_parser(
    data: st.DataObject, kind: ChannelKind
) -> None:
    """An auth endpoint receiving them answers 400 naming `channel_name`."""
    name = data.draw(ps.invalid_channel_names(kind))
    assert channel_kind(name) is kind
    body = json.dumps({"socket_id": "1.2", "channel_name": name}).encode()
    with pytest.raises(AuthRequestError) as caught:
        parse_channel_auth_request(body, "application/json")
    assert (caught.value.argument, caught.value.status) == ("channel_name", 400)


@pytest.mark.parametrize(
    ("predicate", "what"),
    [
        (lambda n: n == "", "empty"),
        (lambda n: n.endswith("\n") and "\n" not in n[:-1], "final newline"),
        (
            lambda n: len(n) > Limits().max_channel_name_length and set(n) <= set(NAME_CHARACTERS),
            "too long",
        ),
        (lambda n: n.startswith("#") and not n.startswith("#server-to-user-"), "bad # prefix"),
        (lambda n: n == "#server-to-user-", "no user id"),
        (lambda n: any(c not in NAME_CHARACTERS + "#\n" for c in n), "bad character"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_invalid_channel_names_cover_each_mistake(predicate: Any, what: str) -> None:
    find(ps.invalid_channel_names(), predicate)


def test_channel_name_strategies_refuse_bad_arguments() -> None:
    no_room = Limits(max_channel_name_length=len("#server-to-user-"))
    with pytest.raises(InvalidArgument, match="no room"):
        ps.channel_names(ChannelKind.SERVER_TO_USER, limits=no_room).example()
    with pytest.raises(InvalidArgument, match="limits"):
        ps.channel_names(limits={"max_channel_name_length": 10}).example()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="kind"):
        ps.channel_names("private").example()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="kind"):
        ps.auth_requests(ChannelKind.PUBLIC).example()
    with pytest.raises(InvalidArgument, match="encoding"):
        ps.auth_requests(encoding="xml").example()  # type: ignore[arg-type]


@given(data=st.data())
@SETTINGS
def test_with_little_room_only_the_kinds_that_fit_are_drawn(data: st.DataObject) -> None:
    """Limits too tight for a kind's prefix still give names of the other kinds."""
    limits = Limits(max_channel_name_length=len("presence-"))
    name = data.draw(ps.channel_names(limits=limits))
    assert validate_channel(name, limits) == name
    assert channel_kind(name) in (ChannelKind.PUBLIC, ChannelKind.PRIVATE)
    bad = data.draw(ps.invalid_channel_names(limits=limits))
    with pytest.raises(InvalidArgumentError):
        validate_channel(bad, limits)


# --- user ids, socket ids, event names -----------------------------------------------


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
@given(data=st.data())
@SETTINGS
def test_user_ids_are_accepted(data: st.DataObject, limits: Limits) -> None:
    user_id = data.draw(ps.user_ids(limits))
    assert validate_user_id(user_id, limits) == user_id


@given(ps.socket_ids())
@SETTINGS
def test_socket_ids_are_accepted(socket_id: str) -> None:
    assert validate_socket_id(socket_id) == socket_id


@given(ps.invalid_socket_ids())
@SETTINGS
def test_invalid_socket_ids_are_rejected(socket_id: str) -> None:
    with pytest.raises(InvalidArgumentError, match="socket id"):
        validate_socket_id(socket_id)


@pytest.mark.parametrize(
    "predicate",
    [
        lambda s: s == "",
        lambda s: s[-1:] in ("\n", " ", "\t"),
        lambda s: s[:1] in "+-" and s != "",
        lambda s: s.count(".") >= 2,
        lambda s: any(c.isdigit() and not c.isascii() for c in s),
        lambda s: s.endswith(".") and s[:-1].isdigit() and s != ".",
    ],
)
def test_invalid_socket_ids_cover_each_mistake(predicate: Any) -> None:
    find(ps.invalid_socket_ids(), predicate)


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
@given(data=st.data())
@SETTINGS
def test_event_names_are_accepted(data: st.DataObject, limits: Limits) -> None:
    name = data.draw(ps.event_names(limits))
    assert validate_event_name(name, limits) == name


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
def test_event_names_reach_the_length_limit(limits: Limits) -> None:
    longest = limits.max_event_name_length
    find(ps.event_names(limits), lambda name: len(name) == longest)


@pytest.mark.parametrize("limits", [Limits(), TIGHT], ids=["default", "tight"])
@given(data=st.data())
@SETTINGS
def test_invalid_event_names_are_rejected(data: st.DataObject, limits: Limits) -> None:
    name = data.draw(ps.invalid_event_names(limits))
    with pytest.raises(InvalidArgumentError, match="event_name"):
        validate_event_name(name, limits)


# --- payloads ------------------------------------------------------------------------


def _trigger(data: object, max_bytes: int) -> None:
    config = AppConfig(app_id="1", key="k", secret="s", limits=Limits(max_payload_bytes=max_bytes))
    trigger_request(config, channels="c", event_name="e", data=data, timestamp=1)


@given(data=st.data(), max_bytes=st.sampled_from([1, 40, 1000, Limits().max_payload_bytes]))
@SETTINGS
def test_event_payloads_are_published(data: st.DataObject, max_bytes: int) -> None:
    _trigger(data.draw(ps.event_payloads(max_bytes)), max_bytes)


@given(data=st.data(), max_bytes=st.sampled_from([1, 40, 1000, Limits().max_payload_bytes]))
@SETTINGS
def test_oversized_event_payloads_are_refused(data: st.DataObject, max_bytes: int) -> None:
    with pytest.raises(PayloadTooLargeError):
        _trigger(data.draw(ps.oversized_event_payloads(max_bytes)), max_bytes)


@pytest.mark.parametrize("max_bytes", [4, 40, Limits().max_payload_bytes])
def test_event_payloads_reach_the_limit_with_multibyte_text(max_bytes: int) -> None:
    payload = find(
        ps.event_payloads(max_bytes),
        lambda d: isinstance(d, str) and len(d.encode()) == max_bytes and not d.isascii(),
    )
    _trigger(payload, max_bytes)


def test_event_payloads_include_json_values() -> None:
    find(ps.event_payloads(), lambda d: isinstance(d, dict) and d != {} and "message" not in d)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_payload_strategies_refuse_a_bad_limit(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="max_bytes"):
        ps.event_payloads(bad).example()


# --- auth request bodies -------------------------------------------------------------


@pytest.mark.parametrize("encoding", [None, "form", "json"])
@pytest.mark.parametrize("kind", [None, *AUTHORIZED], ids=str)
@given(data=st.data())
@SETTINGS
def test_channel_auth_requests_parse_to_what_they_carry(
    data: st.DataObject, kind: ChannelKind | None, encoding: Literal["form", "json"] | None
) -> None:
    request = data.draw(ps.auth_requests(kind, encoding=encoding, limits=TIGHT))
    parsed = parse_channel_auth_request(request.body, request.content_type, limits=TIGHT)
    assert parsed.socket_id == request.socket_id
    assert parsed.channel_name == request.channel_name
    assert dict(parsed.params) == dict(request.params)
    if kind is not None:
        assert parsed.kind is kind
    if encoding is not None:
        expected = "form-urlencoded" if encoding == "form" else "json"
        assert expected in request.content_type


@pytest.mark.parametrize("encoding", [None, "form", "json"])
@given(data=st.data())
@SETTINGS
def test_user_auth_requests_parse_to_what_they_carry(
    data: st.DataObject, encoding: Literal["form", "json"] | None
) -> None:
    request = data.draw(ps.auth_requests("user", encoding=encoding))
    assert request.channel_name is None
    parsed = parse_user_auth_request(request.body, request.content_type)
    assert parsed.socket_id == request.socket_id
    assert dict(parsed.params) == dict(request.params)


def test_form_bodies_are_what_pusher_js_posts() -> None:
    """The form body is pusher-js's: socket_id, channel_name, then params, URI-encoded."""
    request = find(
        ps.auth_requests(ChannelKind.PRESENCE, encoding="form"),
        lambda r: ("@" in r.channel_name if r.channel_name else False) and r.params != (),
    )
    assert request.body.startswith(f"socket_id={request.socket_id}&channel_name=".encode())
    assert b"@" not in request.body  # encodeURIComponent writes %40
    assert request.content_type.startswith("application/x-www-form-urlencoded")


@given(ps.auth_request_bodies())
@SETTINGS
def test_auth_request_bodies_are_answered_200(body_and_type: tuple[bytes, str]) -> None:
    body, content_type = body_and_type
    member = {"user_id": "u1", "user_info": {"name": "Ann"}}
    response = channel_auth_response(CONFIG, body, content_type, lambda _request: member)
    assert response.status == 200, response.body
    assert b'"auth":"app-key:' in response.body


@given(ps.auth_request_bodies("user"))
@SETTINGS
def test_user_auth_request_bodies_are_answered_200(body_and_type: tuple[bytes, str]) -> None:
    body, content_type = body_and_type
    response = user_auth_response(CONFIG, body, content_type, lambda _request: {"id": "u1"})
    assert response.status == 200, response.body


# --- webhooks ------------------------------------------------------------------------

NOW_MS = 1_700_000_000_000
PLAIN_CONFIG = AppConfig(app_id="1", key="app-key", secret="app-secret")


@pytest.mark.parametrize("config", [CONFIG, PLAIN_CONFIG], ids=["master-key", "no-master-key"])
@given(data=st.data())
@SETTINGS
def test_signed_webhooks_are_accepted_with_typed_events(
    data: st.DataObject, config: AppConfig
) -> None:
    webhook = data.draw(ps.signed_webhooks(config, now_ms=NOW_MS))
    verdict = verify_webhook(config, headers=webhook.headers, body=webhook.body, now_ms=NOW_MS)
    assert isinstance(verdict, ValidWebhook), verdict
    assert abs(verdict.time_ms - NOW_MS) <= DEFAULT_MAX_AGE_MS
    assert verdict.events
    for event in verdict.events:
        assert not isinstance(event, UnknownWebhookEvent), event
        assert validate_channel(event.channel, config.limits) == event.channel
        if isinstance(event, ClientEvent):
            assert event.event.startswith("client-")
            assert event.decryption in (DecryptionStatus.NOT_ENCRYPTED, DecryptionStatus.DECRYPTED)
            assert event.decryption is not DecryptionStatus.DECRYPTED or config is CONFIG


def test_signed_webhooks_carry_the_events_given() -> None:
    sent: list[WebhookEvent] = [
        ChannelOccupied(channel="presence-room"),
        MemberAdded(channel="presence-room", user_id="7"),
    ]
    webhook = find(
        ps.signed_webhooks(PLAIN_CONFIG, st.just(sent), now_ms=NOW_MS, max_age_ms=0),
        lambda _w: True,
    )
    verdict = verify_webhook(
        PLAIN_CONFIG, headers=webhook.headers, body=webhook.body, now_ms=NOW_MS, max_age_ms=0
    )
    assert isinstance(verdict, ValidWebhook)
    assert (verdict.time_ms, list(verdict.events)) == (NOW_MS, sent)


def test_signed_webhooks_include_decrypted_client_events() -> None:
    find(
        ps.signed_webhooks(CONFIG, now_ms=NOW_MS),
        lambda w: any(
            isinstance(e, ClientEvent) and e.decryption is DecryptionStatus.DECRYPTED
            for e in _events(CONFIG, w)
        ),
    )


def _events(config: AppConfig, webhook: SignedWebhook) -> tuple[Any, ...]:
    verdict = verify_webhook(config, headers=webhook.headers, body=webhook.body, now_ms=NOW_MS)
    return verdict.events if isinstance(verdict, ValidWebhook) else ()


@pytest.mark.parametrize(
    ("now_ms", "max_age_ms"),
    [(NOW_MS, DEFAULT_MAX_AGE_MS), (NOW_MS, 0), (1000, DEFAULT_MAX_AGE_MS)],
    ids=["default", "no-window", "near-epoch"],
)
@given(data=st.data())
@SETTINGS
def test_tampered_webhooks_are_rejected(data: st.DataObject, now_ms: int, max_age_ms: int) -> None:
    webhook = data.draw(ps.tampered_webhooks(CONFIG, now_ms=now_ms, max_age_ms=max_age_ms))
    verdict = verify_webhook(
        CONFIG, headers=webhook.headers, body=webhook.body, now_ms=now_ms, max_age_ms=max_age_ms
    )
    assert isinstance(verdict, RejectedWebhook)


def _outcomes(strategy: st.SearchStrategy[SignedWebhook], max_age_ms: int | None) -> set[Any]:
    """What `verify_webhook` says of drawn webhooks: reject reasons, or which side of now.

    Drawn without shrinking (unlike `find`), derandomized so the run is repeatable.
    """
    seen: set[Any] = set()

    @settings(max_examples=150, derandomize=True, database=None, deadline=None)
    @given(strategy)
    def collect(webhook: SignedWebhook) -> None:
        verdict = verify_webhook(
            CONFIG, headers=webhook.headers, body=webhook.body, now_ms=NOW_MS, max_age_ms=max_age_ms
        )
        if isinstance(verdict, RejectedWebhook):
            seen.add(verdict.reason)
        else:
            seen.add("past" if verdict.time_ms < NOW_MS else "future")

    collect()
    return seen


def test_tampered_webhooks_cover_each_mistake() -> None:
    """Every kind of tampering is drawn: headers, body, signature, key, and both clock sides."""
    strategy = ps.tampered_webhooks(CONFIG, now_ms=NOW_MS)
    assert _outcomes(strategy, DEFAULT_MAX_AGE_MS) == {
        WebhookRejectReason.MISSING_KEY,
        WebhookRejectReason.MISSING_SIGNATURE,
        WebhookRejectReason.UNKNOWN_KEY,
        WebhookRejectReason.BAD_SIGNATURE,
        WebhookRejectReason.STALE,
    }
    # Without the window, the stale ones verify: some from the past, some from the future.
    assert {"past", "future"} <= _outcomes(strategy, None)


def test_webhook_strategies_refuse_bad_arguments() -> None:
    with pytest.raises(InvalidArgument, match="config"):
        ps.signed_webhooks({"key": "secret"}, now_ms=NOW_MS).example()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="now_ms"):
        ps.signed_webhooks(CONFIG, now_ms=1.5).example()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="max_age_ms"):
        ps.tampered_webhooks(CONFIG, now_ms=NOW_MS, max_age_ms=-1).example()
    with pytest.raises(InvalidArgument, match="config"):
        ps.webhook_events(None).example()  # type: ignore[arg-type]


def test_without_hypothesis_the_import_error_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import pusher_core.strategies\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "pusher_core.strategies needs Hypothesis: pip install 'pusher-core[hypothesis]'"
    )


@given(data=st.data())
@SETTINGS
def test_auth_requests_under_tight_limits_use_the_kinds_that_fit(data: st.DataObject) -> None:
    limits = Limits(max_channel_name_length=len("presence-"))  # room for private-x only
    request = data.draw(ps.auth_requests(limits=limits))
    parsed = parse_channel_auth_request(request.body, request.content_type, limits=limits)
    assert parsed.kind is ChannelKind.PRIVATE


@given(data=st.data())
@SETTINGS
def test_signed_webhooks_take_lists_of_one_event_type(data: st.DataObject) -> None:
    """`events` may be any strategy of event sequences, e.g. lists of one event class."""
    occupied = st.lists(st.builds(ChannelOccupied, channel=ps.channel_names()), min_size=1)
    webhook = data.draw(ps.signed_webhooks(PLAIN_CONFIG, occupied, now_ms=NOW_MS))
    verdict = verify_webhook(
        PLAIN_CONFIG, headers=webhook.headers, body=webhook.body, now_ms=NOW_MS
    )
    assert isinstance(verdict, ValidWebhook)
    assert all(isinstance(event, ChannelOccupied) for event in verdict.events)
