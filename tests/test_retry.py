"""The retry policy's decision table, its arguments, and idempotency keys."""

from __future__ import annotations

import attrs
import pytest

from pusher_core.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ReadTimeoutError,
    TLSError,
    TransportError,
    TransportTimeoutError,
)
from pusher_core.retry import (
    IDEMPOTENCY_KEY_HEADER,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    Decision,
    Retry,
    RetryPolicy,
    Stop,
    StopReason,
    has_idempotency_key,
    validate_idempotency_key,
    with_idempotency_key,
)
from pusher_core.transport import HttpRequest, HttpResponse

# rand=0.5 and backoff_base=1 make the first backoff 0.5 s and the second 1 s.
POLICY = RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_max=3.0, max_retry_after=10.0)
RAND = 0.5
FIRST_WAIT = Retry(delay=0.5)


def request(method: str = "POST", *, key: str | None = None) -> HttpRequest:
    plain = HttpRequest(
        method=method,
        scheme="https",
        host="api-mt1.pusher.com",
        port=443,
        path="/apps/1/events",
        query=(("auth_key", "k"), ("auth_signature", "s")),
        headers=(("Content-Type", "application/json"),),
        body=b"{}",
    )
    return plain if key is None else with_idempotency_key(plain, key)


def answer(status: int, body: bytes = b"", retry_after: str | None = None) -> HttpResponse:
    headers = () if retry_after is None else (("Retry-After", retry_after),)
    return HttpResponse(status=status, headers=headers, body=body)


def soketi(code: int) -> HttpResponse:
    """soketi's refusal: HTTP 200 with the real status in the body."""
    return answer(200, b'{"error":"x","code":%d}' % code)


RETRY = "retry"
SUCCEEDED = StopReason.SUCCEEDED
FINAL = StopReason.FINAL_STATUS
TLS = StopReason.TLS_FAILURE
DUPLICATE = StopReason.MAY_DUPLICATE

# The README's table. Columns: GET, POST, POST with an idempotency key or
# allow_duplicate_posts=True. First attempt, no deadline, no Retry-After.
TABLE: list[tuple[str, HttpResponse | TransportError, object, object, object]] = [
    ("200", answer(200, b"{}"), SUCCEEDED, SUCCEEDED, SUCCEEDED),
    ("200 ok", answer(200, b'{"ok":true}'), SUCCEEDED, SUCCEEDED, SUCCEEDED),
    ("202", answer(202), SUCCEEDED, SUCCEEDED, SUCCEEDED),
    ("429", answer(429), RETRY, RETRY, RETRY),
    ("503", answer(503), RETRY, RETRY, RETRY),
    ("soketi 429", soketi(429), RETRY, RETRY, RETRY),
    ("soketi 503", soketi(503), RETRY, RETRY, RETRY),
    ("500", answer(500), RETRY, DUPLICATE, RETRY),
    ("502", answer(502), RETRY, DUPLICATE, RETRY),
    ("504", answer(504), RETRY, DUPLICATE, RETRY),
    ("501", answer(501), RETRY, DUPLICATE, RETRY),
    ("soketi 500", soketi(500), RETRY, DUPLICATE, RETRY),
    ("400", answer(400), FINAL, FINAL, FINAL),
    ("401", answer(401), FINAL, FINAL, FINAL),
    ("403", answer(403), FINAL, FINAL, FINAL),
    ("404", answer(404), FINAL, FINAL, FINAL),
    ("408", answer(408), FINAL, FINAL, FINAL),
    ("409", answer(409), FINAL, FINAL, FINAL),
    ("413", answer(413), FINAL, FINAL, FINAL),
    ("soketi 401", soketi(401), FINAL, FINAL, FINAL),
    ("301", answer(301), FINAL, FINAL, FINAL),
    ("100", answer(100), FINAL, FINAL, FINAL),
    ("connection failed", ConnectionFailedError("refused"), RETRY, RETRY, RETRY),
    ("connect timeout", ConnectTimeoutError("slow"), RETRY, RETRY, RETRY),
    ("not sent", TransportError("x", sent=False), RETRY, RETRY, RETRY),
    ("TLS", TLSError("bad certificate"), TLS, TLS, TLS),
    ("TLS sent", TLSError("reset", sent=True), TLS, TLS, TLS),
    ("read timeout", ReadTimeoutError("slow"), RETRY, DUPLICATE, RETRY),
    ("dropped", ConnectionDroppedError("closed"), RETRY, DUPLICATE, RETRY),
    ("timeout", TransportTimeoutError("slow"), RETRY, DUPLICATE, RETRY),
    ("sent", TransportError("x"), RETRY, DUPLICATE, RETRY),
    ("failed but sent", ConnectionFailedError("x", sent=True), RETRY, DUPLICATE, RETRY),
    ("timeout not sent", ReadTimeoutError("x", sent=False), RETRY, RETRY, RETRY),
]

# (column, allow_duplicate_posts, request, index of the TABLE cell that applies)
COLUMNS = [
    ("GET", False, request("GET"), 0),
    ("POST", False, request("POST"), 1),
    ("POST+key", False, request("POST", key="k-1"), 2),
    ("POST+allow", True, request("POST"), 2),
]


def _expected(cell: object) -> Decision:
    return FIRST_WAIT if cell == RETRY else Stop(reason=StopReason(cell))


@pytest.mark.parametrize(
    ("policy", "sent", "outcome", "expected"),
    [
        pytest.param(
            attrs.evolve(POLICY, allow_duplicate_posts=allow),
            sent,
            outcome,
            _expected(cells[cell]),
            id=f"{name}-{column}",
        )
        for name, outcome, *cells in TABLE
        for column, allow, sent, cell in COLUMNS
    ],
)
def test_decision_table(
    policy: RetryPolicy,
    sent: HttpRequest,
    outcome: HttpResponse | TransportError,
    expected: Decision,
) -> None:
    """Each outcome is resent, or stopped with its reason, by method and opt-in."""
    assert policy.decide(attempt=1, request=sent, outcome=outcome, rand=RAND) == expected


@pytest.mark.parametrize(
    ("attempt", "outcome", "seconds_left", "expected"),
    [
        (1, answer(503), None, Retry(delay=0.5)),
        (2, answer(503), None, Retry(delay=1.0)),
        (3, answer(503), None, Stop(reason=StopReason.ATTEMPTS_EXHAUSTED)),
        (4, answer(503), None, Stop(reason=StopReason.ATTEMPTS_EXHAUSTED)),
        (3, answer(200), None, Stop(reason=StopReason.SUCCEEDED)),
        (3, answer(400), None, Stop(reason=StopReason.FINAL_STATUS)),
        (3, ReadTimeoutError("x"), None, Stop(reason=StopReason.MAY_DUPLICATE)),
        (1, answer(429, retry_after="3"), None, Retry(delay=3.0)),
        (2, answer(429, retry_after="3"), None, Retry(delay=3.0)),
        (1, answer(503, retry_after="0"), None, Retry(delay=0.0)),
        (1, answer(503, retry_after="10"), None, Retry(delay=10.0)),
        (1, answer(503, retry_after="10.5"), None, Stop(reason=StopReason.RETRY_AFTER_TOO_LONG)),
        (1, answer(503, retry_after="10.5"), 1.0, Stop(reason=StopReason.RETRY_AFTER_TOO_LONG)),
        (1, answer(503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT"), None, Retry(delay=0.5)),
        (1, answer(503, retry_after="-1"), None, Retry(delay=0.5)),
        (3, answer(429, retry_after="3"), None, Stop(reason=StopReason.ATTEMPTS_EXHAUSTED)),
        (1, answer(200, b'{"error":"x","code":429}', "2"), None, Retry(delay=2.0)),
        (1, answer(429, retry_after="3"), 3.5, Retry(delay=3.0)),
        (1, answer(429, retry_after="3"), 3.0, Stop(reason=StopReason.DEADLINE)),
        (1, answer(429, retry_after="3"), 2.0, Stop(reason=StopReason.DEADLINE)),
        (1, answer(503), 0.6, Retry(delay=0.5)),
        (1, answer(503), 0.5, Stop(reason=StopReason.DEADLINE)),
        (1, answer(503, retry_after="0"), 0.0, Stop(reason=StopReason.DEADLINE)),
        (1, answer(503), -1.0, Stop(reason=StopReason.DEADLINE)),
        (1, answer(503), float("inf"), Retry(delay=0.5)),
        (1, ConnectionFailedError("x"), 0.4, Stop(reason=StopReason.DEADLINE)),
    ],
)
def test_attempts_retry_after_and_deadline(
    attempt: int,
    outcome: HttpResponse | TransportError,
    seconds_left: float | None,
    expected: Decision,
) -> None:
    """max_attempts, an honoured or refused Retry-After, and the deadline decide the wait."""
    decision = POLICY.decide(
        attempt=attempt, request=request(), outcome=outcome, rand=RAND, seconds_left=seconds_left
    )
    assert decision == expected


@pytest.mark.parametrize(
    ("attempt", "rand", "delay"),
    [(1, 0.5, 0.5), (2, 0.5, 1.0), (3, 0.5, 1.5), (4, 0.5, 1.5), (5, 0.5, 1.5), (3, 0.0, 0.0)],
)
def test_backoff_doubles_up_to_its_maximum_with_full_jitter(
    attempt: int, rand: float, delay: float
) -> None:
    """The wait is rand * min(backoff_max, backoff_base * 2 ** (attempt - 1))."""
    policy = RetryPolicy(max_attempts=6, backoff_base=1.0, backoff_max=3.0)
    decision = policy.decide(attempt=attempt, request=request(), outcome=answer(503), rand=rand)
    assert decision == Retry(delay=delay)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("get", FIRST_WAIT),
        ("HEAD", FIRST_WAIT),
        ("OPTIONS", FIRST_WAIT),
        ("PUT", Stop(reason=DUPLICATE)),
        ("DELETE", Stop(reason=DUPLICATE)),
        ("post", Stop(reason=DUPLICATE)),
    ],
)
def test_only_reads_are_repeatable_without_consent(method: str, expected: Decision) -> None:
    """GET, HEAD and OPTIONS (any letter case) are repeated; every other method counts as a POST."""
    decision = POLICY.decide(
        attempt=1, request=request(method), outcome=ReadTimeoutError("x"), rand=RAND
    )
    assert decision == expected


@pytest.mark.parametrize(
    "outcome",
    [answer(503), answer(429, retry_after="1"), ConnectionFailedError("x"), answer(500)],
)
def test_none_is_a_single_attempt(outcome: HttpResponse | TransportError) -> None:
    """RetryPolicy.none() stops after the first attempt, whatever happened."""
    policy = RetryPolicy.none()
    assert policy.max_attempts == 1
    decision = policy.decide(attempt=1, request=request("GET"), outcome=outcome, rand=RAND)
    assert decision == Stop(reason=StopReason.ATTEMPTS_EXHAUSTED)


def test_default_policy() -> None:
    """The documented defaults: 3 attempts, waits 0.25 s doubling to 5 s, Retry-After <= 10 s."""
    assert RetryPolicy() == RetryPolicy(
        max_attempts=3,
        backoff_base=0.25,
        backoff_max=5.0,
        max_retry_after=10.0,
        allow_duplicate_posts=False,
    )
    decision = RetryPolicy().decide(attempt=2, request=request(), outcome=answer(503), rand=0.5)
    assert decision == Retry(delay=0.25)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("max_attempts", 0, InvalidArgumentError),
        ("max_attempts", 101, InvalidArgumentError),
        ("max_attempts", 2.0, InvalidArgumentTypeError),
        ("max_attempts", True, InvalidArgumentTypeError),
        ("max_attempts", "3", InvalidArgumentTypeError),
        ("backoff_base", -0.1, InvalidArgumentError),
        ("backoff_base", float("inf"), InvalidArgumentError),
        ("backoff_base", float("nan"), InvalidArgumentError),
        ("backoff_base", "1", InvalidArgumentTypeError),
        ("backoff_base", None, InvalidArgumentTypeError),
        ("backoff_max", -1, InvalidArgumentError),
        ("backoff_max", False, InvalidArgumentTypeError),
        ("max_retry_after", float("inf"), InvalidArgumentError),
        ("max_retry_after", -5, InvalidArgumentError),
        ("max_retry_after", b"1", InvalidArgumentTypeError),
        ("allow_duplicate_posts", 1, InvalidArgumentTypeError),
        ("allow_duplicate_posts", "yes", InvalidArgumentTypeError),
    ],
)
def test_fields_are_validated_by_name(field: str, value: object, error: type[Exception]) -> None:
    """A policy with an unusable field is refused, and the error names the field."""
    with pytest.raises(error) as info:
        RetryPolicy(**{field: value})  # type: ignore[arg-type]
    assert type(info.value) is error
    assert info.value.argument == field  # type: ignore[attr-defined]
    with pytest.raises(error):
        attrs.evolve(RetryPolicy(), **{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fields",
    [
        {"max_attempts": 1},
        {"max_attempts": 100},
        {"backoff_base": 0, "backoff_max": 0, "max_retry_after": 0},
        {"backoff_base": 2, "backoff_max": 1},
    ],
)
def test_field_bounds_are_inclusive(fields: dict[str, float]) -> None:
    """The bounds themselves (1 and 100 attempts, zero waits) are accepted and kept."""
    policy = RetryPolicy(**fields)  # type: ignore[arg-type]
    assert attrs.asdict(policy) | fields == attrs.asdict(policy)


@pytest.mark.parametrize(
    ("argument", "value", "error"),
    [
        ("attempt", 0, InvalidArgumentError),
        ("attempt", 1.0, InvalidArgumentTypeError),
        ("attempt", True, InvalidArgumentTypeError),
        ("request", "POST", InvalidArgumentTypeError),
        ("outcome", ValueError("x"), InvalidArgumentTypeError),
        ("outcome", None, InvalidArgumentTypeError),
        ("rand", 1.0, InvalidArgumentError),
        ("rand", -0.1, InvalidArgumentError),
        ("rand", float("nan"), InvalidArgumentError),
        ("rand", "0.5", InvalidArgumentTypeError),
        ("rand", True, InvalidArgumentTypeError),
        ("seconds_left", float("nan"), InvalidArgumentError),
        ("seconds_left", "5", InvalidArgumentTypeError),
        ("seconds_left", True, InvalidArgumentTypeError),
    ],
)
def test_decide_arguments_are_validated_by_name(
    argument: str, value: object, error: type[Exception]
) -> None:
    """decide refuses unusable arguments and names the one at fault."""
    arguments: dict[str, object] = {
        "attempt": 1,
        "request": request(),
        "outcome": answer(503),
        "rand": 0.5,
        "seconds_left": None,
        argument: value,
    }
    with pytest.raises(error) as info:
        POLICY.decide(**arguments)  # type: ignore[arg-type]
    assert type(info.value) is error
    assert info.value.argument == argument  # type: ignore[attr-defined]


def test_decisions_are_values() -> None:
    """Decisions compare and hash by value, so logs and tests can match them."""
    assert Retry(delay=1.0) == Retry(delay=1.0)
    assert {Stop(reason=StopReason.DEADLINE), Stop(reason=StopReason.DEADLINE)} == {
        Stop(reason=StopReason.DEADLINE)
    }
    assert isinstance(Retry(delay=0.0), Decision)
    assert isinstance(Stop(reason=StopReason.SUCCEEDED), Decision)
    assert StopReason.MAY_DUPLICATE.value == "may_duplicate"


# --- idempotency keys -------------------------------------------------------------


def test_with_idempotency_key_adds_only_the_header() -> None:
    """The copy differs from the signed request by the one header; the signature is kept."""
    signed = request()
    keyed = with_idempotency_key(signed, "evt-42")
    assert keyed == attrs.evolve(
        signed, headers=(*signed.headers, (IDEMPOTENCY_KEY_HEADER, "evt-42"))
    )
    assert keyed.query == signed.query
    assert keyed.header("x-idempotency-key") == "evt-42"
    assert signed.header(IDEMPOTENCY_KEY_HEADER) is None


def test_with_idempotency_key_replaces_a_key_already_there() -> None:
    """Setting a key twice leaves one header, the last key, whatever the letter case."""
    first = attrs.evolve(request(), headers=(("x-idempotency-key", "old"), ("Accept", "*/*")))
    keyed = with_idempotency_key(first, "new")
    assert keyed.headers == (("Accept", "*/*"), (IDEMPOTENCY_KEY_HEADER, "new"))
    assert with_idempotency_key(keyed, "new") == keyed


@pytest.mark.parametrize(
    ("headers", "carries"),
    [
        ((), False),
        ((("X-Idempotency-Key", "k"),), True),
        ((("x-idempotency-key", "k"),), True),
        ((("X-Idempotency-Key", ""),), False),
        ((("Idempotency-Key", "k"),), False),
    ],
)
def test_has_idempotency_key(headers: tuple[tuple[str, str], ...], carries: bool) -> None:
    """Only a non-empty X-Idempotency-Key header (any letter case) counts."""
    assert has_idempotency_key(attrs.evolve(request(), headers=headers)) is carries


@pytest.mark.parametrize(
    "key",
    ["a", "evt-42", "x" * MAX_IDEMPOTENCY_KEY_LENGTH, "".join(map(chr, range(0x21, 0x7F)))],
)
def test_valid_idempotency_keys(key: str) -> None:
    """Visible ASCII up to 128 characters is a usable key, returned unchanged."""
    assert validate_idempotency_key(key) == key


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("", InvalidArgumentError),
        ("x" * (MAX_IDEMPOTENCY_KEY_LENGTH + 1), InvalidArgumentError),
        ("two words", InvalidArgumentError),
        ("tab\t", InvalidArgumentError),
        ("line\r\nX-Injected: 1", InvalidArgumentError),
        ("\x7f", InvalidArgumentError),
        ("clé", InvalidArgumentError),
        (b"key", InvalidArgumentTypeError),
        (42, InvalidArgumentTypeError),
        (None, InvalidArgumentTypeError),
    ],
)
def test_invalid_idempotency_keys(key: object, error: type[Exception]) -> None:
    """Empty, too long, spaces, control or non-ASCII characters and non-str keys are refused."""
    with pytest.raises(error) as info:
        validate_idempotency_key(key)
    assert type(info.value) is error
    assert info.value.argument == "idempotency_key"  # type: ignore[attr-defined]
    with pytest.raises(error, match=r"^key: "):
        with_idempotency_key(request(), key)  # type: ignore[arg-type]
