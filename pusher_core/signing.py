"""Request signing (Pusher HTTP API auth_version 1.0) and its server-side verification.

Rules (Pusher HTTP API reference, "Generating authentication signatures"):
- The query carries `auth_key`, `auth_timestamp` (Unix seconds), `auth_version=1.0`
  and, only when the body is non-empty, `body_md5` (hex MD5 of the exact bytes).
- The string to sign is METHOD, the path and the query joined by newlines. The
  query part uses lowercased keys, sorted, with raw (not percent-encoded) values.
- `auth_signature` is the hex HMAC-SHA256 of that string under the app secret.
- The wire form percent-encodes values; servers decode before re-signing.
- The timestamp is an argument: this module never reads a clock.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

import attrs

from pusher_core._version import __version__
from pusher_core.errors import (
    ConfigurationError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    shown,
)
from pusher_core.transport import HttpRequest, encode_query, is_unreserved, received_body

if TYPE_CHECKING:
    from pusher_core.config import AppConfig

__all__ = [
    "AUTH_VERSION",
    "DEFAULT_SKEW_SECONDS",
    "LIBRARY_HEADER",
    "RejectedRequest",
    "RequestRejectReason",
    "RequestVerdict",
    "Signer",
    "ValidRequest",
    "app_path",
    "check_secrets",
    "check_timestamp",
    "sign_request",
    "string_to_sign",
    "verify_request",
]

AUTH_VERSION = "1.0"
DEFAULT_SKEW_SECONDS = 600
LIBRARY_HEADER = ("X-Pusher-Library", f"pusher-core {__version__}")
_JSON_HEADERS: tuple[tuple[str, str], ...] = (LIBRARY_HEADER, ("Content-Type", "application/json"))
_BARE_HEADERS: tuple[tuple[str, str], ...] = (LIBRARY_HEADER,)
_RESERVED = frozenset(("auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"))
_SHA256_BLOCK = 64  # bytes: HMAC pads the key to the hash's block size
_IPAD = bytes(byte ^ 0x36 for byte in range(256))  # RFC 2104's inner and outer pads,
_OPAD = bytes(byte ^ 0x5C for byte in range(256))  # as translation tables
# Far beyond any clock (year 10**11); keeps `str()` of the timestamp cheap and total.
_MAX_TIMESTAMP = 2**63 - 1


class Signer:
    """Hex HMAC-SHA256 under one secret: the one HMAC of pusher-core.

    HMAC (RFC 2104) is two keyed hashes: `H(k ^ opad || H(k ^ ipad || message))`.
    The two keyed SHA-256 states are built once, here, and copied per message, so
    a signature costs two hash copies and three C calls on `hashlib` objects.
    `hmac.new(...).copy()` computes the same value in 1.6 to 2.1 times the time on
    CPython 3.10 to 3.13: its copy, update and hexdigest are Python methods around
    OpenSSL's HMAC context, whose copy alone costs more than both hash copies.
    Requests, channel and user auth, and webhooks all sign through a `Signer`.
    It holds the secret's keyed states, so it never prints them.
    """

    __slots__ = ("_inner", "_outer", "_secret")

    def __init__(self, secret: str) -> None:
        self._secret = secret  # for pickling only: hash states do not pickle
        key = secret.encode("utf-8", "surrogatepass")
        if len(key) > _SHA256_BLOCK:
            key = hashlib.sha256(key).digest()  # a longer key is hashed first
        key = key.ljust(_SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_IPAD))
        self._outer = hashlib.sha256(key.translate(_OPAD))

    def __reduce__(self) -> tuple[type[Signer], tuple[str]]:
        return Signer, (self._secret,)

    def __repr__(self) -> str:
        return "<Signer (HMAC-SHA256, secret hidden)>"

    def sign(self, message: str, argument: str = "message") -> str:
        """Hex HMAC-SHA256 of `message` as UTF-8.

        Raises:
            InvalidArgumentError: `message` holds a lone surrogate; the error names
                `argument`, where the text came from.
        """
        try:
            data = message.encode()
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                argument, "contains a lone surrogate, which cannot be sent as UTF-8; fix the text"
            ) from None
        return self.sign_bytes(data)

    def sign_bytes(self, data: bytes) -> str:
        """Hex HMAC-SHA256 of raw bytes (a webhook body, exactly as received)."""
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def verify_bytes(self, data: bytes, signature: str) -> bool:
        """Whether `signature` is the hex HMAC of `data`, compared in constant time."""
        expected = self.sign_bytes(data)
        if signature.isascii():  # what compare_digest takes as str
            return hmac.compare_digest(expected, signature)
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass"))


def check_secrets(secrets: object, argument: str = "secrets") -> Mapping[str, str]:
    """A key -> secret mapping whose keys and secrets are non-empty strings.

    An empty secret would make `HMAC(b"", ...)` signatures valid: exactly what
    an unset environment variable produces, so it is refused, not ignored.
    """
    if not isinstance(secrets, Mapping):
        raise InvalidArgumentTypeError(argument, "must be a mapping of app key to secret")
    for key, secret in secrets.items():
        if not isinstance(key, str) or not key:
            raise ConfigurationError(f"{argument}: every app key must be a non-empty string")
        if not isinstance(secret, str) or not secret:
            # Never echo the value: only the key it belongs to.
            raise ConfigurationError(
                f"{argument}: the secret of key {key!r} must be a non-empty string "
                f"(got {type(secret).__name__}{' of length 0' if secret == '' else ''}); "
                "is an environment variable unset?"
            )
    return secrets


def app_path(config: AppConfig, *segments: str) -> str:
    """`/apps/{app_id}/seg/...` with each segment percent-encoded as servers sign it.

    Channel-name characters stay literal except `#`, which becomes `%23`.
    """
    encoded = "/".join([_path_segment(segment) for segment in segments])
    return f"/apps/{config.app_id}/{encoded}"


_PATH_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~=@,;")


def _path_segment(segment: str) -> str:
    # Characters `quote` keeps as they are (most channel names) need no call.
    if _PATH_SAFE.issuperset(segment):
        return segment
    return quote(segment, safe="=@,;")


def _query_text(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join([f"{k}={v}" for k, v in pairs])


def _signed_text(method: str, path: str, query_text: str) -> str:
    # METHOD, path and the raw query, one per line (auth_version 1.0).
    return f"{method}\n{path}\n{query_text}"


def string_to_sign(method: str, path: str, params: Iterable[tuple[str, str]]) -> str:
    """The auth_version 1.0 string to sign: METHOD, path and sorted raw query, by newlines.

    Keys are lower-cased and sorted; values are raw (not percent-encoded);
    `auth_signature` itself is left out.
    """
    pairs = sorted([(k.lower(), v) for k, v in params])
    return _signed_text(
        method.upper(), path, _query_text([(k, v) for k, v in pairs if k != "auth_signature"])
    )


def _check_params(params: object) -> list[tuple[str, str]]:
    """The caller's query params as lower-cased `(key, text)` pairs, each checked."""
    if not isinstance(params, Mapping):
        raise InvalidArgumentTypeError("params", f"must be a mapping, got {type(params).__name__}")
    seen: set[str] = set()
    pairs = []
    for key, value in params.items():
        if not isinstance(key, str) or not isinstance(value, (str, int)) or isinstance(value, bool):
            raise InvalidArgumentTypeError(
                "params", f"keys must be str and values str or int; got {shown(key)}={shown(value)}"
            )
        lower = key.lower()
        text = value if isinstance(value, str) else _int_text(value, "params")
        if not (lower + text).isascii():
            try:
                (lower + text).encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidArgumentError(
                    "params", f"{key!r} holds text that is not valid Unicode (a lone surrogate)"
                ) from None
        if lower in _RESERVED:
            raise InvalidArgumentError("params", f"{key!r} is set by the signer; remove it")
        if lower in seen:
            raise InvalidArgumentError("params", f"{key!r} is given twice (keys are case-blind)")
        seen.add(lower)
        pairs.append((lower, text))
    return pairs


def _int_text(value: int, argument: str) -> str:
    try:
        return str(value)
    except ValueError:  # more digits than Python will print
        raise InvalidArgumentError(argument, "holds an integer far too large to send") from None


def check_timestamp(timestamp: object) -> int:
    """Refuse a timestamp that is not an int of Unix seconds (e.g. a float clock reading)."""
    if type(timestamp) is not int:
        raise InvalidArgumentTypeError("timestamp", "must be an int of Unix seconds")
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise InvalidArgumentError("timestamp", "must be Unix seconds, from 0 to 2**63 - 1")
    return timestamp


def sign_request(
    config: AppConfig,
    *,
    method: str,
    path: str,
    timestamp: int,
    params: Mapping[str, object] | None = None,
    body: bytes = b"",
) -> HttpRequest:
    """Build a signed request for `path` (already percent-encoded) on the app's host.

    Every request pusher-core sends is signed here.

    Args:
        config: the app.
        method: `GET` or `POST`.
        path: the full path, `/apps/{app_id}/...`, percent-encoded as it goes on the wire.
        timestamp: Unix seconds; servers accept about +/-600 s of skew.
        params: extra query parameters (signed raw, encoded on the wire).
        body: the exact body bytes (JSON for POST).
    """
    try:
        signer = config.signer  # (an AppConfig: `config` imports this module, not back)
    except AttributeError:
        raise InvalidArgumentTypeError(
            "config", f"must be an AppConfig, got {type(config).__name__}"
        ) from None
    if type(method) is not str or type(path) is not str or type(body) is not bytes:
        method, path, body = _request_parts(method, path, body)
    method = method.upper()
    checked = _check_params(params) if params is not None else ()
    pairs = list(checked)
    pairs.append(("auth_key", config.key))
    pairs.append(("auth_timestamp", str(check_timestamp(timestamp))))
    pairs.append(("auth_version", AUTH_VERSION))
    if body:
        pairs.append(("body_md5", hashlib.md5(body, usedforsecurity=False).hexdigest()))
    # The pairs are lower-cased (the checked params and the fixed names), so sorting
    # them gives `string_to_sign`'s query, whose raw text is reused for the wire.
    # The fixed names alone are appended in sorted order already.
    if checked:
        pairs.sort()
    text = _query_text(pairs)
    try:
        signature = signer.sign(_signed_text(method, path, text), "path")
    except InvalidArgumentError:  # params and the key are checked: the method or the path
        raise _lone_surrogate(method) from None
    query = (*pairs, ("auth_signature", signature))
    # The wire query is the signed text itself when nothing in it needs escaping:
    # timestamp, version, digests and names are unreserved by construction, so only
    # the key and the caller's params can hold a reserved character.
    wire = (
        f"{text}&auth_signature={signature}"
        if _plain_key(config.key) and (not checked or all(is_unreserved(k + v) for k, v in checked))
        else encode_query(query)
    )
    return HttpRequest._signed(  # noqa: SLF001  # the signer's trusted constructor
        method,
        config.scheme,
        config.host,
        config.effective_port,
        path,
        query,
        _JSON_HEADERS if body else _BARE_HEADERS,
        body,
        f"{path}?{wire}",
    )


@functools.lru_cache(maxsize=1024)  # one answer per app key; bounded for multi-app servers
def _plain_key(key: str) -> bool:
    """Whether the app key goes on the wire as it is (so the signed query text is the wire's)."""
    return is_unreserved(key)


def _request_parts(method: object, path: object, body: object) -> tuple[str, str, bytes]:
    """`sign_request`'s method, path and body as str, str and bytes, or the error naming one."""
    for argument, value in (("method", method), ("path", path)):
        if not isinstance(value, str):
            raise InvalidArgumentTypeError(argument, f"must be a str, got {type(value).__name__}")
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise InvalidArgumentTypeError("body", f"must be bytes, got {type(body).__name__}")
    return str(method), str(path), bytes(body)


def _lone_surrogate(method: str) -> InvalidArgumentError:
    """The error for a method or path that cannot be UTF-8, naming the one that is not."""
    try:
        method.encode("utf-8")
    except UnicodeEncodeError:
        argument = "method"
    else:
        argument = "path"
    return InvalidArgumentError(
        argument, "holds a lone surrogate, which cannot be sent as UTF-8; fix the text"
    )


# --- the server side of the same algorithm ---------------------------------------


class RequestRejectReason(enum.Enum):
    """Why a received request's signature was not accepted."""

    MISSING_AUTH_PARAMS = "missing_auth_params"
    UNSUPPORTED_AUTH_VERSION = "unsupported_auth_version"
    UNKNOWN_KEY = "unknown_key"
    BAD_TIMESTAMP = "bad_timestamp"
    STALE = "stale"
    BODY_MD5_MISSING = "body_md5_missing"
    BODY_MD5_MISMATCH = "body_md5_mismatch"
    BAD_SIGNATURE = "bad_signature"


@attrs.frozen(kw_only=True)
class ValidRequest:
    """The request was signed by `key`'s secret within the allowed skew."""

    key: str
    timestamp: int

    @property
    def ok(self) -> bool:
        """Always True: lets callers branch without `isinstance`."""
        return True


@attrs.frozen(kw_only=True)
class RejectedRequest:
    """The request must not be served; `reason` says why."""

    reason: RequestRejectReason

    @property
    def ok(self) -> bool:
        """Always False."""
        return False


RequestVerdict = ValidRequest | RejectedRequest


def _content_rejected(
    method: str, path: str, params: dict[str, str], body: bytes, secret: str, signature: str
) -> RequestRejectReason | None:
    """Why the body or the signature does not match, or None when both do."""
    md5 = params.get("body_md5")
    if body and md5 is None:
        return RequestRejectReason.BODY_MD5_MISSING
    if md5 is not None and not hmac.compare_digest(
        md5.encode("utf-8", "surrogatepass"),
        hashlib.md5(body, usedforsecurity=False).hexdigest().encode(),
    ):
        return RequestRejectReason.BODY_MD5_MISMATCH
    try:
        expected = Signer(secret).sign(string_to_sign(method, path, params.items()))
    except InvalidArgumentError:  # a lone surrogate: nothing anyone signed
        return RequestRejectReason.BAD_SIGNATURE
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass")):
        return RequestRejectReason.BAD_SIGNATURE
    return None


def verify_request(
    *,
    method: str,
    path: str,
    query: str | Iterable[tuple[str, str]],
    body: bytes,
    secrets: Mapping[str, str],
    now: float,
    skew_seconds: float = DEFAULT_SKEW_SECONDS,
) -> RequestVerdict:
    """Check a received request's signature, as a Channels server does.

    Args:
        method: the HTTP method received.
        path: the path exactly as received (still percent-encoded).
        query: the raw query string, or already decoded pairs.
        body: the raw body bytes.
        secrets: app key -> secret for every key that may sign.
        now: the current Unix time in seconds.
        skew_seconds: the accepted clock difference (Pusher uses 600 s).

    Returns:
        `ValidRequest`, or `RejectedRequest` with the reason. Never raises on
        hostile input: any query (a str, bytes, or pairs; what is not a pair of
        strings is ignored) and any body bytes get a verdict.

    Raises:
        ConfigurationError: a secret (or key) in `secrets` is empty or not a string.
        InvalidArgumentTypeError: only for the caller's own arguments of the wrong
            type: `secrets`, `now` or `skew_seconds` (finite numbers), a method or
            path that is not a str, or a body that is not bytes or str.
    """
    check_secrets(secrets)
    raw = _received_body(method, path, body, now, skew_seconds)
    if raw is None:  # a str that no client can have sent as bytes
        return RejectedRequest(reason=RequestRejectReason.BODY_MD5_MISMATCH)
    body = raw
    params = _received_params(query)
    try:
        key = params["auth_key"]
        stamp = params["auth_timestamp"]
        signature = params["auth_signature"]
        version = params["auth_version"]
    except KeyError:
        return RejectedRequest(reason=RequestRejectReason.MISSING_AUTH_PARAMS)
    if version != AUTH_VERSION:
        return RejectedRequest(reason=RequestRejectReason.UNSUPPORTED_AUTH_VERSION)
    secret = secrets.get(key)
    if secret is None:
        return RejectedRequest(reason=RequestRejectReason.UNKNOWN_KEY)
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 20:  # noqa: PLR2004
        return RejectedRequest(reason=RequestRejectReason.BAD_TIMESTAMP)
    if abs(now - int(stamp)) > skew_seconds:
        return RejectedRequest(reason=RequestRejectReason.STALE)
    reason = _content_rejected(method, path, params, body, secret, signature)
    if reason is not None:
        return RejectedRequest(reason=reason)
    return ValidRequest(key=key, timestamp=int(stamp))


def _received_body(
    method: object, path: object, body: object, now: object, skew_seconds: object
) -> bytes | None:
    """`verify_request`'s body as bytes (None: a str no client sent), once its arguments check.

    The caller's own arguments of the wrong type raise: the method and path must
    be str, the body bytes-like or str, the clock finite numbers.
    """
    if not isinstance(method, str) or not isinstance(path, str):
        _request_parts(method, path, b"")  # raises, naming the one that is not a str
    for argument, value in (("now", now), ("skew_seconds", skew_seconds)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidArgumentTypeError(argument, "must be a number of seconds")
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidArgumentTypeError(argument, "must be finite")
    if skew_seconds < 0:  # type: ignore[operator]  # a number, checked above
        raise InvalidArgumentError("skew_seconds", "must not be negative")
    return received_body(body)


def _received_params(query: object) -> dict[str, str]:
    """The received query's parameters by lower-cased name, the first value of each kept.

    A str is the raw query; bytes are too (UTF-8; undecodable bytes cannot match
    a signature). Of given pairs, only pairs of strings count; anything else is
    no query at all.
    """
    if isinstance(query, (bytes, bytearray, memoryview)):
        query = bytes(query).decode("utf-8", "surrogateescape")
    if isinstance(query, str):
        pairs = parse_qsl(query, keep_blank_values=True)
    elif isinstance(query, Iterable):
        pairs = [
            (pair[0], pair[1])
            for pair in query
            if isinstance(pair, (tuple, list))
            and len(pair) == 2  # noqa: PLR2004
            and isinstance(pair[0], str)
            and isinstance(pair[1], str)
        ]
    else:
        pairs = []
    params: dict[str, str] = {}
    for k, v in pairs:
        params.setdefault(k.lower(), v)
    return params
