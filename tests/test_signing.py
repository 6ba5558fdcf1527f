"""Known-answer vectors and rules of request signing (auth_version 1.0)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pusher_core.config import AppConfig
from pusher_core.errors import InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.signing import (
    LIBRARY_HEADER,
    RejectedRequest,
    RequestRejectReason,
    ValidRequest,
    app_path,
    sign_request,
    signed_query,
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


def test_signed_query_is_deterministic() -> None:
    """Same inputs, same query: the clock is an argument, nothing else varies."""
    a = signed_query(DOCS, method="POST", path="/p", body=b"x", timestamp=5)
    b = signed_query(DOCS, method="POST", path="/p", body=b"x", timestamp=5)
    assert a == b
