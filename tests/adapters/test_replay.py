"""Record against the local server, save, load and replay offline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pusher_core.adapters.replay import (
    Cassette,
    Interaction,
    RecordingTransport,
    ReplayTransport,
    ServeMode,
)
from pusher_core.adapters.urllib_transport import UrllibTransport
from pusher_core.errors import (
    ConnectionFailedError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ReplayMismatchError,
)
from pusher_core.transport import HttpRequest, HttpResponse, Transport

if TYPE_CHECKING:
    from .conftest import RequestFactory, Servers

SECRET = "s3cr3t-never-on-the-wire"  # as in conftest
LATER = 1_700_000_123
Echo = Callable[[bytes], dict[str, Any]]


def _record(make_request: RequestFactory, tag: str, path: Path) -> Cassette:
    """Three interactions: a GET with params, a POST, and a non-UTF-8 round trip."""
    with UrllibTransport() as inner:
        recorder = RecordingTransport(inner)
        recorder.send(make_request(f"echo/{tag}", method="GET", params={"info": "user_count"}))
        recorder.send(make_request(f"echo/{tag}"))
        recorder.send(make_request("binary", body=b"\xff\xfe\x00 not utf-8"))
        recorder.save(path)
        return recorder.cassette


@pytest.fixture
def cassette_file(make_request: RequestFactory, tag: str, tmp_path: Path) -> Path:
    path = tmp_path / "cassette.json"
    _record(make_request, tag, path)
    return path


def test_replay_serves_the_recording_under_another_clock(
    make_request: RequestFactory, tag: str, tmp_path: Path, echo: Echo
) -> None:
    """Saved, loaded and replayed with a later timestamp: the same responses, offline."""
    path = tmp_path / "cassette.json"
    recorded = _record(make_request, tag, path)
    loaded = Cassette.load(path)
    assert loaded == recorded
    replay = ReplayTransport(loaded)
    assert isinstance(replay, Transport)
    get = replay.send(
        make_request(f"echo/{tag}", method="GET", params={"info": "user_count"}, timestamp=LATER)
    )
    post = replay.send(make_request(f"echo/{tag}", timestamp=LATER))
    binary = replay.send(make_request("binary", body=b"\xff\xfe\x00 not utf-8", timestamp=LATER))
    assert (get, post, binary) == tuple(item.response for item in recorded.interactions)
    assert echo(get.body)["method"] == "GET"
    assert binary.body == bytes(range(256))
    assert replay.unused == ()


def test_replay_ignores_scheme_host_and_port(make_request: RequestFactory, tag: str) -> None:
    """Only method, path, query and body are matched, so recordings move between hosts."""
    with UrllibTransport() as inner:
        recorder = RecordingTransport(inner)
        recorder.send(make_request(f"echo/{tag}"))
    replay = ReplayTransport(recorder.cassette)
    assert replay.send(make_request(f"echo/{tag}", scheme="https", port=1)).status == 200


def test_exact_mode_needs_the_identical_query(
    cassette_file: Path, make_request: RequestFactory, tag: str
) -> None:
    """exact=True matches the full query: a fixed clock replays, another clock does not."""
    replay = ReplayTransport(Cassette.load(cassette_file), exact=True)
    with pytest.raises(ReplayMismatchError) as excinfo:
        replay.send(make_request(f"echo/{tag}", timestamp=LATER))
    message = str(excinfo.value)
    assert f"auth_timestamp: sent '{LATER}', recorded '1700000000'" in message
    assert "auth_signature: sent" in message
    assert replay.send(make_request(f"echo/{tag}")).status == 200


def test_repeats_are_served_once_each_in_recorded_order(
    make_request: RequestFactory, tag: str, echo: Echo
) -> None:
    """Identical requests get the recorded responses in order; one more is a mismatch."""
    with UrllibTransport() as inner:
        recorder = RecordingTransport(inner)
        first = recorder.send(make_request(f"echo/{tag}"))
        second = recorder.send(make_request(f"echo/{tag}"))
    assert echo(first.body)["n"] < echo(second.body)["n"]
    replay = ReplayTransport(recorder.cassette)
    assert replay.send(make_request(f"echo/{tag}", timestamp=LATER)) == first
    assert replay.send(make_request(f"echo/{tag}", timestamp=LATER)) == second
    with pytest.raises(
        ReplayMismatchError, match=r"2 recorded interaction\(s\) match it but were already served"
    ):
        replay.send(make_request(f"echo/{tag}"))


def test_mismatch_shows_the_closest_recording_and_the_difference(
    cassette_file: Path, make_request: RequestFactory, tag: str
) -> None:
    """An unmatched request names the closest recorded one and what differs."""
    replay = ReplayTransport(Cassette.load(cassette_file))
    request = make_request(
        f"echo/{tag}", method="GET", params={"info": "subscription_count"}, timestamp=LATER
    )
    with pytest.raises(ReplayMismatchError) as excinfo:
        replay.send(request)
    message = str(excinfo.value)
    assert message.startswith(f"no recorded interaction matches GET /apps/1/echo/{tag}?")
    assert (
        f"closest recorded (#1 of 3, unused): GET /apps/1/echo/{tag}"
        "?auth_key=k&auth_version=1.0&info=user_count (no body)"
    ) in message
    assert "info: sent 'subscription_count', recorded 'user_count'" in message
    assert "auth_timestamp:" not in message  # ignored in this mode, so not a difference
    assert SECRET not in message
    assert isinstance(excinfo.value, LookupError)


def test_mismatch_on_the_body_points_at_the_first_different_byte(
    cassette_file: Path, make_request: RequestFactory, tag: str
) -> None:
    """A changed body is reported with the offset and both sides."""
    replay = ReplayTransport(Cassette.load(cassette_file))
    body = b'{"name":"my-event","channels":["other"],"data":"{\\"x\\":1}"}'
    with pytest.raises(ReplayMismatchError) as excinfo:
        replay.send(make_request(f"echo/{tag}", body=body))
    message = str(excinfo.value)
    assert f"closest recorded (#2 of 3, unused): POST /apps/1/echo/{tag}" in message
    assert "body: differs from byte 32" in message
    assert "other" in message


def test_mismatch_on_method_and_path(cassette_file: Path, make_request: RequestFactory) -> None:
    """Method and path differences are listed; an empty cassette says so."""
    replay = ReplayTransport(Cassette.load(cassette_file))
    with pytest.raises(ReplayMismatchError) as excinfo:
        replay.send(make_request("binary", method="DELETE", body=b"\xff\xfe\x00 not utf-8"))
    assert "method: sent DELETE, recorded POST" in str(excinfo.value)
    with pytest.raises(ReplayMismatchError) as path_info:
        replay.send(make_request("unknown", body=b"\xff\xfe\x00 not utf-8"))
    assert "path: sent '/apps/1/unknown', recorded '/apps/1/binary'" in str(path_info.value)
    with pytest.raises(ReplayMismatchError, match="the cassette is empty"):
        ReplayTransport(Cassette()).send(make_request("echo"))


def _keys_sorted(value: object) -> bool:
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(map(_keys_sorted, value.values()))
    if isinstance(value, list):
        return all(map(_keys_sorted, value))
    return True


def test_the_cassette_file_is_readable_json_without_the_secret(cassette_file: Path) -> None:
    """Indented, sorted JSON; UTF-8 bodies as text, others as base64; the secret absent."""
    text = cassette_file.read_text(encoding="utf-8")
    assert SECRET not in text
    document = json.loads(text)
    assert _keys_sorted(document)
    assert text.startswith('{\n  "format": "pusher-core cassette",\n  "interactions": [\n')
    assert '\n          ["auth_key", "k"],\n' in text  # one [name, value] pair per line
    assert text.endswith('  "version": 1\n}\n')
    assert document["format"] == "pusher-core cassette"
    assert document["version"] == 1
    get, post, binary = document["interactions"]
    assert get["request"]["method"] == "GET"
    assert ["auth_key", "k"] in get["request"]["query"]
    assert post["request"]["body"].startswith('{"name":"my-event"')
    assert "body_base64" in binary["request"]
    assert "body_base64" in binary["response"]
    assert "body" not in binary["request"]


def test_bodies_and_pairs_round_trip_exactly() -> None:
    """Non-UTF-8 bytes and awkward pair text survive to_json/from_json unchanged."""
    awkward = ("q", 'a"b\\c\n[d", "e"]\t é ☃')
    request = HttpRequest(
        method="POST",
        scheme="http",
        host="h",
        port=80,
        path="/p",
        query=(awkward, ("", ""), ("k", "v")),
        body=b"\x80\xff\x00",
    )
    response = HttpResponse(status=200, headers=(("X", "1"), awkward), body=bytes(range(256)))
    cassette = Cassette(interactions=[Interaction(request=request, response=response)])
    assert Cassette.from_json(cassette.to_json()) == cassette


def test_recording_skips_transport_errors(make_request: RequestFactory, refused_port: int) -> None:
    """A request without a response raises through and is not recorded."""
    with UrllibTransport() as inner:
        recorder = RecordingTransport(inner)
        with pytest.raises(ConnectionFailedError):
            recorder.send(make_request("echo", port=refused_port))
    assert recorder.cassette == Cassette()


def _document(request: object, response: object) -> str:
    item = {"request": request, "response": response}
    return json.dumps({"format": "pusher-core cassette", "version": 1, "interactions": [item]})


_GOOD_REQUEST = {"method": "GET", "scheme": "http", "host": "h", "port": 80, "path": "/"}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("not json", "the text"),
        ("[]", "the cassette"),
        ('{"format": "other", "version": 1, "interactions": []}', "the cassette"),
        (
            '{"format": "pusher-core cassette", "version": 1, "interactions": [1]}',
            "interactions[0]",
        ),
        (_document({"method": "GET"}, {}), "interactions[0].request.scheme"),
        (_document({**_GOOD_REQUEST, "port": "80"}, {}), "interactions[0].request.port"),
        (
            _document({**_GOOD_REQUEST, "query": [["a"]]}, {"status": 200}),
            "interactions[0].request.query",
        ),
        (_document(_GOOD_REQUEST, {"status": True}), "interactions[0].response.status"),
        (
            _document(_GOOD_REQUEST, {"status": 200, "body_base64": "!!"}),
            "interactions[0].response.body_base64",
        ),
        (
            _document(_GOOD_REQUEST, {"status": 200, "body": "", "body_base64": ""}),
            "interactions[0].response needs",
        ),
    ],
)
def test_malformed_cassettes_say_where(text: str, where: str) -> None:
    """Loading a broken cassette raises InvalidArgumentError pointing at the bad part."""
    with pytest.raises(InvalidArgumentError) as excinfo:
        Cassette.from_json(text)
    assert excinfo.value.argument == "cassette"
    assert where in str(excinfo.value)


def test_recorder_is_a_transport(servers: Servers) -> None:
    """RecordingTransport and ReplayTransport both satisfy the Transport port."""
    with UrllibTransport() as inner:
        assert isinstance(RecordingTransport(inner), Transport)
    assert isinstance(ReplayTransport(Cassette()), Transport)
    with pytest.raises(InvalidArgumentTypeError):
        ReplayTransport([])  # type: ignore[arg-type]


class _Inner:
    """A transport that remembers the deadlines it was given and whether it was closed."""

    def __init__(self) -> None:
        self.sent: list[tuple[HttpRequest, float | None]] = []
        self.closed = False

    def send(self, request: HttpRequest, *, deadline: float | None = None) -> HttpResponse:
        self.sent.append((request, deadline))
        return HttpResponse(status=200, body=b"{}")

    def close(self) -> None:
        self.closed = True


_PLAIN = HttpRequest(method="GET", scheme="http", host="127.0.0.1", port=1, path="/apps/1/x")


def test_recorder_passes_the_deadline_on_and_closes_what_it_wraps() -> None:
    """The recorder forwards `deadline` unchanged; `close()` and `with` close the inner one."""
    inner = _Inner()
    with RecordingTransport(inner) as recorder:
        recorder.send(_PLAIN, deadline=123.5)
        recorder.send(_PLAIN)
        assert not inner.closed
    assert inner.sent == [(_PLAIN, 123.5), (_PLAIN, None)]
    assert inner.closed
    assert len(recorder.cassette.interactions) == 2  # still readable after close


def test_replay_accepts_a_deadline_and_closes() -> None:
    """Replay takes the port's `deadline` keyword (even a past one: nothing waits) and closes."""
    cassette = Cassette(
        interactions=[Interaction(request=_PLAIN, response=HttpResponse(status=204))]
    )
    with ReplayTransport(cassette) as replay:
        assert replay.send(_PLAIN, deadline=0.0).status == 204
    replay.close()  # closing twice is harmless


def _repeated_cassette() -> tuple[Cassette, HttpRequest, HttpRequest]:
    """Two recordings of one GET (answers 1 and 2) and one of another."""

    def request(path: str) -> HttpRequest:
        return HttpRequest(method="GET", scheme="http", host="h", port=80, path=path)

    def answer(n: int) -> HttpResponse:
        return HttpResponse(status=200, headers=(), body=b'{"n":%d}' % n)

    polled, other = request("/apps/1/channels"), request("/apps/1/users")
    cassette = Cassette(
        interactions=[
            Interaction(request=polled, response=answer(1)),
            Interaction(request=other, response=answer(9)),
            Interaction(request=polled, response=answer(2)),
        ]
    )
    return cassette, polled, other


def test_once_mode_is_the_default_and_points_at_repeat_last() -> None:
    """ONCE serves each recording once; the exhausted request's error names the other mode."""
    cassette, polled, _ = _repeated_cassette()
    replay = ReplayTransport(cassette)
    assert replay.serve is ServeMode.ONCE
    assert [replay.send(polled).body for _ in range(2)] == [b'{"n":1}', b'{"n":2}']
    with pytest.raises(ReplayMismatchError) as info:
        replay.send(polled)
    message = str(info.value)
    assert "2 recorded interaction(s) match it but were already served" in message
    assert "pass serve=ServeMode.REPEAT_LAST" in message
    assert len(replay.unused) == 1


def test_repeat_last_serves_in_order_then_repeats_the_last_answer() -> None:
    """REPEAT_LAST: recordings in order, then the last matching one for every further request."""
    cassette, polled, other = _repeated_cassette()
    replay = ReplayTransport(cassette, serve=ServeMode.REPEAT_LAST)
    bodies = [replay.send(polled).body for _ in range(5)]
    assert bodies == [b'{"n":1}', b'{"n":2}', b'{"n":2}', b'{"n":2}', b'{"n":2}']
    assert replay.unused == (cassette.interactions[1],)
    assert [replay.send(other).body for _ in range(3)] == [b'{"n":9}'] * 3
    assert len(replay.unused) == 0


def test_repeat_last_still_refuses_a_request_never_recorded() -> None:
    """Repeating needs a recording of the request: anything else is still a mismatch."""
    cassette, _, _ = _repeated_cassette()
    replay = ReplayTransport(cassette, serve=ServeMode.REPEAT_LAST)
    unknown = HttpRequest(method="GET", scheme="http", host="h", port=80, path="/apps/1/nope")
    with pytest.raises(ReplayMismatchError, match="path: sent '/apps/1/nope'"):
        replay.send(unknown)


def test_serve_mode_must_be_a_serve_mode() -> None:
    """A string is refused, naming the two modes."""
    with pytest.raises(
        InvalidArgumentTypeError, match=r"ServeMode\.ONCE or ServeMode\.REPEAT_LAST"
    ):
        ReplayTransport(Cassette(), serve="repeat_last")  # type: ignore[arg-type]
