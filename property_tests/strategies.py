"""Shared Hypothesis strategies for pusher-core's property tests."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from pusher_core.config import AppConfig, Limits

__all__ = [
    "CHANNEL_CHARS",
    "app_configs",
    "channel_names",
    "event_names",
    "json_values",
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
