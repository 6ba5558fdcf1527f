"""Known-answer vectors and rules of request signing (auth_version 1.0)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pusher_core.config import AppConfig
from pusher_core.errors import ConfigurationError, InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.signing import (
    LIBRARY_HEADER,
    RejectedRequest,
    RequestRejectReason,
    Signer,
    ValidRequest,
    app_path,
    check_secrets,
    check_timestamp,
    sign_request,
    string_to_sign,
    verify_request,
)

DOCS = AppConfig(app_id="3", key="278d425bdf160c739803", secret="7ad3773142a6692b25b8")
DOCS_BODY = b'{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'
DOCS_TS = 1353088179
PY_SUITE = AppConfig.from_url("http://key:secret@somehost/apps/4")


def test_docs_worked_vector() -> None:
    """The HTTP API reference's worked example reproduces byte for byte."""
    request = sign_request(
        DOCS, method="POST", path="/apps/3/events", body=DOCS_BODY, timestamp=DOCS_TS
    )
    query = dict(request.query)
    assert query["body_md5"] == "ec365a775a4cd0599faeb73354201b6f"
    assert query["auth_signature"] == (
        "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
    )
    assert string_to_sign("POST", "/apps/3/events", query.items()) == (
        "POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179"
        "&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f"
    )


def test_python_suite_post_vector() -> None:
    """The reference suite's POST vector (body `{"foo": "bar"}`, t=1000)."""
    request = sign_request(
        PY_SUITE, method="POST", path="/some/obscure/api", body=b'{"foo": "bar"}', timestamp=1000
    )
    signature = dict(request.query)["auth_signature"]
    assert signature.startswith("e05fa4ca")
    assert signature.endswith("258b")


def test_python_suite_get_vector_differs_only_by_body_md5() -> None:
    """The reference signs md5("") into GETs; we omit it (deliberate) yet share the algorithm."""
    ours = sign_request(
        PY_SUITE, method="GET", path="/some/obscure/api", params={"foo": "bar"}, timestamp=1000
    )
    assert "body_md5" not in dict(ours.query)
    reference_query = {
        "foo": "bar",
        "auth_key": "key",
        "auth_timestamp": "1000",
        "auth_version": "1.0",
        "body_md5": hashlib.md5(b"").hexdigest(),
    }
    expected = hmac.new(
        b"secret",
        string_to_sign("GET", "/some/obscure/api", reference_query.items()).encode(),
        hashlib.sha256,
    ).hexdigest()
    assert expected.startswith("5c49f04a")
    assert expected.endswith("dbac")


def test_keys_lowercased_sorted_values_raw() -> None:
    """Keys are lowercased and sorted; values are signed raw and escaped only on the wire."""
    request = sign_request(
        DOCS,
        method="GET",
        path="/apps/3/channels",
        params={"Filter_By_Prefix": "presence-", "info": "user_count,subscription_count"},
        timestamp=DOCS_TS,
    )
    keys = [k for k, _ in request.query]
    assert keys == [*sorted(keys[:-1]), "auth_signature"]
    assert ("filter_by_prefix", "presence-") in request.query
    assert "info=user_count%2Csubscription_count" in request.target
    assert verify_request(
        method="GET",
        path=request.path,
        query=request.target.split("?", 1)[1],
        body=b"",
        secrets={DOCS.key: DOCS.secret},
        now=DOCS_TS,
    ) == ValidRequest(key=DOCS.key, timestamp=DOCS_TS)


def test_body_md5_only_for_non_empty_bodies() -> None:
    """`body_md5` is present exactly when there is a body."""
    get = sign_request(DOCS, method="GET", path="/apps/3/channels", timestamp=1)
    post = sign_request(DOCS, method="POST", path="/apps/3/events", body=b"{}", timestamp=1)
    assert "body_md5" not in dict(get.query)
    assert dict(post.query)["body_md5"] == hashlib.md5(b"{}").hexdigest()


def test_headers() -> None:
    """JSON bodies get a Content-Type; every request names the library."""
    get = sign_request(DOCS, method="get", path="/apps/3/channels", timestamp=1)
    post = sign_request(DOCS, method="POST", path="/apps/3/events", body=b"{}", timestamp=1)
    assert get.method == "GET"
    assert get.header("content-type") is None
    assert post.header("Content-Type") == "application/json"
    assert get.header("x-pusher-library") == LIBRARY_HEADER[1]
    assert LIBRARY_HEADER[1].startswith("pusher-core ")


def test_app_path_encodes_hash() -> None:
    """`#` in a name is percent-encoded in the signed path; other name characters stay."""
    assert app_path(DOCS, "channels", "#server-to-user-1") == "/apps/3/channels/%23server-to-user-1"
    assert app_path(DOCS, "channels", "a=b@c,d;e.f") == "/apps/3/channels/a=b@c,d;e.f"


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"auth_key": "x"}, InvalidArgumentError),
        ({"Body_MD5": "x"}, InvalidArgumentError),
        ({"a": "1", "A": "2"}, InvalidArgumentError),
        ({"a": 1.5}, InvalidArgumentTypeError),
        ({"a": "\ud800"}, InvalidArgumentError),
        ([("a", "b")], InvalidArgumentTypeError),
    ],
)
def test_bad_params(params: object, error: type[Exception]) -> None:
    """Reserved, duplicate, non-text and non-mapping params are refused by name."""
    with pytest.raises(error, match="params"):
        sign_request(DOCS, method="GET", path="/apps/3/x", params=params, timestamp=1)  # type: ignore[arg-type]


def test_timestamp_must_be_int() -> None:
    """A float clock reading must be converted by the caller (the shell does)."""
    with pytest.raises(InvalidArgumentTypeError, match="timestamp"):
        sign_request(DOCS, method="GET", path="/apps/3/x", timestamp=1.5)  # type: ignore[arg-type]


def _signed(body: bytes = b"{}", ts: int = 1000) -> tuple[str, bytes]:
    request = sign_request(DOCS, method="POST", path="/apps/3/events", body=body, timestamp=ts)
    return request.target.split("?", 1)[1], request.body


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda q, b: (q.replace("auth_key=", "x="), b), RequestRejectReason.MISSING_AUTH_PARAMS),
        (
            lambda q, b: (q.replace("auth_version=1.0", "auth_version=2.0"), b),
            RequestRejectReason.UNSUPPORTED_AUTH_VERSION,
        ),
        (
            lambda q, b: (q.replace("auth_key=278d", "auth_key=999d"), b),
            RequestRejectReason.UNKNOWN_KEY,
        ),
        (
            lambda q, b: (q.replace("auth_timestamp=1000", "auth_timestamp=1e3"), b),
            RequestRejectReason.BAD_TIMESTAMP,
        ),
        (
            lambda q, b: (q.replace("auth_timestamp=1000", "auth_timestamp=99"), b),
            RequestRejectReason.STALE,
        ),
        (
            lambda q, b: ("&".join(p for p in q.split("&") if not p.startswith("body_md5")), b),
            RequestRejectReason.BODY_MD5_MISSING,
        ),
        (lambda q, b: (q, b + b" "), RequestRejectReason.BODY_MD5_MISMATCH),
        (
            lambda q, b: (q.replace("auth_signature=", "auth_signature=0"), b),
            RequestRejectReason.BAD_SIGNATURE,
        ),
    ],
)
def test_verify_rejections(mutate: object, reason: RequestRejectReason) -> None:
    """Each way a request can be wrong has its own reason."""
    query, body = mutate(*_signed())  # type: ignore[operator]
    verdict = verify_request(
        method="POST",
        path="/apps/3/events",
        query=query,
        body=body,
        secrets={DOCS.key: DOCS.secret},
        now=1000,
    )
    assert verdict == RejectedRequest(reason=reason)
    assert not verdict.ok


def test_verify_skew_window() -> None:
    """600 s of clock difference is accepted either way, 601 s is not."""
    query, body = _signed(ts=10_000)

    def at(now: float) -> bool:
        return verify_request(
            method="POST",
            path="/apps/3/events",
            query=query,
            body=body,
            secrets={DOCS.key: DOCS.secret},
            now=now,
        ).ok

    assert at(10_600)
    assert at(9_400)
    assert not at(10_601)
    assert not at(9_399)


def test_signing_is_deterministic() -> None:
    """Same inputs, same request: the clock is an argument, nothing else varies."""
    a = sign_request(DOCS, method="POST", path="/p", body=b"x", timestamp=5)
    b = sign_request(DOCS, method="POST", path="/p", body=b"x", timestamp=5)
    assert a == b
    assert a.target == b.target


@pytest.mark.parametrize("params", [None, {"info": "user_count", "Filter_By_Prefix": "p#r e"}])
@pytest.mark.parametrize("body", [b"", b'{"a":"\xc3\xa9"}'])
def test_signed_request_equals_the_plain_value(params: dict[str, str] | None, body: bytes) -> None:
    """The signer's trusted constructor gives what `HttpRequest(...)` builds from the fields."""
    from pusher_core.transport import HttpRequest

    signed = sign_request(
        PY_SUITE,
        method="get" if not body else "post",
        path="/apps/4/x",
        params=params,
        body=body,
        timestamp=1000,
    )
    plain = HttpRequest(
        method=signed.method,
        scheme=signed.scheme,
        host=signed.host,
        port=signed.port,
        path=signed.path,
        query=list(signed.query),
        headers=list(signed.headers),
        body=signed.body,
    )
    assert signed == plain
    assert hash(signed) == hash(plain)
    assert (signed.target, signed.origin, signed.url) == (plain.target, plain.origin, plain.url)
    assert signed.query[-1][0] == "auth_signature"
    assert [k for k, _ in signed.query[:-1]] == sorted(k for k, _ in signed.query[:-1])


# RFC 4231's HMAC-SHA256 test cases whose keys are text (pusher-core's secrets are str).
_RFC4231 = [
    (
        "\x0b" * 20,
        b"Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    ),
    (
        "Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (
        "".join(map(chr, range(1, 26))),
        b"\xcd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ),
]


@pytest.mark.parametrize(("secret", "message", "mac"), _RFC4231)
def test_signer_matches_rfc4231(secret: str, message: bytes, mac: str) -> None:
    """The published HMAC-SHA256 vectors, an oracle independent of any implementation."""
    assert Signer(secret).sign_bytes(message) == mac


def test_signer_is_hmac_sha256_and_reusable() -> None:
    """`Signer` is HMAC-SHA256 under the secret; its keyed state is copied, never consumed."""
    signer = Signer("s3cr3t")
    expected = hmac.new(b"s3cr3t", "a\u00e9".encode(), hashlib.sha256).hexdigest()
    assert signer.sign("a\u00e9") == expected
    assert signer.sign("a\u00e9") == expected
    assert signer.sign_bytes("a\u00e9".encode()) == expected
    assert signer.verify_bytes("a\u00e9".encode(), expected)
    assert not signer.verify_bytes(b"b", expected)
    assert not signer.verify_bytes(b"b", "\u00e9")  # non-ASCII signature: False, no error
    long_secret = "k" * 100  # longer than a SHA-256 block: hashed first, as HMAC does
    assert Signer(long_secret).sign("m") == hmac.new(b"k" * 100, b"m", "sha256").hexdigest()
    assert "s3cr3t" not in repr(signer)
    assert DOCS.signer is DOCS.signer  # keyed once per config


@pytest.mark.parametrize(
    ("secrets", "error"),
    [
        ({"old": ""}, ConfigurationError),
        ({"old": None}, ConfigurationError),
        ({"": "s"}, ConfigurationError),
        ({1: "s"}, ConfigurationError),
        ([("k", "s")], InvalidArgumentTypeError),
    ],
)
def test_empty_or_wrong_secrets_are_refused(secrets: object, error: type[Exception]) -> None:
    """An empty secret (an unset variable) would accept HMAC(b"", body) forgeries: refused."""
    with pytest.raises(error):
        check_secrets(secrets)
    with pytest.raises(error):
        verify_request(method="GET", path="/", query="", body=b"", secrets=secrets, now=0)  # type: ignore[arg-type]
    assert check_secrets({"k": "s"}) == {"k": "s"}


@pytest.mark.parametrize(
    ("timestamp", "error"),
    [
        pytest.param(10**5000, InvalidArgumentError, id="10**5000"),
        (-1, InvalidArgumentError),
        (2**63, InvalidArgumentError),
        (1.5, InvalidArgumentTypeError),
        (True, InvalidArgumentTypeError),
    ],
)
def test_timestamps_beyond_any_clock_are_refused(timestamp: object, error: type[Exception]) -> None:
    """A huge int (past Python's digit limit), a negative one or a float: a named error."""
    with pytest.raises(error, match="timestamp"):
        check_timestamp(timestamp)
    with pytest.raises(error, match="timestamp"):
        sign_request(DOCS, method="GET", path="/x", timestamp=timestamp)  # type: ignore[arg-type]


def test_huge_int_param_is_a_named_error() -> None:
    """A query value past Python's integer-digit limit names `params`, not a bare ValueError."""
    with pytest.raises(InvalidArgumentError, match="params"):
        sign_request(DOCS, method="GET", path="/x", timestamp=1, params={"n": 10**5000})
