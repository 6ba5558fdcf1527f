"""Properties of the retry policy.

- A POST whose bytes may have been applied is never resent without consent
  (`allow_duplicate_posts` or an idempotency key); what cannot duplicate is resent.
- A consented POST is decided exactly as a GET; an unconsented one differs only
  by stopping with `MAY_DUPLICATE`.
- Every wait is within [0, min(backoff_max, backoff_base * 2 ** (attempt - 1))],
  or is exactly the honoured `Retry-After`, never above `max_retry_after`.
- No wait reaches the deadline.
- A call loop makes at most `max_attempts` attempts (at most `max_attempts - 1`
  resends), and exactly that many against a server that stays unavailable.
- `RetryPolicy.none()` never resends.
"""

from __future__ import annotations

import json
import string

import attrs
from hypothesis import given, strategies as st

from pusher_core.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TLSError,
    TransportError,
    TransportTimeoutError,
)
from pusher_core.retry import (
    Retry,
    RetryPolicy,
    Stop,
    StopReason,
    with_idempotency_key,
)
from pusher_core.transport import HttpRequest, HttpResponse

HTTP_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"
READS = ("GET", "get", "HEAD", "OPTIONS")
WRITES = ("POST", "post", "PUT", "DELETE", "PATCH")

policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(1, 100),
    backoff_base=st.floats(0, 5),
    backoff_max=st.floats(0, 30),
    max_retry_after=st.one_of(st.integers(0, 60), st.floats(0, 60)),
    allow_duplicate_posts=st.booleans(),
)
idempotency_keys = st.text(
    alphabet=string.ascii_letters + string.digits + string.punctuation, min_size=1, max_size=40
)
# Mostly the first few attempts, where backoff has not reached its maximum yet.
attempts = st.one_of(st.integers(1, 4), st.integers(1, 110))
rands = st.floats(0, 1, exclude_max=True)
seconds_lefts = st.none() | st.floats(-5, 200) | st.just(float("inf"))
# Retry-After values: whole seconds (honoured), and forms the policy must not honour.
retry_afters = (
    st.none() | st.integers(0, 90).map(str) | st.sampled_from([HTTP_DATE, "soon", "-3", ""])
)
statuses = st.one_of(
    st.sampled_from([200, 202, 400, 401, 404, 429, 500, 502, 503, 504]), st.integers(100, 599)
)
bodies = st.sampled_from([b"", b"{}", b'{"ok":true}']) | st.integers(100, 700).map(
    lambda code: b'{"error":"x","code":%d}' % code
)


@st.composite
def responses(draw: st.DrawFn, status: st.SearchStrategy[int] = statuses) -> HttpResponse:
    """Any answer: plain statuses, soketi's HTTP 200 error bodies, with or without Retry-After."""
    retry_after = draw(retry_afters)
    return HttpResponse(
        status=draw(status),
        headers=() if retry_after is None else (("Retry-After", retry_after),),
        body=draw(bodies),
    )


transport_errors = st.builds(
    lambda cls, sent: cls("no answer", sent=sent),
    st.sampled_from(
        [
            ConnectionFailedError,
            ConnectTimeoutError,
            TLSError,
            ReadTimeoutError,
            ConnectionDroppedError,
            TransportTimeoutError,
            TransportError,
        ]
    ),
    st.none() | st.booleans(),
)
outcomes = responses() | transport_errors


def request(method: str, key: str | None = None) -> HttpRequest:
    plain = HttpRequest(
        method=method, scheme="https", host="api-mt1.pusher.com", port=443, path="/apps/1/events"
    )
    return plain if key is None else with_idempotency_key(plain, key)


requests = st.builds(request, st.sampled_from(READS + WRITES), st.none() | idempotency_keys)


def meant(response: HttpResponse) -> int:
    """The status the server meant, read independently of the library: soketi's 2xx errors."""
    if 200 <= response.status < 300 and response.body.startswith(b'{"error"'):
        code = json.loads(response.body)["code"]
        if 400 <= code < 600:
            return int(code)
    return response.status


def may_have_been_applied(outcome: HttpResponse | TransportError) -> bool:
    """Bytes may have reached a server that may have acted on them."""
    if isinstance(outcome, TransportError):
        return outcome.sent
    status = meant(outcome)
    return 500 <= status < 600 and status != 503


def honoured_retry_after(outcome: HttpResponse | TransportError) -> float | None:
    """The Retry-After seconds the strategies generated, when they are a usable number."""
    value = outcome.header("Retry-After") if isinstance(outcome, HttpResponse) else None
    return float(value) if value is not None and value.isdigit() else None


@given(
    policy=policies,
    method=st.sampled_from(WRITES),
    outcome=outcomes,
    attempt=attempts,
    rand=rands,
    seconds_left=seconds_lefts,
)
def test_a_post_that_may_have_been_applied_is_never_resent_without_consent(
    policy: RetryPolicy,
    method: str,
    outcome: HttpResponse | TransportError,
    attempt: int,
    rand: float,
    seconds_left: float | None,
) -> None:
    """Without consent, a write that may have been applied stops with MAY_DUPLICATE, and only it."""
    policy = attrs.evolve(policy, allow_duplicate_posts=False)
    decision = policy.decide(
        attempt=attempt,
        request=request(method),
        outcome=outcome,
        rand=rand,
        seconds_left=seconds_left,
    )
    if may_have_been_applied(outcome):
        assert not isinstance(decision, Retry)
    if may_have_been_applied(outcome) and not isinstance(outcome, TLSError):
        assert decision == Stop(reason=StopReason.MAY_DUPLICATE)
    else:
        assert decision != Stop(reason=StopReason.MAY_DUPLICATE)


not_sent = st.builds(
    lambda cls, sent: cls("no answer", sent=sent),
    st.sampled_from([ConnectionFailedError, ConnectTimeoutError, ReadTimeoutError, TransportError]),
    st.just(False),
) | st.sampled_from([ConnectionFailedError, ConnectTimeoutError]).map(lambda cls: cls("refused"))
not_taken = st.builds(
    lambda status, soketi: (
        HttpResponse(status=200, body=b'{"error":"x","code":%d}' % status)
        if soketi
        else HttpResponse(status=status)
    ),
    st.sampled_from([429, 503]),
    st.booleans(),
)


@given(
    policy=policies,
    method=st.sampled_from(WRITES),
    outcome=not_sent | not_taken,
    attempt=attempts,
    rand=rands,
)
def test_what_cannot_duplicate_is_resent_while_attempts_remain(
    policy: RetryPolicy,
    method: str,
    outcome: HttpResponse | TransportError,
    attempt: int,
    rand: float,
) -> None:
    """Nothing sent, 429 or 503 (soketi's form too): any method is resent until the last attempt."""
    decision = policy.decide(attempt=attempt, request=request(method), outcome=outcome, rand=rand)
    if attempt < policy.max_attempts:
        assert isinstance(decision, Retry)
    else:
        assert decision == Stop(reason=StopReason.ATTEMPTS_EXHAUSTED)


@given(
    policy=policies,
    read=st.sampled_from(READS),
    outcome=outcomes,
    attempt=attempts,
    rand=rands,
    seconds_left=seconds_lefts,
    key=idempotency_keys,
)
def test_consent_makes_a_post_a_get_and_its_absence_only_adds_may_duplicate(
    policy: RetryPolicy,
    read: str,
    outcome: HttpResponse | TransportError,
    attempt: int,
    rand: float,
    seconds_left: float | None,
    key: str,
) -> None:
    """With a key or allow_duplicate_posts a POST is a GET; without, only MAY_DUPLICATE differs."""

    def decide(sent: HttpRequest, *, allow: bool) -> Retry | Stop:
        return attrs.evolve(policy, allow_duplicate_posts=allow).decide(
            attempt=attempt, request=sent, outcome=outcome, rand=rand, seconds_left=seconds_left
        )

    as_get = decide(request(read), allow=False)
    assert as_get != Stop(reason=StopReason.MAY_DUPLICATE)
    assert decide(request("POST", key), allow=False) == as_get
    assert decide(request("POST"), allow=True) == as_get
    unconsented = decide(request("POST"), allow=False)
    assert unconsented in (as_get, Stop(reason=StopReason.MAY_DUPLICATE))


@given(
    policy=policies,
    sent=requests,
    outcome=outcomes,
    attempt=attempts,
    rand=rands,
    seconds_left=seconds_lefts,
)
def test_every_wait_is_jittered_backoff_or_the_honoured_retry_after(
    policy: RetryPolicy,
    sent: HttpRequest,
    outcome: HttpResponse | TransportError,
    attempt: int,
    rand: float,
    seconds_left: float | None,
) -> None:
    """A wait is within [0, the doubled, capped backoff], or exactly an allowed Retry-After."""
    decision = policy.decide(
        attempt=attempt, request=sent, outcome=outcome, rand=rand, seconds_left=seconds_left
    )
    asked = honoured_retry_after(outcome)
    if asked is not None and asked > policy.max_retry_after:
        assert not isinstance(decision, Retry)
    if not isinstance(decision, Retry):
        return
    if asked is None:
        bound = min(policy.backoff_max, policy.backoff_base * 2 ** (attempt - 1))
        assert 0 <= decision.delay <= bound
    else:
        assert decision.delay == asked <= policy.max_retry_after


@given(
    policy=policies,
    sent=requests,
    status=st.sampled_from([429, 503]),
    rand=rands,
    data=st.data(),
)
def test_an_allowed_retry_after_is_waited_exactly(
    policy: RetryPolicy, sent: HttpRequest, status: int, rand: float, data: st.DataObject
) -> None:
    """A 429 or 503 asking for at most max_retry_after seconds is resent after exactly that."""
    if policy.max_attempts == 1:
        return
    asked = data.draw(st.integers(0, int(policy.max_retry_after)))
    attempt = data.draw(st.integers(1, policy.max_attempts - 1))
    outcome = HttpResponse(status=status, headers=(("Retry-After", str(asked)),))
    decision = policy.decide(attempt=attempt, request=sent, outcome=outcome, rand=rand)
    assert decision == Retry(delay=asked)


@given(
    policy=policies,
    sent=requests,
    outcome=outcomes,
    attempt=attempts,
    rand=rands,
    seconds_left=seconds_lefts,
)
def test_no_wait_reaches_the_deadline(
    policy: RetryPolicy,
    sent: HttpRequest,
    outcome: HttpResponse | TransportError,
    attempt: int,
    rand: float,
    seconds_left: float | None,
) -> None:
    """The deadline turns a wait that would reach it into Stop(DEADLINE), and nothing else."""
    decision = policy.decide(
        attempt=attempt, request=sent, outcome=outcome, rand=rand, seconds_left=seconds_left
    )
    if isinstance(decision, Retry):
        assert seconds_left is None or decision.delay < seconds_left
    unbounded = policy.decide(attempt=attempt, request=sent, outcome=outcome, rand=rand)
    if (
        isinstance(unbounded, Retry)
        and seconds_left is not None
        and unbounded.delay >= seconds_left
    ):
        assert decision == Stop(reason=StopReason.DEADLINE)
    else:
        assert decision == unbounded


def run_call(
    policy: RetryPolicy,
    sent: HttpRequest,
    answers: list[HttpResponse | TransportError],
    jitter: list[float],
    budget: float | None,
) -> tuple[int, float]:
    """Drive the policy as a shell would, on a simulated clock: (attempts made, seconds waited)."""
    waited = 0.0
    for attempt in range(1, policy.max_attempts + 2):  # one more than allowed, to catch a bug
        decision = policy.decide(
            attempt=attempt,
            request=sent,
            outcome=answers[(attempt - 1) % len(answers)],
            rand=jitter[(attempt - 1) % len(jitter)],
            seconds_left=None if budget is None else budget - waited,
        )
        if isinstance(decision, Stop):
            return attempt, waited
        waited += decision.delay
    return policy.max_attempts + 1, waited


@given(
    policy=policies,
    sent=requests,
    answers=st.lists(outcomes, min_size=1, max_size=8),
    jitter=st.lists(rands, min_size=1, max_size=8),
    budget=st.none() | st.floats(0, 300),
)
def test_a_call_makes_at_most_max_attempts_and_waits_within_its_budget(
    policy: RetryPolicy,
    sent: HttpRequest,
    answers: list[HttpResponse | TransportError],
    jitter: list[float],
    budget: float | None,
) -> None:
    """A simulated call resends at most max_attempts - 1 times; its waits end by the deadline."""
    made, waited = run_call(policy, sent, answers, jitter, budget)
    assert made - 1 <= policy.max_attempts - 1
    assert budget is None or made == 1 or waited < budget


@given(
    policy=policies,
    sent=requests,
    outage=st.sampled_from([HttpResponse(status=503), ConnectionFailedError("refused")]),
    jitter=st.lists(rands, min_size=1, max_size=8),
)
def test_a_server_that_stays_unavailable_gets_exactly_max_attempts(
    policy: RetryPolicy,
    sent: HttpRequest,
    outage: HttpResponse | TransportError,
    jitter: list[float],
) -> None:
    """Against a steady 503 or refused connection, every allowed attempt is made."""
    made, _ = run_call(policy, sent, [outage], jitter, None)
    assert made == policy.max_attempts


@given(
    sent=requests,
    outcome=outcomes,
    attempt=attempts,
    rand=rands,
    seconds_left=seconds_lefts,
)
def test_none_never_resends(
    sent: HttpRequest,
    outcome: HttpResponse | TransportError,
    attempt: int,
    rand: float,
    seconds_left: float | None,
) -> None:
    """RetryPolicy.none() stops after any outcome of any request."""
    decision = RetryPolicy.none().decide(
        attempt=attempt, request=sent, outcome=outcome, rand=rand, seconds_left=seconds_left
    )
    assert isinstance(decision, Stop)
