"""AppConfig: constructors, URL and environment parsing, limits, and secret hygiene."""

from __future__ import annotations

import base64
import json
import pickle

import pytest

from pusher_core.config import AppConfig, Limits, parse_master_key
from pusher_core.errors import ConfigurationError

SECRET = "s3cr3t-VALUE-never-shown"
MASTER_B64 = base64.b64encode(b"M" * 32).decode()


def test_defaults() -> None:
    """TLS on, cluster mt1, documented limits."""
    config = AppConfig.from_options("123", "key", SECRET)
    assert config.scheme == "https"
    assert config.host == "api-mt1.pusher.com"
    assert config.effective_port == 443
    assert config.base_url == "https://api-mt1.pusher.com"
    assert config.limits == Limits()
    assert (config.limits.max_channels_per_trigger, config.limits.max_batch_size) == (100, 10)
    assert config.limits.max_payload_bytes == 10240
    assert config.limits.max_channel_name_length == 164
    assert config.limits.max_event_name_length == 200


def test_cluster_host_and_port() -> None:
    """A cluster maps to api-{cluster}.pusher.com; an explicit host wins and the port is kept."""
    assert AppConfig.from_options("1", "k", SECRET, cluster="eu").host == "api-eu.pusher.com"
    config = AppConfig.from_options(1, "k", SECRET, ssl=False, host="127.0.0.1", port=6001)
    assert config.app_id == "1"
    assert config.base_url == "http://127.0.0.1:6001"
    with pytest.warns(UserWarning, match="host wins"):
        assert AppConfig.from_options("1", "k", SECRET, host="h", cluster="eu").host == "h"


@pytest.mark.parametrize(
    ("url", "scheme", "host", "port", "app_id"),
    [
        ("http://key:secret@somehost/apps/4", "http", "somehost", 80, "4"),
        ("https://key:secret@somehost/apps/4", "https", "somehost", 443, "4"),
        ("http://key:secret@localhost:6001/apps/1", "http", "localhost", 6001, "1"),
        ("http://key:secret@localhost:6001/apps/1/", "http", "localhost", 6001, "1"),
        (
            "https://key:s%40c@api-eu.pusher.com:8443/apps/123/",
            "https",
            "api-eu.pusher.com",
            8443,
            "123",
        ),
        ("http://key:secret@[::1]:6001/apps/2", "http", "[::1]", 6001, "2"),
    ],
)
def test_from_url(url: str, scheme: str, host: str, port: int, app_id: str) -> None:
    """Ports and trailing slashes work (both broke the reference)."""
    config = AppConfig.from_url(url)
    assert (config.scheme, config.host, config.effective_port, config.app_id) == (
        scheme,
        host,
        port,
        app_id,
    )
    assert config.key == "key"


def test_from_url_unquotes_secret() -> None:
    """Percent-encoded credentials are decoded."""
    assert AppConfig.from_url("https://key:s%40c@h/apps/1").secret == "s@c"


@pytest.mark.parametrize(
    "url",
    [
        f"ftp://key:{SECRET}@host/apps/1",
        f"http://key:{SECRET}@host/apps/abc",
        f"http://key:{SECRET}@host/apps/",
        f"http://key:{SECRET}@host/v1/apps/1",
        f"http://{SECRET}@host/apps/1",
        f"http://key:{SECRET}@/apps/1",
        f"http://key:{SECRET}@host:99999/apps/1",
        f"http://key:{SECRET}@host/apps/1?x=1",
        f"http://key:{SECRET}@host:port/apps/1",
        "not a url",
        "",
    ],
)
def test_from_url_rejects_without_echoing_secret(url: str) -> None:
    """Bad URLs raise ConfigurationError describing the shape, never the secret."""
    with pytest.raises(ConfigurationError) as info:
        AppConfig.from_url(url)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)
    assert "/apps/APP_ID" in str(info.value)


def test_from_url_type() -> None:
    """A non-string URL is a configuration error."""
    with pytest.raises(ConfigurationError):
        AppConfig.from_url(42)  # type: ignore[arg-type]


def test_from_env() -> None:
    """PUSHER_URL wins; else the four PUSHER_APP_* variables; the master key is read too."""
    env = {
        "PUSHER_APP_ID": "42",
        "PUSHER_APP_KEY": "k",
        "PUSHER_APP_SECRET": SECRET,
        "PUSHER_APP_CLUSTER": "us2",
        "PUSHER_ENCRYPTION_MASTER_KEY_BASE64": MASTER_B64,
    }
    config = AppConfig.from_env(env)
    assert (config.app_id, config.key, config.host) == ("42", "k", "api-us2.pusher.com")
    assert config.encryption_master_key == b"M" * 32
    from_url = AppConfig.from_env({**env, "PUSHER_URL": "http://a:b@h:1/apps/7"})
    assert (from_url.app_id, from_url.key, from_url.port) == ("7", "a", 1)
    assert AppConfig.from_env({k: v for k, v in env.items() if k != "PUSHER_APP_CLUSTER"}).host == (
        "api-mt1.pusher.com"
    )


def test_from_env_missing() -> None:
    """Missing variables are listed by name."""
    with pytest.raises(ConfigurationError, match="PUSHER_APP_SECRET"):
        AppConfig.from_env({"PUSHER_APP_ID": "1", "PUSHER_APP_KEY": "k"})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"app_id": "abc"}, "app_id"),
        ({"app_id": ""}, "app_id"),
        ({"key": ""}, "key"),
        ({"key": "a:b"}, "key"),
        ({"secret": ""}, "secret"),
        ({"secret": 5}, "secret"),
        ({"host": "https://x"}, "host"),
        ({"host": "x:80"}, "host"),
        ({"port": 0}, "port"),
        ({"port": "80"}, "port"),
        ({"encryption_master_key": b"short"}, "32 bytes"),
        ({"json_encoder": dict}, "json_encoder"),
        ({"json_decoder": json.JSONEncoder}, "json_decoder"),
    ],
)
def test_bad_fields(kwargs: dict[str, object], match: str) -> None:
    """Each bad field is named."""
    base: dict[str, object] = {"app_id": "1", "key": "k", "secret": SECRET}
    with pytest.raises(ConfigurationError, match=match):
        AppConfig(**{**base, **kwargs})  # type: ignore[arg-type]


def test_bad_options() -> None:
    """The reference-style constructor checks ssl and cluster."""
    with pytest.raises(ConfigurationError, match="ssl"):
        AppConfig.from_options("1", "k", SECRET, ssl="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="cluster"):
        AppConfig.from_options("1", "k", SECRET, cluster="EU west")


def test_limits_are_settable_and_checked() -> None:
    """Self-hosted servers can raise limits; nonsense limits are refused."""
    limits = Limits(max_payload_bytes=100 * 1024, max_batch_size=50)
    assert AppConfig.from_options("1", "k", SECRET, limits=limits).limits.max_batch_size == 50
    with pytest.raises(ConfigurationError, match="max_batch_size"):
        Limits(max_batch_size=0)


def test_master_key_forms() -> None:
    """Base64 is the supported form; the raw 32-character form warns; bad keys never echo."""
    assert parse_master_key(None, MASTER_B64) == b"M" * 32
    assert parse_master_key(None, None) is None
    with pytest.warns(DeprecationWarning, match="encryption_master_key_base64"):
        assert parse_master_key("R" * 32, None) == b"R" * 32
    wrong_length = base64.b64encode(b"M" * 31).decode()
    for b64 in ("not base64!", wrong_length):
        with pytest.raises(ConfigurationError) as info:
            parse_master_key(None, b64)
        assert b64 not in str(info.value)
    with pytest.raises(ConfigurationError, match="only encryption_master_key_base64"):
        parse_master_key("R" * 32, MASTER_B64)
    with (
        pytest.raises(ConfigurationError) as info,
        pytest.warns(DeprecationWarning, match="deprecated"),
    ):
        parse_master_key("R" * 31, None)
    assert "R" * 31 not in str(info.value)


def test_secret_never_printed() -> None:
    """Neither the secret nor the master key appears in repr or str."""
    config = AppConfig.from_options("1", "k", SECRET, encryption_master_key_base64=MASTER_B64)
    for text in (repr(config), str(config)):
        assert SECRET not in text
        assert MASTER_B64 not in text
        assert "MMMM" not in text


def test_frozen_and_picklable() -> None:
    """Configs are immutable values that survive pickling."""
    config = AppConfig.from_options("1", "k", SECRET)
    with pytest.raises(AttributeError):
        config.secret = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(config)) == config
