"""Shared Hypothesis strategies for pusher-core's property tests."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from pusher_core.config import AppConfig, Limits

__all__ = [
    "CHANNEL_CHARS",
    "CHANNEL_PREFIXES",
    "NOISE",
    "app_configs",
    "channel_names",
    "event_names",
    "json_values",
    "keys",
    "near_channel_names",
    "near_event_names",
    "near_socket_ids",
    "near_user_ids",
    "odd_keys",
    "request_configs",
    "secrets_",
    "socket_ids",
    "text_params",
    "user_ids",
]

CHANNEL_CHARS = string.ascii_letters + string.digits + "-_=@,.;"

channel_names = st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=60)
user_ids = st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=40)
event_names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")), min_size=1, max_size=60
)
socket_ids = st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 10**12), st.integers(0, 10**12))
secrets_ = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40)
keys = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=30)
text_params = st.dictionaries(
    st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12).filter(
        lambda k: not k.startswith(("auth_", "body_md5"))
    ),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    max_size=5,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(codec="utf-8")),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=8), inner, max_size=4
        )
    ),
    max_leaves=12,
)


@st.composite
def app_configs(draw: st.DrawFn) -> AppConfig:
    """Arbitrary valid app configurations (no master key)."""
    return AppConfig(
        app_id=str(draw(st.integers(1, 10**9))),
        key=draw(keys),
        secret=draw(secrets_),
        scheme=draw(st.sampled_from(["http", "https"])),
        host=draw(st.sampled_from(["api-mt1.pusher.com", "127.0.0.1", "localhost"])),
        port=draw(st.none() | st.integers(1, 65535)),
        limits=Limits(max_payload_bytes=100 * 1024),
    )


# --- configs whose key needs percent-encoding on the wire ---------------------------

odd_keys = st.one_of(
    st.sampled_from(
        ["a&b", "k=v", "a b", "cl\u00e9", "\u043a\u043b\u044e\u0447", "50%", "a+b", "#k"]
    ),
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=20,
    ).filter(lambda k: ":" not in k and k.isprintable()),
)


@st.composite
def request_configs(draw: st.DrawFn) -> AppConfig:
    """Valid app configurations, often with a key that needs percent-encoding or an odd port."""
    return AppConfig(
        app_id=str(draw(st.integers(1, 10**9))),
        key=draw(keys | odd_keys),
        secret=draw(secrets_),
        scheme=draw(st.sampled_from(["http", "https"])),
        host=draw(st.sampled_from(["api-mt1.pusher.com", "127.0.0.1", "localhost", "[::1]"])),
        port=draw(st.none() | st.sampled_from([80, 443, 6001, 8080]) | st.integers(1, 65535)),
        limits=Limits(max_payload_bytes=100 * 1024),
    )


# --- nearly valid input: mostly right, often slightly off ----------------------------

# Characters that look like they could pass: whitespace, `#`, a trailing newline,
# NUL, e-acute, ARABIC-INDIC DIGIT THREE, FULLWIDTH DIGIT ONE, sharp s, dotted I,
# KELVIN SIGN and an emoji.
NOISE = CHANNEL_CHARS + " #:/%+*?\n\t\x00\u00e9\u0663\uff11\u00df\u0130\u212a\U0001f600"
CHANNEL_PREFIXES = (
    "",
    "",
    "private-",
    "private-cache-",
    "private-encrypted-",
    "presence-",
    "#server-to-user-",
    "#",
    "#server-to-user",
    "server-to-user-",
)
near_channel_names = st.builds(
    str.__add__,
    st.sampled_from(CHANNEL_PREFIXES),
    st.one_of(
        st.text(alphabet=CHANNEL_CHARS, max_size=12),
        st.text(alphabet=NOISE, max_size=12),
        # A valid name and a final newline: what `^...$` with `re.match` lets through.
        st.text(alphabet=CHANNEL_CHARS, min_size=1, max_size=8).map(lambda name: name + "\n"),
    ),
)
near_socket_ids = st.one_of(
    socket_ids,
    st.text(alphabet="0123456789.\u0663\uff11 \n-+_a", max_size=8),
    st.sampled_from(
        ["1.2\n", "\u0663.4", "1.", ".1", "1..2", "1.2.3", " 1.2", "\uff11.2", "+1.2", "1_0.2", ""]
    ),
    st.integers(0, 99),
)
near_event_names = st.one_of(
    event_names,
    st.text(max_size=14),
    st.sampled_from(["", "a\n", "\x00", " ", "x" * 12, "x" * 13, "\u00e9" * 12, "client-x"]),
)
near_user_ids = st.one_of(
    user_ids,
    st.text(alphabet=NOISE, max_size=12),
    st.integers(-(10**12), 10**12),
    st.sampled_from(["", "e:2", "x" * 10, "x" * 11, "a\n", "\u0663"]),
    st.booleans(),
)
