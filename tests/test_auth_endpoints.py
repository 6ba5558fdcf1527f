"""The auth endpoints: parsing what pusher-js posts and answering what it expects."""

from __future__ import annotations

import base64
import json
import pickle
from typing import Any

import pytest

from pusher_core.auth import authenticate_user, authorize_channel
from pusher_core.auth_endpoints import (
    MAX_BODY_BYTES,
    AuthRequestError,
    AuthResponse,
    ChannelAuthRequest,
    UserAuthRequest,
    channel_auth_response,
    parse_channel_auth_request,
    parse_user_auth_request,
    user_auth_response,
)
from pusher_core.channels import ChannelKind
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import ConfigurationError, InvalidArgumentError, InvalidArgumentTypeError

CONFIG = AppConfig.from_options(
    "1",
    "278d425bdf160c739803",
    "7ad3773142a6692b25b8",
    encryption_master_key_base64=base64.b64encode(b"k" * 32).decode(),
)
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Exactly what pusher-js's xhr authorizer posts (src/core/auth/channel_authorizer.ts).
PUSHER_JS_BODY = b"socket_id=1234.1234&channel_name=private-foobar"


# --- parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PUSHER_JS_BODY, FORM),
        (PUSHER_JS_BODY, "application/x-www-form-urlencoded; charset=UTF-8"),
        (PUSHER_JS_BODY, 'Application/X-WWW-Form-Urlencoded;charset="utf-8"'),
        (b"channel_name=private-foobar&socket_id=1234.1234", FORM),
        (b'{"socket_id": "1234.1234", "channel_name": "private-foobar"}', "application/json"),
        (b'{"socket_id":"1234.1234","channel_name":"private-foobar"}', "application/vnd.api+json"),
        (PUSHER_JS_BODY, None),
        (b' {"socket_id":"1234.1234","channel_name":"private-foobar"}', None),
        (PUSHER_JS_BODY, ""),
    ],
)
def test_parse_channel_request_forms_and_json(body: bytes, content_type: str | None) -> None:
    """Form bodies (any charset parameter) and JSON bodies give the same request."""
    request = parse_channel_auth_request(body, content_type)
    assert request == ChannelAuthRequest(socket_id="1234.1234", channel_name="private-foobar")
    assert request.kind is ChannelKind.PRIVATE
    assert dict(request.params) == {}


def test_parse_keeps_custom_params_read_only() -> None:
    """pusher-js `params` arrive next to the fields and stay available to `decide`."""
    body = b"socket_id=1.2&channel_name=presence-room&team=a%20b&team=ignored&empty="
    request = parse_channel_auth_request(body, FORM)
    assert request.kind is ChannelKind.PRESENCE
    assert dict(request.params) == {"team": "a b", "empty": ""}
    with pytest.raises(TypeError):
        request.params["team"] = "x"  # type: ignore[index]
    json_request = parse_channel_auth_request(
        b'{"socket_id":"1.2","channel_name":"private-x","n":[1,2]}', "application/json"
    )
    assert dict(json_request.params) == {"n": [1, 2]}


def test_parse_percent_encoded_and_latin1_bodies() -> None:
    """Percent-escapes decode with the declared charset."""
    body = b"socket_id=1.2&channel_name=private-a%3Db%40c&x=%E9"
    request = parse_channel_auth_request(body, f"{FORM}; charset=iso-8859-1")
    assert request.channel_name == "private-a=b@c"
    assert request.params["x"] == "é"


@pytest.mark.parametrize(
    ("body", "content_type", "field", "status", "match"),
    [
        (b"channel_name=private-x", FORM, "socket_id", 400, "missing"),
        (b"socket_id=&channel_name=private-x", FORM, "socket_id", 400, "missing"),
        (b"socket_id=1.2", FORM, "channel_name", 400, "missing"),
        (b"socket_id=1.2&socket_id=3.4&channel_name=private-x", FORM, "socket_id", 400, "twice"),
        (b"socket_id=1.2&channel_name=private-x&channel_name=y", FORM, "channel_name", 400, "tw"),
        (b"socket_id=12&channel_name=private-x", FORM, "socket_id", 400, "digits.digits"),
        (b"socket_id=1.2&channel_name=private-a:b", FORM, "channel_name", 400, "not a valid"),
        (b"socket_id=1.2&channel_name=public", FORM, "channel_name", 400, "no authorization"),
        (b"socket_id=1.2&channel_name=%23server-to-user-1", FORM, "channel_name", 400, "no auth"),
        (b"socket_id=1.2&channel_name=private-" + b"x" * 200, FORM, "channel_name", 400, "limit"),
        (b"socket_id=1.2&channel_name=%FF", FORM, "body", 400, "utf-8"),
        (b"\xff", FORM, "body", 400, "utf-8"),
        (b"{", JSON, "body", 400, "not valid JSON"),
        (b"[1]", JSON, "body", 400, "JSON object"),
        (b"[" * 50_000, JSON, "body", 400, "not valid JSON"),
        (b'{"socket_id": 1.2, "channel_name": "private-x"}', JSON, "socket_id", 400, "str"),
        (b'{"socket_id": null, "channel_name": "private-x"}', JSON, "socket_id", 400, "missing"),
        (b'{"socket_id": "1.2", "channel_name": ["private-x"]}', JSON, "channel_name", 400, "str"),
        (PUSHER_JS_BODY, "text/plain", "content_type", 415, "not supported"),
        (PUSHER_JS_BODY, "multipart/form-data; boundary=x", "content_type", 415, "not supported"),
        (PUSHER_JS_BODY, f"{FORM}; charset=klingon", "content_type", 415, "charset"),
        (b"a" * (MAX_BODY_BYTES + 1), FORM, "body", 413, "limited"),
        (b"&".join(b"f%d=1" % i for i in range(101)), FORM, "body", 413, "fields"),
    ],
)  # fmt: skip
def test_parse_errors_name_the_field_and_status(
    body: bytes, content_type: str, field: str, status: int, match: str
) -> None:
    """Unusable requests raise AuthRequestError naming the field, with the status to answer."""
    with pytest.raises(AuthRequestError, match=match) as info:
        parse_channel_auth_request(body, content_type)
    assert info.value.argument == field
    assert info.value.status == status
    assert isinstance(info.value, InvalidArgumentError)
    assert isinstance(info.value, ValueError)


def test_parse_uses_the_apps_channel_length_limit() -> None:
    """The channel length limit is the app's."""
    limits = Limits(max_channel_name_length=10)
    body = b"socket_id=1.2&channel_name=private-abcdef"
    parse_channel_auth_request(body, FORM)
    with pytest.raises(AuthRequestError, match="limit is 10"):
        parse_channel_auth_request(body, FORM, limits=limits)


def test_parse_accepts_text_and_buffer_bodies() -> None:
    """Frameworks that hand over str or bytearray bodies work too."""
    expected = parse_channel_auth_request(PUSHER_JS_BODY, FORM)
    assert parse_channel_auth_request(PUSHER_JS_BODY.decode(), FORM) == expected  # type: ignore[arg-type]
    assert parse_channel_auth_request(bytearray(PUSHER_JS_BODY), FORM) == expected  # type: ignore[arg-type]
    assert parse_channel_auth_request(memoryview(PUSHER_JS_BODY), FORM) == expected  # type: ignore[arg-type]
    with pytest.raises(AuthRequestError, match="body"):
        parse_channel_auth_request("\ud800", FORM)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentTypeError, match="body"):
        parse_channel_auth_request(None, FORM)  # type: ignore[arg-type]


def test_parse_user_request() -> None:
    """User sign-in carries only socket_id (plus params)."""
    assert parse_user_auth_request(b"socket_id=1.2", FORM) == UserAuthRequest(socket_id="1.2")
    request = parse_user_auth_request(b'{"socket_id":"1.2","who":"me"}', "application/json")
    assert request.params["who"] == "me"
    with pytest.raises(AuthRequestError) as info:
        parse_user_auth_request(b"socket=1.2", FORM)
    assert info.value.argument == "socket_id"


def test_auth_request_error_pickles_with_its_status() -> None:
    """The error survives pickling (process pools, task queues) with field and status."""
    error = AuthRequestError("body", "too big", 413)
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.argument, clone.message, clone.status) == ("body", "too big", 413)
    assert str(clone) == "body: too big"


# --- channel_auth_response ----------------------------------------------------------


def _json_body(response: AuthResponse) -> Any:
    assert ("Content-Type", "application/json") in response.headers
    return json.loads(response.body)


def test_allowed_private_channel_answers_the_channel_auth_json() -> None:
    """Allowed: 200, application/json, the ChannelAuth JSON pusher-js reads."""
    seen: list[ChannelAuthRequest] = []

    def decide(request: ChannelAuthRequest) -> bool:
        seen.append(request)
        return True

    response = channel_auth_response(CONFIG, PUSHER_JS_BODY, FORM, decide)
    expected = authorize_channel(CONFIG, channel="private-foobar", socket_id="1234.1234")
    assert response.status == 200
    assert response.body == expected.to_json().encode()
    assert _json_body(response) == {
        "auth": "278d425bdf160c739803:"
        "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
    }
    assert dict(response.headers)["Cache-Control"] == "no-store"
    assert seen == [ChannelAuthRequest(socket_id="1234.1234", channel_name="private-foobar")]


@pytest.mark.parametrize("decision", [False, None])
def test_denied_is_403(decision: object) -> None:
    """A denial answers 403 with a JSON error (pusher-js reports HTTPAuthError(403))."""
    response = channel_auth_response(CONFIG, PUSHER_JS_BODY, FORM, lambda _: decision)  # type: ignore[arg-type, return-value]
    assert response.status == 403
    assert _json_body(response) == {"error": "forbidden"}


def test_bad_request_is_400_naming_the_field_and_decide_is_not_called() -> None:
    """An unusable request answers 400 `{"error", "field"}` before the app is asked."""

    def decide(_: ChannelAuthRequest) -> bool:
        raise AssertionError("decide must not run")

    response = channel_auth_response(CONFIG, b"channel_name=private-x", FORM, decide)
    assert response.status == 400
    assert _json_body(response) == {"error": "socket_id: is missing", "field": "socket_id"}
    assert channel_auth_response(CONFIG, PUSHER_JS_BODY, "text/plain", decide).status == 415


def test_presence_member_comes_from_the_decision() -> None:
    """On presence channels the decision names the member; the body carries channel_data."""
    member = {"user_id": "42", "user_info": {"name": "Ada"}}
    body = b"socket_id=1.2&channel_name=presence-room"
    response = channel_auth_response(CONFIG, body, FORM, lambda _: member)
    expected = authorize_channel(
        CONFIG, channel="presence-room", socket_id="1.2", custom_data=member
    )
    assert response.status == 200
    assert _json_body(response) == expected.to_dict()
    assert _json_body(response)["channel_data"] == '{"user_id":"42","user_info":{"name":"Ada"}}'


def test_member_decision_on_private_channel_allows_without_warning() -> None:
    """A decide that always returns the user works on private channels too, silently."""
    member = {"user_id": "42"}
    response = channel_auth_response(CONFIG, PUSHER_JS_BODY, FORM, lambda _: member)
    assert response.status == 200
    assert "channel_data" not in _json_body(response)


def test_encrypted_channel_answer_carries_shared_secret_text() -> None:
    """Encrypted channels answer with the base64 shared_secret pusher-js needs."""
    body = b"socket_id=1.2&channel_name=private-encrypted-room"
    payload = _json_body(channel_auth_response(CONFIG, body, FORM, lambda _: True))
    assert isinstance(payload["shared_secret"], str)
    assert len(base64.b64decode(payload["shared_secret"])) == 32


def test_server_bugs_raise_instead_of_answering() -> None:
    """Misconfiguration and bad decisions raise (a 500), they are not the client's fault."""
    presence = b"socket_id=1.2&channel_name=presence-room"
    with pytest.raises(ConfigurationError, match="presence channel") as info:
        channel_auth_response(CONFIG, presence, FORM, lambda _: True)
    assert str(info.value).startswith("decide returned True")
    with pytest.raises(ConfigurationError, match="decide"):
        channel_auth_response(CONFIG, presence, FORM, lambda _: "yes")  # type: ignore[arg-type, return-value]
    with pytest.raises(ConfigurationError, match="user_id"):
        channel_auth_response(CONFIG, presence, FORM, lambda _: {"user_id": "a b"})
    plain = AppConfig(app_id="1", key="k", secret="s")
    encrypted = b"socket_id=1.2&channel_name=private-encrypted-room"
    with pytest.raises(ConfigurationError, match="encryption_master_key_base64"):
        channel_auth_response(plain, encrypted, FORM, lambda _: True)


PRESENCE = b"socket_id=1.2&channel_name=presence-room"
MEMBER_HINT = "return {'user_id': ..., 'user_info': {...}}"


@pytest.mark.parametrize(
    ("body", "decision", "message"),
    [
        (
            PRESENCE,
            True,
            (
                "decide returned True for presence channel 'presence-room': return the member "
                "{'user_id': ..., 'user_info': {...}} for presence channel 'presence-room' instead"
            ),
        ),
        (PRESENCE, {"user_info": {"name": "Ann"}}, f"needs? a user id.*{MEMBER_HINT}"),
        (PRESENCE, {"user_id": None}, f"needs? a user id.*{MEMBER_HINT}"),
        (PRESENCE, {"user_id": ""}, "unusable member for presence channel 'presence-room'"),
        (PRESENCE, {"user_id": 1.5}, "must be a str or an int"),
        (PRESENCE, {"user_id": "7", "user_info": {1j}}, f"unusable member.*{MEMBER_HINT}"),
        (
            PRESENCE,
            "yes",
            (
                "decide returned str for channel 'presence-room': return the member "
                f"{MEMBER_HINT[7:]} to allow, False or None to deny"
            ),
        ),
        (
            b"socket_id=1.2&channel_name=private-room",
            1,
            (
                "decide returned int for channel 'private-room': return True or the member "
                f"{MEMBER_HINT[7:]} to allow, False or None to deny"
            ),
        ),
        (b"socket_id=1.2&channel_name=private-room", [], "decide returned list"),
    ],
)
def test_each_decide_mistake_says_what_to_return(
    body: bytes, decision: object, message: str
) -> None:
    """Each of decide's mistakes is a ConfigurationError (the server's 500) naming the fix."""
    with pytest.raises(ConfigurationError, match=message) as info:
        channel_auth_response(CONFIG, body, FORM, lambda _: decision)  # type: ignore[arg-type, return-value]
    assert not isinstance(info.value, InvalidArgumentError)
    assert CONFIG.secret not in str(info.value)


def test_missing_master_key_is_the_servers_configuration() -> None:
    """An encrypted channel on an app without a master key: configure it (ConfigurationError)."""
    plain = AppConfig(app_id="1", key="k", secret="s")
    encrypted = b"socket_id=1.2&channel_name=private-encrypted-room"
    with pytest.raises(ConfigurationError) as info:
        channel_auth_response(plain, encrypted, FORM, lambda _: True)
    assert str(info.value) == (
        "the app cannot authorize 'private-encrypted-room': channel 'private-encrypted-room' "
        "is end-to-end encrypted: configure encryption_master_key_base64 (32 random bytes, "
        "base64)"
    )


def test_what_decide_raises_passes_through() -> None:
    """The app's own exceptions are not rewrapped."""

    class BoomError(Exception):
        pass

    def decide(_: object) -> bool:
        raise BoomError

    with pytest.raises(BoomError):
        channel_auth_response(CONFIG, PRESENCE, FORM, decide)
    with pytest.raises(BoomError):
        user_auth_response(CONFIG, b"socket_id=1.2", FORM, decide)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("user_data", "message"),
    [
        ({"name": "no id"}, "has no 'id'"),
        ({"id": ""}, "unusable user_data"),
        ({"id": 42}, "user_data\\['id'\\]"),
        ({"id": "7", "watchlist": "8"}, "watchlist"),
        ("42", "decide returned str: return the signed-in user's user_data"),
        (True, "decide returned bool"),
    ],
)
def test_each_user_decide_mistake_says_what_to_return(user_data: object, message: str) -> None:
    """user_data without a valid id (or not a mapping) is the server's bug: ConfigurationError."""
    with pytest.raises(ConfigurationError, match=message) as info:
        user_auth_response(CONFIG, b"socket_id=1.2", FORM, lambda _: user_data)  # type: ignore[arg-type, return-value]
    assert "{'id': '<user id>', 'user_info': {...}}" in str(info.value)
    assert "or None to deny" in str(info.value)


# --- user_auth_response -------------------------------------------------------------


def test_user_auth_response() -> None:
    """Signed in: 200 with the UserAuth JSON; None: 403; bad request: 400."""
    user = {"id": "12345"}
    response = user_auth_response(CONFIG, b"socket_id=1234.1234", FORM, lambda _: user)
    assert response.status == 200
    assert (
        response.body
        == authenticate_user(CONFIG, socket_id="1234.1234", user_data=user).to_json().encode()
    )
    assert _json_body(response)["user_data"] == '{"id":"12345"}'
    assert user_auth_response(CONFIG, b"socket_id=1.2", FORM, lambda _: None).status == 403
    bad = user_auth_response(CONFIG, b"socket_id=x", FORM, lambda _: user)
    assert (bad.status, _json_body(bad)["field"]) == (400, "socket_id")
    with pytest.raises(ConfigurationError, match="id"):
        user_auth_response(CONFIG, b"socket_id=1.2", FORM, lambda _: {"name": "no id"})


# --- the documented three-line wiring -------------------------------------------------


class _FakeFlaskRequest:
    def __init__(self, body: bytes, content_type: str) -> None:
        self._body = body
        self.content_type = content_type

    def get_data(self) -> bytes:
        return self._body


def test_three_line_framework_wiring() -> None:
    """The module docstring's Flask wiring returns what Flask expects: (body, status, headers)."""
    request = _FakeFlaskRequest(PUSHER_JS_BODY, FORM)

    def decide(req: ChannelAuthRequest) -> bool:
        return req.channel_name == "private-foobar"

    def pusher_auth() -> tuple[bytes, int, list[tuple[str, str]]]:
        r = channel_auth_response(CONFIG, request.get_data(), request.content_type, decide)
        return r.body, r.status, list(r.headers)

    body, status, headers = pusher_auth()
    assert status == 200
    assert ("Content-Type", "application/json") in headers
    assert json.loads(body)["auth"].startswith("278d425bdf160c739803:58df8b0c")


def test_response_repr_hides_the_body() -> None:
    """A logged response never shows a shared_secret."""
    body = b"socket_id=1.2&channel_name=private-encrypted-room"
    response = channel_auth_response(CONFIG, body, FORM, lambda _: True)
    assert "shared_secret" not in repr(response)
    assert "status=200" in repr(response)
