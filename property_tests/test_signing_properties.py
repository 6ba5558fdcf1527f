"""Properties of request signing: round-trip, tamper detection, order invariance."""

from __future__ import annotations

import hashlib
import hmac

import attrs
from hypothesis import assume, given, strategies as st

from property_tests.strategies import app_configs, secrets_, text_params
from pusher_core.config import AppConfig
from pusher_core.signing import Signer, sign_request, string_to_sign, verify_request
from pusher_core.transport import HttpRequest

paths = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.%", min_size=1, max_size=12),
    min_size=1,
    max_size=4,
).map(lambda parts: "/apps/1/" + "/".join(parts))
bodies = st.binary(max_size=200) | st.text(max_size=80).map(lambda t: t.encode("utf-8", "replace"))
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE"])
timestamps = st.integers(0, 2**40)


def _verify(request: HttpRequest, secrets: dict[str, str], now: float, *, wire: bool) -> bool:
    query: object = request.target.partition("?")[2] if wire else request.query
    return verify_request(
        method=request.method,
        path=request.path,
        query=query,  # type: ignore[arg-type]
        body=request.body,
        secrets=secrets,
        now=now,
    ).ok


@given(app_configs(), methods, paths, text_params, bodies, timestamps, st.booleans())
def test_sign_then_verify(
    config: AppConfig,
    method: str,
    path: str,
    params: dict[str, str],
    body: bytes,
    ts: int,
    wire: bool,
) -> None:
    """What we sign, a server verifies: from decoded pairs or from the percent-encoded wire."""
    request = sign_request(config, method=method, path=path, params=params, body=body, timestamp=ts)
    assert _verify(request, {config.key: config.secret}, ts, wire=wire)


@st.composite
def _tamper(draw: st.DrawFn, request: HttpRequest) -> HttpRequest:
    kind = draw(st.sampled_from(["method", "path", "query", "body"]))
    if kind == "method":
        other = draw(methods.filter(lambda m: m != request.method))
        return attrs.evolve(request, method=other)
    if kind == "path":
        return attrs.evolve(request, path=request.path + draw(st.sampled_from(["x", "/", "%20"])))
    if kind == "body":
        changed = draw(st.binary(max_size=40).filter(lambda b: b != request.body))
        return attrs.evolve(request, body=changed)
    pairs = list(request.query)
    candidates = [i for i, (k, _) in enumerate(pairs) if k != "auth_key"]
    index = draw(st.sampled_from(candidates))
    key, value = pairs[index]
    new = draw(st.text(max_size=10).filter(lambda v: v != value))
    pairs[index] = (key, new)
    return attrs.evolve(request, query=tuple(pairs))


@given(app_configs(), methods, paths, text_params, bodies, timestamps, st.data())
def test_any_single_change_is_rejected(
    config: AppConfig,
    method: str,
    path: str,
    params: dict[str, str],
    body: bytes,
    ts: int,
    data: st.DataObject,
) -> None:
    """Changing the method, path, one query value or the body breaks verification."""
    request = sign_request(config, method=method, path=path, params=params, body=body, timestamp=ts)
    tampered = data.draw(_tamper(request))
    assume(tampered.query != request.query or tampered != request)
    # Timestamp edits within the skew window would still be a valid *new* signature
    # only if re-signed; here nothing is re-signed, so every edit must fail.
    assert not _verify(tampered, {config.key: config.secret}, ts, wire=False)


@given(app_configs(), methods, paths, text_params, bodies, timestamps, secrets_)
def test_other_secret_is_rejected(
    config: AppConfig,
    method: str,
    path: str,
    params: dict[str, str],
    body: bytes,
    ts: int,
    other: str,
) -> None:
    """A request signed with one secret never verifies under another."""
    assume(other != config.secret)
    request = sign_request(config, method=method, path=path, params=params, body=body, timestamp=ts)
    assert not _verify(request, {config.key: other}, ts, wire=False)


@given(methods, paths, text_params, st.randoms(use_true_random=False))
def test_query_order_does_not_matter(
    method: str, path: str, params: dict[str, str], rnd: object
) -> None:
    """The string to sign, and so the signature, ignores the order of query pairs."""
    pairs = [*params.items(), ("auth_key", "k"), ("auth_timestamp", "1"), ("auth_version", "1.0")]
    shuffled = list(pairs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert string_to_sign(method, path, pairs) == string_to_sign(method, path, shuffled)


@given(app_configs(), text_params, st.randoms(use_true_random=False), timestamps)
def test_params_order_does_not_change_signature(
    config: AppConfig, params: dict[str, str], rnd: object, ts: int
) -> None:
    """Building from the same params in any order yields the same signed request."""
    items = list(params.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    a = sign_request(config, method="GET", path="/apps/1/x", params=params, timestamp=ts)
    b = sign_request(config, method="GET", path="/apps/1/x", params=dict(items), timestamp=ts)
    assert a.query == b.query


# Secrets as pusher-core takes them: any text, lone surrogates included (encoded with
# surrogatepass), from empty to several SHA-256 blocks (a key over 64 bytes is hashed first).
signer_secrets = st.text(max_size=150) | st.text(min_size=60, max_size=70)


@given(signer_secrets, st.binary(max_size=300))
def test_signer_is_the_stdlib_hmac(secret: str, message: bytes) -> None:
    """`Signer`'s own RFC 2104 construction gives exactly what `hmac` gives, and verifies it."""
    key = secret.encode("utf-8", "surrogatepass")
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    signer = Signer(secret)
    assert signer.sign_bytes(message) == expected
    assert signer.sign_bytes(message) == expected  # the keyed states are copied, not consumed
    assert signer.verify_bytes(message, expected)
    assert not signer.verify_bytes(message + b"x", expected)
    text = message.decode("utf-8", "replace")
    assert signer.sign(text) == hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
