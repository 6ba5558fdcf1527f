"""App configuration: who we are (id, key, secret), where the API is, and the limits.

Rules:
- `AppConfig` is frozen. The secret and the encryption master key never appear in
  `repr`, `str` or any error message.
- Named constructors parse reality (`from_options`, `from_url`, `from_env`);
  `__init__` only checks types and shapes. Nothing here reads the environment:
  `from_env` takes the mapping as an argument.
- Limits are values, so dedicated clusters and self-hosted servers can raise them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypedDict
from urllib.parse import unquote, urlsplit

import attrs

from pusher_core.encryption import MASTER_KEY_BYTES
from pusher_core.errors import ConfigurationError, InvalidArgumentTypeError, shown
from pusher_core.signing import Signer

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DEFAULT_CLUSTER",
    "AppConfig",
    "AppOptions",
    "Limits",
    "check_config",
    "parse_master_key",
]

DEFAULT_CLUSTER = "mt1"
_APP_ID = re.compile(r"\A[0-9]+\Z")
_CLUSTER = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")
_HOST = re.compile(r"\A[A-Za-z0-9.\-]+\Z|\A\[[0-9A-Fa-f:.]+\]\Z")
_URL_SHAPE = "http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID"


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 1:
        raise ConfigurationError(
            f"limit {attribute.name} must be a positive int, got {shown(value)}"
        )


@attrs.frozen(kw_only=True)
class Limits:
    """Protocol limits checked before a request is built.

    Defaults are the multi-tenant Pusher cluster's documented limits. Raise them
    for dedicated clusters or self-hosted servers (soketi allows 100 KB payloads).
    """

    max_channels_per_trigger: int = attrs.field(default=100, validator=_positive)
    max_batch_size: int = attrs.field(default=10, validator=_positive)
    max_event_name_length: int = attrs.field(default=200, validator=_positive)
    max_payload_bytes: int = attrs.field(default=10 * 1024, validator=_positive)
    max_channel_name_length: int = attrs.field(default=164, validator=_positive)
    max_user_id_length: int = attrs.field(default=200, validator=_positive)
    max_watchlist_size: int = attrs.field(default=100, validator=_positive)


def _check_str(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{name} must be a non-empty string, got {type(value).__name__}")


def _check_app_id(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _APP_ID.match(value):
        raise ConfigurationError(
            f"app_id must be the app's numeric id, e.g. '123456'; got {shown(value)}"
        )


def _check_key(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_str("key", value)
    if isinstance(value, str) and (":" in value or not value.isprintable()):
        raise ConfigurationError("key must be printable and must not contain ':'")


def _check_secret(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    # Never echo the value: only its type.
    _check_str("secret", value)


def _check_host(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _HOST.match(value):
        raise ConfigurationError(
            f"host must be a bare host name or IP, without scheme, port or path; got {shown(value)}"
        )


def _check_port(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (type(value) is not int or not 0 < value < 65536):  # noqa: PLR2004
        raise ConfigurationError(f"port must be an int in 1..65535 or None, got {shown(value)}")


def _check_master_key(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, bytes) or len(value) != MASTER_KEY_BYTES):
        raise ConfigurationError("encryption_master_key must be exactly 32 bytes")


def _check_codec(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    base = json.JSONEncoder if attribute.name == "json_encoder" else json.JSONDecoder
    if value is not None and not (isinstance(value, type) and issubclass(value, base)):
        raise ConfigurationError(f"{attribute.name} must be a subclass of {base.__name__} or None")


def _check_scheme(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in ("http", "https"):
        raise ConfigurationError(f"scheme must be 'http' or 'https', got {shown(value)}")


def _check_limits(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Limits):
        raise ConfigurationError(
            f"limits must be a pusher_core.Limits value, got {type(value).__name__}"
        )


class AppOptions(TypedDict, total=False):
    """The `pusher.Pusher` constructor's options besides id, key and secret, plus `limits`.

    `AppConfig.from_url` and `AppConfig.from_env` take them on top of what the URL
    or the environment says, and the given option wins (as in the reference).
    """

    ssl: bool
    host: str | None
    port: int | None
    cluster: str | None
    encryption_master_key: str | bytes | None
    encryption_master_key_base64: str | bytes | None
    json_encoder: type[json.JSONEncoder] | None
    json_decoder: type[json.JSONDecoder] | None
    limits: Limits | None


@attrs.frozen(kw_only=True)
class AppConfig:
    """Everything pure builders need to know about one Channels app.

    Build it with `AppConfig.from_options` (the reference's arguments),
    `from_url` or `from_env`; the fields are the parsed result.
    """

    app_id: str = attrs.field(validator=_check_app_id)
    key: str = attrs.field(validator=_check_key)
    secret: str = attrs.field(repr=False, validator=_check_secret)
    scheme: Literal["http", "https"] = attrs.field(default="https", validator=_check_scheme)
    host: str = attrs.field(default=f"api-{DEFAULT_CLUSTER}.pusher.com", validator=_check_host)
    port: int | None = attrs.field(default=None, validator=_check_port)
    encryption_master_key: bytes | None = attrs.field(
        default=None, repr=False, validator=_check_master_key
    )
    json_encoder: type[json.JSONEncoder] | None = attrs.field(default=None, validator=_check_codec)
    json_decoder: type[json.JSONDecoder] | None = attrs.field(default=None, validator=_check_codec)
    limits: Limits = attrs.field(factory=Limits, validator=_check_limits)

    # Derived once, after the fields are checked (so the class needs no `__getattr__`,
    # which would slow every attribute read on the hot paths).
    effective_port: int = attrs.field(init=False, eq=False, repr=False)
    """The port requests go to: the configured one, else the scheme's default."""
    base_url: str = attrs.field(init=False, eq=False, repr=False)
    """`scheme://host[:port]`, with the port only when it is not the default."""
    signer: Signer = attrs.field(init=False, eq=False, repr=False)
    """The app secret's HMAC, keyed once: what signs every request, auth and webhook."""

    def __attrs_post_init__(self) -> None:
        default = 443 if self.scheme == "https" else 80
        port = default if self.port is None else self.port
        suffix = "" if port == default else f":{port}"
        object.__setattr__(self, "effective_port", port)
        object.__setattr__(self, "base_url", f"{self.scheme}://{self.host}{suffix}")
        object.__setattr__(self, "signer", Signer(self.secret))

    @classmethod
    def from_options(
        cls,
        app_id: str | int,
        key: str,
        secret: str,
        ssl: bool = True,
        host: str | None = None,
        port: int | None = None,
        cluster: str | None = None,
        encryption_master_key: str | bytes | None = None,
        encryption_master_key_base64: str | bytes | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        json_decoder: type[json.JSONDecoder] | None = None,
        *,
        limits: Limits | None = None,
    ) -> AppConfig:
        """Build a config from the `pusher.Pusher` constructor's arguments.

        `host` wins over `cluster`; with neither, the host is `api-mt1.pusher.com`.
        """
        if isinstance(app_id, int) and not isinstance(app_id, bool):
            with contextlib.suppress(ValueError):  # over 4,300 digits: the field refuses it
                app_id = str(app_id)
        if not isinstance(ssl, bool):
            raise ConfigurationError(f"ssl must be True or False, got {type(ssl).__name__}")
        if host is None:
            if cluster is None:
                cluster = DEFAULT_CLUSTER
            if not isinstance(cluster, str) or not _CLUSTER.match(cluster):
                raise ConfigurationError(
                    f"cluster must look like 'mt1' or 'eu', got {shown(cluster)}"
                )
            host = f"api-{cluster}.pusher.com"
        elif cluster is not None:
            warnings.warn(
                "both host and cluster were given: host wins and cluster is ignored",
                UserWarning,
                stacklevel=2,
            )
        return cls(
            app_id=app_id,  # type: ignore[arg-type]  # validated as digits by the field
            key=key,
            secret=secret,
            scheme="https" if ssl else "http",
            host=host,
            port=port,
            encryption_master_key=parse_master_key(
                encryption_master_key, encryption_master_key_base64
            ),
            json_encoder=json_encoder,
            json_decoder=json_decoder,
            limits=limits if limits is not None else Limits(),
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        ssl: bool | None = None,
        host: str | None = None,
        port: int | None = None,
        cluster: str | None = None,
        encryption_master_key: str | bytes | None = None,
        encryption_master_key_base64: str | bytes | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        json_decoder: type[json.JSONDecoder] | None = None,
        limits: Limits | None = None,
    ) -> AppConfig:
        """Parse `http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID[/]`, then apply the options.

        The options are `from_options`' and win over the URL, as in the reference's
        `Pusher.from_url(url, **options)`: `ssl=` over the scheme, `port=` over the
        URL's port, `host=` over its host. `cluster=` loses to the URL's host (with
        a warning, as in `from_options`). Unlike the reference, the URL's port is
        honoured and a trailing slash is accepted. Errors describe the expected
        shape and never echo the URL, which holds the secret.
        """
        if not isinstance(url, str):
            raise ConfigurationError(f"the URL must be a string of the form {_URL_SHAPE}")
        try:
            parts = urlsplit(url.strip())
            url_port = parts.port
        except ValueError:
            raise ConfigurationError(
                f"the URL could not be parsed; expected {_URL_SHAPE}"
            ) from None
        match = re.fullmatch(r"/apps/([0-9]+)/?", parts.path)
        problems = [
            what
            for what, bad in (
                ("the scheme must be http or https", parts.scheme not in ("http", "https")),
                ("KEY:SECRET@ is missing", not parts.username or not parts.password),
                ("the host is missing", not parts.hostname),
                ("the path must be /apps/APP_ID", match is None),
                (
                    "query strings and fragments are not allowed",
                    bool(parts.query or parts.fragment),
                ),
            )
            if bad
        ]
        if problems or match is None or parts.hostname is None:
            raise ConfigurationError(
                f"invalid Pusher URL ({'; '.join(problems)}); expected {_URL_SHAPE}"
            )
        url_host = parts.hostname
        if ":" in url_host:  # IPv6 literal
            url_host = f"[{url_host}]"
        return cls.from_options(
            match.group(1),
            unquote(parts.username or ""),
            unquote(parts.password or ""),
            ssl=parts.scheme == "https" if ssl is None else ssl,
            host=url_host if host is None else host,
            port=url_port if port is None else port,
            cluster=cluster,
            encryption_master_key=encryption_master_key,
            encryption_master_key_base64=encryption_master_key_base64,
            json_encoder=json_encoder,
            json_decoder=json_decoder,
            limits=limits,
        )

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        name: str | None = None,
        **options: Unpack[AppOptions],
    ) -> AppConfig:
        """Read `PUSHER_URL`, or `PUSHER_APP_ID`/`_KEY`/`_SECRET`/`_CLUSTER`, from `environ`.

        `PUSHER_ENCRYPTION_MASTER_KEY_BASE64` is read too. With `name` (the
        reference's `env`), only the URL in that variable is read. `options` are
        `from_url`'s and win over the environment (`cluster=` or `host=` over
        `PUSHER_APP_CLUSTER`, a master key option over the variable). The caller
        passes the mapping (usually the process environment), so this stays pure.
        """
        if not isinstance(environ, Mapping):
            raise InvalidArgumentTypeError(
                "environ",
                "must be a mapping of variable names to values (the process environment), "
                f"got {type(environ).__name__}",
            )
        if name is not None:
            url = environ.get(name) if isinstance(name, str) else None
            if not url:
                raise ConfigurationError(f"environment variable {shown(name)} is not set")
            return cls.from_url(url, **options)
        given = dict(options)
        if "encryption_master_key" not in given and "encryption_master_key_base64" not in given:
            given["encryption_master_key_base64"] = (
                environ.get("PUSHER_ENCRYPTION_MASTER_KEY_BASE64") or None
            )
        url = environ.get("PUSHER_URL")
        if url:
            return cls.from_url(url, **given)  # type: ignore[arg-type]  # AppOptions' keys
        names = ("PUSHER_APP_ID", "PUSHER_APP_KEY", "PUSHER_APP_SECRET")
        missing = [name for name in names if not environ.get(name)]
        if missing:
            raise ConfigurationError(
                f"set PUSHER_URL, or all of {', '.join(names)} (missing: {', '.join(missing)})"
            )
        if given.get("host") is None and given.get("cluster") is None:
            given["cluster"] = environ.get("PUSHER_APP_CLUSTER") or None
        return cls.from_options(
            environ["PUSHER_APP_ID"],
            environ["PUSHER_APP_KEY"],
            environ["PUSHER_APP_SECRET"],
            **given,  # type: ignore[arg-type]  # AppOptions' keys
        )


def parse_master_key(raw: str | bytes | None, base64_key: str | bytes | None) -> bytes | None:
    """Turn the configured encryption master key into its 32 bytes.

    `base64_key` is the supported form. `raw` is the deprecated 32-character form
    and raises a `DeprecationWarning`. Errors never show the key.
    """
    if raw is not None and base64_key is not None:
        raise ConfigurationError(
            "give only encryption_master_key_base64 (encryption_master_key is deprecated)"
        )
    if base64_key is not None:
        if not isinstance(base64_key, (str, bytes)):
            raise ConfigurationError("encryption_master_key_base64 must be a base64 string")
        try:
            key = base64.b64decode(base64_key, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigurationError(
                "encryption_master_key_base64 is not valid base64; generate one with "
                "`openssl rand -base64 32`"
            ) from None
        if len(key) != MASTER_KEY_BYTES:
            raise ConfigurationError(
                f"encryption_master_key_base64 must decode to 32 bytes, got {len(key)}; "
                "generate one with `openssl rand -base64 32`"
            )
        return key
    if raw is not None:
        warnings.warn(
            "encryption_master_key is deprecated: pass encryption_master_key_base64 instead",
            DeprecationWarning,
            stacklevel=3,
        )
        try:
            given: object = raw.encode("utf-8") if isinstance(raw, str) else raw
        except UnicodeEncodeError:  # a lone surrogate: not 32 bytes of anything
            given = None
        if not isinstance(given, bytes) or len(given) != MASTER_KEY_BYTES:
            raise ConfigurationError(
                "encryption_master_key must be 32 characters; prefer "
                "encryption_master_key_base64 (`openssl rand -base64 32`)"
            )
        return given
    return None


def check_config(config: object) -> None:
    """Refuse a `config` that is not an `AppConfig` (such as None, or the options dict)."""
    if type(config) is not AppConfig and not isinstance(config, AppConfig):
        raise InvalidArgumentTypeError(
            "config",
            "must be an AppConfig (AppConfig.from_options/from_url/from_env), "
            f"got {type(config).__name__}",
        )
