"""The app's auth endpoints: parse what pusher-js posts, answer what it expects.

pusher-js posts `socket_id` and `channel_name` (channel authorization, default
`/pusher/auth`) or `socket_id` (user authentication, default `/pusher/user-auth`)
as `application/x-www-form-urlencoded`, plus any custom `params`; custom
transports may post JSON. It reads a `200` JSON body and treats any other status
as a failed authorization.

Wiring an endpoint in any framework takes three lines (Flask shown)::

    @app.post("/pusher/auth")
    def pusher_auth():
        r = channel_auth_response(config, request.get_data(), request.content_type, decide)
        return r.body, r.status, r.headers_dict

where `decide(request: ChannelAuthRequest)` returns `False`/`None` (deny: 403),
`True` (allow a private or encrypted channel) or the member mapping
`{"user_id": ..., "user_info": {...}}` (allow; required on presence channels,
ignored on the others). `user_auth_response` is the same with
`decide(request: UserAuthRequest)` returning the `user_data` mapping or `None`.

Rules:
- Parsers are pure, and any bytes give either a request value or an
  `AuthRequestError` (an `InvalidArgumentError`) naming the field and carrying
  the HTTP status to answer with (400 bad field, 413 too large, 415 unsupported
  content type); nothing else escapes.
- Whose error is whose. The client's request: the response helpers answer it
  themselves (400 bad field, 403 denied, 413 too large, 415 unsupported content
  type, each as JSON). The server's own code or config: a `decide` answer that
  cannot be used (True for a presence channel, a member without a valid
  `user_id`, user_data without a valid `id`, a value of the wrong type) or a
  config that cannot serve the channel (an encrypted channel without a master
  key) raises `ConfigurationError` saying what to return or configure instead;
  let it become your 500. What `decide` itself raises passes through untouched.
- Public and `#server-to-user-` channels are rejected while parsing (400), so
  `decide` only ever sees channels that need authorization.
- `socket_id` and `channel_name` given twice in a form are rejected rather than
  guessed; other params keep their first value.
- pusher-js's `jsonp` transport (a GET with a callback) is not served: answering
  it means executing JavaScript in the page, which a JSON endpoint should not do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias
from urllib.parse import parse_qsl

import attrs

from pusher_core import _json
from pusher_core.auth import authenticate_user, authorize_channel
from pusher_core.channels import (
    ChannelKind,
    channel_kind,
    validate_channel,
    validate_socket_id,
)
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import ConfigurationError, InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.transport import received_body

__all__ = [
    "MAX_BODY_BYTES",
    "AuthRequestError",
    "AuthResponse",
    "ChannelAuthRequest",
    "ChannelDecision",
    "UserAuthRequest",
    "channel_auth_response",
    "parse_channel_auth_request",
    "parse_user_auth_request",
    "user_auth_response",
]

MAX_BODY_BYTES = 64 * 1024
"""Auth request bodies are a few hundred bytes; anything past this is refused (413)."""

_MAX_FIELDS = 100
_FORM = "application/x-www-form-urlencoded"
_JSON_HEADERS = (
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
)


class AuthRequestError(InvalidArgumentError):
    """A request to an auth endpoint is unusable.

    `argument` names the field (`socket_id`, `channel_name`, `body`,
    `content_type`); `status` is the HTTP status to answer with.
    """

    def __init__(self, argument: str, message: str, status: int = 400) -> None:
        super().__init__(argument, message)
        self.args = (argument, message, status)
        self.status = status


def _freeze(params: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(params))


@attrs.frozen(kw_only=True)
class ChannelAuthRequest:
    """A parsed channel authorization request.

    Attributes:
        socket_id: the connection asking, already validated.
        channel_name: a channel that needs authorization, already validated.
        params: every other field posted (pusher-js `params`), read-only.
    """

    socket_id: str
    channel_name: str
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_freeze, hash=False)

    @property
    def kind(self) -> ChannelKind:
        """Private, private-encrypted or presence."""
        return channel_kind(self.channel_name)


@attrs.frozen(kw_only=True)
class UserAuthRequest:
    """A parsed user authentication (sign-in) request."""

    socket_id: str
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_freeze, hash=False)


@attrs.frozen(kw_only=True)
class AuthResponse:
    """What the endpoint answers: status, headers and the exact body bytes.

    `headers` are (name, value) pairs; `headers_dict` is the same as a fresh
    dict, which every framework's response takes as it is (Flask, Django,
    Starlette/FastAPI), so no framework needs its own conversion.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = attrs.field(repr=False)  # may carry a shared_secret

    @property
    def headers_dict(self) -> dict[str, str]:
        """The headers as a new dict (names are distinct), for a framework's response."""
        return dict(self.headers)


ChannelDecision: TypeAlias = bool | Mapping[str, Any] | None
"""`decide`'s answer: deny (`False`/`None`), allow (`True`), or allow as this presence member."""


def _body_bytes(body: object) -> bytes:
    raw = received_body(body)
    if raw is None:
        raise AuthRequestError("body", "is not valid text")
    return raw


def _media_type(content_type: str | None, body: bytes) -> tuple[str, str]:
    """The body's format (`form` or `json`) and charset, from the Content-Type."""
    if isinstance(content_type, (bytes, bytearray)):
        content_type = bytes(content_type).decode("latin-1")  # how HTTP carries header bytes
    elif content_type is not None and not isinstance(content_type, str):
        raise InvalidArgumentTypeError(
            "content_type",
            f"must be the header's str or bytes, or None; got {type(content_type).__name__}",
        )
    if content_type is None or not content_type.strip():
        # No header: sniff. pusher-js always sends one, other clients may not.
        return ("json" if body.lstrip()[:1] == b"{" else "form"), "utf-8"
    media, _, rest = content_type.partition(";")
    media = media.strip().lower()
    charset = "utf-8"
    for parameter in rest.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or "utf-8"
    try:
        "".encode(charset)  # a text encoding Python knows (base64, zlib and rot13 are not)
    except (LookupError, ValueError):  # ValueError: a name with NUL or a lone surrogate
        raise AuthRequestError(
            "content_type", f"charset {charset[:40]!r} is not supported; send UTF-8", 415
        ) from None
    if media == _FORM:
        return "form", charset
    if media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        return "json", charset
    raise AuthRequestError(
        "content_type",
        f"{media[:80]!r} is not supported: send {_FORM} (pusher-js's default) or application/json",
        415,
    )


def _fields(body: object, content_type: str | None) -> dict[str, list[Any]]:
    """Every field of the body, by name, with all its values in order."""
    raw = _body_bytes(body)
    if len(raw) > MAX_BODY_BYTES:
        raise AuthRequestError(
            "body", f"is {len(raw)} bytes; auth requests are limited to {MAX_BODY_BYTES}", 413
        )
    kind, charset = _media_type(content_type, raw)
    fields: dict[str, list[Any]] = {}
    if kind == "form":
        try:
            pairs = parse_qsl(
                raw.decode(charset),
                keep_blank_values=True,
                encoding=charset,
                errors="strict",
                max_num_fields=_MAX_FIELDS,
            )
        except UnicodeError:
            raise AuthRequestError("body", f"is not valid {charset} text") from None
        except ValueError:  # more fields than max_num_fields
            raise AuthRequestError("body", f"has more than {_MAX_FIELDS} fields", 413) from None
        for name, value in pairs:
            fields.setdefault(name, []).append(value)
        return fields
    try:
        parsed = _json.loads(raw.decode(charset))
    except ValueError:
        raise AuthRequestError("body", "is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise AuthRequestError("body", 'must be a JSON object such as {"socket_id": ...}')
    return {name: [value] for name, value in parsed.items()}


def _single(fields: dict[str, list[Any]], name: str) -> object:
    values = fields.pop(name, None)
    if not values or values[0] in ("", None):
        raise AuthRequestError(name, "is missing")
    if len(values) > 1:
        raise AuthRequestError(name, "is given twice or more")
    return values[0]


def _socket_id(fields: dict[str, list[Any]]) -> str:
    value = _single(fields, "socket_id")
    try:
        return validate_socket_id(value)
    except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
        raise AuthRequestError("socket_id", exc.message) from None


def _params(fields: dict[str, list[Any]]) -> dict[str, Any]:
    return {name: values[0] for name, values in fields.items()}


def parse_channel_auth_request(
    body: bytes, content_type: str | None, *, limits: Limits | None = None
) -> ChannelAuthRequest:
    """Parse a channel authorization request body (form-urlencoded or JSON).

    Args:
        body: the raw request body.
        content_type: the `Content-Type` header, parameters included (str, or bytes
            as ASGI gives it); None to sniff.
        limits: channel-name limits (the app's `config.limits`); defaults apply if None.

    Raises:
        AuthRequestError: naming the missing or invalid field, with the status to answer.
    """
    if limits is not None and not isinstance(limits, Limits):
        raise InvalidArgumentTypeError(
            "limits", f"must be the app's config.limits or None, got {type(limits).__name__}"
        )
    fields = _fields(body, content_type)
    socket_id = _socket_id(fields)
    channel = _single(fields, "channel_name")
    try:
        name = validate_channel(channel, limits or Limits(), "channel_name")
    except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
        raise AuthRequestError("channel_name", exc.message) from None
    if not channel_kind(name).needs_auth:
        raise AuthRequestError(
            "channel_name",
            f"{name!r} needs no authorization: only private-, private-encrypted- and "
            "presence- channels are authorized",
        )
    return ChannelAuthRequest(socket_id=socket_id, channel_name=name, params=_params(fields))


def parse_user_auth_request(body: bytes, content_type: str | None) -> UserAuthRequest:
    """Parse a user authentication request body (form-urlencoded or JSON).

    Raises:
        AuthRequestError: naming the missing or invalid field, with the status to answer.
    """
    fields = _fields(body, content_type)
    socket_id = _socket_id(fields)
    return UserAuthRequest(socket_id=socket_id, params=_params(fields))


def _json_response(status: int, payload: Mapping[str, Any]) -> AuthResponse:
    body = _json.dumps(payload).encode("utf-8", "replace")  # messages quote input with repr()
    return AuthResponse(status=status, headers=_JSON_HEADERS, body=body)


def _rejected(exc: AuthRequestError) -> AuthResponse:
    return _json_response(exc.status, {"error": str(exc), "field": exc.argument})


_FORBIDDEN = _json_response(403, {"error": "forbidden"})


def _check_decide(decide: object) -> None:
    if not callable(decide):
        raise InvalidArgumentTypeError(
            "decide", f"must be a function of the parsed request, got {type(decide).__name__}"
        )


_MEMBER = "{'user_id': ..., 'user_info': {...}}"
_USER_DATA = "{'id': '<user id>', 'user_info': {...}}"


def channel_auth_response(
    config: AppConfig,
    body: bytes,
    content_type: str | None,
    decide: Callable[[ChannelAuthRequest], ChannelDecision],
) -> AuthResponse:
    """Answer a channel authorization request in one call.

    Args:
        config: the app whose secret signs.
        body: the raw request body.
        content_type: the request's `Content-Type` header (None to sniff).
        decide: the app's decision for the parsed request: `False`/`None` denies
            (403), `True` allows, a mapping `{"user_id": ..., "user_info": ...}`
            allows and, on presence channels, names the member.

    Returns:
        The client's outcomes, as responses: 200 with the `ChannelAuth` JSON, 403
        when denied, 400/413/415 with `{"error": ..., "field": ...}` when the
        request is unusable.

    Raises:
        ConfigurationError: the server's bugs, for a 500: `decide` allowed a
            presence channel without naming the member, returned an invalid
            member or a value of another type, or the app cannot serve the
            channel (an encrypted channel without a master key). The message
            says what to return or configure instead.
    """
    _check_decide(decide)
    try:
        request = parse_channel_auth_request(body, content_type, limits=config.limits)
    except AuthRequestError as exc:
        return _rejected(exc)
    decision = decide(request)
    if decision is None or decision is False:
        return _FORBIDDEN
    name = request.channel_name
    presence = request.kind is ChannelKind.PRESENCE
    if decision is not True and not isinstance(decision, Mapping):
        allow = f"the member {_MEMBER}" if presence else f"True or the member {_MEMBER}"
        raise ConfigurationError(
            f"decide returned {type(decision).__name__} for channel {name!r}: return "
            f"{allow} to allow, False or None to deny"
        )
    if presence and decision is True:
        raise ConfigurationError(
            f"decide returned True for presence channel {name!r}: return the member "
            f"{_MEMBER} for presence channel {name!r} instead"
        )
    try:
        result = authorize_channel(
            config,
            channel=name,
            socket_id=request.socket_id,
            custom_data=decision if presence else None,  # type: ignore[arg-type]  # a Mapping
        )
    except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
        # The request was validated while parsing: what is left is decide's or the config's.
        if presence:
            raise ConfigurationError(
                f"decide returned an unusable member for presence channel {name!r} ({exc}): "
                f"return {_MEMBER} with a non-empty string (or int) user_id and JSON user_info"
            ) from exc
        raise ConfigurationError(f"the app cannot authorize {name!r}: {exc.message}") from exc
    return AuthResponse(status=200, headers=_JSON_HEADERS, body=result.to_json().encode("utf-8"))


def user_auth_response(
    config: AppConfig,
    body: bytes,
    content_type: str | None,
    decide: Callable[[UserAuthRequest], Mapping[str, Any] | None],
) -> AuthResponse:
    """Answer a user authentication (sign-in) request in one call.

    Args:
        config: the app whose secret signs.
        body: the raw request body.
        content_type: the request's `Content-Type` header (None to sniff).
        decide: returns the signed-in user's `user_data` mapping (a non-empty
            string `id`, optional `user_info` and `watchlist`), or `None` to deny.

    Returns:
        The client's outcomes, as responses: 200 with the `UserAuth` JSON, 403
        when denied, 400/413/415 with `{"error": ..., "field": ...}` when the
        request is unusable.

    Raises:
        ConfigurationError: the server's bug, for a 500: `decide` returned
            user_data without a valid `id` (or with an invalid watchlist), or a
            value that is not a mapping. The message says what to return instead.
    """
    _check_decide(decide)
    try:
        request = parse_user_auth_request(body, content_type)
    except AuthRequestError as exc:
        return _rejected(exc)
    user_data = decide(request)
    if user_data is None:
        return _FORBIDDEN
    if not isinstance(user_data, Mapping):
        raise ConfigurationError(
            f"decide returned {type(user_data).__name__}: return the signed-in user's "
            f"user_data {_USER_DATA}, or None to deny"
        )
    try:
        result = authenticate_user(config, socket_id=request.socket_id, user_data=user_data)
    except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
        raise ConfigurationError(
            f"decide returned unusable user_data ({exc}): return {_USER_DATA} with a "
            "non-empty string id, or None to deny"
        ) from exc
    return AuthResponse(status=200, headers=_JSON_HEADERS, body=result.to_json().encode("utf-8"))
