"""Drop-in behaviour checked against the reference `pusher` 3.3.4 itself."""

from __future__ import annotations

import base64
import json
import os
import warnings
from typing import Any
from unittest import mock

import pusher as reference
import pytest

from pusher_core import Pusher
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import ConfigurationError, InvalidArgumentError

MASTER = base64.b64encode(b"M" * 32).decode()


class Encoder(json.JSONEncoder):
    pass


class Decoder(json.JSONDecoder):
    pass


def _reference_fields(client: Any) -> tuple[object, ...]:
    inner = client._pusher_client
    return (
        inner.app_id,
        inner.key,
        inner.secret,
        inner.host,
        inner.port,
        inner.ssl,
        inner._encryption_master_key,
        inner.timeout,
        inner._json_encoder,
        inner._json_decoder,
    )


def _our_fields(client: Pusher) -> tuple[object, ...]:
    config = client.config
    return (
        client.app_id,
        client.key,
        client.secret,
        client.host,
        client.port,
        client.ssl,
        config.encryption_master_key,
        client.timeout,
        config.json_encoder,
        config.json_decoder,
    )


# URLs without a port: the reference folds a URL's port into the host (a bug we
# do not copy; test_config.test_from_url covers ports).
OPTION_TABLE: list[tuple[str, dict[str, Any]]] = [
    ("https://key:secret@api-eu.pusher.com/apps/1", {}),
    ("http://key:secret@127.0.0.1/apps/42", {}),
    ("http://key:secret@h.example/apps/1", {"ssl": True}),
    ("https://key:secret@h.example/apps/1", {"ssl": False}),
    ("http://key:secret@h.example/apps/1", {"port": 6001}),
    ("https://key:secret@h.example/apps/1", {"ssl": False, "port": 8080}),
    ("https://key:secret@h.example/apps/1", {"host": "other.example"}),
    ("https://key:secret@h.example/apps/1", {"timeout": 12}),
    ("https://key:secret@h.example/apps/1", {"timeout": 0.5}),
    ("https://key:secret@h.example/apps/1", {"encryption_master_key_base64": MASTER}),
    ("https://key:secret@h.example/apps/1", {"json_encoder": Encoder, "json_decoder": Decoder}),
    (
        "http://key:secret@h.example/apps/7",
        {"ssl": True, "port": 4443, "timeout": 3, "encryption_master_key_base64": MASTER},
    ),
]


@pytest.mark.parametrize(("url", "options"), OPTION_TABLE)
def test_from_url_options_match_the_reference(url: str, options: dict[str, Any]) -> None:
    """Each option applies over the URL exactly as in `pusher.Pusher.from_url(url, **options)`."""
    ours = Pusher.from_url(url, **options)
    assert _our_fields(ours) == _reference_fields(reference.Pusher.from_url(url, **options))


@pytest.mark.parametrize(("url", "options"), OPTION_TABLE)
def test_from_env_options_match_the_reference(url: str, options: dict[str, Any]) -> None:
    """`from_env(env=NAME, **options)` reads NAME and applies the options like the reference."""
    with mock.patch.dict(os.environ, {"MY_APP_URL": url}):
        theirs = reference.Pusher.from_env(env="MY_APP_URL", **options)
        by_keyword = Pusher.from_env(env="MY_APP_URL", **options)
        by_position = Pusher.from_env("MY_APP_URL", **options)
    assert _our_fields(by_keyword) == _our_fields(by_position) == _reference_fields(theirs)


def test_cluster_with_a_url_host_is_ignored_like_the_reference_but_warns() -> None:
    """The URL names the host, so `cluster=` changes nothing; we warn instead of staying silent."""
    url = "https://key:secret@h.example/apps/1"
    with pytest.warns(UserWarning, match="cluster is ignored"):
        ours = Pusher.from_url(url, cluster="eu")
    assert _our_fields(ours) == _reference_fields(reference.Pusher.from_url(url, cluster="eu"))


def test_deprecated_raw_master_key_matches_the_reference() -> None:
    """The deprecated 32-character key is accepted (with a warning) and gives the same bytes."""
    url = "https://key:secret@h.example/apps/1"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.Pusher.from_url(url, encryption_master_key="K" * 32)
    with pytest.warns(DeprecationWarning, match="encryption_master_key_base64"):
        ours = Pusher.from_url(url, encryption_master_key="K" * 32)
    assert _our_fields(ours) == _reference_fields(theirs)


def test_url_port_is_honoured_and_port_option_wins() -> None:
    """Where the reference breaks (it keeps ':6001' in the host), the URL's port is used;
    an explicit `port=` still wins, as every option does."""
    url = "http://key:secret@127.0.0.1:6001/apps/1"
    assert (reference.Pusher.from_url(url)._pusher_client.host, Pusher.from_url(url).host) == (
        "127.0.0.1:6001",
        "127.0.0.1",
    )
    assert Pusher.from_url(url).port == 6001
    assert Pusher.from_url(url, port=7000).port == 7000
    assert Pusher.from_url(url, ssl=True).port == 6001  # the URL's port stays with ssl=True


def test_from_url_keeps_the_typed_options() -> None:
    """The client's own options (transport, limits, retry, ...) still pass through."""
    transport = mock.Mock()
    limits = Limits(max_payload_bytes=100 * 1024)
    client = Pusher.from_url(
        "http://key:secret@127.0.0.1:6001/apps/1",
        transport=transport,
        limits=limits,
        timeout=9,
        total_timeout=30,
        idempotency_keys=True,
    )
    assert client.transport is transport
    assert client.config.limits == limits
    assert client.timeout == 9


@pytest.mark.parametrize("method", ["from_url", "from_env"])
def test_unknown_keyword_is_a_type_error_naming_it(method: str) -> None:
    """A misspelt option is not silently dropped: TypeError names it and lists the accepted ones."""
    with (
        mock.patch.dict(os.environ, {"PUSHER_URL": "http://key:secret@h/apps/1"}),
        pytest.raises(TypeError, match=r"'clustr'.*cluster, encryption_master_key"),
    ):
        getattr(Pusher, method)(
            "http://key:secret@h/apps/1" if method == "from_url" else None, clustr="eu"
        )


@pytest.mark.parametrize("method", ["from_url", "from_env"])
def test_backend_is_refused_with_the_replacement(method: str) -> None:
    """The reference's `backend=` has no equivalent: the error says to pass `transport=`."""
    with (
        mock.patch.dict(os.environ, {"PUSHER_URL": "http://key:secret@h/apps/1"}),
        pytest.raises(ConfigurationError, match="transport="),
    ):
        getattr(Pusher, method)(
            "http://key:secret@h/apps/1" if method == "from_url" else None, backend=object
        )


def test_bad_option_values_are_configuration_errors() -> None:
    """Option values are checked by the same validators as the constructor's."""
    url = "http://key:secret@h/apps/1"
    with pytest.raises(ConfigurationError, match="ssl must be True or False"):
        Pusher.from_url(url, ssl="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="port must be"):
        Pusher.from_url(url, port=0)
    with pytest.raises(ConfigurationError, match="32 bytes"):
        Pusher.from_url(url, encryption_master_key_base64=base64.b64encode(b"short").decode())


def test_from_env_master_key_option() -> None:
    """`from_env(encryption_master_key_base64=...)` works, and wins over the variable."""
    other = base64.b64encode(b"O" * 32).decode()
    environ = {
        "PUSHER_URL": "http://key:secret@h/apps/1",
        "PUSHER_ENCRYPTION_MASTER_KEY_BASE64": other,
    }
    with mock.patch.dict(os.environ, {"PUSHER_URL": "http://key:secret@h/apps/1"}):
        assert (
            Pusher.from_env(encryption_master_key_base64=MASTER).config.encryption_master_key
            == b"M" * 32
        )
    assert Pusher.from_env(environ).config.encryption_master_key == b"O" * 32
    assert (
        Pusher.from_env(
            environ=environ, encryption_master_key_base64=MASTER
        ).config.encryption_master_key
        == b"M" * 32
    )
    with pytest.warns(DeprecationWarning, match="deprecated"):
        raw = Pusher.from_env(environ, encryption_master_key="R" * 32)
    assert raw.config.encryption_master_key == b"R" * 32


def test_from_env_options_over_the_split_variables() -> None:
    """With PUSHER_APP_* variables, `cluster=`, `host=`, `ssl=`, `port=` win over the variables."""
    environ = {
        "PUSHER_APP_ID": "5",
        "PUSHER_APP_KEY": "key",
        "PUSHER_APP_SECRET": "secret",
        "PUSHER_APP_CLUSTER": "us2",
    }
    assert Pusher.from_env(environ).host == "api-us2.pusher.com"
    assert Pusher.from_env(environ, cluster="eu").host == "api-eu.pusher.com"
    local = Pusher.from_env(environ, host="127.0.0.1", port=6001, ssl=False)
    assert (local.host, local.port, local.ssl) == ("127.0.0.1", 6001, False)


def test_from_env_name_reads_the_given_mapping() -> None:
    """`env=NAME` with `environ=` reads NAME from that mapping (handy in tests)."""
    client = Pusher.from_env(env="MY_URL", environ={"MY_URL": "http://key:secret@h:1/apps/3"})
    assert (client.app_id, client.port) == ("3", 1)
    with pytest.raises(ConfigurationError, match="'MY_URL' is not set"):
        Pusher.from_env(env="MY_URL", environ={"PUSHER_URL": "http://key:secret@h/apps/3"})


def test_from_env_mapping_given_twice_is_refused() -> None:
    """A mapping positionally and `environ=` together is ambiguous."""
    environ = {"PUSHER_URL": "http://key:secret@h/apps/3"}
    with pytest.raises(InvalidArgumentError, match="not both"):
        Pusher.from_env(environ, environ=environ)


def test_app_config_from_url_options_go_through_from_options() -> None:
    """`AppConfig.from_url(url, **options)` equals `from_options` with the URL's parts applied."""
    assert AppConfig.from_url(
        "http://key:secret@h/apps/1", ssl=True, port=6001, limits=None
    ) == AppConfig.from_options("1", "key", "secret", True, "h", 6001)


def test_authenticate_on_a_public_channel_raises_where_the_reference_signs() -> None:
    """The reference signs an auth nobody needs (public channels take no auth); we refuse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.Pusher("1", "key", "secret").authenticate("my-channel", "1.2")
    assert set(theirs) == {"auth"}
    with pytest.raises(InvalidArgumentError, match="'my-channel' is a public channel"):
        Pusher("1", "key", "secret").authenticate("my-channel", "1.2")


def test_network_errors_are_builtin_connection_errors_not_requests_ones() -> None:
    """A refused connection: the reference raises requests' error, we a TransportError that is a
    ConnectionError (so `except requests.exceptions.RequestException` no longer catches it)."""
    import socket

    import requests

    from pusher_core.errors import TransportError
    from pusher_core.retry import RetryPolicy

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: connections are refused
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.Pusher("1", "key", "secret", ssl=False, host="127.0.0.1", port=port)
        with pytest.raises(requests.exceptions.RequestException):
            theirs.trigger("c", "e", {})
    ours = Pusher(
        "1", "key", "secret", ssl=False, host="127.0.0.1", port=port, retry=RetryPolicy.none()
    )
    with pytest.raises(TransportError) as info:
        ours.trigger("c", "e", {})
    assert isinstance(info.value, ConnectionError)
    assert not isinstance(info.value, requests.exceptions.RequestException)
