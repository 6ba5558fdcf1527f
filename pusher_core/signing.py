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
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

import attrs

from pusher_core._version import __version__
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.transport import HttpRequest, encode_query, signed_http_request

if TYPE_CHECKING:
    from pusher_core.config import AppConfig

__all__ = [
    "AUTH_VERSION",
    "DEFAULT_SKEW_SECONDS",
    "LIBRARY_HEADER",
    "RejectedRequest",
    "RequestRejectReason",
    "RequestVerdict",
    "ValidRequest",
    "app_path",
    "check_timestamp",
    "hmac_sha256_hex",
    "sign_request",
    "signed_query",
    "string_to_sign",
    "verify_request",
]

AUTH_VERSION = "1.0"
DEFAULT_SKEW_SECONDS = 600
LIBRARY_HEADER = ("X-Pusher-Library", f"pusher-core {__version__}")
_JSON_HEADERS: tuple[tuple[str, str], ...] = (LIBRARY_HEADER, ("Content-Type", "application/json"))
_BARE_HEADERS: tuple[tuple[str, str], ...] = (LIBRARY_HEADER,)
_RESERVED = frozenset(("auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"))


def app_path(config: AppConfig, *segments: str) -> str:
    """`/apps/{app_id}/seg/...` with each segment percent-encoded as servers sign it.

    Channel-name characters stay literal except `#`, which becomes `%23`.
    """
    encoded = "/".join([_path_segment(segment) for segment in segments])
    return f"/apps/{config.app_id}/{encoded}"


_PATH_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~=@,;")


def _path_segment(segment: str) -> str:
    # Fast path: characters `quote` keeps as they are (most channel names).
    if _PATH_SAFE.issuperset(segment):
        return segment
    return quote(segment, safe="=@,;")


def hmac_sha256_hex(secret: str, message: str) -> str:
    """Hex HMAC-SHA256 of `message` under `secret` (both UTF-8)."""
    return hmac.new(
        secret.encode("utf-8", "surrogatepass"),
        message.encode("utf-8", "surrogatepass"),
        hashlib.sha256,
    ).hexdigest()


def string_to_sign(method: str, path: str, params: Iterable[tuple[str, str]]) -> str:
    """The auth_version 1.0 string to sign; `auth_signature` itself is left out."""
    items = sorted((k.lower(), v) for k, v in params if k.lower() != "auth_signature")
    return f"{method.upper()}\n{path}\n" + "&".join(f"{k}={v}" for k, v in items)


def signed_query(
    config: AppConfig,
    *,
    method: str,
    path: str,
    params: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    timestamp: int,
) -> tuple[tuple[str, str], ...]:
    """The full query of a signed request, in wire order, `auth_signature` last."""
    pairs = [(k.lower(), v) for k, v in params]
    pairs.append(("auth_key", config.key))
    pairs.append(("auth_timestamp", str(timestamp)))
    pairs.append(("auth_version", AUTH_VERSION))
    if body:
        pairs.append(("body_md5", hashlib.md5(body, usedforsecurity=False).hexdigest()))
    pairs.sort()
    pairs.append(("auth_signature", config.sign(string_to_sign(method, path, pairs))))
    return tuple(pairs)


def _check_params(params: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    if params is None:
        return ()
    if not isinstance(params, Mapping):
        raise InvalidArgumentTypeError("params", f"must be a mapping, got {type(params).__name__}")
    seen: set[str] = set()
    pairs = []
    for key, value in params.items():
        if not isinstance(key, str) or not isinstance(value, (str, int)) or isinstance(value, bool):
            raise InvalidArgumentTypeError(
                "params", f"keys must be str and values str or int; got {key!r}={value!r}"
            )
        lower = key.lower()
        text = str(value)
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
    return tuple(pairs)


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

    Args:
        config: the app.
        method: `GET` or `POST`.
        path: the full path, `/apps/{app_id}/...`, percent-encoded as it goes on the wire.
        timestamp: Unix seconds; servers accept about +/-600 s of skew.
        params: extra query parameters (signed raw, encoded on the wire).
        body: the exact body bytes (JSON for POST).
    """
    check_timestamp(timestamp)
    return signed_request(config, method.upper(), path, _check_params(params), body, timestamp)


def check_timestamp(timestamp: object) -> None:
    """Refuse a timestamp that is not an int of Unix seconds (e.g. a raw `time.time()`)."""
    if type(timestamp) is not int:
        raise InvalidArgumentTypeError("timestamp", "must be an int of Unix seconds")


def signed_request(
    config: AppConfig,
    method: str,
    path: str,
    params: tuple[tuple[str, str], ...],
    body: bytes,
    timestamp: int,
) -> HttpRequest:
    """`sign_request` for callers whose arguments are already checked (the builders).

    `method` is upper case, `params` holds checked, lower-cased pairs (usually
    none), `body` is bytes and `timestamp` an int. The result is identical to the
    general path's; without params the query is assembled in its fixed sorted
    order (`auth_key` < `auth_timestamp` < `auth_version` < `body_md5`) and the
    wire target alongside it, instead of sorting and re-encoding.
    """
    if params:
        general = signed_query(
            config, method=method, path=path, params=params, body=body, timestamp=timestamp
        )
        return signed_http_request(
            method,
            config.scheme,
            config.host,
            config.effective_port,
            path,
            general,
            _JSON_HEADERS if body else _BARE_HEADERS,
            body,
            f"{path}?{encode_query(general)}",
            config.base_url,
        )
    scheme, host, port, origin, signed_prefix, wire_prefix = config._request_parts  # noqa: SLF001
    stamp = str(timestamp)
    tail = f"{stamp}&auth_version={AUTH_VERSION}"
    query = [("auth_key", config.key), ("auth_timestamp", stamp), ("auth_version", AUTH_VERSION)]
    if body:
        md5 = hashlib.md5(body, usedforsecurity=False).hexdigest()
        tail += f"&body_md5={md5}"
        query.append(("body_md5", md5))
    signature = config.sign(f"{method}\n{path}\n{signed_prefix}{tail}")
    query.append(("auth_signature", signature))
    return signed_http_request(
        method,
        scheme,
        host,
        port,
        path,
        tuple(query),
        _JSON_HEADERS if body else _BARE_HEADERS,
        body,
        f"{path}?{wire_prefix}{tail}&auth_signature={signature}",
        origin,
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
        hostile input.
    """
    pairs = parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else list(query)
    params: dict[str, str] = {}
    for k, v in pairs:
        params.setdefault(k.lower(), v)
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
    md5 = params.get("body_md5")
    if body and md5 is None:
        return RejectedRequest(reason=RequestRejectReason.BODY_MD5_MISSING)
    if md5 is not None and not hmac.compare_digest(
        md5.encode("utf-8", "surrogatepass"),
        hashlib.md5(body, usedforsecurity=False).hexdigest().encode(),
    ):
        return RejectedRequest(reason=RequestRejectReason.BODY_MD5_MISMATCH)
    expected = hmac_sha256_hex(secret, string_to_sign(method, path, params.items()))
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass")):
        return RejectedRequest(reason=RequestRejectReason.BAD_SIGNATURE)
    return ValidRequest(key=key, timestamp=int(stamp))
